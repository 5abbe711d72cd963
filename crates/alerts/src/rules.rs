//! The pure decisions of the rules, honest about counts a platform rounds.
//!
//! YouTube shows subscriber counts from 1,000 on to three significant figures. A rounded count
//! stands for an interval of real values, so a rule decides on the least favourable one: a
//! milestone counts once the count's rounding can no longer explain it, and a change once it
//! passes the threshold after taking away what rounding can explain. A rounding step alone never
//! alerts.

use streamtide_analytics::count_is_rounded;
use streamtide_core::Platform;

use crate::config::Direction;
use crate::message::direction_allows;

/// How far a displayed count can be from the real one: half the unit of its third significant
/// figure when the platform rounds it, else 0.
pub fn rounding_slack(platform: Platform, value: u64) -> u64 {
    if !count_is_rounded(platform, value) {
        return 0;
    }
    let digits = value.ilog10() + 1;
    10u64.pow(digits.saturating_sub(3)) / 2
}

/// The least real value a displayed count can stand for.
fn least(platform: Platform, value: u64) -> u64 {
    value.saturating_sub(rounding_slack(platform, value))
}

/// The round numbers: 100, 500, 1,000, 5,000, … (1 and 5 × 10ⁿ).
fn round_milestones() -> impl Iterator<Item = u64> {
    (2..=19u32).flat_map(|e| {
        let p = 10u64.pow(e);
        [Some(p), p.checked_mul(5)].into_iter().flatten()
    })
}

/// The highest milestone passed going from `before` to `now` (both displayed counts), or `None`.
/// `explicit` replaces the round numbers when not empty.
pub fn milestone_crossed(
    platform: Platform,
    before: u64,
    now: u64,
    explicit: &[u64],
) -> Option<u64> {
    let (b, n) = (least(platform, before), least(platform, now));
    if n <= b {
        return None;
    }
    let crossed = |m: &u64| b < *m && *m <= n;
    if explicit.is_empty() {
        round_milestones().filter(crossed).max()
    } else {
        explicit.iter().copied().filter(crossed).max()
    }
}

/// A change between two displayed counts, shrunk toward 0 by what their rounding can explain.
pub fn honest_change(platform: Platform, from: u64, to: u64) -> i64 {
    let raw = to as i128 - from as i128;
    let slack =
        i128::from(rounding_slack(platform, from)) + i128::from(rounding_slack(platform, to));
    let shrunk = raw.signum() * (raw.abs() - slack).max(0);
    shrunk.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

/// Whether a change passes a change rule: its direction, and `threshold` (absolute) or
/// `threshold_pct` (of `from`); either one passing is enough.
pub fn change_alerts(
    change: i64,
    from: u64,
    direction: Direction,
    threshold: Option<u64>,
    threshold_pct: Option<f64>,
) -> bool {
    if !direction_allows(direction, change as f64) {
        return false;
    }
    let abs_ok = threshold.is_some_and(|t| change.unsigned_abs() >= t);
    let pct_ok = threshold_pct
        .is_some_and(|p| from > 0 && (change.unsigned_abs() as f64) * 100.0 / from as f64 >= p);
    abs_ok || pct_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_counts_cross_at_the_number() {
        let c = Platform::Chzzk;
        assert_eq!(
            milestone_crossed(c, 999_999, 1_000_000, &[]),
            Some(1_000_000)
        );
        assert_eq!(
            milestone_crossed(c, 480_000, 1_200_000, &[]),
            Some(1_000_000)
        );
        assert_eq!(milestone_crossed(c, 1_000_000, 1_000_400, &[]), None);
        assert_eq!(milestone_crossed(c, 1_000_400, 999_000, &[]), None);
        assert_eq!(
            milestone_crossed(c, 9_990, 12_000, &[12_345, 11_000]),
            Some(11_000)
        );
        assert_eq!(milestone_crossed(c, 90, 120, &[]), Some(100));
    }

    #[test]
    fn a_rounding_step_is_not_a_milestone() {
        let y = Platform::Youtube;
        // 995,000 shows as 1.00M under round-to-nearest: not yet proof of a million.
        assert_eq!(milestone_crossed(y, 990_000, 1_000_000, &[]), None);
        // 1.01M is: its least real value is 1,005,000.
        assert_eq!(
            milestone_crossed(y, 1_000_000, 1_010_000, &[]),
            Some(1_000_000)
        );
        // Below 1,000 YouTube is exact.
        assert_eq!(milestone_crossed(y, 499, 500, &[]), Some(500));
    }

    #[test]
    fn changes_of_rounded_counts_are_shrunk() {
        let y = Platform::Youtube;
        assert_eq!(honest_change(y, 1_230_000, 1_240_000), 0);
        assert_eq!(honest_change(y, 1_240_000, 1_230_000), 0);
        assert_eq!(honest_change(y, 1_230_000, 1_200_000), -20_000);
        assert_eq!(honest_change(Platform::Soop, 1_230_000, 1_240_000), 10_000);
    }

    #[test]
    fn thresholds_and_directions() {
        assert!(change_alerts(
            -5_000,
            100_000,
            Direction::Down,
            Some(5_000),
            None
        ));
        assert!(!change_alerts(
            -5_000,
            100_000,
            Direction::Up,
            Some(5_000),
            None
        ));
        assert!(!change_alerts(
            4_999,
            100_000,
            Direction::Both,
            Some(5_000),
            None
        ));
        assert!(change_alerts(
            4_999,
            100_000,
            Direction::Both,
            Some(5_000),
            Some(4.0)
        ));
        assert!(!change_alerts(0, 100_000, Direction::Both, Some(0), None));
        assert!(!change_alerts(10, 0, Direction::Both, None, Some(1.0)));
    }
}
