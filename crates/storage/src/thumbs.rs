//! Book-keeping of the thumbnail copies: which platform image URL became which stored object,
//! when it was last fetched and used, and which objects nothing points to any more.
//!
//! The objects themselves live in an object store (see the `streamtide-thumbs` crate); this is
//! only the index, so losing it costs re-downloads, never wrong pictures (objects are
//! content-addressed).

use crate::db;
use crate::db::sql;
use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::rows::u64_of;
use crate::{Result, Store};

/// What the store knows of one source URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThumbSource {
    pub source_url: String,
    /// The object its last successful download became.
    pub hash: Option<String>,
    pub attempted_at: DateTime<Utc>,
    pub fetched_at: Option<DateTime<Utc>>,
    /// Failed attempts since the last success.
    pub failures: u32,
}

/// One stored object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredThumb {
    pub hash: String,
    pub bytes: u64,
    pub width: u32,
    pub height: u32,
}

/// How many rows SQLite gets per `IN (...)` list (well under its 32,766 parameter limit).
const IN_CHUNK: usize = 500;

impl Store {
    /// The known state of each of `urls` (unknown URLs are absent from the map).
    pub async fn thumb_sources(&self, urls: &[String]) -> Result<HashMap<String, ThumbSource>> {
        let mut out = HashMap::with_capacity(urls.len());
        for chunk in urls.chunks(IN_CHUNK) {
            let mut sql = db::built!(self.backend();
                "SELECT source_url, hash, attempted_at, fetched_at, failures FROM thumb_sources
                 WHERE source_url IN ("
            );
            sql.params(1, chunk.len()).push(")");
            let mut q = db::query(sql);
            for u in chunk {
                q = q.bind(u);
            }
            for row in q.fetch_all(&self.pool).await? {
                let src = ThumbSource {
                    source_url: row.get("source_url"),
                    hash: row.get("hash"),
                    attempted_at: row
                        .get::<Option<DateTime<Utc>>, _>("attempted_at")
                        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH),
                    fetched_at: row.get::<Option<DateTime<Utc>>, _>("fetched_at"),
                    failures: row.get::<i64, _>("failures").clamp(0, u32::MAX as i64) as u32,
                };
                out.insert(src.source_url.clone(), src);
            }
        }
        Ok(out)
    }

