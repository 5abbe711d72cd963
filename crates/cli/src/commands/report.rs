//! `report --period 7d --out weekly.xlsx`: the operator's workbook for a period.
//!
//! Sheet 1 "Rankings": risers and fallers by creator, then per platform (the same rankings as
//! `/trends`, with creator names and channel URLs). Sheet 2 "Daily": the daily figures of every
//! tracked channel over the period, with its creator. Sheet 3 "Platforms": per platform, how many
//! tracked channels rose and fell and by how much in all. Sheet 4 "About": what the figures are.

//!
//! [`workbook`] makes the bytes; `report` writes them to a file, and the weekly digest of
//! `[alerts.reports]` attaches them to e-mail ([`DigestWorkbook`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context};
use async_trait::async_trait;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use streamtide_alerts::reports::{BoxError, WorkbookSource};
use streamtide_core::Platform;
use streamtide_sheets::{Cell, FileFormat, Sheet};
use streamtide_storage::{parse_period, redact_url, Store, TrendMetric, TrendQuery, TrendSort};

use super::export::daily_cells;
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
        sort: TrendSort::Change,
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

/// The ranking `args` asks for, ending on `as_of` (default: the latest day with rollups).
fn query(args: &TrendArgs, as_of: Option<NaiveDate>) -> anyhow::Result<TrendQuery> {
    let mut q = args.query()?;
    q.as_of = as_of;
    Ok(q)
}

/// One ranking as the API's CSV has it (creator name and URL included); only gains among
/// risers and only losses among fallers.
async fn ranking_part(
    store: &Store,
    args: &TrendArgs,
    as_of: Option<NaiveDate>,
) -> anyhow::Result<Sheet> {
    super::export::query_sheet(store, "Rankings", &query(args, as_of)?, args.down).await
}

