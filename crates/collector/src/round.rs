//! One collection round of one job on one platform: fetch, write in batches, record health.
//!
//! A failure of one channel is counted and logged and the round goes on; a failure of the whole
//! round (the live list could not be read at all) is recorded as the job's failure. Nothing here
//! returns an error to the scheduler: the daemon never dies from platform data.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Utc};

use streamtide_core::{
    ChannelId, ChannelObservation, Clock, LiveBroadcast, Platform, VideoObservation,
};
use streamtide_platforms::http::HttpStatsSnapshot;
use streamtide_platforms::{AdapterError, ChannelsOutcome, LiveList, PageSink, PlatformAdapter};
use streamtide_storage::{Batch, Job, Store, WriteStats};
use tokio_util::sync::CancellationToken;

use crate::fanout::fan_out;
use crate::metrics::{ErrorLabels, JobLabels, OutcomeLabels, PlatformLabels};
use crate::{CollectorConfig, CollectorMetrics};

/// What a round did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoundSummary {
    pub platform: Option<Platform>,
    pub job: Option<Job>,
    /// HTTP requests sent (including retries).
    pub requests: u64,
    pub written: WriteStats,
    /// Platform calls that failed.
    pub errors: u64,
    /// Why the round as a whole failed, if it did.
    pub failure: Option<String>,
    /// The first per-channel error of a round that otherwise worked.
    pub first_error: Option<String>,
    /// Stopped early by shutdown.
    pub interrupted: bool,
}

/// Everything a round needs; shared by the scheduler's tasks.
pub struct Collector {
    pub(crate) store: Store,
    pub(crate) adapters: Vec<Arc<dyn PlatformAdapter>>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) cfg: CollectorConfig,
    pub(crate) metrics: Arc<CollectorMetrics>,
    /// Where written batches' images go to be copied; `None`: thumbnails are not copied.
    pub(crate) thumbs: Option<streamtide_thumbs::ThumbQueue>,
    /// Other collectors sharing the work (`[cluster]`); `None`: this one does it all.
    pub(crate) cluster: Option<Arc<crate::Cluster>>,
    /// Set while the cluster heartbeat runs (`run`); one-shot rounds collect everything.
    pub(crate) cluster_active: std::sync::atomic::AtomicBool,
    /// Where batches go instead of the store when an event stream is configured (see `sink`).
    pub(crate) events: Option<Arc<dyn streamtide_events::EventSink>>,
    /// Alert rules applied right after each write (see `with_alerts`).
    pub(crate) alerts: Option<Arc<streamtide_alerts::Engine>>,
}

impl Collector {
    pub fn new(
        store: Store,
        adapters: Vec<Arc<dyn PlatformAdapter>>,
        clock: Arc<dyn Clock>,
        cfg: CollectorConfig,
        metrics: Arc<CollectorMetrics>,
    ) -> Collector {
        Collector {
            store,
            adapters,
            clock,
            cfg,
            metrics,
            thumbs: None,
            cluster: None,
            cluster_active: std::sync::atomic::AtomicBool::new(false),
            events: None,
            alerts: None,
        }
    }

    /// Apply alert rules to every batch this collector writes to the store.
    pub fn with_alerts(mut self, engine: Option<Arc<streamtide_alerts::Engine>>) -> Collector {
        self.alerts = engine;
        self
    }

    /// Hand every written batch's thumbnails and avatars to the copier behind `queue`.
    pub fn with_thumbs(mut self, queue: Option<streamtide_thumbs::ThumbQueue>) -> Collector {
        self.thumbs = queue;
        self
    }

    /// The alert rules' engine, when alerts are configured.
    pub fn alerts(&self) -> Option<&Arc<streamtide_alerts::Engine>> {
        self.alerts.as_ref()
    }

    pub fn config(&self) -> &CollectorConfig {
        &self.cfg
    }

    pub fn adapter(&self, platform: Platform) -> Option<&Arc<dyn PlatformAdapter>> {
        self.adapters.iter().find(|a| a.platform() == platform)
    }

    pub fn platforms(&self) -> Vec<Platform> {
        self.adapters.iter().map(|a| a.platform()).collect()
    }

