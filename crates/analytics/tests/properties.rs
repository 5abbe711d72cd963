//! Every metric against a brute-force computation over random series with gaps, duplicates,
//! out-of-order points and rounded values.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use proptest::prelude::*;
use streamtide_analytics::{
    boundary_tolerance_days, daily_closes, daily_deltas, day_of, live_metrics, next_milestone,
    round_3sf, sum_closes, theil_sen, DailyClose, Sample, Series, SessionSpan, Tz, PERIODS,
};

fn base() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// A random series: a walk observed at random minutes of random days (gaps), with some points
/// repeated (duplicates) and the whole list shuffled (out of order). `rounded` maps values to 3
/// significant figures and flags them.
fn series_strategy(rounded: bool) -> impl Strategy<Value = Vec<Sample>> {
    (
        500u64..3_000_000,
        prop::collection::vec(
            (0i64..120, 0i64..1440, -2_000i64..6_000, any::<bool>()),
            1..160,
        ),
        any::<u64>(),
    )
        .prop_map(move |(start, raw, seed)| {
            let mut pts = Vec::new();
            let mut raw = raw;
            raw.sort_by_key(|r| (r.0, r.1));
            let mut v = start as i64;
            for (d, m, step, dup) in raw {
                v = (v + step).max(0);
                let at = base() + Duration::days(d) + Duration::minutes(m);
                let value = if rounded {
                    round_3sf(v as u64)
                } else {
                    v as u64
                };
                let s = Sample {
                    at,
                    value: Some(value),
                    rounded: rounded && value >= 1000,
                };
                pts.push(s);
                if dup {
                    pts.push(s);
                }
                if m % 17 == 0 {
                    // The platform did not give the figure this time.
                    pts.push(Sample {
                        at: at + Duration::seconds(1),
                        value: None,
                        rounded: false,
                    });
                }
            }
            // Deterministic shuffle.
            let mut x = seed | 1;
            for i in (1..pts.len()).rev() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                pts.swap(i, (x % (i as u64 + 1)) as usize);
            }
            pts
        })
}

/// Brute force: for each day, the valued point with the greatest (time, value, rounded).
fn bf_closes(points: &[Sample], tz: Tz) -> Vec<DailyClose> {
    let mut by_day: BTreeMap<NaiveDate, (DateTime<Utc>, u64, bool)> = BTreeMap::new();
    for p in points {
        let Some(v) = p.value else { continue };
        let d = day_of(p.at, tz);
        let cand = (p.at, v, p.rounded);
        let e = by_day.entry(d).or_insert(cand);
        if cand > *e {
            *e = cand;
        }
    }
    by_day
        .into_iter()
        .map(|(day, (at, value, rounded))| DailyClose {
            day,
            at,
            value,
            rounded,
        })
        .collect()
}

fn bf_close_at_or_before(closes: &[DailyClose], day: NaiveDate, tol: i64) -> Option<DailyClose> {
    let mut best: Option<DailyClose> = None;
    for c in closes {
        if c.day <= day && c.day >= day - Duration::days(tol) && best.is_none_or(|b| c.day > b.day)
        {
            best = Some(*c);
        }
    }
    best
}

/// Brute-force transitions: sorted distinct instants, each with its greatest value, then the
/// instants whose value differs from the previous instant's.
fn bf_transitions(points: &[Sample]) -> Vec<(DateTime<Utc>, u64)> {
    let mut at: BTreeMap<DateTime<Utc>, u64> = BTreeMap::new();
    for p in points {
        if let Some(v) = p.value {
            let e = at.entry(p.at).or_insert(v);
            *e = (*e).max(v);
        }
    }
    let v: Vec<(DateTime<Utc>, u64)> = at.into_iter().collect();
    let mut out = Vec::new();
    for i in 1..v.len() {
        if v[i].1 != v[i - 1].1 {
            out.push(v[i]);
        }
    }
    out
}

