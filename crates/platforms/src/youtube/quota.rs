//! The YouTube quota ledger: what the day's API calls cost, so we never run the key dry.
//!
//! Costs (`platforms-global.md` §2.1, quota page and revision history as of 2026):
//! - `channels.list`, `videos.list`, `playlistItems.list`: 1 unit each of the main bucket
//!   (10,000 units/day by default), whatever `part` asks for, and per page.
//! - `search.list`: since 2026-06-01, 1 call of its own **Search bucket** (100 calls/day by
//!   default) and no main units; before that it cost 100 units. Our allowance for it is
//!   `search_daily_calls`.
//! - `videos.batchGetStats`: since 2026-06-03, 1 call of its own **stats bucket** (10,000 calls a
//!   day by default) and no main units. Our allowance for it is `stats_daily_calls`.
//! - The channel RSS feed is not the Data API: 0 units. The ledger still counts its faults of the
//!   day (feeds answered 404/5xx/HTML platform-wide for days in 2026), so health can show them.
//!
//! Days are Pacific-time days: Google resets quotas at midnight America/Los_Angeles. The ledger
//! never lets the main bucket go below its `floor` (kept for manual work and retries), and after
//! the API answers `quotaExceeded` / `dailyLimitExceeded` it refuses every call until the next
//! Pacific midnight. It is a trait so a later change can persist it in the store; this module has
//! the in-memory implementation.

use std::sync::Mutex;

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, TimeZone, Utc, Weekday};

/// A priced YouTube Data API method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    Channels,
    Videos,
    PlaylistItems,
    Search,
    /// `videos.batchGetStats` (2026-06-03): statistics only, from its own bucket.
    BatchGetStats,
}

/// The quota buckets of a YouTube Data API project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bucket {
    /// 10,000 units a day for everything not in another bucket.
    Main,
    /// `search.list` calls (100 a day since 2026-06-01).
    Search,
    /// `videos.batchGetStats` calls (10,000 a day since 2026-06-03).
    BatchGetStats,
}

impl Bucket {
    pub const ALL: [Bucket; 3] = [Bucket::Main, Bucket::Search, Bucket::BatchGetStats];

    /// The label used in `/healthz` and `/metrics`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Bucket::Main => "main",
            Bucket::Search => "search",
            Bucket::BatchGetStats => "batch_get_stats",
        }
    }
}

impl Endpoint {
    /// The bucket one call of this endpoint is charged to.
    pub const fn bucket(self) -> Bucket {
        match self {
            Endpoint::Channels | Endpoint::Videos | Endpoint::PlaylistItems => Bucket::Main,
            Endpoint::Search => Bucket::Search,
            Endpoint::BatchGetStats => Bucket::BatchGetStats,
        }
    }

    /// Units of the main (10k) bucket one call costs.
    pub const fn units(self) -> u64 {
        match self {
            Endpoint::Channels | Endpoint::Videos | Endpoint::PlaylistItems => 1,
            // Charged to the separate Search bucket since 2026-06-01, and batchGetStats to its
            // own bucket since 2026-06-03.
            Endpoint::Search | Endpoint::BatchGetStats => 0,
        }
    }

    /// Calls of the Search bucket one call costs.
    pub const fn search_calls(self) -> u64 {
        match self {
            Endpoint::Search => 1,
            _ => 0,
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Endpoint::Channels => "channels.list",
            Endpoint::Videos => "videos.list",
            Endpoint::PlaylistItems => "playlistItems.list",
            Endpoint::Search => "search.list",
            Endpoint::BatchGetStats => "videos.batchGetStats",
        }
    }
}

/// Why the ledger refused a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuotaRefusal {
    /// Spending it would take the main bucket below the floor.
    Floor { used: u64, budget: u64, floor: u64 },
    /// The day's search allowance is used up.
    SearchAllowance { used: u64, allowed: u64 },
    /// The day's `videos.batchGetStats` allowance is used up.
    StatsAllowance { used: u64, allowed: u64 },
    /// The API said the quota is exhausted; calls resume at `until`.
    Exhausted { until: DateTime<Utc> },
}

