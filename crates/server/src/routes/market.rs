//! The live market from the census (issue 19): `GET /api/v1/market` (viewers, live channels and
//! hours watched per platform over time), `GET /api/v1/categories` (the category ranking with
//! the change against the period before) and `GET /api/v1/categories/{tag}/history`. JSON, CSV
//! or an Excel workbook like the other tables.
//!
//! Only platforms whose live list is the whole directory (`live_list_depth = "all"`) have a
//! market; a round whose list was cut short is missing from it, so averages are over the rounds
//! read and hours watched count only them.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use streamtide_core::Platform;
use streamtide_curate::categories::{Vocabulary, NONE_ID, OTHER_ID};
use streamtide_sheets::{Cell, Sheet};
use streamtide_storage::{CategoryTotals, MarketPoint, MarketResolution, MARKET_TOTAL};
use utoipa::{IntoParams, ToSchema};

use super::channels::parse_time;
use super::trends::{parse_format, sheet_response, Format};
use crate::dto::{CategoryTagDto, ErrorBody};
use crate::dto_analytics::round_to;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::paging;
use crate::AppState;

/// The market over a window.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MarketQuery {
    /// Start, RFC 3339 (default: a day before `to`; 30 days at `resolution=day`).
    #[param(value_type = Option<String>, format = DateTime)]
    pub from: Option<String>,
    /// End, RFC 3339 (default: the end of the latest hour the market has).
    #[param(value_type = Option<String>, format = DateTime)]
    pub to: Option<String>,
    /// `round` (each live round, the last 7 days), `hour` (default) or `day` (days of the
    /// analytics time zone).
    #[param(pattern = "^(round|hour|day)?$")]
    pub resolution: Option<String>,
    /// One platform; all of them when absent.
    pub platform: Option<String>,
    /// `json` (default), `csv` or `xlsx`.
    #[param(pattern = "^(json|csv|xlsx)?$")]
    pub format: Option<String>,
}

/// One round, hour or day of a platform's (or a category's) market.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct MarketPointDto {
    /// The round's time, or the start of the hour or day.
    pub at: DateTime<Utc>,
    /// Live rounds the point is made of.
    pub rounds: u64,
    /// Concurrent viewers, averaged over the rounds.
    pub avg_viewers: f64,
    /// The most concurrent viewers one round saw.
    pub peak_viewers: u64,
    /// Live broadcasts, averaged over the rounds.
    pub avg_channels: f64,
    pub peak_channels: u64,
    /// Σ viewers × the live interval each round stands for.
    pub hours_watched: f64,
}

impl From<&MarketPoint> for MarketPointDto {
    fn from(p: &MarketPoint) -> Self {
        MarketPointDto {
            at: p.at,
            rounds: p.rounds,
            avg_viewers: round_to(p.avg_viewers, 1),
            peak_viewers: p.peak_viewers,
            avg_channels: round_to(p.avg_channels, 1),
            peak_channels: p.peak_channels,
            hours_watched: round_to(p.hours_watched, 1),
        }
    }
}

/// One platform's points, oldest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MarketSeriesDto {
    pub platform: Platform,
    pub points: Vec<MarketPointDto>,
}

/// The market per platform over a window. A platform without a census (YouTube, or a depth
/// that caps the list) has no series; an hour no round was read in has no point.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MarketDto {
    /// `round`, `hour` or `day`.
    pub resolution: String,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub series: Vec<MarketSeriesDto>,
}

fn parse_resolution(raw: Option<&str>) -> Result<MarketResolution, ApiError> {
    match raw.map(str::trim).unwrap_or("") {
        "" | "hour" => Ok(MarketResolution::Hour),
        "round" => Ok(MarketResolution::Round),
        "day" => Ok(MarketResolution::Day),
        other => Err(ApiError::bad_request(format!(
            "unknown resolution `{other}`: use round, hour or day"
        ))),
    }
}

fn resolution_name(r: MarketResolution) -> &'static str {
    match r {
        MarketResolution::Round => "round",
        MarketResolution::Hour => "hour",
        MarketResolution::Day => "day",
    }
}

/// The longest window each resolution answers (round rows are kept a week by default).
fn max_window(r: MarketResolution) -> Duration {
    match r {
        MarketResolution::Round => Duration::days(7),
        MarketResolution::Hour => Duration::days(92),
        MarketResolution::Day => Duration::days(3660),
    }
}

