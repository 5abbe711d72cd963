//! Building the parts a command needs from the settings: store, adapters, collector, server state.

use std::sync::Arc;

use anyhow::Context;
use streamtide_collector::{Collector, CollectorMetrics};
use streamtide_core::{Clock, SystemClock};
use streamtide_platforms::PlatformAdapter;
use streamtide_server::{AppState, Metrics};
use streamtide_storage::{redact_url, Store};

use crate::settings::Settings;

pub async fn open_store(settings: &Settings) -> anyhow::Result<Store> {
    Store::open(&settings.storage.url)
        .await
        .with_context(|| format!("opening the store at {}", redact_url(&settings.storage.url)))
}

pub fn adapters(settings: &Settings) -> anyhow::Result<Vec<Arc<dyn PlatformAdapter>>> {
    streamtide_platforms::build_adapters(&settings.platforms, &settings.http)
        .context("building the platform HTTP clients")
}

/// The collector, with its counters registered in `metrics`.
pub fn collector(
    settings: &Settings,
    store: Store,
    metrics: &Metrics,
) -> anyhow::Result<Arc<Collector>> {
    collector_with_clock(settings, store, metrics, Arc::new(SystemClock))
}

pub fn collector_with_clock(
    settings: &Settings,
    store: Store,
    metrics: &Metrics,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<Arc<Collector>> {
    let collector_metrics = Arc::new(CollectorMetrics::default());
    collector_metrics.register(&mut metrics.registry_mut());
    Ok(Arc::new(Collector::new(
        store,
        adapters(settings)?,
        clock,
        settings.collector.clone(),
        collector_metrics,
    )))
}

pub fn app_state(settings: &Settings, store: Store, metrics: Arc<Metrics>) -> AppState {
    let freshness = chrono::Duration::from_std(settings.collector.live_freshness())
        .unwrap_or_else(|_| chrono::Duration::minutes(10));
    AppState::new(store, freshness, metrics)
}
