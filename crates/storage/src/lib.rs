//! The streamtide store.
//!
//! SQLite (embedded, WAL) is the default backend. The public methods of [`Store`] are the storage
//! contract the collector and the server rely on; they speak core types and plain row structs, so
//! another backend (PostgreSQL, MySQL) can implement the same contract without callers changing.
//!
//! Every write is idempotent: observations are keyed by `(entity, observed_at)` and inserted with
//! `ON CONFLICT DO NOTHING`, so a retried round never duplicates a row, and the aggregates a write
//! maintains (session peak/average) move only when its sample row was new.

mod analytics_reads;
mod creators;
mod models;
mod quota;
mod reads;
mod retention;
mod rollups;
mod roster;
mod sessions;
mod thumbs;
mod time;
mod videos;
mod writes;

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

pub use analytics_reads::*;
pub use creators::CreatorRow;
pub use models::*;
pub use quota::QuotaDay;
pub use reads::Alias;
pub use retention::ThinStats;
pub use rollups::RollupStats;
pub use thumbs::{StoredThumb, ThumbSource};
pub use time::{from_db_time, to_db_time, truncate_to_second};
pub use videos::VideoRow;

/// Storage failures, typed for callers that need to tell them apart.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("unsupported storage url `{0}`: expected sqlite://PATH (postgres:// and mysql:// are not built in yet)")]
    UnsupportedUrl(String),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
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

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// A handle on the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
}

impl Store {
    /// Open (creating if needed) the database at `url` without migrating.
    pub async fn connect(url: &str) -> Result<Store> {
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .ok_or_else(|| StoreError::UnsupportedUrl(redact_url(url)))?;
        let opts = if path == ":memory:" || path.is_empty() {
            SqliteConnectOptions::from_str("sqlite::memory:")?
        } else {
            SqliteConnectOptions::from_str(&format!("sqlite://{path}"))?
        }
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // WAL + NORMAL is durable across process crashes (only an OS crash can lose the last
        // commits) and much faster than FULL.
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
        // An in-memory database exists per connection: keep exactly one.
        let max = if path == ":memory:" || path.is_empty() {
            1
        } else {
            4
        };
        let pool = SqlitePoolOptions::new()
            .max_connections(max)
            .connect_with(opts)
            .await?;
        Ok(Store { pool })
    }

    /// Open and bring the schema up to date.
    pub async fn open(url: &str) -> Result<Store> {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Apply pending migrations; returns how many were applied.
    pub async fn migrate(&self) -> Result<usize> {
        let before = self.applied_migrations().await.unwrap_or(0);
        MIGRATOR.run(&self.pool).await?;
        Ok(self.applied_migrations().await?.saturating_sub(before))
    }

    /// Undo every migration (tests prove each one is reversible).
    pub async fn migrate_down_all(&self) -> Result<()> {
        MIGRATOR.undo(&self.pool, 0).await?;
        Ok(())
    }

    async fn applied_migrations(&self) -> Result<usize> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(n as usize)
    }

    /// A write transaction. `BEGIN IMMEDIATE` takes the write lock up front: a deferred
    /// transaction that reads first and writes later cannot wait for a concurrent writer in WAL
    /// mode (SQLite answers SQLITE_BUSY at once instead of applying the busy timeout).
    pub(crate) async fn write_tx(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// `PRAGMA integrity_check` result ("ok" when healthy).
    pub async fn integrity_check(&self) -> Result<String> {
        Ok(sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&self.pool)
            .await?)
    }

    /// Close the pool, waiting for in-flight statements.
    pub async fn close(&self) {
        self.pool.close().await;
    }
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
