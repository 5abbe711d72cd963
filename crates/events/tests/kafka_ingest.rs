//! The Kafka producer and the ingest consumer against a real broker (STREAMTIDE_TEST_KAFKA_BROKERS;
//! `.ci/run` starts tansu): events published with `KafkaSink` and consumed by `Ingest` leave the
//! store as the direct writes leave it, sessions closed by a list's marker included; messages that
//! are not events (garbage, a newer schema version) are counted and skipped.
#![cfg(feature = "kafka")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::ClientConfig;
use streamtide_core::{ChannelId, LiveBroadcast, Platform};
use streamtide_events::ingest::Ingest;
use streamtide_events::{to_events, EventMetrics, EventSink, KafkaConfig, KafkaSink};
use streamtide_storage::{Batch, Job, LiveFilter, Store};
use tokio_util::sync::CancellationToken;

fn live(i: usize) -> LiveBroadcast {
    LiveBroadcast {
        platform: Platform::Soop,
        channel_id: ChannelId::new(format!("bj{i}")),
        channel_name: Some(format!("bj {i}")),
        channel_avatar_url: None,
        broadcast_id: Some(format!("{}", 1000 + i)),
        title: format!("방송 {i}"),
        viewers: 100 * i as u64,
        category_id: None,
        category_name: None,
        tags: Vec::new(),
        thumbnail_url: None,
        started_at: None,
        adult: false,
        language: None,
        url: format!("https://play.sooplive.co.kr/bj{i}"),
    }
}

async fn open(dir: &tempfile::TempDir, name: &str) -> Store {
    Store::open(&format!("sqlite://{}", dir.path().join(name).display()))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn published_events_are_ingested_like_direct_writes_and_garbage_is_skipped() {
    let Ok(brokers) = std::env::var("STREAMTIDE_TEST_KAFKA_BROKERS") else {
        eprintln!("kafka ingest: skipped (STREAMTIDE_TEST_KAFKA_BROKERS is not set)");
        return;
    };
    let run = format!(
        "{}-{}",
        std::process::id(),
        Utc::now().timestamp_nanos_opt().unwrap_or_default()
    );
    let cfg = KafkaConfig {
        brokers,
        topic: format!("streamtide.test.{run}"),
        group: format!("test-{run}"),
        partitions: 3,
        batch_linger: Duration::from_millis(100),
        session_timeout: Duration::from_secs(6),
        delivery_timeout: Duration::from_secs(10),
        ..KafkaConfig::default()
    };
    let dir = tempfile::tempdir().unwrap();
    let (direct, via) = (open(&dir, "direct.db").await, open(&dir, "via.db").await);
    let metrics = Arc::new(EventMetrics::default());
    let sink = KafkaSink::connect(&cfg, "test-collector".into(), Arc::clone(&metrics))
        .await
        .unwrap();

    // Two lists 20 minutes apart: bj1 is only in the first, so the second list's marker closes
    // its session (unseen for more than close_after).
    let t0: DateTime<Utc> = "2026-03-04T12:00:00Z".parse().unwrap();
    let close_after = chrono::Duration::minutes(11);
    let lists = [
        (t0, vec![live(1), live(2), live(3)]),
        (t0 + chrono::Duration::minutes(20), vec![live(2), live(3)]),
    ];
    let mut published = 0;
    for (at, items) in lists {
        let batch = Batch::LiveList { items, close_after };
        let round = direct
            .start_round(Platform::Soop, Job::Live, at)
            .await
            .unwrap();
        direct
            .write_batch(round, Platform::Soop, at, &batch)
            .await
            .unwrap();
        let round = via
            .start_round(Platform::Soop, Job::Live, at)
            .await
            .unwrap();
        let events = to_events(Platform::Soop, round, at, sink.collector(), &batch);
        published += events.len();
        sink.publish(events).await.unwrap();
    }
    // Two messages that are not events this build applies.
    let raw: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", cfg.brokers.as_str())
        .create()
        .unwrap();
    let newer = r#"{"v":2,"kind":"live_sample","platform":"soop"}"#;
    for payload in ["garbage", newer] {
        raw.send(
            FutureRecord::to(&cfg.topic).key("soop").payload(payload),
            Duration::from_secs(10),
        )
        .await
        .unwrap();
    }

    let ingest = Ingest::connect(&cfg, "test-ingest", via.clone(), Arc::clone(&metrics))
        .await
        .unwrap();
    let token = CancellationToken::new();
    let worker = tokio::spawn(ingest.run(token.clone()));
    let want = direct.counts().await.unwrap();
    let start = Instant::now();
    loop {
        let got = via.counts().await.unwrap();
        if got == want && metrics.skipped.get() == 2 {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "ingest did not catch up: {got:?} vs {want:?}, skipped {}, list markers consumed {}, \
             rows written {}",
            metrics.skipped.get(),
            metrics
                .consumed
                .get_or_create(&streamtide_events::KindLabels {
                    kind: "live_list_end".into(),
                })
                .get(),
            metrics.rows_written.get()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    token.cancel();
    let stats = worker.await.unwrap().unwrap();
    assert_eq!(stats.consumed as usize, published + 2);
    assert_eq!(stats.skipped, 2);
    assert_eq!(stats.written.live_samples, 5);
    assert_eq!(
        stats.written.sessions_closed, 1,
        "the marker closed bj1's session"
    );
    let all = LiveFilter {
        limit: 100,
        ..LiveFilter::default()
    };
    let ids = |items: Vec<streamtide_storage::LiveItem>| {
        items
            .into_iter()
            .map(|i| (i.channel_id, i.last_seen_at))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(via.live_now(&all).await.unwrap().0),
        ids(direct.live_now(&all).await.unwrap().0)
    );
    assert_eq!(want.open_sessions, 2);
}
