//! SQLite's WAL checkpoints, taken off the write path.
//!
//! In WAL mode every commit appends the pages it changed to the write-ahead log, and a
//! checkpoint copies them back into the database file (and syncs both). Left to SQLite, the
//! commit that pushes the log past `wal_autocheckpoint` pages runs the checkpoint itself, so one
//! write batch in a few hundred waits for all of that I/O. Instead a background task checkpoints
//! every [`CHECKPOINT_EVERY`] on a connection of the read pool, in its own thread, while the
//! writer goes on (a PASSIVE checkpoint waits for nobody and copies what it can). The writers'
//! own automatic checkpoint stays as a backstop, set high enough that it runs only if this task
//! falls behind (BENCHMARKS.md, "Checkpoints off the write path").

use std::time::Duration;

use sqlx::SqlitePool;
use tokio::task::JoinHandle;

/// How often the background task checkpoints. At the store's highest write rates the log grows
/// by a few MiB a second; checkpointing it often keeps it small, which also keeps page lookups
/// in it cheap.
pub(crate) const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// The writers' automatic checkpoint, in pages (256 MiB of log at 4 KiB pages): only reached if
/// the background task cannot keep up or is not running.
pub(crate) const BACKSTOP_PAGES: u32 = 65_536;

/// The background checkpoint task; stops when dropped (with the last clone of its store).
#[derive(Debug)]
pub(crate) struct Checkpointer(JoinHandle<()>);

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Checkpointer {
    /// Checkpoint the database of `pool` every [`CHECKPOINT_EVERY`] until dropped or the pool
    /// closes.
    pub(crate) fn spawn(pool: SqlitePool) -> Checkpointer {
        Checkpointer(tokio::spawn(async move {
            let mut every = tokio::time::interval(CHECKPOINT_EVERY);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                if pool.is_closed() {
                    return;
                }
                // A failure is harmless (the next tick or the writers' backstop checkpoints).
                if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                    .fetch_optional(&pool)
                    .await
                {
                    tracing::debug!(error = %e, "background WAL checkpoint failed");
                }
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::sql;
    use crate::{db, Batch, Job, Store};
    use chrono::Utc;
    use streamtide_core::{
        ChannelId, ChannelInfo, ChannelObservation, ChannelStats, LiveState, Platform,
    };

    /// Channel `i`, offline, with its figures: rows enough to outgrow what the migrations left.
    fn observation(i: usize) -> ChannelObservation {
        ChannelObservation {
            info: ChannelInfo {
                platform: Platform::Chzzk,
                channel_id: ChannelId::new(format!("{i:032x}")),
                name: format!("channel {i}"),
                handle: None,
                avatar_url: None,
                description: None,
            },
            stats: ChannelStats {
                followers: Some(1_000 + i as u64),
                total_views: Some(100_000 + i as u64),
                video_count: Some(10),
            },
            live: LiveState::Offline,
        }
    }

    /// Writes far below the writers' backstop reach the database file all the same: the
    /// background task checkpointed them. (Without it the file would keep only what the
    /// migrations left, the rest waiting in the log.)
    #[tokio::test]
    async fn writes_reach_the_database_file_without_the_writers_checkpointing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.db");
        let store = Store::open(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        let at = Utc::now();
        let found = (0..2_000).map(observation).collect();
        let round = store
            .start_round(Platform::Chzzk, Job::Channels, at)
            .await
            .unwrap();
        let batch = Batch::Channels {
            found,
            missing: Vec::new(),
        };
        store
            .write_batch(round, Platform::Chzzk, at, &batch)
            .await
            .unwrap();

        // The database's size as its readers see it (file and log together).
        let pages: i64 = db::query_scalar(sql!("PRAGMA page_count"))
            .fetch_one(&store.pool)
            .await
            .unwrap();
        let page_size: i64 = db::query_scalar(sql!("PRAGMA page_size"))
            .fetch_one(&store.pool)
            .await
            .unwrap();
        let logical = (pages * page_size) as u64;
        assert!(pages < i64::from(BACKSTOP_PAGES), "{pages} pages");
        let file_len = || std::fs::metadata(&path).unwrap().len();
        let deadline = std::time::Instant::now() + CHECKPOINT_EVERY * 10;
        while file_len() < logical && std::time::Instant::now() < deadline {
            tokio::time::sleep(CHECKPOINT_EVERY / 5).await;
        }
        assert!(
            file_len() >= logical,
            "the file holds {} of {logical} bytes: nothing checkpointed the log",
            file_len()
        );
        store.close().await;
    }
}
