//! The copier end to end: a local image server (standing in for the platforms' CDNs), a real
//! SQLite index, a real local-folder object store, and — when `STREAMTIDE_TEST_S3_URL` is set —
//! a real S3-compatible server.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, Utc};
use image::{ImageFormat, Rgb, RgbImage};
use streamtide_core::{Clock, ManualClock};
use streamtide_storage::Store;
use streamtide_thumbs::{
    collect_garbage, ImageKind, ThumbJob, ThumbMetrics, ThumbStore, ThumbWorker, ThumbsConfig,
};

fn jpeg(seed: u8) -> Vec<u8> {
    let img = RgbImage::from_fn(640, 360, |x, y| {
        Rgb([seed, (x % 256) as u8, (y % 256) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

/// `/img/{n}` is a picture whose colour depends on n and on how often it was asked for when
/// `/changing/{n}` (a live thumbnail whose picture moves on); `/missing` is 404; `/html` is a
/// page; `/slow` never answers in time.
async fn image_server(hits: Arc<AtomicUsize>) -> String {
    let changing = hits.clone();
    let app = Router::new()
        .route(
            "/img/{n}",
            get(move |Path(n): Path<u8>| {
                let hits = hits.clone();
                async move {
                    hits.fetch_add(1, Ordering::SeqCst);
                    ([(header::CONTENT_TYPE, "image/jpeg")], jpeg(n))
                }
            }),
        )
        .route(
            "/changing/{n}",
            get(move |Path(n): Path<u8>| {
                let k = changing.fetch_add(1, Ordering::SeqCst) as u8;
                async move {
                    (
                        [(header::CONTENT_TYPE, "image/jpeg")],
                        jpeg(n.wrapping_add(k * 40)),
                    )
                }
            }),
        )
        .route("/missing", get(|| async { StatusCode::NOT_FOUND }))
        .route(
            "/html",
            get(|| async { "<html>oops</html>".into_response() }),
        )
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(30)).await;
                jpeg(1)
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

struct Rig {
    db: Store,
    objects: ThumbStore,
    worker: ThumbWorker,
    clock: ManualClock,
    metrics: Arc<ThumbMetrics>,
    cfg: ThumbsConfig,
    _dir: tempfile::TempDir,
}

/// `image_base`: the local image server, trusted explicitly (it is on loopback).
async fn rig(url: Option<String>, image_base: &str) -> Rig {
    let dir = tempfile::tempdir().unwrap();
    let db = Store::open(&format!("sqlite://{}", dir.path().join("t.db").display()))
        .await
        .unwrap();
    let mut cfg = ThumbsConfig {
        url: url.unwrap_or_else(|| dir.path().join("thumbs").display().to_string()),
        timeout: Duration::from_millis(800),
        trusted_origins: vec![image_base.to_string()],
        ..ThumbsConfig::default()
    };
    if cfg.url.starts_with("s3://") {
        cfg.s3.endpoint = std::env::var("STREAMTIDE_TEST_S3_ENDPOINT").unwrap();
        cfg.s3.access_key_id = std::env::var("STREAMTIDE_TEST_S3_ACCESS_KEY").unwrap_or_default();
        cfg.s3.secret_access_key = streamtide_core::Secret::new(
            std::env::var("STREAMTIDE_TEST_S3_SECRET_KEY").unwrap_or_default(),
        );
        cfg.s3.allow_http = true;
    }
    let objects = ThumbStore::open(&cfg).unwrap();
    let t0: DateTime<Utc> = "2026-11-23T12:00:00Z".parse().unwrap();
    let clock = ManualClock::new(t0);
    let metrics = Arc::new(ThumbMetrics::default());
    let worker = ThumbWorker::new(
        db.clone(),
        objects.clone(),
        cfg.clone(),
        Arc::new(clock.clone()) as Arc<dyn Clock>,
        metrics.clone(),
    )
    .unwrap();
    Rig {
        db,
        objects,
        worker,
        clock,
        metrics,
        cfg,
        _dir: dir,
    }
}

fn job(kind: ImageKind, url: String, weight: u64) -> ThumbJob {
    ThumbJob {
        kind,
        url,
        weight,
        platform: Some(streamtide_core::Platform::Chzzk),
    }
}

async fn copies_fall_back_refresh_and_collect(store_url: Option<String>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let base = image_server(hits.clone()).await;
    let r = rig(store_url, &base).await;
    let jobs = vec![
        job(ImageKind::Live, format!("{base}/img/1"), 500),
        job(ImageKind::Live, format!("{base}/img/1"), 10), // same URL from another source
        job(ImageKind::Avatar, format!("{base}/img/2"), 100),
        job(ImageKind::Live, format!("{base}/missing"), 90),
        job(ImageKind::Live, format!("{base}/html"), 80),
        job(ImageKind::Live, format!("{base}/slow"), 70),
        job(ImageKind::Live, format!("{base}/changing/3"), 60),
    ];
    let s = r.worker.process(jobs.clone()).await;
    assert_eq!((s.due, s.stored, s.failed), (6, 3, 3), "{s:?}");
    // img/1 (offered twice, fetched once), img/2 and changing/3.
    assert_eq!(
        hits.load(Ordering::SeqCst),
        3,
        "the duplicate URL is fetched once"
    );

    let urls: Vec<String> = jobs.iter().map(|j| j.url.clone()).collect();
    let known = r.db.thumb_sources(&urls).await.unwrap();
    let h1 = known[&format!("{base}/img/1")].hash.clone().unwrap();
    let stored = r.objects.get(&h1).await.unwrap().expect("object stored");
    let img = image::load_from_memory(&stored.bytes).unwrap();
    assert_eq!((img.width(), img.height()), (320, 180));
    for bad in ["missing", "html", "slow"] {
        let k = &known[&format!("{base}/{bad}")];
        assert_eq!((k.hash.as_deref(), k.failures), (None, 1), "{bad}");
    }

    // Two minutes on: nothing is due except the failures past their first back-off minute.
    r.clock.advance(chrono::Duration::seconds(120));
    let s = r.worker.process(jobs.clone()).await;
    assert_eq!((s.due, s.stored), (3, 0), "{s:?}");

    // Past the live refresh: live pictures are fetched again (the changing one gets a new
    // hash); the avatar is not.
    r.clock
        .advance(chrono::Duration::from_std(r.cfg.live_refresh).unwrap());
    let before = r.db.thumb_sources(&urls).await.unwrap();
    let s = r.worker.process(jobs.clone()).await;
    assert_eq!(s.stored, 2, "{s:?}");
    let after = r.db.thumb_sources(&urls).await.unwrap();
    let changing = format!("{base}/changing/3");
    assert_ne!(before[&changing].hash, after[&changing].hash);
    assert_eq!(
        before[&format!("{base}/img/1")].hash,
        after[&format!("{base}/img/1")].hash,
        "same picture, same object"
    );
    let old_changing = before[&changing].hash.clone().unwrap();
    assert!(r.objects.get(&old_changing).await.unwrap().is_some());

    // Garbage collection: the superseded picture goes once older than `keep`; pictures still
    // in use stay. An orphan object (never indexed) also goes.
    let orphan = "ab".repeat(32);
    r.objects
        .put(&orphan, b"RIFF0000WEBP".to_vec())
        .await
        .unwrap();
    let now = r.clock.now();
    let g = collect_garbage(&r.db, &r.objects, r.cfg.keep, now, &r.metrics)
        .await
        .unwrap();
    assert_eq!(
        (g.deleted, g.orphans_deleted),
        (0, 0),
        "nothing is old enough yet"
    );
    // Days later (past `keep`, also for the orphan, whose write time is the real clock's), a
    // round still carries img/1 and the changing thumbnail; the avatar dropped out.
    let sweep_at = Utc::now() + chrono::Duration::days(3);
    r.clock.set(sweep_at);
    r.worker
        .process(vec![jobs[0].clone(), jobs[6].clone()])
        .await;
    let g = collect_garbage(&r.db, &r.objects, r.cfg.keep, sweep_at, &r.metrics)
        .await
        .unwrap();
    assert!(g.deleted >= 2, "old changing picture and the avatar: {g:?}");
    assert_eq!(g.orphans_deleted, 1, "{g:?}");
    assert!(r.objects.get(&old_changing).await.unwrap().is_none());
    assert!(r.objects.get(&orphan).await.unwrap().is_none());
    let now_known = r.db.thumb_sources(&urls).await.unwrap();
    let live_hash = now_known[&format!("{base}/img/1")].hash.clone().unwrap();
    assert!(
        r.objects.get(&live_hash).await.unwrap().is_some(),
        "in-use copy kept"
    );
    assert!(
        !now_known.contains_key(&format!("{base}/img/2")),
        "unused avatar forgotten"
    );
}

#[tokio::test]
async fn local_folder_store() {
    copies_fall_back_refresh_and_collect(None).await;
}

/// Runs against a real S3-compatible server when CI provides one (`.ci/run` starts s3s-fs).
#[tokio::test]
async fn s3_compatible_store() {
    let Ok(url) = std::env::var("STREAMTIDE_TEST_S3_URL") else {
        eprintln!("STREAMTIDE_TEST_S3_URL not set: S3 test skipped");
        return;
    };
    // The server checks signatures: a wrong secret is refused, so the configured one is used.
    let wrong = ThumbsConfig {
        url: url.clone(),
        s3: streamtide_thumbs::S3Config {
            endpoint: std::env::var("STREAMTIDE_TEST_S3_ENDPOINT").unwrap(),
            access_key_id: std::env::var("STREAMTIDE_TEST_S3_ACCESS_KEY").unwrap_or_default(),
            secret_access_key: streamtide_core::Secret::new("not-the-secret"),
            allow_http: true,
            ..Default::default()
        },
        ..ThumbsConfig::default()
    };
    let refused = ThumbStore::open(&wrong)
        .unwrap()
        .put(&"cd".repeat(32), b"RIFF0000WEBP".to_vec())
        .await;
    assert!(refused.is_err(), "a wrong secret must be refused");
    let msg = refused.unwrap_err().to_string();
    assert!(
        !msg.contains("not-the-secret"),
        "no secret in errors: {msg}"
    );
    copies_fall_back_refresh_and_collect(Some(url)).await;
}

#[tokio::test]
async fn an_unreachable_store_loses_nothing_and_blocks_nothing() {
    let hits = Arc::new(AtomicUsize::new(0));
    let base = image_server(hits).await;
    let r = rig(None, &base).await;
    // Nothing listens on port 9 of loopback: every put fails fast.
    let cfg = ThumbsConfig {
        url: "s3://nowhere/t".into(),
        timeout: Duration::from_secs(2),
        s3: streamtide_thumbs::S3Config {
            endpoint: "http://127.0.0.1:9".into(),
            access_key_id: "k".into(),
            secret_access_key: streamtide_core::Secret::new("s"),
            allow_http: true,
            ..Default::default()
        },
        trusted_origins: vec![base.clone()],
        ..ThumbsConfig::default()
    };
    let objects = ThumbStore::open(&cfg).unwrap();
    let worker = ThumbWorker::new(
        r.db.clone(),
        objects,
        cfg,
        Arc::new(r.clock.clone()) as Arc<dyn Clock>,
        r.metrics.clone(),
    )
    .unwrap();
    let started = std::time::Instant::now();
    let s = worker
        .process(vec![job(ImageKind::Live, format!("{base}/img/5"), 1)])
        .await;
    assert_eq!((s.stored, s.failed), (0, 1));
    assert!(started.elapsed() < Duration::from_secs(60));
    let k =
        r.db.thumb_sources(&[format!("{base}/img/5")])
            .await
            .unwrap();
    assert_eq!(
        k[&format!("{base}/img/5")].hash,
        None,
        "the platform URL stays in use"
    );
    r.db.close().await;
}
