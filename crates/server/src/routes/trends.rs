//! `GET /api/v1/trends`: top gainers and losers of a metric over a period, and (`sort=total`,
//! the default of `scope=all`) leaderboards of the period's figures: the market's streamer
//! ranking by hours watched, peak or average viewers.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use streamtide_storage::{parse_period, TrendMetric, TrendQuery, TrendSort};
use utoipa::IntoParams;

use crate::dto::ErrorBody;
use crate::dto_analytics::{trends_sheet, TrendItemDto, TrendsDto};
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::http_cache::ETag;
use crate::paging::{self, DEFAULT_LIMIT, MAX_LIMIT};
use crate::AppState;

/// Which ranking.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrendsQuery {
    /// `followers` (default), `views`, `viewers` (average live viewers), `peak_viewers` (or
    /// `peak`: the highest concurrent viewers) or `hours_watched`.
    #[param(value_type = Option<crate::dto_analytics::TrendMetricName>)]
    pub metric: Option<String>,
    /// `1d`, `7d` (default), `30d` or `90d`.
    #[param(pattern = "^(1d|7d|30d|90d)?$")]
    pub period: Option<String>,
    /// `up` (top gainers, default) or `down` (top losers). A leaderboard (`sort=total`) is
    /// largest first: only `up`.
    #[param(pattern = "^(up|down)?$")]
    pub direction: Option<String>,
    /// Only this platform (default: every platform, ranked together).
    #[param(value_type = Option<streamtide_core::Platform>)]
    pub platform: Option<String>,
    /// Only channels whose most recent broadcast was in this category (id or name,
    /// case-insensitive).
    pub category: Option<String>,
    /// How many, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// `change` (absolute; the default), `pct` (percent of the start value) or `total` (a
    /// leaderboard by the period's figure itself, with the change where known; the default with
    /// `scope=all`).
    #[param(pattern = "^(change|pct|total)?$")]
    pub sort: Option<String>,
    /// `json` (default), `csv` or `xlsx` (an Excel workbook).
    #[param(pattern = "^(json|csv|xlsx)?$")]
    pub format: Option<String>,
    /// `channel` (default) ranks channels; `creator` ranks creators, each the sum of their linked
    /// channels on every platform.
    #[param(pattern = "^(channel|creator)?$")]
    pub group: Option<String>,
    /// `true`: only channels on the tracked roster (added with `channels add`, the admin API or
    /// an import); in a creator ranking, each creator's tracked channels summed. `false`
    /// (default): every known channel, including those only seen in the live lists.
    pub tracked: Option<bool>,
    /// `all`: the market's streamer ranking — every broadcaster the store has seen, tracked or
    /// not (the top `collector.live_store_top` of every live round, and the roster), ranked by
    /// the period's figure unless `sort` says otherwise. `tracked`: only the roster (as
    /// `tracked=true`). Without it, every known channel ranked by change.
    #[param(pattern = "^(all|tracked)?$")]
    pub scope: Option<String>,
}

/// Whose channels a ranking ranks, as asked by `scope` and `tracked`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Not said: every known channel, movers first.
    Unsaid,
    All,
    Tracked,
}

fn parse_scope(scope: Option<&str>, tracked: Option<bool>) -> Result<Scope, ApiError> {
    let scope = match scope.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some("all") => Some(Scope::All),
        Some("tracked") => Some(Scope::Tracked),
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "unknown scope `{other}` (expected all or tracked)"
            )))
        }
    };
    match (scope, tracked) {
        (Some(Scope::All), Some(true)) | (Some(Scope::Tracked), Some(false)) => {
            Err(ApiError::bad_request(
                "scope and tracked disagree: give one of them (scope=all is tracked=false, scope=tracked is tracked=true)",
            ))
        }
        (Some(s), _) => Ok(s),
        (None, Some(true)) => Ok(Scope::Tracked),
        (None, _) => Ok(Scope::Unsaid),
    }
}

/// Output format of endpoints that also speak CSV and Excel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Json,
    Csv,
    Xlsx,
}

pub(crate) fn parse_format(raw: Option<&str>) -> Result<Format, ApiError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None | Some("json") => Ok(Format::Json),
        Some("csv") => Ok(Format::Csv),
        Some("xlsx") => Ok(Format::Xlsx),
        Some(other) => Err(ApiError::bad_request(format!(
            "unknown format `{other}` (expected json, csv or xlsx)"
        ))),
    }
}

/// An .xlsx workbook, as the API documents it: a binary string.
pub struct XlsxFile;

impl utoipa::PartialSchema for XlsxFile {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .description(Some("An Excel workbook (.xlsx)"))
            .into()
    }
}

impl utoipa::ToSchema for XlsxFile {}

/// The media type of an .xlsx workbook.
pub(crate) const XLSX_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// `sheet` as a download in `format` (CSV or .xlsx), named `stem` plus the extension. The CSV
/// is made by `streamtide_sheets` (a UTF-8 BOM for Excel, formula-like text neutralised); the
/// workbook writes text as string cells.
pub(crate) fn sheet_response(
    sheet: &streamtide_sheets::Sheet,
    format: Format,
    stem: &str,
) -> Result<Response, ApiError> {
    match format {
        Format::Xlsx => {
            let bytes = streamtide_sheets::to_xlsx(std::slice::from_ref(sheet))
                .map_err(|e| ApiError::Internal(format!("writing a workbook: {e}")))?;
            Ok((
                [
                    (header::CONTENT_TYPE, XLSX_TYPE.to_string()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{stem}.xlsx\""),
                    ),
                ],
                bytes,
            )
                .into_response())
        }
        Format::Csv | Format::Json => Ok(csv_response(sheet.to_csv(), &format!("{stem}.csv"))),
    }
}

