//! `trends`: top gainers or losers of a metric over a period, or a leaderboard of the period's
//! figures (`--sort total`, the default of `--scope all`), as a table or JSON.

use comfy_table::{presets::UTF8_FULL_CONDENSED, Cell, CellAlignment, Table};
use streamtide_core::Platform;
use streamtide_storage::{parse_period, TrendMetric, TrendQuery, TrendSort};

use crate::settings::Settings;
use crate::wiring;

/// What to rank, as given on the command line.
#[derive(Debug, Clone)]
pub struct TrendArgs {
    pub metric: String,
    pub period: String,
    pub top: u32,
    pub down: bool,
    pub platform: Option<Platform>,
    pub category: Option<String>,
    pub sort: TrendSort,
    /// Rank creators (summed across their platforms) instead of channels.
    pub by_creator: bool,
    /// Only channels on the tracked roster.
    pub tracked: bool,
}

/// `--sort`: how a ranking orders its items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SortArg {
    Change,
    Pct,
    Total,
}

/// `--scope`: whose channels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ScopeArg {
    All,
    Tracked,
}

/// The ranking's order and whether it ranks only the roster, from the flags as the API reads
/// its parameters: `--scope all` is a leaderboard unless `--sort` says otherwise.
pub fn sort_and_scope(
    pct: bool,
    sort: Option<SortArg>,
    tracked: bool,
    scope: Option<ScopeArg>,
) -> (TrendSort, bool) {
    let sort = match (sort, pct, scope) {
        (Some(SortArg::Change), _, _) => TrendSort::Change,
        (Some(SortArg::Pct), _, _) | (None, true, _) => TrendSort::Pct,
        (Some(SortArg::Total), _, _) | (None, false, Some(ScopeArg::All)) => TrendSort::Total,
        (None, false, _) => TrendSort::Change,
    };
    (sort, tracked || scope == Some(ScopeArg::Tracked))
}

impl TrendArgs {
    pub fn query(&self) -> anyhow::Result<TrendQuery> {
        let metric: TrendMetric = self.metric.parse().map_err(anyhow::Error::msg)?;
        let period_days = parse_period(&self.period).map_err(anyhow::Error::msg)?;
        if self.down && self.sort == TrendSort::Total {
            anyhow::bail!(
                "a leaderboard (--sort total, the default of --scope all) is largest first: --down ranks changes (--sort change or pct)"
            );
        }
        Ok(TrendQuery {
            metric,
            period_days,
            up: !self.down,
            platform: self.platform,
            category: self.category.clone(),
            limit: self.top.clamp(1, 10_000),
            sort: self.sort,
            as_of: None,
            by_creator: self.by_creator,
            tracked: self.tracked,
        })
    }
}

fn signed(n: Option<i64>) -> String {
    match n {
        Some(n) if n > 0 => format!("+{n}"),
        Some(n) => n.to_string(),
        None => "—".into(),
    }
}

pub async fn print(settings: Settings, args: TrendArgs, json: bool) -> anyhow::Result<()> {
    let q = args.query()?;
    let store = wiring::open_store_for_reading(&settings).await?;
    let list = store.trends(&q).await?;
    // Rollups missing while raw observations exist (written by an older version, or imported):
    // the one case a rebuild is the answer.
    let rollups_missing = list.collecting_since.is_none() && store.has_raw_history().await?;
    store.close().await;
    let as_of = list.as_of;
    let body = streamtide_server::TrendsDto::new(list, &q);
    if json {
        println!("{}", serde_json::to_string_pretty(&body)?);
        return Ok(());
    }
    let leaderboard = q.sort == TrendSort::Total;
    let what = match (leaderboard, q.up) {
        (true, _) => "leaders",
        (false, true) => "gainers",
        (false, false) => "losers",
    };
    let (items, note) = (body.items, body.note);
    if items.is_empty() {
        // Why there is nothing: the history is too short (and from when it will be long enough),
        // or nobody moved this way. Never a hint to rebuild what is not missing.
        println!(
            "No {} ranking of {} over {} days: {}.",
            what,
            q.metric.as_str(),
            q.period_days,
            if rollups_missing {
                "observations are stored but their daily rollups are not (run `streamtide rollup --rebuild`)"
            } else {
                note.as_deref().unwrap_or("nothing to rank")
            }
        );
        return Ok(());
    }
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    t.set_header(if leaderboard {
        vec![
            "#",
            "prev",
            "platform",
            "channel",
            q.metric.as_str(),
            "before",
            "change",
            "change %",
        ]
    } else {
        vec![
            "#", "prev", "platform", "channel", "start", "end", "change", "change %",
        ]
    });
    for i in &items {
        let right = |s: String| Cell::new(s).set_alignment(CellAlignment::Right);
        let start = i.start_value.map_or_else(|| "—".into(), |v| v.to_string());
        let (first, second) = if leaderboard {
            (i.end_value.to_string(), start)
        } else {
            (start, i.end_value.to_string())
        };
        t.add_row(vec![
            right(i.rank.to_string()),
            right(
                i.previous_rank
                    .map_or_else(|| "new".into(), |r| r.to_string()),
            ),
            Cell::new(i.platform.display_name()),
            Cell::new(&i.channel_name),
            right(first),
            right(second),
            right(format!(
                "{}{}",
                signed(i.change),
                if i.rounded { " ≈" } else { "" }
            )),
            right(
                i.change_pct
                    .map_or_else(|| "—".into(), |p| format!("{p:+.2}%")),
            ),
        ]);
    }
    println!("{t}");
    println!(
        "Top {} {} of {} over {} days ending {}{}",
        items.len(),
        what,
        q.metric.as_str(),
        q.period_days,
        as_of.map_or_else(|| "—".into(), |d| d.to_string()),
        if items.iter().any(|i| i.rounded) {
            " (≈: the platform rounds these counts)"
        } else {
            ""
        }
    );
    if let Some(note) = note {
        // Fewer than asked: said, not padded with the other direction.
        let mut chars = note.chars();
        let first = chars.next().map(|c| c.to_uppercase().to_string());
        println!("{}{}.", first.unwrap_or_default(), chars.as_str());
    }
    Ok(())
}
