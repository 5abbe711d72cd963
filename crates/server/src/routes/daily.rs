//! `GET /api/v1/channels/{platform}/{channel_id}/daily`: a channel's day-by-day table (closing
//! followers and views with their changes, videos, streams and hours watched), newest day first,
//! as JSON, CSV or an Excel workbook.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use streamtide_sheets::{Cell, Sheet};
use streamtide_storage::DailyRow;
use utoipa::{IntoParams, ToSchema};

use super::channels::ChannelPath;
use super::stats::FormatQuery;
use super::trends::{parse_format, sheet_response, Format};
use crate::dto::ErrorBody;
use crate::dto_analytics::round_to;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::paging;
use crate::AppState;

/// Days a table covers when `days` is absent.
const DEFAULT_DAYS: u32 = 90;
/// Most days one answer covers.
const MAX_DAYS: u32 = 3650;

/// How far back.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DailyQuery {
    /// Calendar days back from the latest day with data, 1 to 3650 (default 90).
    #[param(minimum = 1, maximum = 3650)]
    pub days: Option<u32>,
}

/// One calendar day of a channel (in the analytics time zone). Unknown figures are `null`: a
/// change is `null` when the day before has no close.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct DailyRowDto {
    #[schema(value_type = String, format = Date)]
    pub day: NaiveDate,
    /// Closing follower count of the day.
    #[schema(required = true)]
    pub followers: Option<u64>,
    /// Against the previous day's close.
    #[schema(required = true)]
    pub followers_change: Option<i64>,
    #[schema(required = true)]
    pub views: Option<u64>,
    #[schema(required = true)]
    pub views_change: Option<i64>,
    #[schema(required = true)]
    pub videos: Option<u64>,
    #[schema(required = true)]
    pub videos_change: Option<i64>,
    /// Broadcasts live that day.
    pub streams: u64,
    pub hours_streamed: f64,
    #[schema(required = true)]
    pub peak_viewers: Option<u64>,
    #[schema(required = true)]
    pub avg_viewers: Option<f64>,
    /// Σ viewers × hours of the day's broadcasting.
    pub hours_watched: f64,
}

impl From<DailyRow> for DailyRowDto {
    fn from(r: DailyRow) -> Self {
        DailyRowDto {
            day: r.day,
            followers: r.followers,
            followers_change: r.followers_delta,
            views: r.total_views,
            views_change: r.views_delta,
            videos: r.video_count,
            videos_change: r.video_count_delta,
            streams: r.streams,
            hours_streamed: round_to(r.live_minutes / 60.0, 2),
            peak_viewers: r.peak_viewers,
            avg_viewers: r.avg_viewers.map(|v| round_to(v, 1)),
            hours_watched: round_to(r.hours_watched, 1),
        }
    }
}

/// A channel's daily table.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DailyDto {
    pub platform: streamtide_core::Platform,
    pub channel_id: String,
    /// Newest day first; days without any data are absent.
    pub days: Vec<DailyRowDto>,
}

/// The table as a sheet (the JSON's columns, newest day first; unknown cells empty).
pub fn daily_sheet(rows: &[DailyRowDto]) -> Sheet {
    let mut sheet = Sheet::new(
        "daily",
        &[
            "day",
            "followers",
            "followers_change",
            "views",
            "views_change",
            "videos",
            "videos_change",
            "streams",
            "hours_streamed",
            "peak_viewers",
            "avg_viewers",
            "hours_watched",
        ],
    );
    for r in rows {
        sheet.push(vec![
            Cell::Date(r.day),
            Cell::count(r.followers),
            Cell::int(r.followers_change),
            Cell::count(r.views),
            Cell::int(r.views_change),
            Cell::count(r.videos),
            Cell::int(r.videos_change),
            Cell::count(Some(r.streams)),
            Cell::Float(r.hours_streamed),
            Cell::count(r.peak_viewers),
            Cell::float(r.avg_viewers),
            Cell::Float(r.hours_watched),
        ]);
    }
    sheet
}

/// A channel's day-by-day figures, newest day first (Social Blade style): closing followers and
/// views with their change from the day before, videos, streams and hours watched.
#[utoipa::path(
    get,
    operation_id = "get_channel_daily",
    path = "/api/v1/channels/{platform}/{channel_id}/daily",
    tag = "channels",
    params(ChannelPath, DailyQuery, FormatQuery),
    responses(
        (status = 200, description = "The table (JSON; CSV with `format=csv`; an Excel workbook with `format=xlsx`)", content(
            (DailyDto = "application/json"),
            (String = "text/csv"),
            (super::trends::XlsxFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = 400, description = "Unknown platform or format, or bad days", body = ErrorBody),
        (status = 404, description = "No such channel", body = ErrorBody),
        (status = 500, description = "Internal error", body = ErrorBody),
    )
)]
pub async fn daily(
    State(state): State<AppState>,
    ApiPath(path): ApiPath<ChannelPath>,
    ApiQuery(q): ApiQuery<DailyQuery>,
    ApiQuery(f): ApiQuery<FormatQuery>,
) -> Result<Response, ApiError> {
    let platform = paging::parse_platform(&path.platform)?;
    let format = parse_format(f.format.as_deref())?;
    let days = paging::limit(q.days, DEFAULT_DAYS, MAX_DAYS)
        .map_err(|_| ApiError::bad_request(format!("days must be between 1 and {MAX_DAYS}")))?;
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
    let to = match state.store.latest_rollup_day().await? {
        Some(d) => d,
        None => streamtide_analytics::day_of(Utc::now(), state.store.analytics_timezone().await?),
    };
    let from = to - Duration::days(i64::from(days) - 1);
    let mut rows: Vec<DailyRowDto> = state
        .store
        .channel_daily(platform, &path.channel_id, from, to)
        .await?
        .into_iter()
        .map(DailyRowDto::from)
        .collect();
    rows.reverse();
    if format != Format::Json {
        let safe: String = path
            .channel_id
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        let stem = format!("daily-{}-{safe}", platform.as_str());
        return sheet_response(&daily_sheet(&rows), format, &stem);
    }
    Ok(Json(DailyDto {
        platform,
        channel_id: path.channel_id,
        days: rows,
    })
    .into_response())
}
