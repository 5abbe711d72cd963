//! The census live round: the whole directory every round, each page stored as it arrives, a
//! list cut short keeps what it read and closes nothing, and a round longer than its interval shows in `/healthz` and `/metrics`.

use std::time::Duration;

use chrono::{TimeZone, Utc};
use streamtide_core::{Clock, Platform};
use streamtide_simulator::{Fault, FaultKind, SimConfig};
use streamtide_storage::Job;
use tokio_util::sync::CancellationToken;

#[path = "common/rig.rs"]
mod rig;
#[path = "common/sim.rs"]
mod sim_support;

/// CHZZK alone, with a market of `channels` (several pages live), the first `tracked` of them
/// tracked, on the collector's default settings.
async fn rig_of(channels: usize, tracked: usize) -> rig::Rig {
    let http = sim_support::impatient_http(Duration::from_millis(600), Duration::from_secs(1));
    rig_with(channels, tracked, http).await
}

/// [`rig_of`] with the HTTP client's settings.
async fn rig_with(
    channels: usize,
    tracked: usize,
    http: streamtide_platforms::HttpConfig,
) -> rig::Rig {
    let sim = SimConfig {
        chzzk_channels: channels,
        ..SimConfig::default()
    };
    let start = Utc.with_ymd_and_hms(2026, 3, 4, 12, 0, 0).unwrap();
    let mut spec = rig::RigSpec::new(start, sim, &[Platform::Chzzk]);
    spec.tracked = tracked;
    spec.http = http;
    rig::start(spec, |_, _| {}).await
}

async fn rig() -> rig::Rig {
    rig_of(1_000, 0).await
}

/// How many CHZZK broadcasts are live now in the simulator: several pages of 50.
fn several_pages_live(rig: &rig::Rig) -> u64 {
    let live = rig
        .sim
        .world()
        .live_list_at(Platform::Chzzk, rig.clock.now())
        .len() as u64;
    assert!(live > 150, "several pages of 50 ({live})");
    live
}

