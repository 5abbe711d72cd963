//! The streamtide store.
//!
//! SQLite (embedded, WAL) is the default backend. The public methods of [`Store`] are the storage
//! contract the collector and the server rely on; they speak core types and plain row structs, so
//! another backend (PostgreSQL, MySQL) can implement the same contract without callers changing.
//!
//! Every write is idempotent: observations are keyed by `(entity, observed_at)` and inserted with
//! `ON CONFLICT DO NOTHING`, so a retried round never duplicates a row, and the aggregates a write
//! maintains (session peak/average) move only when its sample row was new.
//!
//! The store keeps what it is given and decides no domain rule: a live session's language comes
//! from the detector it was handed (`Store::with_language_detector`), the YouTube rounding rule
//! and the trend maths from `streamtide_analytics`.
//!
//! Where a query lives, by what it is for (each file is one or more `impl Store` blocks):
//!
//! | concern | files |
//! |---|---|
//! | opening, migrating, closing | `lib.rs`, `preflight.rs` (an SQLite file's faults), `provision.rs` (fresh databases), `checkpoints.rs` (SQLite's WAL), `partitions.rs` (PostgreSQL's monthly partitions) |
//! | roster: tracked channels, creators, labels | `roster.rs`, `creators.rs`, `labels.rs`, `pending_imports.rs` |
//! | collection rounds and job health | `rounds.rs` |
//! | observations and live sessions: writing | `writes.rs` (batches, all or nothing), `sessions.rs` (channel upserts, sessions), `sightings.rs` (unchanged channels skipped), `staging.rs` (SQLite's recent snapshots and their fold) |
//! | observations and live sessions: reading | `live_reads.rs` (the live list, sessions), `broadcast_reads.rs` (a broadcast, its curve and course; a channel's broadcasts), `channel_reads.rs` (channels, a metric's history, names and handles), `videos.rs`, `counts.rs` (row counts, consistency checks), `rows.rs` (a row's columns as the store's types) |
//! | rollups and analytics reads | `rollups.rs`, `analytics_reads.rs` (daily series, channel and creator stats), `trends.rs`, `retention.rs` (thinning raw rows once rolled up) |
//! | the live market from the census: per platform and category, per round, hour and day | `market.rs` |
//! | leases of several collectors | `leases.rs` |
//! | thumbnail copies | `thumbs.rs` |
//! | YouTube quota | `quota.rs` |
//! | alerts: what rules compare, API rules, the delivery log | `alerts.rs` |
//! | the SQL underneath | `db.rs` (backends), `time.rs` (stored times), `models.rs` (row types) |

mod alerts;
mod analytics_reads;
mod broadcast_reads;
mod channel_reads;
mod checkpoints;
mod counts;
mod creators;
mod db;
mod labels;
mod leases;
mod live_reads;
mod market;
mod models;
mod partitions;
mod pending_imports;
mod preflight;
mod provision;
mod quota;
mod retention;
mod rollups;
mod roster;
mod rounds;
mod rows;
mod sessions;
mod sightings;
mod staging;
mod thumbs;
mod time;
mod trends;
mod videos;
mod writes;

use crate::db::sql;
use std::time::Duration;

use sqlx::mysql::MySqlPoolOptions;
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::SqlitePoolOptions;
use sqlx::Executor;

pub use alerts::{
    AlertChannelState, DeliveryOutcome, DeliveryRow, NewDelivery, OpenSession, StoredRule,
};
pub use analytics_reads::*;
pub use broadcast_reads::{BroadcastCourse, BroadcastRecord};
pub use channel_reads::Alias;
pub use creators::CreatorRow;
pub use db::Backend;
pub use labels::ChannelLabel;
pub use leases::{Collected, Heartbeat, Lease};
pub use market::{CategoryTotals, MarketCell, MarketPoint, MarketResolution, MARKET_TOTAL};
pub use models::*;
pub use partitions::{partition_name, PARTITIONED_TABLES};
pub use pending_imports::{NewPendingImport, PendingImport};
pub use provision::{fresh_database, with_database};
pub use quota::QuotaDay;
pub use retention::ThinStats;
pub use rollups::RollupStats;
pub use thumbs::{StoredThumb, ThumbSource};
pub use time::{from_db_time, to_db_time, truncate_to_second};
pub use trends::*;
pub use videos::VideoRow;

