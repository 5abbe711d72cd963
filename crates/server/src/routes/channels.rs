//! `GET /api/v1/channels[/{platform}/{channel_id}[/history]]`: channels, one channel, and a
//! channel's time series.

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use streamtide_core::Platform;
use streamtide_storage::Metric;
use utoipa::IntoParams;

use crate::dto::{ChannelDto, ChannelPage, ErrorBody, HistoryDto, PointDto};
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::paging::{self, DEFAULT_LIMIT, MAX_LIMIT};
use crate::AppState;

/// Points a history answer holds when `limit` is absent.
const HISTORY_DEFAULT_LIMIT: u32 = 5_000;
/// Most points one history answer may hold.
const HISTORY_MAX_LIMIT: u32 = 20_000;
/// The window a history answer covers when `from` is absent.
const HISTORY_DEFAULT_DAYS: i64 = 30;

/// Filters and paging of the channel list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChannelsQuery {
    /// Only this platform.
    #[param(value_type = Option<streamtide_core::Platform>)]
    pub platform: Option<String>,
    /// `true`: only roster (tracked) channels; `false` or absent: every known channel.
    pub tracked: Option<bool>,
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// The previous page's `next_cursor`.
    #[param(pattern = "^(o[0-9]{1,9})?$")]
    pub cursor: Option<String>,
}

/// A channel's address.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ChannelPath {
    /// The channel's platform.
    #[param(value_type = streamtide_core::Platform)]
    pub platform: String,
    /// The platform's stable channel id.
    pub channel_id: String,
}

/// Which series, over which window.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// The series: follower count, total views, or live viewers.
    #[param(value_type = crate::dto::MetricName)]
    pub metric: String,
    /// Start of the window, RFC 3339 (default: 30 days before `to`).
    #[param(value_type = Option<String>, format = DateTime)]
    pub from: Option<String>,
    /// End of the window, RFC 3339 (default: now).
    #[param(value_type = Option<String>, format = DateTime)]
    pub to: Option<String>,
    /// Most points to return, 1 to 20000 (default 5000); the oldest come first.
    #[param(minimum = 1, maximum = 20000)]
    pub limit: Option<u32>,
}

/// Known channels with their latest figures: roster channels first, then by followers.
#[utoipa::path(
    get,
    operation_id = "list_channels",
    path = "/api/v1/channels",
    tag = "channels",
    params(ChannelsQuery),
    responses(
        (status = 200, description = "One page of channels", body = ChannelPage),
        (status = 400, description = "Invalid filter, limit or cursor", body = ErrorBody),
        (status = 500, description = "Internal error", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ChannelsQuery>,
) -> Result<Json<ChannelPage>, ApiError> {
    let platform = paging::platform_query(q.platform.as_deref())?;
    let limit = paging::limit(q.limit, DEFAULT_LIMIT, MAX_LIMIT)?;
    let offset = paging::decode_cursor(q.cursor.as_deref())?;
    // The store can limit to the roster but not to "untracked only", so `tracked=false` means
    // "no roster filter" (documented on the parameter).
    let tracked_only = q.tracked.unwrap_or(false);
    let (rows, total) = state
        .store
        .channels(platform, tracked_only, limit, offset)
        .await?;
    Ok(Json(ChannelPage {
        next_cursor: paging::next_cursor(offset, rows.len(), total),
        items: rows.into_iter().map(ChannelDto::from).collect(),
        total,
    }))
}

/// One channel with its latest figures and its live broadcast, if any.
#[utoipa::path(
    get,
    operation_id = "get_channel",
    path = "/api/v1/channels/{platform}/{channel_id}",
    tag = "channels",
    params(ChannelPath),
    responses(
        (status = 200, description = "The channel", body = ChannelDto),
        (status = 400, description = "Unknown platform", body = ErrorBody),
        (status = 404, description = "No such channel", body = ErrorBody),
        (status = 500, description = "Internal error", body = ErrorBody),
    )
)]
pub async fn detail(
    State(state): State<AppState>,
    ApiPath(path): ApiPath<ChannelPath>,
) -> Result<Json<ChannelDto>, ApiError> {
    let platform = paging::parse_platform(&path.platform)?;
    let channel = state
        .store
        .channel(platform, &path.channel_id)
        .await?
        .ok_or_else(|| no_such_channel(platform, &path.channel_id))?;
    Ok(Json(ChannelDto::from(channel)))
}

