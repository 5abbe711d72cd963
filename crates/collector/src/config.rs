//! `[collector]`: how often each job runs and how much it does at once.

use std::time::Duration;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct CollectorConfig {
    /// Top live lists of every platform.
    #[serde(with = "humantime_serde")]
    pub live_interval: Duration,
    /// Roster channels: followers and live state.
    #[serde(with = "humantime_serde")]
    pub channels_interval: Duration,
    /// Roster channels' recent videos and their views.
    #[serde(with = "humantime_serde")]
    pub videos_interval: Duration,
    /// Each wait is the interval times a random factor in [1 - jitter, 1 + jitter], so collectors
    /// started together do not hit a platform in lockstep.
    pub jitter: f64,
    /// Channels per write transaction: a crash loses at most one batch in flight.
    pub write_batch: usize,
    /// Requests in flight per platform (the platform's rate limit still applies); overlapping
    /// requests hides latency without asking for more than the limit allows.
    pub concurrency: usize,
    /// Collect videos at all.
    pub videos: bool,
    /// Of each live list (the census reads the whole directory), the broadcasts stored each
    /// round: the top this many by viewers, and every tracked channel's wherever it ranks. The
    /// rest feed the census (tracked channels' live state) without a row per broadcast per round;
    /// 0 stores every broadcast listed.
    pub live_store_top: usize,
}

impl Default for CollectorConfig {
    fn default() -> Self {
        CollectorConfig {
            live_interval: Duration::from_secs(120),
            channels_interval: Duration::from_secs(300),
            videos_interval: Duration::from_secs(6 * 3600),
            jitter: 0.1,
            write_batch: 50,
            concurrency: 4,
            videos: true,
            live_store_top: 240,
        }
    }
}

impl CollectorConfig {
    /// How long an open session may go unseen before a live round closes it: two of the slowest
    /// cadence that can refresh it, so one late round never ends a broadcast.
    pub fn session_grace(&self) -> Duration {
        self.live_interval.max(self.channels_interval) * 2 + Duration::from_secs(60)
    }

    /// How old a live item may be and still be shown as live.
    pub fn live_freshness(&self) -> Duration {
        self.live_interval.max(self.channels_interval) * 2 + Duration::from_secs(30)
    }
}