/// Storage failures, typed for callers that need to tell them apart.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("unsupported storage url `{0}`: expected sqlite://PATH, postgres://… or mysql://…")]
    UnsupportedUrl(String),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    /// An SQLite file found unusable before the pool was built: corrupt or truncated,
    /// read-only, or locked by another process (the message names which).
    #[error("{0}")]
    Fault(String),
    /// A platform column holds a value no [`streamtide_core::Platform`] parses from (a hand-edited row, or a
    /// database written by a newer build): an error, never silently another platform.
    #[error("the database names an unknown platform `{0}` (a newer streamtide's data, or a hand-edited row)")]
    UnknownPlatform(String),
}

/// A platform column's value as a [`Platform`], or [`StoreError::UnknownPlatform`].
pub(crate) fn stored_platform(value: &str) -> Result<streamtide_core::Platform> {
    value
        .parse()
        .map_err(|_| StoreError::UnknownPlatform(value.to_string()))
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            other => StoreError::Database(other),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");
static MYSQL_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/mysql");

/// Connection pool sizes (SQLite has one writer anyway; the servers take more readers).
const SQLITE_CONNECTIONS: u32 = 4;
const SERVER_CONNECTIONS: u32 = 16;

/// A handle on the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    /// The pool, and the backend it runs on (`Store::backend`).
    pool: db::Pool,
    /// When SQLite's recent snapshots were last folded (`staging`), shared by the clones.
    fold_clock: std::sync::Arc<staging::FoldClock>,
    /// SQLite (a file): the background WAL checkpoints, stopped with the last clone.
    _checkpointer: Option<std::sync::Arc<checkpoints::Checkpointer>>,
    /// Who decides a live session's language (`Store::with_language_detector`); `None`: nobody,
    /// and the detected language stays unknown.
    detect: Option<streamtide_core::language::DetectLanguage>,
}

/// Whether a connection going back to the pool may serve again. One that failed inside a
/// transaction (a full disk makes COMMIT fail) is still "in" it as sqlx counts, and every later
/// `begin` on it failed with "attempted to call begin_with at non-zero transaction depth" until
/// restart; it is closed instead, and the pool opens a fresh one when asked.
fn keep_released<C: sqlx::Connection>(conn: &mut C) -> bool {
    if conn.is_in_transaction() {
        tracing::warn!("a database connection left inside a transaction was discarded");
        return false;
    }
    true
}

impl Store {
    /// Open (creating an SQLite file if needed) the database at `url` without migrating.
    ///
    /// The backend is the URL's scheme: `sqlite://PATH` (or `sqlite::memory:`), `postgres://…`,
    /// `mysql://…` (MariaDB 10.6+; MySQL lacks the `INSERT … RETURNING` the store uses).
    pub async fn connect(url: &str) -> Result<Store> {
        Store::connect_for(url, true).await
    }

    /// [`Store::connect`] for a command that only reads: the start-up examination of an SQLite
    /// file reads its schema but does not take the write lock (nor wait up to
    /// 3 s for it while a daemon writes).
    pub async fn connect_for_reading(url: &str) -> Result<Store> {
        Store::connect_for(url, false).await
    }

