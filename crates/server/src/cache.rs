//! Short-lived caches of computed answers ("micro-caching").
//!
//! What the API reads changes only when a collection round lands (every 30 s to a few minutes),
//! but `/live` would otherwise read and curate up to thousands of rows per request and `/trends`
//! rank every channel's rollups. For a second or so one computed result serves every request:
//! [`CachedValue`] holds one (the curated live list, whatever the filters and page; concurrent
//! misses compute once), [`KeyedCache`] one per distinct query (rankings).

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

/// One computed value and when it was computed.
#[derive(Debug)]
pub struct CachedValue<T> {
    ttl: Duration,
    slot: RwLock<Option<(Instant, Arc<T>)>>,
    /// Held while computing, so one miss computes and the others reuse its result.
    computing: tokio::sync::Mutex<()>,
}

impl<T> Default for CachedValue<T> {
    fn default() -> Self {
        CachedValue::new(Duration::ZERO)
    }
}

impl<T> CachedValue<T> {
    /// `ttl` zero turns caching off (every request computes).
    pub fn new(ttl: Duration) -> CachedValue<T> {
        CachedValue {
            ttl,
            slot: RwLock::new(None),
            computing: tokio::sync::Mutex::new(()),
        }
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    fn fresh(&self) -> Option<Arc<T>> {
        let slot = self.slot.read().unwrap_or_else(|e| e.into_inner());
        slot.as_ref()
            .filter(|(at, _)| at.elapsed() < self.ttl)
            .map(|(_, items)| items.clone())
    }

    /// The cached list if fresh, else the result of `compute` (cached when it succeeds).
    pub async fn get_or_compute<E, F, Fut>(&self, compute: F) -> Result<Arc<T>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        if self.ttl.is_zero() {
            return compute().await.map(Arc::new);
        }
        if let Some(items) = self.fresh() {
            return Ok(items);
        }
        let _computing = self.computing.lock().await;
        if let Some(items) = self.fresh() {
            return Ok(items);
        }
        let items = Arc::new(compute().await?);
        *self.slot.write().unwrap_or_else(|e| e.into_inner()) =
            Some((Instant::now(), items.clone()));
        Ok(items)
    }
}

/// The per-query answer caches of the API (the live list's is in the live route's curation).
#[derive(Debug)]
pub struct AnswerCaches {
    /// `/trends` rankings by normalised query.
    pub trends: KeyedCache<crate::routes::trends::TrendsAnswer>,
    /// Every creator with their follower changes (`/creators` filters, sorts and pages it).
    pub creators: CachedValue<Vec<crate::creator_overview::CreatorSummary>>,
}

impl AnswerCaches {
    pub fn new(trends_ttl: Duration) -> AnswerCaches {
        AnswerCaches {
            trends: KeyedCache::new(trends_ttl),
            creators: CachedValue::new(trends_ttl),
        }
    }
}

impl Default for AnswerCaches {
    /// Caching off.
    fn default() -> Self {
        AnswerCaches::new(Duration::ZERO)
    }
}

/// How many distinct queries a [`KeyedCache`] remembers; past that it starts afresh.
const MAX_KEYS: usize = 512;

/// One computed value per key (e.g. a normalised query), each for `ttl`.
#[derive(Debug)]
pub struct KeyedCache<T> {
    ttl: Duration,
    entries: Mutex<HashMap<String, (Instant, Arc<T>)>>,
}

impl<T> KeyedCache<T> {
    /// `ttl` zero turns caching off.
    pub fn new(ttl: Duration) -> KeyedCache<T> {
        KeyedCache {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The cached value of `key` if fresh, else the result of `compute` (cached on success).
    /// Concurrent misses of one key may compute twice; the answers are equal.
    pub async fn get_or_compute<E, F, Fut>(&self, key: String, compute: F) -> Result<Arc<T>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        if self.ttl.is_zero() {
            return compute().await.map(Arc::new);
        }
        {
            let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((at, v)) = entries.get(&key) {
                if at.elapsed() < self.ttl {
                    return Ok(v.clone());
                }
            }
        }
        let v = Arc::new(compute().await?);
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_KEYS {
            entries.retain(|_, (at, _)| at.elapsed() < self.ttl);
            if entries.len() >= MAX_KEYS {
                entries.clear();
            }
        }
        entries.insert(key, (Instant::now(), v.clone()));
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    async fn get(cache: &CachedValue<Vec<u8>>, calls: &AtomicUsize) -> usize {
        cache
            .get_or_compute(|| async {
                calls.fetch_add(1, Ordering::SeqCst);
                Ok::<_, ()>(Vec::new())
            })
            .await
            .unwrap();
        calls.load(Ordering::SeqCst)
    }

    #[tokio::test]
    async fn computes_once_per_ttl_and_not_at_all_when_off() {
        let calls = AtomicUsize::new(0);
        let cache = CachedValue::new(Duration::from_millis(200));
        assert_eq!(get(&cache, &calls).await, 1);
        assert_eq!(get(&cache, &calls).await, 1, "served from the cache");
        tokio::time::sleep(Duration::from_millis(250)).await;
        assert_eq!(get(&cache, &calls).await, 2, "expired, computed again");

        let off = CachedValue::new(Duration::ZERO);
        let calls = AtomicUsize::new(0);
        get(&off, &calls).await;
        assert_eq!(get(&off, &calls).await, 2);
    }

    #[tokio::test]
    async fn concurrent_misses_compute_once_and_errors_are_not_cached() {
        let cache = Arc::new(CachedValue::new(Duration::from_secs(60)));
        let calls = Arc::new(AtomicUsize::new(0));
        let failed: Result<_, &str> = cache
            .get_or_compute(|| async { Err::<Vec<u8>, _>("db down") })
            .await;
        assert!(failed.is_err());
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                let (cache, calls) = (cache.clone(), calls.clone());
                tokio::spawn(async move {
                    cache
                        .get_or_compute(|| async {
                            calls.fetch_add(1, Ordering::SeqCst);
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            Ok::<_, ()>(Vec::<u8>::new())
                        })
                        .await
                        .unwrap()
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn keyed_entries_are_separate_and_expire() {
        let cache = KeyedCache::new(Duration::from_millis(200));
        let calls = AtomicUsize::new(0);
        let count = || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Ok::<_, ()>(1u8)
        };
        cache.get_or_compute("a".into(), count).await.unwrap();
        cache.get_or_compute("a".into(), count).await.unwrap();
        cache.get_or_compute("b".into(), count).await.unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        tokio::time::sleep(Duration::from_millis(250)).await;
        cache.get_or_compute("a".into(), count).await.unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }
}
