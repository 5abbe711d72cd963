//! The JSON the API speaks.
//!
//! These types are both what handlers serialise and what the OpenAPI document is generated from,
//! so the document cannot drift from the responses. Store rows are converted here rather than
//! exposed directly: the wire format stays stable when a storage column is added.
//!
//! `Option` fields are always present, as `null` when unknown, hence `required = true` on them:
//! required-but-nullable in the schema, so generated clients do not treat them as omittable.

use chrono::{DateTime, Utc};
use serde::Serialize;
use streamtide_core::Platform;
use streamtide_storage::{ChannelRow, JobStatus, LiveItem, Metric, Point};
use utoipa::ToSchema;

/// How many characters of a platform's error text `/healthz` shows.
const MAX_ERROR_CHARS: usize = 300;

/// A time series, as named in `?metric=`. Documentation twin of [`streamtide_storage::Metric`].
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = Metric)]
pub enum MetricName {
    Followers,
    Views,
    Viewers,
}

/// Every error response.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Machine-readable snake_case code (`bad_request`, `not_found`, ...).
    #[schema(example = "bad_request")]
    pub error: String,
    /// What went wrong, for a human.
    pub message: String,
}

/// A broadcast that is live now.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct LiveItemDto {
    pub platform: Platform,
    pub channel_id: String,
    pub channel_name: String,
    pub title: String,
    /// Viewers at the latest observation.
    pub viewers: u64,
    /// Category name, or the platform's category id where it gives no name.
    #[schema(required = true)]
    pub category: Option<String>,
    /// Our own copy (`/thumbs/{hash}.webp`, relative to this server) when the collector made
    /// one, else the platform's image URL.
    #[schema(required = true)]
    pub thumbnail_url: Option<String>,
    /// The platform's own image URL, a fallback if our copy cannot be loaded.
    #[schema(required = true)]
    pub source_thumbnail_url: Option<String>,
    pub started_at: DateTime<Utc>,
    /// Where to watch it.
    pub url: String,
    pub adult: bool,
    /// Our own copy of the avatar when there is one, else the platform's URL.
    #[schema(required = true)]
    pub channel_avatar_url: Option<String>,
    #[schema(required = true)]
    pub category_id: Option<String>,
    pub tags: Vec<String>,
    /// Most viewers seen during this broadcast.
    pub peak_viewers: u64,
    #[schema(required = true)]
    pub broadcast_id: Option<String>,
    #[schema(required = true)]
    pub language: Option<String>,
    /// The language detected from the title, tags and channel description, weighing `language`
    /// (the platform's hint); `null` until the collector has seen the broadcast.
    #[schema(required = true)]
    pub detected_language: Option<DetectedLanguageDto>,
    /// The category in the shared vocabulary (`?category=` accepts its `id`); `null` when the
    /// platform's category is not in the table yet (`category` still has it raw).
    #[schema(required = true)]
    pub category_tag: Option<CategoryTagDto>,
    /// When one creator is live with this broadcast on several platforms at once: every part,
    /// most viewers first (this item's own platform leads), and `viewers` is their sum. Empty
    /// when the broadcast is on one platform only.
    pub simulcast: Vec<SimulcastPartDto>,
    /// When a collection round last saw it live.
    pub last_seen_at: DateTime<Utc>,
}

impl From<LiveItem> for LiveItemDto {
    fn from(i: LiveItem) -> Self {
        let tag = streamtide_curate::categories::Vocabulary::global()
            .map(
                i.platform,
                i.category_id.as_deref(),
                i.category_name.as_deref(),
                &i.title,
            )
            .tag();
        LiveItemDto::with_tag(i, tag)
    }
}

