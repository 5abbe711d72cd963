//! Retention: thinning old raw observations once their daily rollups exist.
//!
//! - **Channel snapshots** older than `keep_all` are thinned to one hour buckets (local time of
//!   the analytics zone), older than `keep_hourly` to day buckets. A bucket keeps its last
//!   snapshot and, for each counter, its last snapshot where that counter is not NULL. A day's
//!   closing values are the last non-NULL values of its last buckets, so the rollups computed from
//!   the thinned rows are exactly the same.
//! - **Live samples** of whole days older than `keep_all` are thinned to the peak and the last
//!   sample of each session and local hour. A day's average viewers cannot be recomputed from
//!   fewer samples, so those days' rollups are brought up to date first and then frozen: the
//!   store records the instant before which live metrics are kept as stored
//!   (`analytics_settings.live_thinned_before`), and neither an incremental update nor a rebuild
//!   recomputes them.

use crate::db;
use crate::db::sql;
use crate::staging;
use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, Timelike, Utc};
use serde::Serialize;
use streamtide_analytics::{day_bounds, day_of, LiveMetrics, Tz};

use crate::rollups::recompute_day;
use crate::rows::u64_of;
use crate::time::{from_db_time, to_db_time};
use crate::{Result, Store};

const LIVE_FROZEN_KEY: &str = "live_thinned_before";

/// What a thinning pass removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ThinStats {
    pub snapshots_deleted: u64,
    pub samples_deleted: u64,
    /// The live market's per-round rows (their hours stay).
    pub market_rounds_deleted: u64,
    /// Live metrics of days ending before this are frozen in the rollups.
    pub live_frozen_before: Option<DateTime<Utc>>,
}

