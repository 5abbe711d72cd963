//! The JSON of the analytics endpoints (`/trends`, `/channels/{..}/stats`, `/creators/{id}/stats`).
//!
//! Like [`crate::dto`], every `Option` is always present (`null` when unknown).

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::collections::HashMap;
use streamtide_analytics::{Change, LiveMetrics, Projection};
use streamtide_core::Platform;

use streamtide_sheets::{Cell, Sheet};
use streamtide_storage::{
    ChannelLabel, ChannelStatsRow, CreatorStatsRow, LinkedChannel, NowFigures, TrendRow, TrendStats,
};
use utoipa::ToSchema;

pub(crate) fn round_to(v: f64, places: i32) -> f64 {
    let k = 10f64.powi(places);
    (v * k).round() / k
}

/// A ranking metric, as named in `?metric=`.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = TrendMetric)]
pub enum TrendMetricName {
    /// Change of the closing follower count.
    Followers,
    /// Change of the closing total views.
    Views,
    /// Time-weighted average live viewers over the period against the period before.
    Viewers,
    /// The highest concurrent viewers of any broadcast in the period against the period before
    /// (`peak` is accepted too).
    PeakViewers,
    /// Hours watched over the period against the period before.
    HoursWatched,
}

/// A ranked channel.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TrendItemDto {
    /// 1 = the largest gain (`direction=up`) or loss (`direction=down`); in a leaderboard
    /// (`sort=total`) the largest figure.
    pub rank: u32,
    /// Rank in the same ranking over the period before; `null` if not ranked then.
    #[schema(required = true)]
    pub previous_rank: Option<u32>,
    pub platform: Platform,
    pub channel_id: String,
    pub channel_name: String,
    /// Our own copy (`/thumbs/{hash}.webp`) when the collector made one, else the platform's URL.
    #[schema(required = true)]
    pub avatar_url: Option<String>,
    /// Value at the start of the period (for live metrics: over the period before). Always
    /// known in a ranking of changes: a channel without one is left out (`left_out`), never
    /// ranked from 0. In a leaderboard (`sort=total`) `null` when unknown (no broadcast in the
    /// period before, or a creator whose channels are not all known then).
    #[schema(required = true)]
    pub start_value: Option<i64>,
    /// Value at the end of the period (for live metrics: over the period): what a leaderboard
    /// ranks.
    pub end_value: i64,
    /// `end_value - start_value`; `null` exactly when `start_value` is.
    #[schema(required = true)]
    pub change: Option<i64>,
    /// Change relative to `start_value`, percent (2 decimals); `null` from a 0 start.
    #[schema(required = true)]
    pub change_pct: Option<f64>,
    /// The platform rounds these values (YouTube subscribers ≥ 1,000): approximate.
    pub rounded: bool,
    /// `group=creator`: the creator ranked (the sum of their channels on every platform);
    /// `channel_name` is then the creator's name and `platform`/`channel_id` their largest channel.
    #[schema(required = true)]
    pub creator_id: Option<i64>,
}

impl From<TrendRow> for TrendItemDto {
    fn from(r: TrendRow) -> Self {
        TrendItemDto {
            rank: r.rank,
            previous_rank: r.previous_rank,
            platform: r.platform,
            channel_id: r.channel_id,
            channel_name: r.channel_name,
            avatar_url: crate::dto::own_copy(r.avatar_hash.as_deref()).or(r.avatar_url),
            start_value: r.start_value,
            end_value: r.end_value,
            change: r.change,
            change_pct: r.change_pct.map(|p| round_to(p, 2)),
            rounded: r.rounded,
            creator_id: r.creator_id,
        }
    }
}