    /// Mark `urls` as still carried by a round at `at`, so the garbage collector keeps their
    /// objects. URLs never fetched are not added here (see [`Store::record_thumb_failure`]).
    pub async fn touch_thumb_sources(&self, urls: &[String], at: DateTime<Utc>) -> Result<()> {
        for chunk in urls.chunks(IN_CHUNK) {
            let mut sql = db::built!(self.backend(); "UPDATE thumb_sources SET used_at = " #1 " WHERE source_url IN (");
            sql.params(2, chunk.len()).push(") AND used_at < ").param(1);
            let mut q = db::query(sql).bind(at);
            for u in chunk {
                q = q.bind(u);
            }
            q.execute(&self.pool).await?;
        }
        Ok(())
    }

    /// Record a successful download of `source_url` that became the object `thumb`.
    pub async fn record_thumb(
        &self,
        source_url: &str,
        thumb: &StoredThumb,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        db::query(
            sql! {
                sqlite, postgres: ("INSERT INTO thumbnails (hash, bytes, width, height, created_at) VALUES (" #1 ", " #2 ", " #3 ", " #4 ", " #5 ")
             ON CONFLICT (hash) DO NOTHING");
                mysql: ("INSERT IGNORE INTO thumbnails (hash, bytes, width, height, created_at) VALUES (" #1 ", " #2 ", " #3 ", " #4 ", " #5 ")");
            },
        )
        .bind(&thumb.hash)
        .bind(thumb.bytes as i64)
        .bind(thumb.width as i64)
        .bind(thumb.height as i64)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        db::query(
            sql! {
                sqlite, postgres: ("INSERT INTO thumb_sources (source_url, hash, attempted_at, fetched_at, used_at, failures, last_error)
             VALUES (" #1 ", " #2 ", " #3 ", " #3 ", " #3 ", 0, NULL)
             ON CONFLICT (source_url) DO UPDATE SET
               hash = excluded.hash, attempted_at = excluded.attempted_at,
               fetched_at = excluded.fetched_at, used_at = excluded.used_at,
               failures = 0, last_error = NULL");
                mysql: ("INSERT INTO thumb_sources (source_url, hash, attempted_at, fetched_at, used_at, failures, last_error)
             VALUES (" #1 ", " #2 ", " #3 ", " #3 ", " #3 ", 0, NULL)
             ON DUPLICATE KEY UPDATE
               hash = VALUES(hash), attempted_at = VALUES(attempted_at),
               fetched_at = VALUES(fetched_at), used_at = VALUES(used_at),
               failures = 0, last_error = NULL");
            },
        )
        .bind(source_url)
        .bind(&thumb.hash)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Record a failed download. The previous copy (if any) stays in use: an old picture beats
    /// none.
    pub async fn record_thumb_failure(
        &self,
        source_url: &str,
        error: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        db::query(
            sql! {
                sqlite, postgres: ("INSERT INTO thumb_sources (source_url, hash, attempted_at, fetched_at, used_at, failures, last_error)
             VALUES (" #1 ", NULL, " #2 ", NULL, " #2 ", 1, " #3 ")
             ON CONFLICT (source_url) DO UPDATE SET
               attempted_at = excluded.attempted_at, used_at = excluded.used_at,
               failures = thumb_sources.failures + 1, last_error = excluded.last_error");
                mysql: ("INSERT INTO thumb_sources (source_url, hash, attempted_at, fetched_at, used_at, failures, last_error)
             VALUES (" #1 ", NULL, " #2 ", NULL, " #2 ", 1, " #3 ")
             ON DUPLICATE KEY UPDATE
               attempted_at = VALUES(attempted_at), used_at = VALUES(used_at),
               failures = thumb_sources.failures + 1, last_error = VALUES(last_error)");
            },
        )
        .bind(source_url)
        .bind(at)
        .bind(error)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Forget sources no round has carried since `cutoff`, then return the objects that no
    /// source points to and that were created before `cutoff`: the garbage collector deletes
    /// those objects and then calls [`Store::forget_thumbs`].
    pub async fn unreferenced_thumbs(&self, cutoff: DateTime<Utc>) -> Result<Vec<String>> {
        db::query(sql!("DELETE FROM thumb_sources WHERE used_at < " #1))
            .bind(cutoff)
            .execute(&self.pool)
            .await?;
        let hashes = db::query_scalar(sql!("SELECT t.hash FROM thumbnails t
             WHERE t.created_at < " #1 "
               AND NOT EXISTS (SELECT 1 FROM thumb_sources s WHERE s.hash = t.hash)
             ORDER BY t.hash"))
        .bind(cutoff)
        .fetch_all(&self.pool)
        .await?;
        Ok(hashes)
    }

    /// Drop the index rows of objects that were deleted.
    pub async fn forget_thumbs(&self, hashes: &[String]) -> Result<()> {
        for chunk in hashes.chunks(IN_CHUNK) {
            let mut sql = db::built!(self.backend(); "DELETE FROM thumbnails WHERE hash IN (");
            sql.params(1, chunk.len()).push(
                ") AND NOT EXISTS (SELECT 1 FROM thumb_sources s WHERE s.hash = thumbnails.hash)",
            );
            let mut q = db::query(sql);
            for h in chunk {
                q = q.bind(h);
            }
            q.execute(&self.pool).await?;
        }
        Ok(())
    }

    /// Whether the index knows object `hash` (objects in the store but not here are orphans
    /// from an interrupted write, and collectable).
    pub async fn thumb_known(&self, hash: &str) -> Result<bool> {
        let n: i64 = db::query_scalar(sql!("SELECT COUNT(*) FROM thumbnails WHERE hash = " #1))
            .bind(hash)
            .fetch_one(&self.pool)
            .await?;
        Ok(n > 0)
    }

    /// Object count and total bytes, for metrics.
    pub async fn thumb_totals(&self) -> Result<(u64, u64)> {
        let row = db::query(
            sql! {
                sqlite, postgres: ("SELECT COUNT(*) AS n, CAST(COALESCE(SUM(bytes), 0) AS BIGINT) AS b FROM thumbnails");
                mysql: ("SELECT COUNT(*) AS n, CAST(COALESCE(SUM(bytes), 0) AS SIGNED) AS b FROM thumbnails");
            },
        )
        .fetch_one(&self.pool)
        .await?;
        Ok((u64_of(&row, "n"), u64_of(&row, "b")))
    }
}