    /// Run one round of `job` on `platform`. Never fails: problems end up in the summary, the
    /// store's job health and the metrics.
    pub async fn run_round(
        &self,
        platform: Platform,
        job: Job,
        shutdown: &CancellationToken,
    ) -> RoundSummary {
        let mut summary = RoundSummary {
            platform: Some(platform),
            job: Some(job),
            ..RoundSummary::default()
        };
        let Some(adapter) = self.adapter(platform).cloned() else {
            summary.failure = Some(format!("{platform} is not enabled"));
            return summary;
        };
        let started = Instant::now();
        let started_at = self.clock.now();
        let http_before = adapter.http_stats().snapshot();
        let round = match self
            .store
            .start_round(platform, job, self.clock.now())
            .await
        {
            Ok(id) => id,
            Err(e) => {
                summary.failure = Some(format!("store: {e}"));
                tracing::error!(platform = %platform, job = %job, error = %e, "Could not start a round.");
                return summary;
            }
        };
        match job {
            Job::Live => self.live_round(&adapter, round, &mut summary).await,
            Job::Channels => {
                self.channels_round(&adapter, round, &mut summary, shutdown)
                    .await
            }
            Job::Videos => {
                self.videos_round(&adapter, round, &mut summary, shutdown)
                    .await
            }
        }
        let http = adapter.http_stats().snapshot().since(&http_before);
        summary.requests = http.requests;
        self.record_http(platform, &http);
        let error = summary
            .failure
            .as_deref()
            .or(summary.first_error.as_deref());
        if let Err(e) = self
            .store
            .finish_round(
                round,
                self.clock.now(),
                summary.requests,
                summary.errors,
                summary.failure.as_deref(),
                // The adapter's state at the round's end: a route still on its fallback keeps
                // `/healthz` showing the move; back on the first configured one clears it.
                http.on_fallback > 0,
            )
            .await
        {
            tracing::error!(platform = %platform, job = %job, error = %e, "Could not record the round's end.");
        }
        self.judge_duration(platform, job, started_at).await;
        let outcome = match (&summary.failure, summary.errors) {
            (Some(_), _) => "failed",
            (None, 0) => "ok",
            (None, _) => "partial",
        };
        let labels = JobLabels {
            platform: platform.to_string(),
            job: job.to_string(),
        };
        self.metrics
            .rounds
            .get_or_create(&OutcomeLabels {
                platform: platform.to_string(),
                job: job.to_string(),
                outcome: outcome.to_string(),
            })
            .inc();
        self.metrics
            .rows_written
            .get_or_create(&labels)
            .inc_by(summary.written.rows());
        self.metrics
            .values_rejected
            .get_or_create(&labels)
            .inc_by(summary.written.values_rejected);
        self.metrics
            .round_seconds
            .get_or_create(&labels)
            .set(started.elapsed().as_secs_f64());
        match error {
            Some(err) if summary.failure.is_some() => {
                tracing::warn!(platform = %platform, job = %job, error = %err, "Round failed.")
            }
            _ => tracing::info!(
                platform = %platform, job = %job, requests = summary.requests,
                rows = summary.written.rows(), errors = summary.errors,
                ms = started.elapsed().as_millis() as u64, "Round finished."
            ),
        }
        summary
    }

    /// Which broadcasts of this round's live list the store keeps (`live_store_top`): the top
    /// by viewers and every tracked channel's. When the roster cannot be read, all of them: rows
    /// cost less than a tracked channel's lost sample.
    async fn store_filter(&self, platform: Platform) -> StoreFilter {
        let top = self.cfg.live_store_top;
        if top == 0 {
            return StoreFilter::all();
        }
        match self.store.tracked_ids(platform).await {
            Ok(ids) => StoreFilter {
                top,
                rank: 0,
                tracked: Some(ids.into_iter().collect()),
            },
            Err(e) => {
                tracing::warn!(platform = %platform, error = %e, "Could not read the roster; storing the whole live list.");
                StoreFilter::all()
            }
        }
    }

    /// Tally the whole directory per category and keep it as the market's round. It goes to
    /// the store directly, not through the event stream: a few dozen rows a round, whatever the
    /// directory's size. A failure costs the market this round, nothing else, and is counted.
    async fn record_market(&self, platform: Platform, items: &[LiveBroadcast]) {
        let cells = crate::market::tally(items);
        let stands_for = chrono::Duration::from_std(self.interval(Job::Live))
            .unwrap_or_else(|_| chrono::Duration::minutes(2));
        let labels = PlatformLabels {
            platform: platform.to_string(),
        };
        match self
            .store
            .record_market(platform, self.clock.now(), stands_for, &cells)
            .await
        {
            Ok(_) => {
                self.metrics.market_rounds.get_or_create(&labels).inc();
            }
            Err(e) => {
                tracing::warn!(platform = %platform, error = %e, "Could not keep the round's market.");
                self.metrics
                    .market_round_failures
                    .get_or_create(&labels)
                    .inc();
            }
        }
    }

