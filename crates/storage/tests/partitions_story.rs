//! Time partitions: on PostgreSQL the observation tables are partitioned by month, partitions are
//! made ahead, a month without one lands in the default partition, and dropping the partitions
//! of months past a horizon removes exactly their rows. Elsewhere the calls do nothing and lose
//! nothing.

mod common;

use chrono::{DateTime, TimeZone, Utc};
use streamtide_core::{
    ChannelId, ChannelInfo, ChannelObservation, ChannelStats, LiveState, Platform,
};
use streamtide_storage::{Backend, Batch, Job, Metric, Store};

fn day(m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, m, d, 12, 0, 0).unwrap()
}

async fn snapshot(s: &Store, at: DateTime<Utc>) {
    let obs = ChannelObservation {
        info: ChannelInfo {
            platform: Platform::Soop,
            channel_id: ChannelId::new("bj1"),
            name: "하나".into(),
            handle: None,
            avatar_url: None,
            description: None,
        },
        stats: ChannelStats {
            followers: Some(at.timestamp() as u64 % 1000),
            total_views: None,
            video_count: None,
        },
        live: LiveState::Offline,
    };
    let round = s
        .start_round(Platform::Soop, Job::Channels, at)
        .await
        .unwrap();
    let batch = Batch::Channels {
        found: vec![obs],
        missing: Vec::new(),
    };
    s.write_batch(round, Platform::Soop, at, &batch)
        .await
        .unwrap();
}

contract!(old_months_drop_as_whole_partitions);
async fn old_months_drop_as_whole_partitions(s: Store) {
    let made = s.ensure_partitions(day(3, 15)).await.unwrap();
    // January has no partition (its rows go to the default one); February to May do.
    s.ensure_partitions(day(2, 1)).await.unwrap();
    for at in [day(1, 10), day(2, 10), day(3, 10), day(3, 20), day(4, 10)] {
        snapshot(&s, at).await;
    }
    assert_eq!(s.counts().await.unwrap().channel_snapshots, 5);

    let dropped = s.drop_partitions_before(day(4, 1)).await.unwrap();
    let left = s.counts().await.unwrap().channel_snapshots;
    if s.backend() == Backend::Postgres {
        // March, April, May made by the first call (3 tables each).
        assert_eq!(made, 9);
        let months: Vec<String> = s
            .partitions()
            .await
            .unwrap()
            .into_iter()
            .filter(|(t, _)| t == "channel_snapshots")
            .map(|(_, m)| m.format("%Y-%m").to_string())
            .collect();
        assert!(months.contains(&"2026-04".to_string()), "{months:?}");
        assert!(!months.contains(&"2026-03".to_string()), "{months:?}");
        for table in ["channel_snapshots", "video_snapshots", "live_samples"] {
            for month in ["p202602", "p202603"] {
                assert!(
                    dropped.contains(&format!("{table}_{month}")),
                    "{table}_{month} not in {dropped:?}"
                );
            }
        }
        // February's and March's rows went with their partitions; January's (default
        // partition) and April's stay.
        assert_eq!(left, 2);
        let history = s
            .history(
                Platform::Soop,
                "bj1",
                Metric::Followers,
                day(1, 1),
                day(5, 1),
                100,
            )
            .await
            .unwrap();
        let days: Vec<String> = history
            .iter()
            .map(|p| p.at.format("%m-%d").to_string())
            .collect();
        assert_eq!(days, ["01-10", "04-10"]);
        // From April: April and May exist, only June is new (one partition per table).
        assert_eq!(s.ensure_partitions(day(4, 15)).await.unwrap(), 3);
    } else {
        assert_eq!(made, 0);
        assert!(s.partitions().await.unwrap().is_empty());
        assert!(dropped.is_empty());
        assert_eq!(left, 5, "nothing is dropped without partitions");
    }
}
