//! The collector against the platform simulator and a real SQLite file: rounds, sessions opening
//! and closing over simulated time, the merged live order, and survival of injected faults.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use streamtide_collector::{Collector, CollectorConfig, CollectorMetrics};
use streamtide_core::{Clock, ManualClock, Platform};
use streamtide_platforms::build_adapters;
use streamtide_simulator::{Fault, FaultKind, SimConfig, Simulator};
use streamtide_storage::{Job, LiveFilter, Metric, Store};
use tokio_util::sync::CancellationToken;

#[path = "common/sim.rs"]
mod sim_support;

use sim_support::korean_platforms;

const TRACKED: usize = 12;

struct Rig {
    _dir: tempfile::TempDir,
    sim: Simulator,
    clock: ManualClock,
    store: Store,
    collector: Arc<Collector>,
}

fn start_time() -> DateTime<Utc> {
    // 21:00 KST on a weekday: prime time, plenty of channels live.
    Utc.with_ymd_and_hms(2026, 3, 4, 12, 0, 0).unwrap()
}

async fn rig(sim_cfg: SimConfig) -> Rig {
    let clock = ManualClock::new(start_time());
    let sim = Simulator::start(sim_cfg, Arc::new(clock.clone()))
        .await
        .unwrap();
    let mut platforms = korean_platforms(&sim, 500.0);
    platforms.chzzk.burst = 50;
    platforms.soop.burst = 50;
    let http = sim_support::impatient_http(Duration::from_millis(800), Duration::from_secs(3));
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}", dir.path().join("c.db").display()))
        .await
        .unwrap();
    sim_support::track_first(
        &store,
        &sim,
        &[Platform::Chzzk, Platform::Soop],
        TRACKED,
        clock.now(),
    )
    .await;
    let collector = Arc::new(Collector::new(
        store.clone(),
        build_adapters(&platforms, &http).unwrap(),
        Arc::new(clock.clone()),
        CollectorConfig::default(),
        Arc::new(CollectorMetrics::default()),
    ));
    Rig {
        _dir: dir,
        sim,
        clock,
        store,
        collector,
    }
}

fn all_live(store_filter_limit: u32) -> LiveFilter {
    LiveFilter {
        limit: store_filter_limit,
        ..LiveFilter::default()
    }
}

