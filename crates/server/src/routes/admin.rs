//! Admin routes (bearer token, see [`crate::admin`]): the roster, imports and creator links.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use streamtide_core::{ChannelId, Platform};
use utoipa::{IntoParams, ToSchema};

use crate::admin::AdminError;
use crate::dto::ErrorBody;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::paging;
use crate::routes::channels::ChannelPath;
use crate::AppState;

impl From<AdminError> for ApiError {
    fn from(e: AdminError) -> Self {
        match e {
            AdminError::BadRequest(m) => ApiError::BadRequest(m),
            AdminError::NotFound(m) => ApiError::NotFound(m),
            AdminError::Upstream(m) => ApiError::Upstream(m),
            AdminError::TooLarge(m) => ApiError::TooLarge(m),
        }
    }
}

fn ops(state: &AppState) -> Result<&std::sync::Arc<dyn crate::admin::AdminOps>, ApiError> {
    // The middleware already refused requests without admin access; this is a second lock.
    state
        .admin
        .as_ref()
        .map(|a| &a.ops)
        .ok_or_else(|| ApiError::Internal("admin route reached without admin access".into()))
}

/// A channel to track.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AddChannelBody {
    /// A channel URL, `platform:id`, or (with `platform`) an id or name.
    /// At most 2048 bytes of UTF-8; the schema says 512 characters, which always fit.
    #[schema(min_length = 1, max_length = 512, pattern = "\\S")]
    pub channel: String,
    #[schema(value_type = Option<streamtide_core::Platform>)]
    pub platform: Option<String>,
}

/// The channel now on the roster.
#[derive(Debug, Serialize, ToSchema)]
pub struct AddedChannelDto {
    pub platform: Platform,
    pub channel_id: String,
    pub name: String,
    /// `false` if it was on the roster already.
    pub newly_tracked: bool,
}

/// Track a channel: recognised, resolved to its stable id through the platform, then added.
#[utoipa::path(post, operation_id = "add_channel", path = "/api/v1/channels", tag = "admin",
    request_body = AddChannelBody, security(("bearer" = [])),
    responses(
        (status = 201, description = "Tracked (200 if it already was)", body = AddedChannelDto),
        (status = 400, description = "Unrecognised input, or a body that is not the documented JSON", body = ErrorBody),
        (status = 401, description = "Missing or wrong token", body = ErrorBody),
        (status = 403, description = "Admin endpoints are off", body = ErrorBody),
        (status = 404, description = "The platform has no such channel", body = ErrorBody),
        (status = 502, description = "The platform could not be asked", body = ErrorBody),
    ))]
pub async fn add_channel(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<AddChannelBody>,
) -> Result<(StatusCode, Json<AddedChannelDto>), ApiError> {
    // Absent is "recognise it from the input"; a value, even empty, must be one of the enum's.
    let platform = paging::platform_query(body.platform.as_deref())?;
    if body.channel.trim().is_empty() || body.channel.len() > 2048 {
        return Err(ApiError::bad_request(
            "`channel` must be a URL, id or name (at most 2048 bytes)",
        ));
    }
    let added = ops(&state)?.add_channel(&body.channel, platform).await?;
    let status = if added.newly_tracked {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(AddedChannelDto {
            platform: added.info.platform,
            channel_id: added.info.channel_id.0,
            name: added.info.name,
            newly_tracked: added.newly_tracked,
        }),
    ))
}

/// Stop tracking a channel; its history is kept.
#[utoipa::path(delete, operation_id = "remove_channel", path = "/api/v1/channels/{platform}/{channel_id}",
    tag = "admin", params(ChannelPath), security(("bearer" = [])),
    responses(
        (status = 204, description = "No longer tracked"),
        (status = 400, description = "Unknown platform", body = ErrorBody),
        (status = 401, description = "Missing or wrong token", body = ErrorBody),
        (status = 403, description = "Admin endpoints are off", body = ErrorBody),
        (status = 404, description = "Not on the roster", body = ErrorBody),
    ))]
pub async fn remove_channel(
    State(state): State<AppState>,
    ApiPath(path): ApiPath<ChannelPath>,
) -> Result<StatusCode, ApiError> {
    let platform = paging::platform_param(Some(&path.platform))?
        .ok_or_else(|| ApiError::bad_request("a platform is required"))?;
    if state
        .store
        .untrack_channel(platform, &ChannelId::new(path.channel_id.clone()))
        .await?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found(format!(
            "{platform} {} is not on the roster",
            path.channel_id
        )))
    }
}

/// The uploaded file's name (its extension gives the format).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// e.g. `creators.xlsx` or `roster.csv`.
    #[param(pattern = "[^./\\\\]\\.([xX][lL][sS][xXmM]?|[oO][dD][sS]|[cC][sS][vV])$")]
    pub filename: String,
}

