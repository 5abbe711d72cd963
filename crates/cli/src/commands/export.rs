//! `export`: CSV of a channel's history, its daily rollups, or a ranking.

use std::path::Path;

use anyhow::{bail, Context};
use chrono::{DateTime, Duration, Utc};
use streamtide_core::Platform;
use streamtide_storage::Metric;

use super::trends::TrendArgs;
use super::wire;
use crate::settings::Settings;

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
    pub channel: Option<String>,
    pub metric: String,
    pub days: u32,
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

pub async fn run(
    settings: Settings,
    what: ExportWhat,
    series: SeriesArgs,
    trends: TrendArgs,
    out: &Path,
) -> anyhow::Result<()> {
    let store = wire::open_store(&settings).await?;
    let body = match what {
        ExportWhat::Trends => {
            let list = store.trends(&trends.query()?).await?;
            let items: Vec<streamtide_server::TrendItemDto> = list
                .items
                .into_iter()
                .map(streamtide_server::TrendItemDto::from)
                .collect();
            streamtide_server::trends_csv(&items)
        }
        ExportWhat::History | ExportWhat::Daily => {
            let (Some(platform), Some(channel)) = (series.platform, series.channel.as_deref())
            else {
                bail!(
                    "--what {what:?} needs --platform and --channel",
                    what = what
                );
            };
            if store.channel(platform, channel).await?.is_none() {
                bail!("no channel `{channel}` on {platform}");
            }
            let to: DateTime<Utc> = Utc::now();
            let from = to - Duration::days(i64::from(series.days.max(1)));
            if what == ExportWhat::History {
                let metric: Metric = series.metric.parse().map_err(anyhow::Error::msg)?;
                let points = store
                    .history(platform, channel, metric, from, to, u32::MAX)
                    .await?;
                let mut s = String::from("at,value\n");
                for p in points {
                    s.push_str(&format!("{},{}\n", p.at.to_rfc3339(), p.value));
                }
                s
            } else {
                let tz = store.analytics_timezone().await?;
                let rows = store
                    .channel_daily(
                        platform,
                        channel,
                        streamtide_analytics::day_of(from, tz),
                        streamtide_analytics::day_of(to, tz),
                    )
                    .await?;
                let mut s = String::from(
                    "day,followers,total_views,video_count,followers_delta,views_delta,video_count_delta,streams,live_minutes,peak_viewers,avg_viewers,hours_watched\n",
                );
                for r in rows {
                    s.push_str(&format!(
                        "{},{},{},{},{},{},{},{},{:.1},{},{},{:.2}\n",
                        r.day,
                        opt(r.followers),
                        opt(r.total_views),
                        opt(r.video_count),
                        opt(r.followers_delta),
                        opt(r.views_delta),
                        opt(r.video_count_delta),
                        r.streams,
                        r.live_minutes,
                        opt(r.peak_viewers),
                        opt(r.avg_viewers.map(|v| format!("{v:.1}"))),
                        r.hours_watched
                    ));
                }
                s
            }
        }
    };
    store.close().await;
    let lines = body.lines().count().saturating_sub(1);
    std::fs::write(out, body).with_context(|| format!("writing {}", out.display()))?;
    println!("Wrote {lines} row(s) to {}.", out.display());
    Ok(())
}
