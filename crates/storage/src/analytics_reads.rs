//! Analytics queries: rankings of movers over the daily rollups, and per-channel / per-creator
//! statistics (changes, gains, live metrics, projection) computed with `streamtide-analytics`.

use crate::db;
use crate::staging;
use crate::Backend;
use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;
use sqlx::Row;
use streamtide_analytics::{
    boundary_tolerance_days, day_of, live_metrics, sum_closes, Change, DailyClose, LiveMetrics,
    Projection, Sample, Series, SessionSpan, PERIODS,
};
use streamtide_core::Platform;

use crate::rollups::db_day;
use crate::time::{from_db_time, to_db_time};
use crate::{Result, Store};

/// How many days of raw observations the statistics read (the longest period plus margin).
const STATS_LOOKBACK_DAYS: i64 = 130;
/// Days of daily closes the projection fits.
pub const PROJECTION_WINDOW_DAYS: u32 = 90;

/// What a ranking ranks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TrendMetric {
    /// Change of the closing follower count.
    Followers,
    /// Change of the closing total views.
    Views,
    /// Time-weighted average live viewers over the period against the previous period.
    Viewers,
    /// Hours watched over the period against the previous period.
    HoursWatched,
}

impl TrendMetric {
    pub const ALL: [TrendMetric; 4] = [
        TrendMetric::Followers,
        TrendMetric::Views,
        TrendMetric::Viewers,
        TrendMetric::HoursWatched,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            TrendMetric::Followers => "followers",
            TrendMetric::Views => "views",
            TrendMetric::Viewers => "viewers",
            TrendMetric::HoursWatched => "hours_watched",
        }
    }
}

impl std::str::FromStr for TrendMetric {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        TrendMetric::ALL
            .into_iter()
            .find(|m| m.as_str() == s.trim())
            .ok_or_else(|| {
                format!(
                    "unknown metric `{s}` (expected followers, views, viewers or hours_watched)"
                )
            })
    }
}

/// A ranking period: `1d`, `7d`, `30d` or `90d`.
pub fn parse_period(s: &str) -> std::result::Result<u32, String> {
    let s = s.trim();
    PERIODS
        .into_iter()
        .find(|d| format!("{d}d") == s)
        .ok_or_else(|| format!("unknown period `{s}` (expected 1d, 7d, 30d or 90d)"))
}

/// How a ranking orders its items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TrendSort {
    /// By absolute change.
    #[default]
    Change,
    /// By percent change.
    Pct,
}

/// A ranking request.
#[derive(Debug, Clone)]
pub struct TrendQuery {
    pub metric: TrendMetric,
    pub period_days: u32,
    /// `true`: top gainers (largest change first); `false`: top losers.
    pub up: bool,
    pub platform: Option<Platform>,
    /// Category (id or name, case-insensitive) of the channel's most recent broadcast.
    pub category: Option<String>,
    pub limit: u32,
    pub sort: TrendSort,
    /// The last day of the period (default: the latest day with rollups).
    pub as_of: Option<NaiveDate>,
    /// Rank creators (each the sum of their linked channels on every platform) instead of
    /// channels. Channels without a creator are left out.
    pub by_creator: bool,
}

/// One ranked channel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendRow {
    pub rank: u32,
    /// Rank in the same ranking over the period before; `None` if not ranked then.
    pub previous_rank: Option<u32>,
    pub platform: Platform,
    pub channel_id: String,
    pub channel_name: String,
    pub avatar_url: Option<String>,
    pub start_value: i64,
    pub end_value: i64,
    pub change: i64,
    pub change_pct: Option<f64>,
    /// The platform rounds these values (YouTube subscribers ≥ 1,000): the change is approximate.
    pub rounded: bool,
    /// In a creator ranking: the creator (then `channel_*` name their largest channel and
    /// `channel_name` is the creator's name).
    pub creator_id: Option<i64>,
}

/// A ranking and the day it ends on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendList {
    pub as_of: Option<NaiveDate>,
    pub items: Vec<TrendRow>,
}

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

fn is_rounded(platform: Platform, value: u64) -> bool {
    platform == Platform::Youtube && streamtide_analytics::youtube_rounded(value)
}