/// Top movers of a metric over a period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TrendsDto {
    #[schema(value_type = TrendMetricName)]
    pub metric: String,
    /// `1d`, `7d`, `30d` or `90d`.
    pub period: String,
    /// `up` (gainers) or `down` (losers); `up` for a leaderboard.
    pub direction: String,
    /// `change`, `pct` or `total` (a leaderboard by the period's figure).
    pub sort: String,
    /// `all` (every channel the store has seen, tracked or not) or `tracked` (the roster).
    pub scope: String,
    /// The last day of the period (in the analytics time zone); `null` before any rollup.
    #[schema(required = true, value_type = Option<String>, format = Date)]
    pub as_of: Option<NaiveDate>,
    /// Only changes in `direction` (in a leaderboard: figures above 0): fewer than `limit` items
    /// when fewer qualify.
    pub items: Vec<TrendItemDto>,
    /// `false` when the stored history does not cover the period yet (`items` is then empty).
    pub available: bool,
    /// The first day of stored history; `null` before any.
    #[schema(required = true, value_type = Option<String>, format = Date)]
    pub collecting_since: Option<NaiveDate>,
    /// The first `as_of` day this period's ranking is (or was) available; `null` before any history.
    #[schema(required = true, value_type = Option<String>, format = Date)]
    pub available_from: Option<NaiveDate>,
    /// How many channels (creators) changed in `direction` (in a leaderboard: had a figure above
    /// 0); the list holds the first `limit`.
    pub qualifying: u32,
    /// How many had a known change of 0 or in the other direction (in a leaderboard: a known
    /// figure of 0, e.g. 0 hours watched).
    pub other_direction: u32,
    /// How many were left out because a value at one end is unknown (new in the period, a gap
    /// at a boundary, or for live metrics no broadcast in the period before); in a leaderboard,
    /// because the period's figure is unknown.
    pub left_out: u32,
    /// The answer in a sentence when the list is empty or shorter than asked, e.g. "collecting
    /// since 2026-05-01, the 7-day ranking is available from 2026-05-08"; `null` otherwise.
    #[schema(required = true)]
    pub note: Option<String>,
}

impl TrendsDto {
    /// The answer to `q`, with its note.
    pub fn new(list: streamtide_storage::TrendList, q: &streamtide_storage::TrendQuery) -> Self {
        use streamtide_storage::TrendSort;
        let leaderboard = q.sort == TrendSort::Total;
        let note = trends_note(&list, q.period_days, q.up, leaderboard, q.limit);
        TrendsDto {
            metric: q.metric.as_str().to_string(),
            period: format!("{}d", q.period_days),
            direction: if q.up || leaderboard { "up" } else { "down" }.to_string(),
            sort: q.sort.as_str().to_string(),
            scope: if q.tracked { "tracked" } else { "all" }.to_string(),
            as_of: list.as_of,
            items: list.items.into_iter().map(TrendItemDto::from).collect(),
            available: list.available,
            collecting_since: list.collecting_since,
            available_from: list.available_from,
            qualifying: list.qualifying,
            other_direction: list.other_direction,
            left_out: list.left_out,
            note,
        }
    }
}

/// The sentence that says why a ranking is empty or short (`None` when it is full).
/// A ranking of changes, or (`leaderboard`) of the period's figures.
pub fn trends_note(
    list: &streamtide_storage::TrendList,
    period_days: u32,
    up: bool,
    leaderboard: bool,
    limit: u32,
) -> Option<String> {
    if !list.available {
        return Some(match (list.collecting_since, list.available_from) {
            (Some(since), Some(from)) => format!(
                "collecting since {since}, the {period_days}-day ranking is available from {from}"
            ),
            _ => "no history collected yet: rankings start with the first collected day".into(),
        });
    }
    if list.qualifying >= limit {
        return None;
    }
    let what = match (leaderboard, up) {
        (true, _) => "had a figure above 0",
        (false, true) => "gained",
        (false, false) => "lost",
    };
    let mut s = format!(
        "{} {what} over {period_days} days",
        match list.qualifying {
            0 => "none".to_string(),
            1 => "only 1".to_string(),
            n => format!("only {n}"),
        }
    );
    if list.other_direction > 0 {
        s += &if leaderboard {
            format!("; {} at 0", list.other_direction)
        } else {
            format!(
                "; {} unchanged or moved the other way",
                list.other_direction
            )
        };
    }
    if list.left_out > 0 {
        s += &if leaderboard {
            format!("; {} left out without a known figure", list.left_out)
        } else {
            format!(
                "; {} left out without a known value at both ends",
                list.left_out
            )
        };
    }
    Some(s)
}

