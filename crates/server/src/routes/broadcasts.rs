//! Broadcasts one by one (issue 19, item 4): `GET /api/v1/broadcasts/{platform}/{id}` (a
//! broadcast with its viewer curve and its title and category over time) and
//! `GET /api/v1/channels/{platform}/{channel_id}/broadcasts` (a channel's broadcasts, newest
//! first). The store keeps a session for every tracked channel's broadcast and for the top of
//! each live list (`collector.live_store_top`); a broadcast below that and untracked has a share
//! in the market, not a page.

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use streamtide_core::Platform;
use streamtide_curate::categories::Vocabulary;
use streamtide_storage::BroadcastRecord;
use utoipa::{IntoParams, ToSchema};

use super::channels::ChannelPath;
use crate::dto::{CategoryTagDto, ErrorBody};
use crate::dto_analytics::round_to;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::paging;
use crate::AppState;

/// A broadcast of a platform.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct BroadcastPath {
    #[param(value_type = streamtide_core::Platform)]
    pub platform: String,
    /// The platform's id for the broadcast (CHZZK `liveId`, SOOP `broad_no`, a Twitch stream
    /// id, a YouTube video id), or `s` and a session number for one seen without an id.
    pub id: String,
}

/// A broadcast's channel.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct BroadcastChannelDto {
    pub channel_id: String,
    pub name: String,
    #[schema(required = true)]
    pub avatar_url: Option<String>,
}

/// A broadcast's category as the platform names it, with the shared vocabulary's tag.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct BroadcastCategoryDto {
    #[schema(required = true)]
    pub id: Option<String>,
    #[schema(required = true)]
    pub name: Option<String>,
    #[schema(required = true)]
    pub tag: Option<CategoryTagDto>,
}

/// One broadcast's figures.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct BroadcastSummaryDto {
    pub platform: Platform,
    /// What `/api/v1/broadcasts/{platform}/{id}` takes.
    pub id: String,
    pub channel: BroadcastChannelDto,
    /// The latest title.
    pub title: String,
    pub category: BroadcastCategoryDto,
    pub url: String,
    #[schema(required = true)]
    pub thumbnail_url: Option<String>,
    pub started_at: DateTime<Utc>,
    /// `null` while it is live (or was when last seen).
    #[schema(required = true)]
    pub ended_at: Option<DateTime<Utc>>,
    pub last_seen_at: DateTime<Utc>,
    /// Seen in the last moments (`live_freshness`) and not ended.
    pub live: bool,
    /// From the start to the end, or to the last sighting while live.
    pub duration_minutes: f64,
    pub peak_viewers: u64,
    /// Over the samples taken; `null` without any.
    #[schema(required = true)]
    pub avg_viewers: Option<f64>,
    /// The average × the duration; `null` without samples.
    #[schema(required = true)]
    pub hours_watched: Option<f64>,
    /// Viewer samples taken.
    pub samples: u64,
}

/// A viewer sample.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CurvePointDto {
    pub at: DateTime<Utc>,
    pub viewers: u64,
}

/// The title and category a broadcast had from `at` on.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CourseDto {
    pub at: DateTime<Utc>,
    pub title: String,
    pub category: BroadcastCategoryDto,
}

/// A broadcast with its viewer curve and its title and category over time.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BroadcastDto {
    #[serde(flatten)]
    pub summary: BroadcastSummaryDto,
    /// Oldest first (older than `analytics.keep_raw_days`: the peak and last of each hour).
    pub curve: Vec<CurvePointDto>,
    /// The first title and category, then each change, oldest first.
    pub changes: Vec<CourseDto>,
}

fn category(
    platform: Platform,
    id: Option<&str>,
    name: Option<&str>,
    title: &str,
) -> BroadcastCategoryDto {
    BroadcastCategoryDto {
        id: id.map(str::to_string),
        name: name.map(str::to_string),
        tag: Vocabulary::global()
            .map(platform, id, name, title)
            .tag()
            .map(CategoryTagDto::from),
    }
}

