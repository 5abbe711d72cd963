//! Thumbnail copier metrics in the registry `/metrics` exposes.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabels {
    /// `stored`, `download_failed`, `decode_failed`, `store_failed`, `dropped` (queue full).
    pub outcome: String,
}

/// Counters of the copier and the garbage collector.
#[derive(Default, Debug)]
pub struct ThumbMetrics {
    pub images: Family<OutcomeLabels, Counter>,
    pub bytes_stored: Counter,
    pub gc_deleted: Counter,
    pub objects: Gauge,
}

impl ThumbMetrics {
    pub fn register(&self, registry: &mut Registry) {
        let r = registry.sub_registry_with_prefix("streamtide_thumbnails");
        r.register(
            "images",
            "Images handled by the thumbnail copier, by outcome",
            self.images.clone(),
        );
        r.register(
            "bytes_stored",
            "Bytes of WebP copies written to the object store",
            self.bytes_stored.clone(),
        );
        r.register(
            "gc_deleted",
            "Copies deleted by the garbage collector",
            self.gc_deleted.clone(),
        );
        r.register(
            "objects",
            "Copies in the index after the last garbage collection",
            self.objects.clone(),
        );
    }

    pub(crate) fn count(&self, outcome: &str) {
        self.images
            .get_or_create(&OutcomeLabels {
                outcome: outcome.to_string(),
            })
            .inc();
    }
}
