//! `GET /api/v1/live`: broadcasts live now across platforms, most viewers first.
//!
//! The list is curated at read time by `streamtide_curate::board::curate` (items a platform's
//! recent polls no longer vouch for are dropped, categories are mapped onto one vocabulary, a
//! creator's simulcast on several platforms becomes one item); this route reads the store, calls
//! it, and keeps only broadcasts matching the request's filters (language, platform …). Merging changes what an item is, so the route reads every fresh item (bounded), curates,
//! and pages in memory; `total` and `next_cursor` count curated items.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Duration, Utc};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use serde::Deserialize;
use streamtide_core::Platform;
use streamtide_curate::board::{self, Board, BoardEntry, BoardOptions};
use streamtide_curate::categories::Vocabulary;
use streamtide_curate::freshness::FreshnessPolicy;
use streamtide_storage::{JobStatus, LiveFilter, LiveItem};
use utoipa::IntoParams;

use crate::dto::{ErrorBody, LiveItemDto, LivePage, SimulcastPartDto};
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::http_cache::ETag;
use crate::paging::{self, DEFAULT_LIMIT, MAX_LIMIT};
use crate::{AppState, Metrics};

/// Most live items curated per request. Real top lists hold a few hundred per platform; the
/// bound keeps one request's work fixed if the store ever holds far more.
pub const MAX_CURATED: u32 = 5_000;

/// The language kept when `lang` is absent: the board is for Korean viewers.
pub const DEFAULT_LANG: &str = "ko";

/// Filters and paging of the live list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LiveQuery {
    /// Only this platform (a simulcast matches if any of its platforms is this one).
    #[param(value_type = Option<streamtide_core::Platform>)]
    pub platform: Option<String>,
    /// Only this category: the shared vocabulary's tag id (`league_of_legends`, `just_chatting`
    /// …), or the platform's own category name or id, case-insensitive.
    pub category: Option<String>,
    /// `true`: only adult broadcasts; `false`: none; absent: all.
    pub adult: Option<bool>,
    /// Only broadcasts in these languages (ISO 639-1, comma-separated, e.g. `ko` or `ko,en`), by
    /// the detected language; `all` keeps every language. Default `ko`.
    #[param(example = "ko", pattern = "^(all|[a-z]{2}(,[a-z]{2})*)?$")]
    pub lang: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// The previous page's `next_cursor`.
    #[param(pattern = "^(o[0-9]{1,9})?$")]
    pub cursor: Option<String>,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PlatformLabels {
    platform: String,
}

/// Read-time curation settings and metrics, shared by every request.
pub struct Curation {
    /// How fresh each platform's items must be.
    pub freshness: FreshnessPolicy,
    /// `streamtide_live_unmapped_categories{platform}`: distinct categories of the live list that
    /// the vocabulary does not know, as of the last `/live` read.
    unmapped: Family<PlatformLabels, Gauge>,
    /// Unmapped categories already logged, so each is logged once (bounded).
    logged: Mutex<HashSet<(Platform, String)>>,
    /// The curated list, shared by requests for a moment (off unless [`Curation::with_cache`]).
    cache: crate::cache::CachedValue<Curated>,
    /// The collection round (the live interval): how long a copy of a public read stays fresh.
    round: std::time::Duration,
}

/// One curated list and the hash of its JSON, computed once per list, so every request's
/// `ETag` costs a hash of its query only.
#[derive(Debug)]
pub(crate) struct Curated {
    items: Vec<LiveItemDto>,
    tag: u64,
}

impl Curated {
    fn new(items: Vec<LiveItemDto>) -> Curated {
        Curated {
            tag: crate::http_cache::hash_json(&items),
            items,
        }
    }
}

impl std::fmt::Debug for Curation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Curation")
            .field("freshness", &self.freshness)
            .finish_non_exhaustive()
    }
}

/// How many unmapped categories are remembered for logging once each.
const MAX_LOGGED: usize = 1_000;

impl Curation {
    /// With one freshness window for all platforms (`live_freshness`, two intervals plus slack),
    /// its gauge registered in `metrics`.
    pub fn new(live_freshness: Duration, metrics: &Metrics) -> Self {
        let interval = (live_freshness - streamtide_curate::freshness::SLACK) / 2;
        let unmapped = Family::<PlatformLabels, Gauge>::default();
        metrics.registry_mut().register(
            "streamtide_live_unmapped_categories",
            "Distinct categories of live broadcasts missing from the category vocabulary (crates/curate/data/categories.toml), as of the last live list read",
            unmapped.clone(),
        );
        let interval = interval.max(Duration::zero());
        Curation {
            freshness: FreshnessPolicy::uniform(interval, live_freshness),
            unmapped,
            logged: Mutex::new(HashSet::new()),
            cache: crate::cache::CachedValue::default(),
            round: interval.to_std().unwrap_or_default(),
        }
    }

    /// `Cache-Control` of the public reads: fresh for one collection round.
    pub fn public_cache(&self) -> crate::http_cache::PublicCache {
        crate::http_cache::PublicCache::for_round(self.round)
    }

