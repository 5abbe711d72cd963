//! Rankings of movers (`/api/v1/trends`, `streamtide trends`) over the daily rollups.
//!
//! The rules (README, "Rankings"): gainers hold only positive changes and losers only negative
//! ones; a channel whose value at either end of the period is unknown is left out and counted,
//! never ranked from 0; a period the stored history does not cover gives no ranking, only the day
//! from which it will.

use crate::db::sql;
use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveDate};
use serde::Serialize;
use streamtide_analytics::{boundary_tolerance_days, PERIODS};
use streamtide_core::Platform;

use crate::db;
use crate::rollups::db_day;
use crate::Backend;
use crate::{Result, Store};

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
    /// The highest concurrent viewers of any broadcast in the period against the previous period.
    PeakViewers,
    /// Hours watched over the period against the previous period.
    HoursWatched,
}

impl TrendMetric {
    pub const ALL: [TrendMetric; 5] = [
        TrendMetric::Followers,
        TrendMetric::Views,
        TrendMetric::Viewers,
        TrendMetric::PeakViewers,
        TrendMetric::HoursWatched,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            TrendMetric::Followers => "followers",
            TrendMetric::Views => "views",
            TrendMetric::Viewers => "viewers",
            TrendMetric::PeakViewers => "peak_viewers",
            TrendMetric::HoursWatched => "hours_watched",
        }
    }

    /// Whether the metric is a flow over a period of live time (compared with the period
    /// before) rather than a counter's close.
    pub const fn is_live(self) -> bool {
        matches!(
            self,
            TrendMetric::Viewers | TrendMetric::PeakViewers | TrendMetric::HoursWatched
        )
    }
}

impl std::str::FromStr for TrendMetric {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        let s = s.trim();
        // `peak` is what the market's sites call it.
        let s = if s == "peak" { "peak_viewers" } else { s };
        TrendMetric::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown metric `{s}` (expected followers, views, viewers, peak_viewers or hours_watched)"
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
    /// By the period's figure itself, largest first: a leaderboard (hours watched, average or
    /// peak viewers over the period; followers or views at its end), with the change against the
    /// period before where that is known.
    Total,
}

impl TrendSort {
    pub const ALL: [TrendSort; 3] = [TrendSort::Change, TrendSort::Pct, TrendSort::Total];

    pub const fn as_str(self) -> &'static str {
        match self {
            TrendSort::Change => "change",
            TrendSort::Pct => "pct",
            TrendSort::Total => "total",
        }
    }
}

impl std::str::FromStr for TrendSort {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        TrendSort::ALL
            .into_iter()
            .find(|o| o.as_str() == s.trim())
            .ok_or_else(|| format!("unknown sort `{s}` (expected change, pct or total)"))
    }
}

/// A ranking request.
#[derive(Debug, Clone)]
pub struct TrendQuery {
    pub metric: TrendMetric,
    pub period_days: u32,
    /// `true`: top gainers (largest change first); `false`: top losers. A leaderboard
    /// (`TrendSort::Total`) is always largest first.
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
    /// Only channels on the tracked roster (added or imported by the user), not every channel
    /// the live lists happened to show. In a creator ranking, a creator's sum over their tracked
    /// channels only.
    pub tracked: bool,
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
    /// Hash of our copy of the avatar (`/thumbs/{hash}.webp`) when the collector made one.
    pub avatar_hash: Option<String>,
    /// The value at the start (for live metrics: over the period before). Always known in a
    /// change ranking (a channel without one is left out, never counted from 0); in a
    /// leaderboard (`TrendSort::Total`) `None` when unknown.
    pub start_value: Option<i64>,
    /// The value at the end (for live metrics: over the period): what a leaderboard ranks.
    pub end_value: i64,
    /// `end_value - start_value`; `None` exactly when `start_value` is.
    pub change: Option<i64>,
    pub change_pct: Option<f64>,
    /// The platform rounds these values (YouTube subscribers ≥ 1,000): the change is approximate.
    pub rounded: bool,
    /// In a creator ranking: the creator (then `channel_*` name their largest channel and
    /// `channel_name` is the creator's name).
    pub creator_id: Option<i64>,
}

