//! The streamtide REST API.
//!
//! [`app`] builds the whole HTTP surface (JSON API under `/api/v1`, `/healthz`, `/metrics`, the
//! OpenAPI document and a small live page) over an [`AppState`]; [`serve`] runs it on a listener
//! until a shutdown future resolves. Handlers only read the store: collection happens elsewhere.

mod admin;
mod auth_failures;
mod cache;
mod creator_overview;
mod dto;
mod dto_analytics;
mod error;
mod extract;
mod http_cache;
mod layers;
pub use layers::image_source_problem;
mod listen;
mod metrics;
mod paging;
mod rate_limit;
mod routes;
mod state;

use std::future::Future;

pub use admin::{AddedChannel, AdminAccess, AdminError, AdminOps};
pub use cache::AnswerCaches;
pub use dto::{
    CategoryTagDto, ChannelDto, ChannelPage, DetectedLanguageDto, ErrorBody, HealthDto,
    HealthStatus, HistoryDto, JobHealthDto, LiveItemDto, LivePage, MetricName, PlatformHealthDto,
    PlatformState, PointDto, SimulcastPartDto, SkippedPlatformDto,
};
pub use dto_analytics::{
    trends_csv, trends_note, trends_sheet, ChangeDto, ChangesDto, ChannelLabels, ChannelStatsDto,
    CreatorStatsDto, LinkedChannelDto, LiveStatsDto, NowDto, ProjectionDto, TrendItemDto,
    TrendMetricName, TrendsDto,
};
pub use listen::ServerLimits;
pub use metrics::Metrics;
pub use rate_limit::{ClientRateLimit, RateLimitError};
pub use routes::live::Curation as LiveCuration;
pub use routes::openapi::ApiDoc;
pub use routes::web::{Asset as WebAsset, ASSETS as WEB_ASSETS};
pub use state::{AppState, PlatformSetup, LIVE_CACHE_TTL};

/// Every route with its middleware, ready to serve.
pub fn app(state: AppState) -> axum::Router {
    layers::wrap(routes::router(&state), &state.image_sources).with_state(state)
}

/// Serve [`app`] on `listener` until `shutdown` resolves, then finish in-flight requests, with
/// the default [`ServerLimits`].
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, state, ServerLimits::default(), shutdown).await
}

/// [`serve`] within `limits`: connections at once, header and idle timeouts.
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    state: AppState,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, max_connections = limits.max_connections, "API listening");
    }
    listen::serve_router(listener, app(state), limits, shutdown).await
}
