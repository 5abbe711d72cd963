//! The hostile-input suite's platform part (issue 22 item 9): the simulator serves CHZZK's and
//! SOOP's live lists with hostile items spliced in among the good ones (a negative viewer count,
//! a numeric string beyond u64, a wrong JSON type, a lone surrogate in a title, an absurd count
//! in an otherwise good item) and the collector, store and API behind them are watched.
//!
//! Asserted and printed: every good item is still listed by the API, the bad ones are counted in
//! `/metrics` (`streamtide_collector_items_rejected_total`), the live rounds are not failures, no
//! answer is a 500. Before the per-item decoding each such page failed the whole round.

use std::sync::Arc;
use std::time::Instant;

use chrono::{TimeZone, Utc};
use streamtide_collector::{Collector, CollectorConfig, CollectorMetrics};
use streamtide_core::{ManualClock, Platform};
use streamtide_platforms::build_adapters;
use streamtide_server::{AppState, Metrics};
use streamtide_simulator::{Fault, FaultKind, SimConfig, Simulator};
use streamtide_storage::{Job, Store};
use tokio_util::sync::CancellationToken;

#[path = "common/sim.rs"]
mod sim_support;

const CHZZK_ID: &str = "00000000000000000000000000000bad";

/// The hostile items of one platform's live list, as raw JSON text, and the key of its array.
fn hostile(platform: Platform) -> (&'static str, String) {
    match platform {
        Platform::Chzzk => {
            let ch = format!(r#""channel":{{"channelId":"{CHZZK_ID}","channelName":"x"}}"#);
            let items = [
                format!(r#"{{"liveId":901,"liveTitle":"neg","concurrentUserCount":-5,{ch}}}"#),
                format!(
                    r#"{{"liveId":902,"liveTitle":"big","concurrentUserCount":"99999999999999999999999",{ch}}}"#
                ),
                r#"{"liveId":903,"liveTitle":"type","concurrentUserCount":5,"channel":7}"#
                    .to_string(),
                format!(r#"{{"liveId":904,"liveTitle":"\ud800","concurrentUserCount":5,{ch}}}"#),
            ];
            ("data", items.join(","))
        }
        Platform::Soop => {
            let items = [
                r#"{"broad_no":"901","user_id":"hostile1","total_view_cnt":"-3"}"#,
                r#"{"broad_no":"902","user_id":"hostile2","total_view_cnt":"18446744073709551616"}"#,
                r#"{"broad_no":"903","user_id":"hostile3","broad_title":"\udfff","total_view_cnt":"1"}"#,
                r#"{"broad_no":"904","user_id":"hostile4","user_nick":{"a":1},"total_view_cnt":"1"}"#,
            ];
            ("broad", items.join(","))
        }
        _ => unreachable!("only the Korean platforms are served here"),
    }
}

/// The `platform="…"` samples of `streamtide_collector_items_rejected_total` in `/metrics`.
fn rejected_in(metrics: &str, platform: Platform) -> u64 {
    metrics
        .lines()
        .filter(|l| {
            l.starts_with("streamtide_collector_items_rejected_total{")
                && l.contains(&format!("platform=\"{platform}\""))
                && !l.contains("field_out_of_range")
        })
        .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_items_among_good_ones_are_dropped_and_counted_never_the_round() {
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 4, 12, 0, 0).unwrap());
    let sim = Simulator::start(
        SimConfig {
            chzzk_channels: 60,
            soop_channels: 60,
            ..SimConfig::default()
        },
        Arc::new(clock.clone()),
    )
    .await
    .unwrap();
    let platforms = sim_support::korean_platforms(&sim, 1000.0);
    let http = sim_support::impatient_http(
        std::time::Duration::from_secs(2),
        std::time::Duration::from_secs(1),
    );
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}", dir.path().join("h.db").display()))
        .await
        .unwrap();
    let metrics = Arc::new(Metrics::new());
    let collector_metrics = Arc::new(CollectorMetrics::default());
    collector_metrics.register(&mut metrics.registry_mut());
    let adapters = build_adapters(&platforms, &http).unwrap();
    let collector = Collector::new(
        store.clone(),
        adapters,
        Arc::new(clock.clone()),
        CollectorConfig::default(),
        collector_metrics,
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let api = format!("http://{}", listener.local_addr().unwrap());
    let state = AppState::new(store.clone(), chrono::Duration::days(365), metrics);
    tokio::spawn(streamtide_server::serve(
        listener,
        state,
        std::future::pending(),
    ));
    let client = reqwest::Client::new();
    let live_ids = |platform: Platform| {
        let client = client.clone();
        let api = api.clone();
        async move {
            // The server shares its curated board for LIVE_CACHE_TTL: read past it, or this
            // would read the board of before the round.
            tokio::time::sleep(
                streamtide_server::LIVE_CACHE_TTL + std::time::Duration::from_millis(50),
            )
            .await;
            let resp = client
                .get(format!("{api}/api/v1/live?platform={platform}&limit=200"))
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), 200, "/api/v1/live answers");
            let body: serde_json::Value = resp.json().await.unwrap();
            let mut ids: Vec<String> = body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["channel_id"].as_str().unwrap_or_default().to_string())
                .collect();
            ids.sort();
            ids
        }
    };
    let never = CancellationToken::new();
    for platform in [Platform::Chzzk, Platform::Soop] {
        // A clean round first: what the good items are.
        let clean = collector.run_round(platform, Job::Live, &never).await;
        assert!(clean.failure.is_none(), "{platform}: {:?}", clean.failure);
        let good = live_ids(platform).await;
        assert!(
            !good.is_empty(),
            "{platform}: the simulator has live channels"
        );

        let metrics_before = client
            .get(format!("{api}/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let (field, items) = hostile(platform);
        sim.inject(
            platform,
            Fault::times(
                FaultKind::SpliceItems {
                    field: field.into(),
                    items,
                },
                100,
            ),
        );
        // Same simulated moment: the same channels are live, so every good one must stay.
        let started = Instant::now();
        let round = collector.run_round(platform, Job::Live, &never).await;
        let took = started.elapsed();
        sim.clear_faults();
        assert!(
            round.failure.is_none(),
            "{platform}: one bad item failed the round: {:?}",
            round.failure
        );
        let kept = live_ids(platform).await;
        let metrics_text = client
            .get(format!("{api}/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let rejected =
            rejected_in(&metrics_text, platform) - rejected_in(&metrics_before, platform);
        println!(
            "{platform}: {} good items kept of {}, {rejected} hostile items rejected, round in {took:?}",
            kept.iter().filter(|id| good.contains(id)).count(),
            good.len()
        );
        for id in &good {
            assert!(kept.contains(id), "{platform}: good item {id} lost");
        }
        assert!(
            !kept
                .iter()
                .any(|id| id == CHZZK_ID || id.starts_with("hostile")),
            "{platform}: a hostile item was kept: {kept:?}"
        );
        assert!(
            rejected >= 4,
            "{platform}: {rejected} rejections counted\n{metrics_text}"
        );
    }
    sim.shutdown().await;
}