/// Where the day stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaSnapshot {
    /// The Pacific-time day the counts belong to.
    pub day: NaiveDate,
    pub units_used: u64,
    pub search_calls_used: u64,
    /// Calls of the `videos.batchGetStats` bucket.
    pub stats_calls_used: u64,
    pub blocked_until: Option<DateTime<Utc>>,
    /// Channel feeds that did not answer a feed this day (404, 5xx, HTML, garbage, no answer).
    pub feed_faults: u64,
    /// The last feed fault of the day, e.g. `HTTP 404`, and when it happened.
    pub feed_last_fault: Option<String>,
    pub feed_last_fault_at: Option<DateTime<Utc>>,
    /// The last time a feed answered a feed.
    pub feed_last_ok_at: Option<DateTime<Utc>>,
}

impl QuotaSnapshot {
    /// An empty record of `day`.
    pub fn empty(day: NaiveDate) -> QuotaSnapshot {
        QuotaSnapshot {
            day,
            units_used: 0,
            search_calls_used: 0,
            stats_calls_used: 0,
            blocked_until: None,
            feed_faults: 0,
            feed_last_fault: None,
            feed_last_fault_at: None,
            feed_last_ok_at: None,
        }
    }

    /// Use of one bucket.
    pub fn used(&self, bucket: Bucket) -> u64 {
        match bucket {
            Bucket::Main => self.units_used,
            Bucket::Search => self.search_calls_used,
            Bucket::BatchGetStats => self.stats_calls_used,
        }
    }

    /// Whether the feeds are failing now: in the last batch of feeds, at least half failed.
    pub fn feeds_failing(&self) -> bool {
        match (self.feed_last_fault_at, self.feed_last_ok_at) {
            (Some(fault), Some(ok)) => fault > ok,
            (Some(_), None) => true,
            _ => false,
        }
    }
}

/// What one channel feed request gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedOutcome {
    Ok,
    /// Not a feed: `HTTP 404`, `HTTP 503`, `not a feed (HTML)`, `no answer`, …
    Fault(String),
}

/// The day's spending. Implementations must be cheap and thread-safe.
pub trait QuotaLedger: Send + Sync + 'static {
    /// Reserve the cost of one call of `endpoint` at `now`, or refuse it.
    fn try_spend(&self, endpoint: Endpoint, now: DateTime<Utc>) -> Result<(), QuotaRefusal>;
    /// The API answered quotaExceeded at `now`: refuse everything until the Pacific reset.
    fn mark_exhausted(&self, now: DateTime<Utc>);
    /// The day's figures at `now` (after any reset).
    fn snapshot(&self, now: DateTime<Utc>) -> QuotaSnapshot;
    /// Count what the channel feeds answered (they cost no quota; health shows their faults).
    fn record_feeds(&self, ok: u64, faults: u64, last_fault: Option<&str>, now: DateTime<Utc>);
    /// The day's allowance of `bucket` (what `try_spend` lets through, floor included).
    fn allowance(&self, bucket: Bucket) -> u64;
}

/// A ledger held in memory (lost on restart: the day then starts from zero).
#[derive(Debug)]
pub struct InMemoryLedger {
    budget: u64,
    floor: u64,
    search_calls: u64,
    stats_calls: u64,
    day: Mutex<QuotaSnapshot>,
}

/// `videos.batchGetStats` calls a day (its own bucket since 2026-06-03).
pub const DEFAULT_STATS_DAILY_CALLS: u64 = 10_000;

impl InMemoryLedger {
    pub fn new(daily_budget: u64, floor: u64, search_daily_calls: u64) -> InMemoryLedger {
        InMemoryLedger {
            budget: daily_budget,
            floor,
            search_calls: search_daily_calls,
            stats_calls: DEFAULT_STATS_DAILY_CALLS,
            day: Mutex::new(QuotaSnapshot::empty(NaiveDate::MIN)),
        }
    }