impl LiveItemDto {
    /// The item, its category already mapped onto the vocabulary (by the board's curation).
    pub fn with_tag(i: LiveItem, tag: Option<&streamtide_curate::categories::CategoryTag>) -> Self {
        let detected_language = i.detected_language.clone().map(|code| DetectedLanguageDto {
            code,
            confidence: i.language_confidence.unwrap_or(0.0),
        });
        LiveItemDto {
            detected_language,
            category_tag: tag.map(CategoryTagDto::from),
            simulcast: Vec::new(),
            platform: i.platform,
            category: i.category_name.clone().or_else(|| i.category_id.clone()),
            channel_id: i.channel_id,
            channel_name: i.channel_name,
            title: i.title,
            viewers: i.viewers,
            thumbnail_url: own_copy(i.thumbnail_hash.as_deref()).or(i.thumbnail_url.clone()),
            source_thumbnail_url: i.thumbnail_url,
            started_at: i.started_at,
            url: i.url,
            adult: i.adult,
            channel_avatar_url: own_copy(i.avatar_hash.as_deref()).or(i.channel_avatar_url),
            category_id: i.category_id,
            tags: i.tags,
            peak_viewers: i.peak_viewers,
            broadcast_id: i.broadcast_id,
            language: i.language,
            last_seen_at: i.last_seen_at,
        }
    }
}

/// The path our copy of an image is served at (see `routes::thumbs`).
pub(crate) fn own_copy(hash: Option<&str>) -> Option<String> {
    hash.map(|h| format!("/thumbs/{h}.webp"))
}

/// A detected language.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct DetectedLanguageDto {
    /// ISO 639-1, e.g. `ko`.
    #[schema(example = "ko")]
    pub code: String,
    /// How sure the detection is, 0 to 1.
    pub confidence: f32,
}

/// A category of the shared vocabulary, with its labels.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CategoryTagDto {
    #[schema(example = "league_of_legends")]
    pub id: String,
    #[schema(example = "리그 오브 레전드")]
    pub ko: String,
    #[schema(example = "League of Legends")]
    pub en: String,
}

impl From<&streamtide_curate::categories::CategoryTag> for CategoryTagDto {
    fn from(t: &streamtide_curate::categories::CategoryTag) -> Self {
        CategoryTagDto {
            id: t.id.clone(),
            ko: t.ko.clone(),
            en: t.en.clone(),
        }
    }
}

/// One platform's part of a simulcast.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SimulcastPartDto {
    pub platform: Platform,
    pub channel_id: String,
    pub channel_name: String,
    pub viewers: u64,
    /// Where to watch this part.
    pub url: String,
}

/// One page of the live list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LivePage {
    pub items: Vec<LiveItemDto>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
    /// How many items match the filter in all.
    pub total: u64,
}

/// A channel with its latest figures. Unknown figures are `null`, never 0.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ChannelDto {
    pub platform: Platform,
    pub channel_id: String,
    pub name: String,
    #[schema(required = true)]
    pub handle: Option<String>,
    #[schema(required = true)]
    pub avatar_url: Option<String>,
    #[schema(required = true)]
    pub description: Option<String>,
    /// In the roster (collected every channels round).
    pub tracked: bool,
    /// The creator this channel is linked to (`/api/v1/creators/{id}`), if any.
    #[schema(required = true)]
    pub creator_id: Option<i64>,
    pub first_seen_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// Since when the platform no longer knows this channel.
    #[schema(required = true)]
    pub missing_since: Option<DateTime<Utc>>,
    #[schema(required = true)]
    pub followers: Option<u64>,
    #[schema(required = true)]
    pub total_views: Option<u64>,
    #[schema(required = true)]
    pub video_count: Option<u64>,
    /// When the figures above were observed.
    #[schema(required = true)]
    pub stats_observed_at: Option<DateTime<Utc>>,
    /// The broadcast live now, if any.
    #[schema(required = true)]
    pub live: Option<LiveItemDto>,
    /// `live`, `offline`, or `unknown` when nothing collected has ever said (a channel never
    /// observed is not "offline").
    pub live_state: LiveStateName,
}

/// Whether a channel is live, as far as anything collected says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum LiveStateName {
    Live,
    Offline,
    Unknown,
}