    async fn connect_for(url: &str, writes: bool) -> Result<Store> {
        let backend =
            Backend::from_url(url).ok_or_else(|| StoreError::UnsupportedUrl(redact_url(url)))?;
        let mut checkpointer = None;
        let pool = match backend {
            Backend::Sqlite => {
                let path = url
                    .strip_prefix("sqlite://")
                    .or_else(|| url.strip_prefix("sqlite:"))
                    .unwrap_or_default();
                let memory = path == ":memory:" || path.is_empty();
                if !memory {
                    // Name a corrupt, read-only or locked file now, not as "pool timed out".
                    let (file, query) = path.split_once('?').unwrap_or((path, ""));
                    let read_only = query.contains("mode=ro") || query.contains("immutable=1");
                    preflight::check(std::path::Path::new(file), writes && !read_only).await?;
                }
                let url = if memory {
                    "sqlite::memory:".to_string()
                } else if path.contains('?') {
                    format!("sqlite://{path}")
                } else {
                    format!("sqlite://{path}?mode=rwc")
                };
                let pool = SqlitePoolOptions::new()
                    // An in-memory database exists per connection: keep exactly one.
                    .max_connections(if memory { 1 } else { SQLITE_CONNECTIONS })
                    // An in-memory database lives in its one connection: never discard it.
                    .after_release(move |conn, _| {
                        Box::pin(async move { Ok(memory || keep_released(conn)) })
                    })
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            // WAL + NORMAL is durable across process crashes (only an OS crash
                            // can lose the last commits) and much faster than FULL. The write
                            // path touches a page or so per snapshot: a 32 MiB page cache per
                            // connection (SQLite's default is 2 MiB) and reads through mmap
                            // spare it the re-reads. Checkpoints run in the background
                            // (`checkpoints`); the writers' own are a backstop.
                            let setup = format!(
                                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
                                 PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;
                                 PRAGMA cache_size = -32768; PRAGMA mmap_size = 268435456;
                                 PRAGMA wal_autocheckpoint = {};",
                                checkpoints::BACKSTOP_PAGES
                            );
                            conn.execute(setup.as_str()).await?;
                            Ok(())
                        })
                    })
                    .connect(&url)
                    .await?;
                if !memory {
                    checkpointer = Some(std::sync::Arc::new(checkpoints::Checkpointer::spawn(
                        pool.clone(),
                    )));
                }
                db::Pool::Sqlite(pool)
            }
            Backend::Postgres => db::Pool::Postgres(
                PgPoolOptions::new()
                    .max_connections(SERVER_CONNECTIONS)
                    .acquire_timeout(Duration::from_secs(10))
                    .after_release(|conn, _| Box::pin(async move { Ok(keep_released(conn)) }))
                    .connect(url)
                    .await?,
            ),
            Backend::MySql => db::Pool::MySql(
                MySqlPoolOptions::new()
                    .max_connections(SERVER_CONNECTIONS)
                    .acquire_timeout(Duration::from_secs(10))
                    .after_release(|conn, _| Box::pin(async move { Ok(keep_released(conn)) }))
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            // Text keys compare byte for byte (ids are case-sensitive), and
                            // `||` and "quoted" names mean what they mean on the other backends.
                            conn.execute(
                                "SET NAMES utf8mb4 COLLATE utf8mb4_bin;
                                 SET SESSION sql_mode = CONCAT(@@sql_mode, ',PIPES_AS_CONCAT,ANSI_QUOTES')",
                            )
                            .await?;
                            Ok(())
                        })
                    })
                    .connect(url)
                    .await?,
            ),
        };
        Ok(Store {
            pool,
            fold_clock: Default::default(),
            _checkpointer: checkpointer,
            detect: None,
        })
    }

    /// This store, asking `detect` for a live session's language when a sighting opens or
    /// retitles it (`streamtide_curate::language::detect` in the product). The rule is the
    /// detector's: the store gathers the evidence it holds (title, tags, platform hint, channel
    /// description), writes the answer, and asks again only when the title changes. A store
    /// given no detector leaves every detected language unknown.
    pub fn with_language_detector(
        mut self,
        detect: streamtide_core::language::DetectLanguage,
    ) -> Store {
        self.detect = Some(detect);
        self
    }

    /// Open and bring the schema up to date.
    pub async fn open(url: &str) -> Result<Store> {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// [`Store::open`] for a command that only reads (see [`Store::connect_for_reading`]).
    pub async fn open_for_reading(url: &str) -> Result<Store> {
        let store = Store::connect_for_reading(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// The engine this store runs on.
    pub fn backend(&self) -> Backend {
        self.pool.backend()
    }

    fn migrator(&self) -> &'static sqlx::migrate::Migrator {
        match self.backend() {
            Backend::Sqlite => &SQLITE_MIGRATOR,
            Backend::Postgres => &POSTGRES_MIGRATOR,
            Backend::MySql => &MYSQL_MIGRATOR,
        }
    }

    /// Apply pending migrations; returns how many were applied. On PostgreSQL this also makes
    /// sure the time partitions of the coming months exist.
    pub async fn migrate(&self) -> Result<usize> {
        let before = self.applied_migrations().await.unwrap_or(0);
        self.pool.run_migrations(self.migrator()).await?;
        self.ensure_partitions(chrono::Utc::now()).await?;
        Ok(self.applied_migrations().await?.saturating_sub(before))
    }

    /// Undo every migration (tests prove each one is reversible).
    pub async fn migrate_down_all(&self) -> Result<()> {
        self.pool.undo_migrations(self.migrator(), 0).await?;
        Ok(())
    }

    async fn applied_migrations(&self) -> Result<usize> {
        let n: i64 = db::query_scalar(sql!(
            "SELECT COUNT(*) FROM _sqlx_migrations WHERE success = TRUE"
        ))
        .fetch_one(&self.pool)
        .await?;
        Ok(n as usize)
    }

    /// A write transaction. On SQLite `BEGIN IMMEDIATE` takes the write lock up front: a
    /// deferred transaction that reads first and writes later cannot wait for a concurrent
    /// writer in WAL mode (SQLite answers SQLITE_BUSY at once instead of applying the busy
    /// timeout). The server backends lock rows as statements reach them.
    pub(crate) async fn write_tx(&self) -> Result<db::Held> {
        Ok(self.pool.begin_sqlite_with("BEGIN IMMEDIATE").await?)
    }

    /// The database's own consistency check: SQLite's `PRAGMA integrity_check` ("ok" when
    /// healthy); on the server backends, "ok" when the store answers (they check their pages
    /// themselves).
    pub async fn integrity_check(&self) -> Result<String> {
        match self.backend() {
            Backend::Sqlite => Ok(db::query_scalar(sql!("PRAGMA integrity_check"))
                .fetch_one(&self.pool)
                .await?),
            Backend::Postgres | Backend::MySql => {
                let one: i64 = db::query_scalar(sql!("SELECT 1"))
                    .fetch_one(&self.pool)
                    .await?;
                Ok(if one == 1 { "ok" } else { "unexpected answer" }.to_string())
            }
        }
    }

    /// Close the pool, waiting for in-flight statements.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// How often a transaction the database aborted as a deadlock or serialization failure is
/// retried before the error is returned.
const CONFLICT_RETRIES: u32 = 5;

impl StoreError {
    /// A conflict with a concurrent transaction, after which the whole transaction can simply
    /// run again: a deadlock or serialization failure (PostgreSQL 40P01/40001, MySQL 1213, and
    /// 1205 lock wait timeouts), or a unique key another writer inserted between our read and our
    /// insert (two writers both finding a channel without an open session and both opening one;
    /// run again, the second finds the first's session and continues it).
    pub fn is_conflict(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::Database(e)) => {
                matches!(e.code().as_deref(), Some("40P01" | "40001"))
                    || e.message().contains("Lock wait timeout")
                    || e.is_unique_violation()
            }
            _ => false,
        }
    }
}

/// Run the transaction `attempt` again, after a short jittered pause, while the database aborts it
/// as a conflict.
pub(crate) async fn retry_conflicts<T, F, Fut>(mut attempt: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    let mut tries = 0;
    loop {
        match attempt().await {
            Err(e) if e.is_conflict() && tries < CONFLICT_RETRIES => {
                tries += 1;
                tracing::debug!(error = %e, tries, "Transaction aborted by a conflict; retrying.");
                let jitter = rand_millis(20 * u64::from(tries));
                tokio::time::sleep(Duration::from_millis(10 + jitter)).await;
            }
            other => return other,
        }
    }
}

/// A pseudo-random number of milliseconds below `max` (no RNG crate needed for a backoff).
fn rand_millis(max: u64) -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::from(d.subsec_nanos()));
    nanos % max.max(1)
}

/// A storage URL safe to print: any password is replaced.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..scheme_end + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(redact_url("sqlite://x.db"), "sqlite://x.db");
        assert_eq!(redact_url("mysql://root@h/db"), "mysql://root@h/db");
    }
}
