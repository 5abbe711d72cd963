//! When the digests are due: a local time of day in a time zone, daily or on one weekday.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

/// `HH:MM`, 00:00–23:59.
pub fn parse_time(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M").ok()
}

/// `mon` … `sun` (also full English names, any case).
pub fn parse_weekday(s: &str) -> Option<Weekday> {
    s.trim().parse::<Weekday>().ok()
}

/// The latest instant at or before `now` that is `time` local on a day `due_on` accepts, and the
/// local date it falls on. `None` when no such day lies in the last 8 days.
pub fn last_due(
    now: DateTime<Utc>,
    tz: Tz,
    time: NaiveTime,
    due_on: impl Fn(NaiveDate) -> bool,
) -> Option<(NaiveDate, DateTime<Utc>)> {
    let today = now.with_timezone(&tz).date_naive();
    (0..8).find_map(|back| {
        let day = today - Duration::days(back);
        if !due_on(day) {
            return None;
        }
        // A local time skipped by a DST change is taken an hour later; an ambiguous one early.
        let local = day.and_time(time);
        let at = tz
            .from_local_datetime(&local)
            .earliest()
            .or_else(|| {
                tz.from_local_datetime(&(local + Duration::hours(1)))
                    .earliest()
            })?
            .with_timezone(&Utc);
        (at <= now).then_some((day, at))
    })
}

/// Whether `day` is the weekly digest's weekday.
pub fn is_weekday(day: NaiveDate, weekday: Weekday) -> bool {
    day.weekday() == weekday
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nine_in_seoul_is_midnight_utc() {
        let tz: Tz = "Asia/Seoul".parse().unwrap();
        let t = parse_time("09:00").unwrap();
        let now = Utc.with_ymd_and_hms(2026, 12, 4, 0, 30, 0).unwrap();
        let (day, at) = last_due(now, tz, t, |_| true).unwrap();
        assert_eq!(day, NaiveDate::from_ymd_opt(2026, 12, 4).unwrap());
        assert_eq!(at, Utc.with_ymd_and_hms(2026, 12, 4, 0, 0, 0).unwrap());
        // Just before nine: yesterday's.
        let now = Utc.with_ymd_and_hms(2026, 12, 3, 23, 59, 0).unwrap();
        assert_eq!(
            last_due(now, tz, t, |_| true).unwrap().0,
            NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()
        );
        // Weekly on Monday: 2026-11-30 is a Monday.
        let mon = parse_weekday("mon").unwrap();
        let (day, _) = last_due(now, tz, t, |d| is_weekday(d, mon)).unwrap();
        assert_eq!(day, NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        assert!(parse_time("25:00").is_none() && parse_weekday("funday").is_none());
    }
}
