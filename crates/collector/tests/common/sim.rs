//! Shared set-up of the collector tests: CHZZK and SOOP pointed at the simulator.

use streamtide_platforms::PlatformsConfig;
use streamtide_simulator::Simulator;

/// CHZZK and SOOP aimed at `sim`, allowed `rps` requests a second, with no fallback to the real
/// SOOP hosts. The CHZZK poll hint is off: simulated time moves minutes per real millisecond, and
/// a real-time hint would answer from stale replies.
#[allow(dead_code)] // not every test binary that includes this file collects CHZZK and SOOP
pub fn korean_platforms(sim: &Simulator, rps: f64) -> PlatformsConfig {
    let mut p = PlatformsConfig::default();
    p.chzzk.api_base = sim.chzzk_base();
    p.chzzk.requests_per_second = rps;
    p.chzzk.respect_poll_hint = false;
    // A fixed device id: otherwise one is made and written to `chzzk-device-id` in the crate.
    p.chzzk.device_id = "5f0c8a3e-2b1d-4c7a-9e6f-0d1c2b3a4e5f".into();
    p.soop.live_base = sim.soop_base();
    p.soop.chapi_base = sim.soop_base();
    p.soop.live_fallback_base = String::new();
    p.soop.chapi_fallback_base = String::new();
    p.soop.requests_per_second = rps;
    p
}

/// Put the first `n` channels of each of `platforms` in `store`'s roster, as of `at`.
#[allow(dead_code)] // not every test binary that includes this file tracks channels
pub async fn track_first(
    store: &streamtide_storage::Store,
    sim: &Simulator,
    platforms: &[streamtide_core::Platform],
    n: usize,
    at: chrono::DateTime<chrono::Utc>,
) {
    for &platform in platforms {
        for info in sim.world().roster(platform, n) {
            store.track_channel(&info, at).await.unwrap();
        }
    }
}

/// A client that gives up fast: two quick retries, `timeout` per request, and Retry-After
/// waits up to `max_retry_after` (tests run many rounds; the defaults are for real platforms).
#[allow(dead_code)] // not every test binary that includes this file needs it
pub fn impatient_http(
    timeout: std::time::Duration,
    max_retry_after: std::time::Duration,
) -> streamtide_platforms::HttpConfig {
    streamtide_platforms::HttpConfig {
        timeout,
        max_retries: 2,
        backoff_base: std::time::Duration::from_millis(5),
        backoff_max: std::time::Duration::from_millis(20),
        max_retry_after,
        ..streamtide_platforms::HttpConfig::default()
    }
}

/// `/healthz` of a real API server over `store` (a year's live freshness), as text and as JSON:
/// the text is for assertion messages.
#[allow(dead_code)] // not every test binary that includes this file reads /healthz
pub async fn healthz(store: &streamtide_storage::Store) -> (String, serde_json::Value) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let api = format!("http://{}", listener.local_addr().unwrap());
    let state = streamtide_server::AppState::new(
        store.clone(),
        chrono::Duration::days(365),
        std::sync::Arc::new(streamtide_server::Metrics::new()),
    );
    tokio::spawn(streamtide_server::serve(
        listener,
        state,
        std::future::pending(),
    ));
    let body = reqwest::get(format!("{api}/healthz"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let health = serde_json::from_str(&body).unwrap();
    (body, health)
}
