//! Event stream metrics, registered in the process's Prometheus registry (`/metrics`).
//!
//! Labels are bounded: the event kind, never a channel.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct KindLabels {
    pub kind: String,
}

/// Counters of both sides; each process fills the half it runs.
#[derive(Default)]
pub struct EventMetrics {
    /// Events the brokers acknowledged.
    pub published: Family<KindLabels, Counter>,
    /// Events not acknowledged (their batch went to the store directly).
    pub publish_failures: Counter,
    /// Events ingest read, including redeliveries.
    pub consumed: Family<KindLabels, Counter>,
    /// Observation rows ingest committed that were new.
    pub rows_written: Counter,
    /// Messages ingest skipped because they were not events it can apply.
    pub skipped: Counter,
    /// Offset commits that failed (the events will be redelivered; writes are idempotent).
    pub commit_failures: Counter,
    /// Messages behind the end of the partitions this worker owns, at the last check.
    pub lag: Gauge,
}

impl EventMetrics {
    pub fn register(&self, registry: &mut Registry) {
        let r = registry.sub_registry_with_prefix("streamtide_events");
        r.register(
            "published",
            "Events acknowledged by the brokers",
            self.published.clone(),
        );
        r.register(
            "publish_failures",
            "Events the brokers did not acknowledge",
            self.publish_failures.clone(),
        );
        r.register(
            "consumed",
            "Events read by ingest, redeliveries included",
            self.consumed.clone(),
        );
        r.register(
            "rows_written",
            "New observation rows committed by ingest",
            self.rows_written.clone(),
        );
        r.register(
            "skipped",
            "Messages ingest could not read as events",
            self.skipped.clone(),
        );
        r.register(
            "commit_failures",
            "Failed offset commits",
            self.commit_failures.clone(),
        );
        r.register(
            "consumer_lag",
            "Messages not yet consumed on this worker's partitions",
            self.lag.clone(),
        );
    }

    pub(crate) fn kind(kind: &str) -> KindLabels {
        KindLabels { kind: kind.into() }
    }
}