    /// A ledger with every bucket sized from the configuration.
    pub fn from_config(cfg: &crate::config::YoutubeConfig) -> InMemoryLedger {
        InMemoryLedger::new(cfg.daily_budget, cfg.floor, cfg.search_daily_calls)
            .with_stats_calls(cfg.stats_daily_calls)
    }

    /// Size the `videos.batchGetStats` bucket (default [`DEFAULT_STATS_DAILY_CALLS`]).
    pub fn with_stats_calls(mut self, calls: u64) -> InMemoryLedger {
        self.stats_calls = calls;
        self
    }

    /// Continue from a saved day (after a restart). A snapshot of an older day only carries its
    /// block, if that is still in force; the counts start again on the new day.
    pub fn restore(&self, saved: QuotaSnapshot) {
        let mut d = self.day.lock().unwrap_or_else(|e| e.into_inner());
        *d = saved;
    }

    /// Lock the day's record, starting a fresh one when `now` is in a new Pacific day.
    fn today(&self, now: DateTime<Utc>) -> std::sync::MutexGuard<'_, QuotaSnapshot> {
        let mut d = self.day.lock().unwrap_or_else(|e| e.into_inner());
        let today = pacific_day(now);
        if d.day != today {
            let blocked = d.blocked_until.filter(|t| *t > now);
            // The feeds' last answers carry over: a fault in force stays visible after the reset.
            let (fault, fault_at, ok_at) = (
                d.feed_last_fault.take(),
                d.feed_last_fault_at,
                d.feed_last_ok_at,
            );
            *d = QuotaSnapshot {
                blocked_until: blocked,
                feed_last_fault: fault,
                feed_last_fault_at: fault_at,
                feed_last_ok_at: ok_at,
                ..QuotaSnapshot::empty(today)
            };
        }
        if d.blocked_until.is_some_and(|t| t <= now) {
            d.blocked_until = None;
        }
        d
    }
}

impl QuotaLedger for InMemoryLedger {
    fn try_spend(&self, endpoint: Endpoint, now: DateTime<Utc>) -> Result<(), QuotaRefusal> {
        let mut d = self.today(now);
        if let Some(until) = d.blocked_until {
            return Err(QuotaRefusal::Exhausted { until });
        }
        let units = endpoint.units();
        if units > 0 && d.units_used + units > self.budget.saturating_sub(self.floor) {
            return Err(QuotaRefusal::Floor {
                used: d.units_used,
                budget: self.budget,
                floor: self.floor,
            });
        }
        let searches = endpoint.search_calls();
        if searches > 0 && d.search_calls_used + searches > self.search_calls {
            return Err(QuotaRefusal::SearchAllowance {
                used: d.search_calls_used,
                allowed: self.search_calls,
            });
        }
        let stats = u64::from(endpoint.bucket() == Bucket::BatchGetStats);
        if stats > 0 && d.stats_calls_used + stats > self.stats_calls {
            return Err(QuotaRefusal::StatsAllowance {
                used: d.stats_calls_used,
                allowed: self.stats_calls,
            });
        }
        d.units_used += units;
        d.search_calls_used += searches;
        d.stats_calls_used += stats;
        Ok(())
    }

    fn record_feeds(&self, ok: u64, faults: u64, last_fault: Option<&str>, now: DateTime<Utc>) {
        let mut d = self.today(now);
        d.feed_faults += faults;
        if faults > 0 {
            d.feed_last_fault = last_fault.map(str::to_string).or(d.feed_last_fault.take());
            d.feed_last_fault_at = Some(now);
        }
        // The feeds count as failing while at least half of a batch's feeds fail: one channel
        // without a feed is not an outage, half of them is.
        if ok > faults {
            d.feed_last_ok_at = Some(now);
        }
    }

    fn allowance(&self, bucket: Bucket) -> u64 {
        match bucket {
            Bucket::Main => self.budget.saturating_sub(self.floor),
            Bucket::Search => self.search_calls,
            Bucket::BatchGetStats => self.stats_calls,
        }
    }

