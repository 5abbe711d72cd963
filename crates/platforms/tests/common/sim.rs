//! Shared set-up of the adapter-over-HTTP tests: the simulator on a manual clock at a Korean
//! prime-time hour, and a client that retries quickly so fault tests stay short.

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use streamtide_core::ManualClock;
use streamtide_platforms::HttpConfig;
use streamtide_simulator::{SimConfig, Simulator};

/// 21:00 KST on a weekday: plenty of channels live.
pub async fn sim(cfg: SimConfig) -> (Simulator, ManualClock) {
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 4, 12, 0, 0).unwrap());
    let sim = Simulator::start(cfg, Arc::new(clock.clone()))
        .await
        .unwrap();
    (sim, clock)
}

/// A client with millisecond backoff, `max_retries` retries and a short `Retry-After` ceiling.
pub fn quick_http(timeout: Duration, max_retries: u32, max_retry_after: Duration) -> HttpConfig {
    HttpConfig {
        timeout,
        max_retries,
        backoff_base: Duration::from_millis(5),
        backoff_max: Duration::from_millis(20),
        max_retry_after,
        ..HttpConfig::default()
    }
}
