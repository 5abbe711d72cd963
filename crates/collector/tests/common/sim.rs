//! Shared set-up of the collector tests: CHZZK and SOOP pointed at the simulator.

use streamtide_platforms::PlatformsConfig;
use streamtide_simulator::Simulator;

/// CHZZK and SOOP aimed at `sim`, allowed `rps` requests a second, with no fallback to the real
/// SOOP hosts. The CHZZK poll hint is off: simulated time moves minutes per real millisecond, and
/// a real-time hint would answer from stale replies.
pub fn korean_platforms(sim: &Simulator, rps: f64) -> PlatformsConfig {
    let mut p = PlatformsConfig::default();
    p.chzzk.api_base = sim.chzzk_base();
    p.chzzk.requests_per_second = rps;
    p.chzzk.respect_poll_hint = false;
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
        for ch in sim.world().channels(platform).iter().take(n) {
            let info = streamtide_core::ChannelInfo {
                platform,
                channel_id: streamtide_core::ChannelId::new(ch.id.clone()),
                name: ch.name.clone(),
                handle: ch.handle.clone(),
                avatar_url: None,
                description: None,
            };
            store.track_channel(&info, at).await.unwrap();
        }
    }
}