fn summary(state: &AppState, b: &BroadcastRecord) -> BroadcastSummaryDto {
    let end = b.ended_at.unwrap_or(b.last_seen_at);
    let minutes = (end - b.started_at).num_seconds().max(0) as f64 / 60.0;
    let live = b.ended_at.is_none() && Utc::now() - b.last_seen_at <= state.live_freshness;
    BroadcastSummaryDto {
        platform: b.platform,
        id: b.key(),
        channel: BroadcastChannelDto {
            channel_id: b.channel_id.clone(),
            name: b.channel_name.clone(),
            avatar_url: b.channel_avatar_url.clone(),
        },
        title: b.title.clone(),
        category: category(
            b.platform,
            b.category_id.as_deref(),
            b.category_name.as_deref(),
            &b.title,
        ),
        url: b.url.clone(),
        thumbnail_url: b.thumbnail_url.clone(),
        started_at: b.started_at,
        ended_at: b.ended_at,
        last_seen_at: b.last_seen_at,
        live,
        duration_minutes: round_to(minutes, 1),
        peak_viewers: b.peak_viewers,
        avg_viewers: b.avg_viewers.map(|v| round_to(v, 1)),
        hours_watched: b.avg_viewers.map(|v| round_to(v * minutes / 60.0, 1)),
        samples: b.samples,
    }
}

/// A broadcast: its channel, title and category, start, end, duration, peak and average
/// viewers, hours watched, its viewer curve and its title and category changes with their times.
#[utoipa::path(
    get,
    operation_id = "get_broadcast",
    path = "/api/v1/broadcasts/{platform}/{id}",
    tag = "live",
    params(BroadcastPath),
    responses(
        (status = 200, description = "The broadcast", body = BroadcastDto),
        (status = 400, description = "Unknown platform", body = ErrorBody),
        (status = 404, description = "No such broadcast stored", body = ErrorBody),
        (status = 500, description = "Internal error", body = ErrorBody),
    )
)]
pub async fn detail(
    State(state): State<AppState>,
    ApiPath(path): ApiPath<BroadcastPath>,
) -> Result<Json<BroadcastDto>, ApiError> {
    let platform = paging::parse_platform(&path.platform)?;
    let b = state
        .store
        .broadcast(platform, &path.id)
        .await?
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "no broadcast `{}` on {platform} is stored",
                path.id
            ))
        })?;
    let curve = state
        .store
        .broadcast_curve(b.session_id)
        .await?
        .into_iter()
        .map(|(at, viewers)| CurvePointDto { at, viewers })
        .collect();
    let changes = state
        .store
        .broadcast_course(b.session_id)
        .await?
        .into_iter()
        .map(|c| CourseDto {
            at: c.at,
            category: category(
                platform,
                c.category_id.as_deref(),
                c.category_name.as_deref(),
                &c.title,
            ),
            title: c.title,
        })
        .collect();
    Ok(Json(BroadcastDto {
        summary: summary(&state, &b),
        curve,
        changes,
    }))
}

/// Which page of a channel's broadcasts.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BroadcastsQuery {
    /// Broadcasts per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// The previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// A page of a channel's broadcasts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BroadcastPage {
    pub platform: Platform,
    pub channel_id: String,
    /// Broadcasts stored for the channel in all.
    pub total: u64,
    #[schema(required = true)]
    pub next_cursor: Option<String>,
    /// Newest first.
    pub broadcasts: Vec<BroadcastSummaryDto>,
}

/// A channel's broadcasts, newest first, each with its figures and the id of its page.
#[utoipa::path(
    get,
    operation_id = "list_channel_broadcasts",
    path = "/api/v1/channels/{platform}/{channel_id}/broadcasts",
    tag = "channels",
    params(ChannelPath, BroadcastsQuery),
    responses(
        (status = 200, description = "One page of broadcasts", body = BroadcastPage),
        (status = 400, description = "Unknown platform, bad limit or cursor", body = ErrorBody),
        (status = 404, description = "No such channel", body = ErrorBody),
        (status = 500, description = "Internal error", body = ErrorBody),
    )
)]
pub async fn of_channel(
    State(state): State<AppState>,
    ApiPath(path): ApiPath<ChannelPath>,
    ApiQuery(q): ApiQuery<BroadcastsQuery>,
) -> Result<Json<BroadcastPage>, ApiError> {
    let platform = paging::parse_platform(&path.platform)?;
    let limit = paging::limit(q.limit, 50, 200)?;
    let offset = paging::decode_cursor(q.cursor.as_deref())?;
    if state
        .store
        .channel(platform, &path.channel_id)
        .await?
        .is_none()
    {
        return Err(ApiError::not_found(format!(
            "no channel `{}` on {platform}",
            path.channel_id
        )));
    }
    let (rows, total) = state
        .store
        .channel_broadcasts(platform, &path.channel_id, limit, offset)
        .await?;
    Ok(Json(BroadcastPage {
        platform,
        channel_id: path.channel_id,
        total,
        next_cursor: paging::next_cursor(offset, rows.len(), total),
        broadcasts: rows.iter().map(|b| summary(&state, b)).collect(),
    }))
}
