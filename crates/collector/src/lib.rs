//! The collector: schedules jobs per platform, calls the adapters, writes observations.
//!
//! Scheduling, batching, health and metrics live here; adapters only talk to platforms and the
//! store only stores. Time comes from an injected [`streamtide_core::Clock`], so tests can run
//! rounds at any simulated moment.

pub mod cluster;
mod config;
mod fanout;
pub mod import;
pub mod market;
mod metrics;
mod round;
mod scheduler;
mod sink;
mod stored_ledger;
mod thumbs;

pub use cluster::{Cluster, ClusterConfig, ClusterMetrics};
pub use config::CollectorConfig;
pub use metrics::CollectorMetrics;
pub use round::{Collector, RoundSummary};
pub use stored_ledger::StoredLedger;
