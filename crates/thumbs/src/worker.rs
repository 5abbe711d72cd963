//! The background copier: takes the image URLs rounds saw, fetches the ones that are due, and
//! records what became of them. Never blocks a round: the queue drops work when it is full.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::stream::{self, StreamExt};
use streamtide_core::{Clock, Platform};
use streamtide_storage::{Store, StoredThumb, ThumbSource};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::{
    reencode_within, Fetcher, Result, ThumbMetrics, ThumbStore, ThumbsConfig, ThumbsError,
};

/// Batches waiting for the worker; beyond this, new batches are dropped (and counted).
const QUEUE_BATCHES: usize = 16;
/// How often the worker runs the garbage collector.
const GC_EVERY: Duration = Duration::from_secs(3600);

/// What an image is of; decides how often it is fetched again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageKind {
    Live,
    Avatar,
}

/// One image a round saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThumbJob {
    pub kind: ImageKind,
    pub url: String,
    /// Viewers of the broadcast (or followers of the channel): the most-watched go first.
    pub weight: u64,
    /// Whose image it is: the URL must be on one of that platform's image hosts.
    pub platform: Option<Platform>,
}

/// The collector's end of the queue. Cheap to clone.
#[derive(Clone, Debug)]
pub struct ThumbQueue {
    tx: mpsc::Sender<Vec<ThumbJob>>,
    metrics: Arc<ThumbMetrics>,
}

impl ThumbQueue {
    /// Hand over a round's images without waiting. A full queue drops the batch: the next round
    /// offers the same images again.
    pub fn offer(&self, jobs: Vec<ThumbJob>) {
        if jobs.is_empty() {
            return;
        }
        if self.tx.try_send(jobs).is_err() {
            self.metrics.count("dropped");
        }
    }
}

/// What one batch did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchStats {
    pub due: usize,
    pub stored: usize,
    pub failed: usize,
}

/// Downloads, re-encodes and stores images; see the crate documentation.
#[derive(Clone)]
pub struct ThumbWorker {
    db: Store,
    objects: ThumbStore,
    fetcher: Fetcher,
    cfg: ThumbsConfig,
    clock: Arc<dyn Clock>,
    metrics: Arc<ThumbMetrics>,
    /// Decodes at once: the blocking pool's share for pictures stays bounded.
    decoders: Arc<tokio::sync::Semaphore>,
}

impl ThumbWorker {
    pub fn new(
        db: Store,
        objects: ThumbStore,
        cfg: ThumbsConfig,
        clock: Arc<dyn Clock>,
        metrics: Arc<ThumbMetrics>,
    ) -> Result<ThumbWorker> {
        let fetcher = Fetcher::new(&cfg)?;
        let decoders = Arc::new(tokio::sync::Semaphore::new(cfg.decode_threads.max(1)));
        Ok(ThumbWorker {
            db,
            objects,
            fetcher,
            cfg,
            clock,
            metrics,
            decoders,
        })
    }

    /// Start the worker. It stops on `shutdown`, or once every [`ThumbQueue`] clone is dropped
    /// and the queued batches are done.
    pub fn spawn(self, shutdown: CancellationToken) -> (ThumbQueue, JoinHandle<()>) {
        let (tx, rx) = mpsc::channel(QUEUE_BATCHES);
        let queue = ThumbQueue {
            tx,
            metrics: self.metrics.clone(),
        };
        (queue, tokio::spawn(self.run(rx, shutdown)))
    }

