//! Where new channel snapshots are written, and SQLite's hourly fold (migration 0009).
//!
//! `channel_snapshots` is clustered by (channel, time), which every read wants. On SQLite, once a
//! channel's rows fill pages of their own, a round that adds one snapshot to every channel dirties
//! one page per snapshot, and the write rate falls to about a quarter of a new table's
//! (BENCHMARKS.md, "Snapshot staging"). So on SQLite `channel_snapshots` is a view over two tables
//! of the same shape:
//!
//! - `channel_snapshots_recent` takes every new snapshot. It holds about an hour of them, so a
//!   channel's rows share pages with its neighbours' and a batch of channels dirties few pages;
//! - `channel_snapshots_folded` holds the rest. About once an hour (by observation time) the rows
//!   of the recent table are moved there in one transaction, an hour of a channel's rows added to
//!   its pages at once.
//!
//! Each channel's latest snapshot stays in the recent table through a fold, so "the latest
//! snapshot of every channel" (the channel list) reads that small table alone. A snapshot is
//! stored once: an insert skips a (channel, time) that either table holds.
//!
//! PostgreSQL and MariaDB write `channel_snapshots` directly; on PostgreSQL it is partitioned by
//! month instead (`partitions`).

use crate::db::{self, sql, Backend};
use crate::{Result, Store};
use chrono::{DateTime, Utc};
use std::sync::atomic::{AtomicI64, Ordering};
use streamtide_core::{ChannelObservation, LiveState};

/// How much observation time passes between folds. An hour is 12 rounds at the default 5-minute
/// interval: enough rows per channel to fill most of a page per fold, while the recent table
/// stays small enough for the reads that go through the view.
const FOLD_EVERY_SECS: i64 = 3600;

/// The statement that inserts `rows` snapshots, bound in the order of its columns (channel_id,
/// observed_at, followers, total_views, video_count, live, viewers, round_id), each unless
/// already stored.
pub(crate) fn insert_snapshots_sql(backend: Backend, rows: usize) -> db::Built {
    let mut sql = db::Built::new(backend);
    match backend {
        Backend::Sqlite => {
            sql.push(
                "INSERT INTO channel_snapshots_recent (channel_id, observed_at, followers, total_views, video_count, live, viewers, round_id)
                 SELECT * FROM (VALUES ",
            )
            .rows(1, rows, 8)
            .push(
                ") v
                 WHERE NOT EXISTS (SELECT 1 FROM channel_snapshots_folded f
                                   WHERE f.channel_id = v.column1 AND f.observed_at = v.column2)
                 ON CONFLICT (channel_id, observed_at) DO NOTHING",
            );
        }
        Backend::Postgres => {
            sql.push(
                "INSERT INTO channel_snapshots (channel_id, observed_at, followers, total_views, video_count, live, viewers, round_id) VALUES ",
            )
            .rows(1, rows, 8)
            .push(" ON CONFLICT (channel_id, observed_at) DO NOTHING");
        }
        Backend::MySql => {
            sql.push(
                "INSERT IGNORE INTO channel_snapshots (channel_id, observed_at, followers, total_views, video_count, live, viewers, round_id) VALUES ",
            )
            .rows(1, rows, 8);
        }
    }
    sql
}

/// Bind one snapshot of `obs` (channel row `channel`, observed at `at`, written by `round`) to
/// a statement of [`insert_snapshots_sql`], in its columns' order.
pub(crate) fn bind_snapshot<'q>(
    q: db::Query<'q>,
    channel: i64,
    at: DateTime<Utc>,
    obs: &ChannelObservation,
    round: i64,
) -> db::Query<'q> {
    let (live, viewers) = match &obs.live {
        LiveState::Live(b) => (Some(true), Some(b.viewers as i64)),
        LiveState::Offline => (Some(false), None),
        LiveState::Unknown => (None, None),
    };
    q.bind(channel)
        .bind(at)
        .bind(obs.stats.followers.map(|v| v as i64))
        .bind(obs.stats.total_views.map(|v| v as i64))
        .bind(obs.stats.video_count.map(|v| v as i64))
        .bind(live.map(i64::from))
        .bind(viewers)
        .bind(round)
}

