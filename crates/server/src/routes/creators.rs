//! `GET /api/v1/creators[/{id}]`: creators with their channels across platforms, the totals and
//! the follower changes.

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use streamtide_storage::CreatorRow;
use utoipa::{IntoParams, ToSchema};

use crate::creator_overview::{self, CreatorSort};
use crate::dto::{ChannelDto, ErrorBody};
use crate::dto_analytics::{ChangesDto, CreatorStatsDto};
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::paging::{self, DEFAULT_LIMIT, MAX_LIMIT};
use crate::AppState;

/// A creator: one person, their channels on every platform, and the sum of their followers.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatorDto {
    pub id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
    /// Sum of the channels' latest follower counts (channels without a count are left out).
    #[schema(required = true)]
    pub followers_total: Option<u64>,
    /// Follower changes of the channels summed, over 1, 7, 30 and 90 days; a period the stored
    /// history does not cover is `null`, never a change from minutes of data.
    pub changes: ChangesDto,
    pub channels: Vec<ChannelDto>,
}

impl CreatorDto {
    fn new(c: CreatorRow, changes: ChangesDto) -> Self {
        CreatorDto {
            id: c.id,
            name: c.name,
            created_at: c.created_at,
            followers_total: c.followers_total,
            changes,
            channels: c.channels.into_iter().map(ChannelDto::from).collect(),
        }
    }
}

/// One page of creators.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatorPage {
    pub items: Vec<CreatorDto>,
    #[schema(required = true)]
    pub next_cursor: Option<String>,
    pub total: u64,
}

/// Search, filter, order and paging of the creator list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CreatorsQuery {
    /// Only creators whose name, or a channel's name or handle, contains this (case-insensitive).
    pub q: Option<String>,
    /// Only creators with a channel on this platform.
    #[param(value_type = Option<streamtide_core::Platform>)]
    pub platform: Option<String>,
    /// `name` (default), `followers` (summed), `change_1d`, `change_7d`, `change_30d` (follower
    /// change) or `pct_1d`, `pct_7d`, `pct_30d` (percent). Unknown values (`null`) come last.
    #[param(pattern = "^(name|followers|change_1d|change_7d|change_30d|pct_1d|pct_7d|pct_30d)?$")]
    pub sort: Option<String>,
    /// `asc` or `desc`; default `asc` for `name`, `desc` (largest first) for the figures.
    #[param(pattern = "^(asc|desc)?$")]
    pub order: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// The previous page's `next_cursor`.
    #[param(pattern = "^(o[0-9]{1,9})?$")]
    pub cursor: Option<String>,
}

/// A creator's id.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CreatorPath {
    pub id: i64,
}

/// Creators with their channels and summed follower changes: searched, filtered by platform and
/// sorted by name, followers or a change.
#[utoipa::path(
    get,
    operation_id = "list_creators",
    path = "/api/v1/creators",
    tag = "creators",
    params(CreatorsQuery),
    responses(
        (status = 200, description = "One page of creators", body = CreatorPage),
        (status = 400, description = "Invalid limit, cursor, platform, sort or order", body = ErrorBody),
        (status = 500, description = "Internal error", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<CreatorsQuery>,
) -> Result<Json<CreatorPage>, ApiError> {
    let limit = paging::limit(q.limit, DEFAULT_LIMIT, MAX_LIMIT)?;
    let offset = paging::decode_cursor(q.cursor.as_deref())?;
    let platform = paging::platform_query(q.platform.as_deref())?;
    let sort = CreatorSort::parse(q.sort.as_deref())?;
    let descending = match q.order.as_deref().map(str::trim) {
        None | Some("") => sort.default_descending(),
        Some("asc") => false,
        Some("desc") => true,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "unknown order `{other}` (expected asc or desc)"
            )))
        }
    };
    let all = state
        .caches
        .creators
        .get_or_compute(|| creator_overview::load_all(&state.store))
        .await?;
    let chosen = creator_overview::select(&all, q.q.as_deref(), platform, sort, descending);
    let total = chosen.len() as u64;
    let items: Vec<CreatorDto> = chosen
        .into_iter()
        .skip(offset as usize)
        .take(limit as usize)
        .map(|c| CreatorDto::new(c.row.clone(), c.changes.clone()))
        .collect();
    Ok(Json(CreatorPage {
        next_cursor: paging::next_cursor(offset, items.len(), total),
        items,
        total,
    }))
}

/// One creator with their channels and latest figures.
#[utoipa::path(
    get,
    operation_id = "get_creator",
    path = "/api/v1/creators/{id}",
    tag = "creators",
    params(CreatorPath),
    responses(
        (status = 200, description = "The creator", body = CreatorDto),
        (status = 400, description = "Invalid id", body = ErrorBody),
        (status = 404, description = "No such creator", body = ErrorBody),
        (status = 500, description = "Internal error", body = ErrorBody),
    )
)]
pub async fn detail(
    State(state): State<AppState>,
    ApiPath(path): ApiPath<CreatorPath>,
) -> Result<Json<CreatorDto>, ApiError> {
    let Some(c) = state.store.creator(path.id).await? else {
        return Err(ApiError::not_found(format!("no creator {}", path.id)));
    };
    let changes = match state.store.creator_stats(path.id).await? {
        Some(s) => CreatorStatsDto::from(s).changes,
        None => creator_overview::no_changes(),
    };
    Ok(Json(CreatorDto::new(c, changes)))
}
