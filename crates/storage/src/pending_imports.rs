//! Roster rows kept for a retry: an import that could not resolve a row because its platform was
//! unreachable keeps it here (creator, platform, reference, file and row), and a later
//! `import --retry` or `run` tries again. A row is keyed by (creator, reference): importing the
//! same file twice while the platform is down keeps one row, with its attempts counted.

use crate::db::sql;
use chrono::{DateTime, Utc};
use serde::Serialize;
use streamtide_core::Platform;

use crate::{db, Result, Store};

/// A kept roster row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingImport {
    pub id: i64,
    pub creator: String,
    /// The platform the file's row or column named, if any.
    pub platform: Option<Platform>,
    /// The reference as written in the file.
    pub reference: String,
    /// The file it came from, and its row there.
    pub source: String,
    pub source_row: usize,
    /// Why the last attempt failed.
    pub reason: String,
    pub attempts: u32,
    pub first_failed_at: DateTime<Utc>,
    pub last_tried_at: DateTime<Utc>,
}

/// What to keep of a row that failed for now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPendingImport<'a> {
    pub creator: &'a str,
    pub platform: Option<Platform>,
    pub reference: &'a str,
    pub source: &'a str,
    pub source_row: usize,
    pub reason: &'a str,
}

/// At most `max` characters of `s` (the MariaDB columns' widths; reasons are long URLs at worst).
fn cut(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

impl Store {
    /// Keep `row` for a retry (or count one more attempt of the same creator and reference).
    pub async fn keep_pending_import(
        &self,
        row: &NewPendingImport<'_>,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let creator = cut(row.creator.trim(), 255);
        let reference = cut(row.reference.trim(), 2048);
        let reason = cut(row.reason, 2048);
        let source = cut(row.source, 1024);
        let mut tx = self.write_tx().await?;
        let existing: Option<i64> = db::query_scalar(
            sql!("SELECT id FROM pending_imports WHERE creator = " #1 " AND reference = " #2 " ORDER BY id LIMIT 1"),
        )
        .bind(&creator)
        .bind(&reference)
        .fetch_optional(&mut *tx)
        .await?;
        match existing {
            Some(id) => {
                db::query(
                    sql!("UPDATE pending_imports SET attempts = attempts + 1, reason = " #2 ", last_tried_at = " #3 ",
                        platform = " #4 ", source = " #5 ", source_row = " #6 " WHERE id = " #1),
                )
                .bind(id)
                .bind(&reason)
                .bind(at)
                .bind(row.platform.map(|p| p.as_str()))
                .bind(&source)
                .bind(row.source_row as i64)
                .execute(&mut *tx)
                .await?;
            }
            None => {
                db::query(
                    sql!("INSERT INTO pending_imports
                       (creator, platform, reference, source, source_row, reason, attempts, first_failed_at, last_tried_at)
                     VALUES (" #1 ", " #2 ", " #3 ", " #4 ", " #5 ", " #6 ", 1, " #7 ", " #7 ")"),
                )
                .bind(&creator)
                .bind(row.platform.map(|p| p.as_str()))
                .bind(&reference)
                .bind(&source)
                .bind(row.source_row as i64)
                .bind(&reason)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Forget the kept row of `creator` and `reference` (it resolved, or never will). Returns
    /// whether there was one.
    pub async fn forget_pending_import(&self, creator: &str, reference: &str) -> Result<bool> {
        let n = db::query(
            sql!("DELETE FROM pending_imports WHERE creator = " #1 " AND reference = " #2),
        )
        .bind(cut(creator.trim(), 255))
        .bind(cut(reference.trim(), 2048))
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(n > 0)
    }

    /// Every kept row, oldest first.
    pub async fn pending_imports(&self) -> Result<Vec<PendingImport>> {
        let rows = db::query(sql!(
            "SELECT id, creator, platform, reference, source, source_row, reason, attempts,
                    first_failed_at, last_tried_at
             FROM pending_imports ORDER BY id"
        ))
        .fetch_all(&self.pool)
        .await?;
        let time = |r: &db::Row, c: &str| r.get::<DateTime<Utc>, _>(c);
        rows.iter()
            .map(|r| {
                let platform = r.get::<Option<String>, _>("platform");
                Ok(PendingImport {
                    id: r.get("id"),
                    creator: r.get("creator"),
                    platform: platform
                        .as_deref()
                        .map(crate::stored_platform)
                        .transpose()?,
                    reference: r.get("reference"),
                    source: r.get("source"),
                    source_row: r.get::<i64, _>("source_row").max(0) as usize,
                    reason: r.get("reason"),
                    attempts: r.get::<i64, _>("attempts").clamp(0, i64::from(u32::MAX)) as u32,
                    first_failed_at: time(r, "first_failed_at"),
                    last_tried_at: time(r, "last_tried_at"),
                })
            })
            .collect()
    }

    /// How many rows are kept for a retry.
    pub async fn count_pending_imports(&self) -> Result<u64> {
        let n: i64 = db::query_scalar(sql!("SELECT COUNT(*) FROM pending_imports"))
            .fetch_one(&self.pool)
            .await?;
        Ok(n.max(0) as u64)
    }
}
