//! The Prometheus registry `/metrics` exposes.
//!
//! Other parts of the process (the collector) register their own metrics into
//! [`Metrics::registry_mut`]. The store-derived gauges (job health, live broadcasts, roster size)
//! are registered here once and refreshed from the database at each scrape, so they are never
//! staler than the scrape itself and no background task has to keep them up to date.

use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use streamtide_core::Platform;
use streamtide_storage::{LiveFilter, Store};

/// `{platform, job}` labels. Channel ids never become labels: their number is unbounded.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobLabels {
    platform: String,
    job: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PlatformLabels {
    platform: String,
}

/// Gauges computed from the store at scrape time.
#[derive(Default)]
struct StoreGauges {
    consecutive_failures: Family<JobLabels, Gauge>,
    last_success: Family<JobLabels, Gauge>,
    live_broadcasts: Family<PlatformLabels, Gauge>,
    tracked_channels: Gauge,
    store_up: Gauge,
    youtube_quota_used: Family<BucketLabels, Gauge>,
    youtube_feed_faults: Gauge,
    youtube_feeds_failing: Gauge,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BucketLabels {
    bucket: String,
}

/// The process's metrics registry.
pub struct Metrics {
    /// Everything `/metrics` exposes. Prefer [`Metrics::registry_mut`], which never panics.
    pub registry: Mutex<Registry>,
    gauges: StoreGauges,
    /// Serialises scrapes: each one clears and refills the store gauges.
    scrape: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// A registry holding the store-derived gauges.
    pub fn new() -> Self {
        let gauges = StoreGauges::default();
        let mut registry = Registry::default();
        registry.register(
            "streamtide_platform_consecutive_failures",
            "Collection rounds of a platform job that failed in a row",
            gauges.consecutive_failures.clone(),
        );
        registry.register(
            "streamtide_platform_last_success_timestamp_seconds",
            "Unix time of a platform job's last successful round",
            gauges.last_success.clone(),
        );
        registry.register(
            "streamtide_live_broadcasts",
            "Broadcasts live now (seen within the freshness window)",
            gauges.live_broadcasts.clone(),
        );
        registry.register(
            "streamtide_tracked_channels",
            "Channels in the roster",
            gauges.tracked_channels.clone(),
        );
        registry.register(
            "streamtide_store_up",
            "1 if the last scrape could read the store, else 0",
            gauges.store_up.clone(),
        );
        registry.register(
            "streamtide_youtube_quota_used",
            "Use of each YouTube quota bucket on the latest Pacific day (main: units; search, batch_get_stats: calls)",
            gauges.youtube_quota_used.clone(),
        );
        registry.register(
            "streamtide_youtube_feed_faults",
            "YouTube channel feed requests that answered no feed on the latest Pacific day",
            gauges.youtube_feed_faults.clone(),
        );
        registry.register(
            "streamtide_youtube_feeds_failing",
            "1 while at least half of the last batch of YouTube channel feeds failed",
            gauges.youtube_feeds_failing.clone(),
        );
        Metrics {
            registry: Mutex::new(registry),
            gauges,
            scrape: tokio::sync::Mutex::new(()),
        }
    }

    /// The registry, to register more metrics into. A poisoned lock is recovered: a registry
    /// has no invariant a panicking registrant could have broken.
    pub fn registry_mut(&self) -> MutexGuard<'_, Registry> {
        self.registry.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The registry in the OpenMetrics text format, as it stands.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        if let Err(e) = prometheus_client::encoding::text::encode(&mut out, &self.registry_mut()) {
            tracing::error!(error = %e, "encoding metrics failed");
        }
        out
    }

    /// Refresh the store gauges, then encode. Live broadcasts count those last seen at or after
    /// `seen_after`. A store failure is logged and reported as `streamtide_store_up 0`, keeping
    /// the rest of the exposition (collector counters) scrapeable.
    pub async fn scrape(&self, store: &Store, seen_after: DateTime<Utc>) -> String {
        let _one_at_a_time = self.scrape.lock().await;
        let up = match self.refresh(store, seen_after).await {
            Ok(()) => 1,
            Err(e) => {
                tracing::error!(error = %e, "metrics: reading the store failed");
                0
            }
        };
        self.gauges.store_up.set(up);
        self.encode()
    }

    async fn refresh(
        &self,
        store: &Store,
        seen_after: DateTime<Utc>,
    ) -> streamtide_storage::Result<()> {
        let statuses = store.job_statuses().await?;
        let counts = store.counts().await?;
        let mut live = Vec::with_capacity(Platform::ALL.len());
        for platform in Platform::ALL {
            let filter = LiveFilter {
                platform: Some(platform),
                seen_after: Some(seen_after),
                limit: 0,
                ..Default::default()
            };
            live.push((platform, store.live_now(&filter).await?.1));
        }

        // Clear first so a job or platform that disappeared does not linger with an old value.
        let g = &self.gauges;
        g.consecutive_failures.clear();
        g.last_success.clear();
        for s in statuses {
            let labels = JobLabels {
                platform: s.platform.as_str().to_string(),
                job: s.job,
            };
            g.consecutive_failures
                .get_or_create(&labels)
                .set(saturating_i64(s.consecutive_failures));
            // No series for a job that never succeeded: 0 would read as "1970".
            if let Some(at) = s.last_success_at {
                g.last_success.get_or_create(&labels).set(at.timestamp());
            }
        }
        g.live_broadcasts.clear();
        for (platform, n) in live {
            g.live_broadcasts
                .get_or_create(&PlatformLabels {
                    platform: platform.as_str().to_string(),
                })
                .set(saturating_i64(n));
        }
        g.tracked_channels
            .set(saturating_i64(counts.tracked_channels));
        g.youtube_quota_used.clear();
        let latest = Utc::now().date_naive().succ_opt().unwrap_or_default();
        if let Some(q) = store.load_quota(Platform::Youtube, latest).await? {
            for (bucket, used) in [
                ("main", q.units_used),
                ("search", q.search_calls_used),
                ("batch_get_stats", q.stats_calls_used),
            ] {
                g.youtube_quota_used
                    .get_or_create(&BucketLabels {
                        bucket: bucket.to_string(),
                    })
                    .set(saturating_i64(used));
            }
            g.youtube_feed_faults.set(saturating_i64(q.feed_faults));
            let failing = match (q.feed_last_fault_at, q.feed_last_ok_at) {
                (Some(f), Some(o)) => f > o,
                (Some(_), None) => true,
                _ => false,
            };
            g.youtube_feeds_failing.set(i64::from(failing));
        }
        Ok(())
    }
}

fn saturating_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