/// A ranking, the day it ends on, and what it could not rank.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendList {
    pub as_of: Option<NaiveDate>,
    pub items: Vec<TrendRow>,
    /// Whether the stored history covers the period (and, for viewers and hours watched, the
    /// period before it). When not, `items` is empty and `available_from` says when it will be.
    pub available: bool,
    /// The first day of stored history (any channel); `None` before any rollup.
    pub collecting_since: Option<NaiveDate>,
    /// The first `as_of` day for which the history covers this period; `None` before any rollup.
    pub available_from: Option<NaiveDate>,
    /// Channels (or creators) whose change is in the asked direction (in a leaderboard: whose
    /// figure is above 0), before the limit: the list is shorter than asked when fewer qualify,
    /// never padded with the other direction.
    pub qualifying: u32,
    /// Channels (or creators) with a known change of 0 or in the other direction (in a
    /// leaderboard: a known figure of 0, e.g. observed but not live).
    pub other_direction: u32,
    /// Channels (or creators) left out because a value at one end is unknown (new in the
    /// period, a gap at a boundary, or no live data in the period before); in a leaderboard,
    /// because the period's figure is unknown (no close, or no broadcast for viewers).
    pub left_out: u32,
}

fn parse_day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// The first `as_of` day whose ranking over `period_days` the history from `since` covers.
///
/// Followers and views need a close at the period's start (`as_of - period`), so the period must
/// start on or after the first day of history. Viewers and hours watched compare the period with
/// the one before, which must lie wholly inside the history: its first day is
/// `as_of - 2 × period + 1`.
pub fn trend_available_from(metric: TrendMetric, period_days: u32, since: NaiveDate) -> NaiveDate {
    let p = i64::from(period_days);
    if metric.is_live() {
        since + Duration::days(2 * p - 1)
    } else {
        since + Duration::days(p)
    }
}

/// The first `as_of` day whose leaderboard (`TrendSort::Total`) over `period_days` the history
/// from `since` covers: a live metric's period must lie wholly inside it (hours watched over a
/// week of which we saw two days is not the week's); a close needs only the end.
pub fn leaderboard_available_from(
    metric: TrendMetric,
    period_days: u32,
    since: NaiveDate,
) -> NaiveDate {
    if metric.is_live() {
        since + Duration::days(i64::from(period_days) - 1)
    } else {
        since
    }
}

/// Per-channel (or per-creator) values: the change over the period and over the period before.
struct Candidate {
    platform: Platform,
    channel_id: String,
    name: String,
    avatar_url: Option<String>,
    avatar_hash: Option<String>,
    creator_id: Option<i64>,
    /// The period's figure (the close at its end, or the live figure over it); a creator's is
    /// the sum over their channels that have one.
    value: Option<i64>,
    /// The same over the period before (the close at the period's start).
    value_before: Option<i64>,
    /// (start, end) of the period; `None` when either is unknown.
    cur: Option<(i64, i64)>,
    /// (start, end) of the period before.
    before: Option<(i64, i64)>,
    /// `cur` is over the same channels as `value` (always for a channel; for a creator when
    /// every channel with a figure also has a start), so `value - start` is the change.
    cur_whole: bool,
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
            let total = |f: &dyn Fn(&Candidate) -> Option<i64>| -> Option<i64> {
                let known: Vec<i64> = chans.iter().filter_map(f).collect();
                (!known.is_empty()).then(|| known.iter().sum())
            };
            let lead = chans
                .iter()
                .max_by_key(|c| {
                    (
                        c.value.unwrap_or(i64::MIN),
                        std::cmp::Reverse(c.channel_id.clone()),
                    )
                })
                .expect("a group has at least one channel");
            Candidate {
                platform: lead.platform,
                channel_id: lead.channel_id.clone(),
                name: names.get(&id).cloned().unwrap_or_else(|| lead.name.clone()),
                avatar_url: lead.avatar_url.clone(),
                avatar_hash: lead.avatar_hash.clone(),
                creator_id: Some(id),
                value: total(&|c| c.value),
                value_before: total(&|c| c.value_before),
                cur: sum(&|c| c.cur),
                before: sum(&|c| c.before),
                cur_whole: chans.iter().all(|c| c.value.is_none() || c.cur.is_some()),
                rounded: chans.iter().any(|c| c.rounded),
            }
        })
        .collect();
    // HashMap order is random; rankings must not be.
    out.sort_by_key(|c| c.creator_id);
    out
}

