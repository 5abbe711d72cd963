//! Change of a counter over a period of days.

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use crate::series::{DailyClose, Sample};

/// The periods the API reports, in days.
pub const PERIODS: [u32; 4] = [1, 7, 30, 90];

/// How far before a boundary a close may be and still stand for it: 1 day for periods up to 19
/// days, a tenth of the period beyond (3 days for 30d, 9 for 90d).
pub fn boundary_tolerance_days(days: u32) -> i64 {
    (i64::from(days) / 10).max(1)
}

/// Change of a counter over a period.
///
/// The end is the close of the `as_of` day (or the latest close up to the tolerance before it), the
/// start the close at or before `as_of - days` within the same tolerance; if either is missing the
/// change is unknown (`abs: None`). When either close is a rounded value, `abs` is the rate between
/// the real value changes around the period times its length, and `rounded` is set.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct Change {
    pub abs: Option<i64>,
    /// `abs` relative to the start value, in percent (`None` when the start is 0 or unknown).
    pub pct: Option<f64>,
    pub rounded: bool,
    /// When the history does not reach back to the period's start yet (it began less than the
    /// period ago): the first `as_of` day the change will be known. `None` when the change is
    /// known, or unknown because of a gap in a history that does reach back.
    pub available_from: Option<NaiveDate>,
}

/// The close at or before `day`, at most `tolerance_days` earlier.
pub(crate) fn close_at_or_before(
    closes: &[DailyClose],
    day: NaiveDate,
    tolerance_days: i64,
) -> Option<&DailyClose> {
    let idx = closes.partition_point(|c| c.day <= day);
    let c = closes.get(idx.checked_sub(1)?)?;
    (c.day >= day - Duration::days(tolerance_days)).then_some(c)
}

/// `points` must be normalised (sorted, one per instant) and `closes` their daily closes.
pub(crate) fn change(
    points: &[Sample],
    closes: &[DailyClose],
    as_of: NaiveDate,
    days: u32,
) -> Change {
    let tol = boundary_tolerance_days(days);
    let end = close_at_or_before(closes, as_of, tol);
    let start = close_at_or_before(closes, as_of - Duration::days(i64::from(days)), tol);
    let start_day = as_of - Duration::days(i64::from(days));
    // History that begins after the period's start: not a change yet, and when it will be one.
    let not_yet = || Change {
        available_from: closes
            .first()
            .filter(|first| first.day > start_day)
            .map(|first| first.day + Duration::days(i64::from(days))),
        ..Change::default()
    };
    let (Some(start), Some(end)) = (start, end) else {
        return not_yet();
    };
    if start.day >= end.day {
        return not_yet();
    }
    let pct = |abs: i64| (start.value > 0).then(|| abs as f64 * 100.0 / start.value as f64);
    if !start.rounded && !end.rounded {
        let abs = end.value as i64 - start.value as i64;
        return Change {
            abs: Some(abs),
            pct: pct(abs),
            rounded: false,
            available_from: None,
        };
    }
    let abs = rounded_estimate(points, start, end, days)
        .or_else(|| (end.value != start.value).then(|| end.value as i64 - start.value as i64));
    Change {
        abs,
        pct: abs.and_then(pct),
        rounded: true,
        available_from: None,
    }
}

/// The instants a series' value moved: each point whose value differs from the previous point's.
pub(crate) fn transitions(points: &[Sample]) -> Vec<(chrono::DateTime<chrono::Utc>, u64)> {
    points
        .windows(2)
        .filter_map(|w| match (w[0].value, w[1].value) {
            (Some(a), Some(b)) if a != b => Some((w[1].at, b)),
            _ => None,
        })
        .collect()
}

