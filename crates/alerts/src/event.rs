//! What happened: one alert event, the facts a message is rendered from.
//!
//! An event carries a `key` that names the happening itself (the milestone crossed, the broadcast
//! that started, the day of a change): with the rule and the channel it is the once-only key of
//! the store's delivery log, so a restart or a second collector never sends it again.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use streamtide_core::Platform;

use crate::config::{Metric, RuleKind, Window};

/// One alert, before it is rendered for a channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertEvent {
    /// The rule's name.
    pub rule: String,
    pub kind: RuleKind,
    /// What happened, unique per rule and channel of the platform (see the module docs).
    pub key: String,
    pub platform: Platform,
    pub channel_id: String,
    /// The channel's display name when the event happened.
    pub channel_name: String,
    /// The roster's creator the channel belongs to, if linked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator: Option<String>,
    /// When the observation that raised it was made.
    pub at: DateTime<Utc>,
    /// The page to open: the broadcast or the channel on its platform.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub facts: Facts,
}

/// The kind-specific figures of an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Facts {
    Milestone {
        metric: Metric,
        milestone: u64,
        value: u64,
        /// The value is a platform-rounded figure (YouTube): it shows at least the milestone.
        rounded: bool,
    },
    Change {
        metric: Metric,
        window: Window,
        /// The change as measured (rounded counts: the least change their rounding allows).
        change: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pct: Option<f64>,
        from: u64,
        to: u64,
        rounded: bool,
    },
    Anomaly {
        metric: Metric,
        /// The last 24 hours' change.
        change: i64,
        /// The median daily change of the 30 days before.
        typical: f64,
        /// Distance from `typical` in scaled median absolute deviations.
        score: f64,
        rounded: bool,
    },
    Live {
        title: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        category: Option<String>,
        viewers: u64,
        started_at: DateTime<Utc>,
    },
    RecordPeak {
        title: String,
        viewers: u64,
        /// The highest peak of the channel's earlier broadcasts.
        previous: u64,
    },
    Missing {
        since: DateTime<Utc>,
    },
    Renamed {
        from: String,
        to: String,
    },
    NewPlatform {
        /// Platforms the creator was already observed on.
        known_on: Vec<Platform>,
    },
}
