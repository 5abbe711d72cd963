//! Writers racing on the same channels: a live-list writer (viewer order) and a channels writer
//! (several batches, several tasks) on one store at once, as two collectors or two ingest workers
//! do. On PostgreSQL and MariaDB such writers can deadlock; the store retries the aborted
//! transaction, so every write succeeds and every observation is stored exactly once.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use streamtide_core::{
    ChannelId, ChannelInfo, ChannelObservation, ChannelStats, LiveBroadcast, LiveState, Platform,
};
use streamtide_storage::{Batch, Job, Store};

const CHANNELS: usize = 60;
const ROUNDS: i64 = 6;

fn t(min: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap() + Duration::minutes(min)
}

fn broadcast(i: usize, round: i64) -> LiveBroadcast {
    LiveBroadcast {
        platform: Platform::Chzzk,
        channel_id: ChannelId::new(format!("ch{i:03}")),
        channel_name: Some(format!("이름 {i}")),
        channel_avatar_url: None,
        broadcast_id: Some(format!("b{i}")),
        title: format!("방송 {i}"),
        viewers: 10_000 - (i as u64 * 37 + round as u64) % 9_000,
        category_id: None,
        category_name: None,
        tags: Vec::new(),
        thumbnail_url: None,
        started_at: Some(t(-30)),
        adult: false,
        language: Some("ko".into()),
        url: format!("https://example/ch{i:03}"),
    }
}

fn observation(i: usize, round: i64) -> ChannelObservation {
    ChannelObservation {
        info: ChannelInfo {
            platform: Platform::Chzzk,
            channel_id: ChannelId::new(format!("ch{i:03}")),
            name: format!("이름 {i}"),
            handle: None,
            avatar_url: None,
            description: None,
        },
        stats: ChannelStats {
            followers: Some(1_000 + i as u64 * 10 + round as u64),
            total_views: None,
            video_count: None,
        },
        live: if i.is_multiple_of(2) {
            LiveState::Live(Box::new(broadcast(i, round)))
        } else {
            LiveState::Offline
        },
    }
}

contract!(racing_writers_all_succeed_and_store_each_row_once);
async fn racing_writers_all_succeed_and_store_each_row_once(s: Store) {
    for round in 0..ROUNDS {
        let mut tasks = tokio::task::JoinSet::new();
        // The live list: every channel, most watched first (not id order).
        {
            let s = s.clone();
            tasks.spawn(async move {
                let mut items: Vec<LiveBroadcast> =
                    (0..CHANNELS).map(|i| broadcast(i, round)).collect();
                items.sort_by_key(|b| std::cmp::Reverse(b.viewers));
                let id = s.start_round(Platform::Chzzk, Job::Live, t(round)).await?;
                let batch = Batch::LiveList {
                    items,
                    close_after: Duration::minutes(15),
                };
                s.write_batch(id, Platform::Chzzk, t(round), &batch).await?;
                s.update_rollups(Platform::Chzzk, t(round), &batch).await?;
                Ok::<_, streamtide_storage::StoreError>(())
            });
        }
        // The channels round in three batches, written by three tasks at once, 20 s later.
        for part in 0..3 {
            let s = s.clone();
            tasks.spawn(async move {
                let at = t(round) + Duration::seconds(20);
                let found: Vec<ChannelObservation> = (0..CHANNELS)
                    .filter(|i| i % 3 == part)
                    .rev()
                    .map(|i| observation(i, round))
                    .collect();
                let id = s.start_round(Platform::Chzzk, Job::Channels, at).await?;
                let batch = Batch::Channels {
                    found,
                    missing: Vec::new(),
                };
                s.write_batch(id, Platform::Chzzk, at, &batch).await?;
                s.update_rollups(Platform::Chzzk, at, &batch).await?;
                Ok(())
            });
        }
        while let Some(r) = tasks.join_next().await {
            r.unwrap()
                .unwrap_or_else(|e| panic!("round {round}: a racing write failed: {e}"));
        }
    }
    let c = s.counts().await.unwrap();
    assert_eq!(c.channels, CHANNELS as u64);
    assert_eq!(c.channel_snapshots, CHANNELS as u64 * ROUNDS as u64);
    // Every channel's session: one live sample per list, plus one per channels round for the
    // even (live) channels.
    assert_eq!(
        c.live_samples,
        (CHANNELS as u64 + CHANNELS as u64 / 2) * ROUNDS as u64
    );
    let violations = s.consistency_violations().await.unwrap();
    assert!(violations.is_empty(), "{violations:?}");
}
