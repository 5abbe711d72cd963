//! The census part (issue 19, item 6): what a day of the live census costs on SQLite, and how
//! fast a 30-day category history reads.
//!
//! A virtual day on a manual clock: every two minutes (the default live interval) the collector
//! reads CHZZK's, SOOP's and Twitch's whole directories from the simulator at the Korean
//! market's size (~3,000 + ~6,000 + ~2,000 broadcasts live, 11,000 at the evening peak), keeps
//! the top 240 of each and every tracked channel's as sessions and samples, and tallies the
//! market per category. The database's growth over the day is the census's disk cost.
//!
//! Then `history_days` days of market rounds are added before the day (`Store::record_market`
//! at the same cadence, figures following a daily curve) and the reads the market page makes are
//! timed: a category's 30-day history by hour and by day, and the 30-day category ranking (this
//! period and the one before), each the median of 15 runs.

use std::sync::Arc;
use std::time::Instant;

use anyhow::{ensure, Context};
use chrono::{Duration, TimeZone, Utc};
use serde_json::{json, Value};
use streamtide_collector::{Collector, CollectorConfig, CollectorMetrics};
use streamtide_core::{Clock, ManualClock, Platform};
use streamtide_platforms::{HttpConfig, PlatformsConfig};
use streamtide_simulator::{SimConfig, Simulator};
use streamtide_storage::{Job, MarketCell, MarketResolution, Store, MARKET_TOTAL};
use tokio_util::sync::CancellationToken;

use crate::machine::{cpu_secs, f, peak_rss_mib, TempDir};

const PLATFORMS: [Platform; 3] = [Platform::Chzzk, Platform::Soop, Platform::Twitch];
/// Channels of each platform on the roster (1,566 in all, the roster).
const TRACKED: usize = 522;

/// The size of the closed database in `dir`. SQLite folds its write-ahead log into the file and
/// removes it when the last connection closes, which can finish a moment after the pool's close
/// returns: a log still there is waited for (up to 5 s), so a stale one never counts as data (a
/// run measured 15.5 MB "before" and 0.7 MB after a day).
async fn closed_db_bytes(dir: &std::path::Path) -> u64 {
    let has_log = || {
        std::fs::read_dir(dir).is_ok_and(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().ends_with("-wal"))
        })
    };
    for _ in 0..100 {
        if !has_log() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    db_bytes(dir)
}