impl From<ChannelRow> for ChannelDto {
    fn from(c: ChannelRow) -> Self {
        ChannelDto {
            platform: c.platform,
            channel_id: c.channel_id,
            name: c.name,
            handle: c.handle,
            avatar_url: own_copy(c.avatar_hash.as_deref()).or(c.avatar_url),
            description: c.description,
            tracked: c.tracked,
            creator_id: c.creator_id,
            first_seen_at: c.first_seen_at,
            last_seen_at: c.last_seen_at,
            missing_since: c.missing_since,
            followers: c.followers,
            total_views: c.total_views,
            video_count: c.video_count,
            stats_observed_at: c.stats_observed_at,
            live_state: match (&c.live, c.live_known) {
                (Some(_), _) => LiveStateName::Live,
                (None, true) => LiveStateName::Offline,
                (None, false) => LiveStateName::Unknown,
            },
            live: c.live.map(LiveItemDto::from),
        }
    }
}

/// One page of channels.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChannelPage {
    pub items: Vec<ChannelDto>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
    pub total: u64,
}

/// One point of a time series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct PointDto {
    pub at: DateTime<Utc>,
    pub value: u64,
}

impl From<Point> for PointDto {
    fn from(p: Point) -> Self {
        PointDto {
            at: p.at,
            value: p.value,
        }
    }
}

/// A channel's time series, oldest point first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HistoryDto {
    pub platform: Platform,
    pub channel_id: String,
    #[schema(value_type = MetricName)]
    pub metric: Metric,
    pub points: Vec<PointDto>,
}

/// Overall health.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum HealthStatus {
    /// Every enabled platform has collected, and every job is healthy.
    Ok,
    /// Some enabled platform has not had a first successful round yet (none failing for good).
    Starting,
    /// Some job failed several rounds in a row, a platform answers only on a fallback, or its
    /// rounds take longer than their interval (or no platform is enabled); the API still serves
    /// what it has.
    Degraded,
    /// Every enabled platform is failing: answered with 503 so a load balancer can act on it.
    Failing,
}

/// The state of one platform, from its jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PlatformState {
    /// Has collected, and every job is healthy.
    Ok,
    /// Enabled, without a successful round yet.
    Starting,
    /// Some of its jobs are failing, its last rounds were answered only by a fallback host or
    /// path version (`fallback`), or its rounds take longer than their interval (`overrun`).
    Degraded,
    /// Every job that ran is failing.
    Failing,
}

/// Health of one enabled platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PlatformHealthDto {
    pub platform: Platform,
    pub state: PlatformState,
    /// The latest success of any of its jobs.
    #[schema(required = true)]
    pub last_success_at: Option<DateTime<Utc>>,
    /// The latest error of any of its jobs still failing, truncated to 300 characters.
    #[schema(required = true)]
    pub last_error: Option<String>,
    /// Set while any of its jobs answers only on a fallback (the earliest `since` of them).
    #[schema(required = true)]
    pub fallback: Option<FallbackDto>,
    /// Set while any of its jobs' rounds take longer than the job's interval (the earliest
    /// `since` of them).
    #[schema(required = true)]
    pub overrun: Option<OverrunDto>,
}

/// A job whose rounds take longer than its interval: a live round reading the whole directory
/// (`live_list_depth = "all"`) at the platform's polite rate cannot finish before the next is due.
/// Each round still keeps what it read; the next starts when it ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct OverrunDto {
    /// The first round of this run of rounds that overran.
    pub since: DateTime<Utc>,
    pub note: String,
}

impl OverrunDto {
    pub fn since(since: DateTime<Utc>) -> OverrunDto {
        OverrunDto {
            since,
            note: "rounds take longer than the job's interval; raise the interval or the platform's requests_per_second, or cap live_list_depth".into(),
        }
    }
}

/// A platform that answered its last round only on a fallback: SOOP's old `.co.kr` hosts after
/// the configured `.com` ones failed, or an older CHZZK path version after a 9004. It works, but
/// it has moved: the configuration (or the adapter) needs to follow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FallbackDto {
    /// The first round of this run of rounds answered only by the fallback.
    pub since: DateTime<Utc>,
    pub note: String,
}

