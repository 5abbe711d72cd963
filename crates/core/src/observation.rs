//! Normalised observations: what an adapter hands the collector after parsing a platform reply.
//!
//! Figures a platform does not give are `None`, never 0: "unknown" and "zero" mean different
//! things to every chart downstream.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{ChannelId, Platform};

/// Who a channel is: the slowly changing descriptive part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelInfo {
    pub platform: Platform,
    pub channel_id: ChannelId,
    pub name: String,
    /// A changeable handle or login, where the platform has one distinct from the id.
    pub handle: Option<String>,
    pub avatar_url: Option<String>,
    pub description: Option<String>,
}

/// Counters of a channel at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelStats {
    pub followers: Option<u64>,
    pub total_views: Option<u64>,
    pub video_count: Option<u64>,
}

/// One broadcast that is live now, as seen in a top list or a per-channel status call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveBroadcast {
    pub platform: Platform,
    pub channel_id: ChannelId,
    pub channel_name: Option<String>,
    pub channel_avatar_url: Option<String>,
    /// The platform's id of this broadcast (CHZZK `liveId`, SOOP `broad_no`, ...). `None` where
    /// the endpoint does not say; the store then keys the session by channel and start.
    pub broadcast_id: Option<String>,
    pub title: String,
    pub viewers: u64,
    /// Platform-specific category id (CHZZK `liveCategory`, SOOP `broad_cate_no`).
    pub category_id: Option<String>,
    /// Human-readable category name where the platform gives one.
    pub category_name: Option<String>,
    pub tags: Vec<String>,
    pub thumbnail_url: Option<String>,
    pub started_at: Option<DateTime<Utc>>,
    pub adult: bool,
    /// The platform's own language hint, if any (BCP-47-ish, e.g. `ko`).
    pub language: Option<String>,
    /// Where a viewer can watch it.
    pub url: String,
}

/// Whether a channel is live, from a per-channel observation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LiveState {
    Live(Box<LiveBroadcast>),
    Offline,
    /// The call that would tell was not made or failed; do not close or open anything.
    Unknown,
}

/// Everything one per-channel fetch learned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelObservation {
    pub info: ChannelInfo,
    pub stats: ChannelStats,
    pub live: LiveState,
}

/// The kind of a video, normalised across platforms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VideoKind {
    /// A recording of a past broadcast (CHZZK `REPLAY`, SOOP `review`).
    Replay,
    /// An uploaded video.
    Upload,
    Clip,
    Other,
}

impl VideoKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            VideoKind::Replay => "replay",
            VideoKind::Upload => "upload",
            VideoKind::Clip => "clip",
            VideoKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> VideoKind {
        match s {
            "replay" => VideoKind::Replay,
            "upload" => VideoKind::Upload,
            "clip" => VideoKind::Clip,
            _ => VideoKind::Other,
        }
    }
}

/// A video and its counters at one moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VideoObservation {
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
