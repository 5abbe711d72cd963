//! The YouTube quota ledger, persisted in the store so a restart does not forget what the day has
//! already cost.
//!
//! Spending decisions stay in memory (they are on the request path and must be synchronous); each
//! change publishes the day's snapshot to a background task that writes it. A crash can lose the
//! last few units of a day, never more than were spent in the last moments before it.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use streamtide_core::Platform;
use streamtide_platforms::youtube::quota::pacific_day;
use streamtide_platforms::youtube::{
    Bucket, Endpoint, InMemoryLedger, QuotaLedger, QuotaRefusal, QuotaSnapshot,
};
use streamtide_platforms::YoutubeConfig;
use streamtide_storage::{QuotaDay, Store, StoreError};
use tokio::sync::watch;

/// An in-memory ledger written through to the store.
pub struct StoredLedger {
    inner: InMemoryLedger,
    changes: watch::Sender<Option<(QuotaSnapshot, DateTime<Utc>)>>,
}

impl StoredLedger {
    /// Load today's spending (Pacific day of `now`) and start writing changes to `store`.
    pub async fn open(
        store: Store,
        cfg: &YoutubeConfig,
        now: DateTime<Utc>,
    ) -> Result<Arc<StoredLedger>, StoreError> {
        let inner = InMemoryLedger::from_config(cfg);
        if let Some(saved) = store
            .load_quota(Platform::Youtube, pacific_day(now))
            .await?
        {
            inner.restore(QuotaSnapshot {
                day: saved.day,
                units_used: saved.units_used,
                search_calls_used: saved.search_calls_used,
                stats_calls_used: saved.stats_calls_used,
                blocked_until: saved.blocked_until,
                feed_faults: saved.feed_faults,
                feed_last_fault: saved.feed_last_fault,
                feed_last_fault_at: saved.feed_last_fault_at,
                feed_last_ok_at: saved.feed_last_ok_at,
            });
        }
        let (changes, mut rx) = watch::channel::<Option<(QuotaSnapshot, DateTime<Utc>)>>(None);
        tokio::spawn(async move {
            // `watch` keeps only the latest snapshot: a burst of calls costs one write.
            while rx.changed().await.is_ok() {
                let Some((s, at)) = rx.borrow_and_update().clone() else {
                    continue;
                };
                let day = QuotaDay {
                    day: s.day,
                    units_used: s.units_used,
                    search_calls_used: s.search_calls_used,
                    stats_calls_used: s.stats_calls_used,
                    blocked_until: s.blocked_until,
                    feed_faults: s.feed_faults,
                    feed_last_fault: s.feed_last_fault,
                    feed_last_fault_at: s.feed_last_fault_at,
                    feed_last_ok_at: s.feed_last_ok_at,
                };
                if let Err(e) = store.save_quota(Platform::Youtube, &day, at).await {
                    tracing::warn!(platform = "youtube", error = %e, "Could not save the quota ledger.");
                }
            }
        });
        Ok(Arc::new(StoredLedger { inner, changes }))
    }

    fn publish(&self, now: DateTime<Utc>) {
        // Stamped with the caller's `now` (the collector's clock), not the wall clock.
        let _ = self.changes.send(Some((self.inner.snapshot(now), now)));
    }
}

impl QuotaLedger for StoredLedger {
    fn try_spend(&self, endpoint: Endpoint, now: DateTime<Utc>) -> Result<(), QuotaRefusal> {
        self.inner.try_spend(endpoint, now)?;
        self.publish(now);
        Ok(())
    }

    fn mark_exhausted(&self, now: DateTime<Utc>) {
        self.inner.mark_exhausted(now);
        self.publish(now);
    }

    fn snapshot(&self, now: DateTime<Utc>) -> QuotaSnapshot {
        self.inner.snapshot(now)
    }

    fn record_feeds(&self, ok: u64, faults: u64, last_fault: Option<&str>, now: DateTime<Utc>) {
        self.inner.record_feeds(ok, faults, last_fault, now);
        self.publish(now);
    }

    fn allowance(&self, bucket: Bucket) -> u64 {
        self.inner.allowance(bucket)
    }
}
