//! CHZZK through its official Open API, against the simulator over real HTTP: the source choice
//! (`open_api`, `auto` with and without credentials), the cost of a channels round (⌈N/20⌉
//! `/open/v1/channels` calls), and a wrong secret showing as an auth failure in `/healthz` and
//! the log without the secret anywhere.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{TimeZone, Utc};
use streamtide_collector::{Collector, CollectorConfig, CollectorMetrics, RoundSummary};
use streamtide_core::{Clock, ManualClock, Platform};
use streamtide_platforms::{build_adapters, ApiSource, PlatformsConfig, Secret};
use streamtide_simulator::{SimConfig, Simulator};
use streamtide_storage::{Job, LiveFilter, Metric, Store};

#[path = "common/sim.rs"]
mod sim_support;

/// Tracked CHZZK channels: three full batches of 20 and a partial one.
const TRACKED: usize = 65;

struct Rig {
    _dir: tempfile::TempDir,
    sim: Simulator,
    clock: ManualClock,
    store: Store,
    collector: Arc<Collector>,
}

async fn rig(configure: impl FnOnce(&mut PlatformsConfig, &SimConfig)) -> Rig {
    // 21:00 KST on a weekday: plenty of channels live.
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 4, 12, 0, 0).unwrap());
    let sim_cfg = SimConfig {
        chzzk_channels: 150,
        soop_channels: 10,
        ..SimConfig::default()
    };
    let sim = Simulator::start(sim_cfg.clone(), Arc::new(clock.clone()))
        .await
        .unwrap();
    let mut platforms = sim_support::korean_platforms(&sim, 1000.0);
    platforms.chzzk.burst = 100;
    platforms.soop.enabled = false;
    platforms.chzzk.open_api_base = sim.chzzk_base();
    configure(&mut platforms, &sim_cfg);
    let http = sim_support::impatient_http(Duration::from_millis(800), Duration::from_secs(2));
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}", dir.path().join("o.db").display()))
        .await
        .unwrap();
    sim_support::track_first(&store, &sim, &[Platform::Chzzk], TRACKED, clock.now()).await;
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

fn with_credentials(p: &mut PlatformsConfig, sim: &SimConfig) {
    p.chzzk.client_id = sim.chzzk_client_id.clone();
    p.chzzk.client_secret = Secret::new(sim.chzzk_client_secret.clone());
}

impl Rig {
    /// `collect --once` for CHZZK's live and channels jobs.
    async fn once(&self) -> Vec<RoundSummary> {
        self.collector
            .collect_once(Some(Platform::Chzzk), &[Job::Live, Job::Channels])
            .await
    }

    /// CHZZK requests whose path starts with `prefix`.
    fn calls(&self, prefix: &str) -> usize {
        self.sim
            .requests_seen(Platform::Chzzk)
            .iter()
            .filter(|r| r.path.starts_with(prefix))
            .count()
    }
}

