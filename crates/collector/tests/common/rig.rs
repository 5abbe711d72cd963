//! The whole product against the simulator on a virtual clock: every chosen platform aimed at
//! the simulator, a real SQLite store, YouTube spending from the ledger kept in that store (as
//! `streamtide run` wires it), the collector telling time by the clock, and the API server over
//! the same store. Shared by the tests that need all of it (fault matrix, YouTube day, the
//! 48-hour day in the life).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use streamtide_collector::{Collector, CollectorConfig, CollectorMetrics};
use streamtide_core::{ManualClock, Platform};
use streamtide_platforms::{HttpConfig, PlatformsConfig, Secret};
use streamtide_server::{AppState, Metrics};
use streamtide_simulator::{SimConfig, Simulator};
use streamtide_storage::Store;

/// What to start.
pub struct RigSpec {
    pub start: DateTime<Utc>,
    pub sim: SimConfig,
    /// The platforms collected; the others are disabled.
    pub platforms: Vec<Platform>,
    /// The first this many channels of each collected platform are tracked.
    pub tracked: usize,
    /// Requests per second and burst allowed on every platform.
    pub rps: f64,
    pub burst: u32,
    pub http: HttpConfig,
    pub collector: CollectorConfig,
    /// The window `/live` judges items by (`AppState::new`).
    pub live_freshness: chrono::Duration,
    /// The store's URL; None: an SQLite file in a temporary folder.
    pub store_url: Option<String>,
}

impl RigSpec {
    pub fn new(start: DateTime<Utc>, sim: SimConfig, platforms: &[Platform]) -> RigSpec {
        let collector = CollectorConfig::default();
        RigSpec {
            start,
            sim,
            platforms: platforms.to_vec(),
            tracked: 0,
            rps: 1000.0,
            burst: 100,
            http: super::sim_support::impatient_http(
                std::time::Duration::from_millis(2000),
                std::time::Duration::from_secs(1),
            ),
            live_freshness: chrono::Duration::from_std(collector.live_freshness())
                .unwrap_or(chrono::Duration::minutes(10)),
            collector,
            store_url: None,
        }
    }
}

pub struct Rig {
    /// Holds the database file for the rig's lifetime.
    pub _dir: tempfile::TempDir,
    pub sim: Simulator,
    pub clock: ManualClock,
    pub store: Store,
    pub collector: Arc<Collector>,
    /// The API server's state (its `/live` curation reads the board at any moment).
    #[allow(dead_code)] // not every test binary that includes this file reads the board
    pub state: AppState,
    /// `http://127.0.0.1:port` of the API server.
    pub api: String,
}

/// Every platform of `sim` configured to talk to it (enabled or not per `spec.platforms`).
fn platforms_config(sim: &Simulator, spec: &RigSpec) -> PlatformsConfig {
    let mut p = super::sim_support::korean_platforms(sim, spec.rps);
    let tw = &mut p.twitch;
    tw.api_base = format!("{}/helix", sim.twitch_base());
    tw.auth_base = sim.twitch_base();
    tw.client_id = "streamtide-tests".into();
    tw.client_secret = Secret::new(spec.sim.twitch_client_secret.clone());
    tw.requests_per_second = spec.rps;
    let y = &mut p.youtube;
    y.api_base = format!("{}/youtube/v3", sim.youtube_base());
    y.feeds_base = sim.youtube_base();
    y.api_key = Secret::new(spec.sim.youtube_api_key.clone());
    y.requests_per_second = spec.rps;
    p.chzzk.burst = spec.burst;
    p.soop.burst = spec.burst;
    p.twitch.burst = spec.burst;
    p.youtube.burst = spec.burst;
    p.chzzk.enabled = spec.platforms.contains(&Platform::Chzzk);
    p.soop.enabled = spec.platforms.contains(&Platform::Soop);
    p.twitch.enabled = spec.platforms.contains(&Platform::Twitch);
    p.youtube.enabled = spec.platforms.contains(&Platform::Youtube);
    p
}

/// Start the simulator, the store, the collector and the API server; `tweak` adjusts the
/// platforms' configuration last.
pub async fn start(spec: RigSpec, tweak: impl FnOnce(&mut PlatformsConfig, &Simulator)) -> Rig {
    let clock = ManualClock::new(spec.start);
    let sim = Simulator::start(spec.sim.clone(), Arc::new(clock.clone()))
        .await
        .unwrap();
    let mut platforms = platforms_config(&sim, &spec);
    tweak(&mut platforms, &sim);
    let dir = tempfile::tempdir().unwrap();
    let url = spec
        .store_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", dir.path().join("rig.db").display()));
    let store = Store::open(&url).await.unwrap();
    super::sim_support::track_first(&store, &sim, &spec.platforms, spec.tracked, spec.start).await;
    let metrics = Arc::new(Metrics::new());
    let collector_metrics = Arc::new(CollectorMetrics::default());
    collector_metrics.register(&mut metrics.registry_mut());
    // The ledger persisted in the store, as `streamtide run` wires it: /healthz reads it there.
    let ledger =
        streamtide_collector::StoredLedger::open(store.clone(), &platforms.youtube, spec.start)
            .await
            .unwrap();
    // Every adapter tells time by the virtual clock (YouTube's Pacific days and schedule,
    // CHZZK's poll hint), as the collector does.
    let adapters = streamtide_platforms::build_adapters_with_ledger(
        &platforms,
        &spec.http,
        Some(ledger),
        Arc::new(clock.clone()),
    )
    .unwrap();
    assert_eq!(
        adapters.len(),
        spec.platforms.len(),
        "every chosen platform is built"
    );
    let collector = Arc::new(Collector::new(
        store.clone(),
        adapters,
        Arc::new(clock.clone()),
        spec.collector.clone(),
        collector_metrics,
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let api = format!("http://{}", listener.local_addr().unwrap());
    let state = AppState::new(store.clone(), spec.live_freshness, metrics);
    tokio::spawn(streamtide_server::serve(
        listener,
        state.clone(),
        std::future::pending(),
    ));
    Rig {
        _dir: dir,
        sim,
        clock,
        store,
        collector,
        state,
        api,
    }
}

impl Rig {
    /// `GET path` on the API server, as text.
    pub async fn get(&self, path: &str) -> String {
        reqwest::get(format!("{}{path}", self.api))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// `GET /healthz` as JSON.
    #[allow(dead_code)] // not every test binary that includes this file asks for it
    pub async fn health(&self) -> serde_json::Value {
        serde_json::from_str(&self.get("/healthz").await).unwrap()
    }
}
