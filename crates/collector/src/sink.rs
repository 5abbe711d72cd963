//! The event-stream seam of [`Collector::write`]: publish a batch instead of storing it.
//!
//! Rounds, job health, the roster and thumbnails stay with the store; only the observations go
//! to the stream, where `streamtide ingest` writes them. A batch the stream does not acknowledge
//! is written to the store here instead (counted in `events_fallback`): an outage of the brokers
//! costs nothing but the detour.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use streamtide_core::Platform;
use streamtide_events::{to_events, EventSink};
use streamtide_storage::Batch;

use crate::metrics::PlatformLabels;
use crate::Collector;

impl Collector {
    /// Publish observations to `sink` instead of writing them to the store.
    pub fn with_events(mut self, sink: Option<Arc<dyn EventSink>>) -> Collector {
        self.events = sink;
        self
    }

    /// True when the stream took the batch; false when there is no stream or it failed (the
    /// caller then writes to the store).
    pub(crate) async fn publish(
        &self,
        round: i64,
        platform: Platform,
        at: DateTime<Utc>,
        batch: &Batch,
    ) -> bool {
        let Some(sink) = &self.events else {
            return false;
        };
        let events = to_events(platform, round, at, sink.collector(), batch);
        let n = events.len();
        match sink.publish(events).await {
            Ok(()) => {
                tracing::debug!(platform = %platform, events = n, "Published a batch.");
                true
            }
            Err(e) => {
                self.metrics
                    .events_fallback
                    .get_or_create(&PlatformLabels {
                        platform: platform.to_string(),
                    })
                    .inc();
                tracing::warn!(platform = %platform, events = n, error = %e, "Publishing failed; writing the batch to the store directly.");
                false
            }
        }
    }
}