    /// Whether the round that began at `started_at` took longer than the job's interval, on the
    /// collector's clock: counted in the metrics and kept in the job's health (`/healthz`).
    async fn judge_duration(&self, platform: Platform, job: Job, started_at: DateTime<Utc>) {
        let now = self.clock.now();
        let took = (now - started_at).to_std().unwrap_or_default();
        let interval = self.interval(job);
        let overran = took > interval;
        if overran {
            tracing::warn!(platform = %platform, job = %job, seconds = took.as_secs(), interval = interval.as_secs(), "Round took longer than its interval.");
            self.metrics
                .round_overruns
                .get_or_create(&JobLabels {
                    platform: platform.to_string(),
                    job: job.to_string(),
                })
                .inc();
        }
        if let Err(e) = self.store.record_overrun(platform, job, now, overran).await {
            tracing::error!(platform = %platform, job = %job, error = %e, "Could not record the round's duration.");
        }
    }

    fn record_http(&self, platform: Platform, d: &HttpStatsSnapshot) {
        let l = PlatformLabels {
            platform: platform.to_string(),
        };
        self.metrics
            .http_requests
            .get_or_create(&l)
            .inc_by(d.requests);
        self.metrics
            .http_retries
            .get_or_create(&l)
            .inc_by(d.retries);
        self.metrics
            .http_throttled
            .get_or_create(&l)
            .inc_by(d.throttled);
        self.metrics
            .http_failures
            .get_or_create(&l)
            .inc_by(d.failures);
        self.metrics
            .http_fallbacks
            .get_or_create(&l)
            .inc_by(d.fallbacks);
        // A switch either way counts in the metric; only ending on a fallback is a warning.
        if d.fallbacks > 0 && d.on_fallback > 0 {
            tracing::warn!(platform = %platform, switches = d.fallbacks, "The platform answered only on a fallback host or path version; it has moved (see docs/platforms.md).");
        } else if d.fallbacks > 0 {
            // Back on the first configured route, or (CHZZK) a route found at start-up on a
            // later path version, where it first worked: no route is on a fallback.
            tracing::info!(platform = %platform, switches = d.fallbacks, "The platform switched host or path version; every route now answers where it first worked (no fallback).");
        }
    }

    fn count_error(
        &self,
        platform: Platform,
        job: Job,
        err: &AdapterError,
        summary: &mut RoundSummary,
    ) {
        summary.errors += 1;
        if summary.first_error.is_none() {
            summary.first_error = Some(err.to_string());
        }
        self.metrics
            .errors
            .get_or_create(&ErrorLabels {
                platform: platform.to_string(),
                job: job.to_string(),
                kind: err.kind().to_string(),
            })
            .inc();
        // A changed API is a bug to fix; a busy platform is weather.
        match err {
            AdapterError::Schema { .. } => {
                tracing::error!(platform = %platform, job = %job, error = %err, "Platform reply has an unexpected shape.")
            }
            _ => {
                tracing::warn!(platform = %platform, job = %job, error = %err, "Platform call failed.")
            }
        }
    }

    async fn write(
        &self,
        round: i64,
        platform: Platform,
        batch: &Batch,
        summary: &mut RoundSummary,
    ) -> bool {
        let stored = self
            .store_batch(round, platform, self.clock.now(), batch, summary)
            .await;
        if stored {
            self.offer_images(crate::thumbs::thumb_jobs(batch));
        }
        stored
    }

    /// Hand images to the copier, which copies the most watched of each offer up to its budget:
    /// one offer per batch, and one per live round (its pages together).
    fn offer_images(&self, jobs: Vec<streamtide_thumbs::ThumbJob>) {
        if let Some(q) = &self.thumbs {
            q.offer(jobs);
        }
    }