/// Before this instant, days' live metrics are kept as stored (their samples were thinned).
pub(crate) async fn live_frozen_before(conn: &mut db::Conn) -> Result<Option<DateTime<Utc>>> {
    let v: Option<String> =
        db::query_scalar(sql!(r#"SELECT value FROM analytics_settings WHERE "key" = "# #1))
            .bind(LIVE_FROZEN_KEY)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(v.as_deref().and_then(from_db_time))
}

fn live_of(r: &db::Row) -> LiveMetrics {
    let minutes: f64 = r.get("live_minutes");
    LiveMetrics {
        streams: u64_of(r, "streams"),
        hours_streamed: minutes / 60.0,
        avg_viewers: r.get("avg_viewers"),
        peak_viewers: r
            .get::<Option<i64>, _>("peak_viewers")
            .map(|p| p.max(0) as u64),
        hours_watched: r.get("hours_watched"),
    }
}

/// The live metrics stored for a channel-day, if it has a row.
pub(crate) async fn stored_live(
    conn: &mut db::Conn,
    channel: i64,
    day: &str,
) -> Result<Option<LiveMetrics>> {
    Ok(db::query(
        sql!("SELECT streams, live_minutes, peak_viewers, avg_viewers, hours_watched FROM channel_daily
         WHERE channel_id = " #1 " AND day = " #2),
    )
    .bind(channel)
    .bind(day)
    .fetch_optional(&mut *conn)
    .await?
    .as_ref()
    .map(live_of))
}

/// Every frozen channel-day's stored live metrics (days ending at or before `before`).
pub(crate) async fn all_stored_live(
    conn: &mut db::Conn,
    before: Option<DateTime<Utc>>,
    tz: Tz,
) -> Result<HashMap<(i64, NaiveDate), LiveMetrics>> {
    let Some(before) = before else {
        return Ok(HashMap::new());
    };
    let rows = db::query(
        sql!("SELECT channel_id, day, streams, live_minutes, peak_viewers, avg_viewers, hours_watched
         FROM channel_daily WHERE day <= " #1 " AND streams > 0"),
    )
    .bind(crate::rollups::db_day(day_of(before, tz)))
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            let day = NaiveDate::parse_from_str(&r.get::<String, _>("day"), "%Y-%m-%d").ok()?;
            (day_bounds(day, tz).1 <= before).then(|| ((r.get("channel_id"), day), live_of(r)))
        })
        .collect())
}

/// A local-time bucket: the day, and the hour within it for the hourly tier.
fn bucket(at: DateTime<Utc>, tz: Tz, hourly: bool) -> (NaiveDate, u32) {
    let local = at.with_timezone(&tz);
    (local.date_naive(), if hourly { local.hour() } else { 24 })
}

impl Store {
    /// Thin raw observations: snapshots older than `keep_all` to hourly, older than
    /// `keep_hourly` to daily; live samples of whole days older than `keep_all` to the peak and
    /// last sample of each session-hour, after freezing those days' rollups (see the module
    /// documentation). Idempotent.
    pub async fn thin_raw(
        &self,
        now: DateTime<Utc>,
        keep_all: Duration,
        keep_hourly: Duration,
    ) -> Result<ThinStats> {
        // The daily pass also makes the coming months' partitions (PostgreSQL; a no-op elsewhere),
        // so a daemon that runs for months never writes into the default partition.
        self.ensure_partitions(now).await?;
        let tz = self.analytics_timezone().await?;
        let cutoff_all = now - keep_all;
        let cutoff_hourly = (now - keep_hourly).min(cutoff_all);
        let mut stats = ThinStats {
            snapshots_deleted: self.thin_snapshots(tz, cutoff_all, cutoff_hourly).await?,
            ..ThinStats::default()
        };
        // Live samples of whole local days before the cutoff.
        let watermark = day_bounds(day_of(cutoff_all, tz), tz).0;
        self.freeze_live_days(tz, watermark).await?;
        stats.samples_deleted = self.thin_samples(tz, watermark).await?;
        stats.live_frozen_before = Some(watermark);
        Ok(stats)
    }

    /// Snapshots before `cutoff_all`, one channel per transaction: per bucket (an hour after
    /// `cutoff_hourly`, a day before) the last row, and the last with each counter, stay.
    async fn thin_snapshots(
        &self,
        tz: Tz,
        cutoff_all: DateTime<Utc>,
        cutoff_hourly: DateTime<Utc>,
    ) -> Result<u64> {
        let mut deleted_total = 0;
        let channels: Vec<i64> = db::query_scalar(
            // One probe per channel: on SQLite a DISTINCT over the two-table view would sort
            // every old row.
            sql!("SELECT id FROM channels c WHERE EXISTS
               (SELECT 1 FROM channel_snapshots s WHERE s.channel_id = c.id AND s.observed_at < " #1 ")
             ORDER BY id"),
        )
        .bind(cutoff_all)
        .fetch_all(&self.pool)
        .await?;
        for ch in channels {
            let mut tx = self.write_tx().await?;
            let rows = db::query(
                sql!("SELECT observed_at, followers IS NOT NULL AS f, total_views IS NOT NULL AS v,
                        video_count IS NOT NULL AS n
                 FROM channel_snapshots WHERE channel_id = " #1 " AND observed_at < " #2 " ORDER BY observed_at"),
            )
            .bind(ch)
            .bind(cutoff_all)
            .fetch_all(&mut *tx)
            .await?;
            // Per bucket: last overall, last with each counter.
            let mut keep: HashMap<(NaiveDate, u32), [Option<usize>; 4]> = HashMap::new();
            let mut times = Vec::with_capacity(rows.len());
            for (i, r) in rows.iter().enumerate() {
                let at: DateTime<Utc> = r.get("observed_at");
                times.push(at);
                let k = keep
                    .entry(bucket(at, tz, at >= cutoff_hourly))
                    .or_insert([None; 4]);
                k[0] = Some(i);
                for (slot, col) in [(1, "f"), (2, "v"), (3, "n")] {
                    if db::flag(r, col) {
                        k[slot] = Some(i);
                    }
                }
            }
            let kept: HashSet<usize> = keep.values().flatten().flatten().copied().collect();
            for (i, at) in times.iter().enumerate() {
                if kept.contains(&i) {
                    continue;
                }
                // On SQLite the row is in one of two tables (`staging`), nearly always the first.
                for table in staging::snapshot_tables(self.backend()) {
                    let deleted = db::query(db::built!(self.backend();
                        "DELETE FROM " {table} " WHERE channel_id = " #1 " AND observed_at = " #2
                    ))
                    .bind(ch)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    deleted_total += deleted;
                    if deleted > 0 {
                        break;
                    }
                }
            }
            tx.commit().await?;
        }
        Ok(deleted_total)
    }

    /// Bring the rollups of the local days before `watermark` up to date, then record that live
    /// samples before it are frozen (thinned samples cannot recompute a day).
    async fn freeze_live_days(&self, tz: Tz, watermark: DateTime<Utc>) -> Result<()> {
        let mut conn = self.pool.acquire().await?;
        let old = live_frozen_before(&mut conn).await?;
        drop(conn);
        if old.is_none_or(|o| o < watermark) {
            // Bring the rollups of the days about to freeze up to date first.
            let lower = old.unwrap_or_default();
            let sessions = db::query(
                sql!("SELECT channel_id, started_at, COALESCE(ended_at, last_seen_at) AS ended FROM live_sessions
                 WHERE started_at < " #1 " AND COALESCE(ended_at, last_seen_at) >= " #2),
            )
            .bind(watermark)
            .bind(lower)
            .fetch_all(&self.pool)
            .await?;
            let mut todo: BTreeSet<(i64, NaiveDate)> = BTreeSet::new();
            let first_day = old.map(|o| day_of(o, tz));
            let last_day = day_of(watermark - Duration::seconds(1), tz);
            for r in &sessions {
                let s: DateTime<Utc> = r.get("started_at");
                let e: DateTime<Utc> = r.get("ended");
                let mut d = day_of(s, tz);
                if let Some(f) = first_day {
                    d = d.max(f);
                }
                let end = day_of(e, tz).min(last_day);
                while d <= end {
                    todo.insert((r.get("channel_id"), d));
                    d += Duration::days(1);
                }
            }
            let mut tx = self.write_tx().await?;
            for (ch, d) in todo {
                recompute_day(&mut tx, ch, d, tz).await?;
            }
            db::query(
                sql! {
                    sqlite, postgres: (r#"INSERT INTO analytics_settings ("key", value) VALUES ("# #1 ", " #2 r#")
                 ON CONFLICT ("key") DO UPDATE SET value = excluded.value"#);
                    mysql: (r#"INSERT INTO analytics_settings ("key", value) VALUES ("# #1 ", " #2 ")
                 ON DUPLICATE KEY UPDATE value = VALUES(value)");
                },
            )
            .bind(LIVE_FROZEN_KEY)
            // A setting's value is text on every engine.
            .bind(to_db_time(watermark))
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        }
        Ok(())
    }

    /// Live samples before `watermark`, one session per transaction: per hour the first peak and
    /// the last sample stay.
    async fn thin_samples(&self, tz: Tz, watermark: DateTime<Utc>) -> Result<u64> {
        let mut deleted_total = 0;
        let session_ids: Vec<i64> = db::query_scalar(
            sql!("SELECT DISTINCT session_id FROM live_samples WHERE observed_at < " #1),
        )
        .bind(watermark)
        .fetch_all(&self.pool)
        .await?;
        for sid in session_ids {
            let mut tx = self.write_tx().await?;
            let rows = db::query(
                sql!("SELECT observed_at, viewers FROM live_samples WHERE session_id = " #1 " AND observed_at < " #2 "
                 ORDER BY observed_at"),
            )
            .bind(sid)
            .bind(watermark)
            .fetch_all(&mut *tx)
            .await?;
            // Per hour: (index of the first peak, index of the last).
            let mut keep: HashMap<(NaiveDate, u32), (usize, i64, usize)> = HashMap::new();
            for (i, r) in rows.iter().enumerate() {
                let at: DateTime<Utc> = r.get("observed_at");
                let v: i64 = r.get("viewers");
                let k = keep.entry(bucket(at, tz, true)).or_insert((i, v, i));
                if v > k.1 {
                    k.0 = i;
                    k.1 = v;
                }
                k.2 = i;
            }
            let kept: HashSet<usize> = keep.values().flat_map(|k| [k.0, k.2]).collect();
            for (i, r) in rows.iter().enumerate() {
                if kept.contains(&i) {
                    continue;
                }
                deleted_total += db::query(
                    sql!("DELETE FROM live_samples WHERE session_id = " #1 " AND observed_at = " #2),
                )
                .bind(sid)
                .bind(r.get::<DateTime<Utc>, _>("observed_at"))
                .execute(&mut *tx)
                .await?
                .rows_affected();
            }
            tx.commit().await?;
        }
        Ok(deleted_total)
    }
}
