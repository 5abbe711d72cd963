//! Broadcasts started on request (`POST /__sim/start-live`, [`crate::Simulator::start_live`]):
//! the one thing in a [`World`](super::World) that is not a function of `(seed, channel, time)`.
//!
//! A test that needs "this channel goes live now" (a go-live notification, say) cannot wait for
//! the schedule, so it starts one. The started broadcast is a new one with its own number (a
//! collector that recorded the day's earlier broadcast must see a new broadcast, as it would on a
//! platform); it follows the channel's scheduled broadcast of that KST day if that one had ended,
//! else takes its place, so every endpoint (lists, channel pages, live status, replays) sees it
//! the same way, through the world's `broadcasts_on`. (Started late in the KST day, it gives way
//! to the next day's scheduled broadcast if that one starts before it ends.)

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};
use streamtide_core::Platform;

use super::schedule::{self, Broadcast};
use super::types::SimChannel;
use crate::kst;

/// Why a broadcast could not be started.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StartLiveError {
    #[error("no {platform} channel {channel_id}")]
    UnknownChannel {
        platform: Platform,
        channel_id: String,
    },
    #[error("the channel is live already")]
    AlreadyLive,
    /// Not joined yet, moved to another platform, or deleted at that time.
    #[error("the channel cannot stream at that time")]
    CannotStream,
}

/// A channel's broadcast day: platform, channel index, KST day.
type DayKey = (Platform, usize, i64);

/// The started broadcasts, by [`DayKey`]; shared by the clones of a world (the servers hold one
/// `Arc<World>` anyway).
#[derive(Debug, Clone, Default)]
pub(crate) struct Started {
    by_day: Arc<RwLock<HashMap<DayKey, Broadcast>>>,
}

impl Started {
    /// The started broadcast of `ch` on KST day `day`, if one was started.
    pub(crate) fn on(&self, ch: &SimChannel, day: i64) -> Option<Broadcast> {
        // A poisoned lock only means a panic elsewhere mid-insert; the map itself is whole.
        let map = self.by_day.read().unwrap_or_else(|e| e.into_inner());
        if map.is_empty() {
            return None;
        }
        map.get(&(ch.platform, ch.index, day)).cloned()
    }

    /// Start a broadcast of `ch` at `t`, whose current broadcast `live_now` says. Returns it.
    pub(crate) fn start(
        &self,
        ch: &SimChannel,
        t: DateTime<Utc>,
        live_now: bool,
    ) -> Result<Broadcast, StartLiveError> {
        if live_now {
            return Err(StartLiveError::AlreadyLive);
        }
        // Whole seconds: the platforms print start times to the second.
        let t = DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t);
        let b = schedule::broadcast_starting(ch, t).ok_or(StartLiveError::CannotStream)?;
        let mut map = self.by_day.write().unwrap_or_else(|e| e.into_inner());
        map.insert((ch.platform, ch.index, kst::day_of(t)), b.clone());
        Ok(b)
    }
}