    fn mark_exhausted(&self, now: DateTime<Utc>) {
        let mut d = self.today(now);
        d.blocked_until = Some(next_pacific_midnight(now));
    }

    fn snapshot(&self, now: DateTime<Utc>) -> QuotaSnapshot {
        self.today(now).clone()
    }
}

/// The n-th (1-based) `weekday` of a month.
fn nth_weekday(year: i32, month: u32, weekday: Weekday, n: u32) -> NaiveDate {
    let first = NaiveDate::from_ymd_opt(year, month, 1).unwrap_or_default();
    let shift = (7 + weekday.num_days_from_monday() - first.weekday().num_days_from_monday()) % 7;
    first + Duration::days(i64::from(shift + 7 * (n - 1)))
}

/// The UTC offset of America/Los_Angeles at `t`: PDT (−7) from the second Sunday of March
/// 02:00 PST to the first Sunday of November 02:00 PDT, PST (−8) otherwise (US rules since 2007).
pub fn pacific_offset(t: DateTime<Utc>) -> FixedOffset {
    let year = t.year();
    // 02:00 PST = 10:00 UTC; 02:00 PDT = 09:00 UTC.
    let start = nth_weekday(year, 3, Weekday::Sun, 2)
        .and_hms_opt(10, 0, 0)
        .map(|n| Utc.from_utc_datetime(&n));
    let end = nth_weekday(year, 11, Weekday::Sun, 1)
        .and_hms_opt(9, 0, 0)
        .map(|n| Utc.from_utc_datetime(&n));
    let dst = matches!((start, end), (Some(s), Some(e)) if t >= s && t < e);
    let hours = if dst { -7 } else { -8 };
    FixedOffset::east_opt(hours * 3600).expect("-7/-8 hours is a valid offset")
}

/// The Pacific-time calendar day of `t`.
pub fn pacific_day(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&pacific_offset(t)).date_naive()
}

