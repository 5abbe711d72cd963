//! Thinning old raw rows loses nothing the daily rollups need.

mod common;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use streamtide_core::{
    ChannelId, ChannelInfo, ChannelObservation, ChannelStats, LiveBroadcast, LiveState, Platform,
};
use streamtide_storage::{Batch, DailyRow, Job, Store};

/// 00:00 KST on 2026-03-01.
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 2, 28, 15, 0, 0).unwrap()
}

fn obs(at_min: i64, live: Option<(u64, i64)>) -> ChannelObservation {
    let followers = (at_min % 140 != 0).then_some(10_000 + at_min as u64 / 30);
    ChannelObservation {
        info: ChannelInfo {
            platform: Platform::Soop,
            channel_id: ChannelId::new("bj"),
            name: "bj".into(),
            handle: None,
            avatar_url: None,
            description: None,
        },
        stats: ChannelStats {
            followers,
            total_views: Some(500_000 + at_min as u64),
            video_count: (at_min % 3 == 0).then_some(40),
        },
        live: match live {
            Some((viewers, b)) => LiveState::Live(Box::new(LiveBroadcast {
                platform: Platform::Soop,
                channel_id: ChannelId::new("bj"),
                channel_name: None,
                channel_avatar_url: None,
                broadcast_id: Some(format!("b{b}")),
                title: "방송".into(),
                viewers,
                category_id: None,
                category_name: None,
                tags: vec![],
                thumbnail_url: None,
                started_at: None,
                adult: false,
                language: None,
                url: "https://x".into(),
            })),
            None => LiveState::Offline,
        },
    }
}

async fn daily(s: &Store) -> Vec<DailyRow> {
    s.channel_daily(
        Platform::Soop,
        "bj",
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
    )
    .await
    .unwrap()
}

contract!(thinning_keeps_every_rollup);
async fn thinning_keeps_every_rollup(s: Store) {
    const DAYS: i64 = 40;
    let mut last = t0();
    // Every 20 minutes for 40 days; live every night from 23:00 to 01:40 KST (across midnight),
    // viewers varying within each hour.
    for m in (0..DAYS * 1440).step_by(20) {
        let at = t0() + Duration::minutes(m);
        let local_min = m % 1440;
        let live = (!(100..23 * 60).contains(&local_min)).then(|| {
            let night = (m + 60) / 1440;
            (1_000 + ((m * 7919) % 500) as u64, night)
        });
        let round = s
            .start_round(Platform::Soop, Job::Channels, at)
            .await
            .unwrap();
        let batch = Batch::Channels {
            found: vec![obs(m, live)],
            missing: vec![],
        };
        s.write_batch(round, Platform::Soop, at, &batch)
            .await
            .unwrap();
        s.update_rollups(Platform::Soop, at, &batch).await.unwrap();
        last = at;
    }
    let before = daily(&s).await;
    assert_eq!(before.len() as i64, DAYS);
    assert!(before.iter().skip(1).all(|r| r.streams >= 1));
    let counts = s.counts().await.unwrap();

    let now = last + Duration::minutes(1);
    let stats = s
        .thin_raw(now, Duration::days(10), Duration::days(20))
        .await
        .unwrap();
    assert!(
        stats.snapshots_deleted > 0 && stats.samples_deleted > 0,
        "{stats:?}"
    );
    let thinned = s.counts().await.unwrap();
    assert_eq!(
        thinned.channel_snapshots,
        counts.channel_snapshots - stats.snapshots_deleted
    );
    assert_eq!(
        thinned.live_samples,
        counts.live_samples - stats.samples_deleted
    );
    // 20-40 days old: at most 2 per hour kept of 3 (the last and the last with followers);
    // older: a few per day.
    assert!(
        thinned.channel_snapshots < counts.channel_snapshots * 2 / 3,
        "{thinned:?}"
    );

    assert_eq!(daily(&s).await, before, "thinning changes no rollup");
    s.rebuild_rollups().await.unwrap();
    assert_eq!(
        daily(&s).await,
        before,
        "a rebuild after thinning changes no rollup"
    );
    // Thinning again removes nothing more.
    let again = s
        .thin_raw(now, Duration::days(10), Duration::days(20))
        .await
        .unwrap();
    assert_eq!((again.snapshots_deleted, again.samples_deleted), (0, 0));
    assert_eq!(daily(&s).await, before);

    // The statistics still see the whole history.
    let st = s
        .channel_stats(Platform::Soop, "bj")
        .await
        .unwrap()
        .unwrap();
    let c30 = st.stats.changes.iter().find(|c| c.0 == 30).unwrap().1;
    assert_eq!(c30.abs, Some(30 * 48));
}