    /// Write a batch observed at `at`, or publish it to the event stream when there is one
    /// (written here if publishing fails); its images are the caller's to offer.
    async fn store_batch(
        &self,
        round: i64,
        platform: Platform,
        at: DateTime<Utc>,
        batch: &Batch,
        summary: &mut RoundSummary,
    ) -> bool {
        // With an event stream, ingest writes the batch; if publishing fails, we write it here.
        if self.publish(round, platform, at, batch).await {
            return true;
        }
        // What the alert rules compare the write against (nothing is read without rules).
        let before = match &self.alerts {
            Some(a) => Some(a.before(platform, batch).await),
            None => None,
        };
        match self.store.write_batch(round, platform, at, batch).await {
            Ok(stats) => {
                summary.written.add(&stats);
                // Daily rollups of what the batch touched; a failure here loses nothing
                // (`streamtide rollup --rebuild` recomputes them from the raw rows).
                if let Err(e) = self.store.update_rollups(platform, at, batch).await {
                    tracing::warn!(platform = %platform, error = %e, "Could not update daily rollups.");
                }
                // Rules right after the write of what they read; they only queue deliveries.
                if let (Some(a), Some(before)) = (&self.alerts, before) {
                    a.after(platform, at, batch, before).await;
                }
                true
            }
            Err(e) => {
                tracing::error!(platform = %platform, error = %e, "Could not write a batch.");
                summary.failure = Some(format!("store: {e}"));
                false
            }
        }
    }

    async fn live_round(
        &self,
        adapter: &Arc<dyn PlatformAdapter>,
        round: i64,
        summary: &mut RoundSummary,
    ) {
        let platform = adapter.platform();
        // Every page is stored under the round's time: one list, one instant, as when a list
        // was written at once (the live board and the sessions read a list by its time).
        let at = self.clock.now();
        let mut keep = self.store_filter(platform).await;
        let (sink, mut pages) = PageSink::channel();
        // Each page is written as it arrives, while the next is fetched: a directory of a
        // hundred pages takes minutes at the polite rate, and what was read is kept whatever
        // happens to the rest. The pages close nothing; only the list's end may.
        let store_pages = async {
            let mut stored = 0u64;
            let mut failed = false;
            let mut images = Vec::new();
            while let Some(page) = pages.recv().await {
                let items = keep.page(page);
                if items.is_empty() || failed {
                    continue;
                }
                let count = items.len() as u64;
                let batch = Batch::LiveList {
                    items,
                    close_after: streamtide_events::regroup::never_close(at),
                };
                if self.store_batch(round, platform, at, &batch, summary).await {
                    stored += count;
                    images.extend(crate::thumbs::thumb_jobs(&batch));
                } else {
                    failed = true;
                }
            }
            (stored, failed, images)
        };
        let (list, (stored, failed, images)) =
            tokio::join!(adapter.live_list_paged(sink), store_pages);
        // The copier's budget is a round's: the list's most watched, whichever page they were on.
        self.offer_images(images);
        match list {
            Ok(LiveList::Fetched(items)) => {
                if adapter.lists_every_live() {
                    self.record_market(platform, &items).await;
                }
                // A list read to its end says what is live now: open sessions it no longer
                // carries are closed once they are older than the grace. Not after a page
                // failed to be stored: its broadcasts would look gone.
                if !failed {
                    let grace = chrono::Duration::from_std(self.cfg.session_grace())
                        .unwrap_or_else(|_| chrono::Duration::minutes(15));
                    let end = Batch::LiveListEnd {
                        close_after: grace,
                        samples: stored,
                    };
                    self.store_batch(round, platform, at, &end, summary).await;
                }
            }
            Ok(LiveList::Partial { error, .. }) => {
                // No market from a list cut short: its totals would be a part taken for the
                // whole. The round is missing from the market instead (an hour's average is over
                // the rounds it has). The pages read are live and stored; the broadcasts on the
                // pages not reached are unknown, so no session is closed for being absent.
                tracing::warn!(platform = %platform, error = %error, kept = stored, "Live list cut short; keeping the pages read, closing nothing.");
                summary.errors += 1;
                summary.first_error.get_or_insert(error);
                self.metrics
                    .live_lists_cut_short
                    .get_or_create(&PlatformLabels {
                        platform: platform.to_string(),
                    })
                    .inc();
            }
            Ok(LiveList::NotFetched { reason }) => {
                // No new list is not an empty list: nothing is written, so no session is closed
                // and no card dropped because of it. The round itself did what it could.
                tracing::info!(platform = %platform, reason = %reason, "No new live list this round; sessions kept as they are.");
                self.metrics
                    .live_lists_not_fetched
                    .get_or_create(&PlatformLabels {
                        platform: platform.to_string(),
                    })
                    .inc();
            }
            Err(e) => {
                self.count_error(platform, Job::Live, &e, summary);
                summary.failure = Some(e.to_string());
            }
        }
    }