/// Import a roster (.xlsx, .xls, .ods or .csv as the raw request body); answers the report.
#[utoipa::path(post, operation_id = "import_roster", path = "/api/v1/import", tag = "admin",
    params(ImportQuery), security(("bearer" = [])),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses(
        (status = 200, description = "The import report", body = Object),
        (status = 400, description = "Unreadable file", body = ErrorBody),
        (status = 401, description = "Missing or wrong token", body = ErrorBody),
        (status = 403, description = "Admin endpoints are off", body = ErrorBody),
        (status = 413, description = "File too large, or its sheet or inflated size beyond the `[import]` limits", body = ErrorBody),
    ))]
pub async fn import(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: Bytes,
) -> Result<Json<serde_json::Value>, ApiError> {
    if body.is_empty() {
        return Err(ApiError::bad_request(
            "the request body must be the roster file",
        ));
    }
    Ok(Json(
        ops(&state)?
            .import_roster(&q.filename, body.to_vec())
            .await?,
    ))
}

/// A creator's id and one channel.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CreatorChannelPath {
    pub id: i64,
    #[param(value_type = streamtide_core::Platform)]
    pub platform: String,
    pub channel_id: String,
}

/// Whether a link changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkDto {
    pub changed: bool,
}

/// Link a tracked channel to a creator.
#[utoipa::path(put, operation_id = "link_channel", path = "/api/v1/creators/{id}/channels/{platform}/{channel_id}",
    tag = "admin", params(CreatorChannelPath), security(("bearer" = [])),
    responses(
        (status = 200, description = "Linked", body = LinkDto),
        (status = 400, description = "Unknown platform or creator id", body = ErrorBody),
        (status = 401, description = "Missing or wrong token", body = ErrorBody),
        (status = 403, description = "Admin endpoints are off", body = ErrorBody),
        (status = 404, description = "No such creator or channel", body = ErrorBody),
    ))]
pub async fn link(
    State(state): State<AppState>,
    ApiPath(p): ApiPath<CreatorChannelPath>,
) -> Result<Json<LinkDto>, ApiError> {
    let platform = paging::platform_param(Some(&p.platform))?
        .ok_or_else(|| ApiError::bad_request("a platform is required"))?;
    let changed = state
        .store
        .link_channel(platform, &ChannelId::new(p.channel_id), p.id)
        .await?;
    Ok(Json(LinkDto { changed }))
}

/// Detach a channel from its creator.
#[utoipa::path(delete, operation_id = "unlink_channel", path = "/api/v1/creators/{id}/channels/{platform}/{channel_id}",
    tag = "admin", params(CreatorChannelPath), security(("bearer" = [])),
    responses(
        (status = 200, description = "Unlinked (changed = false if it was not linked to this creator)", body = LinkDto),
        (status = 400, description = "Unknown platform or creator id", body = ErrorBody),
        (status = 401, description = "Missing or wrong token", body = ErrorBody),
        (status = 403, description = "Admin endpoints are off", body = ErrorBody),
    ))]
pub async fn unlink(
    State(state): State<AppState>,
    ApiPath(p): ApiPath<CreatorChannelPath>,
) -> Result<Json<LinkDto>, ApiError> {
    let platform = paging::platform_param(Some(&p.platform))?
        .ok_or_else(|| ApiError::bad_request("a platform is required"))?;
    let id = ChannelId::new(p.channel_id);
    let changed = match state.store.channel_creator(platform, &id).await? {
        Some(c) if c == p.id => state.store.unlink_channel(platform, &id).await?,
        _ => false,
    };
    Ok(Json(LinkDto { changed }))
}

/// A new creator.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreatorBody {
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub name: String,
}

/// The creator of that name.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedDto {
    pub id: i64,
    pub name: String,
    /// `false` if a creator of that name existed.
    pub created: bool,
}

/// Create a creator (or find the one of that name).
#[utoipa::path(post, operation_id = "create_creator", path = "/api/v1/creators", tag = "admin",
    request_body = CreatorBody, security(("bearer" = [])),
    responses(
        (status = 200, description = "The creator", body = CreatedDto),
        (status = 400, description = "Empty name, or a body that is not the documented JSON", body = ErrorBody),
        (status = 401, description = "Missing or wrong token", body = ErrorBody),
        (status = 403, description = "Admin endpoints are off", body = ErrorBody),
    ))]
pub async fn create_creator(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<CreatorBody>,
) -> Result<Json<CreatedDto>, ApiError> {
    let name = body.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ApiError::bad_request("`name` must be 1 to 200 characters"));
    }
    let (id, created) = state.store.upsert_creator(name, chrono::Utc::now()).await?;
    Ok(Json(CreatedDto {
        id,
        name: name.to_string(),
        created,
    }))
}
