//! `GET /api/v1/live`: broadcasts live now across platforms, most viewers first.

use axum::extract::State;
use axum::Json;
use chrono::Utc;
use serde::Deserialize;
use streamtide_storage::LiveFilter;
use utoipa::IntoParams;

use crate::dto::{ErrorBody, LiveItemDto, LivePage};
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::paging::{self, DEFAULT_LIMIT, MAX_LIMIT};
use crate::AppState;

/// Filters and paging of the live list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LiveQuery {
    /// Only this platform.
    #[param(value_type = Option<crate::dto::PlatformName>)]
    pub platform: Option<String>,
    /// Only this category: its name or the platform's category id, case-insensitive.
    pub category: Option<String>,
    /// `true`: only adult broadcasts; `false`: none; absent: all.
    pub adult: Option<bool>,
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// The previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// Broadcasts live now, merged across platforms, most viewers first. Broadcasts not seen by a
/// recent collection round are left out.
#[utoipa::path(
    get,
    operation_id = "list_live",
    path = "/api/v1/live",
    tag = "live",
    params(LiveQuery),
    responses(
        (status = 200, description = "One page of live broadcasts", body = LivePage),
        (status = 400, description = "Invalid filter, limit or cursor", body = ErrorBody),
        (status = 500, description = "Internal error", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<LiveQuery>,
) -> Result<Json<LivePage>, ApiError> {
    let filter = LiveFilter {
        platform: paging::platform_param(q.platform.as_deref())?,
        category: q
            .category
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty()),
        adult: q.adult,
        seen_after: Some(state.seen_after(Utc::now())),
        limit: paging::limit(q.limit, DEFAULT_LIMIT, MAX_LIMIT)?,
        offset: paging::decode_cursor(q.cursor.as_deref())?,
    };
    let (items, total) = state.store.live_now(&filter).await?;
    Ok(Json(LivePage {
        next_cursor: paging::next_cursor(filter.offset, items.len(), total),
        items: items.into_iter().map(LiveItemDto::from).collect(),
        total,
    }))
}