/// The candidates whose pair (`pick`) changed in the asked direction, best first: by change or
/// percent (a change from a zero start has no percent and comes after every one that has), ties
/// by platform and channel id (by creator id in a creator ranking).
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
        // Gainers gained, losers lost: never padded with the other direction.
        .filter(|&(_, s, e)| if up { e > s } else { e < s })
        .collect();
    let key = |&(_, s, e): &(usize, i64, i64)| -> Option<f64> {
        match sort {
            TrendSort::Change | TrendSort::Total => Some((e - s) as f64),
            TrendSort::Pct => (s > 0).then(|| (e - s) as f64 / s as f64),
        }
    };
    v.sort_by(|a, b| {
        let ord = match (key(a), key(b)) {
            (Some(ka), Some(kb)) if up => kb.total_cmp(&ka),
            (Some(ka), Some(kb)) => ka.total_cmp(&kb),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            // Both without a percent: by absolute change.
            (None, None) if up => (b.2 - b.1).cmp(&(a.2 - a.1)),
            (None, None) => (a.2 - a.1).cmp(&(b.2 - b.1)),
        };
        ord.then_with(|| tie_order(&cands[a.0], &cands[b.0]))
    });
    v
}

/// How two candidates ranked equal are ordered, so a ranking never depends on the order rows
/// came in: by creator id, then platform and channel id.
fn tie_order(a: &Candidate, b: &Candidate) -> std::cmp::Ordering {
    a.creator_id
        .cmp(&b.creator_id)
        .then_with(|| a.platform.as_str().cmp(b.platform.as_str()))
        .then_with(|| a.channel_id.cmp(&b.channel_id))
}

/// The candidates whose figure (`pick`) is above 0, largest first (ties by [`tie_order`]).
fn rank_totals(cands: &[Candidate], pick: impl Fn(&Candidate) -> Option<i64>) -> Vec<(usize, i64)> {
    let mut v: Vec<(usize, i64)> = cands
        .iter()
        .enumerate()
        .filter_map(|(i, c)| pick(c).filter(|&v| v > 0).map(|v| (i, v)))
        .collect();
    v.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| tie_order(&cands[a.0], &cands[b.0]))
    });
    v
}

/// Live sums of one window `(after, until]`, per channel.
struct LiveWindow {
    /// Channels live in the window: (hours watched, live minutes, peak viewers when asked).
    live: HashMap<i64, (f64, f64, Option<i64>)>,
    /// Channels with any rollup row in the window (observed then, live or not).
    observed: HashSet<i64>,
}

impl LiveWindow {
    /// The value that starts a comparison: only from live data (no broadcast is not a 0 start).
    fn start(&self, id: i64, metric: TrendMetric) -> Option<i64> {
        let (hw, lm, peak) = *self.live.get(&id)?;
        match metric {
            // Time-weighted average viewers; a broadcast seen once has no duration to weigh.
            TrendMetric::Viewers => (lm > 0.0).then(|| (hw * 60.0 / lm).round() as i64),
            TrendMetric::PeakViewers => peak,
            _ => Some(hw.round() as i64),
        }
    }

