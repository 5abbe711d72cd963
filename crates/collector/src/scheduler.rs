//! The daemon's schedule: one task per platform and job, each looping round → jittered sleep.
//!
//! Tasks are independent, so a platform that fails or hangs delays nobody else. Shutdown is a
//! `CancellationToken`: sleeping tasks stop at once, a running round stops at its next batch
//! boundary after committing the batch in hand, so nothing is half-written.

use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use streamtide_core::Platform;
use streamtide_storage::Job;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::{Collector, RoundSummary};

impl Collector {
    /// The jobs this configuration runs.
    pub fn jobs(&self) -> Vec<Job> {
        let mut jobs = vec![Job::Live, Job::Channels];
        if self.cfg.videos {
            jobs.push(Job::Videos);
        }
        jobs
    }

    pub(crate) fn interval(&self, job: Job) -> Duration {
        match job {
            Job::Live => self.cfg.live_interval,
            Job::Channels => self.cfg.channels_interval,
            Job::Videos => self.cfg.videos_interval,
        }
    }

    fn jittered(&self, base: Duration) -> Duration {
        let j = self.cfg.jitter.clamp(0.0, 0.9);
        if j == 0.0 {
            return base;
        }
        base.mul_f64(rand::rng().random_range(1.0 - j..=1.0 + j))
    }

    /// Sleep `d` by the collector's clock: the runtime's timer for the wall clock, the clock's own
    /// wait for one that moves only when told (a test running the schedule through simulated days).
    async fn sleep(&self, d: Duration) {
        let wait = chrono::Duration::from_std(d)
            .ok()
            .and_then(|d| self.clock.now().checked_add_signed(d))
            .and_then(|deadline| self.clock.wait_until(deadline));
        match wait {
            Some(wait) => wait.await,
            None => tokio::time::sleep(d).await,
        }
    }

    /// One round of every job on every selected platform, platforms in parallel.
    pub async fn collect_once(
        self: &Arc<Self>,
        only: Option<Platform>,
        jobs: &[Job],
    ) -> Vec<RoundSummary> {
        let mut set = JoinSet::new();
        for platform in self.platforms() {
            if only.is_some_and(|p| p != platform) {
                continue;
            }
            let me = Arc::clone(self);
            let jobs = jobs.to_vec();
            set.spawn(async move {
                let never = CancellationToken::new();
                let mut out = Vec::new();
                for job in jobs {
                    out.push(me.run_round(platform, job, &never).await);
                }
                out
            });
        }
        let mut all = Vec::new();
        while let Some(r) = set.join_next().await {
            if let Ok(v) = r {
                all.extend(v);
            }
        }
        all.sort_by_key(|s| (s.platform, s.job.map(|j| j.as_str())));
        all
    }

    /// Run the schedule until `shutdown` is cancelled.
    pub async fn run(self: Arc<Self>, shutdown: CancellationToken) {
        let heartbeat = self.join_cluster(&shutdown).await;
        let mut set = JoinSet::new();
        for platform in self.platforms() {
            for job in self.jobs() {
                let me = Arc::clone(&self);
                let token = shutdown.clone();
                set.spawn(async move { me.job_loop(platform, job, token).await });
            }
        }
        while set.join_next().await.is_some() {}
        self.leave_cluster(heartbeat).await;
        tracing::info!("Collector stopped.");
    }

    async fn job_loop(&self, platform: Platform, job: Job, shutdown: CancellationToken) {
        // Live lists first; roster jobs start a little later so the first requests of a fresh
        // daemon are not all at once.
        let first_delay = match job {
            Job::Live => Duration::ZERO,
            Job::Channels => Duration::from_secs(2),
            Job::Videos => Duration::from_secs(10),
        };
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = self.sleep(first_delay) => {}
        }
        loop {
            // In a cluster, a job whose leases are all elsewhere records no empty round.
            if self.has_work(platform, job) {
                self.run_round(platform, job, &shutdown).await;
            }
            let wait = self.jittered(self.interval(job));
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = self.sleep(wait) => {}
                _ = self.work_arrived(platform, job) => {}
            }
        }
    }
}