    async fn channels_round(
        &self,
        adapter: &Arc<dyn PlatformAdapter>,
        round: i64,
        summary: &mut RoundSummary,
        shutdown: &CancellationToken,
    ) {
        let platform = adapter.platform();
        let ids = match self.roster_ids(platform, Job::Channels, round).await {
            Ok(ids) => ids,
            Err(e) => {
                summary.failure = Some(format!("store: {e}"));
                return;
            }
        };
        let per_call = adapter.batch_size().max(1);
        let per_write = self.cfg.write_batch.max(per_call);
        let mut attempted = 0usize;
        for write_chunk in ids.chunks(per_write) {
            if shutdown.is_cancelled() {
                summary.interrupted = true;
                break;
            }
            let calls: Vec<Vec<ChannelId>> =
                write_chunk.chunks(per_call).map(|c| c.to_vec()).collect();
            attempted += calls.len();
            let results = fan_out(calls, self.cfg.concurrency, {
                let adapter = Arc::clone(adapter);
                move |ids| {
                    let adapter = Arc::clone(&adapter);
                    async move { adapter.channels(&ids).await }
                }
            })
            .await;
            let mut found: Vec<ChannelObservation> = Vec::new();
            let mut missing: Vec<ChannelId> = Vec::new();
            for r in results {
                match r {
                    Ok(ChannelsOutcome {
                        found: f,
                        missing: m,
                    }) => {
                        found.extend(f);
                        missing.extend(m);
                    }
                    Err(e) => self.count_error(platform, Job::Channels, &e, summary),
                }
            }
            if !(found.is_empty() && missing.is_empty()) {
                let batch = Batch::Channels { found, missing };
                if !self.write(round, platform, &batch, summary).await {
                    return;
                }
            }
        }
        if attempted > 0 && summary.errors as usize >= attempted {
            summary.failure = summary.first_error.clone();
        }
    }

    async fn videos_round(
        &self,
        adapter: &Arc<dyn PlatformAdapter>,
        round: i64,
        summary: &mut RoundSummary,
        shutdown: &CancellationToken,
    ) {
        let platform = adapter.platform();
        let ids = match self.roster_ids(platform, Job::Videos, round).await {
            Ok(ids) => ids,
            Err(e) => {
                summary.failure = Some(format!("store: {e}"));
                return;
            }
        };
        let per_write = self.cfg.write_batch.max(1);
        for chunk in ids.chunks(per_write) {
            if shutdown.is_cancelled() {
                summary.interrupted = true;
                break;
            }
            let results = fan_out(chunk.to_vec(), self.cfg.concurrency, {
                let adapter = Arc::clone(adapter);
                move |id| {
                    let adapter = Arc::clone(&adapter);
                    async move { adapter.videos(&id).await }
                }
            })
            .await;
            let mut videos: Vec<VideoObservation> = Vec::new();
            for r in results {
                match r {
                    Ok(v) => videos.extend(v),
                    Err(e) => self.count_error(platform, Job::Videos, &e, summary),
                }
            }
            if !videos.is_empty()
                && !self
                    .write(round, platform, &Batch::Videos { videos }, summary)
                    .await
            {
                return;
            }
        }
        if !ids.is_empty() && summary.errors as usize >= ids.len() {
            summary.failure = summary.first_error.clone();
        }
    }
}

/// The part of a live list, read page by page in the list's order (most watched first), that
/// the store keeps: the first `top` and every tracked channel's; `tracked: None` keeps all.
struct StoreFilter {
    top: usize,
    /// Broadcasts of the list seen so far.
    rank: usize,
    tracked: Option<HashSet<ChannelId>>,
}

impl StoreFilter {
    fn all() -> Self {
        StoreFilter {
            top: 0,
            rank: 0,
            tracked: None,
        }
    }

    /// What the store keeps of the list's next page.
    fn page(&mut self, mut page: Vec<LiveBroadcast>) -> Vec<LiveBroadcast> {
        let Some(tracked) = &self.tracked else {
            return page;
        };
        page.retain(|b| {
            self.rank += 1;
            self.rank <= self.top || tracked.contains(&b.channel_id)
        });
        page
    }
}
