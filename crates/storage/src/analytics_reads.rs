//! Analytics queries: per-channel / per-creator
//! statistics (changes, gains, live metrics, projection) computed with `streamtide-analytics`
//! (rankings are in `trends`).

use crate::db;
use crate::db::sql;
use crate::staging;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;
use streamtide_analytics::{
    day_of, live_metrics, sum_closes, Change, DailyClose, LiveMetrics, Projection, Sample, Series,
    SessionSpan, PERIODS,
};
use streamtide_core::Platform;

use crate::rollups::db_day;
use crate::rows::u64_of;
use crate::{Result, Store};

/// How many days of raw observations the statistics read (the longest period plus margin).
const STATS_LOOKBACK_DAYS: i64 = 130;
/// Days of daily closes the projection fits.
pub const PROJECTION_WINDOW_DAYS: u32 = 90;

/// The latest figures of a channel or creator.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct NowFigures {
    pub followers: Option<u64>,
    pub total_views: Option<u64>,
    pub video_count: Option<u64>,
    pub observed_at: Option<DateTime<Utc>>,
}

/// Trend statistics of a channel or a creator (follower counts; live over the last 30 days).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendStats {
    pub now: NowFigures,
    /// Follower change over each of [`PERIODS`], in that order.
    pub changes: Vec<(u32, Change)>,
    pub avg_daily_gain_7d: Option<f64>,
    pub acceleration: Option<i64>,
    pub live_30d: LiveMetrics,
    pub projection: Option<Projection>,
}

/// Statistics of one channel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelStatsRow {
    pub platform: Platform,
    pub channel_id: String,
    pub name: String,
    pub stats: TrendStats,
}

/// A channel linked to a creator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkedChannel {
    pub platform: Platform,
    pub channel_id: String,
    pub name: String,
}

/// Statistics of a creator, summed across their channels.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CreatorStatsRow {
    pub creator_id: i64,
    pub name: String,
    pub channels: Vec<LinkedChannel>,
    pub stats: TrendStats,
}

/// One rollup row, for exports and charts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DailyRow {
    pub day: NaiveDate,
    pub followers: Option<u64>,
    pub total_views: Option<u64>,
    pub video_count: Option<u64>,
    pub followers_delta: Option<i64>,
    pub views_delta: Option<i64>,
    pub video_count_delta: Option<i64>,
    pub streams: u64,
    pub live_minutes: f64,
    pub peak_viewers: Option<u64>,
    pub avg_viewers: Option<f64>,
    pub hours_watched: f64,
}

fn parse_day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

