//! Row types the store hands out and the write requests it takes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use streamtide_core::{ChannelId, ChannelObservation, LiveBroadcast, Platform, VideoObservation};

/// A collection job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Job {
    /// Top live lists.
    Live,
    /// Roster channels: followers and live state.
    Channels,
    /// Roster channels' recent videos.
    Videos,
}

impl Job {
    pub const ALL: [Job; 3] = [Job::Live, Job::Channels, Job::Videos];

    pub const fn as_str(self) -> &'static str {
        match self {
            Job::Live => "live",
            Job::Channels => "channels",
            Job::Videos => "videos",
        }
    }
}

impl std::fmt::Display for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What one committed batch wrote (rows that were new).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct WriteStats {
    pub channel_snapshots: u64,
    pub live_samples: u64,
    pub video_snapshots: u64,
    pub sessions_opened: u64,
    pub sessions_closed: u64,
    pub channels_missing: u64,
    /// Figures and URLs refused at the store boundary (out of range, unsafe): stored as unknown.
    pub values_rejected: u64,
}

impl WriteStats {
    pub fn add(&mut self, o: &WriteStats) {
        self.channel_snapshots += o.channel_snapshots;
        self.live_samples += o.live_samples;
        self.video_snapshots += o.video_snapshots;
        self.sessions_opened += o.sessions_opened;
        self.sessions_closed += o.sessions_closed;
        self.channels_missing += o.channels_missing;
        self.values_rejected += o.values_rejected;
    }

    /// Observation rows written.
    pub fn rows(&self) -> u64 {
        self.channel_snapshots + self.live_samples + self.video_snapshots
    }
}

/// A batch of observations to commit atomically.
#[derive(Debug, Clone)]
pub enum Batch {
    /// One platform's top live list at `observed_at`. Open sessions of that platform not seen
    /// since `observed_at - close_after` are closed (the broadcast ended or left every list).
    LiveList {
        items: Vec<LiveBroadcast>,
        close_after: chrono::Duration,
    },
    /// The end of a whole live list written page by page (as `LiveList`s that close nothing):
    /// open sessions of the platform not seen since `observed_at - close_after` are closed.
    /// `samples` is how many broadcasts the pages carried; ingest from the event stream waits
    /// for that many before it closes, since the pages may still be in flight on other
    /// partitions.
    LiveListEnd {
        close_after: chrono::Duration,
        samples: u64,
    },
    /// Per-channel observations of roster channels; `missing` are ids the platform does not know.
    Channels {
        found: Vec<ChannelObservation>,
        missing: Vec<ChannelId>,
    },
    /// Videos with their counters.
    Videos { videos: Vec<VideoObservation> },
}

/// A channel with its latest figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelRow {
    pub platform: Platform,
    pub channel_id: String,
    pub name: String,
    pub handle: Option<String>,
    pub avatar_url: Option<String>,
    /// Our stored copy of the avatar, if one was made.
    pub avatar_hash: Option<String>,
    pub description: Option<String>,
    pub tracked: bool,
    pub creator_id: Option<i64>,
    pub first_seen_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub missing_since: Option<DateTime<Utc>>,
    pub followers: Option<u64>,
    pub total_views: Option<u64>,
    pub video_count: Option<u64>,
    pub stats_observed_at: Option<DateTime<Utc>>,
    /// The open live session, if any.
    pub live: Option<LiveItem>,
    /// Whether any observation ever said if the channel was live: without one, a channel that
    /// is not `live` is of unknown state, not offline.
    pub live_known: bool,
}

/// One entry of the merged live list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LiveItem {
    pub platform: Platform,
    pub channel_id: String,
    pub channel_name: String,
    pub channel_avatar_url: Option<String>,
    pub broadcast_id: Option<String>,
    pub title: String,
    pub viewers: u64,
    pub peak_viewers: u64,
    pub category_id: Option<String>,
    pub category_name: Option<String>,
    pub tags: Vec<String>,
    pub thumbnail_url: Option<String>,
    pub started_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub url: String,
    pub adult: bool,
    pub language: Option<String>,
    /// The creator the channel is linked to (simulcasts are merged by it).
    pub creator_id: Option<i64>,
    /// The language detected from the title, tags and channel description plus the platform's
    /// hint (ISO 639-1); `None` until the collector has seen the broadcast since migration 0007.
    pub detected_language: Option<String>,
    /// How sure the detection is, in `[0, 1]`.
    pub language_confidence: Option<f32>,
    /// Our stored copy of the thumbnail (see the `thumb_sources` table), if one was made.
    pub thumbnail_hash: Option<String>,
    /// Our stored copy of the channel avatar, if one was made.
    pub avatar_hash: Option<String>,
}

/// Which live items to return.
#[derive(Debug, Clone, Default)]
pub struct LiveFilter {
    pub platform: Option<Platform>,
    /// Matches the category id or name, case-insensitively.
    pub category: Option<String>,
    /// `Some(false)` hides adult broadcasts; `Some(true)` shows only them.
    pub adult: Option<bool>,
    /// Items last seen before this are stale and left out.
    pub seen_after: Option<DateTime<Utc>>,
    pub limit: u32,
    pub offset: u32,
}

/// A time series metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    Followers,
    Views,
    Viewers,
}

impl std::str::FromStr for Metric {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "followers" => Ok(Metric::Followers),
            "views" => Ok(Metric::Views),
            "viewers" => Ok(Metric::Viewers),
            other => Err(format!(
                "unknown metric `{other}` (expected followers, views or viewers)"
            )),
        }
    }
}

/// One point of a time series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Point {
    pub at: DateTime<Utc>,
    pub value: u64,
}

/// Health of one platform job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobStatus {
    pub platform: Platform,
    pub job: String,
    pub last_success_at: Option<DateTime<Utc>>,
    pub last_error_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub consecutive_failures: u64,
    /// Since when the job's rounds have been answered only by a fallback host or path version
    /// (the platform has moved); `None` while the first configured one answers.
    pub fallback_since: Option<DateTime<Utc>>,
    /// Since when the job's rounds have taken longer than its interval; `None` while they finish
    /// in time.
    pub overrun_since: Option<DateTime<Utc>>,
}

/// A recorded collection round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoundRow {
    pub id: i64,
    pub platform: Platform,
    pub job: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub requests: u64,
    pub written: u64,
    pub errors: u64,
    pub last_error: Option<String>,
}

/// Row counts of the main tables (for tests, `collect` summaries and metrics).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TableCounts {
    pub channels: u64,
    pub tracked_channels: u64,
    pub channel_snapshots: u64,
    pub live_sessions: u64,
    pub open_sessions: u64,
    pub live_samples: u64,
    pub videos: u64,
    pub video_snapshots: u64,
}

/// One live session as stored: a broadcast of a channel from its start to its end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// The channel's id on its platform.
    pub channel_id: String,
    pub broadcast_id: Option<String>,
    pub started_at: DateTime<Utc>,
    /// `None` while the session is open.
    pub ended_at: Option<DateTime<Utc>>,
    pub last_seen_at: DateTime<Utc>,
}
