//! `streamtide run` killed with SIGKILL in the middle of collecting, again and again: the database
//! stays intact (SQLite's `PRAGMA integrity_check`), every batch is either fully there or absent
//! (session aggregates always equal their samples), nothing committed is lost, and the schedule
//! resumes after each restart. On SQLite always, and on PostgreSQL when `STREAMTIDE_TEST_PG_URL`
//! names a server (`.ci/run` sets it).

mod common;

use std::process::Stdio;
use std::time::{Duration, Instant};

use rand::Rng;
use streamtide_core::{ChannelId, ChannelInfo, Platform};
use streamtide_storage::Store;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_mid_round_never_tears_a_write() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("crash.db").display());
    crash_story(&db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_mid_round_never_tears_a_write_on_postgres() {
    let Some(db) = common::pg_database("st_crash_safety").await else {
        eprintln!("skipped: STREAMTIDE_TEST_PG_URL is not set");
        return;
    };
    crash_story(&db).await;
}

async fn crash_story(db: &str) {
    let sim = common::simulator(150).await;
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(db).await.unwrap();
        for platform in [Platform::Chzzk, Platform::Soop] {
            for ch in sim.world().channels(platform).iter().take(100) {
                let info = ChannelInfo {
                    platform,
                    channel_id: ChannelId::new(ch.id.clone()),
                    name: ch.name.clone(),
                    handle: None,
                    avatar_url: None,
                    description: None,
                };
                store
                    .track_channel(&info, chrono::Utc::now())
                    .await
                    .unwrap();
            }
        }
        store.close().await;
    }
    let spawn = || {
        let mut c = common::streamtide(dir.path());
        c.env("RUST_LOG", "warn")
            .env("STREAMTIDE__STORAGE__URL", db)
            .env("STREAMTIDE__SERVER__BIND", "127.0.0.1:0")
            .env("STREAMTIDE__COLLECTOR__LIVE_INTERVAL", "300ms")
            .env("STREAMTIDE__COLLECTOR__CHANNELS_INTERVAL", "300ms")
            .env("STREAMTIDE__COLLECTOR__VIDEOS", "false")
            .env("STREAMTIDE__COLLECTOR__JITTER", "0")
            // Small batches: many commits per round, so kills land between and inside them.
            .env("STREAMTIDE__COLLECTOR__WRITE_BATCH", "5");
        common::simulated_platforms(&mut c, &sim.chzzk_base(), &sim.soop_base(), 2000)
            .env("STREAMTIDE__PLATFORMS__CHZZK__BURST", "100")
            .env("STREAMTIDE__PLATFORMS__CHZZK__RESPECT_POLL_HINT", "false")
            .env("STREAMTIDE__PLATFORMS__SOOP__BURST", "100")
            .arg("run")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };

    let mut rng = rand::rng();
    let mut last_rows = 0u64;
    for round in 0..6 {
        let mut child = spawn();
        let until = Instant::now() + Duration::from_millis(rng.random_range(700..2000));
        while Instant::now() < until {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        child.kill().unwrap(); // SIGKILL: no chance to finish anything.
        child.wait().unwrap();

        let store = Store::connect(db).await.unwrap();
        assert_eq!(
            store.integrity_check().await.unwrap(),
            "ok",
            "after kill {round}"
        );
        let violations = store.consistency_violations().await.unwrap();
        assert!(violations.is_empty(), "after kill {round}: {violations:?}");
        let c = store.counts().await.unwrap();
        let rows = c.channel_snapshots + c.live_samples;
        eprintln!(
            "crash safety ({}): kill {round}: {rows} rows, consistent",
            store.backend().as_str()
        );
        assert!(rows >= last_rows, "nothing committed is lost");
        last_rows = rows;
        store.close().await;
    }
    assert!(last_rows > 0, "the runs collected something between kills");

    // After all that, a clean run resumes the schedule and finishes rounds.
    let store = Store::connect(db).await.unwrap();
    let before = store
        .recent_rounds(1)
        .await
        .unwrap()
        .first()
        .map_or(0, |r| r.id);
    let mut child = spawn();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let finished = store
            .recent_rounds(50)
            .await
            .unwrap()
            .into_iter()
            .filter(|r| r.id > before && r.finished_at.is_some())
            .count();
        if finished >= 4 {
            break;
        }
        assert!(Instant::now() < deadline, "the schedule did not resume");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
}