impl FallbackDto {
    pub fn since(since: DateTime<Utc>) -> FallbackDto {
        FallbackDto {
            since,
            note: "answers only on a fallback host or path version; it has moved (see docs/platforms.md)".into(),
        }
    }
}

/// A platform this server does not collect, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SkippedPlatformDto {
    pub platform: Platform,
    /// e.g. `no credentials (platforms.twitch.client_id, platforms.twitch.client_secret)` or
    /// `disabled (platforms.soop.enabled = false)`.
    pub reason: String,
}

/// Process health, each enabled platform's state, each job's health, and the platforms skipped.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HealthDto {
    pub status: HealthStatus,
    /// One entry per job (`live`, `channels`, `videos`) of each platform that has run.
    pub platforms: Vec<JobHealthDto>,
    /// One entry per enabled platform.
    pub summary: Vec<PlatformHealthDto>,
    /// The platforms not collected (disabled, or without credentials).
    pub skipped: Vec<SkippedPlatformDto>,
    /// YouTube's quota buckets and channel feeds on the latest Pacific day the ledger recorded;
    /// `null` when YouTube has not spent anything yet.
    #[schema(required = true)]
    pub youtube: Option<YoutubeHealthDto>,
}

/// YouTube's day: use of each quota bucket and what the channel feeds answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct YoutubeHealthDto {
    /// The Pacific-time quota day (quotas reset at midnight America/Los_Angeles).
    pub quota_day: String,
    /// Use of each bucket: `main` (units), `search` (search.list calls), `batch_get_stats`
    /// (videos.batchGetStats calls).
    pub buckets: Vec<QuotaBucketDto>,
    /// When YouTube answered quotaExceeded: no call until then.
    #[schema(required = true)]
    pub blocked_until: Option<DateTime<Utc>>,
    pub feeds: FeedHealthDto,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct QuotaBucketDto {
    pub bucket: String,
    pub used: u64,
}

/// The channel feeds (a hint for live candidates, no quota): failing while at least half of the
/// last batch's feeds answered no feed (404, 5xx, an HTML page, garbage, no answer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FeedHealthDto {
    pub failing: bool,
    /// Feed requests that answered no feed this quota day.
    pub faults_today: u64,
    #[schema(required = true)]
    pub last_fault: Option<String>,
    #[schema(required = true)]
    pub last_fault_at: Option<DateTime<Utc>>,
    #[schema(required = true)]
    pub last_ok_at: Option<DateTime<Utc>>,
}

impl FeedHealthDto {
    fn failing(fault_at: Option<DateTime<Utc>>, ok_at: Option<DateTime<Utc>>) -> bool {
        match (fault_at, ok_at) {
            (Some(f), Some(o)) => f > o,
            (Some(_), None) => true,
            _ => false,
        }
    }
}

impl From<streamtide_storage::QuotaDay> for YoutubeHealthDto {
    fn from(q: streamtide_storage::QuotaDay) -> Self {
        YoutubeHealthDto {
            quota_day: q.day.to_string(),
            buckets: vec![
                QuotaBucketDto {
                    bucket: "main".into(),
                    used: q.units_used,
                },
                QuotaBucketDto {
                    bucket: "search".into(),
                    used: q.search_calls_used,
                },
                QuotaBucketDto {
                    bucket: "batch_get_stats".into(),
                    used: q.stats_calls_used,
                },
            ],
            blocked_until: q.blocked_until,
            feeds: FeedHealthDto {
                failing: FeedHealthDto::failing(q.feed_last_fault_at, q.feed_last_ok_at),
                faults_today: q.feed_faults,
                last_fault: q.feed_last_fault,
                last_fault_at: q.feed_last_fault_at,
                last_ok_at: q.feed_last_ok_at,
            },
        }
    }
}

