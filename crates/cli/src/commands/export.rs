//! `export`: a channel's history or daily rollups, or a ranking, as CSV (UTF-8 with a BOM, for
//! Excel) or .xlsx, chosen by the file's extension. Every table names the creator, platform,
//! channel and its URL; every CSV cell goes through `streamtide_sheets` (formula-like text is
//! neutralised), and .xlsx text is always a string.

use std::path::Path;

use anyhow::{bail, Context};
use chrono::{DateTime, Duration, Utc};
use streamtide_core::{Platform, RefKind};
use streamtide_sheets::{Cell, FileFormat, Sheet};
use streamtide_storage::{Metric, Store};

use super::trends::TrendArgs;
use crate::settings::Settings;
use crate::wiring;

/// What `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportWhat {
    /// A channel's raw series (`at,value`), like `/history?format=csv`.
    History,
    /// A channel's daily rollups (closes, deltas, live metrics).
    Daily,
    /// A ranking, like `/trends?format=csv`.
    Trends,
}

/// Which channel and window, for `history` and `daily`.
#[derive(Debug, Clone)]
pub struct SeriesArgs {
    pub platform: Option<Platform>,
    /// As `channels add` takes it: a URL, `chzzk:<id>`, or an id/handle with `platform`.
    pub channel: Option<String>,
    pub metric: String,
    pub days: u32,
}

/// The channel `input` names, among those the store knows.
async fn find_channel(
    store: &Store,
    input: &str,
    platform: Option<Platform>,
) -> anyhow::Result<(Platform, String)> {
    let reference = crate::wiring::recognise(input, platform)?;
    let text = match &reference.kind {
        RefKind::Id(id) => id.to_string(),
        RefKind::Handle(h) => h.clone(),
    };
    match store.find_channel(reference.platform, &text).await? {
        Some(id) => Ok((reference.platform, id)),
        None => bail!(
            "no {} channel `{text}` in this database: `streamtide channels list --all` shows the channels it has (is it the right --db?)",
            reference.platform.display_name()
        ),
    }
}

/// The identity columns every series row starts with.
const IDENTITY: [&str; 5] = [
    "creator_name",
    "platform",
    "channel_id",
    "channel_name",
    "channel_url",
];

/// [`IDENTITY`] then `data`.
fn with_identity<'a>(data: &[&'a str]) -> Vec<&'a str> {
    IDENTITY.iter().chain(data.iter()).copied().collect()
}

async fn identity(store: &Store, platform: Platform, id: &str) -> anyhow::Result<Vec<Cell>> {
    let labels = store.channel_labels(&[(platform, id.to_string())]).await?;
    let label = labels
        .get(&(platform, id.to_string()))
        .cloned()
        .unwrap_or_default();
    Ok(vec![
        Cell::text(label.creator),
        Cell::from(platform.as_str()),
        Cell::from(id),
        Cell::from(label.name),
        Cell::text(platform.channel_url(id, label.handle.as_deref())),
    ])
}

async fn series_sheet(
    store: &Store,
    what: ExportWhat,
    series: &SeriesArgs,
) -> anyhow::Result<Sheet> {
    let Some(input) = series.channel.as_deref() else {
        bail!(
            "--what {} needs --channel: the channel's URL (as `channels add` takes it), or its id with --platform",
            if what == ExportWhat::History { "history" } else { "daily" }
        );
    };
    let (platform, channel) = find_channel(store, input, series.platform).await?;
    let who = identity(store, platform, &channel).await?;
    let to: DateTime<Utc> = Utc::now();
    let from = to - Duration::days(i64::from(series.days.max(1)));
    if what == ExportWhat::History {
        let metric: Metric = series.metric.parse().map_err(anyhow::Error::msg)?;
        let mut sheet = Sheet::new("history", &with_identity(&["at", "value"]));
        for p in store
            .history(platform, &channel, metric, from, to, u32::MAX)
            .await?
        {
            let mut row = who.clone();
            row.extend([Cell::Time(p.at), Cell::count(Some(p.value))]);
            sheet.push(row);
        }
        return Ok(sheet);
    }
    let tz = store.analytics_timezone().await?;
    let mut sheet = Sheet::new(
        "daily",
        &with_identity(&[
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
        ]),
    );
    let rows = store
        .channel_daily(
            platform,
            &channel,
            streamtide_analytics::day_of(from, tz),
            streamtide_analytics::day_of(to, tz),
        )
        .await?;
    for r in rows {
        let mut row = who.clone();
        row.extend(daily_cells(&r));
        sheet.push(row);
    }
    Ok(sheet)
}

