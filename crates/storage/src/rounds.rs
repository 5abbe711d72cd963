//! Collection rounds and job health: a round is registered before its batches are written
//! (`writes`) and closed after, and each platform job's health (last success, last error,
//! failures in a row, since when only a fallback answers, since when rounds overrun their
//! interval) is kept for `/healthz`, `streamtide
//! status` and the dashboard.

use crate::db;
use crate::db::sql;
use crate::rows::{opt_time, opt_u64, platform, time};
use chrono::{DateTime, Utc};
use streamtide_core::Platform;

use crate::{Job, JobStatus, Result, RoundRow, Store};

impl Store {
    /// Register a round; batches written under it reference its id.
    pub async fn start_round(
        &self,
        platform: Platform,
        job: Job,
        at: DateTime<Utc>,
    ) -> Result<i64> {
        Ok(db::query_scalar(
            sql!("INSERT INTO collection_rounds (platform, job, started_at) VALUES (" #1 ", " #2 ", " #3 ") RETURNING id"),
        )
        .bind(platform.as_str())
        .bind(job.as_str())
        .bind(at)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Health of every platform job that has run.
    pub async fn job_statuses(&self) -> Result<Vec<JobStatus>> {
        let rows = db::query(
            sql!("SELECT platform, job, last_success_at, last_error_at, last_error, consecutive_failures,
                    fallback_since, overrun_since
             FROM platform_status ORDER BY platform, job"),
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(JobStatus {
                    platform: platform(r, "platform")?,
                    job: r.get("job"),
                    last_success_at: opt_time(r, "last_success_at"),
                    last_error_at: opt_time(r, "last_error_at"),
                    last_error: r.get("last_error"),
                    consecutive_failures: opt_u64(r, "consecutive_failures").unwrap_or(0),
                    fallback_since: opt_time(r, "fallback_since"),
                    overrun_since: opt_time(r, "overrun_since"),
                })
            })
            .collect()
    }

    /// The most recent rounds, newest first.
    pub async fn recent_rounds(&self, limit: u32) -> Result<Vec<RoundRow>> {
        let rows = db::query(
            sql!("SELECT id, platform, job, started_at, finished_at, requests, written, errors, last_error
             FROM collection_rounds ORDER BY id DESC LIMIT " #1),
        )
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(RoundRow {
                    id: r.get("id"),
                    platform: platform(r, "platform")?,
                    job: r.get("job"),
                    started_at: time(r, "started_at"),
                    finished_at: opt_time(r, "finished_at"),
                    requests: opt_u64(r, "requests").unwrap_or(0),
                    written: opt_u64(r, "written").unwrap_or(0),
                    errors: opt_u64(r, "errors").unwrap_or(0),
                    last_error: r.get("last_error"),
                })
            })
            .collect()
    }
    /// Close a round and record the job's health (`error` = `None` means it succeeded;
    /// `on_fallback`: the platform answered only on a fallback host or path version at the
    /// round's end, which starts or keeps the job's `fallback_since`; `false` clears it).
    pub async fn finish_round(
        &self,
        round: i64,
        at: DateTime<Utc>,
        requests: u64,
        errors: u64,
        error: Option<&str>,
        on_fallback: bool,
    ) -> Result<()> {
        let mut tx = self.write_tx().await?;
        // (MySQL has no UPDATE … RETURNING: read the round's keys in the same transaction.)
        let (platform, job): (String, String) =
            db::query_as(sql!("SELECT platform, job FROM collection_rounds WHERE id = " #1))
                .bind(round)
                .fetch_one(&mut *tx)
                .await?;
        db::query(
            sql!("UPDATE collection_rounds SET finished_at = " #2 ", requests = " #3 ", errors = " #4 ", last_error = " #5 "
             WHERE id = " #1),
        )
        .bind(round)
        .bind(at)
        .bind(requests as i64)
        .bind(errors as i64)
        .bind(error)
        .execute(&mut *tx)
        .await?;
        record_health(&mut tx, &platform, &job, at, error).await?;
        record_since(&mut tx, Since::Fallback, &platform, &job, at, on_fallback).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Say whether the job's round that finished at `at` took longer than the job's interval:
    /// `true` starts (or keeps the earlier start of) the job's `overrun_since`, `false` clears it.
    /// Called after [`Store::finish_round`], whose health row it updates.
    pub async fn record_overrun(
        &self,
        platform: Platform,
        job: Job,
        at: DateTime<Utc>,
        overran: bool,
    ) -> Result<()> {
        let mut tx = self.write_tx().await?;
        record_since(
            &mut tx,
            Since::Overrun,
            platform.as_str(),
            job.as_str(),
            at,
            overran,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Upsert the job's health row: success resets the failure count, failure increments it.
async fn record_health(
    conn: &mut db::Conn,
    platform: &str,
    job: &str,
    at: DateTime<Utc>,
    error: Option<&str>,
) -> Result<()> {
    match error {
        None => db::query(
            sql! {
                sqlite, postgres: ("INSERT INTO platform_status (platform, job, last_success_at, consecutive_failures) VALUES (" #1 ", " #2 ", " #3 ", 0)
             ON CONFLICT (platform, job) DO UPDATE SET last_success_at = excluded.last_success_at, consecutive_failures = 0");
                mysql: ("INSERT INTO platform_status (platform, job, last_success_at, consecutive_failures) VALUES (" #1 ", " #2 ", " #3 ", 0)
             ON DUPLICATE KEY UPDATE last_success_at = VALUES(last_success_at), consecutive_failures = 0");
            },
        )
        .bind(platform)
        .bind(job)
        .bind(at)
        .execute(&mut *conn)
        .await?,
        Some(err) => db::query(
            sql! {
                sqlite, postgres: ("INSERT INTO platform_status (platform, job, last_error_at, last_error, consecutive_failures) VALUES (" #1 ", " #2 ", " #3 ", " #4 ", 1)
             ON CONFLICT (platform, job) DO UPDATE SET last_error_at = excluded.last_error_at,
               last_error = excluded.last_error, consecutive_failures = platform_status.consecutive_failures + 1");
                mysql: ("INSERT INTO platform_status (platform, job, last_error_at, last_error, consecutive_failures) VALUES (" #1 ", " #2 ", " #3 ", " #4 ", 1)
             ON DUPLICATE KEY UPDATE last_error_at = VALUES(last_error_at),
               last_error = VALUES(last_error), consecutive_failures = platform_status.consecutive_failures + 1");
            },
        )
        .bind(platform)
        .bind(job)
        .bind(at)
        .bind(err)
        .execute(&mut *conn)
        .await?,
    };
    Ok(())
}

/// The health row's "since when" columns, each set by a run of rounds and cleared by a round
/// without it.
#[derive(Debug, Clone, Copy)]
enum Since {
    /// `fallback_since`: rounds answered only by a fallback host or path version.
    Fallback,
    /// `overrun_since`: rounds longer than the job's interval.
    Overrun,
}

/// Start (keeping an earlier start), or clear, the job's `which` column; the row exists, as
/// [`record_health`] has just written it.
async fn record_since(
    conn: &mut db::Conn,
    which: Since,
    platform: &str,
    job: &str,
    at: DateTime<Utc>,
    on: bool,
) -> Result<()> {
    let sql = match (which, on) {
        (Since::Fallback, true) => {
            sql!("UPDATE platform_status SET fallback_since = COALESCE(fallback_since, " #3 ")
         WHERE platform = " #1 " AND job = " #2)
        }
        (Since::Fallback, false) => {
            sql!("UPDATE platform_status SET fallback_since = NULL WHERE platform = " #1 " AND job = " #2)
        }
        (Since::Overrun, true) => {
            sql!("UPDATE platform_status SET overrun_since = COALESCE(overrun_since, " #3 ")
         WHERE platform = " #1 " AND job = " #2)
        }
        (Since::Overrun, false) => {
            sql!("UPDATE platform_status SET overrun_since = NULL WHERE platform = " #1 " AND job = " #2)
        }
    };
    let q = db::query(sql).bind(platform).bind(job);
    if on {
        q.bind(at).execute(&mut *conn).await?;
    } else {
        q.execute(&mut *conn).await?;
    }
    Ok(())
}