#[tokio::test]
async fn open_api_collects_followers_in_a_call_per_twenty_channels_and_the_list_from_lives() {
    let r = rig(|p, sim| {
        p.chzzk.source = ApiSource::OpenApi;
        with_credentials(p, sim);
    })
    .await;
    let t0 = r.clock.now();
    for s in r.once().await {
        assert!(s.failure.is_none() && s.errors == 0, "{s:?}");
    }
    // ⌈65/20⌉ = 4 channel calls, and no web channel call at all.
    assert_eq!(r.calls("/open/v1/channels"), TRACKED.div_ceil(20));
    assert_eq!(r.calls("/service/v1/channels"), 0);
    assert_eq!(
        r.calls("/service/v1/lives"),
        0,
        "the live list comes from /open/v1/lives"
    );
    // The live list through the Open API, 20 lives a page: the live round reads the whole list
    // (the census), and the channels round takes the tracked channels' live state from it
    // without walking the list again, so it costs ⌈N/20⌉ calls.
    let world = r.sim.world();
    let live_now = world.live_list_at(Platform::Chzzk, t0);
    let pages = live_now.len().div_ceil(20).max(1);
    assert!(
        live_now.len() > 20,
        "more than one page is live ({})",
        live_now.len()
    );
    assert_eq!(r.calls("/open/v1/lives"), pages);
    // Followers of every tracked channel, equal to the world's.
    let roster = world.roster(Platform::Chzzk, TRACKED);
    for info in &roster {
        let ch = world
            .channel(Platform::Chzzk, info.channel_id.as_str())
            .unwrap();
        let points = r
            .store
            .history(Platform::Chzzk, &ch.id, Metric::Followers, t0, t0, 10)
            .await
            .unwrap();
        assert_eq!(
            points.last().map(|p| p.value),
            Some(world.followers_at(ch, t0)),
            "{}",
            info.channel_id
        );
    }
    // The board: the Open API list, with the world's viewers.
    let (items, total) = r
        .store
        .live_now(&LiveFilter {
            limit: 1000,
            ..LiveFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(total as usize, live_now.len());
    assert_eq!(items[0].viewers, live_now[0].1.viewers);
    // Tracked channels that are live were seen live by the channels round's walk (a session
    // open for each), without any per-channel web status call.
    assert_eq!(r.calls("/polling/"), 0);
    r.sim.shutdown().await;
}

#[tokio::test]
async fn auto_without_credentials_stays_on_the_web_api() {
    let r = rig(|p, _| p.chzzk.source = ApiSource::Auto).await;
    for s in r.once().await {
        assert!(s.failure.is_none() && s.errors == 0, "{s:?}");
    }
    assert_eq!(r.calls("/open/"), 0, "no Open API call without credentials");
    // `/service/v1/channels/{id}` itself (live-detail and videos share the prefix).
    let channel_calls = r
        .sim
        .requests_seen(Platform::Chzzk)
        .iter()
        .filter(|q| q.path.starts_with("/service/v1/channels/") && q.path.matches('/').count() == 4)
        .count();
    assert_eq!(
        channel_calls, TRACKED,
        "one web call per channel, as before"
    );
    assert!(r.calls("/service/v1/lives") > 0);
    r.sim.shutdown().await;
}

#[tokio::test]
async fn auto_with_credentials_uses_the_open_api_and_web_never_does() {
    let r = rig(with_credentials).await;
    r.once().await;
    assert_eq!(r.calls("/open/v1/channels"), TRACKED.div_ceil(20));
    r.sim.shutdown().await;
    let r = rig(|p, sim| {
        p.chzzk.source = ApiSource::Web;
        with_credentials(p, sim);
    })
    .await;
    r.once().await;
    assert_eq!(r.calls("/open/"), 0, "`web` never calls the Open API");
    r.sim.shutdown().await;
}

/// A `MakeWriter` into a shared buffer, to read what the log said.
#[derive(Clone, Default)]
struct LogBuf(Arc<Mutex<Vec<u8>>>);

impl Write for LogBuf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogBuf {
    type Writer = LogBuf;
    fn make_writer(&'a self) -> LogBuf {
        self.clone()
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_wrong_secret_is_an_auth_failure_in_healthz_and_the_log_without_the_secret() {
    const WRONG: &str = "not-the-secret-3f9a1c";
    let log = LogBuf::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(log.clone())
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let r = rig(|p, sim| {
        p.chzzk.source = ApiSource::OpenApi;
        p.chzzk.client_id = sim.chzzk_client_id.clone();
        p.chzzk.client_secret = Secret::new(WRONG);
    })
    .await;
    // Three rounds: from then on `/healthz` counts the jobs as failing (UNHEALTHY_AFTER).
    let mut summaries = Vec::new();
    for _ in 0..3 {
        summaries.extend(r.once().await);
    }
    let mut errors = String::new();
    for s in &summaries {
        assert!(s.failure.is_some(), "every CHZZK job fails: {s:?}");
        errors.push_str(&format!("{s:?}\n"));
    }
    assert!(errors.contains("credentials rejected by chzzk"), "{errors}");
    assert!(r.calls("/open/") > 0);

    // `/healthz` of a real API server over the same store.
    let (body, health) = sim_support::healthz(&r.store).await;
    let chzzk = health["summary"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["platform"] == "chzzk")
        .cloned()
        .unwrap();
    assert_eq!(chzzk["state"], "failing", "{body}");
    assert!(
        chzzk["last_error"]
            .as_str()
            .unwrap_or("")
            .contains("credentials rejected by chzzk"),
        "{body}"
    );

    let log = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("credentials rejected by chzzk"), "{log}");
    for (what, text) in [
        ("/healthz", &body),
        ("the log", &log),
        ("the errors", &errors),
    ] {
        assert!(!text.contains(WRONG), "the secret shows in {what}");
    }
    r.sim.shutdown().await;
}