    /// Share one curated list between requests for `ttl` (zero: every request curates).
    pub fn with_cache(&self, ttl: std::time::Duration) -> Self {
        Curation {
            freshness: self.freshness.clone(),
            unmapped: self.unmapped.clone(),
            logged: Mutex::new(HashSet::new()),
            cache: crate::cache::CachedValue::new(ttl),
            round: self.round,
        }
    }

    /// The same, with these platforms' refresh intervals (e.g. a slower YouTube cadence); the
    /// gauge is shared, not registered again.
    pub fn with_intervals(&self, intervals: HashMap<Platform, Duration>) -> Self {
        let mut freshness = self.freshness.clone();
        freshness.intervals.extend(intervals);
        Curation {
            freshness,
            unmapped: self.unmapped.clone(),
            logged: Mutex::new(HashSet::new()),
            cache: crate::cache::CachedValue::new(self.cache.ttl()),
            round: self.round,
        }
    }

    /// The whole board at `now`, before the request's filters and paging: every item the
    /// platforms' recent polls vouch for, curated (simulcasts merged, categories mapped), most
    /// viewers first. `GET /api/v1/live` pages through this (a test on a virtual clock reads it
    /// at simulated moments).
    pub async fn board(
        &self,
        store: &streamtide_storage::Store,
        now: DateTime<Utc>,
    ) -> Result<Vec<LiveItemDto>, streamtide_storage::StoreError> {
        let cutoffs = self
            .freshness
            .cutoffs(&last_successes(&store.job_statuses().await?), now);
        let (items, _) = store
            .live_now(&LiveFilter {
                seen_after: Some(self.freshness.earliest(&cutoffs, now)),
                limit: MAX_CURATED,
                ..LiveFilter::default()
            })
            .await?;
        let board = board::curate(
            items.into_iter().map(Row).collect(),
            &BoardOptions {
                cutoffs: &cutoffs,
                vocabulary: Vocabulary::global(),
            },
        );
        self.record_unmapped(&board.unmapped);
        Ok(board_dtos(board))
    }

    fn record_unmapped(&self, unmapped: &HashMap<Platform, HashSet<String>>) {
        for p in Platform::ALL {
            let n = unmapped.get(&p).map_or(0, HashSet::len);
            self.unmapped
                .get_or_create(&PlatformLabels {
                    platform: p.as_str().to_string(),
                })
                .set(i64::try_from(n).unwrap_or(i64::MAX));
        }
        let mut logged = self.logged.lock().unwrap_or_else(|e| e.into_inner());
        for (p, cats) in unmapped {
            for c in cats {
                if logged.len() < MAX_LOGGED && logged.insert((*p, c.clone())) {
                    tracing::info!(platform = %p, category = %c, "live category not in the vocabulary; add it to crates/curate/data/categories.toml");
                }
            }
        }
    }
}

/// Broadcasts live now, merged across platforms, most viewers first. Broadcasts a platform's
/// recent polls no longer vouch for are left out; one creator's simulcast is one item.
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
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<LiveQuery>,
) -> Result<Response, ApiError> {
    let platform = paging::platform_query(q.platform.as_deref())?;
    let limit = paging::limit(q.limit, DEFAULT_LIMIT, MAX_LIMIT)?;
    let offset = paging::decode_cursor(q.cursor.as_deref())?;
    let langs = lang_param(q.lang.as_deref())?;
    let filter = Filter {
        platform,
        category: q
            .category
            .map(|c| c.trim().to_lowercase())
            .filter(|c| !c.is_empty()),
        adult: q.adult,
        langs,
    };

    let curation = state.curation.clone();
    let curated = curation
        .cache
        .get_or_compute(|| async {
            Ok::<_, ApiError>(Curated::new(
                curation.board(&state.store, Utc::now()).await?,
            ))
        })
        .await?;

    // The page is a function of the curated list and the normalised query: the tag is both.
    let etag = ETag::weak(&[
        curated.tag,
        crate::http_cache::hash_bytes(format!("{filter:?}|{limit}|{offset}").as_bytes()),
    ]);
    let cache_control = curation.public_cache().header();
    if let Some(res) = crate::http_cache::not_modified(&headers, &etag, &cache_control) {
        return Ok(res);
    }
    let total = curated.items.iter().filter(|i| filter.keeps(i)).count() as u64;
    let page: Vec<LiveItemDto> = curated
        .items
        .iter()
        .filter(|i| filter.keeps(i))
        .skip(offset as usize)
        .take(limit as usize)
        .cloned()
        .collect();
    let body = Json(LivePage {
        next_cursor: paging::next_cursor(offset, page.len(), total),
        items: page,
        total,
    });
    Ok(crate::http_cache::stamp(
        body.into_response(),
        &etag,
        &cache_control,
    ))
}