fn bf_change(points: &[Sample], tz: Tz, as_of: NaiveDate, days: u32) -> (Option<i64>, bool) {
    let closes = bf_closes(points, tz);
    let tol = boundary_tolerance_days(days);
    let end = bf_close_at_or_before(&closes, as_of, tol);
    let start = bf_close_at_or_before(&closes, as_of - Duration::days(days as i64), tol);
    let (Some(s), Some(e)) = (start, end) else {
        return (None, false);
    };
    if s.day >= e.day {
        return (None, false);
    }
    if !s.rounded && !e.rounded {
        return (Some(e.value as i64 - s.value as i64), false);
    }
    let tr = bf_transitions(points);
    let last = tr
        .iter()
        .filter(|t| t.0 <= e.at)
        .max_by_key(|t| t.0)
        .copied();
    let est = last.and_then(|last| {
        let earlier: Vec<_> = tr.iter().filter(|t| t.0 < last.0).copied().collect();
        let first = earlier
            .iter()
            .filter(|t| t.0 <= s.at)
            .max_by_key(|t| t.0)
            .or_else(|| earlier.iter().min_by_key(|t| t.0))
            .copied()?;
        let span = (last.0 - first.0).num_seconds() as f64 / 86_400.0;
        Some(((last.1 as f64 - first.1 as f64) / span * days as f64).round() as i64)
    });
    let abs = est.or((e.value != s.value).then(|| e.value as i64 - s.value as i64));
    (abs, true)
}