/// The value of a metric line with `labels` in `/metrics`.
async fn metric(rig: &rig::Rig, name: &str, labels: &str) -> f64 {
    rig.get("/metrics")
        .await
        .lines()
        .filter(|l| l.starts_with(name) && l.contains(labels))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

#[tokio::test]
async fn a_live_list_cut_short_keeps_the_pages_read_and_closes_nothing() {
    let rig = rig().await;
    let never = CancellationToken::new();
    let live = several_pages_live(&rig);
    let first = rig
        .collector
        .run_round(Platform::Chzzk, Job::Live, &never)
        .await;
    assert!(first.failure.is_none(), "{first:?}");
    assert_eq!(first.requests, live.div_ceil(50), "the whole directory");
    // The store keeps the top of the list (no channel is tracked here).
    let kept = live.min(rig.collector.config().live_store_top as u64);
    let open = rig.store.counts().await.unwrap().open_sessions;
    assert_eq!(open, kept);

    // Half an hour on (past the grace that closes a session absent from a whole list), the list
    // fails from its second page on, past every retry.
    rig.clock.advance(chrono::Duration::minutes(30));
    rig.sim.inject(
        Platform::Chzzk,
        Fault::times(
            FaultKind::Status {
                code: 503,
                retry_after_secs: None,
            },
            50,
        )
        .on_path("concurrentUserCount"),
    );
    let before = rig.store.counts().await.unwrap();
    let cut = rig
        .collector
        .run_round(Platform::Chzzk, Job::Live, &never)
        .await;
    assert!(cut.failure.is_none(), "the first page was read: {cut:?}");
    assert_eq!(cut.errors, 1);
    let after = rig.store.counts().await.unwrap();
    assert_eq!(
        after.live_samples - before.live_samples,
        50,
        "the first page is kept"
    );
    assert!(
        after.open_sessions >= open - 5,
        "the broadcasts on the pages not reached stay open: {} of {open}",
        after.open_sessions
    );
    assert_eq!(
        metric(
            &rig,
            "streamtide_collector_live_lists_cut_short_total",
            "platform=\"chzzk\""
        )
        .await,
        1.0
    );
}

#[tokio::test]
async fn each_page_is_stored_while_the_next_is_read() {
    let http = sim_support::impatient_http(Duration::from_secs(20), Duration::from_secs(1));
    let rig = rig_with(1_000, 0, http).await;
    let live = several_pages_live(&rig);
    // The second page keeps the round waiting for seconds.
    rig.sim.inject(
        Platform::Chzzk,
        Fault::once(FaultKind::Delay(Duration::from_secs(4))).on_path("concurrentUserCount"),
    );
    let collector = rig.collector.clone();
    let round = tokio::spawn(async move {
        collector
            .run_round(Platform::Chzzk, Job::Live, &CancellationToken::new())
            .await
    });
    // Meanwhile the first page is in the store, its broadcasts live.
    let waited = std::time::Instant::now();
    let mut counts = rig.store.counts().await.unwrap();
    while counts.live_samples < 50 && waited.elapsed() < Duration::from_secs(3) {
        tokio::time::sleep(Duration::from_millis(20)).await;
        counts = rig.store.counts().await.unwrap();
    }
    assert!(
        !round.is_finished(),
        "the round is still at its second page"
    );
    assert_eq!(counts.live_samples, 50, "the first page, stored on arrival");
    assert_eq!(counts.open_sessions, 50);

    let round = round.await.unwrap();
    assert!(round.failure.is_none(), "{round:?}");
    assert_eq!(round.requests, live.div_ceil(50), "the whole directory");
    let kept = live.min(rig.collector.config().live_store_top as u64);
    let counts = rig.store.counts().await.unwrap();
    assert_eq!(counts.live_samples, kept);
    assert_eq!(counts.open_sessions, kept);
}

#[tokio::test]
async fn a_round_longer_than_its_interval_shows_in_healthz_and_metrics() {
    let rig = rig().await;
    let never = CancellationToken::new();
    // The first page takes its time, and meanwhile three minutes pass on the collector's clock
    // (the live interval is two).
    rig.sim.inject(
        Platform::Chzzk,
        Fault::once(FaultKind::Delay(Duration::from_millis(300))).on_path("lives"),
    );
    let clock = rig.clock.clone();
    let mover = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        clock.advance(chrono::Duration::minutes(3));
    });
    let slow = rig
        .collector
        .run_round(Platform::Chzzk, Job::Live, &never)
        .await;
    mover.await.unwrap();
    assert!(slow.failure.is_none(), "{slow:?}");
    let overrun_of = |h: &serde_json::Value, path: &str| -> serde_json::Value {
        match path {
            "job" => h["platforms"]
                .as_array()
                .unwrap()
                .iter()
                .find(|j| j["platform"] == "chzzk" && j["job"] == "live")
                .unwrap()["overrun"]
                .clone(),
            _ => h["summary"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["platform"] == "chzzk")
                .unwrap()
                .clone(),
        }
    };
    let h = rig.health().await;
    assert!(overrun_of(&h, "job")["since"].is_string(), "{h}");
    let summary = overrun_of(&h, "summary");
    assert_eq!(summary["state"], "degraded", "{h}");
    assert!(summary["overrun"]["note"]
        .as_str()
        .unwrap()
        .contains("interval"));
    assert_eq!(
        metric(
            &rig,
            "streamtide_collector_round_overruns_total",
            "job=\"live\""
        )
        .await,
        1.0
    );

    // A round that finishes in time clears it.
    let quick = rig
        .collector
        .run_round(Platform::Chzzk, Job::Live, &never)
        .await;
    assert!(quick.failure.is_none());
    let h = rig.health().await;
    assert!(overrun_of(&h, "job").is_null(), "{h}");
    assert_eq!(overrun_of(&h, "summary")["state"], "ok", "{h}");
}

#[tokio::test]
async fn the_store_keeps_the_top_and_every_tracked_broadcast_of_the_census() {
    let rig = rig_of(3_000, 600).await;
    let never = CancellationToken::new();
    let world = rig.sim.world();
    let list = world.live_list_at(Platform::Chzzk, rig.clock.now());
    let top = streamtide_collector::CollectorConfig::default().live_store_top;
    assert!(
        list.len() > top + 50,
        "a market deeper than the stored top ({})",
        list.len()
    );
    let tracked: std::collections::HashSet<String> = rig
        .store
        .tracked_ids(Platform::Chzzk)
        .await
        .unwrap()
        .into_iter()
        .map(|id| id.as_str().to_string())
        .collect();
    let below: usize = list[top..]
        .iter()
        .filter(|(c, _)| tracked.contains(&c.id))
        .count();
    assert!(below > 0, "some tracked channels rank below the top {top}");

    let round = rig
        .collector
        .run_round(Platform::Chzzk, Job::Live, &never)
        .await;
    assert!(round.failure.is_none(), "{round:?}");
    assert_eq!(
        round.requests,
        list.len().div_ceil(50) as u64,
        "every page read"
    );
    let counts = rig.store.counts().await.unwrap();
    assert_eq!(counts.open_sessions, (top + below) as u64);
    assert_eq!(counts.live_samples, (top + below) as u64);
}