/// Latest figures.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct NowDto {
    #[schema(required = true)]
    pub followers: Option<u64>,
    #[schema(required = true)]
    pub total_views: Option<u64>,
    #[schema(required = true)]
    pub video_count: Option<u64>,
    #[schema(required = true)]
    pub observed_at: Option<DateTime<Utc>>,
}

impl From<NowFigures> for NowDto {
    fn from(n: NowFigures) -> Self {
        NowDto {
            followers: n.followers,
            total_views: n.total_views,
            video_count: n.video_count,
            observed_at: n.observed_at,
        }
    }
}

/// A follower change over a period.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ChangeDto {
    /// `null` when no close exists at (or shortly before) a boundary: a gap, not a zero.
    #[schema(required = true)]
    pub abs: Option<i64>,
    /// Percent of the start value (2 decimals).
    #[schema(required = true)]
    pub pct: Option<f64>,
    /// Estimated between real changes of a rounded count (YouTube): approximate.
    pub rounded: bool,
    /// When `abs` is `null` because the stored history began less than the period ago: the day
    /// (in the analytics time zone) from which this change will be given. `null` otherwise.
    #[schema(required = true, value_type = Option<String>, format = Date)]
    pub available_from: Option<NaiveDate>,
}

impl From<Change> for ChangeDto {
    fn from(c: Change) -> Self {
        ChangeDto {
            abs: c.abs,
            pct: c.pct.map(|p| round_to(p, 2)),
            rounded: c.rounded,
            available_from: c.available_from,
        }
    }
}

/// Follower changes over 1, 7, 30 and 90 days.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ChangesDto {
    #[serde(rename = "1d")]
    pub d1: ChangeDto,
    #[serde(rename = "7d")]
    pub d7: ChangeDto,
    #[serde(rename = "30d")]
    pub d30: ChangeDto,
    #[serde(rename = "90d")]
    pub d90: ChangeDto,
}

/// Live metrics over the last 30 days.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct LiveStatsDto {
    pub streams: u64,
    pub hours_streamed: f64,
    /// Time-weighted over the hours streamed.
    #[schema(required = true)]
    pub avg_viewers: Option<f64>,
    #[schema(required = true)]
    pub peak_viewers: Option<u64>,
    /// Σ average viewers × hours of each broadcast.
    pub hours_watched: f64,
}

impl From<LiveMetrics> for LiveStatsDto {
    fn from(m: LiveMetrics) -> Self {
        LiveStatsDto {
            streams: m.streams,
            hours_streamed: round_to(m.hours_streamed, 2),
            avg_viewers: m.avg_viewers.map(|v| round_to(v, 1)),
            peak_viewers: m.peak_viewers,
            hours_watched: round_to(m.hours_watched, 1),
        }
    }
}

/// A follower forecast from a robust linear fit of recent daily closes.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ProjectionDto {
    /// How it was made, e.g. `theil-sen over 30 daily points`.
    pub method: String,
    /// Daily closes the fit used (7 to 90).
    pub points: usize,
    pub slope_per_day: f64,
    pub in_30d: u64,
    pub in_90d: u64,
    pub in_365d: u64,
    /// The next round number (1 or 5 × a power of ten) above the latest close.
    #[schema(required = true)]
    pub next_milestone: Option<u64>,
    /// When the fit reaches it; `null` when followers are not growing.
    #[schema(required = true)]
    pub milestone_eta: Option<DateTime<Utc>>,
}

