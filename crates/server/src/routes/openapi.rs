//! `GET /api/v1/openapi.json`: the OpenAPI 3.1 document, generated from the handlers and DTOs.

use std::sync::LazyLock;

use axum::http::header;
use axum::response::IntoResponse;
use utoipa::OpenApi;

use crate::{dto, dto_analytics};

/// The API's OpenAPI document; `ApiDoc::openapi()` builds it.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "streamtide API",
        description = "Live broadcasts and channel statistics collected from streaming platforms. \
            Every error is `{\"error\": code, \"message\": text}`.",
    ),
    paths(
        super::live::list,
        super::channels::list,
        super::channels::detail,
        super::channels::videos,
        super::daily::daily,
        super::broadcasts::detail,
        super::broadcasts::of_channel,
        super::stats::history,
        super::stats::channel,
        super::stats::creator,
        super::trends::list,
        super::market::market,
        super::market::categories,
        super::market::category_history,
        super::creators::list,
        super::creators::detail,
        super::admin::add_channel,
        super::admin::remove_channel,
        super::admin::import,
        super::admin::link,
        super::admin::unlink,
        super::admin::create_creator,
        super::alerts::list_rules,
        super::alerts::add_rule,
        super::alerts::remove_rule,
        super::alerts::remove_rule_by_query,
        super::alerts::deliveries,
        super::health::healthz,
        super::platforms::list,
        super::metrics::metrics,
        document,
    ),
    components(schemas(
        dto::ErrorBody,
        super::alerts::RuleDto,
        super::alerts::RulesDto,
        super::alerts::DestinationDto,
        super::alerts::DeliveryDto,
        super::alerts::DeliveriesDto,
        streamtide_core::Platform,
        super::platforms::PlatformDto,
        super::platforms::PlatformsDto,
        dto::MetricName,
        dto::LiveItemDto,
        dto::DetectedLanguageDto,
        dto::CategoryTagDto,
        dto::SimulcastPartDto,
        dto::LivePage,
        dto::ChannelDto,
        dto::LiveStateName,
        dto::ChannelPage,
        dto::VideoDto,
        dto::VideoList,
        dto::PointDto,
        dto::HistoryDto,
        dto::HealthStatus,
        dto::HealthDto,
        dto::YoutubeHealthDto,
        dto::QuotaBucketDto,
        dto::FeedHealthDto,
        dto::FallbackDto,
        dto::OverrunDto,
        dto::JobHealthDto,
        dto::PlatformState,
        dto::PlatformHealthDto,
        dto::SkippedPlatformDto,
        super::health::Health503,
        super::trends::XlsxFile,
        super::creators::CreatorDto,
        super::creators::CreatorPage,
        super::daily::DailyDto,
        super::broadcasts::BroadcastChannelDto,
        super::broadcasts::BroadcastCategoryDto,
        super::broadcasts::BroadcastSummaryDto,
        super::broadcasts::CurvePointDto,
        super::broadcasts::CourseDto,
        super::broadcasts::BroadcastDto,
        super::broadcasts::BroadcastPage,
        super::market::MarketDto,
        super::market::MarketSeriesDto,
        super::market::MarketPointDto,
        super::market::CategoryRankDto,
        super::market::CategoriesDto,
        super::market::CategorySeriesDto,
        super::market::CategoryHistoryPointDto,
        super::market::CategoryHistoryDto,
        super::daily::DailyRowDto,
        super::admin::AddChannelBody,
        super::admin::AddedChannelDto,
        super::admin::LinkDto,
        super::admin::CreatorBody,
        super::admin::CreatedDto,
        dto_analytics::TrendMetricName,
        dto_analytics::TrendItemDto,
        dto_analytics::TrendsDto,
        dto_analytics::NowDto,
        dto_analytics::ChangeDto,
        dto_analytics::ChangesDto,
        dto_analytics::LiveStatsDto,
        dto_analytics::ProjectionDto,
        dto_analytics::ChannelStatsDto,
        dto_analytics::LinkedChannelDto,
        dto_analytics::CreatorStatsDto,
    )),
    tags(
        (name = "live", description = "Broadcasts live now"),
        (name = "platforms", description = "The platforms, their names and colours, and which this server collects"),
        (name = "channels", description = "Channels, their figures and history"),
        (name = "market", description = "The whole live market from the census: viewers, live broadcasts and hours watched per platform and category"),
        (name = "trends", description = "Rankings of movers, channel and creator statistics, projections"),
        (name = "operations", description = "Health and metrics"),
        (name = "creators", description = "Creators and their channels across platforms"),
        (name = "admin", description = "Changes to the roster; need `Authorization: Bearer <server.admin_token>`"),
    ),
    modifiers(&BearerAuth, &RateLimited)
)]
pub struct ApiDoc;

/// Declares the `bearer` scheme the admin operations name in their `security`.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// Adds the per-client rate limit's 429 to every operation it guards (everything under
/// `/api/v1/` except the admin writes, which have their token) so clients and schema checkers
/// know it.
struct RateLimited;

impl utoipa::Modify for RateLimited {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let response = ResponseBuilder::new()
            .description("Too many requests from this client; `Retry-After` says when to retry")
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                    .build(),
            )
            .build();
        for (path, item) in openapi.paths.paths.iter_mut() {
            if !path.starts_with("/api/v1/") {
                continue;
            }
            if let Some(get) = item.get.as_mut() {
                get.responses
                    .responses
                    .insert("429".to_string(), response.clone().into());
            }
        }
    }
}

/// Built once: the document is the same for the life of the process.
static DOCUMENT: LazyLock<String> = LazyLock::new(|| {
    ApiDoc::openapi().to_json().unwrap_or_else(|e| {
        tracing::error!(error = %e, "serialising the OpenAPI document failed");
        "{}".to_string()
    })
});

/// This document.
#[utoipa::path(
    get,
    operation_id = "get_openapi",
    path = "/api/v1/openapi.json",
    tag = "operations",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json", body = Object))
)]
pub async fn document() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        DOCUMENT.as_str(),
    )
}
