//! What the world asks of a platform to simulate it: how many channels it has, the shape of their
//! ids, handles and pictures, when they joined, how its broadcasts are numbered and spelled, and
//! which statistics it reports.
//!
//! Each platform's [`SimShape`] sits in its fake server's file (`http/<platform>.rs`, or the
//! folder's `mod.rs`), next to the wire format that shows these values, and `http::sim_shape` is
//! the one place that maps a platform to it. The generic world code iterates [`Platform::ALL`] and
//! asks [`shape`], so a new platform changes no file here.

use streamtide_core::{ChannelStats, Platform};

use super::hash::Key;
use super::schedule::Broadcast;
use super::types::SimChannel;
use crate::SimConfig;

/// One platform's simulated population. Every function is pure: the world stays a function of the
/// seed.
#[derive(Debug)]
pub(crate) struct SimShape {
    /// The platform's hash domain: part of every channel's key, so it must never change (every
    /// generated id, schedule and count would move) and must differ between platforms.
    pub key_tag: u64,
    /// How many channels the config gives the platform.
    pub channels: fn(&SimConfig) -> usize,
    /// The id of the channel at `index`, from the channel's id key (unique within the platform).
    pub channel_id: fn(Key, usize) -> String,
    /// The handle of the channel with id `id` at `index`, if the platform has handles.
    pub handle: fn(&str, usize) -> Option<String>,
    /// The channel's picture URL as the platform serves it.
    pub image_url: fn(&str) -> String,
    /// The share of channels streaming in a language other than Korean (0 on the Korean
    /// platforms).
    pub other_languages: f64,
    /// Channels joined between this RFC 3339 instant and `joined_span_days` later.
    pub joined_from: &'static str,
    pub joined_span_days: u64,
    /// Where the platform's broadcast numbers start (the ranges of two platforms may overlap:
    /// a number is always looked up with its platform).
    pub live_id_base: u64,
    /// The platform reports views and video counts summed over the replays it lists, so the
    /// world computes them.
    pub lists_replays: bool,
    /// The counters the platform reports for a channel with `followers` followers and, if
    /// `lists_replays`, the replays' summed views and count.
    pub stats: fn(&SimChannel, u64, Option<(u64, usize)>) -> ChannelStats,
    /// A broadcast's id, category id and category name as the platform's adapter reads them.
    pub broadcast: fn(&Broadcast) -> SpelledBroadcast,
}

/// A broadcast's id, category id and category name, as the platform spells them.
pub(crate) type SpelledBroadcast = (String, Option<String>, Option<String>);

/// The shape of `platform`.
pub(crate) fn shape(platform: Platform) -> &'static SimShape {
    crate::http::sim_shape(platform)
}
