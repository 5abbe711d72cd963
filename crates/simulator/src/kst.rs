//! Korea Standard Time helpers.
//!
//! Both platforms print times as `"YYYY-MM-DD HH:MM:SS"` in KST with no zone marker, and streamers'
//! schedules follow the Korean day, so the world cuts days at KST midnight too.

use chrono::{DateTime, FixedOffset, Utc};

const KST_OFFSET_SECS: i64 = 9 * 3600;
const DAY_SECS: i64 = 86_400;

fn kst() -> FixedOffset {
    FixedOffset::east_opt(KST_OFFSET_SECS as i32).expect("+09:00 is a valid UTC offset")
}

/// `"2026-03-01 21:05:00"`, the platforms' time format.
pub(crate) fn fmt(t: DateTime<Utc>) -> String {
    t.with_timezone(&kst())
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// Number of the KST calendar day containing `t`, counted from 1970-01-01 (KST).
pub(crate) fn day_of(t: DateTime<Utc>) -> i64 {
    (t.timestamp() + KST_OFFSET_SECS).div_euclid(DAY_SECS)
}

/// The instant KST day `day` starts (its local midnight).
pub(crate) fn day_start(day: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(day * DAY_SECS - KST_OFFSET_SECS, 0).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn formats_in_kst_and_cuts_days_at_kst_midnight() {
        let t = Utc.with_ymd_and_hms(2026, 1, 1, 14, 59, 59).unwrap();
        assert_eq!(fmt(t), "2026-01-01 23:59:59");
        let next = t + chrono::Duration::seconds(1);
        assert_eq!(fmt(next), "2026-01-02 00:00:00");
        assert_eq!(day_of(next), day_of(t) + 1);
        assert_eq!(day_start(day_of(next)), next);
    }
}