/// The window asked for at `resolution`: `to` defaults to the end of the market's latest hour
/// (or now, before any), `from` to `default_span` before it; longer than the resolution answers
/// (`max_window`) is a clear 400.
async fn window(
    state: &AppState,
    from: Option<&str>,
    to: Option<&str>,
    resolution: MarketResolution,
    default_span: Duration,
) -> Result<(DateTime<Utc>, DateTime<Utc>), ApiError> {
    let to = match parse_time("to", to)? {
        Some(t) => t,
        None => state.store.market_latest().await?.unwrap_or_else(Utc::now),
    };
    let from = parse_time("from", from)?.unwrap_or(to - default_span);
    if from >= to {
        return Err(ApiError::bad_request("`from` must be before `to`"));
    }
    let longest = max_window(resolution);
    if to - from > longest {
        return Err(ApiError::bad_request(format!(
            "a window of at most {} days at resolution={}",
            longest.num_days(),
            resolution_name(resolution)
        )));
    }
    Ok((from, to))
}

/// Points grouped per platform, in platform order.
fn per_platform(points: &[MarketPoint]) -> Vec<(Platform, Vec<&MarketPoint>)> {
    let mut by: BTreeMap<&str, (Platform, Vec<&MarketPoint>)> = BTreeMap::new();
    for p in points {
        by.entry(p.platform.as_str())
            .or_insert_with(|| (p.platform, Vec::new()))
            .1
            .push(p);
    }
    let mut out: Vec<_> = by.into_values().collect();
    out.sort_by_key(|(p, _)| Platform::ALL.iter().position(|x| x == p));
    out
}

/// Viewers, live channels and hours watched per platform over time, from the live census
/// (every broadcast of the platform's directory, tracked or not).
#[utoipa::path(
    get,
    operation_id = "get_market",
    path = "/api/v1/market",
    tag = "market",
    params(MarketQuery),
    responses(
        (status = 200, description = "The market per platform (JSON; CSV with `format=csv`; an Excel workbook with `format=xlsx`)", content(
            (MarketDto = "application/json"),
            (String = "text/csv"),
            (super::trends::XlsxFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = 400, description = "Unknown platform, resolution or format, bad time, or a window too long for the resolution", body = ErrorBody),
        (status = 500, description = "Internal error", body = ErrorBody),
    )
)]
pub async fn market(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<MarketQuery>,
) -> Result<Response, ApiError> {
    let platform = paging::platform_query(q.platform.as_deref())?;
    let resolution = parse_resolution(q.resolution.as_deref())?;
    let format = parse_format(q.format.as_deref())?;
    let span = match resolution {
        MarketResolution::Day => Duration::days(30),
        _ => Duration::days(1),
    };
    let (from, to) = window(&state, q.from.as_deref(), q.to.as_deref(), resolution, span).await?;
    let points = state
        .store
        .market_series(platform, MARKET_TOTAL, from, to, resolution)
        .await?;
    if format != Format::Json {
        let mut sheet = Sheet::new(
            "market",
            &[
                "platform",
                "at",
                "rounds",
                "avg_viewers",
                "peak_viewers",
                "avg_channels",
                "peak_channels",
                "hours_watched",
            ],
        );
        for p in &points {
            let d = MarketPointDto::from(p);
            sheet.push(vec![
                Cell::Text(p.platform.as_str().into()),
                Cell::Time(d.at),
                Cell::count(Some(d.rounds)),
                Cell::Float(d.avg_viewers),
                Cell::count(Some(d.peak_viewers)),
                Cell::Float(d.avg_channels),
                Cell::count(Some(d.peak_channels)),
                Cell::Float(d.hours_watched),
            ]);
        }
        return sheet_response(
            &sheet,
            format,
            &format!("market-{}", resolution_name(resolution)),
        );
    }
    let series = per_platform(&points)
        .into_iter()
        .map(|(platform, points)| MarketSeriesDto {
            platform,
            points: points.into_iter().map(MarketPointDto::from).collect(),
        })
        .collect();
    Ok(Json(MarketDto {
        resolution: resolution_name(resolution).into(),
        from,
        to,
        series,
    })
    .into_response())
}

