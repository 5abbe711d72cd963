//! Observations, their normalisation, and daily closing values in a time zone.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use crate::change::{self, Change};
use crate::projection::{self, Projection};

/// One observation of a counter. `value: None` is "not given" (never 0); `rounded` marks a value
/// the platform rounded (so equal values do not prove no change).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    pub at: DateTime<Utc>,
    pub value: Option<u64>,
    pub rounded: bool,
}

impl Sample {
    pub fn new(at: DateTime<Utc>, value: u64) -> Sample {
        Sample {
            at,
            value: Some(value),
            rounded: false,
        }
    }
}

/// The closing value of a day: the value of its latest observation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DailyClose {
    pub day: NaiveDate,
    /// When the closing observation was made.
    pub at: DateTime<Utc>,
    pub value: u64,
    pub rounded: bool,
}

/// A daily close with its change against the previous calendar day (`None` when that day has no
/// close: a gap is not a zero).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DailyDelta {
    pub day: NaiveDate,
    pub value: u64,
    pub delta: Option<i64>,
    pub rounded: bool,
}

/// Whether YouTube rounds a subscriber count of this size (1,000 and more: 3 significant figures).
pub fn youtube_rounded(value: u64) -> bool {
    value >= 1000
}

/// Whether `platform` gives this count rounded, so equal values do not prove no change: YouTube
/// rounds subscriber counts from 1,000 on; the other platforms give exact figures. The one place
/// the rule lives (storage flags rows with it; it does not decide it).
pub fn count_is_rounded(platform: streamtide_core::Platform, value: u64) -> bool {
    platform == streamtide_core::Platform::Youtube && youtube_rounded(value)
}

/// `value` rounded to 3 significant figures (what YouTube shows).
pub fn round_3sf(value: u64) -> u64 {
    if value < 1000 {
        return value;
    }
    let digits = value.ilog10() + 1;
    let unit = 10u64.pow(digits - 3);
    let q = value / unit;
    let r = value % unit;
    let q = if r * 2 >= unit { q + 1 } else { q };
    q * unit
}

/// The calendar day of `at` in `tz`.
pub fn day_of(at: DateTime<Utc>, tz: Tz) -> NaiveDate {
    at.with_timezone(&tz).date_naive()
}

/// `[start, end)` of `day` in `tz`, as UTC instants.
pub fn day_bounds(day: NaiveDate, tz: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
    let start_of = |d: NaiveDate| -> DateTime<Utc> {
        // Midnight can fall in a DST gap in a few zones: take the first instant of the day.
        (0..=3)
            .find_map(|h| {
                tz.from_local_datetime(&d.and_hms_opt(h, 0, 0)?)
                    .earliest()
                    .map(|t| t.with_timezone(&Utc))
            })
            .unwrap_or_else(|| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
    };
    let next = day.succ_opt().unwrap_or(day);
    (start_of(day), start_of(next))
}

/// Points with a value, sorted by time, one per instant (the largest value of an instant's
/// duplicates, so the choice does not depend on input order).
pub fn normalize(points: &[Sample]) -> Vec<Sample> {
    let mut v: Vec<Sample> = points
        .iter()
        .copied()
        .filter(|p| p.value.is_some())
        .collect();
    v.sort_by(|a, b| {
        a.at.cmp(&b.at)
            .then(a.value.cmp(&b.value))
            .then(a.rounded.cmp(&b.rounded))
    });
    let mut out: Vec<Sample> = Vec::with_capacity(v.len());
    for p in v {
        match out.last_mut() {
            Some(last) if last.at == p.at => *last = p,
            _ => out.push(p),
        }
    }
    out
}

/// Closing value of every day that has an observation, oldest first.
pub fn daily_closes(points: &[Sample], tz: Tz) -> Vec<DailyClose> {
    closes_of_normalized(&normalize(points), tz)
}

fn closes_of_normalized(norm: &[Sample], tz: Tz) -> Vec<DailyClose> {
    let mut out: Vec<DailyClose> = Vec::new();
    for p in norm {
        let Some(value) = p.value else { continue };
        let c = DailyClose {
            day: day_of(p.at, tz),
            at: p.at,
            value,
            rounded: p.rounded,
        };
        match out.last_mut() {
            Some(last) if last.day == c.day => *last = c,
            _ => out.push(c),
        }
    }
    out
}

/// Each close with its delta against the previous calendar day's close.
pub fn daily_deltas(closes: &[DailyClose]) -> Vec<DailyDelta> {
    let mut out = Vec::with_capacity(closes.len());
    let mut prev: Option<&DailyClose> = None;
    for c in closes {
        let delta = prev
            .filter(|p| p.day.succ_opt() == Some(c.day))
            .map(|p| c.value as i64 - p.value as i64);
        out.push(DailyDelta {
            day: c.day,
            value: c.value,
            delta,
            rounded: c.rounded || prev.is_some_and(|p| p.rounded && delta.is_some()),
        });
        prev = Some(c);
    }
    out
}

/// Several series' daily closes summed per day (a creator across linked channels). A day is in
/// the sum only when every series has a close at or up to `tolerance_days` before it; otherwise
/// the sum would be a fall that is only a gap.
pub fn sum_closes(series: &[Vec<DailyClose>], tolerance_days: i64) -> Vec<DailyClose> {
    let series: Vec<&Vec<DailyClose>> = series.iter().filter(|s| !s.is_empty()).collect();
    if series.is_empty() {
        return Vec::new();
    }
    let mut days: Vec<NaiveDate> = series
        .iter()
        .flat_map(|s| s.iter().map(|c| c.day))
        .collect();
    days.sort();
    days.dedup();
    let mut out = Vec::new();
    'day: for day in days {
        let mut value = 0u64;
        let mut at = DateTime::<Utc>::UNIX_EPOCH;
        let mut rounded = false;
        for s in &series {
            let Some(c) = change::close_at_or_before(s, day, tolerance_days) else {
                continue 'day;
            };
            value = value.saturating_add(c.value);
            at = at.max(c.at);
            rounded |= c.rounded;
        }
        out.push(DailyClose {
            day,
            at,
            value,
            rounded,
        });
    }
    out
}