/// Per-channel (or per-creator) values of one period end and its two boundaries.
struct Candidate {
    platform: Platform,
    channel_id: String,
    name: String,
    avatar_url: Option<String>,
    creator_id: Option<i64>,
    end: Option<i64>,
    start: Option<i64>,
    prev: Option<i64>,
    /// The start value paired with `prev` for the previous period's ranking. For a channel it is
    /// `start`; for a creator it sums only channels that have both `prev` and `start`.
    prev_pair_start: Option<i64>,
    rounded: bool,
}

/// Fold channel candidates into one per creator. A creator's change over a period sums the
/// channels that have values at both ends of it, so a channel added midway does not count as a
/// gain of its whole audience.
fn by_creator(cands: Vec<Candidate>, names: &HashMap<i64, String>) -> Vec<Candidate> {
    let mut groups: HashMap<i64, Vec<Candidate>> = HashMap::new();
    for c in cands {
        if let Some(id) = c.creator_id {
            groups.entry(id).or_default().push(c);
        }
    }
    let mut out: Vec<Candidate> = groups
        .into_iter()
        .map(|(id, chans)| {
            let sum = |f: &dyn Fn(&Candidate) -> Option<(i64, i64)>| -> Option<(i64, i64)> {
                let pairs: Vec<(i64, i64)> = chans.iter().filter_map(f).collect();
                (!pairs.is_empty())
                    .then(|| pairs.iter().fold((0, 0), |a, p| (a.0 + p.0, a.1 + p.1)))
            };
            let cur = sum(&|c| Some((c.start?, c.end?)));
            let before = sum(&|c| Some((c.prev?, c.prev_pair_start?)));
            let lead = chans
                .iter()
                .max_by_key(|c| {
                    (
                        c.end.unwrap_or(i64::MIN),
                        std::cmp::Reverse(c.channel_id.clone()),
                    )
                })
                .expect("a group has at least one channel");
            Candidate {
                platform: lead.platform,
                channel_id: lead.channel_id.clone(),
                name: names.get(&id).cloned().unwrap_or_else(|| lead.name.clone()),
                avatar_url: lead.avatar_url.clone(),
                creator_id: Some(id),
                start: cur.map(|p| p.0),
                end: cur.map(|p| p.1),
                prev: before.map(|p| p.0),
                prev_pair_start: before.map(|p| p.1),
                rounded: chans.iter().any(|c| c.rounded),
            }
        })
        .collect();
    // HashMap order is random; rankings must not be.
    out.sort_by_key(|c| c.creator_id);
    out
}

fn rank_changes(
    cands: &[Candidate],
    pick: impl Fn(&Candidate) -> Option<(i64, i64)>,
    up: bool,
    sort: TrendSort,
) -> Vec<(usize, i64, i64)> {
    let mut v: Vec<(usize, i64, i64)> = cands
        .iter()
        .enumerate()
        .filter_map(|(i, c)| pick(c).map(|(s, e)| (i, s, e)))
        .collect();
    let key = |&(_, s, e): &(usize, i64, i64)| -> f64 {
        match sort {
            TrendSort::Change => (e - s) as f64,
            TrendSort::Pct if s > 0 => (e - s) as f64 / s as f64,
            // No percent from a zero start: a new channel ranks by its absolute change, after
            // every channel with a percent.
            TrendSort::Pct => f64::NEG_INFINITY,
        }
    };
    v.sort_by(|a, b| {
        let (ka, kb) = (key(a), key(b));
        let ord = if up {
            kb.total_cmp(&ka)
        } else {
            ka.total_cmp(&kb)
        };
        ord.then_with(|| {
            cands[a.0]
                .platform
                .as_str()
                .cmp(cands[b.0].platform.as_str())
        })
        .then_with(|| cands[a.0].channel_id.cmp(&cands[b.0].channel_id))
    });
    v
}

impl Store {
    /// The latest day that has rollups.
    pub async fn latest_rollup_day(&self) -> Result<Option<NaiveDate>> {
        let d: Option<String> = db::query_scalar("SELECT MAX(day) FROM channel_daily")
            .fetch_one(&self.pool)
            .await?;
        Ok(d.as_deref().and_then(parse_day))
    }