/// Bytes of the SQLite database (file and write-ahead log) in `dir`.
fn db_bytes(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// `hours` of live rounds at the market's size (`full`) or the simulator's default, then
/// `history_days` of market history; the worker's answer.
pub async fn census(hours: u32, history_days: u32, full: bool) -> anyhow::Result<Value> {
    ensure!(hours >= 1, "need at least an hour");
    // Midnight KST, a Wednesday.
    let start = Utc.with_ymd_and_hms(2026, 3, 3, 15, 0, 0).unwrap();
    let clock = ManualClock::new(start);
    let mut sim_cfg = SimConfig::default();
    if full {
        sim_cfg = sim_cfg.full_market();
    }
    let sim = Simulator::start(sim_cfg.clone(), Arc::new(clock.clone()))
        .await
        .context("starting the simulator")?;
    let dir = TempDir::new("census")?;
    let db_dir = dir.path.join("db");
    std::fs::create_dir_all(&db_dir)?;
    let db = format!("sqlite://{}", db_dir.join("census.db").display());
    let store = Store::open(&db)
        .await?
        .with_language_detector(streamtide_curate::language::detect);
    for p in PLATFORMS {
        for info in sim.world().roster(p, TRACKED) {
            store.track_channel(&info, start).await?;
        }
    }
    let mut platforms = crate::collection::platforms_for(&sim, &sim_cfg);
    platforms.youtube.enabled = false;
    // Virtual time: the limits would only stretch the wall clock, not what is stored.
    for p in [
        &mut platforms.chzzk.requests_per_second,
        &mut platforms.soop.requests_per_second,
        &mut platforms.twitch.requests_per_second,
    ] {
        *p = 10_000.0;
    }
    platforms.chzzk.burst = 10_000;
    platforms.soop.burst = 10_000;
    platforms.twitch.burst = 10_000;
    let config = CollectorConfig {
        videos: false,
        ..Default::default()
    };
    let interval = Duration::from_std(config.live_interval)?;
    // The size before the day, with the write-ahead log folded in (closing checkpoints it).
    store.close().await;
    let before = closed_db_bytes(&db_dir).await;
    let store = Store::open(&db)
        .await?
        .with_language_detector(streamtide_curate::language::detect);
    let collector = collector(&platforms, store.clone(), config, &clock)?;

    let never = CancellationToken::new();
    let rounds = (i64::from(hours) * 60 / interval.num_minutes().max(1)) as usize;
    let cpu_before = cpu_secs();
    let started = Instant::now();
    let mut peak_live = 0usize;
    let mut failures = Vec::new();
    for _ in 0..rounds {
        let mut tasks = tokio::task::JoinSet::new();
        for p in PLATFORMS {
            let c = Arc::clone(&collector);
            let never = never.clone();
            tasks.spawn(async move { (p, c.run_round(p, Job::Live, &never).await) });
        }
        while let Some(r) = tasks.join_next().await {
            let (p, s) = r.context("round task")?;
            if let Some(f) = s.failure {
                failures.push(format!("{p}: {f}"));
            }
        }
        let live: usize = PLATFORMS
            .iter()
            .map(|p| sim.world().live_list_at(*p, clock.now()).len())
            .sum();
        peak_live = peak_live.max(live);
        clock.advance(interval);
    }
    let wall = started.elapsed().as_secs_f64();
    let cpu = cpu_secs() - cpu_before;
    let counts = store.counts().await?;
    let end = clock.now();
    store.close().await;
    let after = closed_db_bytes(&db_dir).await;
    let per_day = (after.saturating_sub(before)) as f64 * 24.0 / f64::from(hours);

    // The history before the day, then the reads.
    let store = Store::open(&db).await?;
    let history_start = start - Duration::days(i64::from(history_days));
    let categories: Vec<String> = streamtide_curate::categories::Vocabulary::global()
        .tags()
        .iter()
        .map(|t| t.id.clone())
        .chain(["other".to_string(), "none".to_string()])
        .collect();
    let fill_started = Instant::now();
    let mut at = history_start;
    while at < start {
        for (pi, p) in PLATFORMS.into_iter().enumerate() {
            store
                .record_market(p, at, interval, &synthetic_cells(&categories, at, pi))
                .await?;
        }
        at += interval;
    }
    let fill_secs = fill_started.elapsed().as_secs_f64();
    let to = end;
    let from = to - Duration::days(30);
    let hourly = median_ms(|| async {
        store
            .market_series(None, "league_of_legends", from, to, MarketResolution::Hour)
            .await
            .map(|v| v.len())
    })
    .await?;
    let daily = median_ms(|| async {
        store
            .market_series(None, "league_of_legends", from, to, MarketResolution::Day)
            .await
            .map(|v| v.len())
    })
    .await?;
    let totals = median_ms(|| async {
        store
            .market_series(None, MARKET_TOTAL, from, to, MarketResolution::Hour)
            .await
            .map(|v| v.len())
    })
    .await?;
    let ranking = median_ms(|| async {
        let now = store.market_categories(None, from, to).await?;
        let before = store
            .market_categories(None, from - Duration::days(30), from)
            .await?;
        Ok(now.len() + before.len())
    })
    .await?;
    store.close().await;
    sim.shutdown().await;
    Ok(json!({
        "hours": hours,
        "full_market": full,
        "rounds": rounds,
        "interval_secs": interval.num_seconds(),
        "peak_live": peak_live,
        "tracked": TRACKED * PLATFORMS.len(),
        "wall_secs": wall,
        "cpu_secs": cpu,
        "peak_rss_mib": peak_rss_mib(),
        "db_bytes_before": before,
        "db_bytes_after": after,
        "mb_per_day": per_day / 1e6,
        "live_sessions": counts.live_sessions,
        "live_samples": counts.live_samples,
        "channels": counts.channels,
        "history_days": history_days,
        "history_fill_secs": fill_secs,
        "read_category_30d_hourly_ms": hourly.0,
        "read_category_30d_hourly_points": hourly.1,
        "read_category_30d_daily_ms": daily.0,
        "read_category_30d_daily_points": daily.1,
        "read_totals_30d_hourly_ms": totals.0,
        "read_ranking_30d_ms": ranking.0,
        "failures": failures,
    }))
}

/// A round's market of one platform at `at`: each category's viewers on a daily curve
/// (quiet at dawn, busiest at 22:00 KST), spread like a real directory's (a few big ones).
fn synthetic_cells(
    categories: &[String],
    at: chrono::DateTime<Utc>,
    platform: usize,
) -> Vec<MarketCell> {
    use chrono::Timelike;
    let kst_hour = (at.hour() + 9) % 24;
    let phase =
        (f64::from(kst_hour) + f64::from(at.minute()) / 60.0 - 22.0) / 24.0 * std::f64::consts::TAU;
    let level = 0.55 + 0.45 * phase.cos();
    categories
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let weight = 1.0 / (1.0 + i as f64) * (1.0 + platform as f64 * 0.3);
            MarketCell {
                category: c.clone(),
                viewers: (400_000.0 * weight * level) as u64,
                channels: (900.0 * weight * level) as u64,
            }
        })
        .collect()
}