    async fn run(self, mut rx: mpsc::Receiver<Vec<ThumbJob>>, shutdown: CancellationToken) {
        let mut gc = tokio::time::interval(GC_EVERY);
        gc.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => break,
                batch = rx.recv() => match batch {
                    Some(jobs) => {
                        // The batch is cut short by shutdown; what it stored so far stays.
                        tokio::select! {
                            _ = shutdown.cancelled() => break,
                            _ = self.process(jobs) => {}
                        }
                    }
                    None => break,
                },
                _ = gc.tick() => {
                    if let Err(e) = crate::collect_garbage(&self.db, &self.objects, self.cfg.keep, self.clock.now(), &self.metrics).await {
                        tracing::warn!(error = %e, store = %self.objects, "Thumbnail garbage collection failed.");
                    }
                }
            }
        }
    }

    /// Fetch what is due among `jobs` (the most-watched first, at most `max_per_round`).
    pub async fn process(&self, jobs: Vec<ThumbJob>) -> BatchStats {
        let now = self.clock.now();
        let mut best: HashMap<String, ThumbJob> = HashMap::new();
        for j in jobs {
            if j.url.trim().is_empty() {
                continue;
            }
            match best.get(&j.url) {
                Some(b) if b.weight >= j.weight => {}
                _ => {
                    best.insert(j.url.clone(), j);
                }
            }
        }
        let mut jobs: Vec<ThumbJob> = best.into_values().collect();
        jobs.sort_by(|a, b| b.weight.cmp(&a.weight).then_with(|| a.url.cmp(&b.url)));
        let urls: Vec<String> = jobs.iter().map(|j| j.url.clone()).collect();
        if let Err(e) = self.db.touch_thumb_sources(&urls, now).await {
            tracing::warn!(error = %e, "Could not mark thumbnails as in use.");
        }
        jobs.truncate(self.cfg.max_per_round);
        let known = match self.db.thumb_sources(&urls).await {
            Ok(k) => k,
            Err(e) => {
                tracing::warn!(error = %e, "Could not read the thumbnail index.");
                return BatchStats::default();
            }
        };
        let due: Vec<ThumbJob> = jobs
            .into_iter()
            .filter(|j| is_due(j, known.get(&j.url), now, &self.cfg))
            .collect();
        let mut stats = BatchStats {
            due: due.len(),
            ..BatchStats::default()
        };
        let results: Vec<bool> = stream::iter(due)
            .map(|job| self.copy_one(job))
            .buffer_unordered(self.cfg.concurrency.max(1))
            .collect()
            .await;
        for ok in results {
            if ok {
                stats.stored += 1;
            } else {
                stats.failed += 1;
            }
        }
        stats
    }

    async fn copy_one(&self, job: ThumbJob) -> bool {
        match self.fetch_and_store(&job.url, job.platform).await {
            Ok(thumb) => {
                let at = self.clock.now();
                match self.db.record_thumb(&job.url, &thumb, at).await {
                    Ok(()) => {
                        self.metrics.count("stored");
                        self.metrics.bytes_stored.inc_by(thumb.bytes);
                        true
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "Could not record a thumbnail.");
                        self.metrics.count("store_failed");
                        false
                    }
                }
            }
            Err(e) => {
                let outcome = match e {
                    ThumbsError::Download(_) => "download_failed",
                    ThumbsError::Refused(_) => "refused",
                    ThumbsError::Decode(_) => "decode_failed",
                    _ => "store_failed",
                };
                self.metrics.count(outcome);
                tracing::debug!(url = %job.url, error = %e, "Thumbnail not copied; the platform's URL stays in use.");
                let msg: String = e.to_string().chars().take(300).collect();
                if let Err(e) = self
                    .db
                    .record_thumb_failure(&job.url, &msg, self.clock.now())
                    .await
                {
                    tracing::warn!(error = %e, "Could not record a thumbnail failure.");
                }
                false
            }
        }
    }

    async fn fetch_and_store(&self, url: &str, platform: Option<Platform>) -> Result<StoredThumb> {
        let raw = self.fetcher.get(url, platform).await?;
        let (width, quality) = (self.cfg.width, self.cfg.quality);
        let max_pixels = self.cfg.max_source_pixels;
        // Decoding and encoding are CPU work: keep them off the async threads, a bounded number
        // at once. The permit travels with the blocking task, so one that outlives its time
        // budget still holds its place until it really ends.
        let permit = self
            .decoders
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| ThumbsError::Decode(format!("decoder pool: {e}")))?;
        let task = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            reencode_within(&raw, width, quality, max_pixels)
        });
        let enc = tokio::time::timeout(self.cfg.decode_timeout, task)
            .await
            .map_err(|_| {
                ThumbsError::Decode(format!("not decoded within {:?}", self.cfg.decode_timeout))
            })?
            .map_err(|e| ThumbsError::Decode(format!("encoder task: {e}")))??;
        let thumb = StoredThumb {
            hash: enc.hash.clone(),
            bytes: enc.webp.len() as u64,
            width: enc.width,
            height: enc.height,
        };
        self.objects.put(&enc.hash, enc.webp).await?;
        Ok(thumb)
    }
}

/// Whether `job` should be fetched now, given what the index says of its URL.
fn is_due(
    job: &ThumbJob,
    known: Option<&ThumbSource>,
    now: DateTime<Utc>,
    cfg: &ThumbsConfig,
) -> bool {
    let Some(src) = known else { return true };
    let refresh = match job.kind {
        ImageKind::Live => cfg.live_refresh,
        ImageKind::Avatar => cfg.avatar_refresh,
    };
    let refresh = chrono::Duration::from_std(refresh).unwrap_or(chrono::Duration::MAX);
    if src.failures > 0 {
        // Back off after failures: 1, 2, 4 … minutes, never longer than the refresh interval.
        let wait = chrono::Duration::minutes(1i64 << src.failures.min(16)).min(refresh);
        return now - src.attempted_at >= wait;
    }
    match src.fetched_at {
        Some(t) => now - t >= refresh,
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(fetched_min_ago: Option<i64>, failures: u32, attempted_min_ago: i64) -> ThumbSource {
        let now = DateTime::<Utc>::UNIX_EPOCH + chrono::Duration::days(1000);
        ThumbSource {
            source_url: "u".into(),
            hash: fetched_min_ago.map(|_| "h".into()),
            attempted_at: now - chrono::Duration::minutes(attempted_min_ago),
            fetched_at: fetched_min_ago.map(|m| now - chrono::Duration::minutes(m)),
            failures,
        }
    }

    #[test]
    fn refresh_and_backoff() {
        let now = DateTime::<Utc>::UNIX_EPOCH + chrono::Duration::days(1000);
        let cfg = ThumbsConfig::default(); // live 10 min, avatar 1 day
        let live = ThumbJob {
            kind: ImageKind::Live,
            url: "u".into(),
            weight: 1,
            platform: None,
        };
        let avatar = ThumbJob {
            kind: ImageKind::Avatar,
            ..live.clone()
        };
        assert!(is_due(&live, None, now, &cfg));
        assert!(!is_due(&live, Some(&src(Some(5), 0, 5)), now, &cfg));
        assert!(is_due(&live, Some(&src(Some(11), 0, 11)), now, &cfg));
        assert!(!is_due(&avatar, Some(&src(Some(11), 0, 11)), now, &cfg));
        // Three failures: wait 8 minutes after the last attempt.
        assert!(!is_due(&live, Some(&src(None, 3, 7)), now, &cfg));
        assert!(is_due(&live, Some(&src(None, 3, 8)), now, &cfg));
        // Many failures: never longer than the refresh interval.
        assert!(is_due(&live, Some(&src(None, 30, 10)), now, &cfg));
    }
}