fn bf_median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn closes_and_deltas_match_brute_force(pts in series_strategy(false), seoul in any::<bool>()) {
        let tz: Tz = if seoul { "Asia/Seoul".parse().unwrap() } else { Tz::UTC };
        let closes = daily_closes(&pts, tz);
        prop_assert_eq!(&closes, &bf_closes(&pts, tz));
        let by_day: BTreeMap<NaiveDate, u64> = closes.iter().map(|c| (c.day, c.value)).collect();
        for d in daily_deltas(&closes) {
            let prev = by_day.get(&(d.day - Duration::days(1)));
            prop_assert_eq!(d.delta, prev.map(|p| d.value as i64 - *p as i64));
        }
    }

    #[test]
    fn changes_match_brute_force(pts in series_strategy(false), rounded_pts in series_strategy(true)) {
        for pts in [&pts, &rounded_pts] {
            let tz = Tz::UTC;
            let s = Series::new(pts, tz);
            let Some(last) = s.last_day() else { continue };
            for as_of in [last, last - Duration::days(3), last - Duration::days(20)] {
                for days in PERIODS {
                    let c = s.change(as_of, days);
                    let (abs, rounded) = bf_change(pts, tz, as_of, days);
                    prop_assert_eq!(c.abs, abs, "as_of {} days {}", as_of, days);
                    if abs.is_some() {
                        prop_assert_eq!(c.rounded, rounded);
                    }
                    // A rounded change with an estimate never claims a false 0 from equal figures
                    // alone: 0 only if the real changes around it net to 0.
                    if c.rounded && c.abs == Some(0) {
                        prop_assert!(bf_transitions(pts).len() >= 2 || abs == Some(0));
                    }
                }
                let gain = s.avg_daily_gain(as_of, 7);
                prop_assert_eq!(gain, bf_change(pts, tz, as_of, 7).0.map(|a| a as f64 / 7.0));
                let acc = s.acceleration(as_of);
                let bf_acc = match (bf_change(pts, tz, as_of, 7).0, bf_change(pts, tz, as_of - Duration::days(7), 7).0) {
                    (Some(a), Some(b)) => Some(a - b),
                    _ => None,
                };
                prop_assert_eq!(acc, bf_acc);
            }
        }
    }

    #[test]
    fn order_and_duplicates_do_not_matter(pts in series_strategy(true)) {
        let mut sorted = pts.clone();
        sorted.sort_by_key(|p| (p.at, p.value));
        sorted.dedup();
        let a = Series::new(&pts, Tz::UTC);
        let b = Series::new(&sorted, Tz::UTC);
        prop_assert_eq!(a.closes(), b.closes());
        if let Some(last) = a.last_day() {
            for days in PERIODS {
                prop_assert_eq!(a.change(last, days), b.change(last, days));
            }
            prop_assert_eq!(a.projection(last, 90), b.projection(last, 90));
        }
    }

    #[test]
    fn projection_matches_brute_force_theil_sen(pts in series_strategy(false), window in 30u32..=90) {
        let s = Series::new(&pts, Tz::UTC);
        let Some(last) = s.last_day() else { return Ok(()) };
        let used: Vec<DailyClose> = s
            .closes()
            .iter()
            .copied()
            .filter(|c| c.day > last - Duration::days(window as i64))
            .collect();
        let p = s.projection(last, window);
        if used.len() < 7 {
            prop_assert!(p.is_none());
            return Ok(());
        }
        let p = p.unwrap();
        let xy: Vec<(f64, f64)> = used.iter().map(|c| ((c.day - last).num_days() as f64, c.value as f64)).collect();
        let mut slopes = Vec::new();
        for a in &xy {
            for b in &xy {
                if b.0 > a.0 {
                    slopes.push((b.1 - a.1) / (b.0 - a.0));
                }
            }
        }
        let slope = bf_median(slopes);
        let intercept = bf_median(xy.iter().map(|(x, y)| y - slope * x).collect());
        prop_assert!((p.slope_per_day - slope).abs() < 1e-6);
        prop_assert_eq!(p.points, used.len());
        let expect = |d: f64| (intercept + slope * d).round().max(0.0) as u64;
        prop_assert!(p.in_30d.abs_diff(expect(30.0)) <= 1);
        prop_assert!(p.in_365d.abs_diff(expect(365.0)) <= 1);
        prop_assert_eq!(p.method, format!("theil-sen over {} daily points", used.len()));
        let lastv = used.last().unwrap().value;
        let m = next_milestone(lastv).unwrap();
        prop_assert!(m > lastv);
        prop_assert_eq!(p.next_milestone, Some(m));
        // An ETA exists for a rising series whose milestone the line reaches within the
        // projection's horizon (1e11 s, about 3,000 years); a flat or falling one has none.
        let eta_days = (m as f64 - intercept) / slope;
        let within_horizon = (eta_days.max(0.0) * 86_400.0) < 1e11;
        prop_assert_eq!(p.milestone_eta.is_some(), slope > 0.0 && within_horizon);
        prop_assert_eq!(theil_sen(&xy).map(|t| t.0).is_some(), true);
    }

    #[test]
    fn live_metrics_match_minute_integration(
        raw in prop::collection::vec((0i64..3000, 0i64..600, 0u32..5000, 0u64..9000, any::<bool>()), 0..12),
        from in 0i64..2000,
        len in 1i64..3000,
    ) {
        let t = |m: i64| base() + Duration::minutes(m);
        let mut sessions = Vec::new();
        for (start, dur, avg, peak, dup) in &raw {
            let s = SessionSpan { start: t(*start), end: t(start + dur), avg_viewers: *avg as f64, peak_viewers: *peak };
            sessions.push(s);
            if *dup { sessions.push(s); }
        }
        let m = live_metrics(&sessions, t(from), t(from + len));
        // Brute force: distinct starts (the longest copy), minute by minute.
        let mut by_start: BTreeMap<i64, (i64, u32, u64)> = BTreeMap::new();
        for (start, dur, avg, peak, _) in &raw {
            let e = by_start.entry(*start).or_insert((*dur, *avg, *peak));
            if *dur > e.0 { *e = (*dur, *avg, *peak); }
        }
        let (mut streams, mut minutes, mut watched, mut peak) = (0u64, 0i64, 0f64, None::<u64>);
        for (start, (dur, avg, pk)) in &by_start {
            let inside = (*start..start + dur).filter(|x| *x >= from && *x < from + len).count() as i64;
            let point = *dur == 0 && *start >= from && *start < from + len;
            if inside > 0 || point {
                streams += 1;
                minutes += inside;
                watched += *avg as f64 * inside as f64 / 60.0;
                peak = Some(peak.unwrap_or(0).max(*pk));
            }
        }
        prop_assert_eq!(m.streams, streams);
        prop_assert!((m.hours_streamed - minutes as f64 / 60.0).abs() < 1e-6);
        prop_assert!((m.hours_watched - watched).abs() < 1e-3);
        prop_assert_eq!(m.peak_viewers, peak);
        prop_assert_eq!(m.avg_viewers.is_some(), minutes > 0);
    }

    #[test]
    fn sums_match_brute_force(a in series_strategy(false), b in series_strategy(false)) {
        let ca = daily_closes(&a, Tz::UTC);
        let cb = daily_closes(&b, Tz::UTC);
        let sum = sum_closes(&[ca.clone(), cb.clone()], 2);
        let mut days: Vec<NaiveDate> = ca.iter().chain(cb.iter()).map(|c| c.day).collect();
        days.sort();
        days.dedup();
        let mut expect = Vec::new();
        for d in days {
            if let (Some(x), Some(y)) = (bf_close_at_or_before(&ca, d, 2), bf_close_at_or_before(&cb, d, 2)) {
                expect.push((d, x.value + y.value));
            }
        }
        let got: Vec<(NaiveDate, u64)> = sum.iter().map(|c| (c.day, c.value)).collect();
        prop_assert_eq!(got, expect);
    }
}
