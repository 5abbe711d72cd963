//! Sending what the engine queued: claim due deliveries, send each with a time limit, record the
//! outcome, retry with backoff.
//!
//! A claim is a lease in the store (`claimed_until`), so two collectors sharing a database never
//! send the same delivery twice while both live, and one that dies mid-send leaves it to the
//! other once the lease runs out. Sends run concurrently, each bounded by `[alerts] timeout`: a
//! destination that hangs holds up only its own deliveries.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::Duration;
use streamtide_storage::{DeliveryOutcome, DeliveryRow};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::deliver::{self, DeliveryError};
use crate::engine::Engine;
use crate::event::AlertEvent;
use crate::message::{render, Message};

/// Deliveries claimed per pass.
const PER_PASS: u32 = 32;

/// How often the queue is looked at without a wake-up (deliveries due for a retry, or queued by
/// another process).
const POLL: StdDuration = StdDuration::from_secs(5);

/// The longest wait between attempts.
const MAX_BACKOFF: StdDuration = StdDuration::from_secs(3600);

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PassStats {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

/// The sender.
pub struct Worker {
    engine: Arc<Engine>,
    http: reqwest::Client,
    owner: String,
}

impl Worker {
    /// `owner` names this process in claims (e.g. the collector's cluster name).
    pub fn new(engine: Arc<Engine>, owner: impl Into<String>) -> Worker {
        let http = reqwest::Client::builder()
            .user_agent(concat!(
                "streamtide/",
                env!("CARGO_PKG_VERSION"),
                " (alerts)"
            ))
            // Destinations answer in a second; a redirect of a webhook is not followed blindly.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Worker {
            engine,
            http,
            owner: owner.into(),
        }
    }

    /// Send until `shutdown`, waking when the engine queues something and every few seconds.
    pub async fn run(self, shutdown: CancellationToken) {
        let wake = self.engine.wake();
        loop {
            let stats = self.pass().await;
            if stats.sent + stats.retried + stats.failed >= PER_PASS as usize {
                continue;
            }
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = wake.notified() => {}
                _ = tokio::time::sleep(POLL) => {}
            }
        }
    }

    /// Send what is due until nothing is, or `budget` has passed (`collect --once`). Deliveries
    /// waiting for a retry stay queued for the next run.
    pub async fn drain(&self, budget: StdDuration) -> PassStats {
        let deadline = tokio::time::Instant::now() + budget;
        let mut total = PassStats::default();
        loop {
            let pass = tokio::time::timeout_at(deadline, self.pass()).await;
            match pass {
                Ok(s) => {
                    total.sent += s.sent;
                    total.retried += s.retried;
                    total.failed += s.failed;
                    if s.sent + s.retried + s.failed == 0 {
                        return total;
                    }
                }
                Err(_) => return total,
            }
        }
    }

    /// Claim what is due and send it.
    pub async fn pass(&self) -> PassStats {
        let cfg = self.engine.config();
        let now = self.engine.clock().now();
        let lease = Duration::from_std(cfg.timeout * 3).unwrap_or(Duration::seconds(60));
        let due = match self
            .engine
            .store()
            .claim_deliveries(&self.owner, now, now + lease, PER_PASS)
            .await
        {
            Ok(d) => d,
            Err(e) => {
                tracing::warn!(error = %e, "Could not read the alert queue.");
                return PassStats::default();
            }
        };
        let mut set = JoinSet::new();
        for d in due {
            let http = self.http.clone();
            let engine = Arc::clone(&self.engine);
            set.spawn(async move {
                let outcome = attempt(&engine, &http, &d).await;
                (d, outcome)
            });
        }
        let mut stats = PassStats::default();
        while let Some(joined) = set.join_next().await {
            let Ok((d, outcome)) = joined else { continue };
            let at = self.engine.clock().now();
            let result = match &outcome {
                Ok(()) => {
                    stats.sent += 1;
                    tracing::info!(rule = %d.rule, destination = %d.destination, title = %d.title, "Alert delivered.");
                    DeliveryOutcome::Sent
                }
                Err(e) if e.retryable && d.attempts + 1 < cfg.max_attempts => {
                    stats.retried += 1;
                    let wait = backoff(cfg.retry_backoff, d.attempts, e.retry_after);
                    tracing::warn!(rule = %d.rule, destination = %d.destination, error = %e, retry_in_s = wait.as_secs(), "Alert delivery failed; will retry.");
                    DeliveryOutcome::Retry {
                        at: at + Duration::from_std(wait).unwrap_or(Duration::seconds(60)),
                        error: &e.message,
                    }
                }
                Err(e) => {
                    stats.failed += 1;
                    tracing::error!(rule = %d.rule, destination = %d.destination, error = %e, attempts = d.attempts + 1, "Alert delivery failed for good.");
                    DeliveryOutcome::Failed { error: &e.message }
                }
            };
            if let Err(e) = self.engine.store().finish_delivery(d.id, at, result).await {
                tracing::warn!(error = %e, "Could not record an alert delivery's outcome.");
            }
        }
        stats
    }
}

