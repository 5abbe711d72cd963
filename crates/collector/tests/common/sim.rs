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
