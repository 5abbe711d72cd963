//! The quota ledger's persistence: one row per platform and quota day.

use crate::db;
use crate::db::sql;
use chrono::{DateTime, NaiveDate, Utc};
use streamtide_core::Platform;

use crate::{Result, Store};

/// A day's spending as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaDay {
    pub day: NaiveDate,
    pub units_used: u64,
    pub search_calls_used: u64,
    /// `videos.batchGetStats` calls (YouTube's own bucket since 2026-06-03).
    pub stats_calls_used: u64,
    pub blocked_until: Option<DateTime<Utc>>,
    /// Channel feeds that answered no feed this day, the last such answer and when.
    pub feed_faults: u64,
    pub feed_last_fault: Option<String>,
    pub feed_last_fault_at: Option<DateTime<Utc>>,
    /// The last time most feeds of a batch answered.
    pub feed_last_ok_at: Option<DateTime<Utc>>,
}

/// The longest feed fault text kept (a status line, not a page).
const FAULT_CHARS: usize = 200;

impl Store {
    /// Save (replace) a day's spending. Counts only grow within a day, so the larger value wins
    /// if two writers race.
    pub async fn save_quota(
        &self,
        platform: Platform,
        q: &QuotaDay,
        at: DateTime<Utc>,
    ) -> Result<()> {
        db::query(
            sql! {
                sqlite: ("INSERT INTO quota_ledger (platform, day, units_used, search_calls_used, blocked_until, updated_at,
               stats_calls_used, feed_faults, feed_last_fault, feed_last_fault_at, feed_last_ok_at)
             VALUES (" #1 ", " #2 ", " #3 ", " #4 ", " #5 ", " #6 ", " #7 ", " #8 ", " #9 ", " #10 ", " #11 ")
             ON CONFLICT (platform, day) DO UPDATE SET
               units_used = MAX(quota_ledger.units_used, excluded.units_used),
               search_calls_used = MAX(quota_ledger.search_calls_used, excluded.search_calls_used),
               blocked_until = COALESCE(excluded.blocked_until, quota_ledger.blocked_until),
               updated_at = excluded.updated_at,
               stats_calls_used = MAX(quota_ledger.stats_calls_used, excluded.stats_calls_used),
               feed_faults = MAX(quota_ledger.feed_faults, excluded.feed_faults),
               feed_last_fault = COALESCE(excluded.feed_last_fault, quota_ledger.feed_last_fault),
               feed_last_fault_at = COALESCE(excluded.feed_last_fault_at, quota_ledger.feed_last_fault_at),
               feed_last_ok_at = COALESCE(excluded.feed_last_ok_at, quota_ledger.feed_last_ok_at)");
                postgres: ("INSERT INTO quota_ledger (platform, day, units_used, search_calls_used, blocked_until, updated_at,
               stats_calls_used, feed_faults, feed_last_fault, feed_last_fault_at, feed_last_ok_at)
             VALUES (" #1 ", " #2 ", " #3 ", " #4 ", " #5 ", " #6 ", " #7 ", " #8 ", " #9 ", " #10 ", " #11 ")
             ON CONFLICT (platform, day) DO UPDATE SET
               units_used = GREATEST(quota_ledger.units_used, excluded.units_used),
               search_calls_used = GREATEST(quota_ledger.search_calls_used, excluded.search_calls_used),
               blocked_until = COALESCE(excluded.blocked_until, quota_ledger.blocked_until),
               updated_at = excluded.updated_at,
               stats_calls_used = GREATEST(quota_ledger.stats_calls_used, excluded.stats_calls_used),
               feed_faults = GREATEST(quota_ledger.feed_faults, excluded.feed_faults),
               feed_last_fault = COALESCE(excluded.feed_last_fault, quota_ledger.feed_last_fault),
               feed_last_fault_at = COALESCE(excluded.feed_last_fault_at, quota_ledger.feed_last_fault_at),
               feed_last_ok_at = COALESCE(excluded.feed_last_ok_at, quota_ledger.feed_last_ok_at)");
                mysql: ("INSERT INTO quota_ledger (platform, day, units_used, search_calls_used, blocked_until, updated_at,
               stats_calls_used, feed_faults, feed_last_fault, feed_last_fault_at, feed_last_ok_at)
             VALUES (" #1 ", " #2 ", " #3 ", " #4 ", " #5 ", " #6 ", " #7 ", " #8 ", " #9 ", " #10 ", " #11 ")
             ON DUPLICATE KEY UPDATE
               units_used = GREATEST(quota_ledger.units_used, VALUES(units_used)),
               search_calls_used = GREATEST(quota_ledger.search_calls_used, VALUES(search_calls_used)),
               blocked_until = COALESCE(VALUES(blocked_until), quota_ledger.blocked_until),
               updated_at = VALUES(updated_at),
               stats_calls_used = GREATEST(quota_ledger.stats_calls_used, VALUES(stats_calls_used)),
               feed_faults = GREATEST(quota_ledger.feed_faults, VALUES(feed_faults)),
               feed_last_fault = COALESCE(VALUES(feed_last_fault), quota_ledger.feed_last_fault),
               feed_last_fault_at = COALESCE(VALUES(feed_last_fault_at), quota_ledger.feed_last_fault_at),
               feed_last_ok_at = COALESCE(VALUES(feed_last_ok_at), quota_ledger.feed_last_ok_at)");
            },
        )
        .bind(platform.as_str())
        .bind(q.day.to_string())
        .bind(q.units_used as i64)
        .bind(q.search_calls_used as i64)
        .bind(q.blocked_until)
        .bind(at)
        .bind(q.stats_calls_used as i64)
        .bind(q.feed_faults as i64)
        .bind(
            q.feed_last_fault
                .as_deref()
                .map(|f| f.chars().take(FAULT_CHARS).collect::<String>()),
        )
        .bind(q.feed_last_fault_at)
        .bind(q.feed_last_ok_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The most recent saved day of a platform at or before `day`.
    pub async fn load_quota(&self, platform: Platform, day: NaiveDate) -> Result<Option<QuotaDay>> {
        type Row = (
            String,
            i64,
            i64,
            Option<DateTime<Utc>>,
            i64,
            i64,
            Option<String>,
            Option<DateTime<Utc>>,
            Option<DateTime<Utc>>,
        );
        let row: Option<Row> = db::query_as(
            sql!("SELECT day, units_used, search_calls_used, blocked_until, stats_calls_used,
                    feed_faults, feed_last_fault, feed_last_fault_at, feed_last_ok_at
             FROM quota_ledger
             WHERE platform = " #1 " AND day <= " #2 " ORDER BY day DESC LIMIT 1"),
        )
        .bind(platform.as_str())
        .bind(day.to_string())
        .fetch_optional(&self.pool)
        .await?;
        let count = |n: i64| n.max(0) as u64;
        Ok(row.and_then(
            |(d, units, searches, blocked, stats, faults, fault, fault_at, ok_at)| {
                Some(QuotaDay {
                    day: d.parse().ok()?,
                    units_used: count(units),
                    search_calls_used: count(searches),
                    stats_calls_used: count(stats),
                    blocked_until: blocked,
                    feed_faults: count(faults),
                    feed_last_fault: fault,
                    feed_last_fault_at: fault_at,
                    feed_last_ok_at: ok_at,
                })
            },
        ))
    }
}
