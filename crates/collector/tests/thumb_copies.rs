//! Live rounds feed the thumbnail copier: after a round against the simulator (which serves its
//! pictures), the most-watched broadcasts have our own WebP copies; with the object store
//! unreachable, the rounds write exactly the same live list and the platform URLs stay.

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use streamtide_collector::{Collector, CollectorConfig, CollectorMetrics};
use streamtide_core::{Clock, ManualClock, Platform};
use streamtide_platforms::{build_adapters, HttpConfig};
use streamtide_simulator::{SimConfig, Simulator};
use streamtide_storage::{Job, LiveFilter, Store};
use streamtide_thumbs::{ThumbMetrics, ThumbStore, ThumbWorker, ThumbsConfig};
use tokio_util::sync::CancellationToken;

#[path = "common/sim.rs"]
mod sim_support;

/// One live round per Korean platform with a copier behind the collector, waiting for the
/// copier to finish; returns the live list and the store.
async fn round_with_copier(
    mut thumbs: ThumbsConfig,
) -> (
    Vec<streamtide_storage::LiveItem>,
    Store,
    ThumbStore,
    tempfile::TempDir,
) {
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 4, 12, 0, 0).unwrap());
    let sim = Simulator::start(
        SimConfig {
            serve_images: true,
            ..SimConfig::default()
        },
        Arc::new(clock.clone()),
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}", dir.path().join("c.db").display()))
        .await
        .unwrap();
    // The simulator's pictures are on loopback: trusted explicitly, as the demo does.
    thumbs.trusted_origins = vec![sim.chzzk_base(), sim.soop_base()];
    let objects = ThumbStore::open(&thumbs).unwrap();
    let worker = ThumbWorker::new(
        store.clone(),
        objects.clone(),
        thumbs,
        Arc::new(clock.clone()) as Arc<dyn Clock>,
        Arc::new(ThumbMetrics::default()),
    )
    .unwrap();
    let (queue, copier) = worker.spawn(CancellationToken::new());
    let platforms = sim_support::korean_platforms(&sim, 500.0);
    let http = HttpConfig {
        timeout: Duration::from_secs(2),
        ..HttpConfig::default()
    };
    let collector = Collector::new(
        store.clone(),
        build_adapters(&platforms, &http).unwrap(),
        Arc::new(clock.clone()),
        CollectorConfig::default(),
        Arc::new(CollectorMetrics::default()),
    )
    .with_thumbs(Some(queue));
    let never = CancellationToken::new();
    for platform in [Platform::Chzzk, Platform::Soop] {
        let s = collector.run_round(platform, Job::Live, &never).await;
        assert!(s.failure.is_none(), "{s:?}");
    }
    // Dropping the collector closes the queue; the copier finishes what it was given.
    drop(collector);
    tokio::time::timeout(Duration::from_secs(120), copier)
        .await
        .expect("copier finishes")
        .unwrap();
    let (items, _) = store
        .live_now(&LiveFilter {
            limit: 1000,
            ..LiveFilter::default()
        })
        .await
        .unwrap();
    sim.shutdown().await;
    (items, store, objects, dir)
}

#[tokio::test]
async fn the_most_watched_broadcasts_get_our_own_copies() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = ThumbsConfig {
        url: dir.path().join("thumbs").display().to_string(),
        max_per_round: 50,
        ..ThumbsConfig::default()
    };
    let (items, _store, objects, _db) = round_with_copier(cfg).await;
    assert!(items.len() > 100, "a full live list: {}", items.len());
    // Each platform's batch copies its 50 most-watched thumbnails or avatars.
    let copied = items.iter().filter(|i| i.thumbnail_hash.is_some()).count();
    assert!(copied >= 25, "copied thumbnails: {copied}");
    let top = items
        .iter()
        .find(|i| i.platform == Platform::Chzzk)
        .expect("a CHZZK live");
    let hash = top
        .thumbnail_hash
        .as_deref()
        .expect("the top CHZZK live has a copy");
    let obj = objects
        .get(hash)
        .await
        .unwrap()
        .expect("object in the store");
    assert_eq!(&obj.bytes[8..12], b"WEBP");
    // The least-watched are beyond the per-round budget and keep the platform's URL only.
    let last = items
        .iter()
        .rev()
        .find(|i| i.platform == Platform::Soop)
        .unwrap();
    assert!(last.thumbnail_hash.is_none());
    assert!(last.thumbnail_url.is_some());
}

#[tokio::test]
async fn an_unreachable_object_store_changes_nothing_in_the_live_list() {
    let cfg = ThumbsConfig {
        url: "s3://nowhere/thumbs".into(),
        timeout: Duration::from_secs(2),
        max_per_round: 10,
        s3: streamtide_thumbs::S3Config {
            endpoint: "http://127.0.0.1:9".into(),
            access_key_id: "k".into(),
            secret_access_key: streamtide_platforms::Secret::new("s"),
            allow_http: true,
            ..Default::default()
        },
        ..ThumbsConfig::default()
    };
    let (items, _store, _objects, _db) = round_with_copier(cfg).await;
    assert!(
        items.len() > 100,
        "the live list is complete: {}",
        items.len()
    );
    assert!(items.iter().all(|i| i.thumbnail_hash.is_none()));
    assert!(
        items.iter().all(|i| i.thumbnail_url.is_some()),
        "platform URLs kept"
    );
}
