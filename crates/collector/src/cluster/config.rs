//! `[cluster]`: whether this collector shares the work with others on the same database.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::CollectorConfig;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ClusterConfig {
    /// Share the channels and live lists with every other collector on the same database
    /// through leases in the store. Off: this collector does all the work.
    pub enabled: bool,
    /// This collector's name among the others; empty: `<hostname>-<pid>`.
    pub collector_id: String,
    /// Each platform's roster is split into this many shards (every collector must agree).
    pub shards: u32,
    /// How long a lease stays its holder's without a heartbeat (heartbeats come every third of
    /// it); a dead collector's work moves after at most this plus one heartbeat. 0s: half the
    /// shortest job interval, so takeover happens within one interval.
    #[serde(with = "humantime_serde")]
    pub lease_ttl: Duration,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            enabled: false,
            collector_id: String::new(),
            shards: 32,
            lease_ttl: Duration::ZERO,
        }
    }
}

impl ClusterConfig {
    /// The configured ttl, or half the shortest interval of the jobs that run; never under a
    /// second (leases are stored with whole seconds).
    pub fn effective_ttl(&self, jobs: &CollectorConfig) -> Duration {
        let ttl = if self.lease_ttl.is_zero() {
            let mut shortest = jobs.live_interval.min(jobs.channels_interval);
            if jobs.videos {
                shortest = shortest.min(jobs.videos_interval);
            }
            shortest / 2
        } else {
            self.lease_ttl
        };
        ttl.max(Duration::from_secs(1))
    }

    /// The configured id, or `<hostname>-<pid>`: unique per process on one host, readable in
    /// the lease table.
    pub fn effective_id(&self) -> String {
        let id = self.collector_id.trim();
        if !id.is_empty() {
            return id.to_string();
        }
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .ok()
            .or_else(|| std::env::var("HOSTNAME").ok())
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "collector".into());
        format!("{host}-{}", std::process::id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttl_defaults_to_half_the_shortest_interval() {
        let jobs = CollectorConfig::default();
        let cfg = ClusterConfig::default();
        assert_eq!(cfg.effective_ttl(&jobs), jobs.live_interval / 2);
        let set = ClusterConfig {
            lease_ttl: Duration::from_millis(300),
            ..cfg
        };
        assert_eq!(set.effective_ttl(&jobs), Duration::from_secs(1));
        assert!(ClusterConfig::default()
            .effective_id()
            .ends_with(&std::process::id().to_string()));
    }
}