impl Store {
    /// Rollup rows of a channel in `[from, to]`, oldest first.
    pub async fn channel_daily(
        &self,
        platform: Platform,
        id: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<DailyRow>> {
        let rows = db::query(
            sql!("SELECT d.* FROM channel_daily d JOIN channels c ON c.id = d.channel_id
             WHERE c.platform = " #1 " AND c.platform_id = " #2 " AND d.day >= " #3 " AND d.day <= " #4 " ORDER BY d.day"),
        )
        .bind(platform.as_str())
        .bind(id)
        .bind(db_day(from))
        .bind(db_day(to))
        .fetch_all(&self.pool)
        .await?;
        let u = |r: &db::Row, c: &str| r.get::<Option<i64>, _>(c).map(|v| v.max(0) as u64);
        Ok(rows
            .iter()
            .filter_map(|r| {
                Some(DailyRow {
                    day: parse_day(&r.get::<String, _>("day"))?,
                    followers: u(r, "followers"),
                    total_views: u(r, "total_views"),
                    video_count: u(r, "video_count"),
                    followers_delta: r.get("followers_delta"),
                    views_delta: r.get("views_delta"),
                    video_count_delta: r.get("video_count_delta"),
                    streams: u(r, "streams").unwrap_or(0),
                    live_minutes: r.get("live_minutes"),
                    peak_viewers: u(r, "peak_viewers"),
                    avg_viewers: r.get("avg_viewers"),
                    hours_watched: r.get("hours_watched"),
                })
            })
            .collect())
    }

    /// Trend statistics of one channel, from its raw observations (so rounded counts are
    /// estimated between their real changes); `None` for an unknown channel.
    pub async fn channel_stats(
        &self,
        platform: Platform,
        id: &str,
    ) -> Result<Option<ChannelStatsRow>> {
        let Some(ch) = db::query(
            sql!("SELECT id, name FROM channels WHERE platform = " #1 " AND platform_id = " #2),
        )
        .bind(platform.as_str())
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let pk: i64 = ch.get("id");
        let tz = self.analytics_timezone().await?;
        let now = self.now_figures(&[pk]).await?;
        let Some(latest) = now.observed_at.or(self.latest_session_time(&[pk]).await?) else {
            return Ok(Some(ChannelStatsRow {
                platform,
                channel_id: id.to_string(),
                name: ch.get("name"),
                stats: empty_stats(now),
            }));
        };
        let from = latest - Duration::days(STATS_LOOKBACK_DAYS);
        let rows = db::query(
            sql!("SELECT observed_at, followers FROM channel_snapshots
             WHERE channel_id = " #1 " AND observed_at >= " #2 " AND followers IS NOT NULL ORDER BY observed_at"),
        )
        .bind(pk)
        .bind(from)
        .fetch_all(&self.pool)
        .await?;
        let samples: Vec<Sample> = rows
            .iter()
            .map(|r| {
                let v = u64_of(r, "followers");
                Sample {
                    at: r.get("observed_at"),
                    value: Some(v),
                    rounded: streamtide_analytics::count_is_rounded(platform, v),
                }
            })
            .collect();
        let series = Series::new(&samples, tz);
        let live = self.live_30d(&[pk], latest).await?;
        Ok(Some(ChannelStatsRow {
            platform,
            channel_id: id.to_string(),
            name: ch.get("name"),
            stats: stats_of(&series, now, live, day_of(latest, tz)),
        }))
    }

    /// Trend statistics of a creator: follower closes summed across the linked channels per day
    /// (a day counts only when every channel has a close), live metrics over all of them.
    pub async fn creator_stats(&self, creator: i64) -> Result<Option<CreatorStatsRow>> {
        let Some(name) =
            db::query_scalar::<String>(sql!("SELECT name FROM creators WHERE id = " #1))
                .bind(creator)
                .fetch_optional(&self.pool)
                .await?
        else {
            return Ok(None);
        };
        let rows = db::query(
            sql!("SELECT id, platform, platform_id, name FROM channels WHERE creator_id = " #1 " ORDER BY platform, platform_id"),
        )
        .bind(creator)
        .fetch_all(&self.pool)
        .await?;
        let mut channels = Vec::new();
        let mut pks = Vec::new();
        let mut per_channel = Vec::new();
        for r in &rows {
            let pk: i64 = r.get("id");
            let platform = crate::stored_platform(&r.get::<String, _>("platform"))?;
            let closes = db::query(sql!("SELECT day, closed_at, followers FROM channel_daily
                 WHERE channel_id = " #1 " AND followers IS NOT NULL ORDER BY day"))
            .bind(pk)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .filter_map(|d| {
                let v = u64_of(d, "followers");
                Some(DailyClose {
                    day: parse_day(&d.get::<String, _>("day"))?,
                    at: d.get::<Option<DateTime<Utc>>, _>("closed_at")?,
                    value: v,
                    rounded: streamtide_analytics::count_is_rounded(platform, v),
                })
            })
            .collect::<Vec<_>>();
            per_channel.push(closes);
            pks.push(pk);
            channels.push(LinkedChannel {
                platform,
                channel_id: r.get("platform_id"),
                name: r.get("name"),
            });
        }
        let now = self.now_figures(&pks).await?;
        let summed = sum_closes(&per_channel, 2);
        let series = Series::from_closes(&summed);
        let stats = match now.observed_at.or(self.latest_session_time(&pks).await?) {
            Some(latest) => {
                let tz = self.analytics_timezone().await?;
                let live = self.live_30d(&pks, latest).await?;
                let as_of = series.last_day().unwrap_or_else(|| day_of(latest, tz));
                stats_of(&series, now, live, as_of)
            }
            None => empty_stats(now),
        };
        Ok(Some(CreatorStatsRow {
            creator_id: creator,
            name,
            channels,
            stats,
        }))
    }

    /// Latest figures summed over channels (each channel's latest non-NULL value).
    async fn now_figures(&self, pks: &[i64]) -> Result<NowFigures> {
        let mut now = NowFigures::default();
        let of_channel = |b: &mut db::Built| {
            db::built_push!(b; "channel_id = " #1);
        };
        let mut sql = db::built!(self.backend(); "SELECT ");
        staging::push_latest_snapshot_value(&mut sql, "followers", of_channel);
        sql.push(" AS followers, ");
        staging::push_latest_snapshot_value(&mut sql, "total_views", of_channel);
        sql.push(" AS total_views, ");
        staging::push_latest_snapshot_value(&mut sql, "video_count", of_channel);
        sql.push(" AS video_count, ");
        staging::push_latest_snapshot_value(&mut sql, "observed_at", of_channel);
        sql.push(" AS observed_at");
        for pk in pks {
            let r = db::query(&sql).bind(pk).fetch_one(&self.pool).await?;
            let add = |acc: Option<u64>, v: Option<i64>| match (acc, v) {
                (a, None) => a,
                (a, Some(v)) => Some(a.unwrap_or(0) + v.max(0) as u64),
            };
            now.followers = add(now.followers, r.get("followers"));
            now.total_views = add(now.total_views, r.get("total_views"));
            now.video_count = add(now.video_count, r.get("video_count"));
            let at = r.get::<Option<DateTime<Utc>>, _>("observed_at");
            now.observed_at = now.observed_at.max(at);
        }
        Ok(now)
    }

    async fn latest_session_time(&self, pks: &[i64]) -> Result<Option<DateTime<Utc>>> {
        let mut out = None;
        for pk in pks {
            let t: Option<DateTime<Utc>> = db::query_scalar(
                sql!("SELECT MAX(last_seen_at) FROM live_sessions WHERE channel_id = " #1),
            )
            .bind(pk)
            .fetch_one(&self.pool)
            .await?;
            out = out.max(t);
        }
        Ok(out)
    }

    /// Live metrics of the channels over the 30 days up to `until`.
    async fn live_30d(&self, pks: &[i64], until: DateTime<Utc>) -> Result<LiveMetrics> {
        let from = until - Duration::days(30);
        let mut spans = Vec::new();
        for pk in pks {
            let rows = db::query(
                sql!("SELECT started_at, COALESCE(ended_at, last_seen_at) AS ended, viewer_sum, sample_count, peak_viewers
                 FROM live_sessions WHERE channel_id = " #1 " AND COALESCE(ended_at, last_seen_at) >= " #2),
            )
            .bind(pk)
            .bind(from)
            .fetch_all(&self.pool)
            .await?;
            spans.extend(rows.iter().map(|r| {
                let start: DateTime<Utc> = r.get("started_at");
                let end: DateTime<Utc> = r.get("ended");
                // Widened: a stored sum may be beyond i64 (see `db::lenient_count`).
                let n = db::lenient_count(r, "sample_count");
                let sum = db::lenient_count(r, "viewer_sum");
                SessionSpan {
                    start,
                    end: end.max(start),
                    avg_viewers: if n > 0.0 { sum / n } else { 0.0 },
                    peak_viewers: db::lenient_count(r, "peak_viewers").max(0.0) as u64,
                }
            }));
        }
        // `until` is inclusive: a session still open at the latest observation counts.
        Ok(live_metrics(&spans, from, until + Duration::seconds(1)))
    }
}

fn empty_stats(now: NowFigures) -> TrendStats {
    TrendStats {
        now,
        changes: PERIODS.iter().map(|d| (*d, Change::default())).collect(),
        avg_daily_gain_7d: None,
        acceleration: None,
        live_30d: LiveMetrics::default(),
        projection: None,
    }
}

fn stats_of(series: &Series, now: NowFigures, live: LiveMetrics, as_of: NaiveDate) -> TrendStats {
    TrendStats {
        now,
        changes: PERIODS
            .iter()
            .map(|d| (*d, series.change(as_of, *d)))
            .collect(),
        avg_daily_gain_7d: series.avg_daily_gain(as_of, 7),
        acceleration: series.acceleration(as_of),
        live_30d: live,
        projection: series.projection(as_of, PROJECTION_WINDOW_DAYS),
    }
}
