//! When to spend a `search.list` call: the day's allowance spread over the Pacific day.
//!
//! The search bucket (100 calls a day since 2026-06-01) resets at midnight Pacific time, 16:00 or
//! 17:00 KST. Spending a call at every live round (2 minutes) empties it about three hours later
//! and leaves Korean prime time without a search. Instead each KST hour has a weight (the busy
//! hours, 18:00–02:00 KST by default, weigh `search_peak_weight`, the others 1) and the calls
//! left are spread evenly over the weight left in the Pacific day: a search is due when the
//! weight since the last one reaches the weight from the last one to the reset divided by the
//! calls left. Between searches the adapter refreshes the last search's broadcasts through
//! `videos.list`. A search is also due when `search_max_gap_minutes` have passed, so the gap
//! stays bounded even after a restart or a slow round. Pure: it takes the time and the counts.

use chrono::{DateTime, Duration, Timelike, Utc};

use super::quota::next_pacific_midnight;
use crate::config::YoutubeConfig;

/// KST is UTC+9 all year (no DST).
const KST_OFFSET_HOURS: i64 = 9;

/// The spread of the day's searches.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchSchedule {
    /// Calls in the day's allowance.
    pub daily: u64,
    pub peak_start_kst: u32,
    pub peak_end_kst: u32,
    pub peak_weight: f64,
    pub max_gap: Duration,
}

impl SearchSchedule {
    pub fn from_config(cfg: &YoutubeConfig) -> SearchSchedule {
        SearchSchedule {
            daily: cfg.search_daily_calls,
            peak_start_kst: cfg.search_peak_start_kst % 24,
            peak_end_kst: cfg.search_peak_end_kst % 24,
            peak_weight: if cfg.search_peak_weight.is_finite() {
                cfg.search_peak_weight.max(1.0)
            } else {
                1.0
            },
            max_gap: Duration::minutes(cfg.search_max_gap_minutes.max(1) as i64),
        }
    }

    /// Whether KST hour `h` is in the busy part of the day.
    fn is_peak(&self, h: u32) -> bool {
        let (s, e) = (self.peak_start_kst, self.peak_end_kst);
        if s <= e {
            (s..e).contains(&h)
        } else {
            h >= s || h < e
        }
    }

    /// The weight of the KST hour containing `t`.
    pub fn weight_at(&self, t: DateTime<Utc>) -> f64 {
        let h = (t + Duration::hours(KST_OFFSET_HOURS)).hour();
        if self.is_peak(h) {
            self.peak_weight
        } else {
            1.0
        }
    }

    /// The weight of `[a, b)`, in weight-hours. KST hours start on UTC hours.
    pub fn weight_between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> f64 {
        let mut t = a;
        let mut total = 0.0;
        while t < b {
            let next_hour = (t + Duration::hours(1))
                .with_minute(0)
                .and_then(|x| x.with_second(0))
                .and_then(|x| x.with_nanosecond(0))
                .unwrap_or(b);
            let end = next_hour.min(b);
            total += self.weight_at(t) * (end - t).num_milliseconds() as f64 / 3_600_000.0;
            t = end;
        }
        total
    }

    /// Whether a search is due at `now`, the last one having been at `last` (`None`: none since
    /// the start), with `used` calls of the Pacific day already spent.
    pub fn due(&self, now: DateTime<Utc>, last: Option<DateTime<Utc>>, used: u64) -> bool {
        let left = self.daily.saturating_sub(used);
        if left == 0 {
            return false;
        }
        let Some(last) = last else {
            return true;
        };
        if now - last >= self.max_gap {
            return true;
        }
        let reset = next_pacific_midnight(now);
        let since = self.weight_between(last, now);
        // `left` calls share the weight from the last search to the reset; the last of them
        // lands at the reset, so the gap across it is one interval, not two.
        since * left as f64 >= self.weight_between(last, reset)
    }

    /// The planned gap at `t` with `left` calls for the rest of the Pacific day (for logs and
    /// docs): how long a search waits when nothing else forces it.
    pub fn planned_gap(&self, t: DateTime<Utc>, left: u64) -> Option<Duration> {
        if left == 0 {
            return None;
        }
        let per_call = self.weight_between(t, next_pacific_midnight(t)) / left as f64;
        let hours = per_call / self.weight_at(t);
        Some(Duration::milliseconds((hours * 3_600_000.0) as i64).min(self.max_gap))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn default() -> SearchSchedule {
        SearchSchedule::from_config(&YoutubeConfig::default())
    }

    #[test]
    fn peak_hours_wrap_past_midnight_kst() {
        let s = default();
        // 09:00 UTC = 18:00 KST (peak), 16:59 UTC = 01:59 KST (peak), 17:00 UTC = 02:00 KST.
        assert_eq!(s.weight_at(at("2026-07-01T09:00:00Z")), 2.0);
        assert_eq!(s.weight_at(at("2026-07-01T16:59:00Z")), 2.0);
        assert_eq!(s.weight_at(at("2026-07-01T17:00:00Z")), 1.0);
        assert_eq!(s.weight_at(at("2026-07-01T08:59:00Z")), 1.0);
        // A whole day: 16 plain hours + 8 busy hours × 2.
        let day = s.weight_between(at("2026-07-01T07:00:00Z"), at("2026-07-02T07:00:00Z"));
        assert!((day - 32.0).abs() < 1e-9, "{day}");
        // Half-hour pieces are counted by the hour they fall in.
        let w = s.weight_between(at("2026-07-01T08:30:00Z"), at("2026-07-01T09:30:00Z"));
        assert!((w - 1.5).abs() < 1e-9, "{w}");
    }

    #[test]
    fn nothing_is_due_without_calls_left_and_the_first_is_at_once() {
        let s = default();
        let now = at("2026-07-01T12:00:00Z");
        assert!(s.due(now, None, 0));
        assert!(!s.due(now, None, 96));
        assert!(!s.due(now, Some(now - Duration::hours(5)), 96));
        // The gap bound forces a call while any are left.
        assert!(s.due(now, Some(now - Duration::minutes(30)), 95));
    }

    #[test]
    fn planned_gaps_at_the_start_of_a_day() {
        let s = default();
        // Midnight PDT = 16:00 KST (plain hour): 96 calls over 32 weight-hours, 20 minutes apart.
        let reset = at("2026-07-01T07:00:00Z");
        assert_eq!(s.planned_gap(reset, 96), Some(Duration::minutes(20)));
        // At 20:00 KST with the same rate left: 10 minutes.
        let evening = at("2026-07-01T11:00:00Z");
        let left_w = s.weight_between(evening, at("2026-07-02T07:00:00Z"));
        let left = (left_w * 3.0).round() as u64;
        assert_eq!(s.planned_gap(evening, left), Some(Duration::minutes(10)));
    }
}