/// The first instant of the Pacific day after the one containing `t`.
pub fn next_pacific_midnight(t: DateTime<Utc>) -> DateTime<Utc> {
    let tomorrow = pacific_day(t) + Duration::days(1);
    let naive = tomorrow.and_hms_opt(0, 0, 0).unwrap_or_default();
    // The offset at midnight can differ from now's (DST never switches at midnight, but the
    // offset of the day after a switch does): try both and take the one that lands on midnight.
    for hours in [8, 7] {
        let candidate = Utc.from_utc_datetime(&(naive + Duration::hours(hours)));
        if pacific_day(candidate) == tomorrow
            && candidate.with_timezone(&pacific_offset(candidate)).time() == chrono::NaiveTime::MIN
        {
            return candidate;
        }
    }
    Utc.from_utc_datetime(&(naive + Duration::hours(8)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn pacific_days_follow_dst() {
        // Winter: PST, UTC−8.
        assert_eq!(
            pacific_day(at("2026-01-15T07:59:59Z")).to_string(),
            "2026-01-14"
        );
        assert_eq!(
            pacific_day(at("2026-01-15T08:00:00Z")).to_string(),
            "2026-01-15"
        );
        // Summer: PDT, UTC−7.
        assert_eq!(
            pacific_day(at("2026-07-01T06:59:59Z")).to_string(),
            "2026-06-30"
        );
        assert_eq!(
            pacific_day(at("2026-07-01T07:00:00Z")).to_string(),
            "2026-07-01"
        );
        // 2026 switches: Sunday 8 March and Sunday 1 November.
        assert_eq!(
            pacific_offset(at("2026-03-08T09:59:59Z")).local_minus_utc(),
            -8 * 3600
        );
        assert_eq!(
            pacific_offset(at("2026-03-08T10:00:00Z")).local_minus_utc(),
            -7 * 3600
        );
        assert_eq!(
            pacific_offset(at("2026-11-01T08:59:59Z")).local_minus_utc(),
            -7 * 3600
        );
        assert_eq!(
            pacific_offset(at("2026-11-01T09:00:00Z")).local_minus_utc(),
            -8 * 3600
        );
        assert_eq!(
            next_pacific_midnight(at("2026-01-15T12:00:00Z")),
            at("2026-01-16T08:00:00Z")
        );
        assert_eq!(
            next_pacific_midnight(at("2026-07-15T12:00:00Z")),
            at("2026-07-16T07:00:00Z")
        );
        // The night DST starts: 7 March PST → midnight of 8 March is still PST.
        assert_eq!(
            next_pacific_midnight(at("2026-03-07T20:00:00Z")),
            at("2026-03-08T08:00:00Z")
        );
        // The day DST starts, midnight of 9 March is PDT.
        assert_eq!(
            next_pacific_midnight(at("2026-03-08T20:00:00Z")),
            at("2026-03-09T07:00:00Z")
        );
        assert_eq!(
            next_pacific_midnight(at("2026-11-01T20:00:00Z")),
            at("2026-11-02T08:00:00Z")
        );
    }

    #[test]
    fn never_passes_its_floor() {
        let l = InMemoryLedger::new(10, 3, 2);
        let now = at("2026-03-04T12:00:00Z");
        for _ in 0..7 {
            l.try_spend(Endpoint::Videos, now).unwrap();
        }
        assert!(matches!(
            l.try_spend(Endpoint::Channels, now),
            Err(QuotaRefusal::Floor {
                used: 7,
                budget: 10,
                floor: 3
            })
        ));
        assert_eq!(l.snapshot(now).units_used, 7);
        // Searches use their own allowance, not the units.
        l.try_spend(Endpoint::Search, now).unwrap();
        l.try_spend(Endpoint::Search, now).unwrap();
        assert!(matches!(
            l.try_spend(Endpoint::Search, now),
            Err(QuotaRefusal::SearchAllowance {
                used: 2,
                allowed: 2
            })
        ));
        // A floor above the budget allows nothing.
        let none = InMemoryLedger::new(5, 10, 0);
        assert!(none.try_spend(Endpoint::Channels, now).is_err());
        assert!(none.try_spend(Endpoint::Search, now).is_err());
    }

    #[test]
    fn resets_at_pacific_midnight() {
        let l = InMemoryLedger::new(3, 0, 1);
        // 23:30 PST on 3 March.
        let late = at("2026-03-04T07:30:00Z");
        for _ in 0..3 {
            l.try_spend(Endpoint::Channels, late).unwrap();
        }
        l.try_spend(Endpoint::Search, late).unwrap();
        assert!(l.try_spend(Endpoint::Channels, late).is_err());
        // Still 3 March in California at 07:59 UTC.
        assert!(l
            .try_spend(Endpoint::Channels, at("2026-03-04T07:59:59Z"))
            .is_err());
        // Midnight PST = 08:00 UTC: a new day.
        let fresh = at("2026-03-04T08:00:00Z");
        l.try_spend(Endpoint::Channels, fresh).unwrap();
        l.try_spend(Endpoint::Search, fresh).unwrap();
        let s = l.snapshot(fresh);
        assert_eq!((s.units_used, s.search_calls_used), (1, 1));
        assert_eq!(s.day.to_string(), "2026-03-04");
    }

    #[test]
    fn quota_exceeded_stops_calls_until_the_reset() {
        let l = InMemoryLedger::new(10_000, 1_000, 100);
        let now = at("2026-07-10T18:00:00Z");
        l.try_spend(Endpoint::Videos, now).unwrap();
        l.mark_exhausted(now);
        let until = at("2026-07-11T07:00:00Z");
        for e in [Endpoint::Channels, Endpoint::Videos, Endpoint::Search] {
            assert_eq!(l.try_spend(e, now), Err(QuotaRefusal::Exhausted { until }));
        }
        assert!(l
            .try_spend(Endpoint::Channels, at("2026-07-11T06:59:59Z"))
            .is_err());
        l.try_spend(Endpoint::Channels, until).unwrap();
        assert_eq!(l.snapshot(until).blocked_until, None);
    }
}
