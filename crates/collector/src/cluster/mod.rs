//! Several collectors sharing the work through leases in the store (no coordinator of ours).
//!
//! The work is cut into named leases: `live:<platform>` (the top live list) and
//! `channels:<platform>:<shard>` (the roster channels whose [`shard_of`] is that shard; their
//! videos go with them, so one process talks to a platform about a given channel). A heartbeat
//! every third of the lease ttl renews, rebalances and claims them in one store transaction
//! (`Store::lease_heartbeat`); the collector then works only on what it holds.

mod config;
mod hook;
mod metrics;
mod shard;

use std::collections::HashSet;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use streamtide_core::Platform;
use streamtide_storage::{Job, Store};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

pub use config::ClusterConfig;
pub use metrics::ClusterMetrics;
pub use shard::{lease_names, live_lease, roster_lease, shard_of};

use crate::CollectorConfig;

/// A configuration that cannot work.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error("[cluster] shards must be at least 1")]
    NoShards,
}

/// What this collector holds, as of its last successful heartbeat.
#[derive(Debug, Default)]
struct Held {
    names: HashSet<String>,
    /// The leases are ours until then at the latest (heartbeat start + ttl): past it another
    /// collector may have claimed them, so a collector whose heartbeats fail stops working
    /// rather than doubling someone else's work.
    valid_until: Option<Instant>,
}

/// One collector's membership in the cluster.
#[derive(Debug)]
pub struct Cluster {
    id: String,
    shards: u32,
    ttl: Duration,
    metrics: Arc<ClusterMetrics>,
    held: RwLock<Held>,
    /// Woken when a heartbeat gains work, so the job runs now instead of after its interval:
    /// this is what bounds takeover by one interval. Indexed by [`Cluster::wake_slot`].
    wake: Vec<Notify>,
}

impl Cluster {
    pub fn new(
        cfg: &ClusterConfig,
        jobs: &CollectorConfig,
        metrics: Arc<ClusterMetrics>,
    ) -> Result<Cluster, ClusterError> {
        if cfg.shards == 0 {
            return Err(ClusterError::NoShards);
        }
        Ok(Cluster {
            id: cfg.effective_id(),
            shards: cfg.shards,
            ttl: cfg.effective_ttl(jobs),
            metrics,
            held: RwLock::new(Held::default()),
            wake: (0..Platform::ALL.len() * 2)
                .map(|_| Notify::new())
                .collect(),
        })
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    pub fn shards(&self) -> u32 {
        self.shards
    }

    fn wake_slot(platform: Platform, job: Job) -> Option<usize> {
        let p = Platform::ALL.iter().position(|&x| x == platform)?;
        match job {
            Job::Live => Some(p * 2),
            Job::Channels => Some(p * 2 + 1),
            // Videos are not hurried: a 6-hour job re-run at every rebalance would cost more
            // than the hours a new owner may wait for its next videos round.
            Job::Videos => None,
        }
    }

    /// Wait until a heartbeat hands `job` of `platform` new work (forever for videos).
    pub(crate) async fn woken(&self, platform: Platform, job: Job) {
        match Self::wake_slot(platform, job).and_then(|i| self.wake.get(i)) {
            Some(n) => n.notified().await,
            None => std::future::pending().await,
        }
    }

    /// Whether this collector holds `lease` now.
    pub fn holds(&self, lease: &str) -> bool {
        let held = self.held.read().unwrap_or_else(|e| e.into_inner());
        held.valid_until.is_some_and(|t| Instant::now() < t) && held.names.contains(lease)
    }

    /// Whether this collector holds any roster shard of `platform`.
    pub fn holds_any_shard(&self, platform: Platform) -> bool {
        let prefix = format!("channels:{platform}:");
        let held = self.held.read().unwrap_or_else(|e| e.into_inner());
        held.valid_until.is_some_and(|t| Instant::now() < t)
            && held.names.iter().any(|n| n.starts_with(&prefix))
    }

    /// Leases held now, sorted (for logs and tests).
    pub fn held(&self) -> Vec<String> {
        let held = self.held.read().unwrap_or_else(|e| e.into_inner());
        let mut v: Vec<String> = held.names.iter().cloned().collect();
        v.sort();
        v
    }

    /// One heartbeat; `wake` says whether gained work should start its job at once (not on the
    /// first heartbeat: the jobs have not run yet and start with what it claimed).
    pub async fn beat(&self, store: &Store, names: &[String], wake: bool) {
        let started = Instant::now();
        match store
            .lease_heartbeat(&self.id, names, self.ttl, chrono::Utc::now())
            .await
        {
            Ok(hb) => {
                {
                    let mut held = self.held.write().unwrap_or_else(|e| e.into_inner());
                    held.names = hb.held.iter().cloned().collect();
                    held.valid_until = Some(started + self.ttl);
                }
                self.metrics.leases_held.set(hb.held.len() as i64);
                self.metrics.members.set(hb.members as i64);
                self.metrics.claims.inc_by(hb.claimed.len() as u64);
                self.metrics.takeovers.inc_by(hb.taken_over.len() as u64);
                self.metrics.releases.inc_by(hb.released.len() as u64);
                if !hb.claimed.is_empty() || !hb.released.is_empty() {
                    tracing::info!(
                        collector = %self.id, members = hb.members, held = hb.held.len(),
                        claimed = hb.claimed.len(), taken_over = hb.taken_over.len(),
                        released = hb.released.len(), "Cluster work changed hands."
                    );
                }
                if wake {
                    self.wake_for(&hb.claimed);
                }
            }
            Err(e) => {
                self.metrics.heartbeat_failures.inc();
                tracing::warn!(collector = %self.id, error = %e, "Lease heartbeat failed; the leases stay ours until their ttl runs out.");
            }
        }
    }

    fn wake_for(&self, claimed: &[String]) {
        for &platform in &Platform::ALL {
            for job in [Job::Live, Job::Channels] {
                let prefix = match job {
                    Job::Live => live_lease(platform),
                    _ => format!("channels:{platform}:"),
                };
                let gained = claimed.iter().any(|n| n.starts_with(&prefix));
                if let (true, Some(n)) = (
                    gained,
                    Self::wake_slot(platform, job).and_then(|i| self.wake.get(i)),
                ) {
                    // notify_one keeps a permit if the job is mid-round: it runs again right
                    // after, for the shards that round did not include.
                    n.notify_one();
                }
            }
        }
    }

    /// Heartbeat every third of the ttl until `shutdown`.
    pub async fn heartbeat_loop(
        self: Arc<Self>,
        store: Store,
        names: Vec<String>,
        shutdown: CancellationToken,
    ) {
        let period = self.ttl / 3;
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tokio::time::sleep(period) => {}
            }
            self.beat(&store, &names, true).await;
        }
    }

    /// Give everything back (graceful shutdown): the others take over at their next heartbeat.
    pub async fn leave(&self, store: &Store) {
        {
            let mut held = self.held.write().unwrap_or_else(|e| e.into_inner());
            *held = Held::default();
        }
        self.metrics.leases_held.set(0);
        match store.release_all(&self.id).await {
            Ok(n) => {
                tracing::info!(collector = %self.id, released = n, "Left the cluster.")
            }
            Err(e) => {
                tracing::warn!(collector = %self.id, error = %e, "Could not release the leases; they expire after their ttl.")
            }
        }
    }
}
