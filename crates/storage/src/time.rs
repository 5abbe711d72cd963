//! How times are stored: UTC text with whole seconds, so text order is time order.

use chrono::{DateTime, SubsecRound, Utc};

/// Drop sub-second precision (observations are keyed by time; keys must compare exactly).
pub fn truncate_to_second(t: DateTime<Utc>) -> DateTime<Utc> {
    t.trunc_subsecs(0)
}

/// The stored form of a time.
pub fn to_db_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Parse a stored time; `None` for anything unexpected (never panics on old rows).
pub fn from_db_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_order() {
        let t = DateTime::parse_from_rfc3339("2026-01-02T03:04:05.678Z")
            .unwrap()
            .with_timezone(&Utc);
        let s = to_db_time(t);
        assert_eq!(s, "2026-01-02T03:04:05Z");
        assert_eq!(from_db_time(&s), Some(truncate_to_second(t)));
        assert!(to_db_time(t) < to_db_time(t + chrono::Duration::seconds(1)));
    }
}