/// The client deliveries are sent with: a redirect of a webhook is not followed blindly (it
/// could carry the signed body somewhere else).
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .user_agent(concat!(
            "streamtide/",
            env!("CARGO_PKG_VERSION"),
            " (alerts)"
        ))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_default()
}

/// The wait before attempt `attempts + 2`: the destination's `Retry-After` if longer, else the
/// base doubled per earlier attempt, at most an hour.
pub fn backoff(base: StdDuration, attempts: u32, retry_after: Option<StdDuration>) -> StdDuration {
    let doubled = base.saturating_mul(1u32 << attempts.min(16));
    doubled
        .max(retry_after.unwrap_or_default())
        .min(MAX_BACKOFF)
}

/// One attempt of one delivery.
async fn attempt(
    engine: &Engine,
    http: &reqwest::Client,
    d: &DeliveryRow,
) -> Result<(), DeliveryError> {
    let cfg = engine.config();
    let Some(channel) = cfg.channel(&d.destination) else {
        return Err(DeliveryError::permanent(format!(
            "no [[alerts.channels]] named `{}` any more",
            d.destination
        )));
    };
    let msg = message_of(d, channel.language_or(cfg.language), &cfg.public_url)?;
    let limit = cfg.timeout;
    match tokio::time::timeout(limit, deliver::send(http, channel, &msg, limit)).await {
        Ok(r) => r,
        Err(_) => Err(DeliveryError::retryable(format!(
            "no answer within {}s",
            limit.as_secs()
        ))),
    }
}

/// The message of a queued delivery: an alert event rendered, or a digest stored ready-made.
fn message_of(
    d: &DeliveryRow,
    lang: crate::config::Language,
    public_url: &str,
) -> Result<Message, DeliveryError> {
    if let Ok(e) = serde_json::from_str::<AlertEvent>(&d.payload) {
        let mut m = render(&e, lang);
        if m.url.is_none() && !public_url.is_empty() {
            m.url = Some(public_url.trim_end_matches('/').to_string());
        }
        return Ok(m);
    }
    crate::digest::stored_message(&d.payload, lang).ok_or_else(|| {
        DeliveryError::permanent("the queued payload is neither an alert nor a digest")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_honours_retry_after() {
        let b = StdDuration::from_secs(30);
        assert_eq!(backoff(b, 0, None), StdDuration::from_secs(30));
        assert_eq!(backoff(b, 2, None), StdDuration::from_secs(120));
        assert_eq!(
            backoff(b, 1, Some(StdDuration::from_secs(300))),
            StdDuration::from_secs(300)
        );
        assert_eq!(backoff(b, 30, None), MAX_BACKOFF);
    }
}