#[tokio::test]
async fn rounds_match_the_simulated_world_and_sessions_follow_it() {
    let r = rig(SimConfig {
        chzzk_channels: 120,
        soop_channels: 120,
        ..SimConfig::default()
    })
    .await;
    let t0 = r.clock.now();
    let summaries = r
        .collector
        .collect_once(None, &[Job::Live, Job::Channels, Job::Videos])
        .await;
    assert_eq!(summaries.len(), 6);
    for s in &summaries {
        assert!(s.failure.is_none() && s.errors == 0, "{s:?}");
        assert!(s.requests > 0, "{s:?}");
    }

    // The merged live list: both platforms, sorted by viewers, with the world's numbers.
    let (items, total) = r.store.live_now(&all_live(1000)).await.unwrap();
    let world = r.sim.world();
    let expected = world.live_list_at(Platform::Chzzk, t0).len()
        + world.live_list_at(Platform::Soop, t0).len();
    assert!(
        expected > 20,
        "the simulated prime time has a real list ({expected})"
    );
    assert_eq!(total as usize, expected);
    assert!(items.windows(2).all(|w| w[0].viewers >= w[1].viewers));
    assert!(
        items.iter().any(|i| i.platform == Platform::Chzzk)
            && items.iter().any(|i| i.platform == Platform::Soop)
    );
    for item in items.iter().take(10) {
        let ch = world.channel(item.platform, &item.channel_id).unwrap();
        let truth = world.live_at(ch, t0).expect("listed channels are live");
        assert_eq!(item.viewers, truth.viewers, "{}", item.channel_id);
        assert_eq!(item.title, truth.title);
    }

    // Followers of every tracked channel equal the world's.
    for platform in [Platform::Chzzk, Platform::Soop] {
        for ch in world.channels(platform).iter().take(TRACKED) {
            let row = r.store.channel(platform, &ch.id).await.unwrap().unwrap();
            assert_eq!(
                row.followers,
                Some(world.followers_at(ch, t0)),
                "{platform} {}",
                ch.id
            );
        }
    }
    let counts = r.store.counts().await.unwrap();
    assert_eq!(counts.channel_snapshots, 2 * TRACKED as u64);
    assert!(counts.video_snapshots > 0);

    // Step through six simulated hours: sessions open and close as the world says.
    for _ in 0..36 {
        r.clock.advance(chrono::Duration::minutes(10));
        for s in r
            .collector
            .collect_once(None, &[Job::Live, Job::Channels])
            .await
        {
            assert!(s.failure.is_none(), "{s:?}");
        }
    }
    let t1 = r.clock.now();
    // Seen in the latest round = live now; sessions not seen since are kept open only within the
    // grace period (a late round must not end a broadcast), then closed.
    let fresh = LiveFilter {
        seen_after: Some(t1),
        ..all_live(1000)
    };
    let (now_live, _) = r.store.live_now(&fresh).await.unwrap();
    let expected_now = world.live_list_at(Platform::Chzzk, t1).len()
        + world.live_list_at(Platform::Soop, t1).len();
    assert_eq!(
        now_live.len(),
        expected_now,
        "open sessions are exactly the world's live set"
    );
    for item in &now_live {
        let ch = world.channel(item.platform, &item.channel_id).unwrap();
        assert!(
            world.live_at(ch, t1).is_some(),
            "{} should be offline",
            item.channel_id
        );
    }
    let counts = r.store.counts().await.unwrap();
    assert!(
        counts.live_sessions > counts.open_sessions,
        "some sessions closed over six hours"
    );
    let grace = chrono::Duration::from_std(r.collector.config().session_grace()).unwrap();
    let (open, _) = r.store.live_now(&all_live(1000)).await.unwrap();
    assert!(
        open.iter().all(|i| i.last_seen_at >= t1 - grace),
        "stale sessions are closed"
    );

    // A tracked channel's follower history has one point per channels round, moving the world's way.
    let ch = &world.channels(Platform::Chzzk)[0];
    let hist = r
        .store
        .history(Platform::Chzzk, &ch.id, Metric::Followers, t0, t1, 1000)
        .await
        .unwrap();
    assert_eq!(hist.len(), 37);
    assert_eq!(hist.last().unwrap().value, world.followers_at(ch, t1));

    // Re-running a round at the same instant writes nothing twice.
    let before = r.store.counts().await.unwrap();
    r.collector
        .collect_once(None, &[Job::Live, Job::Channels])
        .await;
    let after = r.store.counts().await.unwrap();
    assert_eq!(before.channel_snapshots, after.channel_snapshots);
    assert_eq!(before.live_samples, after.live_samples);
    assert_eq!(before.live_sessions, after.live_sessions);
}

