//! Where the cluster meets the collector: joining and leaving with the schedule, and narrowing
//! each job to the leases held.
//!
//! A collector without a cluster, or one whose heartbeat is not running (`collect --once`),
//! holds everything: behaviour without `[cluster] enabled` is unchanged.

use std::sync::Arc;

use streamtide_core::{ChannelId, Platform};
use streamtide_storage::{Job, StoreError};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::{lease_names, live_lease, roster_lease, shard_of, Cluster};
use crate::Collector;

impl Collector {
    /// Share the work with the other collectors of `cluster` while [`Collector::run`] runs.
    pub fn with_cluster(mut self, cluster: Option<Arc<Cluster>>) -> Collector {
        self.cluster = cluster;
        self
    }

    /// The cluster this collector takes part in while running.
    pub fn cluster(&self) -> Option<&Arc<Cluster>> {
        self.cluster.as_ref()
    }

    /// Join: one heartbeat before any job runs (so the first rounds already know their
    /// share), then the heartbeat task.
    pub(crate) async fn join_cluster(
        &self,
        shutdown: &CancellationToken,
    ) -> Option<JoinHandle<()>> {
        let cluster = Arc::clone(self.cluster.as_ref()?);
        let names = lease_names(&self.platforms(), cluster.shards());
        cluster.beat(&self.store, &names, false).await;
        self.cluster_active
            .store(true, std::sync::atomic::Ordering::Release);
        tracing::info!(
            collector = %cluster.id(), leases = names.len(), held = cluster.held().len(),
            ttl_ms = cluster.ttl().as_millis() as u64, "Joined the collector cluster."
        );
        Some(tokio::spawn(cluster.heartbeat_loop(
            self.store.clone(),
            names,
            shutdown.clone(),
        )))
    }

    /// Leave after the jobs stopped, so no round is still writing what another collector
    /// takes over.
    pub(crate) async fn leave_cluster(&self, heartbeat: Option<JoinHandle<()>>) {
        if let Some(h) = heartbeat {
            let _ = h.await;
        }
        if let Some(c) = self.active_cluster() {
            self.cluster_active
                .store(false, std::sync::atomic::Ordering::Release);
            c.leave(&self.store).await;
        }
    }

    fn active_cluster(&self) -> Option<&Arc<Cluster>> {
        self.cluster.as_ref().filter(|_| {
            self.cluster_active
                .load(std::sync::atomic::Ordering::Acquire)
        })
    }

    /// Whether a round of `job` on `platform` has anything to do here.
    pub(crate) fn has_work(&self, platform: Platform, job: Job) -> bool {
        match (self.active_cluster(), job) {
            (None, _) => true,
            (Some(c), Job::Live) => c.holds(&live_lease(platform)),
            (Some(c), Job::Channels | Job::Videos) => c.holds_any_shard(platform),
        }
    }

    /// Wait until the cluster hands `job` new work; never, outside a cluster.
    pub(crate) async fn work_arrived(&self, platform: Platform, job: Job) {
        match self.active_cluster() {
            Some(c) => c.woken(platform, job).await,
            None => std::future::pending().await,
        }
    }

    /// The tracked channels of `platform` this collector is to collect in round `round`: all
    /// of them, or in a cluster those of the shards it holds.
    pub(crate) async fn roster_ids(
        &self,
        platform: Platform,
        job: Job,
        round: i64,
    ) -> Result<Vec<ChannelId>, StoreError> {
        let ids = self.store.tracked_ids(platform).await?;
        let Some(c) = self.active_cluster() else {
            return Ok(ids);
        };
        let tracked = ids.len();
        let mine: Vec<ChannelId> = ids
            .into_iter()
            .filter(|id| c.holds(&roster_lease(platform, shard_of(platform, id, c.shards()))))
            .collect();
        // The round id ties the snapshots this round writes to this collector (the failover
        // test reads it to prove no channel is collected twice).
        tracing::info!(
            collector = %c.id(), platform = %platform, job = %job, round, channels = mine.len(),
            tracked, "Collecting this collector's share of the roster."
        );
        Ok(mine)
    }
}