/// Health of one platform's collection job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct JobHealthDto {
    pub platform: Platform,
    /// `live`, `channels` or `videos`.
    pub job: String,
    #[schema(required = true)]
    pub last_success_at: Option<DateTime<Utc>>,
    #[schema(required = true)]
    pub last_error_at: Option<DateTime<Utc>>,
    /// The latest error, truncated to 300 characters.
    #[schema(required = true)]
    pub last_error: Option<String>,
    pub consecutive_failures: u64,
    /// Fewer than [`UNHEALTHY_AFTER`] failures in a row.
    pub healthy: bool,
    /// Set while the job's rounds are answered only by a fallback host or path version; a round
    /// answered by the first configured one clears it.
    #[schema(required = true)]
    pub fallback: Option<FallbackDto>,
    /// Set while the job's rounds take longer than its interval; a round finished in time clears
    /// it.
    #[schema(required = true)]
    pub overrun: Option<OverrunDto>,
}

/// Consecutive failures from which a job counts as unhealthy.
pub const UNHEALTHY_AFTER: u64 = 3;

impl From<JobStatus> for JobHealthDto {
    fn from(s: JobStatus) -> Self {
        JobHealthDto {
            platform: s.platform,
            healthy: s.consecutive_failures < UNHEALTHY_AFTER,
            job: s.job,
            last_success_at: s.last_success_at,
            last_error_at: s.last_error_at,
            last_error: s.last_error.map(|e| truncate_chars(&e, MAX_ERROR_CHARS)),
            consecutive_failures: s.consecutive_failures,
            fallback: s.fallback_since.map(FallbackDto::since),
            overrun: s.overrun_since.map(OverrunDto::since),
        }
    }
}

/// At most `max` characters of `s`, an ellipsis marking a cut (counted on chars, not bytes:
/// error text is often Korean).
fn truncate_chars(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_twin_names_the_same_values() {
        for (doc, real) in [
            (MetricName::Followers, Metric::Followers),
            (MetricName::Views, Metric::Views),
            (MetricName::Viewers, Metric::Viewers),
        ] {
            assert_eq!(
                serde_json::to_value(doc).ok(),
                serde_json::to_value(real).ok()
            );
        }
    }

    #[test]
    fn errors_are_truncated_on_char_boundaries() {
        let long = "오류".repeat(400);
        let t = truncate_chars(&long, MAX_ERROR_CHARS);
        assert_eq!(t.chars().count(), MAX_ERROR_CHARS);
        assert!(t.ends_with('…'));
        assert_eq!(truncate_chars("short", MAX_ERROR_CHARS), "short");
    }
}

/// A video of a channel with its latest counters. Unknown counters are `null`, never 0.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct VideoDto {
    pub video_id: String,
    pub title: String,
    /// `replay` (a past broadcast), `upload`, `clip` or `other`.
    pub kind: String,
    #[schema(required = true)]
    pub published_at: Option<DateTime<Utc>>,
    #[schema(required = true)]
    pub duration_secs: Option<u64>,
    #[schema(required = true)]
    pub thumbnail_url: Option<String>,
    pub adult: bool,
    #[schema(required = true)]
    pub views: Option<u64>,
    #[schema(required = true)]
    pub likes: Option<u64>,
    #[schema(required = true)]
    pub comments: Option<u64>,
    /// When the counters were read.
    #[schema(required = true)]
    pub observed_at: Option<DateTime<Utc>>,
    /// Where to watch it.
    pub url: String,
}

impl VideoDto {
    pub fn new(platform: Platform, v: streamtide_storage::VideoRow) -> VideoDto {
        VideoDto {
            url: platform.video_url(&v.video_id),
            video_id: v.video_id,
            title: v.title,
            kind: v.kind.as_str().to_string(),
            published_at: v.published_at,
            duration_secs: v.duration_secs,
            thumbnail_url: v.thumbnail_url,
            adult: v.adult,
            views: v.views,
            likes: v.likes,
            comments: v.comments,
            observed_at: v.observed_at,
        }
    }
}

/// A channel's recent videos, newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VideoList {
    pub items: Vec<VideoDto>,
}