/// The category ranking's period and order.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CategoriesQuery {
    /// `1d` (default), `7d` or `30d`, ending with the market's latest hour.
    #[param(pattern = "^(1d|7d|30d)?$")]
    pub period: Option<String>,
    /// One platform; all of them when absent.
    pub platform: Option<String>,
    /// `hours_watched` (default), `peak`, `channels` (average live broadcasts) or `change`
    /// (rising first; categories without a change last).
    #[param(pattern = "^(hours_watched|peak|channels|change)?$")]
    pub sort: Option<String>,
    /// `json` (default), `csv` or `xlsx`.
    #[param(pattern = "^(json|csv|xlsx)?$")]
    pub format: Option<String>,
}

/// The labels of a market category id (the shared vocabulary's, or ours for `other` and
/// `none`); None for an id the market does not use.
pub fn category_labels(id: &str) -> Option<CategoryTagDto> {
    let (ko, en) = match id {
        OTHER_ID => ("기타", "Other categories"),
        NONE_ID => ("카테고리 없음", "No category"),
        _ => return Vocabulary::global().by_id(id).map(CategoryTagDto::from),
    };
    Some(CategoryTagDto {
        id: id.into(),
        ko: ko.into(),
        en: en.into(),
    })
}

/// One category over the period, across the platforms asked for.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CategoryRankDto {
    pub rank: u32,
    pub category: CategoryTagDto,
    pub hours_watched: f64,
    /// Concurrent viewers averaged over the period's rounds (summed over platforms).
    pub avg_viewers: f64,
    /// The most concurrent viewers one round saw; across platforms, the sum of each
    /// platform's peak (an upper bound: their rounds are not simultaneous).
    pub peak_viewers: u64,
    /// Live broadcasts averaged over the rounds (summed over platforms).
    pub avg_channels: f64,
    pub peak_channels: u64,
    /// Average viewers in the period before, of the same length; `null` when the market does
    /// not cover it (for every platform counted).
    #[schema(required = true)]
    pub previous_avg_viewers: Option<f64>,
    /// `avg_viewers` against `previous_avg_viewers` as a fraction (0.25 = +25 %); `null` when
    /// the period before is not covered or had no viewers in the category.
    #[schema(required = true)]
    pub change: Option<f64>,
}

/// The category ranking.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CategoriesDto {
    pub period: String,
    #[schema(required = true)]
    pub platform: Option<Platform>,
    pub sort: String,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// The start of the period compared against (it ends at `from`).
    pub previous_from: DateTime<Utc>,
    pub categories: Vec<CategoryRankDto>,
}

/// Per category: rounds, viewer and channel sums, peaks and hours watched, summed over the
/// platforms (a platform's averages are its sums over its rounds, then added across platforms).
#[derive(Default, Clone, Copy)]
struct Combined {
    avg_viewers: f64,
    avg_channels: f64,
    peak_viewers: u64,
    peak_channels: u64,
    hours_watched: f64,
}

fn combine(rows: &[CategoryTotals]) -> BTreeMap<String, (Combined, Vec<Platform>)> {
    let mut out: BTreeMap<String, (Combined, Vec<Platform>)> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.rounds > 0) {
        let (c, platforms) = out.entry(r.category.clone()).or_default();
        c.avg_viewers += r.viewer_sum as f64 / r.rounds as f64;
        c.avg_channels += r.channel_sum as f64 / r.rounds as f64;
        c.peak_viewers += r.peak_viewers;
        c.peak_channels += r.peak_channels;
        c.hours_watched += r.hours_watched;
        platforms.push(r.platform);
    }
    out
}

fn parse_period(raw: Option<&str>) -> Result<(&'static str, Duration), ApiError> {
    match raw.map(str::trim).unwrap_or("") {
        "" | "1d" => Ok(("1d", Duration::days(1))),
        "7d" => Ok(("7d", Duration::days(7))),
        "30d" => Ok(("30d", Duration::days(30))),
        other => Err(ApiError::bad_request(format!(
            "unknown period `{other}`: use 1d, 7d or 30d"
        ))),
    }
}

