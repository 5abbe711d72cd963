//! SOOP's live list through the official Open API, against the simulator over real HTTP.
//!
//! With `source = "open_api"` and a client id, a live round reads `/broad/list` (counted by the
//! simulator) and the board gets the same lives as the web list gives; with `auto` and no id
//! the Open API is never called and the web list is read as before; a wrong id is an auth
//! failure in `/healthz` and the log, and the id appears in no log line, error or answer.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{TimeZone, Utc};
use streamtide_collector::{Collector, CollectorConfig, CollectorMetrics};
use streamtide_core::{Clock, ManualClock, Platform};
use streamtide_platforms::{build_adapters, ApiSource, PlatformsConfig, Secret};
use streamtide_simulator::{SimConfig, Simulator};
use streamtide_storage::{Job, LiveFilter, Store};
use tokio_util::sync::CancellationToken;

#[path = "common/sim.rs"]
mod sim_support;

/// A SOOP-only collector over its own store, with `soop` as configured.
struct Side {
    _dir: tempfile::TempDir,
    store: Store,
    collector: Collector,
}

async fn side(
    sim: &Simulator,
    clock: &ManualClock,
    soop: impl FnOnce(&mut PlatformsConfig),
) -> Side {
    let mut platforms = sim_support::korean_platforms(sim, 1000.0);
    platforms.chzzk.enabled = false;
    platforms.soop.burst = 100;
    platforms.soop.open_api_base = sim.soop_base();
    // Never the real Open API host from a test.
    platforms.soop.open_api_fallback_base = String::new();
    soop(&mut platforms);
    let http = sim_support::impatient_http(Duration::from_millis(800), Duration::from_secs(2));
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}", dir.path().join("s.db").display()))
        .await
        .unwrap();
    let collector = Collector::new(
        store.clone(),
        build_adapters(&platforms, &http).unwrap(),
        Arc::new(clock.clone()),
        CollectorConfig::default(),
        Arc::new(CollectorMetrics::default()),
    );
    Side {
        _dir: dir,
        store,
        collector,
    }
}

/// What the board shows of SOOP: (channel, broadcast, viewers) in board order.
async fn board(store: &Store) -> Vec<(String, Option<String>, u64)> {
    let filter = LiveFilter {
        limit: 1000,
        ..LiveFilter::default()
    };
    let (items, _) = store.live_now(&filter).await.unwrap();
    items
        .into_iter()
        .filter(|i| i.platform == Platform::Soop)
        .map(|i| (i.channel_id, i.broadcast_id, i.viewers))
        .collect()
}

/// Requests the SOOP server saw whose path ends with `suffix`.
fn seen(sim: &Simulator, suffix: &str) -> usize {
    sim.requests_seen(Platform::Soop)
        .iter()
        .filter(|r| r.path.ends_with(suffix))
        .count()
}

async fn rig() -> (Simulator, ManualClock) {
    // 21:00 KST: prime time, more than one page (60) of SOOP lives.
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 4, 12, 0, 0).unwrap());
    let sim_cfg = SimConfig {
        chzzk_channels: 10,
        soop_channels: 400,
        ..SimConfig::default()
    };
    let sim = Simulator::start(sim_cfg, Arc::new(clock.clone()))
        .await
        .unwrap();
    (sim, clock)
}