/// Rate between the real value changes spanning the period, times its length. The last change
/// used is the latest at or before the end close; the first is the latest earlier change at or
/// before the start close, else the earliest change of all (so a period inside one plateau of the
/// rounded figure uses the plateau's own bounding changes). `None` without two such changes.
fn rounded_estimate(
    points: &[Sample],
    start: &DailyClose,
    end: &DailyClose,
    days: u32,
) -> Option<i64> {
    let tr = transitions(points);
    let li = tr.iter().rposition(|(at, _)| *at <= end.at)?;
    let last = tr[li];
    let earlier = &tr[..li];
    let first = earlier
        .iter()
        .rev()
        .find(|(at, _)| *at <= start.at)
        .or_else(|| earlier.first())?;
    let span_days = (last.0 - first.0).num_seconds() as f64 / 86_400.0;
    let rate = (last.1 as f64 - first.1 as f64) / span_days;
    Some((rate * f64::from(days)).round() as i64)
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use chrono_tz::Tz;

    use crate::{round_3sf, Sample, Series};

    fn day(n: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH
            + chrono::Duration::days(20_000 + n)
            + chrono::Duration::hours(12)
    }

    #[test]
    fn exact_changes_and_gaps() {
        let pts: Vec<Sample> = (0..40)
            .map(|d| Sample::new(day(d), 1000 + 10 * d as u64))
            .collect();
        let s = Series::new(&pts, Tz::UTC);
        let last = s.last_day().unwrap();
        let c = s.change(last, 7);
        assert_eq!(c.abs, Some(70));
        assert!(!c.rounded);
        assert_eq!(s.change(last, 90).abs, None, "no history 90 days back");
        assert_eq!(
            s.change(last, 90).available_from,
            Some(s.first_day().unwrap() + chrono::Duration::days(90)),
            "the day the 90-day change becomes known"
        );
        assert_eq!(s.avg_daily_gain(last, 7), Some(10.0));
        assert_eq!(s.acceleration(last), Some(0));

        // A gap over the start boundary longer than the tolerance: unknown, not a jump from 0.
        let gappy: Vec<Sample> = pts
            .iter()
            .copied()
            .filter(|p| !(25..=33).contains(&((p.at - day(0)).num_days())))
            .collect();
        let s = Series::new(&gappy, Tz::UTC);
        assert_eq!(s.change(s.last_day().unwrap(), 7).abs, None);
        assert_eq!(
            s.change(s.last_day().unwrap(), 7).available_from,
            None,
            "a gap in a history that reaches back is not `not yet`"
        );

        // Two minutes of data: no change over any period, each with the day it will be known.
        let minutes = [
            Sample::new(day(0), 1000),
            Sample::new(day(0) + chrono::Duration::minutes(2), 1101),
        ];
        let s = Series::new(&minutes, Tz::UTC);
        let today = s.last_day().unwrap();
        for d in crate::PERIODS {
            let c = s.change(today, d);
            assert_eq!(c.abs, None, "{d}d from two minutes");
            assert_eq!(
                c.available_from,
                Some(today + chrono::Duration::days(i64::from(d)))
            );
        }
    }

    #[test]
    fn rounded_counts_do_not_show_false_zeros() {
        // 1,000,000 gaining 500 a day, shown to 3 significant figures: the figure moves by
        // 10,000 every 20 days.
        let pts: Vec<Sample> = (0..60)
            .flat_map(|d| (0..4).map(move |h| (d, h)))
            .map(|(d, h)| {
                let at = day(d) + chrono::Duration::hours(h * 6);
                let exact =
                    1_000_000 + (500.0 * (at - day(0)).num_seconds() as f64 / 86_400.0) as u64;
                Sample {
                    at,
                    value: Some(round_3sf(exact)),
                    rounded: true,
                }
            })
            .collect();
        let s = Series::new(&pts, Tz::UTC);
        let last = s.last_day().unwrap();
        let c = s.change(last, 1);
        assert!(c.rounded);
        let abs = c.abs.unwrap();
        assert!((400..=600).contains(&abs), "{abs}");
        let c7 = s.change(last, 7).abs.unwrap();
        assert!((2800..=4200).contains(&c7), "{c7}");
    }
}
