//! With an event sink the collector publishes batches instead of writing them; a sink that fails
//! costs nothing: the batch is written to the store and the detour is counted.

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use streamtide_collector::{Collector, CollectorConfig, CollectorMetrics};
use streamtide_core::{ManualClock, Platform};
use streamtide_events::{EventData, EventSink, MemorySink};
use streamtide_platforms::build_adapters;
use streamtide_simulator::{SimConfig, Simulator};
use streamtide_storage::{Job, Store};
use tokio_util::sync::CancellationToken;

#[path = "common/sim.rs"]
mod sim_support;

struct Rig {
    _dir: tempfile::TempDir,
    _sim: Simulator,
    store: Store,
    metrics: Arc<CollectorMetrics>,
    collector: Collector,
}

async fn rig(sink: Arc<MemorySink>) -> Rig {
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 4, 12, 0, 0).unwrap());
    let sim = Simulator::start(
        SimConfig {
            chzzk_channels: 40,
            soop_channels: 40,
            ..SimConfig::default()
        },
        Arc::new(clock.clone()),
    )
    .await
    .unwrap();
    let platforms = sim_support::korean_platforms(&sim, 500.0);
    let http = sim_support::impatient_http(Duration::from_millis(800), Duration::from_secs(3));
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}", dir.path().join("c.db").display()))
        .await
        .unwrap();
    let metrics = Arc::new(CollectorMetrics::default());
    let collector = Collector::new(
        store.clone(),
        build_adapters(&platforms, &http).unwrap(),
        Arc::new(clock),
        CollectorConfig::default(),
        Arc::clone(&metrics),
    )
    .with_events(Some(sink as Arc<dyn EventSink>));
    Rig {
        _dir: dir,
        _sim: sim,
        store,
        metrics,
        collector,
    }
}

#[tokio::test]
async fn a_live_round_goes_to_the_stream_not_the_store() {
    let sink = Arc::new(MemorySink::default());
    let r = rig(Arc::clone(&sink)).await;
    let s = r
        .collector
        .run_round(Platform::Chzzk, Job::Live, &CancellationToken::new())
        .await;
    assert!(s.failure.is_none(), "{s:?}");
    let events = sink.events.lock().unwrap().clone();
    let samples = events
        .iter()
        .filter(|e| matches!(e.data, EventData::LiveSample(_)))
        .count();
    assert!(samples > 0);
    assert!(matches!(
        events.last().unwrap().data,
        EventData::LiveListEnd { samples: n, .. } if n as usize == samples
    ));
    assert!(events.iter().all(|e| e.collector == "memory"));
    assert_eq!(r.store.counts().await.unwrap().live_samples, 0);
    assert_eq!(
        r.store.recent_rounds(5).await.unwrap().len(),
        1,
        "rounds stay in the store"
    );
}

#[tokio::test]
async fn a_refused_batch_is_written_to_the_store_and_counted() {
    let sink = Arc::new(MemorySink {
        refuse: true,
        ..MemorySink::default()
    });
    let r = rig(sink).await;
    let s = r
        .collector
        .run_round(Platform::Chzzk, Job::Live, &CancellationToken::new())
        .await;
    assert!(s.failure.is_none(), "{s:?}");
    assert!(r.store.counts().await.unwrap().live_samples > 0);
    let mut registry = prometheus_client::registry::Registry::default();
    r.metrics.register(&mut registry);
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &registry).unwrap();
    // Two batches: the list's one page and its end (which closes what the list no longer has).
    assert!(
        text.contains("streamtide_collector_events_fallback_total{platform=\"chzzk\"} 2"),
        "{text}"
    );
}
