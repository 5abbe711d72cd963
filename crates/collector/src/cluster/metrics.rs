//! Cluster metrics: how much work this collector holds and how often it took over.

use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

#[derive(Default, Debug)]
pub struct ClusterMetrics {
    pub leases_held: Gauge,
    pub members: Gauge,
    pub claims: Counter,
    pub takeovers: Counter,
    pub releases: Counter,
    pub heartbeat_failures: Counter,
}

impl ClusterMetrics {
    pub fn register(&self, registry: &mut Registry) {
        let r = registry.sub_registry_with_prefix("streamtide_collector_cluster");
        r.register(
            "leases_held",
            "Work leases this collector holds",
            self.leases_held.clone(),
        );
        r.register(
            "members",
            "Live collectors sharing the work, this one included",
            self.members.clone(),
        );
        r.register("lease_claims", "Leases claimed", self.claims.clone());
        r.register(
            "lease_takeovers",
            "Leases claimed after their previous holder let them expire",
            self.takeovers.clone(),
        );
        r.register(
            "lease_releases",
            "Leases given back to make room for other collectors",
            self.releases.clone(),
        );
        r.register(
            "heartbeat_failures",
            "Heartbeats the store did not accept",
            self.heartbeat_failures.clone(),
        );
    }
}