#[tokio::test]
async fn a_round_survives_faults_without_duplicates_or_losses() {
    let r = rig(SimConfig {
        chzzk_channels: 80,
        soop_channels: 80,
        blocked_polling_versions: vec!["v3.1".into()],
        ..SimConfig::default()
    })
    .await;
    let token = CancellationToken::new();
    // A clean round first: this is what must not be lost.
    r.collector
        .collect_once(None, &[Job::Live, Job::Channels])
        .await;
    let baseline = r.store.counts().await.unwrap();
    assert_eq!(baseline.channel_snapshots, 2 * TRACKED as u64);

    r.clock.advance(chrono::Duration::minutes(5));
    // 429 with Retry-After then success; 5xx bursts within the retry budget; one channel whose
    // replies time out every time; garbage and truncated bodies for others.
    r.sim.inject(
        Platform::Chzzk,
        Fault {
            kind: FaultKind::Status {
                code: 429,
                retry_after_secs: Some(1),
            },
            count: 2,
            path_contains: Some("/lives".into()),
        },
    );
    r.sim.inject(
        Platform::Soop,
        Fault {
            kind: FaultKind::Status {
                code: 503,
                retry_after_secs: None,
            },
            count: 2,
            path_contains: Some("/station".into()),
        },
    );
    let slow = r.sim.world().channels(Platform::Chzzk)[1].id.clone();
    r.sim.inject(
        Platform::Chzzk,
        Fault {
            kind: FaultKind::Delay(Duration::from_secs(3)),
            count: 3,
            path_contains: Some(format!("channels/{slow}")),
        },
    );
    let garbled = r.sim.world().channels(Platform::Soop)[2].id.clone();
    r.sim.inject(
        Platform::Soop,
        Fault {
            kind: FaultKind::Garbage,
            count: 1,
            path_contains: Some(format!("/api/{garbled}/station")),
        },
    );
    let truncated = r.sim.world().channels(Platform::Soop)[3].id.clone();
    r.sim.inject(
        Platform::Soop,
        Fault {
            kind: FaultKind::Truncated,
            count: 1,
            path_contains: Some(format!("/api/{truncated}/station")),
        },
    );

    let live_chzzk = r
        .collector
        .run_round(Platform::Chzzk, Job::Live, &token)
        .await;
    assert!(
        live_chzzk.failure.is_none(),
        "429 with Retry-After is waited out: {live_chzzk:?}"
    );
    let chzzk = r
        .collector
        .run_round(Platform::Chzzk, Job::Channels, &token)
        .await;
    assert_eq!(
        chzzk.errors, 1,
        "only the timing-out channel fails: {chzzk:?}"
    );
    assert!(chzzk.failure.is_none());
    let soop = r
        .collector
        .run_round(Platform::Soop, Job::Channels, &token)
        .await;
    assert_eq!(
        soop.errors, 2,
        "garbage + truncated fail, 503s are retried: {soop:?}"
    );
    assert_eq!(soop.written.channel_snapshots, TRACKED as u64 - 2);

    let after = r.store.counts().await.unwrap();
    assert_eq!(
        after.channel_snapshots,
        baseline.channel_snapshots + 2 * TRACKED as u64 - 3
    );
    // The slow channel still has its first snapshot: nothing collected before the fault is lost.
    assert!(r
        .store
        .channel(Platform::Chzzk, &slow)
        .await
        .unwrap()
        .unwrap()
        .followers
        .is_some());

    // Faults exhausted: the next round is clean again and health recovers.
    r.clock.advance(chrono::Duration::minutes(5));
    for s in r
        .collector
        .collect_once(None, &[Job::Live, Job::Channels])
        .await
    {
        assert!(s.failure.is_none() && s.errors == 0, "{s:?}");
    }
    // A platform that is down entirely fails its rounds, visibly, and the other platform is fine.
    r.sim.inject(
        Platform::Soop,
        Fault {
            kind: FaultKind::Status {
                code: 500,
                retry_after_secs: None,
            },
            count: 1000,
            path_contains: None,
        },
    );
    r.clock.advance(chrono::Duration::minutes(5));
    let summaries = r.collector.collect_once(None, &[Job::Live]).await;
    let soop_live = summaries
        .iter()
        .find(|s| s.platform == Some(Platform::Soop))
        .unwrap();
    let chzzk_live = summaries
        .iter()
        .find(|s| s.platform == Some(Platform::Chzzk))
        .unwrap();
    assert!(soop_live.failure.is_some());
    assert!(chzzk_live.failure.is_none());
    let status = r.store.job_statuses().await.unwrap();
    let soop_status = status
        .iter()
        .find(|s| s.platform == Platform::Soop && s.job == "live")
        .unwrap();
    assert_eq!(soop_status.consecutive_failures, 1);
    assert!(soop_status.last_error.as_deref().unwrap().contains("500"));
    r.sim.clear_faults();
}
