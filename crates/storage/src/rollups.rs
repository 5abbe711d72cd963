//! Daily rollups (`channel_daily`): per channel and calendar day, closing counters with their
//! deltas and the day's live metrics.
//!
//! Rows are always recomputed from the raw tables, never accumulated, so recomputing a day is
//! idempotent: a retried batch, a late snapshot or a duplicate changes nothing it should not. The
//! collector calls [`Store::update_rollups`] after each committed batch for the channels and days
//! it touched; [`Store::rebuild_rollups`] recomputes everything (after a time zone change, or to
//! repair).

use crate::db;
use crate::db::sql;
use crate::staging;
use std::collections::BTreeSet;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;
use streamtide_analytics::{day_bounds, day_of, live_metrics, SessionSpan, Tz};
use streamtide_core::Platform;

use crate::time::truncate_to_second;
use crate::{Batch, Result, Store, StoreError};

const TIMEZONE_KEY: &str = "timezone";

/// What a rollup pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RollupStats {
    pub channels: u64,
    /// Channel-days recomputed.
    pub days: u64,
}

/// The stored form of a day.
pub(crate) fn db_day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

impl Store {
    /// The time zone the stored rollups' days are in (default Asia/Seoul).
    pub async fn analytics_timezone(&self) -> Result<Tz> {
        let name: Option<String> =
            db::query_scalar(sql!(r#"SELECT value FROM analytics_settings WHERE "key" = "# #1))
                .bind(TIMEZONE_KEY)
                .fetch_optional(&self.pool)
                .await?;
        Ok(name
            .and_then(|n| streamtide_analytics::parse_timezone(&n).ok())
            .unwrap_or(streamtide_analytics::Tz::Asia__Seoul))
    }

    /// Set the time zone of the rollups' days. When it differs from the stored one, every rollup is
    /// rebuilt in the new zone (returns `true`).
    pub async fn set_analytics_timezone(&self, tz: Tz) -> Result<bool> {
        let current: Option<String> =
            db::query_scalar(sql!(r#"SELECT value FROM analytics_settings WHERE "key" = "# #1))
                .bind(TIMEZONE_KEY)
                .fetch_optional(&self.pool)
                .await?;
        if current.as_deref() == Some(tz.name()) {
            return Ok(false);
        }
        db::query(
            sql! {
                sqlite, postgres: (r#"INSERT INTO analytics_settings ("key", value) VALUES ("# #1 ", " #2 r#")
             ON CONFLICT ("key") DO UPDATE SET value = excluded.value"#);
                mysql: (r#"INSERT INTO analytics_settings ("key", value) VALUES ("# #1 ", " #2 ")
             ON DUPLICATE KEY UPDATE value = VALUES(value)");
            },
        )
        .bind(TIMEZONE_KEY)
        .bind(tz.name())
        .execute(&self.pool)
        .await?;
        let any: Option<i64> = db::query_scalar(sql!("SELECT 1 FROM channel_daily LIMIT 1"))
            .fetch_optional(&self.pool)
            .await?;
        // A first setting over an empty table needs no rebuild; a real change does.
        if current.is_some() || any.is_some() {
            self.rebuild_rollups().await?;
        }
        Ok(true)
    }

    /// Bring the rollups of what `batch` touched up to date (call after a committed
    /// [`Store::write_batch`] with the same `observed_at`). For each channel of the batch, the day
    /// of `observed_at` is recomputed, and the earlier days (up to a week) its current broadcast
    /// ran on, or an hour ago was in.
    pub async fn update_rollups(
        &self,
        platform: Platform,
        observed_at: DateTime<Utc>,
        batch: &Batch,
    ) -> Result<RollupStats> {
        // Retried whole on a deadlock, like `write_batch`.
        crate::retry_conflicts(|| self.update_rollups_once(platform, observed_at, batch)).await
    }

    async fn update_rollups_once(
        &self,
        platform: Platform,
        observed_at: DateTime<Utc>,
        batch: &Batch,
    ) -> Result<RollupStats> {
        // The ids as `write_batch` stored them (the store boundary cleans ids too).
        let name = streamtide_core::sanitize::name;
        let mut ids: Vec<String> = match batch {
            Batch::LiveList { items, .. } => items
                .iter()
                .filter(|i| i.platform == platform)
                .map(|i| name(i.channel_id.as_str()))
                .collect(),
            Batch::Channels { found, .. } => found
                .iter()
                .filter(|o| o.info.platform == platform)
                .map(|o| name(o.info.channel_id.as_str()))
                .collect(),
            Batch::LiveListEnd { .. } | Batch::Videos { .. } => Vec::new(),
        };
        if ids.is_empty() {
            return Ok(RollupStats::default());
        }
        // Channel-id order, the order `write_batch` locks in.
        ids.sort_unstable();
        ids.dedup();
        let tz = self.analytics_timezone().await?;
        let at = truncate_to_second(observed_at);
        let today = day_of(at, tz);
        let recent = at - Duration::hours(1);
        let mut tx = self.write_tx().await?;
        let mut stats = RollupStats::default();
        for id in ids {
            let pk: Option<i64> = db::query_scalar(
                sql!("SELECT id FROM channels WHERE platform = " #1 " AND platform_id = " #2),
            )
            .bind(platform.as_str())
            .bind(&id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(pk) = pk else { continue };
            // A broadcast seen now may have run since an earlier day (or been reopened): its days
            // are recomputed too, up to a week back.
            let started: Option<DateTime<Utc>> = db::query_scalar(
                sql!("SELECT MIN(started_at) FROM live_sessions WHERE channel_id = " #1 " AND COALESCE(ended_at, last_seen_at) >= " #2),
            )
            .bind(pk)
            .bind(recent)
            .fetch_one(&mut *tx)
            .await?;
            let first = started
                .map_or(at, |s| s.min(at))
                .min(at - Duration::hours(1));
            let mut d = day_of(first, tz).max(today - Duration::days(7));
            stats.channels += 1;
            while d <= today {
                recompute_day(&mut tx, pk, d, tz).await?;
                stats.days += 1;
                d += Duration::days(1);
            }
        }
        tx.commit().await?;
        Ok(stats)
    }

    /// Recompute the rollups of one channel (by platform id) for the days in `[from, to]`.
    pub async fn refresh_channel_rollups(
        &self,
        platform: Platform,
        id: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<RollupStats> {
        let pk: i64 = db::query_scalar(
            sql!("SELECT id FROM channels WHERE platform = " #1 " AND platform_id = " #2),
        )
        .bind(platform.as_str())
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let tz = self.analytics_timezone().await?;
        let mut tx = self.write_tx().await?;
        let mut stats = RollupStats {
            channels: 1,
            days: 0,
        };
        let mut d = from;
        while d <= to {
            recompute_day(&mut tx, pk, d, tz).await?;
            stats.days += 1;
            d += Duration::days(1);
        }
        tx.commit().await?;
        Ok(stats)
    }

    /// Drop every rollup and recompute them from the raw snapshots and sessions, one channel per
    /// transaction. This is a second implementation of [`recompute_day`]'s rules working on whole
    /// channels at once (a few queries per channel instead of a few per day); tests check the
    /// two agree.
    pub async fn rebuild_rollups(&self) -> Result<RollupStats> {
        let tz = self.analytics_timezone().await?;
        let channels: Vec<i64> = db::query_scalar(
            sql!("SELECT id FROM channels c WHERE EXISTS (SELECT 1 FROM channel_snapshots s WHERE s.channel_id = c.id)
               OR EXISTS (SELECT 1 FROM live_sessions l WHERE l.channel_id = c.id) ORDER BY id"),
        )
        .fetch_all(&self.pool)
        .await?;
        let mut conn = self.pool.acquire().await?;
        let frozen_before = crate::retention::live_frozen_before(&mut conn).await?;
        let frozen = crate::retention::all_stored_live(&mut conn, frozen_before, tz).await?;
        drop(conn);
        db::query(sql!("DELETE FROM channel_daily"))
            .execute(&self.pool)
            .await?;
        let mut stats = RollupStats::default();
        for pk in channels {
            let mut tx = self.write_tx().await?;
            stats.days += rebuild_channel(&mut tx, pk, tz, &frozen).await?;
            stats.channels += 1;
            tx.commit().await?;
        }
        Ok(stats)
    }
}

/// One day of a channel as the rebuild accumulates it.
#[derive(Default)]
struct DayAcc {
    followers: Option<i64>,
    total_views: Option<i64>,
    video_count: Option<i64>,
    closed_at: Option<DateTime<Utc>>,
    live: streamtide_analytics::LiveMetrics,
}

/// Recompute every day of one channel from its raw rows; returns how many rows it wrote.
async fn rebuild_channel(
    conn: &mut db::Conn,
    channel: i64,
    tz: Tz,
    frozen: &std::collections::HashMap<(i64, NaiveDate), streamtide_analytics::LiveMetrics>,
) -> Result<u64> {
    use std::collections::HashMap;
    let mut days = snapshot_days(conn, channel, tz).await?;

    struct Sess {
        id: i64,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        avg: f64,
        peak: i64,
    }
    let sessions: Vec<Sess> = db::query(
        sql!("SELECT id, started_at, COALESCE(ended_at, last_seen_at) AS ended, viewer_sum, sample_count, peak_viewers
         FROM live_sessions WHERE channel_id = " #1),
    )
    .bind(channel)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        let n = db::lenient_count(r, "sample_count");
        let sum = db::lenient_count(r, "viewer_sum");
        Sess {
            id: r.get("id"),
            start: r.get("started_at"),
            end: r.get("ended"),
            avg: if n > 0.0 { sum / n } else { 0.0 },
            peak: db::lenient_count(r, "peak_viewers").clamp(0.0, i64::MAX as f64) as i64,
        }
    })
    .collect();
    // Samples per (session, day): sum, count, max.
    let mut per_day: HashMap<(i64, NaiveDate), (i64, i64, i64)> = HashMap::new();
    let samples = db::query(
        sql!("SELECT l.session_id, l.observed_at, l.viewers FROM live_samples l
         JOIN live_sessions s ON s.id = l.session_id WHERE s.channel_id = " #1),
    )
    .bind(channel)
    .fetch_all(&mut *conn)
    .await?;
    for r in &samples {
        let at: DateTime<Utc> = r.get("observed_at");
        let v: i64 = r.get("viewers");
        let e = per_day
            .entry((r.get("session_id"), day_of(at, tz)))
            .or_insert((0, 0, i64::MIN));
        // Saturating: stored samples from before figures were bounded may be huge.
        e.0 = e.0.saturating_add(v);
        e.1 += 1;
        e.2 = e.2.max(v);
    }
    let mut live_days: BTreeSet<NaiveDate> = BTreeSet::new();
    for s in &sessions {
        let (mut d, last) = (day_of(s.start, tz), day_of(s.end.max(s.start), tz));
        let mut guard = 0;
        while d <= last && guard < 400 {
            live_days.insert(d);
            d += Duration::days(1);
            guard += 1;
        }
    }
    for day in live_days {
        let (start, end) = day_bounds(day, tz);
        let spans: Vec<SessionSpan> = sessions
            .iter()
            // The same comparisons as `recompute_day`'s SQL.
            .filter(|s| s.start < end && s.end >= start)
            .map(|s| {
                let agg = per_day.get(&(s.id, day));
                SessionSpan {
                    start: s.start,
                    end: s.end.max(s.start),
                    avg_viewers: agg.map_or(s.avg, |a| a.0 as f64 / a.1 as f64),
                    peak_viewers: agg.map_or(s.peak, |a| a.2).max(0) as u64,
                }
            })
            .collect();
        let live = live_metrics(&spans, start, end);
        if live.streams > 0 {
            days.entry(day).or_default().live = live;
        }
    }
    // Days whose samples were thinned keep their stored live metrics.
    for ((ch, day), live) in frozen {
        if *ch == channel {
            days.entry(*day).or_default().live = *live;
        }
    }

    write_days(conn, channel, &days).await
}

/// Per local day, the channel's last counters (the last non-NULL value of each) and when the
/// day's last snapshot was taken.
async fn snapshot_days(
    conn: &mut db::Conn,
    channel: i64,
    tz: Tz,
) -> Result<std::collections::BTreeMap<NaiveDate, DayAcc>> {
    use std::collections::BTreeMap;
    let mut days: BTreeMap<NaiveDate, DayAcc> = BTreeMap::new();
    let snaps = db::query(
        sql!("SELECT observed_at, followers, total_views, video_count FROM channel_snapshots
         WHERE channel_id = " #1 " ORDER BY observed_at"),
    )
    .bind(channel)
    .fetch_all(&mut *conn)
    .await?;
    for r in &snaps {
        let at: DateTime<Utc> = r.get("observed_at");
        let d = days.entry(day_of(at, tz)).or_default();
        // Ordered by time: the last non-NULL value of the day wins, as in `recompute_day`.
        if let Some(v) = r.get::<Option<i64>, _>("followers") {
            d.followers = Some(v);
        }
        if let Some(v) = r.get::<Option<i64>, _>("total_views") {
            d.total_views = Some(v);
        }
        if let Some(v) = r.get::<Option<i64>, _>("video_count") {
            d.video_count = Some(v);
        }
        d.closed_at = Some(at);
    }
    Ok(days)
}

/// Write a channel's rebuilt day rows, with the deltas between consecutive days.
async fn write_days(
    conn: &mut db::Conn,
    channel: i64,
    days: &std::collections::BTreeMap<NaiveDate, DayAcc>,
) -> Result<u64> {
    let mut written = 0;
    // The previous row's day and closes (followers, views, videos).
    let mut prev: Option<(NaiveDate, [Option<i64>; 3])> = None;
    for (day, d) in days {
        let delta = |cur: Option<i64>, i: usize| {
            let p = prev.as_ref().filter(|p| p.0 + Duration::days(1) == *day)?;
            Some(cur? - p.1[i]?)
        };
        db::query(
            sql!("INSERT INTO channel_daily (channel_id, day, followers, total_views, video_count, closed_at,
                streams, live_minutes, peak_viewers, avg_viewers, hours_watched,
                followers_delta, views_delta, video_count_delta)
             VALUES (" #1 ", " #2 ", " #3 ", " #4 ", " #5 ", " #6 ", " #7 ", " #8 ", " #9 ", " #10 ", " #11 ", " #12 ", " #13 ", " #14 ")"),
        )
        .bind(channel)
        .bind(db_day(*day))
        .bind(d.followers)
        .bind(d.total_views)
        .bind(d.video_count)
        .bind(d.closed_at)
        .bind(d.live.streams as i64)
        .bind(d.live.hours_streamed * 60.0)
        .bind(d.live.peak_viewers.map(|p| p as i64))
        .bind(d.live.avg_viewers)
        .bind(d.live.hours_watched)
        .bind(delta(d.followers, 0))
        .bind(delta(d.total_views, 1))
        .bind(delta(d.video_count, 2))
        .execute(&mut *conn)
        .await?;
        written += 1;
        prev = Some((*day, [d.followers, d.total_views, d.video_count]));
    }
    Ok(written)
}

/// One channel-day's live metrics: from the sessions overlapping it and their samples inside it
/// (the day's peak and average come from those samples, or from the whole session when none fell
/// in the day); a day whose samples were thinned keeps its stored metrics.
async fn day_live(
    conn: &mut db::Conn,
    channel: i64,
    day_s: &str,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
) -> Result<streamtide_analytics::LiveMetrics> {
    let rows = db::query(
        sql! {
            sqlite, postgres: ("SELECT s.started_at, COALESCE(s.ended_at, s.last_seen_at) AS ended, s.viewer_sum, s.sample_count,
                s.peak_viewers,
                (SELECT MAX(viewers) FROM live_samples l WHERE l.session_id = s.id AND l.observed_at >= " #2 " AND l.observed_at < " #3 ") AS day_peak,
                (SELECT CAST(AVG(viewers) AS DOUBLE PRECISION) FROM live_samples l WHERE l.session_id = s.id AND l.observed_at >= " #2 " AND l.observed_at < " #3 ") AS day_avg
         FROM live_sessions s
         WHERE s.channel_id = " #1 " AND s.started_at < " #3 " AND COALESCE(s.ended_at, s.last_seen_at) >= " #2);
            mysql: ("SELECT s.started_at, COALESCE(s.ended_at, s.last_seen_at) AS ended, s.viewer_sum, s.sample_count,
                s.peak_viewers,
                (SELECT MAX(viewers) FROM live_samples l WHERE l.session_id = s.id AND l.observed_at >= " #2 " AND l.observed_at < " #3 ") AS day_peak,
                (SELECT CAST(AVG(viewers) AS DOUBLE) FROM live_samples l WHERE l.session_id = s.id AND l.observed_at >= " #2 " AND l.observed_at < " #3 ") AS day_avg
         FROM live_sessions s
         WHERE s.channel_id = " #1 " AND s.started_at < " #3 " AND COALESCE(s.ended_at, s.last_seen_at) >= " #2);
        },
    )
    .bind(channel)
    .bind(start)
    .bind(end)
    .fetch_all(&mut *conn)
    .await?;
    let spans: Vec<SessionSpan> = rows
        .iter()
        .map(|r| {
            let start: DateTime<Utc> = r.get("started_at");
            let end: DateTime<Utc> = r.get("ended");
            let day_avg: Option<f64> = r.get("day_avg");
            let day_peak: Option<i64> = r.get("day_peak");
            // Widened: a stored sum may be beyond i64 (see `db::lenient_count`).
            let sum = db::lenient_count(r, "viewer_sum");
            let n = db::lenient_count(r, "sample_count");
            let session_avg = if n > 0.0 { sum / n } else { 0.0 };
            SessionSpan {
                start,
                end: end.max(start),
                avg_viewers: day_avg.unwrap_or(session_avg),
                peak_viewers: day_peak
                    .map(|p| p as f64)
                    .unwrap_or_else(|| db::lenient_count(r, "peak_viewers"))
                    .max(0.0) as u64,
            }
        })
        .collect();
    let mut live = live_metrics(&spans, start, end);
    if crate::retention::live_frozen_before(&mut *conn)
        .await?
        .is_some_and(|w| end <= w)
    {
        // The day's samples were thinned: its stored live metrics are the record.
        if let Some(kept) = crate::retention::stored_live(&mut *conn, channel, day_s).await? {
            live = kept;
        }
    }
    Ok(live)
}

/// Recompute one channel-day and the deltas that depend on it (its own and the next day's).
pub(crate) async fn recompute_day(
    conn: &mut db::Conn,
    channel: i64,
    day: NaiveDate,
    tz: Tz,
) -> Result<()> {
    let (start, end) = day_bounds(day, tz);
    let (s, e) = (start, end);
    // The day's last non-NULL value of each counter, and its last observation.
    let backend = conn.backend();
    let in_day = |b: &mut db::Built| {
        db::built_push!(b; "channel_id = " #1 " AND observed_at >= " #2 " AND observed_at < " #3);
    };
    let mut sql = db::built!(backend; "SELECT ");
    staging::push_latest_snapshot_value(&mut sql, "followers", in_day);
    sql.push(" AS followers, ");
    staging::push_latest_snapshot_value(&mut sql, "total_views", in_day);
    sql.push(" AS total_views, ");
    staging::push_latest_snapshot_value(&mut sql, "video_count", in_day);
    sql.push(" AS video_count, ");
    staging::push_latest_snapshot_value(&mut sql, "observed_at", in_day);
    sql.push(" AS closed_at");
    let closes = db::query(sql)
        .bind(channel)
        .bind(s)
        .bind(e)
        .fetch_one(&mut *conn)
        .await?;
    let followers: Option<i64> = closes.get("followers");
    let total_views: Option<i64> = closes.get("total_views");
    let video_count: Option<i64> = closes.get("video_count");
    let closed_at: Option<DateTime<Utc>> = closes.get("closed_at");

    let day_s = db_day(day);
    let live = day_live(conn, channel, &day_s, (start, end)).await?;

    if followers.is_none()
        && total_views.is_none()
        && video_count.is_none()
        && closed_at.is_none()
        && live.streams == 0
    {
        db::query(sql!("DELETE FROM channel_daily WHERE channel_id = " #1 " AND day = " #2))
            .bind(channel)
            .bind(&day_s)
            .execute(&mut *conn)
            .await?;
    } else {
        db::query(
            sql! {
                sqlite, postgres: ("INSERT INTO channel_daily (channel_id, day, followers, total_views, video_count, closed_at,
                streams, live_minutes, peak_viewers, avg_viewers, hours_watched)
             VALUES (" #1 ", " #2 ", " #3 ", " #4 ", " #5 ", " #6 ", " #7 ", " #8 ", " #9 ", " #10 ", " #11 ")
             ON CONFLICT (channel_id, day) DO UPDATE SET
               followers = excluded.followers, total_views = excluded.total_views,
               video_count = excluded.video_count, closed_at = excluded.closed_at,
               streams = excluded.streams, live_minutes = excluded.live_minutes,
               peak_viewers = excluded.peak_viewers, avg_viewers = excluded.avg_viewers,
               hours_watched = excluded.hours_watched");
                mysql: ("INSERT INTO channel_daily (channel_id, day, followers, total_views, video_count, closed_at,
                streams, live_minutes, peak_viewers, avg_viewers, hours_watched)
             VALUES (" #1 ", " #2 ", " #3 ", " #4 ", " #5 ", " #6 ", " #7 ", " #8 ", " #9 ", " #10 ", " #11 ")
             ON DUPLICATE KEY UPDATE
               followers = VALUES(followers), total_views = VALUES(total_views),
               video_count = VALUES(video_count), closed_at = VALUES(closed_at),
               streams = VALUES(streams), live_minutes = VALUES(live_minutes),
               peak_viewers = VALUES(peak_viewers), avg_viewers = VALUES(avg_viewers),
               hours_watched = VALUES(hours_watched)");
            },
        )
        .bind(channel)
        .bind(&day_s)
        .bind(followers)
        .bind(total_views)
        .bind(video_count)
        .bind(closed_at)
        .bind(live.streams as i64)
        .bind(live.hours_streamed * 60.0)
        .bind(live.peak_viewers.map(|p| p as i64))
        .bind(live.avg_viewers)
        .bind(live.hours_watched)
        .execute(&mut *conn)
        .await?;
    }
    // This day's deltas against the previous day, and the next day's against this one.
    for d in [day, day + Duration::days(1)] {
        db::query(
            sql!("UPDATE channel_daily SET
               followers_delta = followers - (SELECT p.followers FROM channel_daily p WHERE p.channel_id = " #1 " AND p.day = " #3 "),
               views_delta = total_views - (SELECT p.total_views FROM channel_daily p WHERE p.channel_id = " #1 " AND p.day = " #3 "),
               video_count_delta = video_count - (SELECT p.video_count FROM channel_daily p WHERE p.channel_id = " #1 " AND p.day = " #3 ")
             WHERE channel_id = " #1 " AND day = " #2),
        )
        .bind(channel)
        .bind(db_day(d))
        .bind(db_day(d - Duration::days(1)))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
