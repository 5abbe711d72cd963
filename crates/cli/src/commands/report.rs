//! `report --period 7d --out weekly.xlsx`: the operator's workbook for a period.
//!
//! Sheet 1 "Rankings": risers and fallers by creator, then per platform (the same rankings as
//! `/trends`, with creator names and channel URLs). Sheet 2 "Daily": the daily figures of every
//! tracked channel over the period, with its creator. Sheet 3 "Platforms": per platform, how many
//! tracked channels rose and fell and by how much in all. Sheet 4 "About": what the figures are.

use std::path::Path;

use anyhow::bail;
use chrono::{Duration, NaiveDate, Utc};
use streamtide_core::Platform;
use streamtide_sheets::{Cell, FileFormat, Sheet};
use streamtide_storage::{parse_period, redact_url, Store, TrendMetric};

use super::export::{daily_cells, trends_sheet, write};
use super::trends::TrendArgs;
use crate::settings::Settings;
use crate::wiring;

/// Every ranking of the report: (list label, arguments).
fn rankings(metric: &str, period: &str, top: u32) -> Vec<(String, TrendArgs)> {
    let args = |down: bool, platform: Option<Platform>, by_creator: bool| TrendArgs {
        metric: metric.to_string(),
        period: period.to_string(),
        top,
        down,
        platform,
        category: None,
        pct: false,
        by_creator,
        tracked: false,
    };
    let mut out = vec![
        ("risers · creators".to_string(), args(false, None, true)),
        ("fallers · creators".to_string(), args(true, None, true)),
    ];
    for p in Platform::ALL {
        let name = p.display_name();
        out.push((format!("risers · {name}"), args(false, Some(p), false)));
        out.push((format!("fallers · {name}"), args(true, Some(p), false)));
    }
    out
}

async fn rankings_sheet(
    store: &Store,
    metric: &str,
    period: &str,
    top: u32,
) -> anyhow::Result<Sheet> {
    let mut out: Option<Sheet> = None;
    for (label, args) in rankings(metric, period, top) {
        let part = trends_sheet(store, "Rankings", &args).await?;
        let sheet = out.get_or_insert_with(|| {
            let mut header = vec!["list"];
            header.extend(part.header.iter().map(String::as_str));
            Sheet::new("Rankings", &header)
        });
        for row in part.rows {
            let mut cells = vec![Cell::from(label.as_str())];
            cells.extend(row);
            sheet.push(cells);
        }
    }
    Ok(out.unwrap_or_else(|| Sheet::new("Rankings", &["list"])))
}

/// Per platform: tracked channels, how many rose and fell over the period, and the total change.
async fn platforms_sheet(
    store: &Store,
    metric: &str,
    period: &str,
    tracked: &[streamtide_storage::ChannelRow],
) -> anyhow::Result<Sheet> {
    let mut sheet = Sheet::new(
        "Platforms",
        &[
            "platform",
            "tracked_channels",
            "risers",
            "fallers",
            "total_change",
            "top_riser",
            "top_riser_change",
            "top_faller",
            "top_faller_change",
        ],
    );
    for p in Platform::ALL {
        let all = |down: bool| TrendArgs {
            metric: metric.to_string(),
            period: period.to_string(),
            top: 10_000,
            down,
            platform: Some(p),
            category: None,
            pct: false,
            by_creator: false,
            tracked: false,
        };
        let up = store.trends(&all(false).query()?).await?.items;
        let down = store.trends(&all(true).query()?).await?.items;
        // Only real movements count: a ranking never lists a gain among the fallers.
        let risers: Vec<_> = up.iter().filter(|r| r.change > 0).collect();
        let fallers: Vec<_> = down.iter().filter(|r| r.change < 0).collect();
        let total: i64 = risers.iter().chain(&fallers).map(|r| r.change).sum();
        let n_tracked = tracked.iter().filter(|c| c.platform == p).count();
        if n_tracked == 0 && up.is_empty() && down.is_empty() {
            continue;
        }
        sheet.push(vec![
            Cell::from(p.display_name()),
            Cell::Int(n_tracked as i64),
            Cell::Int(risers.len() as i64),
            Cell::Int(fallers.len() as i64),
            if risers.is_empty() && fallers.is_empty() {
                Cell::Empty
            } else {
                Cell::Int(total)
            },
            Cell::text(risers.first().map(|r| r.channel_name.clone())),
            Cell::int(risers.first().map(|r| r.change)),
            Cell::text(fallers.first().map(|r| r.channel_name.clone())),
            Cell::int(fallers.first().map(|r| r.change)),
        ]);
    }
    Ok(sheet)
}

