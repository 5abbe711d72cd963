//! The quota ledger's persistence: one row per platform and quota day.

use crate::db;
use chrono::{DateTime, NaiveDate, Utc};
use streamtide_core::Platform;

use crate::time::{from_db_time, to_db_time};
use crate::{Result, Store};

/// A day's spending as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaDay {
    pub day: NaiveDate,
    pub units_used: u64,
    pub search_calls_used: u64,
    pub blocked_until: Option<DateTime<Utc>>,
}

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
            "INSERT INTO quota_ledger (platform, day, units_used, search_calls_used, blocked_until, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (platform, day) DO UPDATE SET
               units_used = GREATEST(quota_ledger.units_used, excluded.units_used),
               search_calls_used = GREATEST(quota_ledger.search_calls_used, excluded.search_calls_used),
               blocked_until = COALESCE(excluded.blocked_until, quota_ledger.blocked_until),
               updated_at = excluded.updated_at",
        )
        .bind(platform.as_str())
        .bind(q.day.to_string())
        .bind(q.units_used as i64)
        .bind(q.search_calls_used as i64)
        .bind(q.blocked_until.map(to_db_time))
        .bind(to_db_time(at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The most recent saved day of a platform at or before `day`.
    pub async fn load_quota(&self, platform: Platform, day: NaiveDate) -> Result<Option<QuotaDay>> {
        let row: Option<(String, i64, i64, Option<String>)> = db::query_as(
            "SELECT day, units_used, search_calls_used, blocked_until FROM quota_ledger
             WHERE platform = ?1 AND day <= ?2 ORDER BY day DESC LIMIT 1",
        )
        .bind(platform.as_str())
        .bind(day.to_string())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.and_then(|(d, units, searches, blocked)| {
            Some(QuotaDay {
                day: d.parse().ok()?,
                units_used: units.max(0) as u64,
                search_calls_used: searches.max(0) as u64,
                blocked_until: blocked.as_deref().and_then(from_db_time),
            })
        }))
    }
}