#[tokio::test]
async fn open_api_reads_the_live_list_through_broad_list_and_the_board_is_the_same() {
    let (sim, clock) = rig().await;
    let never = CancellationToken::new();
    let sim_id = SimConfig::default().soop_client_id;

    // The web API, as today (`auto` without an id).
    let web = side(&sim, &clock, |_| {}).await;
    let s = web
        .collector
        .run_round(Platform::Soop, Job::Live, &never)
        .await;
    assert!(s.failure.is_none() && s.errors == 0, "{s:?}");
    assert_eq!(
        seen(&sim, "/broad/list"),
        0,
        "auto without an id never calls the Open API"
    );
    assert_eq!(seen(&sim, "/broad/category/list"), 0);
    let web_list_calls = seen(&sim, "/main_broad_list_api.php");
    assert!(web_list_calls >= 2, "the web list, paged: {web_list_calls}");

    // The Open API.
    let open = side(&sim, &clock, |p| {
        p.soop.source = ApiSource::OpenApi;
        p.soop.client_id = Secret::new(sim_id.clone());
    })
    .await;
    let s = open
        .collector
        .run_round(Platform::Soop, Job::Live, &never)
        .await;
    assert!(s.failure.is_none() && s.errors == 0, "{s:?}");
    let pages = seen(&sim, "/broad/list");
    // One call per page of 60 up to the depth (240); `total_cnt` spares the empty last page.
    let live = sim.world().live_list_at(Platform::Soop, clock.now()).len();
    let expected_pages = live.min(240).div_ceil(60).max(1);
    assert_eq!(
        pages, expected_pages,
        "{live} live: one /broad/list call per page of 60"
    );
    assert_eq!(
        seen(&sim, "/broad/category/list"),
        1,
        "category names read once"
    );
    assert_eq!(
        seen(&sim, "/main_broad_list_api.php"),
        web_list_calls,
        "the Open API round made no web list call"
    );
    // Every Open API call carried the id; none carried a browser Origin.
    for r in sim.requests_seen(Platform::Soop) {
        if r.path.starts_with("/broad/") {
            assert!(r.query.contains("client_id="), "{r:?}");
            assert_eq!(r.header("origin"), None, "{r:?}");
        }
    }

    let from_web = board(&web.store).await;
    let from_open = board(&open.store).await;
    assert!(
        from_web.len() > 60,
        "more than a page live: {}",
        from_web.len()
    );
    assert_eq!(
        from_open, from_web,
        "the same lives, broadcasts and viewers"
    );
    // The Open API list names no category; /broad/category/list does.
    let filter = LiveFilter {
        limit: 1000,
        ..LiveFilter::default()
    };
    let (items, _) = open.store.live_now(&filter).await.unwrap();
    let named = items.iter().filter(|i| i.category_name.is_some()).count();
    assert_eq!(named, items.len(), "every live has its category's name");

    // A second round reuses the names: one more list read, no more category reads.
    clock.advance(chrono::Duration::minutes(2));
    let s = open
        .collector
        .run_round(Platform::Soop, Job::Live, &never)
        .await;
    assert!(s.failure.is_none(), "{s:?}");
    assert_eq!(seen(&sim, "/broad/category/list"), 1);
    // Channels (followers, station) still come from the web API, as documented.
    sim_support::track_first(&open.store, &sim, &[Platform::Soop], 3, clock.now()).await;
    let s = open
        .collector
        .run_round(Platform::Soop, Job::Channels, &never)
        .await;
    assert!(s.failure.is_none() && s.errors == 0, "{s:?}");
    assert_eq!(seen(&sim, "/station"), 3);
    sim.shutdown().await;
}

/// Log lines, captured at trace level for one test's thread.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }
}

#[tokio::test]
async fn a_wrong_client_id_is_an_auth_failure_in_healthz_and_the_log_without_the_id() {
    const WRONG_ID: &str = "wrong-soop-app-id-5f1c9e";
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    // The test runtime is single-threaded: every task of the round logs here.
    let _guard = tracing::subscriber::set_default(subscriber);

    let (sim, clock) = rig().await;
    let never = CancellationToken::new();
    let open = side(&sim, &clock, |p| {
        p.soop.source = ApiSource::OpenApi;
        p.soop.client_id = Secret::new(WRONG_ID);
    })
    .await;
    // Three rounds: /healthz calls a platform failing after three failed rounds in a row.
    let mut summaries = Vec::new();
    for _ in 0..3 {
        let s = open
            .collector
            .run_round(Platform::Soop, Job::Live, &never)
            .await;
        assert!(s.errors > 0 || s.failure.is_some(), "{s:?}");
        summaries.push(format!("{s:?}"));
        clock.advance(chrono::Duration::minutes(2));
    }
    assert_eq!(
        seen(&sim, "/broad/list"),
        3,
        "refused once a round, not retried"
    );
    assert_eq!(
        seen(&sim, "/main_broad_list_api.php"),
        0,
        "no silent switch to the web API"
    );

    // /healthz, from a real server over the same store.
    let (health, v) = sim_support::healthz(&open.store).await;
    let live = v["platforms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["platform"] == "soop" && j["job"] == "live")
        .cloned()
        .unwrap_or_default();
    let err = live["last_error"].as_str().unwrap_or_default();
    assert!(err.contains("credentials rejected by soop"), "{health}");
    let summary = v["summary"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["platform"] == "soop")
        .cloned()
        .unwrap_or_default();
    assert_eq!(summary["state"], "failing", "{health}");
    assert!(
        summary["last_error"]
            .as_str()
            .unwrap_or_default()
            .contains("credentials rejected"),
        "{health}"
    );

    let log = logs.text();
    assert!(
        log.contains("refused the client id"),
        "the log says what failed: {log}"
    );
    assert!(
        log.contains("platforms.soop.client_id"),
        "and names the key"
    );
    assert!(
        log.contains("client_id=<redacted>"),
        "URLs are shown redacted"
    );
    let summaries = summaries.join("\n");
    for (what, text) in [
        ("the log", log.as_str()),
        ("/healthz", health.as_str()),
        ("the round summaries", summaries.as_str()),
    ] {
        assert!(!text.contains(WRONG_ID), "the id appears in {what}");
    }
    // The simulator did receive it: the check above is not vacuous.
    assert!(sim
        .requests_seen(Platform::Soop)
        .iter()
        .any(|r| r.query.contains(WRONG_ID)));
    sim.shutdown().await;
}
