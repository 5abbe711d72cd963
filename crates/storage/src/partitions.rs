//! Time partitions of the observation tables on PostgreSQL.
//!
//! `channel_snapshots`, `video_snapshots` and `live_samples` are partitioned by month of
//! `observed_at` there, so a month of raw observations can be dropped as one table instead of
//! deleted row by row. Partitions are made ahead of time (`ensure_partitions`, run by `migrate`
//! and by every thinning pass); a row whose month has no partition lands in the `_default`
//! partition rather than failing. SQLite and MySQL keep plain tables: these calls do nothing there.

use crate::db::sql;
use chrono::{DateTime, Datelike, NaiveDate, Utc};

use crate::db;
use crate::{Backend, Result, Store};

/// The partitioned tables.
pub const PARTITIONED_TABLES: [&str; 3] = ["channel_snapshots", "video_snapshots", "live_samples"];

/// Months made ahead of the current one.
const MONTHS_AHEAD: u32 = 2;

fn month_start(year: i32, month: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MIN)
}

fn next_month(d: NaiveDate) -> NaiveDate {
    if d.month() == 12 {
        month_start(d.year() + 1, 1)
    } else {
        month_start(d.year(), d.month() + 1)
    }
}

/// A month's partition name, e.g. `live_samples_p202611`.
pub fn partition_name(table: &str, month: NaiveDate) -> String {
    format!("{table}_p{:04}{:02}", month.year(), month.month())
}

impl Store {
    /// Create the partitions for the current month and the next ones (PostgreSQL only).
    pub async fn ensure_partitions(&self, now: DateTime<Utc>) -> Result<usize> {
        if self.backend() != Backend::Postgres {
            return Ok(0);
        }
        let mut created = 0;
        let mut month = month_start(now.year(), now.month());
        for _ in 0..=MONTHS_AHEAD {
            let end = next_month(month);
            for table in PARTITIONED_TABLES {
                let name = partition_name(table, month);
                let exists: Option<String> =
                    db::query_scalar(sql!("SELECT CAST(to_regclass(" #1 ") AS TEXT)"))
                        .bind(name.clone())
                        .fetch_one(&self.pool)
                        .await?;
                if exists.is_some() {
                    continue;
                }
                // Bounds are UTC instants, 'YYYY-MM-01T00:00:00Z', read as `timestamptz` (the
                // column's type since migration 0015). They are literals written from the month,
                // not parameters: PostgreSQL's DDL takes none.
                let from = month.format("%Y-%m-%d").to_string();
                let to = end.format("%Y-%m-%d").to_string();
                let sql = db::built!(Backend::Postgres;
                    "CREATE TABLE IF NOT EXISTS " {name} " PARTITION OF " {table} "
                     FOR VALUES FROM ('" {from} "T00:00:00Z') TO ('" {to} "T00:00:00Z')"
                );
                match db::query(sql).execute(&self.pool).await {
                    Ok(_) => created += 1,
                    // Rows of that month already sit in the default partition: leave them there
                    // (they stay readable) rather than fail the caller.
                    Err(e) => {
                        tracing::warn!(partition = %name, error = %e, "Could not create a time partition.")
                    }
                }
            }
            month = end;
        }
        Ok(created)
    }

    /// The monthly partitions that exist, oldest first, as `(table, month start)`.
    pub async fn partitions(&self) -> Result<Vec<(String, NaiveDate)>> {
        if self.backend() != Backend::Postgres {
            return Ok(Vec::new());
        }
        let rows: Vec<(String, String)> = db::query_as(sql!(
            "SELECT CAST(parent.relname AS TEXT), CAST(child.relname AS TEXT)
             FROM pg_inherits
             JOIN pg_class parent ON pg_inherits.inhparent = parent.oid
             JOIN pg_class child ON pg_inherits.inhrelid = child.oid
             WHERE parent.relname IN ('channel_snapshots', 'video_snapshots', 'live_samples')
             ORDER BY 2"
        ))
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for (table, child) in rows {
            let Some(suffix) = child.strip_prefix(&format!("{table}_p")) else {
                continue;
            };
            if let Ok(month) = NaiveDate::parse_from_str(&format!("{suffix}01"), "%Y%m%d") {
                out.push((table, month));
            }
        }
        out.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
        Ok(out)
    }

    /// Drop whole monthly partitions that end on or before `before` (PostgreSQL only): the
    /// cheap way to let raw observations older than a retention horizon go. Returns the names
    /// dropped.
    pub async fn drop_partitions_before(&self, before: DateTime<Utc>) -> Result<Vec<String>> {
        let mut dropped = Vec::new();
        let cutoff = before.date_naive();
        for (table, month) in self.partitions().await? {
            if next_month(month) > cutoff {
                continue;
            }
            let name = partition_name(&table, month);
            db::query(db::built!(Backend::Postgres; "DROP TABLE IF EXISTS " {name}))
                .execute(&self.pool)
                .await?;
            dropped.push(name);
        }
        Ok(dropped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_months() {
        let nov = month_start(2026, 11);
        assert_eq!(partition_name("live_samples", nov), "live_samples_p202611");
        assert_eq!(next_month(nov), month_start(2026, 12));
        assert_eq!(next_month(month_start(2026, 12)), month_start(2027, 1));
    }
}
