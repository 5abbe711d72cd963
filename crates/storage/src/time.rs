//! How instants are stored. PostgreSQL keeps them as `timestamptz` and MariaDB as `DATETIME(6)`
//! in UTC (migration 0015 of each); SQLite, which has no time type, keeps UTC text with whole
//! seconds, `YYYY-MM-DDTHH:MM:SSZ`: text order is time order, so its indexes and comparisons
//! work as on the servers, and a row reads plainly in the `sqlite3` shell. Every engine holds
//! whole seconds (the store binds instants through [`crate::db`], which truncates them), so a
//! key compares equal whichever engine wrote it.
//!
//! The text form is also what the store writes where a time is a value of a text column (a
//! setting) and what the alert engine puts in event keys.

use chrono::{DateTime, SubsecRound, Utc};

/// Drop sub-second precision (observations are keyed by time; keys must compare exactly).
pub fn truncate_to_second(t: DateTime<Utc>) -> DateTime<Utc> {
    t.trunc_subsecs(0)
}

/// The text form of an instant (SQLite's stored form).
pub fn to_db_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Parse the text form; `None` for anything else.
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