async fn rankings_sheet(
    store: &Store,
    metric: &str,
    period: &str,
    top: u32,
    as_of: Option<NaiveDate>,
) -> anyhow::Result<Sheet> {
    let mut out: Option<Sheet> = None;
    for (label, args) in rankings(metric, period, top) {
        let part = ranking_part(store, &args, as_of).await?;
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
    as_of: Option<NaiveDate>,
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
            sort: TrendSort::Change,
            by_creator: false,
            tracked: false,
        };
        let up = store.trends(&query(&all(false), as_of)?).await?.items;
        let down = store.trends(&query(&all(true), as_of)?).await?.items;
        // Only real movements count: a ranking never lists a gain among the fallers.
        let risers: Vec<_> = up
            .iter()
            .filter(|r| r.change.is_some_and(|c| c > 0))
            .collect();
        let fallers: Vec<_> = down
            .iter()
            .filter(|r| r.change.is_some_and(|c| c < 0))
            .collect();
        let total: i64 = risers.iter().chain(&fallers).filter_map(|r| r.change).sum();
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
            Cell::int(risers.first().and_then(|r| r.change)),
            Cell::text(fallers.first().map(|r| r.channel_name.clone())),
            Cell::int(fallers.first().and_then(|r| r.change)),
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

/// What a report covers.
#[derive(Debug, Clone)]
pub struct ReportSpec {
    /// `1d`, `7d`, `30d` or `90d`.
    pub period: String,
    pub metric: TrendMetric,
    /// Rows of each ranking.
    pub top: u32,
    /// The period's last day (default: the latest day with rollups).
    pub as_of: Option<NaiveDate>,
}

/// A report's workbook and what it holds.
#[derive(Debug, Clone)]
pub struct Workbook {
    /// The `.xlsx` file.
    pub bytes: Vec<u8>,
    /// One line: rows, channels, period.
    pub summary: String,
    /// Why the rankings are empty, if they are.
    pub note: Option<String>,
}

/// The report's workbook for `spec` from `store`; `database` names the store (redacted) on the
/// About sheet, `generated_at` is stamped there.
pub async fn workbook(
    store: &Store,
    database: &str,
    spec: &ReportSpec,
    generated_at: DateTime<Utc>,
) -> anyhow::Result<Workbook> {
    let period_days = parse_period(&spec.period).map_err(anyhow::Error::msg)?;
    let (sheets, summary, note) = build(store, database, spec, period_days, generated_at).await?;
    let bytes = streamtide_sheets::to_bytes(FileFormat::Xlsx, &sheets)?;
    Ok(Workbook {
        bytes,
        summary,
        note,
    })
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
    parse_period(period).map_err(anyhow::Error::msg)?;
    let spec = ReportSpec {
        period: period.to_string(),
        metric: metric.parse().map_err(anyhow::Error::msg)?,
        top,
        as_of: None,
    };
    let store = wiring::open_store_for_reading(&settings).await?;
    let database = redact_url(&settings.storage.url);
    let result = workbook(&store, &database, &spec, Utc::now()).await;
    store.close().await;
    let book = result?;
    std::fs::write(out, &book.bytes).with_context(|| format!("writing {}", out.display()))?;
    println!("Wrote {} to {}.", book.summary, out.display());
    if let Some(note) = book.note {
        println!("Rankings: {note}.");
    }
    Ok(())
}

async fn build(
    store: &Store,
    database: &str,
    spec: &ReportSpec,
    period_days: u32,
    generated_at: DateTime<Utc>,
) -> anyhow::Result<(Vec<Sheet>, String, Option<String>)> {
    let (period, metric, top, as_of) = (spec.period.as_str(), spec.metric, spec.top, spec.as_of);
    let tz = store.analytics_timezone().await?;
    let latest = match as_of {
        Some(d) => Some(d),
        None => store.latest_rollup_day().await?,
    };
    let (tracked, _) = store.channels(None, true, 1_000_000, 0).await?;
    let rankings = rankings_sheet(store, metric.as_str(), period, top, as_of).await?;
    let platforms = platforms_sheet(store, metric.as_str(), period, &tracked, as_of).await?;
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
    line("generated at", Cell::Time(generated_at));
    line("database", Cell::from(database));
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

/// The weekly digest's workbook: this report over the digest's week, followers.
pub struct DigestWorkbook {
    store: Store,
    database: String,
}

impl DigestWorkbook {
    pub fn source(settings: &Settings, store: Store) -> Arc<dyn WorkbookSource> {
        Arc::new(DigestWorkbook {
            store,
            database: redact_url(&settings.storage.url),
        })
    }
}

#[async_trait]
impl WorkbookSource for DigestWorkbook {
    async fn workbook(
        &self,
        days: u32,
        last_day: NaiveDate,
        at: DateTime<Utc>,
    ) -> Result<Vec<u8>, BoxError> {
        let spec = ReportSpec {
            period: format!("{days}d"),
            metric: TrendMetric::Followers,
            top: 50,
            as_of: Some(last_day),
        };
        let book = workbook(&self.store, &self.database, &spec, at)
            .await
            .map_err(|e| -> BoxError { e.into() })?;
        Ok(book.bytes)
    }
}

/// Where the weekly digests' workbooks are written: a `reports` folder next to an SQLite
/// database, else the system's temporary folder.
pub fn reports_dir(settings: &Settings) -> PathBuf {
    // Absolute: the stored path is read back by whichever process sends the digest.
    wiring::database::sqlite_file(&settings.storage.url)
        .and_then(|db| std::path::absolute(db).ok())
        .and_then(|db| db.parent().map(|p| p.join("reports")))
        .unwrap_or_else(|| std::env::temp_dir().join("streamtide-reports"))
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::{Data, Reader, Xlsx};
    use chrono::TimeZone;
    use streamtide_core::{ChannelId, ChannelInfo, ChannelObservation, ChannelStats, LiveState};
    use streamtide_storage::{Batch, Job};

    use super::*;

    fn obs(id: &str, followers: u64) -> ChannelObservation {
        ChannelObservation {
            info: ChannelInfo {
                platform: Platform::Chzzk,
                channel_id: ChannelId::new(id),
                name: format!("채널-{id}"),
                handle: None,
                avatar_url: None,
                description: None,
            },
            stats: ChannelStats {
                followers: Some(followers),
                total_views: None,
                video_count: None,
            },
            live: LiveState::Offline,
        }
    }

    /// The digest's builder makes the report's workbook over the week it is asked for, not over
    /// the latest days: a calamine-readable .xlsx whose rankings and days end on `last_day`.
    #[tokio::test]
    async fn the_digest_workbook_is_the_report_of_the_asked_week() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let store = Store::open(&url).await.unwrap();
        // Noon KST daily from 2026-11-20 to 2026-12-03: `up` gains 100 a day until the 29th and
        // then loses 1,000 a day; `flat` stays.
        let start = Utc.with_ymd_and_hms(2026, 11, 20, 3, 0, 0).unwrap();
        for d in 0..14 {
            let at = start + Duration::days(d);
            let up = if d <= 9 {
                10_000 + 100 * d as u64
            } else {
                10_900 - 1_000 * (d as u64 - 9)
            };
            let batch = Batch::Channels {
                found: vec![obs("up", up), obs("flat", 5_000)],
                missing: vec![],
            };
            let round = store
                .start_round(Platform::Chzzk, Job::Channels, at)
                .await
                .unwrap();
            store
                .write_batch(round, Platform::Chzzk, at, &batch)
                .await
                .unwrap();
            store
                .update_rollups(Platform::Chzzk, at, &batch)
                .await
                .unwrap();
        }
        // On the roster: the Daily sheet lists tracked channels.
        for id in ["up", "flat"] {
            store.track_channel(&obs(id, 0).info, start).await.unwrap();
        }
        let (creator, _) = store.upsert_creator("크리에이터", start).await.unwrap();
        store
            .link_channel(Platform::Chzzk, &ChannelId::new("up"), creator)
            .await
            .unwrap();
        let last_day = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let source = DigestWorkbook {
            store: store.clone(),
            database: "sqlite://t.db".into(),
        };
        let bytes = source.workbook(7, last_day, start).await.unwrap();
        store.close().await;

        let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        assert_eq!(
            book.sheet_names(),
            vec!["Rankings", "Daily", "Platforms", "About"]
        );
        let rows = |book: &mut Xlsx<_>, name: &str| -> Vec<Vec<String>> {
            book.worksheet_range(name)
                .unwrap()
                .rows()
                .map(|r| r.iter().map(Data::to_string).collect())
                .collect()
        };
        let rankings = rows(&mut book, "Rankings");
        let text = format!("{rankings:?}");
        // Over the week to the 29th `up` rose by 700 (the later fall is outside it).
        let riser = rankings
            .iter()
            .find(|r| r[0] == "risers · creators")
            .unwrap_or_else(|| panic!("{text}"));
        assert!(riser.iter().any(|c| c == "크리에이터"), "{text}");
        assert!(riser.iter().any(|c| c == "700"), "{text}");
        assert!(
            !rankings.iter().any(|r| r[0].starts_with("fallers")),
            "{text}"
        );
        let daily = rows(&mut book, "Daily");
        // Dates are Excel serials (days since 1899-12-30).
        let serial = |d: NaiveDate| {
            (d - NaiveDate::from_ymd_opt(1899, 12, 30).unwrap())
                .num_days()
                .to_string()
        };
        let mut days: Vec<&str> = daily.iter().skip(1).map(|r| r[5].as_str()).collect();
        days.sort_unstable();
        days.dedup();
        let week: Vec<String> = (0..7)
            .map(|i| serial(last_day - Duration::days(6 - i)))
            .collect();
        assert_eq!(days, week, "two channels, seven days each");
        assert_eq!(daily.len(), 1 + 14);
        let about = format!("{:?}", rows(&mut book, "About"));
        assert!(
            about.contains("7d") && about.contains("sqlite://t.db"),
            "{about}"
        );
    }
}