    /// Each channel's close of `col` at or up to `tol` days before `day`.
    async fn closes_at(&self, col: &str, day: NaiveDate, tol: i64) -> Result<HashMap<i64, i64>> {
        let sql = match self.backend() {
            // SQLite takes a bare column of a MAX() aggregate from the row holding the maximum:
            // the latest day's value, one row per channel, from the covering index alone.
            Backend::Sqlite => format!(
                "SELECT channel_id, MAX(day), {col} FROM channel_daily INDEXED BY channel_daily_day
                 WHERE day <= ?1 AND day >= ?2 AND {col} IS NOT NULL GROUP BY channel_id"
            ),
            // Elsewhere a bare column is an error (PostgreSQL) or any row's value (MySQL).
            Backend::Postgres | Backend::MySql => format!(
                "SELECT d.channel_id, d.day, d.{col} FROM channel_daily d
                 JOIN (SELECT channel_id, MAX(day) AS last_day FROM channel_daily
                       WHERE day <= ?1 AND day >= ?2 AND {col} IS NOT NULL GROUP BY channel_id) m
                   ON d.channel_id = m.channel_id AND d.day = m.last_day"
            ),
        };
        let rows: Vec<(i64, Option<String>, Option<i64>)> = db::query_as(&sql)
            .bind(db_day(day))
            .bind(db_day(day - Duration::days(tol)))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, _, v)| Some((id, v?)))
            .collect())
    }

    /// Per channel live in `(after, until]`: hours watched, or time-weighted average viewers.
    async fn live_window(
        &self,
        after: NaiveDate,
        until: NaiveDate,
        viewers: bool,
    ) -> Result<HashMap<i64, i64>> {
        let index = match self.backend() {
            Backend::Sqlite => "INDEXED BY channel_daily_live",
            Backend::Postgres | Backend::MySql => "",
        };
        let rows = db::query(format!(
            "SELECT channel_id, SUM(hours_watched) AS hw, SUM(live_minutes) AS lm
             FROM channel_daily {index}
             WHERE day > ?1 AND day <= ?2 AND streams > 0 GROUP BY channel_id"
        ))
        .bind(db_day(after))
        .bind(db_day(until))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| {
                let hw: f64 = r.get("hw");
                let lm: f64 = r.get("lm");
                let v = if viewers {
                    if lm > 0.0 {
                        hw * 60.0 / lm
                    } else {
                        0.0
                    }
                } else {
                    hw
                };
                (r.get("channel_id"), v.round() as i64)
            })
            .collect())
    }

    /// Top gainers or losers of a metric over a period, with each one's rank over the period
    /// before. Channels without a value at both ends of the period are not ranked.
    pub async fn trends(&self, q: &TrendQuery) -> Result<TrendList> {
        let as_of = match q.as_of {
            Some(d) => Some(d),
            None => self.latest_rollup_day().await?,
        };
        let Some(end) = as_of else {
            return Ok(TrendList {
                as_of: None,
                items: Vec::new(),
            });
        };
        let p = i64::from(q.period_days);
        let start = end - Duration::days(p);
        let prev = start - Duration::days(p);
        let tol = boundary_tolerance_days(q.period_days);
        // Candidates first (one row per channel), then one scan of the rollups per boundary or
        // window over covering indexes, joined in memory: a few milliseconds for thousands of
        // channels with years of days, where a lookup per channel and boundary took tens.
        let rows = db::query(
            "SELECT c.id, c.platform, c.platform_id, c.name, c.avatar_url, c.creator_id FROM channels c
             WHERE (?1 IS NULL OR c.platform = ?1)
               AND (?2 IS NULL OR EXISTS (
                 SELECT 1 FROM live_sessions s WHERE s.id = (
                   SELECT s2.id FROM live_sessions s2 WHERE s2.channel_id = c.id ORDER BY s2.started_at DESC LIMIT 1)
                 AND (LOWER(s.category_id) = LOWER(?2) OR LOWER(s.category_name) = LOWER(?2))))",
        )
        .bind(q.platform.map(|p| p.as_str()))
        .bind(q.category.as_deref().map(str::trim).filter(|c| !c.is_empty()))
        .fetch_all(&self.pool)
        .await?;
        let (e_vals, s_vals, p_vals) = match q.metric {
            TrendMetric::Followers | TrendMetric::Views => {
                let col = if q.metric == TrendMetric::Followers {
                    "followers"
                } else {
                    "total_views"
                };
                (
                    self.closes_at(col, end, tol).await?,
                    self.closes_at(col, start, tol).await?,
                    self.closes_at(col, prev, tol).await?,
                )
            }
            TrendMetric::HoursWatched | TrendMetric::Viewers => {
                let viewers = q.metric == TrendMetric::Viewers;
                let (e, s, p) = (
                    self.live_window(start, end, viewers).await?,
                    self.live_window(prev, start, viewers).await?,
                    self.live_window(prev - Duration::days(p), prev, viewers)
                        .await?,
                );
                // A channel live in any of the windows counts 0 in the others: nobody watched.
                let mut all: Vec<i64> = e.keys().chain(s.keys()).chain(p.keys()).copied().collect();
                all.sort_unstable();
                all.dedup();
                let fill = |m: HashMap<i64, i64>| -> HashMap<i64, i64> {
                    all.iter()
                        .map(|id| (*id, m.get(id).copied().unwrap_or(0)))
                        .collect()
                };
                (fill(e), fill(s), fill(p))
            }
        };
        let cands: Vec<Candidate> = rows
            .iter()
            .map(|r| {
                let id: i64 = r.get("id");
                Candidate {
                    platform: r
                        .get::<String, _>("platform")
                        .parse()
                        .unwrap_or(Platform::Chzzk),
                    channel_id: r.get("platform_id"),
                    name: r.get("name"),
                    avatar_url: r.get("avatar_url"),
                    creator_id: r.get("creator_id"),
                    end: e_vals.get(&id).copied(),
                    start: s_vals.get(&id).copied(),
                    prev: p_vals.get(&id).copied(),
                    prev_pair_start: s_vals.get(&id).copied(),
                    rounded: false,
                }
            })
            .map(|mut c: Candidate| {
                c.rounded = q.metric == TrendMetric::Followers
                    && [c.start, c.end]
                        .iter()
                        .flatten()
                        .any(|v| is_rounded(c.platform, (*v).max(0) as u64));
                c
            })
            .collect();
        let cands = if q.by_creator {
            let names: HashMap<i64, String> =
                db::query_as::<(i64, String)>("SELECT id, name FROM creators")
                    .fetch_all(&self.pool)
                    .await?
                    .into_iter()
                    .collect();
            by_creator(cands, &names)
        } else {
            cands
        };
        let current = rank_changes(&cands, |c| Some((c.start?, c.end?)), q.up, q.sort);
        let before = rank_changes(
            &cands,
            |c| Some((c.prev?, c.prev_pair_start?)),
            q.up,
            q.sort,
        );
        let before_rank: HashMap<usize, u32> = before
            .iter()
            .enumerate()
            .map(|(r, (i, _, _))| (*i, r as u32 + 1))
            .collect();
        let items = current
            .into_iter()
            .take(q.limit as usize)
            .enumerate()
            .map(|(r, (i, s, e))| {
                let c = &cands[i];
                TrendRow {
                    rank: r as u32 + 1,
                    previous_rank: before_rank.get(&i).copied(),
                    platform: c.platform,
                    channel_id: c.channel_id.clone(),
                    channel_name: c.name.clone(),
                    avatar_url: c.avatar_url.clone(),
                    start_value: s,
                    end_value: e,
                    change: e - s,
                    change_pct: (s > 0).then(|| (e - s) as f64 * 100.0 / s as f64),
                    rounded: c.rounded,
                    creator_id: c.creator_id.filter(|_| q.by_creator),
                }
            })
            .collect();
        Ok(TrendList {
            as_of: Some(end),
            items,
        })
    }

    /// Rollup rows of a channel in `[from, to]`, oldest first.
    pub async fn channel_daily(
        &self,
        platform: Platform,
        id: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<DailyRow>> {
        let rows = db::query(
            "SELECT d.* FROM channel_daily d JOIN channels c ON c.id = d.channel_id
             WHERE c.platform = ?1 AND c.platform_id = ?2 AND d.day >= ?3 AND d.day <= ?4 ORDER BY d.day",
        )
        .bind(platform.as_str())
        .bind(id)
        .bind(db_day(from))
        .bind(db_day(to))
        .fetch_all(&self.pool)
        .await?;
        let u =
            |r: &sqlx::any::AnyRow, c: &str| r.get::<Option<i64>, _>(c).map(|v| v.max(0) as u64);
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
        let Some(ch) =
            db::query("SELECT id, name FROM channels WHERE platform = ?1 AND platform_id = ?2")
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
            "SELECT observed_at, followers FROM channel_snapshots
             WHERE channel_id = ?1 AND observed_at >= ?2 AND followers IS NOT NULL ORDER BY observed_at",
        )
        .bind(pk)
        .bind(to_db_time(from))
        .fetch_all(&self.pool)
        .await?;
        let samples: Vec<Sample> = rows
            .iter()
            .filter_map(|r| {
                let at = from_db_time(&r.get::<String, _>("observed_at"))?;
                let v = r.get::<i64, _>("followers").max(0) as u64;
                Some(Sample {
                    at,
                    value: Some(v),
                    rounded: is_rounded(platform, v),
                })
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
        let Some(name) = db::query_scalar::<String>("SELECT name FROM creators WHERE id = ?1")
            .bind(creator)
            .fetch_optional(&self.pool)
            .await?
        else {
            return Ok(None);
        };
        let rows = db::query(
            "SELECT id, platform, platform_id, name FROM channels WHERE creator_id = ?1 ORDER BY platform, platform_id",
        )
        .bind(creator)
        .fetch_all(&self.pool)
        .await?;
        let mut channels = Vec::new();
        let mut pks = Vec::new();
        let mut per_channel = Vec::new();
        for r in &rows {
            let pk: i64 = r.get("id");
            let platform: Platform = r
                .get::<String, _>("platform")
                .parse()
                .unwrap_or(Platform::Chzzk);
            let closes = db::query(
                "SELECT day, closed_at, followers FROM channel_daily
                 WHERE channel_id = ?1 AND followers IS NOT NULL ORDER BY day",
            )
            .bind(pk)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .filter_map(|d| {
                let v = d.get::<i64, _>("followers").max(0) as u64;
                Some(DailyClose {
                    day: parse_day(&d.get::<String, _>("day"))?,
                    at: d
                        .get::<Option<String>, _>("closed_at")
                        .as_deref()
                        .and_then(from_db_time)?,
                    value: v,
                    rounded: is_rounded(platform, v),
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
        let last = |column: &str| {
            staging::latest_snapshot_value(self.backend(), column, "channel_id = ?1")
        };
        let sql = format!(
            "SELECT {} AS followers, {} AS total_views, {} AS video_count, {} AS observed_at",
            last("followers"),
            last("total_views"),
            last("video_count"),
            last("observed_at"),
        );
        for pk in pks {
            let r = db::query(&sql).bind(pk).fetch_one(&self.pool).await?;
            let add = |acc: Option<u64>, v: Option<i64>| match (acc, v) {
                (a, None) => a,
                (a, Some(v)) => Some(a.unwrap_or(0) + v.max(0) as u64),
            };
            now.followers = add(now.followers, r.get("followers"));
            now.total_views = add(now.total_views, r.get("total_views"));
            now.video_count = add(now.video_count, r.get("video_count"));
            let at = r
                .get::<Option<String>, _>("observed_at")
                .as_deref()
                .and_then(from_db_time);
            now.observed_at = now.observed_at.max(at);
        }
        Ok(now)
    }

    async fn latest_session_time(&self, pks: &[i64]) -> Result<Option<DateTime<Utc>>> {
        let mut out = None;
        for pk in pks {
            let t: Option<String> = db::query_scalar(
                "SELECT MAX(last_seen_at) FROM live_sessions WHERE channel_id = ?1",
            )
            .bind(pk)
            .fetch_one(&self.pool)
            .await?;
            out = out.max(t.as_deref().and_then(from_db_time));
        }
        Ok(out)
    }

    /// Live metrics of the channels over the 30 days up to `until`.
    async fn live_30d(&self, pks: &[i64], until: DateTime<Utc>) -> Result<LiveMetrics> {
        let from = until - Duration::days(30);
        let mut spans = Vec::new();
        for pk in pks {
            let rows = db::query(
                "SELECT started_at, COALESCE(ended_at, last_seen_at) AS ended, viewer_sum, sample_count, peak_viewers
                 FROM live_sessions WHERE channel_id = ?1 AND COALESCE(ended_at, last_seen_at) >= ?2",
            )
            .bind(pk)
            .bind(to_db_time(from))
            .fetch_all(&self.pool)
            .await?;
            spans.extend(rows.iter().filter_map(|r| {
                let start = from_db_time(&r.get::<String, _>("started_at"))?;
                let end = from_db_time(&r.get::<String, _>("ended"))?;
                // Widened: a stored sum may be beyond i64 (see `db::lenient_count`).
                let n = db::lenient_count(r, "sample_count");
                let sum = db::lenient_count(r, "viewer_sum");
                Some(SessionSpan {
                    start,
                    end: end.max(start),
                    avg_viewers: if n > 0.0 { sum / n } else { 0.0 },
                    peak_viewers: db::lenient_count(r, "peak_viewers").max(0.0) as u64,
                })
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