/// `lang`: `None` keeps every language.
fn lang_param(raw: Option<&str>) -> Result<Option<Vec<String>>, ApiError> {
    // Empty is "not given", as for every other filter.
    let raw = raw
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(DEFAULT_LANG);
    if raw.eq_ignore_ascii_case("all") {
        return Ok(None);
    }
    let mut out = Vec::new();
    for code in raw.split(',').map(|c| c.trim().to_ascii_lowercase()) {
        if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_lowercase()) {
            return Err(ApiError::bad_request(format!(
                "lang must be `all` or ISO 639-1 codes separated by commas, e.g. `ko` or `ko,en` (got `{raw}`)"
            )));
        }
        out.push(code);
    }
    Ok(Some(out))
}

/// When each platform's live state was last refreshed successfully: the later of its live-list
/// and channel-status jobs (both refresh `last_seen_at`).
fn last_successes(statuses: &[JobStatus]) -> HashMap<Platform, DateTime<Utc>> {
    let mut out: HashMap<Platform, DateTime<Utc>> = HashMap::new();
    for s in statuses
        .iter()
        .filter(|s| s.job == "live" || s.job == "channels")
    {
        if let Some(at) = s.last_success_at {
            let e = out.entry(s.platform).or_insert(at);
            *e = (*e).max(at);
        }
    }
    out
}

/// The request's filters, applied to curated items.
#[derive(Debug)]
struct Filter {
    platform: Option<Platform>,
    /// Lower-cased.
    category: Option<String>,
    adult: Option<bool>,
    langs: Option<Vec<String>>,
}

impl Filter {
    fn keeps(&self, i: &LiveItemDto) -> bool {
        if let Some(p) = self.platform {
            if i.platform != p && !i.simulcast.iter().any(|s| s.platform == p) {
                return false;
            }
        }
        if let Some(c) = &self.category {
            let raw = |v: &Option<String>| v.as_deref().is_some_and(|v| v.to_lowercase() == *c);
            let tag = i.category_tag.as_ref().is_some_and(|t| t.id == *c);
            if !(tag || raw(&i.category) || raw(&i.category_id)) {
                return false;
            }
        }
        if let Some(adult) = self.adult {
            if i.adult != adult {
                return false;
            }
        }
        if let Some(langs) = &self.langs {
            // Sessions not yet re-observed since the detector arrived fall back to the hint.
            let code = i
                .detected_language
                .as_ref()
                .map(|d| d.code.as_str())
                .or_else(|| {
                    i.language
                        .as_deref()
                        .and_then(streamtide_curate::language::normalize_hint)
                });
            if !code.is_some_and(|c| langs.iter().any(|l| l == c)) {
                return false;
            }
        }
        true
    }
}

/// The store's live row, as the board's curation reads it.
struct Row(LiveItem);

impl BoardEntry for Row {
    fn platform(&self) -> Platform {
        self.0.platform
    }
    fn channel_id(&self) -> &str {
        &self.0.channel_id
    }
    fn creator_id(&self) -> Option<i64> {
        self.0.creator_id
    }
    fn title(&self) -> &str {
        &self.0.title
    }
    fn started_at(&self) -> DateTime<Utc> {
        self.0.started_at
    }
    fn last_seen_at(&self) -> DateTime<Utc> {
        self.0.last_seen_at
    }
    fn viewers(&self) -> u64 {
        self.0.viewers
    }
    fn adult(&self) -> bool {
        self.0.adult
    }
    fn category_id(&self) -> Option<&str> {
        self.0.category_id.as_deref()
    }
    fn category_name(&self) -> Option<&str> {
        self.0.category_name.as_deref()
    }
}

/// The curated board as answer items: a simulcast card is its lead part, with every part listed
/// in `simulcast`, the parts' viewers summed and adult if any part is.
fn board_dtos(board: Board<'_, Row>) -> Vec<LiveItemDto> {
    board
        .cards
        .into_iter()
        .filter_map(|card| {
            let simulcast = card.is_simulcast();
            let (viewers, adult) = (card.viewers, card.adult);
            let mut parts = card
                .parts
                .into_iter()
                .map(|p| LiveItemDto::with_tag(p.item.0, p.tag));
            let mut lead = parts.next()?;
            if simulcast {
                let part = |d: &LiveItemDto| SimulcastPartDto {
                    platform: d.platform,
                    channel_id: d.channel_id.clone(),
                    channel_name: d.channel_name.clone(),
                    viewers: d.viewers,
                    url: d.url.clone(),
                };
                lead.simulcast = std::iter::once(part(&lead))
                    .chain(parts.map(|d| part(&d)))
                    .collect();
                lead.viewers = viewers;
                lead.adult = adult;
            }
            Some(lead)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lang_param_forms() {
        assert_eq!(lang_param(None).unwrap(), Some(vec!["ko".to_string()]));
        assert_eq!(lang_param(Some("all")).unwrap(), None);
        assert_eq!(lang_param(Some("ALL")).unwrap(), None);
        assert_eq!(lang_param(Some("")).unwrap(), Some(vec!["ko".to_string()]));
        assert_eq!(
            lang_param(Some("ko, EN")).unwrap(),
            Some(vec!["ko".to_string(), "en".to_string()])
        );
        for bad in ["korean", "k", "ko,", "k1"] {
            assert!(lang_param(Some(bad)).is_err(), "{bad}");
        }
    }
}
