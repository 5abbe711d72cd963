//! The versioned JSON event: one observation the collector made, as it travels to `ingest`.
//!
//! ```json
//! {"v":1,"kind":"live_sample","platform":"chzzk","channel_id":"abc","observed_at":"2026-03-01T00:00:00Z",
//!  "round":123,"collector":"host-4242","data":{…a payload::v1 type…}}
//! ```
//!
//! `data` is one of the stream's own payload types ([`crate::payload::v1`]), not a core type.
//! A store batch becomes one event per observation (`crate::mapping::to_events`), keyed `platform:channel_id`
//! so one channel's events stay in one partition, in order. A live list also ends with a
//! `live_list_end` marker keyed by the platform alone: it carries what only the whole list can
//! decide (closing the platform's sessions nobody saw), and how many samples the list had, so
//! ingest applies it only once those samples are in the store (see `regroup`).
//!
//! `v` is checked before anything else is read: a consumer never guesses at a newer schema.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use streamtide_core::{ChannelId, Platform};

use crate::payload::v1;

/// The schema version this build writes and reads.
pub const VERSION: u32 = 1;

/// Why bytes are not an event this build can apply.
#[derive(Debug, thiserror::Error)]
pub enum EventError {
    #[error("event schema version {found} is not supported (this build reads version {VERSION})")]
    UnsupportedVersion { found: u64 },
    #[error("not a streamtide event: {0}")]
    Malformed(#[from] serde_json::Error),
    #[error("event field `{0}` is missing")]
    Missing(&'static str),
}

/// What the event says; the JSON `kind` and `data` fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum EventData {
    /// A roster channel's figures and live state (from a channels round).
    ChannelSnapshot(v1::ChannelSnapshot),
    /// A roster channel the platform no longer knows.
    ChannelMissing {},
    /// One broadcast of a platform's top live list.
    LiveSample(v1::LiveSample),
    /// The end of one top live list: `samples` broadcasts were sent before it; open sessions of
    /// the platform not seen for `close_after_secs` are closed once they are stored.
    LiveListEnd { close_after_secs: i64, samples: u64 },
    /// A video with its counters.
    VideoSnapshot(v1::VideoSnapshot),
}

impl EventData {
    /// The `kind` string (metric label, log field).
    pub fn kind(&self) -> &'static str {
        match self {
            EventData::ChannelSnapshot(_) => "channel_snapshot",
            EventData::ChannelMissing {} => "channel_missing",
            EventData::LiveSample(_) => "live_sample",
            EventData::LiveListEnd { .. } => "live_list_end",
            EventData::VideoSnapshot(_) => "video_snapshot",
        }
    }
}

/// Every kind, for metrics that should show zeros too.
pub const KINDS: [&str; 5] = [
    "channel_snapshot",
    "channel_missing",
    "live_sample",
    "live_list_end",
    "video_snapshot",
];

/// One event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub v: u32,
    pub platform: Platform,
    /// `None` for platform-wide markers (`live_list_end`).
    pub channel_id: Option<ChannelId>,
    /// When the collector observed it (the `at` of the store batch).
    pub observed_at: DateTime<Utc>,
    /// The collector's round id in the store.
    pub round: i64,
    /// Which collector process made it (`host-pid`), for tracing duplicates to a source.
    pub collector: String,
    #[serde(flatten)]
    pub data: EventData,
}

/// Only the version, read first.
#[derive(Deserialize)]
struct Header {
    v: Option<u64>,
}

impl Event {
    /// The partition key: `platform:channel_id`, or the platform for platform-wide markers.
    pub fn key(&self) -> String {
        match &self.channel_id {
            Some(id) => format!("{}:{}", self.platform, id.as_str()),
            None => self.platform.to_string(),
        }
    }

    pub fn to_json(&self) -> Vec<u8> {
        // Serialising these types cannot fail: no maps with non-string keys, no custom errors.
        serde_json::to_vec(self).expect("an event serialises")
    }

    /// Parse an event, refusing any version but [`VERSION`] before reading the rest.
    pub fn from_json(bytes: &[u8]) -> Result<Event, EventError> {
        let header: Header = serde_json::from_slice(bytes)?;
        match header.v {
            None => return Err(EventError::Missing("v")),
            Some(v) if v != u64::from(VERSION) => {
                return Err(EventError::UnsupportedVersion { found: v })
            }
            Some(_) => {}
        }
        Ok(serde_json::from_slice(bytes)?)
    }
}