impl From<Projection> for ProjectionDto {
    fn from(p: Projection) -> Self {
        ProjectionDto {
            method: p.method,
            points: p.points,
            slope_per_day: round_to(p.slope_per_day, 2),
            in_30d: p.in_30d,
            in_90d: p.in_90d,
            in_365d: p.in_365d,
            next_milestone: p.next_milestone,
            milestone_eta: p.milestone_eta,
        }
    }
}

struct StatsParts {
    now: NowDto,
    changes: ChangesDto,
    avg_daily_gain_7d: Option<f64>,
    acceleration: Option<i64>,
    live_30d: LiveStatsDto,
    projection: Option<ProjectionDto>,
}

fn parts(s: TrendStats) -> StatsParts {
    let change = |d: u32| {
        s.changes
            .iter()
            .find(|(p, _)| *p == d)
            .map(|(_, c)| ChangeDto::from(*c))
            .unwrap_or(ChangeDto {
                abs: None,
                pct: None,
                rounded: false,
                available_from: None,
            })
    };
    StatsParts {
        changes: ChangesDto {
            d1: change(1),
            d7: change(7),
            d30: change(30),
            d90: change(90),
        },
        now: NowDto::from(s.now),
        avg_daily_gain_7d: s.avg_daily_gain_7d.map(|g| round_to(g, 2)),
        acceleration: s.acceleration,
        live_30d: LiveStatsDto::from(s.live_30d),
        projection: s.projection.map(ProjectionDto::from),
    }
}

/// A channel's trend statistics (follower changes, live metrics, projection).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ChannelStatsDto {
    pub platform: Platform,
    pub channel_id: String,
    pub name: String,
    pub now: NowDto,
    pub changes: ChangesDto,
    /// Average follower gain per day over the last 7 days.
    #[schema(required = true)]
    pub avg_daily_gain_7d: Option<f64>,
    /// Follower gain of the last 7 days minus that of the 7 days before.
    #[schema(required = true)]
    pub acceleration: Option<i64>,
    pub live_30d: LiveStatsDto,
    /// `null` with fewer than 7 days of history.
    #[schema(required = true)]
    pub projection: Option<ProjectionDto>,
}

impl From<ChannelStatsRow> for ChannelStatsDto {
    fn from(r: ChannelStatsRow) -> Self {
        let p = parts(r.stats);
        ChannelStatsDto {
            platform: r.platform,
            channel_id: r.channel_id,
            name: r.name,
            now: p.now,
            changes: p.changes,
            avg_daily_gain_7d: p.avg_daily_gain_7d,
            acceleration: p.acceleration,
            live_30d: p.live_30d,
            projection: p.projection,
        }
    }
}

/// A channel linked to a creator.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct LinkedChannelDto {
    pub platform: Platform,
    pub channel_id: String,
    pub name: String,
}

impl From<LinkedChannel> for LinkedChannelDto {
    fn from(c: LinkedChannel) -> Self {
        LinkedChannelDto {
            platform: c.platform,
            channel_id: c.channel_id,
            name: c.name,
        }
    }
}

/// A creator's statistics, summed across the linked channels (a day counts only when every
/// channel has a close for it).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CreatorStatsDto {
    pub creator_id: i64,
    pub name: String,
    pub channels: Vec<LinkedChannelDto>,
    pub now: NowDto,
    pub changes: ChangesDto,
    #[schema(required = true)]
    pub avg_daily_gain_7d: Option<f64>,
    #[schema(required = true)]
    pub acceleration: Option<i64>,
    pub live_30d: LiveStatsDto,
    #[schema(required = true)]
    pub projection: Option<ProjectionDto>,
}

