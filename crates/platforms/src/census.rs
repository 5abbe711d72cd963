//! The census: the last complete read of a platform's live directory, kept by its adapter.
//!
//! A live round at `live_list_depth = "all"` reads every live broadcast of the platform. The
//! adapter keeps that list, so its channels round can take a tracked channel's live state
//! (viewers, title, category, thumbnail, broadcast id) from it instead of asking a per-channel
//! status endpoint. Only a list read to its end is kept: a channel absent from a list cut at a
//! depth, or cut short by a failure, may still be live. Ages are measured on the adapter's clock,
//! so a test running simulated days sees the census age as the collector does.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use streamtide_core::{Clock, LiveBroadcast};

/// How long a census answers for a channel. The live round reads the directory every
/// `live_interval` (2 minutes by default); a channels round taking the state from a census at most
/// this old is never more than a few rounds behind, and the adapters cross-check it against the
/// channel's own "live now" flag where the platform gives one.
pub const CENSUS_FRESH: Duration = Duration::minutes(10);

/// The last complete directory read of one platform.
#[derive(Debug, Default)]
pub struct Census {
    last: Mutex<Option<Snapshot>>,
}

#[derive(Debug)]
struct Snapshot {
    read_at: DateTime<Utc>,
    by_channel: Arc<HashMap<String, LiveBroadcast>>,
}

impl Census {
    /// Keep `items`, a list read to its end at `read_at`, as the census (replacing the last one).
    pub fn record(&self, items: &[LiveBroadcast], read_at: DateTime<Utc>) {
        let mut by_channel = HashMap::with_capacity(items.len());
        for b in items {
            // A channel listed twice (the list moved while it was paged) keeps its first entry.
            by_channel
                .entry(b.channel_id.as_str().to_string())
                .or_insert_with(|| b.clone());
        }
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        *last = Some(Snapshot {
            read_at,
            by_channel: Arc::new(by_channel),
        });
    }

    /// The census if one at most [`CENSUS_FRESH`] old exists at `clock`'s now: what was live then,
    /// by channel id. `None` says nothing about any channel.
    pub fn fresh(&self, clock: &dyn Clock) -> Option<Arc<HashMap<String, LiveBroadcast>>> {
        self.fresh_within(clock, CENSUS_FRESH)
    }

    /// The census if one at most `max_age` old exists at `clock`'s now.
    pub fn fresh_within(
        &self,
        clock: &dyn Clock,
        max_age: Duration,
    ) -> Option<Arc<HashMap<String, LiveBroadcast>>> {
        let last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        let s = last.as_ref()?;
        let age = clock.now() - s.read_at;
        (age >= Duration::zero() && age <= max_age).then(|| Arc::clone(&s.by_channel))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use streamtide_core::{ChannelId, ManualClock, Platform};

    fn live(id: &str, viewers: u64) -> LiveBroadcast {
        LiveBroadcast {
            platform: Platform::Chzzk,
            channel_id: ChannelId::new(id),
            channel_name: None,
            channel_avatar_url: None,
            broadcast_id: None,
            title: String::new(),
            viewers,
            category_id: None,
            category_name: None,
            tags: Vec::new(),
            thumbnail_url: None,
            started_at: None,
            adult: false,
            language: None,
            url: String::new(),
        }
    }

    #[test]
    fn a_census_answers_while_fresh_and_keeps_a_channels_first_entry() {
        let clock = ManualClock::new(DateTime::from_timestamp(1_700_000_000, 0).unwrap());
        let census = Census::default();
        assert!(census.fresh(&clock).is_none(), "no census yet");
        census.record(&[live("a", 10), live("b", 5), live("a", 3)], clock.now());
        let got = census.fresh(&clock).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got["a"].viewers, 10);
        clock.advance(CENSUS_FRESH);
        assert!(census.fresh(&clock).is_some());
        clock.advance(Duration::seconds(1));
        assert!(census.fresh(&clock).is_none(), "too old");
    }
}
