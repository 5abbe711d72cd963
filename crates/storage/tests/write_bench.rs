//! Store-writes throughput, the workload of `streamtide bench` (part `writes`) without the CLI:
//! 5,000 channels, one snapshot each per round, steady state after a first round that creates
//! them, one channel in `live_every` live. Ignored by default; run it optimised:
//!
//! `cargo test -p streamtide-storage --release --test write_bench -- --ignored --nocapture`

use std::time::Instant;

use chrono::{DateTime, Utc};
use streamtide_core::{
    ChannelId, ChannelInfo, ChannelObservation, ChannelStats, LiveBroadcast, LiveState, Platform,
};
use streamtide_storage::{Batch, Job, Store};

fn observation(i: usize, at: DateTime<Utc>, live_every: usize) -> ChannelObservation {
    let id = format!("{i:032x}");
    let live = if live_every > 0 && i.is_multiple_of(live_every) {
        LiveState::Live(Box::new(LiveBroadcast {
            platform: Platform::Chzzk,
            channel_id: ChannelId::new(id.clone()),
            channel_name: Some(format!("bench channel {i}")),
            channel_avatar_url: Some(format!("https://img.example/{id}.png")),
            broadcast_id: Some(format!("b{i}")),
            title: format!("벤치마크 방송 {i}"),
            viewers: 100_000 / (i as u64 + 1) + 1,
            category_id: Some("talk".into()),
            category_name: Some("Talk".into()),
            tags: vec!["bench".into()],
            thumbnail_url: Some(format!("https://img.example/{id}.jpg")),
            started_at: Some(at - chrono::Duration::hours(1)),
            adult: i.is_multiple_of(20),
            language: Some("ko".into()),
            url: format!("https://watch.example/{id}"),
        }))
    } else {
        LiveState::Offline
    };
    ChannelObservation {
        info: ChannelInfo {
            platform: Platform::Chzzk,
            channel_id: ChannelId::new(id),
            name: format!("bench channel {i}"),
            handle: None,
            avatar_url: None,
            description: None,
        },
        stats: ChannelStats {
            followers: Some(1_000 + i as u64),
            total_views: Some(100_000 + i as u64),
            video_count: Some(10),
        },
        live,
    }
}

/// Snapshots per second for `rows` snapshots in batches of `batch`.
async fn run(rows: usize, batch: usize, live_every: usize) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!(
        "sqlite://{}",
        dir.path().join("bench.db").display()
    ))
    .await
    .unwrap();
    let channels = 5_000.min(rows);
    let rounds = rows.div_ceil(channels);
    let start = Utc::now() - chrono::Duration::days(1);
    let batches: Vec<Batch> = (0..channels)
        .map(|i| observation(i, start, live_every))
        .collect::<Vec<_>>()
        .chunks(batch)
        .map(|c| Batch::Channels {
            found: c.to_vec(),
            missing: Vec::new(),
        })
        .collect();
    let warm = store
        .start_round(Platform::Chzzk, Job::Channels, start)
        .await
        .unwrap();
    for b in &batches {
        store
            .write_batch(warm, Platform::Chzzk, start, b)
            .await
            .unwrap();
    }
    let started = Instant::now();
    let (mut written, mut samples) = (0, 0);
    for r in 1..=rounds {
        let at = start + chrono::Duration::seconds(60 * r as i64);
        let round = store
            .start_round(Platform::Chzzk, Job::Channels, at)
            .await
            .unwrap();
        for b in &batches {
            let s = store
                .write_batch(round, Platform::Chzzk, at, b)
                .await
                .unwrap();
            written += s.channel_snapshots;
            samples += s.live_samples;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    assert_eq!(written, (rounds * channels) as u64);
    let live = (0..channels)
        .filter(|i| live_every > 0 && i.is_multiple_of(live_every))
        .count();
    assert_eq!(samples, (rounds * live) as u64);
    assert!(store.consistency_violations().await.unwrap().is_empty());
    store.close().await;
    written as f64 / secs
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: run with --release --ignored"]
async fn write_throughput() {
    let rows: usize = std::env::var("BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    for (batch, live_every) in [(50, 10), (500, 10), (500, 0)] {
        let rate = run(rows, batch, live_every).await;
        let live = if live_every > 0 {
            format!("1 in {live_every}")
        } else {
            "none".into()
        };
        println!("writes: batch {batch:>4}, live {live:>8}: {rate:>9.0} snapshots/s");
    }
}
