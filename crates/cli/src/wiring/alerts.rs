//! Alerts in the binary: the rules' engine over the store, and its sender beside the collector.

use std::sync::Arc;
use std::time::Duration;

use streamtide_alerts::{Engine, Worker};
use streamtide_core::SystemClock;
use streamtide_storage::Store;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::settings::Settings;

/// The engine, or `None` when no destination is configured (then no rule can deliver and the
/// write path reads nothing extra).
pub fn engine(settings: &Settings, store: &Store) -> Option<Arc<Engine>> {
    if settings.alerts.channels.is_empty() {
        return None;
    }
    Some(Arc::new(Engine::new(
        store.clone(),
        Arc::new(settings.alerts.clone()),
        Arc::new(SystemClock),
    )))
}

/// This process's name in delivery claims: host and process id.
pub fn owner() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "streamtide".into());
    format!("{host}:{}", std::process::id())
}

/// Send queued alerts until `token` is cancelled.
pub fn spawn_worker(engine: &Arc<Engine>, token: CancellationToken) -> JoinHandle<()> {
    tokio::spawn(Worker::new(Arc::clone(engine), owner()).run(token))
}

/// `collect --once`: send what this run queued, for at most `budget`; what a destination refused
/// for now stays queued for the next run.
pub async fn drain(engine: &Arc<Engine>, budget: Duration) {
    let stats = Worker::new(Arc::clone(engine), owner()).drain(budget).await;
    if stats.sent + stats.retried + stats.failed > 0 {
        tracing::info!(
            sent = stats.sent,
            retry_later = stats.retried,
            failed = stats.failed,
            "Alerts delivered."
        );
    }
}
