//! Where a counter is heading: a Theil–Sen line through recent daily closes.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::series::DailyClose;

/// No projection from fewer daily closes than this.
pub const MIN_PROJECTION_POINTS: usize = 7;

/// A forecast from a robust linear fit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Projection {
    /// How it was made, e.g. `theil-sen over 30 daily points`.
    pub method: String,
    /// Daily closes the fit used.
    pub points: usize,
    pub slope_per_day: f64,
    /// Expected value 30, 90 and 365 days after the last close (never below 0).
    pub in_30d: u64,
    pub in_90d: u64,
    pub in_365d: u64,
    /// The next round number above the last close.
    pub next_milestone: Option<u64>,
    /// When the line reaches it; `None` when the slope is not positive.
    pub milestone_eta: Option<DateTime<Utc>>,
}

/// Theil–Sen estimate of `y = intercept + slope·x`: the slope is the median of the pairwise slopes
/// (pairs with equal x skipped), the intercept the median of `y − slope·x`. `None` with fewer than
/// two distinct x.
pub fn theil_sen(xy: &[(f64, f64)]) -> Option<(f64, f64)> {
    let mut slopes = Vec::with_capacity(xy.len() * xy.len().saturating_sub(1) / 2);
    for (i, a) in xy.iter().enumerate() {
        for b in &xy[i + 1..] {
            if b.0 != a.0 {
                slopes.push((b.1 - a.1) / (b.0 - a.0));
            }
        }
    }
    let slope = median(&mut slopes)?;
    let mut residuals: Vec<f64> = xy.iter().map(|(x, y)| y - slope * x).collect();
    let intercept = median(&mut residuals)?;
    Some((slope, intercept))
}

fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

/// The next round number strictly above `value`: 100, 500, 1k, 5k, 10k, 50k, ... (1 and 5 times a
/// power of ten).
pub fn next_milestone(value: u64) -> Option<u64> {
    let mut p: u64 = 100;
    loop {
        if p > value {
            return Some(p);
        }
        let five = p.checked_mul(5)?;
        if five > value {
            return Some(five);
        }
        p = p.checked_mul(10)?;
    }
}

/// A projection from the closes of the last `window_days` days (counted back from the last close),
/// or `None` with fewer than [`MIN_PROJECTION_POINTS`] of them.
pub fn project(closes: &[DailyClose], window_days: u32) -> Option<Projection> {
    let last = closes.iter().max_by_key(|c| c.day)?;
    let first_day = last.day - Duration::days(i64::from(window_days.max(1)) - 1);
    let mut used: Vec<&DailyClose> = closes.iter().filter(|c| c.day >= first_day).collect();
    used.sort_by_key(|c| c.day);
    used.dedup_by_key(|c| c.day);
    if used.len() < MIN_PROJECTION_POINTS {
        return None;
    }
    let xy: Vec<(f64, f64)> = used
        .iter()
        .map(|c| ((c.day - last.day).num_days() as f64, c.value as f64))
        .collect();
    let (slope, intercept) = theil_sen(&xy)?;
    let at = |days: f64| -> u64 {
        let v = intercept + slope * days;
        if v.is_finite() {
            v.round().max(0.0) as u64
        } else {
            0
        }
    };
    let next = next_milestone(last.value);
    let eta = next.filter(|_| slope > 0.0).and_then(|m| {
        let days = ((m as f64 - intercept) / slope).max(0.0);
        let secs = days * 86_400.0;
        (secs.is_finite() && secs < 1e11).then(|| last.at + Duration::seconds(secs.round() as i64))
    });
    Some(Projection {
        method: format!("theil-sen over {} daily points", used.len()),
        points: used.len(),
        slope_per_day: slope,
        in_30d: at(30.0),
        in_90d: at(90.0),
        in_365d: at(365.0),
        next_milestone: next,
        milestone_eta: eta,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn milestones() {
        assert_eq!(next_milestone(0), Some(100));
        assert_eq!(next_milestone(100), Some(500));
        assert_eq!(next_milestone(999), Some(1000));
        assert_eq!(next_milestone(1000), Some(5000));
        assert_eq!(next_milestone(7_000), Some(10_000));
        assert_eq!(next_milestone(640_000), Some(1_000_000));
    }

    #[test]
    fn robust_to_an_outlier() {
        let d0 = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let mut closes: Vec<DailyClose> = (0..30)
            .map(|i| DailyClose {
                day: d0 + Duration::days(i),
                at: (d0 + Duration::days(i))
                    .and_hms_opt(12, 0, 0)
                    .unwrap()
                    .and_utc(),
                value: 10_000 + 100 * i as u64,
                rounded: false,
            })
            .collect();
        closes[10].value = 1; // a broken reading
        let p = project(&closes, 90).unwrap();
        assert!((p.slope_per_day - 100.0).abs() < 1e-9);
        assert_eq!(p.in_30d, 12_900 + 3_000);
        assert_eq!(p.next_milestone, Some(50_000));
        assert_eq!(p.method, "theil-sen over 30 daily points");
        let eta = p.milestone_eta.unwrap();
        assert_eq!((eta - closes[29].at).num_days(), (50_000 - 12_900) / 100);
        assert!(project(&closes[..6], 90).is_none());
        let falling: Vec<DailyClose> = closes
            .iter()
            .map(|c| DailyClose {
                value: 100_000 - c.value,
                ..*c
            })
            .collect();
        assert_eq!(project(&falling, 90).unwrap().milestone_eta, None);
    }
}
