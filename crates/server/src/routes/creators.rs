//! `GET /api/v1/creators[/{id}]`: creators with their channels across platforms and the totals.

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use streamtide_storage::CreatorRow;
use utoipa::{IntoParams, ToSchema};

use crate::dto::{ChannelDto, ErrorBody};
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
    pub channels: Vec<ChannelDto>,
}

impl From<CreatorRow> for CreatorDto {
    fn from(c: CreatorRow) -> Self {
        CreatorDto {
            id: c.id,
            name: c.name,
            created_at: c.created_at,
            followers_total: c.followers_total,
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

/// Paging of the creator list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CreatorsQuery {
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

/// Creators by name, each with their channels.
#[utoipa::path(
    get,
    operation_id = "list_creators",
    path = "/api/v1/creators",
    tag = "creators",
    params(CreatorsQuery),
    responses(
        (status = 200, description = "One page of creators", body = CreatorPage),
        (status = 400, description = "Invalid limit or cursor", body = ErrorBody),
        (status = 500, description = "Internal error", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<CreatorsQuery>,
) -> Result<Json<CreatorPage>, ApiError> {
    let limit = paging::limit(q.limit, DEFAULT_LIMIT, MAX_LIMIT)?;
    let offset = paging::decode_cursor(q.cursor.as_deref())?;
    let (rows, total) = state.store.creators(limit, offset).await?;
    Ok(Json(CreatorPage {
        next_cursor: paging::next_cursor(offset, rows.len(), total),
        items: rows.into_iter().map(CreatorDto::from).collect(),
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
    match state.store.creator(path.id).await? {
        Some(c) => Ok(Json(c.into())),
        None => Err(ApiError::not_found(format!("no creator {}", path.id))),
    }
}
