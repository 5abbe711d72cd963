//! The scheduled digests (`[alerts.reports]`): every minute, on the engine's clock, check whether
//! the daily or the weekly digest is due and queue it once per period and destination.
//!
//! Once-only comes from the delivery log's unique key (rule `report:daily` or `report:weekly`,
//! the destination, event key `report:daily:{local date}`): a restart or a second collector
//! queues nothing again. A digest is still queued late when the process was down at its time,
//! as long as it is within [`CATCH_UP`] of it or the same local day; an older one is skipped
//! (yesterday's digest the next morning is noise).
//!
//! The weekly digest's workbook is built by the caller's [`WorkbookSource`] (the binary's
//! `streamtide report`, which this crate cannot depend on), written under a data directory, and
//! attached to e-mail by the worker when it sends.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration as StdDuration;

use async_trait::async_trait;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;
use streamtide_storage::NewDelivery;
use tokio::sync::Mutex;
use tokio_util::sync::CancellationToken;

use crate::digest::{gather, render_digest, Period};
use crate::engine::Engine;
use crate::schedule::{is_weekday, last_due, parse_time, parse_weekday};

/// How often the schedule is looked at.
const CHECK_EVERY: StdDuration = StdDuration::from_secs(60);

/// A digest due longer ago than this, and on an earlier local day, is skipped.
pub const CATCH_UP: Duration = Duration::hours(6);

/// Weekly workbooks older than this are removed when a new one is written.
const KEEP_WORKBOOKS: Duration = Duration::weeks(8);

/// An error of the caller's workbook builder.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Builds the workbook attached to the weekly digest: `.xlsx` bytes of the `days` days ending
/// on `last_day`, made at `at`.
#[async_trait]
pub trait WorkbookSource: Send + Sync {
    async fn workbook(
        &self,
        days: u32,
        last_day: NaiveDate,
        at: DateTime<Utc>,
    ) -> Result<Vec<u8>, BoxError>;
}