/// The median of 15 timed runs of `read`, in milliseconds, with what the last one returned.
async fn median_ms<F, Fut>(read: F) -> anyhow::Result<(f64, usize)>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<usize, streamtide_storage::StoreError>>,
{
    let mut times = Vec::new();
    let mut n = 0;
    // One unmeasured run warms the page cache, as a server's would be.
    read().await?;
    for _ in 0..15 {
        let t = Instant::now();
        n = read().await?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    Ok((times[times.len() / 2], n))
}

fn collector(
    platforms: &PlatformsConfig,
    store: Store,
    config: CollectorConfig,
    clock: &ManualClock,
) -> anyhow::Result<Arc<Collector>> {
    let adapters = streamtide_platforms::build_adapters_with_ledger(
        platforms,
        &HttpConfig::default(),
        None,
        Arc::new(clock.clone()),
    )
    .context("building the platform HTTP clients")?;
    Ok(Arc::new(Collector::new(
        store,
        adapters,
        Arc::new(clock.clone()),
        config,
        Arc::new(CollectorMetrics::default()),
    )))
}

/// What makes a census run implausible (`--quick` fails on it).
pub fn check_census(v: &Value, problems: &mut Vec<String>) {
    if v["failures"].as_array().is_some_and(|f| !f.is_empty()) {
        problems.push(format!("census: failed rounds {}", v["failures"]));
    }
    if v["live_samples"].as_u64().unwrap_or(0) == 0
        || v["db_bytes_after"].as_u64() <= v["db_bytes_before"].as_u64()
    {
        problems.push(format!("census: nothing stored {v}"));
    }
    if v["read_category_30d_hourly_points"].as_u64().unwrap_or(0) == 0 {
        problems.push(format!("census: no category history {v}"));
    }
}

/// The report's census table.
pub fn census_table(v: &Value) -> String {
    format!(
        "### The live census: a day on SQLite, a 30-day category history\n\n\
         | market | hours | rounds (every {} s) | peak live | tracked | wall s | CPU s | peak RSS MiB | sessions | samples | DB growth MB | MB / day |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n\
         | {} | {} | {} | {} | {} | {:.0} | {:.0} | {:.0} | {} | {} | {:.1} | {:.1} |\n\n\
         | read ({} days of history) | median ms | points |\n|---|---:|---:|\n\
         | one category, 30 days by hour, all platforms | {:.2} | {} |\n\
         | one category, 30 days by day, all platforms | {:.2} | {} |\n\
         | platform totals, 30 days by hour | {:.2} | – |\n\
         | category ranking, 30 days and the 30 before | {:.2} | – |\n\n",
        v["interval_secs"],
        if v["full_market"] == true { "full" } else { "small" },
        v["hours"],
        v["rounds"],
        v["peak_live"],
        v["tracked"],
        f(v, "wall_secs"),
        f(v, "cpu_secs"),
        f(v, "peak_rss_mib"),
        v["live_sessions"],
        v["live_samples"],
        (f(v, "db_bytes_after") - f(v, "db_bytes_before")) / 1e6,
        f(v, "mb_per_day"),
        v["history_days"],
        f(v, "read_category_30d_hourly_ms"),
        v["read_category_30d_hourly_points"],
        f(v, "read_category_30d_daily_ms"),
        v["read_category_30d_daily_points"],
        f(v, "read_totals_30d_hourly_ms"),
        f(v, "read_ranking_30d_ms"),
    )
}
