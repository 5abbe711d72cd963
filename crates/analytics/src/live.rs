//! Live viewership over a period, from broadcast sessions.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// One broadcast: from `start` to `end` with its average and peak concurrent viewers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SessionSpan {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub avg_viewers: f64,
    pub peak_viewers: u64,
}

/// Live metrics over a period.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct LiveMetrics {
    /// Broadcasts overlapping the period.
    pub streams: u64,
    /// Live time inside the period, in hours.
    pub hours_streamed: f64,
    /// Time-weighted average viewers (`hours_watched / hours_streamed`); `None` without live time.
    pub avg_viewers: Option<f64>,
    pub peak_viewers: Option<u64>,
    /// Σ average viewers × live hours inside the period.
    pub hours_watched: f64,
}

/// Metrics of `sessions` clipped to `[from, to)`. A session listed twice (same start) counts once
/// (the longer copy wins).
pub fn live_metrics(
    sessions: &[SessionSpan],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> LiveMetrics {
    let mut v: Vec<SessionSpan> = sessions.to_vec();
    v.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    v.dedup_by_key(|s| s.start);
    let mut m = LiveMetrics::default();
    for s in &v {
        let start = s.start.max(from);
        let end = s.end.min(to);
        // A session seen once (start == end) inside the period still counts as a stream.
        let overlaps = start < end || (s.start == s.end && s.start >= from && s.start < to);
        if !overlaps {
            continue;
        }
        let hours = (end - start).num_seconds().max(0) as f64 / 3600.0;
        m.streams += 1;
        m.hours_streamed += hours;
        m.hours_watched += s.avg_viewers.max(0.0) * hours;
        m.peak_viewers = Some(m.peak_viewers.unwrap_or(0).max(s.peak_viewers));
    }
    if m.hours_streamed > 0.0 {
        m.avg_viewers = Some(m.hours_watched / m.hours_streamed);
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + chrono::Duration::hours(h)
    }

    #[test]
    fn clipped_and_deduplicated() {
        let a = SessionSpan {
            start: t(10),
            end: t(14),
            avg_viewers: 100.0,
            peak_viewers: 150,
        };
        let b = SessionSpan {
            start: t(20),
            end: t(22),
            avg_viewers: 40.0,
            peak_viewers: 90,
        };
        let m = live_metrics(&[a, b, a], t(12), t(21));
        assert_eq!(m.streams, 2);
        assert!((m.hours_streamed - 3.0).abs() < 1e-9);
        assert!((m.hours_watched - 240.0).abs() < 1e-9);
        assert_eq!(m.peak_viewers, Some(150));
        assert!((m.avg_viewers.unwrap() - 80.0).abs() < 1e-9);
        assert_eq!(live_metrics(&[a], t(0), t(5)), LiveMetrics::default());
    }
}
