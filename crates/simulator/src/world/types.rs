//! The world's public ground-truth records.

use chrono::{DateTime, Utc};
use streamtide_core::Platform;

use super::category::SimCategory;
use super::hash::Key;

/// One simulated channel (a CHZZK channel or a SOOP station). Its fields are fixed at generation;
/// everything that changes over time is computed from them by [`World`](super::World).
#[derive(Debug, Clone, PartialEq)]
pub struct SimChannel {
    pub platform: Platform,
    /// CHZZK: 32 lowercase hex chars. SOOP: a BJ id like `simbj0042`.
    pub id: String,
    pub name: String,
    pub description: String,
    /// Followers where growth compounds from (the world epoch, 2026-01-01 00:00 KST, or for a
    /// story four months before its end).
    pub base_followers: u64,
    /// Compound growth per day: +0.02 = +2%/day, negative for declining channels.
    pub daily_growth: f64,
    /// In (0, 1]; drives viewers, followers and how often the channel streams.
    pub popularity: f64,
    pub adult: bool,
    /// The channel's usual category (a broadcast occasionally picks another).
    pub category: SimCategory,
    /// Position in the platform's channel list.
    pub index: usize,
    /// Chance of streaming on a given KST day; 0 for channels that never go live.
    pub stream_prob: f64,
    /// Usual start time, in minutes after KST midnight.
    pub start_minute: u32,
    /// Usual broadcast length in minutes (60..=480).
    pub duration_minutes: u32,
    /// Typical concurrent viewers at the height of a broadcast.
    pub peak_viewers: u64,
    /// When the channel was created (SOOP `jointime`); it never streams before.
    pub joined_at: DateTime<Utc>,
    pub image_url: String,
    pub verified: bool,
    /// SOOP `station_no` (also used for CHZZK's stream sequence in thumbnail URLs).
    pub station_no: u64,
    /// The changeable name in URLs: Twitch login (`simtv0042`), YouTube handle (`@simyt0042`);
    /// the id for SOOP, `None` for CHZZK (no handles).
    pub handle: Option<String>,
    /// The language the channel streams in (ISO 639-1): Korean for the KR platforms, mostly
    /// Korean with some others on Twitch and YouTube.
    pub language: &'static str,
    /// The creator whose channel this is, for the few channels linked across platforms that
    /// simulcast (see `world::simulcast`); `None` for everyone else.
    pub creator: Option<String>,
    /// This channel restreams its creator's main channel: same schedule, starting two minutes
    /// later, with a "[동시송출]" (simulcast) title.
    pub simulcast_mirror: bool,
    /// The name the channel had before a rename, and when it was renamed (`name` is the current
    /// one). Set by a demo's story only.
    pub former_name: Option<(String, DateTime<Utc>)>,
    /// When the creator stopped streaming here (moved to another platform): no broadcast starts
    /// from then on. Set by a demo's story only.
    pub retired_at: Option<DateTime<Utc>>,
    /// When the channel was deleted (`SimConfig::channel_changes`): its broadcast then ends, and
    /// none starts later.
    pub deleted_at: Option<DateTime<Utc>>,
    /// A follower arc on top of the compounding growth (a collapse, a surge, a slow exodus after
    /// a move). Set by a demo's story only.
    pub arc: Option<FollowerArc>,
    pub(crate) key: Key,
}

impl SimChannel {
    /// The channel's name at `t` (the former name before a rename).
    pub fn name_at(&self, t: DateTime<Utc>) -> &str {
        match &self.former_name {
            Some((old, renamed_at)) if t < *renamed_at => old,
            _ => &self.name,
        }
    }

    /// The channel exists at `t` (it has not been deleted by then).
    pub fn exists_at(&self, t: DateTime<Utc>) -> bool {
        self.deleted_at.is_none_or(|d| t < d)
    }
}

/// A change of course in a channel's followers, as a multiplier of the compounding curve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FollowerArc {
    /// A scandal: followers fall to `keep` of their level over two days from `at`, then keep
    /// draining slowly.
    Collapse { at: DateTime<Utc>, keep: f64 },
    /// Going viral: followers multiply by `factor`, smoothly, between `from` and `until`.
    Surge {
        from: DateTime<Utc>,
        until: DateTime<Utc>,
        factor: f64,
    },
    /// The creator moved away at `at`: followers drain slowly from then on.
    Exodus { at: DateTime<Utc> },
}

impl FollowerArc {
    /// The multiplier at `t`.
    pub fn factor(&self, t: DateTime<Utc>) -> f64 {
        let days = |from: DateTime<Utc>| (t - from).num_seconds() as f64 / 86_400.0;
        match *self {
            FollowerArc::Collapse { at, keep } => {
                let d = days(at);
                if d <= 0.0 {
                    1.0
                } else if d < 2.0 {
                    1.0 - (1.0 - keep) * d / 2.0
                } else {
                    keep * 0.997f64.powf(d - 2.0)
                }
            }
            FollowerArc::Surge {
                from,
                until,
                factor,
            } => {
                let span = ((until - from).num_seconds() as f64 / 86_400.0).max(1e-9);
                let x = (days(from) / span).clamp(0.0, 1.0);
                let smooth = x * x * (3.0 - 2.0 * x);
                1.0 + (factor - 1.0) * smooth
            }
            FollowerArc::Exodus { at } => 0.995f64.powf(days(at).max(0.0)),
        }
    }
}

/// A broadcast in progress.
#[derive(Debug, Clone, PartialEq)]
pub struct SimLive {
    /// CHZZK `liveId` / SOOP `broad_no`; unique per broadcast.
    pub live_id: u64,
    pub title: String,
    pub viewers: u64,
    pub started_at: DateTime<Utc>,
    pub category: SimCategory,
    pub adult: bool,
    /// When the broadcast will end.
    pub ends_at: DateTime<Utc>,
    pub tags: Vec<String>,
}

/// A past broadcast kept as a replay VOD.
#[derive(Debug, Clone, PartialEq)]
pub struct SimVideo {
    pub video_no: u64,
    pub title: String,
    /// The end of the broadcast it records.
    pub published_at: DateTime<Utc>,
    pub duration_secs: u64,
    /// Replay views so far; grows with the video's age.
    pub views: u64,
    pub likes: u64,
    pub comments: u64,
    /// The broadcast's `live_id`.
    pub live_id: u64,
    /// When the recorded broadcast started.
    pub started_at: DateTime<Utc>,
    /// Viewers of the original live (CHZZK `livePv`).
    pub live_pv: u64,
    pub category: SimCategory,
    pub adult: bool,
    pub tags: Vec<String>,
}