/// A daily rollup's figures; unknown closes and deltas stay empty (never 0).
pub fn daily_cells(r: &streamtide_storage::DailyRow) -> Vec<Cell> {
    let round1 = |v: f64| (v * 10.0).round() / 10.0;
    vec![
        Cell::Date(r.day),
        Cell::count(r.followers),
        Cell::count(r.total_views),
        Cell::count(r.video_count),
        Cell::int(r.followers_delta),
        Cell::int(r.views_delta),
        Cell::int(r.video_count_delta),
        Cell::count(Some(r.streams)),
        Cell::Float(round1(r.live_minutes)),
        Cell::count(r.peak_viewers),
        Cell::float(r.avg_viewers.map(round1)),
        Cell::Float((r.hours_watched * 100.0).round() / 100.0),
    ]
}

/// The ranking `trends` asks for, as the API's CSV has it (creator name and URL included). A
/// gainers' list holds only gains and a losers' list only losses.
pub async fn trends_sheet(store: &Store, name: &str, trends: &TrendArgs) -> anyhow::Result<Sheet> {
    query_sheet(store, name, &trends.query()?, trends.down).await
}

/// The sheet of one trends query: only gains (`down` false) or only losses.
pub async fn query_sheet(
    store: &Store,
    name: &str,
    query: &streamtide_storage::TrendQuery,
    down: bool,
) -> anyhow::Result<Sheet> {
    let list = store.trends(query).await?;
    let items: Vec<streamtide_server::TrendItemDto> = list
        .items
        .into_iter()
        .filter(|r| r.change.is_some_and(|c| if down { c < 0 } else { c > 0 }))
        .map(streamtide_server::TrendItemDto::from)
        .collect();
    let keys: Vec<_> = items
        .iter()
        .map(|i| (i.platform, i.channel_id.clone()))
        .collect();
    let labels = store.channel_labels(&keys).await?;
    Ok(streamtide_server::trends_sheet(name, &items, &labels))
}

/// Write `sheets` to `out` in the format its extension names.
pub fn write(out: &Path, format: FileFormat, sheets: &[Sheet]) -> anyhow::Result<()> {
    let bytes = streamtide_sheets::to_bytes(format, sheets)?;
    std::fs::write(out, bytes).with_context(|| format!("writing {}", out.display()))
}

pub async fn run(
    settings: Settings,
    what: ExportWhat,
    series: SeriesArgs,
    trends: TrendArgs,
    out: &Path,
) -> anyhow::Result<()> {
    // A wrong extension or argument fails before anything is read.
    let format = FileFormat::of_path(out)?;
    if what == ExportWhat::Trends {
        trends.query()?;
    }
    let store = wiring::open_store_for_reading(&settings).await?;
    let sheet = match what {
        ExportWhat::Trends => trends_sheet(&store, "trends", &trends).await,
        ExportWhat::History | ExportWhat::Daily => series_sheet(&store, what, &series).await,
    };
    store.close().await;
    let sheet = sheet?;
    write(out, format, std::slice::from_ref(&sheet))?;
    println!("Wrote {} row(s) to {}.", sheet.rows.len(), out.display());
    Ok(())
}