impl From<CreatorStatsRow> for CreatorStatsDto {
    fn from(r: CreatorStatsRow) -> Self {
        let p = parts(r.stats);
        CreatorStatsDto {
            creator_id: r.creator_id,
            name: r.name,
            channels: r.channels.into_iter().map(LinkedChannelDto::from).collect(),
            now: p.now,
            changes: p.changes,
            avg_daily_gain_7d: p.avg_daily_gain_7d,
            acceleration: p.acceleration,
            live_30d: p.live_30d,
            projection: p.projection,
        }
    }
}

/// The labels a ranking's spreadsheet adds per channel (`Store::channel_labels`).
pub type ChannelLabels = HashMap<(Platform, String), ChannelLabel>;

/// A ranking as a table, for `format=csv`, `streamtide export` and `streamtide report`: the
/// columns of the JSON, then the creator the channel is linked to (in a creator ranking, the
/// creator ranked) and the channel's URL. Unknown values are empty cells.
pub fn trends_sheet(name: &str, items: &[TrendItemDto], labels: &ChannelLabels) -> Sheet {
    let mut sheet = Sheet::new(
        name,
        &[
            "rank",
            "previous_rank",
            "platform",
            "channel_id",
            "channel_name",
            "start_value",
            "end_value",
            "change",
            "change_pct",
            "rounded",
            "creator_name",
            "channel_url",
        ],
    );
    for i in items {
        let label = labels.get(&(i.platform, i.channel_id.clone()));
        let creator = match i.creator_id {
            Some(_) => Some(i.channel_name.clone()),
            None => label.and_then(|l| l.creator.clone()),
        };
        let url = i
            .platform
            .channel_url(&i.channel_id, label.and_then(|l| l.handle.as_deref()));
        sheet.push(vec![
            Cell::from(i.rank),
            Cell::int(i.previous_rank),
            Cell::from(i.platform.as_str()),
            Cell::from(i.channel_id.as_str()),
            Cell::from(i.channel_name.as_str()),
            Cell::int(i.start_value),
            Cell::Int(i.end_value),
            Cell::int(i.change),
            Cell::float(i.change_pct),
            Cell::Bool(i.rounded),
            Cell::text(creator),
            Cell::text(url),
        ]);
    }
    sheet
}

/// A ranking as CSV ([`trends_sheet`] through the one CSV writer, `streamtide_sheets`).
pub fn trends_csv(items: &[TrendItemDto], labels: &ChannelLabels) -> String {
    trends_sheet("trends", items, labels).to_csv()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranking_csv_neutralises_names_and_keeps_negative_changes_numbers() {
        let item = TrendItemDto {
            rank: 1,
            previous_rank: None,
            platform: Platform::Twitch,
            channel_id: "42".into(),
            channel_name: "=HYPERLINK(\"http://x\")".into(),
            avatar_url: None,
            start_value: Some(100),
            end_value: 95,
            change: Some(-5),
            change_pct: Some(-5.0),
            rounded: false,
            creator_id: None,
        };
        let mut labels = ChannelLabels::new();
        labels.insert(
            (Platform::Twitch, "42".into()),
            ChannelLabel {
                name: "x".into(),
                handle: Some("login42".into()),
                creator: Some("@크리에이터".into()),
            },
        );
        let csv = trends_csv(&[item], &labels);
        let line = csv.lines().nth(1).unwrap();
        assert_eq!(
            line,
            "1,,twitch,42,\"'=HYPERLINK(\"\"http://x\"\")\",100,95,-5,-5,false,'@크리에이터,https://www.twitch.tv/login42"
        );
    }

    #[test]
    fn metric_twin_names_match() {
        for (doc, real) in [
            (TrendMetricName::Followers, "followers"),
            (TrendMetricName::Views, "views"),
            (TrendMetricName::Viewers, "viewers"),
            (TrendMetricName::PeakViewers, "peak_viewers"),
            (TrendMetricName::HoursWatched, "hours_watched"),
        ] {
            assert_eq!(serde_json::to_value(doc).unwrap(), real);
            assert!(real.parse::<streamtide_storage::TrendMetric>().is_ok());
        }
    }
}
