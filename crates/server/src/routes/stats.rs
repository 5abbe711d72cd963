//! `GET /api/v1/channels/{platform}/{channel_id}/stats`, `GET /api/v1/creators/{id}/stats`, and
//! the history endpoint's CSV form.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;

use super::channels::{ChannelPath, HistoryQuery};
use super::trends::{parse_format, sheet_response, Format};
use crate::dto::{ErrorBody, HistoryDto};
use crate::dto_analytics::{ChannelStatsDto, CreatorStatsDto};
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::paging;
use crate::AppState;

/// A creator's address.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CreatorPath {
    /// The creator's id.
    pub id: i64,
}

/// Output format.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormatQuery {
    /// `json` (default), `csv` (`at,value` lines, oldest first) or `xlsx` (the same as an Excel
    /// workbook).
    #[param(pattern = "^(json|csv|xlsx)?$")]
    pub format: Option<String>,
}

/// A channel's follower changes over 1/7/30/90 days, average daily gain, acceleration, live
/// metrics of the last 30 days and a follower projection. Rounded counts (YouTube) are estimated
/// between their real changes and flagged `rounded`; changes across a gap in collection are
/// `null`, never counted from 0.
#[utoipa::path(
    get,
    operation_id = "get_channel_stats",
    path = "/api/v1/channels/{platform}/{channel_id}/stats",
    tag = "trends",
    params(ChannelPath),
    responses(
        (status = 200, description = "The statistics", body = ChannelStatsDto),
        (status = 400, description = "Unknown platform", body = ErrorBody),
        (status = 404, description = "No such channel", body = ErrorBody),
        (status = 500, description = "Internal error", body = ErrorBody),
    )
)]
pub async fn channel(
    State(state): State<AppState>,
    ApiPath(path): ApiPath<ChannelPath>,
) -> Result<Json<ChannelStatsDto>, ApiError> {
    let platform = paging::parse_platform(&path.platform)?;
    let row = state
        .store
        .channel_stats(platform, &path.channel_id)
        .await?
        .ok_or_else(|| {
            ApiError::not_found(format!("no channel `{}` on {platform}", path.channel_id))
        })?;
    Ok(Json(ChannelStatsDto::from(row)))
}

/// A creator's statistics, summed across the channels linked to them.
#[utoipa::path(
    get,
    operation_id = "get_creator_stats",
    path = "/api/v1/creators/{id}/stats",
    tag = "trends",
    params(CreatorPath),
    responses(
        (status = 200, description = "The statistics", body = CreatorStatsDto),
        (status = 400, description = "The id is not a number", body = ErrorBody),
        (status = 404, description = "No such creator", body = ErrorBody),
        (status = 500, description = "Internal error", body = ErrorBody),
    )
)]
pub async fn creator(
    State(state): State<AppState>,
    ApiPath(path): ApiPath<CreatorPath>,
) -> Result<Json<CreatorStatsDto>, ApiError> {
    let row = state
        .store
        .creator_stats(path.id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no creator {}", path.id)))?;
    Ok(Json(CreatorStatsDto::from(row)))
}

/// A channel's time series in a window, oldest point first; `format=csv` answers `at,value`
/// lines, `format=xlsx` the same as a workbook.
#[utoipa::path(
    get,
    operation_id = "get_channel_history",
    path = "/api/v1/channels/{platform}/{channel_id}/history",
    tag = "channels",
    params(ChannelPath, HistoryQuery, FormatQuery),
    responses(
        (status = 200, description = "The series (JSON; CSV with `format=csv`; an Excel workbook with `format=xlsx`)", content(
            (HistoryDto = "application/json"),
            (String = "text/csv"),
            (super::trends::XlsxFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = 400, description = "Unknown platform, metric or format, bad time, `from` after `to`, or bad limit", body = ErrorBody),
        (status = 404, description = "No such channel", body = ErrorBody),
        (status = 500, description = "Internal error", body = ErrorBody),
    )
)]
pub async fn history(
    state: State<AppState>,
    ApiPath(path): ApiPath<ChannelPath>,
    query: ApiQuery<HistoryQuery>,
    ApiQuery(f): ApiQuery<FormatQuery>,
) -> Result<Response, ApiError> {
    let format = parse_format(f.format.as_deref())?;
    let safe: String = path
        .channel_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    let stem = format!("history-{}-{safe}", path.platform.to_ascii_lowercase());
    let Json(dto) = super::channels::history(state, ApiPath(path), query).await?;
    if format == Format::Json {
        return Ok(Json(dto).into_response());
    }
    let mut sheet = streamtide_sheets::Sheet::new("history", &["at", "value"]);
    for p in &dto.points {
        sheet.push(vec![
            streamtide_sheets::Cell::Time(p.at),
            streamtide_sheets::Cell::count(Some(p.value)),
        ]);
    }
    sheet_response(&sheet, format, &stem)
}