/// A channel's time series in a window, oldest point first.
#[utoipa::path(
    get,
    operation_id = "get_channel_history",
    path = "/api/v1/channels/{platform}/{channel_id}/history",
    tag = "channels",
    params(ChannelPath, HistoryQuery),
    responses(
        (status = 200, description = "The series", body = HistoryDto),
        (status = 400, description = "Unknown platform or metric, bad time, `from` after `to`, or bad limit", body = ErrorBody),
        (status = 404, description = "No such channel", body = ErrorBody),
        (status = 500, description = "Internal error", body = ErrorBody),
    )
)]
pub async fn history(
    State(state): State<AppState>,
    ApiPath(path): ApiPath<ChannelPath>,
    ApiQuery(q): ApiQuery<HistoryQuery>,
) -> Result<Json<HistoryDto>, ApiError> {
    let platform = paging::parse_platform(&path.platform)?;
    let metric: Metric = q.metric.trim().parse().map_err(ApiError::bad_request)?;
    let to = parse_time("to", q.to.as_deref())?.unwrap_or_else(Utc::now);
    let from = parse_time("from", q.from.as_deref())?
        .unwrap_or_else(|| to - Duration::days(HISTORY_DEFAULT_DAYS));
    if from > to {
        return Err(ApiError::bad_request(format!(
            "`from` ({}) is after `to` ({})",
            from.to_rfc3339(),
            to.to_rfc3339()
        )));
    }
    let limit = paging::limit(q.limit, HISTORY_DEFAULT_LIMIT, HISTORY_MAX_LIMIT)?;
    // An empty series and an unknown channel look alike to the series query: ask first.
    if state
        .store
        .channel(platform, &path.channel_id)
        .await?
        .is_none()
    {
        return Err(no_such_channel(platform, &path.channel_id));
    }
    let points = state
        .store
        .history(platform, &path.channel_id, metric, from, to, limit)
        .await?;
    Ok(Json(HistoryDto {
        platform,
        channel_id: path.channel_id,
        metric,
        points: points.into_iter().map(PointDto::from).collect(),
    }))
}

fn no_such_channel(platform: Platform, id: &str) -> ApiError {
    ApiError::not_found(format!("no channel `{id}` on {platform}"))
}

/// An optional RFC 3339 time parameter.
pub(crate) fn parse_time(name: &str, raw: Option<&str>) -> Result<Option<DateTime<Utc>>, ApiError> {
    let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    match DateTime::parse_from_rfc3339(raw) {
        Ok(t) => Ok(Some(t.with_timezone(&Utc))),
        Err(e) => {
            // An unencoded `+09:00` offset arrives as a space: say so, it is the usual cause.
            let hint = if raw.contains(' ') {
                " (a `+` in a query string must be sent as %2B)"
            } else {
                ""
            };
            Err(ApiError::bad_request(format!(
                "`{name}` is not an RFC 3339 time like 2026-03-01T12:00:00Z: {e}{hint}"
            )))
        }
    }
}

/// How many videos a channel's video list holds at most.
const VIDEOS_MAX_LIMIT: u32 = 100;
/// Videos returned when `limit` is absent.
const VIDEOS_DEFAULT_LIMIT: u32 = 20;

/// How many videos.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VideosQuery {
    /// Most videos to return, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// A channel's most recent videos (newest first) with their latest view, like and comment
/// counts.
#[utoipa::path(
    get,
    operation_id = "list_channel_videos",
    path = "/api/v1/channels/{platform}/{channel_id}/videos",
    tag = "channels",
    params(ChannelPath, VideosQuery),
    responses(
        (status = 200, description = "The videos", body = crate::dto::VideoList),
        (status = 400, description = "Unknown platform or bad limit", body = ErrorBody),
        (status = 404, description = "No such channel", body = ErrorBody),
        (status = 500, description = "Internal error", body = ErrorBody),
    )
)]
pub async fn videos(
    State(state): State<AppState>,
    ApiPath(path): ApiPath<ChannelPath>,
    ApiQuery(q): ApiQuery<VideosQuery>,
) -> Result<Json<crate::dto::VideoList>, ApiError> {
    let platform = paging::parse_platform(&path.platform)?;
    let limit = paging::limit(q.limit, VIDEOS_DEFAULT_LIMIT, VIDEOS_MAX_LIMIT)?;
    let rows = state
        .store
        .recent_videos(platform, &path.channel_id, limit)
        .await?
        .ok_or_else(|| no_such_channel(platform, &path.channel_id))?;
    Ok(Json(crate::dto::VideoList {
        items: rows
            .into_iter()
            .map(|v| crate::dto::VideoDto::new(platform, v))
            .collect(),
    }))
}
