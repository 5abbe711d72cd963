//! Collector metrics in the Prometheus registry the server exposes at `/metrics`.
//!
//! Labels are bounded (platform, job, outcome, error kind): never a channel id.

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicU64;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct JobLabels {
    pub platform: String,
    pub job: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabels {
    pub platform: String,
    pub job: String,
    pub outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ErrorLabels {
    pub platform: String,
    pub job: String,
    pub kind: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct PlatformLabels {
    pub platform: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RejectionLabels {
    pub platform: String,
    pub reason: String,
}

/// `items_rejected`: the platform parsers' per-item rejections
/// ([`streamtide_platforms::items::rejected_counts`]), read at each scrape. The parsers are pure
/// functions shared by every adapter, so the counts live with them, not in a registry.
#[derive(Debug)]
struct ItemsRejected;

impl Collector for ItemsRejected {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let counts = streamtide_platforms::items::rejected_counts();
        let mut family = encoder.encode_descriptor(
            "items_rejected",
            "List items dropped by the platform parsers (malformed, missing_field, out_of_range) \
             and figures of kept items made unknown (field_out_of_range)",
            None,
            prometheus_client::metrics::MetricType::Counter,
        )?;
        for (platform, reason, n) in counts {
            let labels = RejectionLabels {
                platform: platform.to_string(),
                reason: reason.label().to_string(),
            };
            ConstCounter::new(n).encode(family.encode_family(&labels)?)?;
        }
        Ok(())
    }
}

/// Every counter the collector keeps.
#[derive(Default)]
pub struct CollectorMetrics {
    pub rounds: Family<OutcomeLabels, Counter>,
    pub rows_written: Family<JobLabels, Counter>,
    /// Figures and URLs the store refused as absurd or unsafe (kept as unknown).
    pub values_rejected: Family<JobLabels, Counter>,
    pub errors: Family<ErrorLabels, Counter>,
    pub round_seconds: Family<JobLabels, Gauge<f64, AtomicU64>>,
    pub http_requests: Family<PlatformLabels, Counter>,
    pub http_retries: Family<PlatformLabels, Counter>,
    pub http_throttled: Family<PlatformLabels, Counter>,
    pub http_failures: Family<PlatformLabels, Counter>,
    /// Calls another host or path version answered after the preferred one failed (SOOP's
    /// `.co.kr`/`.com` hosts, CHZZK's retired versions); each switch counts once.
    pub http_fallbacks: Family<PlatformLabels, Counter>,
    /// Batches written to the store directly because the event stream did not take them.
    pub events_fallback: Family<PlatformLabels, Counter>,
    /// Live rounds that got no new list (YouTube between allowances): nothing closed for it.
    pub live_lists_not_fetched: Family<PlatformLabels, Counter>,
    /// Live lists cut short by a failing page: the pages read were kept, nothing closed for it.
    pub live_lists_cut_short: Family<PlatformLabels, Counter>,
    /// Rounds that took longer than their job's interval.
    pub round_overruns: Family<JobLabels, Counter>,
    /// Whole live lists tallied into the market (`/api/v1/market`).
    pub market_rounds: Family<PlatformLabels, Counter>,
    /// Whole live lists whose market could not be written (the round is missing from it).
    pub market_round_failures: Family<PlatformLabels, Counter>,
}

impl CollectorMetrics {
    pub fn register(&self, registry: &mut Registry) {
        let r = registry.sub_registry_with_prefix("streamtide_collector");
        r.register(
            "live_lists_not_fetched",
            "Live rounds without a new list (an allowance spent); no session is closed for them",
            self.live_lists_not_fetched.clone(),
        );
        r.register(
            "live_lists_cut_short",
            "Live lists cut short by a failing page; the pages read are kept and no session is closed for them",
            self.live_lists_cut_short.clone(),
        );
        r.register(
            "market_rounds",
            "Whole live lists tallied per category into the market",
            self.market_rounds.clone(),
        );
        r.register(
            "market_round_failures",
            "Whole live lists whose market could not be written; the round is missing from the market",
            self.market_round_failures.clone(),
        );
        r.register(
            "round_overruns",
            "Rounds that took longer than their job's interval (the next round starts late)",
            self.round_overruns.clone(),
        );
        r.register(
            "rounds",
            "Collection rounds by outcome",
            self.rounds.clone(),
        );
        r.register(
            "rows_written",
            "Observation rows committed",
            self.rows_written.clone(),
        );
        r.register(
            "values_rejected",
            "Platform figures and URLs refused at the store boundary (out of range or unsafe)",
            self.values_rejected.clone(),
        );
        r.register_collector(Box::new(ItemsRejected));
        r.register(
            "errors",
            "Failed platform calls by error kind",
            self.errors.clone(),
        );
        r.register(
            "round_duration_seconds",
            "Wall time of the last round",
            self.round_seconds.clone(),
        );
        r.register(
            "http_requests",
            "HTTP requests sent to platforms",
            self.http_requests.clone(),
        );
        r.register(
            "http_retries",
            "HTTP retries after transient failures",
            self.http_retries.clone(),
        );
        r.register(
            "http_throttled",
            "HTTP 429 answers received",
            self.http_throttled.clone(),
        );
        r.register(
            "http_failures",
            "HTTP requests failed after all retries",
            self.http_failures.clone(),
        );
        r.register(
            "http_fallbacks",
            "Switches to a fallback host or path version after the preferred one failed",
            self.http_fallbacks.clone(),
        );
        r.register(
            "events_fallback",
            "Batches written to the store directly after publishing failed",
            self.events_fallback.clone(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use streamtide_core::Platform;
    use streamtide_platforms::items::{count, Rejection};

    #[test]
    fn parser_rejections_are_exposed_by_platform_and_reason() {
        count(Platform::Soop, Rejection::Malformed, 2);
        let mut registry = Registry::default();
        CollectorMetrics::default().register(&mut registry);
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &registry).unwrap();
        let line = text
            .lines()
            .find(|l| {
                l.starts_with(
                    "streamtide_collector_items_rejected_total{platform=\"soop\",reason=\"malformed\"}",
                )
            })
            .unwrap_or_else(|| panic!("no line in\n{text}"));
        let n: u64 = line.rsplit(' ').next().unwrap().parse().unwrap();
        assert!(n >= 2, "{line}");
    }
}
