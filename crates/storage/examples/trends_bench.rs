//! Benchmark of the top-movers query: 1,566 channels with a year of daily rollups.
//!
//! ```sh
//! cargo run --release -p streamtide-storage --example trends_bench            # 1566 channels, 365 days
//! BENCH_CHANNELS=200 BENCH_DAYS=60 cargo run -p streamtide-storage --example trends_bench
//! ```
//!
//! Seeds one snapshot per channel per day through the store's write path, rebuilds the rollups,
//! then times each ranking (metric × period × platform filter) over several runs and prints the
//! median and worst. Not a test: timings depend on the machine.

use std::time::{Duration as StdDuration, Instant};

use chrono::{Duration, TimeZone, Utc};
use streamtide_core::{
    ChannelId, ChannelInfo, ChannelObservation, ChannelStats, LiveState, Platform,
};
use streamtide_storage::{Batch, Job, Store, TrendMetric, TrendQuery, TrendSort};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let channels = env("BENCH_CHANNELS", 1566);
    let days = env("BENCH_DAYS", 365) as i64;
    let runs = env("BENCH_RUNS", 15);
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&format!(
        "sqlite://{}",
        dir.path().join("bench.db").display()
    ))
    .await
    .expect("open");
    let platforms = [
        Platform::Chzzk,
        Platform::Soop,
        Platform::Twitch,
        Platform::Youtube,
    ];
    let start = Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0).unwrap();

    let t0 = Instant::now();
    for d in 0..days {
        let at = start + Duration::days(d);
        for (pi, platform) in platforms.iter().enumerate() {
            let found: Vec<ChannelObservation> = (0..channels)
                .filter(|i| i % platforms.len() == pi)
                .map(|i| {
                    // Deterministic growth between -0.5 %/day and +1 %/day.
                    let rate = ((i * 7919) % 1500) as f64 / 100_000.0 - 0.005;
                    let base = 1_000.0 + ((i * 104_729) % 500_000) as f64;
                    let f = base * (1.0 + rate).powf(d as f64);
                    ChannelObservation {
                        info: ChannelInfo {
                            platform: *platform,
                            channel_id: ChannelId::new(format!("ch{i:05}")),
                            name: format!("channel {i}"),
                            handle: None,
                            avatar_url: None,
                            description: None,
                        },
                        stats: ChannelStats {
                            followers: Some(f as u64),
                            total_views: Some((f * 37.0) as u64),
                            video_count: Some(100 + d as u64 / 3),
                        },
                        live: LiveState::Unknown,
                    }
                })
                .collect();
            let round = store
                .start_round(*platform, Job::Channels, at)
                .await
                .expect("round");
            store
                .write_batch(
                    round,
                    *platform,
                    at,
                    &Batch::Channels {
                        found,
                        missing: vec![],
                    },
                )
                .await
                .expect("write");
        }
    }
    println!(
        "seeded {channels} channels × {days} days of snapshots in {:.1}s",
        t0.elapsed().as_secs_f64()
    );
    let t1 = Instant::now();
    let stats = store.rebuild_rollups().await.expect("rebuild");
    println!(
        "rebuilt {} channel-day rollups of {} channels in {:.1}s",
        stats.days,
        stats.channels,
        t1.elapsed().as_secs_f64()
    );

    println!(
        "{:<14} {:>6} {:>9} {:>10} {:>10}",
        "metric", "period", "platform", "median ms", "worst ms"
    );
    for metric in [
        TrendMetric::Followers,
        TrendMetric::Views,
        TrendMetric::HoursWatched,
    ] {
        for period_days in [1, 7, 30, 90] {
            for platform in [None, Some(Platform::Chzzk)] {
                let q = TrendQuery {
                    metric,
                    period_days,
                    up: true,
                    platform,
                    category: None,
                    limit: 50,
                    sort: TrendSort::Change,
                    as_of: None,
                    by_creator: false,
                    tracked: false,
                };
                let mut times: Vec<StdDuration> = Vec::with_capacity(runs);
                let mut n = 0;
                for _ in 0..runs {
                    let t = Instant::now();
                    n = store.trends(&q).await.expect("trends").items.len();
                    times.push(t.elapsed());
                }
                times.sort();
                assert!(
                    n > 0 || metric == TrendMetric::HoursWatched || i64::from(period_days) >= days
                );
                println!(
                    "{:<14} {:>5}d {:>9} {:>10.1} {:>10.1}",
                    metric.as_str(),
                    period_days,
                    platform.map_or("all", |p| p.as_str()),
                    times[times.len() / 2].as_secs_f64() * 1000.0,
                    times[times.len() - 1].as_secs_f64() * 1000.0
                );
            }
        }
    }
    store.close().await;
}
