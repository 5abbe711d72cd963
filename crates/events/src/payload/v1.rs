//! Version 1 of the event payloads (`"v":1`): the `data` of each event kind.
//!
//! Field names, order, enum spellings and optional fields are those of the JSON the first builds
//! wrote; `tests/fixtures/events_v1_captured.jsonl` is a capture from such a build and must keep
//! reading and writing back byte for byte. Never change these types; add a `v2` instead.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use streamtide_core::{ChannelId, Platform};

/// `live_sample`: one broadcast of a platform's top live list (also the live state of a
/// `channel_snapshot`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveSample {
    pub platform: Platform,
    pub channel_id: ChannelId,
    pub channel_name: Option<String>,
    pub channel_avatar_url: Option<String>,
    pub broadcast_id: Option<String>,
    pub title: String,
    pub viewers: u64,
    pub category_id: Option<String>,
    pub category_name: Option<String>,
    pub tags: Vec<String>,
    pub thumbnail_url: Option<String>,
    pub started_at: Option<DateTime<Utc>>,
    pub adult: bool,
    pub language: Option<String>,
    pub url: String,
}

/// Who a channel is, in a `channel_snapshot`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelInfo {
    pub platform: Platform,
    pub channel_id: ChannelId,
    pub name: String,
    pub handle: Option<String>,
    pub avatar_url: Option<String>,
    pub description: Option<String>,
}

/// A channel's counters, in a `channel_snapshot`; `null` is "not given", never 0.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelStats {
    pub followers: Option<u64>,
    pub total_views: Option<u64>,
    pub video_count: Option<u64>,
}

/// Whether the channel was live: `{"Live":{…}}`, `"Offline"` or `"Unknown"` (not asked, or the
/// call failed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LiveState {
    Live(Box<LiveSample>),
    Offline,
    Unknown,
}

/// `channel_snapshot`: one roster channel's figures and live state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelSnapshot {
    pub info: ChannelInfo,
    pub stats: ChannelStats,
    pub live: LiveState,
}

/// A video's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VideoKind {
    Replay,
    Upload,
    Clip,
    Other,
}

/// `video_snapshot`: a video with its counters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VideoSnapshot {
    pub platform: Platform,
    pub channel_id: ChannelId,
    pub video_id: String,
    pub title: String,
    pub kind: VideoKind,
    pub published_at: Option<DateTime<Utc>>,
    pub duration_secs: Option<u64>,
    pub views: Option<u64>,
    pub likes: Option<u64>,
    pub comments: Option<u64>,
    pub thumbnail_url: Option<String>,
    pub adult: bool,
    pub category_name: Option<String>,
}