/// The table that holds every channel's latest snapshot (and that can be joined cheaply).
pub(crate) fn latest_snapshots_table(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "channel_snapshots_recent",
        Backend::Postgres | Backend::MySql => "channel_snapshots",
    }
}

/// Append a scalar subquery to `sql`: the latest non-NULL `column` of the snapshots that satisfy
/// the condition `condition` appends (it may be appended twice). On SQLite each table is asked for
/// its latest and the later of the two wins: over the view, SQLite would read and sort every
/// matching row instead of stopping at the first.
pub(crate) fn push_latest_snapshot_value(
    sql: &mut db::Built,
    column: &str,
    condition: impl Fn(&mut db::Built),
) {
    let from = |sql: &mut db::Built, table: &str| {
        sql.push("SELECT ")
            .push(column)
            .push(" AS v, observed_at AS at FROM ")
            .push(table)
            .push(" WHERE ");
        condition(sql);
        sql.push(" AND ")
            .push(column)
            .push(" IS NOT NULL ORDER BY observed_at DESC LIMIT 1");
    };
    match sql.backend() {
        Backend::Sqlite => {
            sql.push("(SELECT v FROM (SELECT * FROM (");
            from(sql, "channel_snapshots_recent");
            sql.push(") UNION ALL SELECT * FROM (");
            from(sql, "channel_snapshots_folded");
            sql.push(")) ORDER BY at DESC LIMIT 1)");
        }
        // One table: the subquery itself (MariaDB would not let a derived table around it see
        // the outer query's columns, as `channel_id = c.id` needs).
        Backend::Postgres | Backend::MySql => {
            sql.push("(SELECT ")
                .push(column)
                .push(" FROM channel_snapshots WHERE ");
            condition(sql);
            sql.push(" AND ")
                .push(column)
                .push(" IS NOT NULL ORDER BY observed_at DESC LIMIT 1)");
        }
    }
}

/// The tables a snapshot can be deleted from, the one that holds most rows first.
pub(crate) fn snapshot_tables(backend: Backend) -> &'static [&'static str] {
    match backend {
        Backend::Sqlite => &["channel_snapshots_folded", "channel_snapshots_recent"],
        Backend::Postgres | Backend::MySql => &["channel_snapshots"],
    }
}

/// Move every recent snapshot but each channel's latest into the folded table. Returns how many
/// moved. Run it in a write transaction: the two statements must land together.
async fn fold(conn: &mut db::Conn) -> Result<u64> {
    let moved = db::query(sql!(
        "INSERT INTO channel_snapshots_folded (channel_id, observed_at, followers, total_views, video_count, live, viewers, round_id)
         SELECT channel_id, observed_at, followers, total_views, video_count, live, viewers, round_id
         FROM channel_snapshots_recent
         WHERE observed_at < (SELECT MAX(l.observed_at) FROM channel_snapshots_recent l
                              WHERE l.channel_id = channel_snapshots_recent.channel_id)
         ORDER BY channel_id, observed_at
         ON CONFLICT (channel_id, observed_at) DO NOTHING"
    ))
    .execute(&mut *conn)
    .await?
    .rows_affected();
    db::query(sql!(
        "DELETE FROM channel_snapshots_recent
         WHERE observed_at < (SELECT MAX(l.observed_at) FROM channel_snapshots_recent l
                              WHERE l.channel_id = channel_snapshots_recent.channel_id)"
    ))
    .execute(&mut *conn)
    .await?;
    Ok(moved)
}

/// When this process last folded, in observation time: decides when the next fold is due.
/// Starts unset, so a process folds at its first write whatever an earlier one left staged.
#[derive(Debug)]
pub(crate) struct FoldClock(AtomicI64);

impl Default for FoldClock {
    fn default() -> FoldClock {
        FoldClock(AtomicI64::new(i64::MIN))
    }
}