/// A `text/csv` response.
pub(crate) fn csv_response(body: String, filename: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// Top gainers (`direction=up`) or losers (`down`) of a metric over a period, from the daily
/// rollups, with each channel's rank over the period before. Follower and view changes run from
/// the close at (or shortly before) the period's start to the latest close; viewers and hours
/// watched compare the period with the one before. Gainers hold only gains and losers only
/// losses (fewer than `limit` when fewer qualify); channels without a value at both ends are left
/// out (`left_out`) rather than counted from 0; `tracked=true` ranks only the roster; a period
/// the history does not cover yet answers `available: false` with `available_from` and a `note`.
#[utoipa::path(
    get,
    operation_id = "get_trends",
    path = "/api/v1/trends",
    tag = "trends",
    params(TrendsQuery),
    responses(
        (status = 200, description = "The ranking (JSON; CSV with `format=csv`, an Excel workbook with `format=xlsx`, both with `creator_name` and `channel_url` columns)", content(
            (TrendsDto = "application/json"),
            (String = "text/csv"),
            (XlsxFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = 400, description = "Unknown metric, period, direction, platform, sort or format, or bad limit", body = ErrorBody),
        (status = 500, description = "Internal error", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<TrendsQuery>,
) -> Result<Response, ApiError> {
    let metric: TrendMetric = q
        .metric
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or("followers")
        .parse()
        .map_err(ApiError::bad_request)?;
    let period_days =
        // Empty is "not given", as for every other parameter.
        parse_period(
            q.period
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .unwrap_or("7d"),
        )
        .map_err(ApiError::bad_request)?;
    let up = match q.direction.as_deref().map(str::trim).unwrap_or("up") {
        "up" | "" => true,
        "down" => false,
        other => {
            return Err(ApiError::bad_request(format!(
                "unknown direction `{other}` (expected up or down)"
            )))
        }
    };
    let scope = parse_scope(q.scope.as_deref(), q.tracked)?;
    let sort = match q.sort.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None if scope == Scope::All => TrendSort::Total,
        None => TrendSort::Change,
        Some(s) => s.parse().map_err(ApiError::bad_request)?,
    };
    if sort == TrendSort::Total && !up {
        return Err(ApiError::bad_request(
            "a leaderboard (sort=total) is largest first: direction=down ranks changes (sort=change or pct)",
        ));
    }
    let platform = paging::platform_query(q.platform.as_deref())?;
    let limit = paging::limit(q.limit, DEFAULT_LIMIT, MAX_LIMIT)?;
    let format = parse_format(q.format.as_deref())?;
    let by_creator = match q.group.as_deref().map(str::trim) {
        None | Some("") | Some("channel") => false,
        Some("creator") => true,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "unknown group `{other}` (expected channel or creator)"
            )))
        }
    };
    let query = TrendQuery {
        metric,
        period_days,
        up,
        platform,
        category: q.category.clone(),
        limit,
        sort,
        as_of: None,
        by_creator,
        tracked: scope == Scope::Tracked,
    };
    // Everything the answer depends on, normalised, is the key.
    let key = format!(
        "{}|{period_days}|{up}|{sort:?}|{platform:?}|{:?}|{limit}|{by_creator}|{}",
        metric.as_str(),
        query.category,
        query.tracked
    );
    let answer = state
        .caches
        .trends
        .get_or_compute(key, || async {
            let list = state.store.trends(&query).await?;
            TrendsAnswer::new(list, &query)
        })
        .await?;
    let cache_control = state.curation.public_cache().header();
    if format != Format::Json {
        let stem = format!(
            "trends-{}-{period_days}d-{}{}",
            metric.as_str(),
            match (sort, up) {
                (TrendSort::Total, _) => "top",
                (_, true) => "up",
                (_, false) => "down",
            },
            if query.tracked { "-tracked" } else { "" }
        );
        let keys: Vec<_> = answer
            .items
            .iter()
            .map(|i| (i.platform, i.channel_id.clone()))
            .collect();
        let labels = state.store.channel_labels(&keys).await?;
        return sheet_response(
            &trends_sheet("trends", &answer.items, &labels),
            format,
            &stem,
        );
    }
    if let Some(res) = crate::http_cache::not_modified(&headers, &answer.etag, &cache_control) {
        return Ok(res);
    }
    let res = (
        [(header::CONTENT_TYPE, "application/json")],
        answer.json.clone(),
    )
        .into_response();
    Ok(crate::http_cache::stamp(res, &answer.etag, &cache_control))
}

/// One ranking as JSON, with its tag: built once per cached ranking, not per request.
#[derive(Debug)]
pub struct TrendsAnswer {
    items: Vec<TrendItemDto>,
    json: Bytes,
    etag: ETag,
}

impl TrendsAnswer {
    fn new(list: streamtide_storage::TrendList, q: &TrendQuery) -> Result<TrendsAnswer, ApiError> {
        let dto = TrendsDto::new(list, q);
        let items = dto.items.clone();
        let json = serde_json::to_vec(&dto)
            .map_err(|e| ApiError::Internal(format!("writing the ranking: {e}")))?;
        Ok(TrendsAnswer {
            etag: ETag::weak(&[crate::http_cache::hash_bytes(&json)]),
            json: Bytes::from(json),
            items,
        })
    }
}
