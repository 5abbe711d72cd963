//! Per-platform freshness of live items: no stale "live" cards when a platform stops answering.
//!
//! A live session stays open in the store until a successful round of its platform closes it, so
//! during an outage nothing closes it and the API must hide it instead. Each platform is judged by
//! its own cadence: an item is shown only if
//!
//! - it was seen no more than two poll intervals before the platform's last successful poll
//!   (two successful polls that did not see it mean it ended), and
//! - it was seen no more than two intervals plus a small slack before now (a platform whose
//!   polls fail keeps no card longer than that), and
//! - it is not older than a hard cap, whatever the intervals say.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use streamtide_core::Platform;

/// Rounds start late by up to the scheduler's jitter and take time to write; this much slack
/// keeps a healthy platform's items from blinking out just before its next round lands.
pub const SLACK: Duration = Duration::seconds(30);

/// How fresh each platform's live items must be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreshnessPolicy {
    /// How often each platform's live state is refreshed (the slower of its live-list and
    /// channel-status cadences). A platform not listed is judged by the hard cap alone.
    pub intervals: HashMap<Platform, Duration>,
    /// Nothing older than this is shown.
    pub hard_cap: Duration,
}

impl FreshnessPolicy {
    /// The same interval for every platform (today's collector has one cadence for all).
    pub fn uniform(interval: Duration, hard_cap: Duration) -> Self {
        FreshnessPolicy {
            intervals: Platform::ALL.iter().map(|&p| (p, interval)).collect(),
            hard_cap,
        }
    }

    /// The oldest `last_seen_at` an item of `platform` may have at `now`, given the platform's
    /// last successful poll (`None`: it never succeeded, or we do not know).
    pub fn cutoff(
        &self,
        platform: Platform,
        last_success: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> DateTime<Utc> {
        let cap = now - self.hard_cap;
        let Some(&interval) = self.intervals.get(&platform) else {
            return cap;
        };
        let window = interval * 2;
        let by_clock = now - window - SLACK;
        let by_poll = last_success.map_or(cap, |at| at.min(now) - window);
        cap.max(by_clock).max(by_poll)
    }

    /// The cutoff of every platform, from the platforms' last successful polls.
    pub fn cutoffs(
        &self,
        last_success: &HashMap<Platform, DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> HashMap<Platform, DateTime<Utc>> {
        Platform::ALL
            .iter()
            .map(|&p| (p, self.cutoff(p, last_success.get(&p).copied(), now)))
            .collect()
    }

    /// The earliest cutoff of any platform: what a store query can filter on before the exact
    /// per-platform check.
    pub fn earliest(
        &self,
        cutoffs: &HashMap<Platform, DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> DateTime<Utc> {
        cutoffs
            .values()
            .copied()
            .min()
            .unwrap_or(now - self.hard_cap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + Duration::seconds(1_000_000 + secs)
    }

    fn policy() -> FreshnessPolicy {
        let mut p = FreshnessPolicy::uniform(Duration::seconds(120), Duration::minutes(30));
        p.intervals
            .insert(Platform::Youtube, Duration::seconds(600));
        p
    }

    #[test]
    fn a_failing_platform_keeps_nothing_after_two_intervals_while_others_stay() {
        let p = policy();
        let last_ok = at(0);
        let now = at(0) + Duration::seconds(2 * 120) + SLACK + Duration::seconds(1);
        // CHZZK stopped answering at 0; its items were last seen then.
        let chzzk = p.cutoff(Platform::Chzzk, Some(last_ok), now);
        assert!(at(0) < chzzk, "stale CHZZK item still shown");
        // SOOP polled fine a moment ago and saw its item then.
        let soop = p.cutoff(Platform::Soop, Some(now - Duration::seconds(5)), now);
        assert!(now - Duration::seconds(5) >= soop);
        // Before two intervals had passed, CHZZK's item was still shown.
        let earlier = at(0) + Duration::seconds(200);
        assert!(at(0) >= p.cutoff(Platform::Chzzk, Some(last_ok), earlier));
    }

    #[test]
    fn successful_polls_that_no_longer_see_an_item_drop_it() {
        let p = policy();
        let now = at(1000);
        let cutoff = p.cutoff(Platform::Twitch, Some(now), now);
        assert_eq!(cutoff, now - Duration::seconds(240));
        assert!(now - Duration::seconds(241) < cutoff);
    }

    #[test]
    fn slow_platforms_keep_items_longer() {
        let p = policy();
        let now = at(5000);
        let seen = now - Duration::seconds(500);
        assert!(seen >= p.cutoff(Platform::Youtube, Some(now - Duration::seconds(400)), now));
        assert!(seen < p.cutoff(Platform::Twitch, Some(now), now));
    }

    #[test]
    fn hard_cap_and_unknown_platforms() {
        let mut p = policy();
        p.intervals.clear();
        let now = at(0);
        assert_eq!(
            p.cutoff(Platform::Soop, None, now),
            now - Duration::minutes(30)
        );
        let p = FreshnessPolicy::uniform(Duration::hours(10), Duration::minutes(10));
        assert_eq!(
            p.cutoff(Platform::Soop, Some(now), now),
            now - Duration::minutes(10)
        );
        let cutoffs = p.cutoffs(&HashMap::new(), now);
        assert_eq!(p.earliest(&cutoffs, now), now - Duration::minutes(10));
    }

    proptest! {
        #[test]
        fn cutoff_is_within_bounds(interval in 1i64..3600, cap in 1i64..7200, since_ok in proptest::option::of(-100i64..10_000)) {
            let p = FreshnessPolicy::uniform(Duration::seconds(interval), Duration::seconds(cap));
            let now = at(50_000);
            let ok = since_ok.map(|s| now - Duration::seconds(s));
            let c = p.cutoff(Platform::Chzzk, ok, now);
            prop_assert!(c >= now - Duration::seconds(cap));
            prop_assert!(c >= now - Duration::seconds(2 * interval) - SLACK);
            prop_assert!(c <= now);
        }
    }
}