/// Categories ranked by hours watched, peak viewers, live broadcasts or rise, over the whole
/// market (every broadcast of the census, tracked or not), with the change against the period
/// before so rising categories show.
#[utoipa::path(
    get,
    operation_id = "list_categories",
    path = "/api/v1/categories",
    tag = "market",
    params(CategoriesQuery),
    responses(
        (status = 200, description = "The ranking (JSON; CSV with `format=csv`; an Excel workbook with `format=xlsx`)", content(
            (CategoriesDto = "application/json"),
            (String = "text/csv"),
            (super::trends::XlsxFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = 400, description = "Unknown platform, period, sort or format", body = ErrorBody),
        (status = 500, description = "Internal error", body = ErrorBody),
    )
)]
pub async fn categories(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<CategoriesQuery>,
) -> Result<Response, ApiError> {
    let platform = paging::platform_query(q.platform.as_deref())?;
    let (period, span) = parse_period(q.period.as_deref())?;
    let format = parse_format(q.format.as_deref())?;
    let sort = match q.sort.as_deref().map(str::trim).unwrap_or("") {
        "" | "hours_watched" => "hours_watched",
        "peak" => "peak",
        "channels" => "channels",
        "change" => "change",
        other => {
            return Err(ApiError::bad_request(format!(
                "unknown sort `{other}`: use hours_watched, peak, channels or change"
            )))
        }
    };
    let to = state.store.market_latest().await?.unwrap_or_else(Utc::now);
    let from = to - span;
    let previous_from = from - span;
    let now = combine(&state.store.market_categories(platform, from, to).await?);
    let before = combine(
        &state
            .store
            .market_categories(platform, previous_from, from)
            .await?,
    );
    let mut ranked: Vec<CategoryRankDto> = now
        .iter()
        .filter_map(|(id, (c, platforms))| {
            let category = category_labels(id)?;
            // Compared only when the period before covers every platform counted now.
            let previous = before
                .get(id)
                .filter(|(_, was)| platforms.iter().all(|p| was.contains(p)))
                .map(|(b, _)| b.avg_viewers);
            let change = previous
                .filter(|b| *b > 0.0)
                .map(|b| round_to((c.avg_viewers - b) / b, 4));
            Some(CategoryRankDto {
                rank: 0,
                category,
                hours_watched: round_to(c.hours_watched, 1),
                avg_viewers: round_to(c.avg_viewers, 1),
                peak_viewers: c.peak_viewers,
                avg_channels: round_to(c.avg_channels, 1),
                peak_channels: c.peak_channels,
                previous_avg_viewers: previous.map(|v| round_to(v, 1)),
                change,
            })
        })
        .collect();
    let key = |r: &CategoryRankDto| -> f64 {
        match sort {
            "peak" => r.peak_viewers as f64,
            "channels" => r.avg_channels,
            "change" => r.change.unwrap_or(f64::NEG_INFINITY),
            _ => r.hours_watched,
        }
    };
    ranked.sort_by(|a, b| {
        key(b)
            .total_cmp(&key(a))
            .then(b.hours_watched.total_cmp(&a.hours_watched))
            .then_with(|| a.category.id.cmp(&b.category.id))
    });
    for (i, r) in ranked.iter_mut().enumerate() {
        r.rank = i as u32 + 1;
    }
    if format != Format::Json {
        let mut sheet = Sheet::new(
            "categories",
            &[
                "rank",
                "category",
                "ko",
                "en",
                "hours_watched",
                "avg_viewers",
                "peak_viewers",
                "avg_channels",
                "peak_channels",
                "previous_avg_viewers",
                "change",
            ],
        );
        for r in &ranked {
            sheet.push(vec![
                Cell::Int(i64::from(r.rank)),
                Cell::Text(r.category.id.clone()),
                Cell::Text(r.category.ko.clone()),
                Cell::Text(r.category.en.clone()),
                Cell::Float(r.hours_watched),
                Cell::Float(r.avg_viewers),
                Cell::count(Some(r.peak_viewers)),
                Cell::Float(r.avg_channels),
                Cell::count(Some(r.peak_channels)),
                Cell::float(r.previous_avg_viewers),
                Cell::float(r.change),
            ]);
        }
        return sheet_response(&sheet, format, &format!("categories-{period}"));
    }
    Ok(Json(CategoriesDto {
        period: period.into(),
        platform,
        sort: sort.into(),
        from,
        to,
        previous_from,
        categories: ranked,
    })
    .into_response())
}

/// A category of the market.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CategoryPath {
    /// A tag of the shared vocabulary (`league_of_legends`), `other` or `none`.
    pub tag: String,
}