/// What can go wrong making a digest.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("[alerts.reports] {0}")]
    Config(String),
    #[error("reading the store: {0}")]
    Store(#[from] streamtide_storage::StoreError),
    #[error("encoding the digest: {0}")]
    Encode(#[from] serde_json::Error),
    #[error("building the workbook: {0}")]
    Workbook(BoxError),
    #[error("writing the workbook {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The digests' schedule over an engine's store, clock and configuration.
pub struct Reports {
    engine: Arc<Engine>,
    workbook: Option<Arc<dyn WorkbookSource>>,
    dir: PathBuf,
    tz: Tz,
    time: NaiveTime,
    weekday: Weekday,
    /// Event keys this process has seen queued for every destination: not looked up again.
    done: Mutex<HashSet<String>>,
}

impl Reports {
    /// `dir` is where weekly workbooks are written (created when needed).
    pub fn new(
        engine: Arc<Engine>,
        workbook: Option<Arc<dyn WorkbookSource>>,
        dir: impl Into<PathBuf>,
    ) -> Result<Reports, ReportError> {
        let cfg = &engine.config().reports;
        let time = parse_time(&cfg.time)
            .ok_or_else(|| ReportError::Config(format!("time `{}` is not HH:MM", cfg.time)))?;
        let tz: Tz = cfg.timezone.parse().map_err(|_| {
            ReportError::Config(format!("timezone `{}` is not an IANA name", cfg.timezone))
        })?;
        let weekday = parse_weekday(&cfg.weekday).ok_or_else(|| {
            ReportError::Config(format!("weekday `{}` is not mon … sun", cfg.weekday))
        })?;
        Ok(Reports {
            engine,
            workbook,
            dir: dir.into(),
            tz,
            time,
            weekday,
            done: Mutex::new(HashSet::new()),
        })
    }

    /// Whether any digest has a destination.
    pub fn is_active(&self) -> bool {
        let r = &self.engine.config().reports;
        !(r.daily.is_empty() && r.weekly.is_empty())
    }

    /// Check the schedule until `shutdown`, once a minute on the engine's clock.
    pub async fn run(self, shutdown: CancellationToken) {
        if !self.is_active() {
            return;
        }
        loop {
            self.tick().await;
            let clock = Arc::clone(self.engine.clock());
            let next =
                clock.now() + Duration::from_std(CHECK_EVERY).unwrap_or(Duration::minutes(1));
            let wait = async move {
                match clock.wait_until(next) {
                    Some(w) => w.await,
                    None => tokio::time::sleep(CHECK_EVERY).await,
                }
            };
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = wait => {}
            }
        }
    }

    /// Queue the digests due now that are not queued yet; how many deliveries were queued.
    /// Problems are logged and tried again at the next check.
    pub async fn tick(&self) -> usize {
        let now = self.engine.clock().now();
        let cfg = Arc::clone(self.engine.config());
        let mut queued = 0;
        for (period, dests) in [
            (Period::Daily, &cfg.reports.daily),
            (Period::Weekly, &cfg.reports.weekly),
        ] {
            if dests.is_empty() {
                continue;
            }
            let Some((day, due_at)) = self.due(period, now) else {
                continue;
            };
            match self.queue(period, day, due_at, now, dests).await {
                Ok(n) => queued += n,
                Err(e) => {
                    tracing::warn!(report = period.rule(), day = %day, error = %e, "Could not make a scheduled report; will try again in a minute.")
                }
            }
        }
        if queued > 0 {
            self.engine.wake().notify_one();
        }
        queued
    }

    /// The local date and instant of the digest due at `now`, if it is still worth sending.
    pub fn due(&self, period: Period, now: DateTime<Utc>) -> Option<(NaiveDate, DateTime<Utc>)> {
        let (day, at) = match period {
            Period::Daily => last_due(now, self.tz, self.time, |_| true),
            Period::Weekly => last_due(now, self.tz, self.time, |d| is_weekday(d, self.weekday)),
        }?;
        let today = now.with_timezone(&self.tz).date_naive();
        (now - at <= CATCH_UP || day == today).then_some((day, at))
    }

    /// Queue the digest due on `day` to each destination that does not have it yet.
    async fn queue(
        &self,
        period: Period,
        day: NaiveDate,
        due_at: DateTime<Utc>,
        now: DateTime<Utc>,
        dests: &[String],
    ) -> Result<usize, ReportError> {
        let key = period.event_key(day);
        if self.done.lock().await.contains(&key) {
            return Ok(0);
        }
        let store = self.engine.store();
        // Most checks find the digest queued already (by this process before a restart, or by
        // another collector): look before computing anything.
        let queued: HashSet<String> = store
            .deliveries(None, Some(period.rule()), 500)
            .await?
            .into_iter()
            .filter(|d| d.event_key == key)
            .map(|d| d.destination)
            .collect();
        let missing: Vec<&String> = dests.iter().filter(|d| !queued.contains(*d)).collect();
        if missing.is_empty() {
            self.done.lock().await.insert(key);
            return Ok(0);
        }
        // The period ends on the last whole day (in the rollups' time zone) before the digest
        // was due: a digest at 09:00 reports yesterday, not today's first nine hours.
        let rollup_tz = store.analytics_timezone().await?;
        let last_day = due_at.with_timezone(&rollup_tz).date_naive() - Duration::days(1);
        let content = gather(store, period, last_day).await?;
        let attachment = match period {
            Period::Weekly => self.write_workbook(day, last_day, now).await,
            Period::Daily => None,
        };
        let cfg = self.engine.config();
        let url = (!cfg.public_url.is_empty())
            .then(|| format!("{}/#/rankings", cfg.public_url.trim_end_matches('/')));
        let digest = render_digest(&content, url, attachment);
        let payload = serde_json::to_string(&digest)?;
        let title = match cfg.language {
            crate::config::Language::Ko => &digest.ko.title,
            crate::config::Language::En => &digest.en.title,
        };
        let mut n = 0;
        for dest in missing {
            let d = NewDelivery {
                rule: period.rule(),
                destination: dest,
                event_key: &key,
                kind: "digest",
                platform: None,
                channel_id: None,
                title,
                payload: &payload,
            };
            if store.queue_delivery(&d, now).await? {
                n += 1;
                tracing::info!(report = period.rule(), destination = %dest, title = %title, "Scheduled report queued.");
            }
        }
        self.done.lock().await.insert(key);
        Ok(n)
    }

    /// Build and write the week's workbook; its path, or `None` (logged) when there is no
    /// builder or it failed: the digest then goes out without an attachment.
    async fn write_workbook(
        &self,
        day: NaiveDate,
        last_day: NaiveDate,
        now: DateTime<Utc>,
    ) -> Option<String> {
        let source = self.workbook.as_ref()?;
        let path = self.dir.join(format!("streamtide-weekly-{day}.xlsx"));
        let written = async {
            let bytes = source
                .workbook(Period::Weekly.days(), last_day, now)
                .await
                .map_err(ReportError::Workbook)?;
            write_atomically(&path, &bytes).await
        }
        .await;
        match written {
            Ok(()) => {
                prune(&self.dir, day).await;
                Some(path.to_string_lossy().into_owned())
            }
            Err(e) => {
                tracing::warn!(error = %e, "The weekly report goes out without its workbook.");
                None
            }
        }
    }
}

/// Write `bytes` to `path` through a temporary file and a rename, so a reader (the worker, or a
/// second collector writing the same week) never sees half a file.
async fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    let io = |source| ReportError::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent() {
        tokio::fs::create_dir_all(dir).await.map_err(io)?;
    }
    let tmp = path.with_extension(format!("xlsx.{}.tmp", std::process::id()));
    tokio::fs::write(&tmp, bytes).await.map_err(io)?;
    tokio::fs::rename(&tmp, path).await.map_err(io)
}

/// Remove weekly workbooks dated more than [`KEEP_WORKBOOKS`] before `day` (their digests were
/// sent or given up on long ago).
async fn prune(dir: &Path, day: NaiveDate) {
    let Ok(mut entries) = tokio::fs::read_dir(dir).await else {
        return;
    };
    while let Ok(Some(entry)) = entries.next_entry().await {
        let name = entry.file_name().to_string_lossy().into_owned();
        let dated = name
            .strip_prefix("streamtide-weekly-")
            .and_then(|r| r.strip_suffix(".xlsx"))
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        if dated.is_some_and(|d| d < day - KEEP_WORKBOOKS) {
            let _ = tokio::fs::remove_file(entry.path()).await;
        }
    }
}

/// Run the digests' schedule of `engine` until `shutdown` (nothing when no digest has a
/// destination).
pub async fn run_reports(
    engine: Arc<Engine>,
    workbook: Option<Arc<dyn WorkbookSource>>,
    dir: PathBuf,
    shutdown: CancellationToken,
) {
    match Reports::new(engine, workbook, dir) {
        Ok(r) => r.run(shutdown).await,
        Err(e) => tracing::error!(error = %e, "Scheduled reports are off."),
    }
}