/// A normalised series with its daily closes: the entry point of the per-channel metrics.
#[derive(Debug, Clone)]
pub struct Series {
    points: Vec<Sample>,
    closes: Vec<DailyClose>,
}

impl Series {
    /// From raw observations, closing days in `tz`.
    pub fn new(points: &[Sample], tz: Tz) -> Series {
        let points = normalize(points);
        let closes = closes_of_normalized(&points, tz);
        Series { points, closes }
    }

    /// From daily closes already computed (rollups, or a creator's sum).
    pub fn from_closes(closes: &[DailyClose]) -> Series {
        let mut closes = closes.to_vec();
        closes.sort_by_key(|c| c.day);
        closes.dedup_by_key(|c| c.day);
        let points = closes
            .iter()
            .map(|c| Sample {
                at: c.at,
                value: Some(c.value),
                rounded: c.rounded,
            })
            .collect();
        Series { points, closes }
    }

    pub fn points(&self) -> &[Sample] {
        &self.points
    }

    pub fn closes(&self) -> &[DailyClose] {
        &self.closes
    }

    /// The latest observation with a value.
    pub fn latest(&self) -> Option<&Sample> {
        self.points.last()
    }

    /// The day of the latest close (the default "as of" day of every metric).
    pub fn last_day(&self) -> Option<NaiveDate> {
        self.closes.last().map(|c| c.day)
    }

    /// The day of the first close: where the history begins.
    pub fn first_day(&self) -> Option<NaiveDate> {
        self.closes.first().map(|c| c.day)
    }

    /// Change over `days` ending at the close of `as_of` (see [`Change`]).
    pub fn change(&self, as_of: NaiveDate, days: u32) -> Change {
        change::change(&self.points, &self.closes, as_of, days)
    }

    /// Average gain per day over `days` ending at `as_of`.
    pub fn avg_daily_gain(&self, as_of: NaiveDate, days: u32) -> Option<f64> {
        if days == 0 {
            return None;
        }
        self.change(as_of, days).abs.map(|a| a as f64 / days as f64)
    }

    /// The last 7 days' gain minus the 7 days' before.
    pub fn acceleration(&self, as_of: NaiveDate) -> Option<i64> {
        let this = self.change(as_of, 7).abs?;
        let before = self.change(as_of - Duration::days(7), 7).abs?;
        Some(this - before)
    }

    /// A Theil–Sen projection on the closes of the `window_days` days up to `as_of`.
    pub fn projection(&self, as_of: NaiveDate, window_days: u32) -> Option<Projection> {
        let upto: Vec<DailyClose> = self
            .closes
            .iter()
            .copied()
            .filter(|c| c.day <= as_of)
            .collect();
        projection::project(&upto, window_days)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_youtube_counts_from_1000_are_rounded() {
        use streamtide_core::Platform;
        assert!(count_is_rounded(Platform::Youtube, 1000));
        assert!(!count_is_rounded(Platform::Youtube, 999));
        for p in [Platform::Chzzk, Platform::Soop, Platform::Twitch] {
            assert!(!count_is_rounded(p, 1_234_000), "{p}");
        }
    }

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn closes_follow_the_time_zone() {
        let tz: Tz = "Asia/Seoul".parse().unwrap();
        // 14:59Z is 23:59 KST on the 1st; 15:00Z is midnight KST on the 2nd.
        let pts = [
            Sample::new(t("2026-03-01T14:59:00Z"), 10),
            Sample::new(t("2026-03-01T15:00:00Z"), 20),
            Sample::new(t("2026-03-01T10:00:00Z"), 5),
        ];
        let c = daily_closes(&pts, tz);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].day, NaiveDate::from_ymd_opt(2026, 3, 1).unwrap());
        assert_eq!(c[0].value, 10);
        assert_eq!(c[1].value, 20);
        let (s, e) = day_bounds(c[1].day, tz);
        assert_eq!(s, t("2026-03-01T15:00:00Z"));
        assert_eq!(e, t("2026-03-02T15:00:00Z"));
    }

    #[test]
    fn deltas_skip_gaps() {
        let tz = Tz::UTC;
        let pts = [
            Sample::new(t("2026-03-01T12:00:00Z"), 10),
            Sample::new(t("2026-03-02T12:00:00Z"), 15),
            Sample::new(t("2026-03-04T12:00:00Z"), 30),
        ];
        let d = daily_deltas(&daily_closes(&pts, tz));
        assert_eq!(d[0].delta, None);
        assert_eq!(d[1].delta, Some(5));
        assert_eq!(d[2].delta, None);
    }

    #[test]
    fn three_significant_figures() {
        assert_eq!(round_3sf(999), 999);
        assert_eq!(round_3sf(1234), 1230);
        assert_eq!(round_3sf(1235), 1240);
        assert_eq!(round_3sf(1_234_567), 1_230_000);
        assert_eq!(round_3sf(9_996), 10_000);
    }
}
