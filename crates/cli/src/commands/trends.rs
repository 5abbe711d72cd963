//! `trends`: top gainers or losers of a metric over a period, as a table or JSON.

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
    pub pct: bool,
    /// Rank creators (summed across their platforms) instead of channels.
    pub by_creator: bool,
    /// Only channels on the tracked roster.
    pub tracked: bool,
}

impl TrendArgs {
    pub fn query(&self) -> anyhow::Result<TrendQuery> {
        let metric: TrendMetric = self.metric.parse().map_err(anyhow::Error::msg)?;
        let period_days = parse_period(&self.period).map_err(anyhow::Error::msg)?;
        Ok(TrendQuery {
            metric,
            period_days,
            up: !self.down,
            platform: self.platform,
            category: self.category.clone(),
            limit: self.top.clamp(1, 10_000),
            sort: if self.pct {
                TrendSort::Pct
            } else {
                TrendSort::Change
            },
            as_of: None,
            by_creator: self.by_creator,
            tracked: self.tracked,
        })
    }
}

fn signed(n: i64) -> String {
    if n > 0 {
        format!("+{n}")
    } else {
        n.to_string()
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
    let note = streamtide_server::trends_note(&list, q.period_days, q.up, q.limit);
    let items: Vec<streamtide_server::TrendItemDto> = list
        .items
        .iter()
        .cloned()
        .map(streamtide_server::TrendItemDto::from)
        .collect();
    if json {
        let body = streamtide_server::TrendsDto {
            metric: q.metric.as_str().to_string(),
            period: format!("{}d", q.period_days),
            direction: if q.up { "up" } else { "down" }.to_string(),
            as_of: list.as_of,
            items,
            available: list.available,
            collecting_since: list.collecting_since,
            available_from: list.available_from,
            qualifying: list.qualifying,
            other_direction: list.other_direction,
            left_out: list.left_out,
            note,
        };
        println!("{}", serde_json::to_string_pretty(&body)?);
        return Ok(());
    }
    if items.is_empty() {
        // Why there is nothing: the history is too short (and from when it will be long enough),
        // or nobody moved this way. Never a hint to rebuild what is not missing.
        println!(
            "No {} ranking of {} over {} days: {}.",
            if q.up { "gainers" } else { "losers" },
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
    t.set_header(vec![
        "#", "prev", "platform", "channel", "start", "end", "change", "change %",
    ]);
    for i in &items {
        let right = |s: String| Cell::new(s).set_alignment(CellAlignment::Right);
        t.add_row(vec![
            right(i.rank.to_string()),
            right(
                i.previous_rank
                    .map_or_else(|| "new".into(), |r| r.to_string()),
            ),
            Cell::new(i.platform.display_name()),
            Cell::new(&i.channel_name),
            right(i.start_value.to_string()),
            right(i.end_value.to_string()),
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
        if q.up { "gainers" } else { "losers" },
        q.metric.as_str(),
        q.period_days,
        list.as_of.map_or_else(|| "—".into(), |d| d.to_string()),
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
