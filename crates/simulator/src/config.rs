//! The knobs a simulator is started with.

use std::time::Duration;

/// How big the simulated population is and how the servers behave.
#[derive(Debug, Clone, PartialEq)]
pub struct SimConfig {
    /// Everything in the world derives from this; equal seeds give equal worlds.
    pub seed: u64,
    pub chzzk_channels: usize,
    pub soop_channels: usize,
    /// uniform random extra latency per request, None = none
    pub latency: Option<(Duration, Duration)>,
    /// CHZZK polling path versions that answer code 9004 (e.g. vec!["v3.1".into()])
    pub blocked_polling_versions: Vec<String>,
    /// fraction of channels that are adult-rated (SOOP broad_grade 19 / CHZZK adult:true)
    pub adult_fraction: f64,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            seed: 42,
            chzzk_channels: 300,
            soop_channels: 300,
            latency: None,
            blocked_polling_versions: Vec::new(),
            adult_fraction: 0.05,
        }
    }
}