    /// The value that ends a comparison: as a start, and for hours watched 0 when the channel was
    /// observed in the window but not live (nobody watched). Average and peak viewers of a
    /// channel that did not broadcast are unknown, not 0.
    fn end(&self, id: i64, metric: TrendMetric) -> Option<i64> {
        self.start(id, metric).or_else(|| {
            (metric == TrendMetric::HoursWatched
                && !self.live.contains_key(&id)
                && self.observed.contains(&id))
            .then_some(0)
        })
    }
}

impl Store {
    /// The latest day that has rollups.
    pub async fn latest_rollup_day(&self) -> Result<Option<NaiveDate>> {
        let d: Option<String> = db::query_scalar(sql!("SELECT MAX(day) FROM channel_daily"))
            .fetch_one(&self.pool)
            .await?;
        Ok(d.as_deref().and_then(parse_day))
    }

    /// The first day that has rollups: where the stored history begins.
    pub async fn first_rollup_day(&self) -> Result<Option<NaiveDate>> {
        let d: Option<String> = db::query_scalar(sql!("SELECT MIN(day) FROM channel_daily"))
            .fetch_one(&self.pool)
            .await?;
        Ok(d.as_deref().and_then(parse_day))
    }

    /// Whether any raw channel observation is stored (to tell "no history yet" from "rollups
    /// missing": only the second is repaired by `streamtide rollup --rebuild`).
    pub async fn has_raw_history(&self) -> Result<bool> {
        let any: Option<i64> = db::query_scalar(sql!("SELECT 1 FROM channel_snapshots LIMIT 1"))
            .fetch_optional(&self.pool)
            .await?;
        Ok(any.is_some())
    }