/// Which figure of a category over time.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CategoryHistoryQuery {
    /// `viewers` (average concurrent, default), `channels` (average live broadcasts) or
    /// `hours_watched`.
    #[param(pattern = "^(viewers|channels|hours_watched)?$")]
    pub metric: Option<String>,
    /// `hour` (default) or `day`.
    #[param(pattern = "^(hour|day)?$")]
    pub resolution: Option<String>,
    /// Start, RFC 3339 (default: 30 days before `to`).
    #[param(value_type = Option<String>, format = DateTime)]
    pub from: Option<String>,
    /// End, RFC 3339 (default: the end of the latest hour the market has).
    #[param(value_type = Option<String>, format = DateTime)]
    pub to: Option<String>,
    /// One platform; all of them when absent.
    pub platform: Option<String>,
    /// `json` (default), `csv` or `xlsx`.
    #[param(pattern = "^(json|csv|xlsx)?$")]
    pub format: Option<String>,
}

/// One hour or day of a category's figure.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CategoryHistoryPointDto {
    pub at: DateTime<Utc>,
    pub value: f64,
}

/// One platform's points, oldest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CategorySeriesDto {
    pub platform: Platform,
    pub points: Vec<CategoryHistoryPointDto>,
}

/// A category's history per platform.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CategoryHistoryDto {
    pub category: CategoryTagDto,
    pub metric: String,
    pub resolution: String,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub series: Vec<CategorySeriesDto>,
}

/// A category's viewers, live broadcasts or hours watched per hour or day, per platform.
#[utoipa::path(
    get,
    operation_id = "get_category_history",
    path = "/api/v1/categories/{tag}/history",
    tag = "market",
    params(CategoryPath, CategoryHistoryQuery),
    responses(
        (status = 200, description = "The history (JSON; CSV with `format=csv`; an Excel workbook with `format=xlsx`)", content(
            (CategoryHistoryDto = "application/json"),
            (String = "text/csv"),
            (super::trends::XlsxFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = 400, description = "Unknown platform, metric, resolution or format, bad time, or a window over 92 days by the hour", body = ErrorBody),
        (status = 404, description = "No such category", body = ErrorBody),
        (status = 500, description = "Internal error", body = ErrorBody),
    )
)]
pub async fn category_history(
    State(state): State<AppState>,
    ApiPath(path): ApiPath<CategoryPath>,
    ApiQuery(q): ApiQuery<CategoryHistoryQuery>,
) -> Result<Response, ApiError> {
    let category = category_labels(&path.tag).ok_or_else(|| {
        ApiError::not_found(format!(
            "no category `{}`: use a tag of GET /api/v1/categories",
            path.tag
        ))
    })?;
    let platform = paging::platform_query(q.platform.as_deref())?;
    let format = parse_format(q.format.as_deref())?;
    let metric = match q.metric.as_deref().map(str::trim).unwrap_or("") {
        "" | "viewers" => "viewers",
        "channels" => "channels",
        "hours_watched" => "hours_watched",
        other => {
            return Err(ApiError::bad_request(format!(
                "unknown metric `{other}`: use viewers, channels or hours_watched"
            )))
        }
    };
    let resolution = match parse_resolution(q.resolution.as_deref())? {
        MarketResolution::Round => {
            return Err(ApiError::bad_request(
                "a category's history is by hour or day (resolution=hour|day)",
            ))
        }
        r => r,
    };
    let (from, to) = window(
        &state,
        q.from.as_deref(),
        q.to.as_deref(),
        resolution,
        Duration::days(30),
    )
    .await?;
    let points = state
        .store
        .market_series(platform, &category.id, from, to, resolution)
        .await?;
    let value = |p: &MarketPoint| match metric {
        "channels" => round_to(p.avg_channels, 1),
        "hours_watched" => round_to(p.hours_watched, 1),
        _ => round_to(p.avg_viewers, 1),
    };
    if format != Format::Json {
        let mut sheet = Sheet::new("history", &["platform", "at", metric]);
        for p in &points {
            sheet.push(vec![
                Cell::Text(p.platform.as_str().into()),
                Cell::Time(p.at),
                Cell::Float(value(p)),
            ]);
        }
        return sheet_response(
            &sheet,
            format,
            &format!("category-{}-{metric}", category.id),
        );
    }
    let series = per_platform(&points)
        .into_iter()
        .map(|(platform, points)| CategorySeriesDto {
            platform,
            points: points
                .into_iter()
                .map(|p| CategoryHistoryPointDto {
                    at: p.at,
                    value: value(p),
                })
                .collect(),
        })
        .collect();
    Ok(Json(CategoryHistoryDto {
        category,
        metric: metric.into(),
        resolution: resolution_name(resolution).into(),
        from,
        to,
        series,
    })
    .into_response())
}