/// The daily figures of every tracked channel from `from` to `to`, creator first.
async fn daily_sheet(
    store: &Store,
    tracked: &[streamtide_storage::ChannelRow],
    from: NaiveDate,
    to: NaiveDate,
) -> anyhow::Result<Sheet> {
    let keys: Vec<_> = tracked
        .iter()
        .map(|c| (c.platform, c.channel_id.clone()))
        .collect();
    let labels = store.channel_labels(&keys).await?;
    let mut channels: Vec<_> = tracked
        .iter()
        .map(|c| {
            let label = labels.get(&(c.platform, c.channel_id.clone()));
            (label.and_then(|l| l.creator.clone()), c)
        })
        .collect();
    // Creators in name order (channels without one last), then platform and name.
    channels.sort_by(|(a, x), (b, y)| {
        (a.is_none(), a, x.platform.as_str(), &x.name).cmp(&(
            b.is_none(),
            b,
            y.platform.as_str(),
            &y.name,
        ))
    });
    let mut sheet = Sheet::new(
        "Daily",
        &[
            "creator_name",
            "platform",
            "channel_id",
            "channel_name",
            "channel_url",
            "day",
            "followers",
            "total_views",
            "video_count",
            "followers_delta",
            "views_delta",
            "video_count_delta",
            "streams",
            "live_minutes",
            "peak_viewers",
            "avg_viewers",
            "hours_watched",
        ],
    );
    for (creator, c) in channels {
        let url = c.platform.channel_url(&c.channel_id, c.handle.as_deref());
        for day in store
            .channel_daily(c.platform, &c.channel_id, from, to)
            .await?
        {
            let mut row = vec![
                Cell::text(creator.clone()),
                Cell::from(c.platform.as_str()),
                Cell::from(c.channel_id.as_str()),
                Cell::from(c.name.as_str()),
                Cell::text(url.clone()),
            ];
            row.extend(daily_cells(&day));
            sheet.push(row);
        }
    }
    Ok(sheet)
}

pub async fn run(
    settings: Settings,
    period: &str,
    metric: &str,
    top: u32,
    out: &Path,
) -> anyhow::Result<()> {
    if FileFormat::of_path(out)? != FileFormat::Xlsx {
        bail!(
            "a report is a workbook of several sheets: name the file .xlsx (`{}` is not); for one table as CSV use `streamtide export`",
            out.display()
        );
    }
    let period_days = parse_period(period).map_err(anyhow::Error::msg)?;
    let metric_name: TrendMetric = metric.parse().map_err(anyhow::Error::msg)?;
    let store = wiring::open_store_for_reading(&settings).await?;
    let result = build(&store, &settings, period, period_days, metric_name, top).await;
    store.close().await;
    let (sheets, summary, note) = result?;
    write(out, FileFormat::Xlsx, &sheets)?;
    println!("Wrote {} to {}.", summary, out.display());
    if let Some(note) = note {
        println!("Rankings: {note}.");
    }
    Ok(())
}

async fn build(
    store: &Store,
    settings: &Settings,
    period: &str,
    period_days: u32,
    metric: TrendMetric,
    top: u32,
) -> anyhow::Result<(Vec<Sheet>, String, Option<String>)> {
    let tz = store.analytics_timezone().await?;
    let latest = store.latest_rollup_day().await?;
    let (tracked, _) = store.channels(None, true, 1_000_000, 0).await?;
    let rankings = rankings_sheet(store, metric.as_str(), period, top).await?;
    let platforms = platforms_sheet(store, metric.as_str(), period, &tracked).await?;
    let (daily, window) = match latest {
        Some(to) => {
            let from = to - Duration::days(i64::from(period_days.saturating_sub(1)));
            (
                daily_sheet(store, &tracked, from, to).await?,
                Some((from, to)),
            )
        }
        None => (Sheet::new("Daily", &["creator_name"]), None),
    };
    let mut about = Sheet::new("About", &["item", "value"]);
    let mut line = |k: &str, v: Cell| about.push(vec![Cell::from(k), v]);
    line("period", Cell::from(period));
    line("metric", Cell::from(metric.as_str()));
    match window {
        Some((from, to)) => {
            line("first day", Cell::Date(from));
            line("last day", Cell::Date(to));
        }
        None => line(
            "days",
            Cell::from("no daily rollups yet: run `streamtide run` (or the demo) to collect"),
        ),
    }
    line("time zone of the days", Cell::from(tz.name()));
    line("generated at", Cell::Time(Utc::now()));
    line("database", Cell::from(redact_url(&settings.storage.url)));
    line("tracked channels", Cell::Int(tracked.len() as i64));
    line(
        "rankings",
        Cell::from(
            "followers/views: the close at the period's start against the latest close; \
             viewers/hours watched: the period against the one before. Channels without a value \
             at both ends are left out, never counted from 0. Risers list only gains, fallers only losses.",
        ),
    );
    line(
        "empty cells",
        Cell::from("unknown (not measured), never zero"),
    );
    // An empty ranking is said, not left as a blank sheet.
    let none_yet = rankings.rows.is_empty().then(|| {
        format!(
            "no channel has {} values at both ends of the last {period} yet: the rankings fill in as the history covers the period",
            metric.as_str()
        )
    });
    if let Some(note) = &none_yet {
        line("rankings now", Cell::from(note.as_str()));
    }
    let summary = format!(
        "{} ranking rows, {} daily rows of {} tracked channels ({} {}{})",
        rankings.rows.len(),
        daily.rows.len(),
        tracked.len(),
        metric.as_str(),
        period,
        window.map_or_else(String::new, |(from, to)| format!(", {from} to {to}")),
    );
    Ok((vec![rankings, daily, platforms, about], summary, none_yet))
}