    /// Each channel's close of `col` at or up to `tol` days before `day`.
    async fn closes_at(&self, col: &str, day: NaiveDate, tol: i64) -> Result<HashMap<i64, i64>> {
        let backend = self.backend();
        let sql = match backend {
            // SQLite takes a bare column of a MAX() aggregate from the row holding the maximum:
            // the latest day's value, one row per channel, from the covering index alone.
            Backend::Sqlite => db::built!(backend;
                "SELECT channel_id, MAX(day), " {col} " FROM channel_daily INDEXED BY channel_daily_day
                 WHERE day <= " #1 " AND day >= " #2 " AND " {col} " IS NOT NULL GROUP BY channel_id"
            ),
            // Elsewhere a bare column is an error (PostgreSQL) or any row's value (MySQL).
            Backend::Postgres | Backend::MySql => db::built!(backend;
                "SELECT d.channel_id, d.day, d." {col} " FROM channel_daily d
                 JOIN (SELECT channel_id, MAX(day) AS last_day FROM channel_daily
                       WHERE day <= " #1 " AND day >= " #2 " AND " {col} " IS NOT NULL GROUP BY channel_id) m
                   ON d.channel_id = m.channel_id AND d.day = m.last_day"
            ),
        };
        let rows: Vec<(i64, Option<String>, Option<i64>)> = db::query_as(sql)
            .bind(db_day(day))
            .bind(db_day(day - Duration::days(tol)))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, _, v)| Some((id, v?)))
            .collect())
    }

    /// Per channel in `(after, until]`: live sums (and the peak when `peak`), and which channels
    /// were observed at all.
    async fn live_window(
        &self,
        after: NaiveDate,
        until: NaiveDate,
        peak: bool,
    ) -> Result<LiveWindow> {
        // The peak is outside the covering index: read only by the ranking that needs it.
        let query = if peak {
            db::query(sql!(
                "SELECT channel_id, SUM(hours_watched) AS hw, SUM(live_minutes) AS lm, MAX(peak_viewers) AS pk
                 FROM channel_daily
                 WHERE day > " #1 " AND day <= " #2 " AND streams > 0 GROUP BY channel_id"
            ))
        } else {
            db::query(sql! {
                sqlite: ("SELECT channel_id, SUM(hours_watched) AS hw, SUM(live_minutes) AS lm, NULL AS pk
                 FROM channel_daily INDEXED BY channel_daily_live
                 WHERE day > " #1 " AND day <= " #2 " AND streams > 0 GROUP BY channel_id");
                postgres, mysql: ("SELECT channel_id, SUM(hours_watched) AS hw, SUM(live_minutes) AS lm, NULL AS pk
                 FROM channel_daily
                 WHERE day > " #1 " AND day <= " #2 " AND streams > 0 GROUP BY channel_id");
            })
        };
        let rows = query
            .bind(db_day(after))
            .bind(db_day(until))
            .fetch_all(&self.pool)
            .await?;
        let live = rows
            .iter()
            .map(|r| {
                let hw: f64 = r.get("hw");
                let lm: f64 = r.get("lm");
                let pk: Option<i64> = r.get("pk");
                (r.get("channel_id"), (hw, lm, pk))
            })
            .collect();
        let observed: Vec<i64> = db::query_scalar(
            sql!("SELECT DISTINCT channel_id FROM channel_daily WHERE day > " #1 " AND day <= " #2),
        )
        .bind(db_day(after))
        .bind(db_day(until))
        .fetch_all(&self.pool)
        .await?;
        Ok(LiveWindow {
            live,
            observed: observed.into_iter().collect(),
        })
    }

    /// Per candidate channel: the figure of `metric` over the period `start..end` and the one
    /// before, and its (start, end) values over both.
    async fn trend_figures(
        &self,
        metric: TrendMetric,
        rows: &[db::Row],
        (prev, start, end): (NaiveDate, NaiveDate, NaiveDate),
        tol: i64,
    ) -> Result<FiguresById> {
        let p = end - start;
        Ok(if metric.is_live() {
            let peak = metric == TrendMetric::PeakViewers;
            let (w_end, w_start, w_prev) = (
                self.live_window(start, end, peak).await?,
                self.live_window(prev, start, peak).await?,
                self.live_window(prev - p, prev, peak).await?,
            );
            rows.iter()
                .map(|r| {
                    let id: i64 = r.get("id");
                    let (now, then) = (w_end.end(id, metric), w_start.end(id, metric));
                    let figures = Figures {
                        value: now,
                        value_before: then,
                        cur: w_start.start(id, metric).zip(now),
                        before: w_prev.start(id, metric).zip(then),
                    };
                    (id, figures)
                })
                .collect()
        } else {
            let col = if metric == TrendMetric::Followers {
                "followers"
            } else {
                "total_views"
            };
            let (e, s, pv) = (
                self.closes_at(col, end, tol).await?,
                self.closes_at(col, start, tol).await?,
                self.closes_at(col, prev, tol).await?,
            );
            rows.iter()
                .map(|r| {
                    let id: i64 = r.get("id");
                    let (e, s, pv) = (
                        e.get(&id).copied(),
                        s.get(&id).copied(),
                        pv.get(&id).copied(),
                    );
                    let figures = Figures {
                        value: e,
                        value_before: s,
                        cur: s.zip(e),
                        before: pv.zip(s),
                    };
                    (id, figures)
                })
                .collect()
        })
    }

    /// Top gainers or losers of a metric over a period, with each one's rank over the period
    /// before. Only changes in the asked direction are listed; channels without a value at both
    /// ends of the period are left out (and counted); a period the history does not cover has no
    /// ranking, only the day from which it will.
    ///
    /// With `TrendSort::Total`, a leaderboard instead: every channel (or creator) with a figure
    /// above 0 over the period, largest first, with its rank over the period before and its
    /// change where the start is known.
    pub async fn trends(&self, q: &TrendQuery) -> Result<TrendList> {
        let as_of = match q.as_of {
            Some(d) => Some(d),
            None => self.latest_rollup_day().await?,
        };
        let since = self.first_rollup_day().await?;
        let leaderboard = q.sort == TrendSort::Total;
        let available_from = since.map(|s| {
            if leaderboard {
                leaderboard_available_from(q.metric, q.period_days, s)
            } else {
                trend_available_from(q.metric, q.period_days, s)
            }
        });
        let mut list = TrendList {
            as_of,
            items: Vec::new(),
            available: false,
            collecting_since: since,
            available_from,
            qualifying: 0,
            other_direction: 0,
            left_out: 0,
        };
        let Some(end) = as_of else {
            return Ok(list);
        };
        let p = i64::from(q.period_days);
        let start = end - Duration::days(p);
        let prev = start - Duration::days(p);
        let tol = boundary_tolerance_days(q.period_days);
        // Candidates first (one row per channel), then one scan of the rollups per boundary or
        // window over covering indexes, joined in memory: a few milliseconds for thousands of
        // channels with years of days, where a lookup per channel and boundary took tens.
        let rows = db::query(
            sql!("SELECT c.id, c.platform, c.platform_id, c.name, c.avatar_url, c.creator_id,
                    (SELECT t.hash FROM thumb_sources t WHERE t.source_url = c.avatar_url) AS avatar_hash
             FROM channels c
             WHERE (" #1 " IS NULL OR c.platform = " #1 ")
               AND (" #3 " = 0 OR c.tracked = 1)
               AND (" #2 " IS NULL OR EXISTS (
                 SELECT 1 FROM live_sessions s WHERE s.id = (
                   SELECT s2.id FROM live_sessions s2 WHERE s2.channel_id = c.id ORDER BY s2.started_at DESC LIMIT 1)
                 AND (LOWER(s.category_id) = LOWER(" #2 ") OR LOWER(s.category_name) = LOWER(" #2 "))))"),
        )
        .bind(q.platform.map(|p| p.as_str()))
        .bind(q.category.as_deref().map(str::trim).filter(|c| !c.is_empty()))
        .bind(i64::from(q.tracked))
        .fetch_all(&self.pool)
        .await?;
        let figures = self
            .trend_figures(q.metric, &rows, (prev, start, end), tol)
            .await?;
        let cands = candidates(
            &rows,
            &figures,
            q.metric == TrendMetric::Followers,
            leaderboard,
        )?;
        let cands = if q.by_creator {
            let names: HashMap<i64, String> =
                db::query_as::<(i64, String)>(sql!("SELECT id, name FROM creators"))
                    .fetch_all(&self.pool)
                    .await?
                    .into_iter()
                    .collect();
            by_creator(cands, &names)
        } else {
            cands
        };
        // A period the history does not cover: no ranking at all, rather than one of the few
        // channels that happen to have an old value.
        if available_from.is_none_or(|from| end < from) {
            list.left_out = cands.len() as u32;
            return Ok(list);
        }
        list.available = true;
        if leaderboard {
            // The period before ranks only when the history covers it too.
            let before_covered = since.is_some_and(|s| {
                end - Duration::days(p) >= leaderboard_available_from(q.metric, q.period_days, s)
            });
            leaderboard_rows(&mut list, &cands, q, before_covered);
            return Ok(list);
        }
        list.left_out = cands.iter().filter(|c| c.cur.is_none()).count() as u32;
        let current = rank_changes(&cands, |c| c.cur, q.up, q.sort);
        list.qualifying = current.len() as u32;
        list.other_direction = (cands.len() - list.left_out as usize - current.len()) as u32;
        let before = rank_changes(&cands, |c| c.before, q.up, q.sort);
        let before_rank: HashMap<usize, u32> = before
            .iter()
            .enumerate()
            .map(|(r, (i, _, _))| (*i, r as u32 + 1))
            .collect();
        list.items = current
            .into_iter()
            .take(q.limit as usize)
            .enumerate()
            .map(|(r, (i, s, e))| {
                let rank = (r as u32 + 1, before_rank.get(&i).copied());
                trend_row(&cands[i], rank, Some(s), e, q.by_creator)
            })
            .collect();
        Ok(list)
    }
}

/// One listed candidate: its `(rank, previous rank)`, the values at both ends (the start when
/// known) and the change between them.
fn trend_row(
    c: &Candidate,
    (rank, previous_rank): (u32, Option<u32>),
    start: Option<i64>,
    end: i64,
    by_creator: bool,
) -> TrendRow {
    TrendRow {
        rank,
        previous_rank,
        platform: c.platform,
        channel_id: c.channel_id.clone(),
        channel_name: c.name.clone(),
        avatar_url: c.avatar_url.clone(),
        avatar_hash: c.avatar_hash.clone(),
        start_value: start,
        end_value: end,
        change: start.map(|s| end - s),
        change_pct: start
            .filter(|&s| s > 0)
            .map(|s| (end - s) as f64 * 100.0 / s as f64),
        rounded: c.rounded,
        creator_id: c.creator_id.filter(|_| by_creator),
    }
}

/// A leaderboard into `list`: the candidates by the period's figure, each with its rank by the
/// figure over the period before (when the history covers that) and its change where the start
/// is known over the same channels.
fn leaderboard_rows(
    list: &mut TrendList,
    cands: &[Candidate],
    q: &TrendQuery,
    before_covered: bool,
) {
    let current = rank_totals(cands, |c| c.value);
    list.left_out = cands.iter().filter(|c| c.value.is_none()).count() as u32;
    list.qualifying = current.len() as u32;
    list.other_direction = cands.iter().filter(|c| c.value == Some(0)).count() as u32;
    let before_rank: HashMap<usize, u32> = if before_covered {
        rank_totals(cands, |c| c.value_before)
            .iter()
            .enumerate()
            .map(|(r, (i, _))| (*i, r as u32 + 1))
            .collect()
    } else {
        HashMap::new()
    };
    list.items = current
        .into_iter()
        .take(q.limit as usize)
        .enumerate()
        .map(|(r, (i, v))| {
            let c = &cands[i];
            let start = c.cur.filter(|_| c.cur_whole).map(|(s, _)| s);
            let rank = (r as u32 + 1, before_rank.get(&i).copied());
            trend_row(c, rank, start, v, q.by_creator)
        })
        .collect();
}

/// One channel's figures of a ranking's metric.
#[derive(Debug, Clone, Copy, Default)]
struct Figures {
    /// Over the period (the close at its end).
    value: Option<i64>,
    /// Over the period before (the close at the period's start).
    value_before: Option<i64>,
    /// (start, end) of the period.
    cur: Option<(i64, i64)>,
    /// (start, end) of the period before.
    before: Option<(i64, i64)>,
}

/// Per channel id: its figures.
type FiguresById = HashMap<i64, Figures>;

/// The candidates of a ranking: each channel row with its values; `rounds` when the metric is
/// one a platform may round (followers).
fn candidates(
    rows: &[db::Row],
    figures: &FiguresById,
    rounds: bool,
    leaderboard: bool,
) -> Result<Vec<Candidate>> {
    rows.iter()
        .map(|r| {
            let id: i64 = r.get("id");
            let platform = crate::stored_platform(&r.get::<String, _>("platform"))?;
            let f = figures.get(&id).copied().unwrap_or_default();
            let cur = f.cur;
            Ok(Candidate {
                platform,
                channel_id: r.get("platform_id"),
                name: r.get("name"),
                avatar_url: r.get("avatar_url"),
                avatar_hash: r.get("avatar_hash"),
                creator_id: r.get("creator_id"),
                value: f.value,
                value_before: f.value_before,
                cur,
                before: f.before,
                cur_whole: true,
                // The values the row shows: a change ranking its pair; a leaderboard its figure
                // (and the start, when it has one).
                rounded: rounds
                    && if leaderboard {
                        cur.or(f.value.map(|v| (v, v)))
                    } else {
                        cur
                    }
                    .is_some_and(|(s, e)| {
                        [s, e].iter().any(|v| {
                            streamtide_analytics::count_is_rounded(platform, (*v).max(0) as u64)
                        })
                    }),
            })
        })
        .collect()
}