impl FoldClock {
    /// Whether a fold is due for a write observed at `at`; if so the caller has claimed it, and
    /// concurrent writers see it as not due.
    fn claim(&self, at: DateTime<Utc>) -> bool {
        let now = at.timestamp();
        let last = self.0.load(Ordering::Acquire);
        // Either direction: data replayed from long ago must not stop folds until time catches up.
        let due = last == i64::MIN || now.abs_diff(last) >= FOLD_EVERY_SECS as u64;
        due && self
            .0
            .compare_exchange(last, now, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }

    /// Forget a claimed fold that did not happen, so the next write tries again.
    fn release(&self) {
        self.0.store(i64::MIN, Ordering::Release);
    }
}

impl Store {
    /// Fold SQLite's recent snapshots into the folded table now (see the module documentation);
    /// returns how many moved. Nothing to do on the other backends.
    pub async fn fold_snapshots(&self) -> Result<u64> {
        if self.backend() != Backend::Sqlite {
            return Ok(0);
        }
        let mut tx = self.write_tx().await?;
        let moved = fold(&mut tx).await?;
        tx.commit().await?;
        Ok(moved)
    }

    /// Fold when an hour of observation time has passed since this process last did. The batch
    /// that triggers it has committed already, so a failed fold is logged and retried at the next
    /// write, not reported as a failed write.
    pub(crate) async fn fold_snapshots_if_due(&self, at: DateTime<Utc>) {
        if self.backend() != Backend::Sqlite || !self.fold_clock.claim(at) {
            return;
        }
        match self.fold_snapshots().await {
            Ok(moved) => tracing::debug!(moved, "folded recent channel snapshots"),
            Err(e) => {
                self.fold_clock.release();
                tracing::warn!(error = %e, "folding recent channel snapshots failed; retrying at the next write");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::sql;
    use crate::{Batch, Job};
    use chrono::TimeZone;
    use streamtide_core::{
        ChannelId, ChannelInfo, ChannelObservation, ChannelStats, LiveState, Platform,
    };

    fn t(minutes: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap() + chrono::Duration::minutes(minutes)
    }

    /// One channels round of `n` channels at `minutes`, followers telling the round apart.
    async fn round(store: &Store, n: u64, minutes: i64) -> u64 {
        let found = (0..n)
            .map(|i| ChannelObservation {
                info: ChannelInfo {
                    platform: Platform::Chzzk,
                    channel_id: ChannelId::new(format!("ch{i}")),
                    name: format!("name {i}"),
                    handle: None,
                    avatar_url: None,
                    description: None,
                },
                stats: ChannelStats {
                    followers: Some(1_000 * i + minutes.unsigned_abs()),
                    total_views: None,
                    video_count: None,
                },
                live: LiveState::Unknown,
            })
            .collect();
        let batch = Batch::Channels {
            found,
            missing: Vec::new(),
        };
        let r = store
            .start_round(Platform::Chzzk, Job::Channels, t(minutes))
            .await
            .unwrap();
        let stats = store
            .write_batch(r, Platform::Chzzk, t(minutes), &batch)
            .await
            .unwrap();
        stats.channel_snapshots
    }

    async fn sqlite_store(dir: &tempfile::TempDir) -> Store {
        let url = format!("sqlite://{}", dir.path().join("staging.db").display());
        Store::open(&url).await.unwrap()
    }

    /// A channel's followers and their time, as the channel read reports them.
    async fn latest_figures(store: &Store, id: &str) -> (Option<u64>, Option<DateTime<Utc>>) {
        let ch = store.channel(Platform::Chzzk, id).await.unwrap().unwrap();
        (ch.followers, ch.stats_observed_at)
    }

    async fn count(store: &Store, table: &str) -> i64 {
        db::query_scalar(db::built!(store.backend(); "SELECT COUNT(*) FROM " {table}))
            .fetch_one(&store.pool)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn snapshots_fold_hourly_are_stored_once_and_the_latest_stays_recent() {
        let dir = tempfile::tempdir().unwrap();
        let store = sqlite_store(&dir).await;
        const N: u64 = 20;
        // 150 minutes of 5-minute rounds: folds after the rounds at 0 (first write), 60 and 120.
        for minutes in (0..=150).step_by(5) {
            assert_eq!(round(&store, N, minutes).await, N);
        }
        assert_eq!(count(&store, "channel_snapshots").await, 31 * N as i64);
        // Since the fold at 120: its round (each channel's latest then) and six more.
        assert_eq!(
            count(&store, "channel_snapshots_recent").await,
            7 * N as i64
        );
        assert_eq!(
            count(&store, "channel_snapshots_folded").await,
            24 * N as i64
        );

        // A snapshot already folded is not stored again; nor is a recent one. (Each of these
        // writes is more than an hour from the previous fold, so each folds again.)
        assert_eq!(round(&store, N, 10).await, 0);
        assert_eq!(round(&store, N, 150).await, 0);
        assert_eq!(count(&store, "channel_snapshots").await, 31 * N as i64);

        // A late round older than everything is stored, and the fold after it keeps each
        // channel's latest in the recent table: the channel list still shows the last round.
        assert_eq!(round(&store, N, -5).await, N);
        let latest_recent: i64 = db::query_scalar(
            sql!("SELECT COUNT(*) FROM channel_snapshots_recent WHERE observed_at = " #1),
        )
        .bind(t(150))
        .fetch_one(&store.pool)
        .await
        .unwrap();
        assert_eq!(latest_recent, N as i64);
        assert_eq!(count(&store, "channel_snapshots_recent").await, N as i64);
        assert_eq!(store.fold_snapshots().await.unwrap(), 0);
        assert_eq!(
            latest_figures(&store, "ch3").await,
            (Some(3_150), Some(t(150)))
        );
        let (listed, _) = store
            .channels(Some(Platform::Chzzk), false, 5, 0)
            .await
            .unwrap();
        assert_eq!(listed[0].followers, Some(1_000 * (N - 1) + 150));
        assert_eq!(count(&store, "channel_snapshots").await, 32 * N as i64);
    }

    #[test]
    fn a_fold_is_due_first_then_once_an_hour_either_way() {
        let clock = FoldClock::default();
        assert!(clock.claim(t(0)), "the first write folds");
        assert!(!clock.claim(t(5)));
        assert!(!clock.claim(t(59)));
        assert!(clock.claim(t(60)));
        assert!(!clock.claim(t(61)));
        assert!(clock.claim(t(-600)), "a replay of old data still folds");
        clock.release();
        assert!(clock.claim(t(-599)), "a released claim is due again");
    }

    #[tokio::test]
    async fn the_migration_keeps_every_snapshot_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        let store = sqlite_store(&dir).await;
        const N: u64 = 7;
        for minutes in (0..=90).step_by(5) {
            round(&store, N, minutes).await;
        }
        let all = 19 * N as i64;
        assert!(count(&store, "channel_snapshots_folded").await > 0);
        // Down to one table (the schema before staging), and up again with the rows in place.
        store
            .pool
            .undo_migrations(store.migrator(), 8)
            .await
            .unwrap();
        assert_eq!(count(&store, "channel_snapshots").await, all);
        store.migrate().await.unwrap();
        assert_eq!(count(&store, "channel_snapshots").await, all);
        assert_eq!(count(&store, "channel_snapshots_recent").await, N as i64);
        assert_eq!(
            latest_figures(&store, "ch2").await,
            (Some(2_090), Some(t(90)))
        );
    }

    #[test]
    fn sqlite_inserts_go_to_the_recent_table_unless_folded() {
        let built = insert_snapshots_sql(Backend::Sqlite, 2);
        let sql = built.text();
        assert!(sql.starts_with("INSERT INTO channel_snapshots_recent"));
        assert!(sql.contains("NOT EXISTS (SELECT 1 FROM channel_snapshots_folded"));
        assert_eq!(sql.matches('?').count(), 16);
        let built = insert_snapshots_sql(Backend::Postgres, 1);
        assert!(built.text().starts_with("INSERT INTO channel_snapshots ("));
        assert!(built.text().contains("($1, $2, $3, $4, $5, $6, $7, $8)"));
    }
}
