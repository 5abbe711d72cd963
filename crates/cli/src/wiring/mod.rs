//! Building the parts a command needs from the settings: store, adapters, collector, server state.
//!
//! Commands use this module; it uses no command, so the dependency runs one way
//! (`commands::* -> wiring`).

mod admin;
pub mod alerts;
pub mod channel_ref;
pub mod database;
pub mod events;
mod server;

pub use channel_ref::recognise;
pub use server::spawn_server;

use std::sync::Arc;

use anyhow::Context;
use streamtide_collector::{Cluster, ClusterMetrics, Collector, CollectorMetrics, StoredLedger};
use streamtide_core::SystemClock;
use streamtide_platforms::youtube::QuotaLedger;
use streamtide_platforms::PlatformAdapter;
use streamtide_server::{AdminAccess, AppState, ClientRateLimit, Metrics, PlatformSetup};
use streamtide_storage::{redact_url, Store};
use streamtide_thumbs::{ThumbMetrics, ThumbStore, ThumbWorker};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::settings::Settings;

/// Open the configured store, creating an SQLite file that does not exist yet: for the commands
/// that fill a database (`run`, `serve`, `ingest`, `collect`, `demo`, `migrate`, `channels add`,
/// `import`). The store is given curate's language detector: it keeps a live session's language,
/// curate decides it.
pub async fn open_store(settings: &Settings) -> anyhow::Result<Store> {
    database::check_can_create(&settings.storage.url)?;
    Ok(Store::open(&settings.storage.url)
        .await
        .with_context(|| format!("opening the store at {}", redact_url(&settings.storage.url)))?
        .with_language_detector(streamtide_curate::language::detect))
}

/// Open the configured store for a command that only reads or edits what is there (`trends`,
/// `live`, `export`, `report`, `channels list`, …): a missing SQLite file is an error naming the
/// path and how to create it, never a new empty database.
pub async fn open_existing_store(settings: &Settings) -> anyhow::Result<Store> {
    database::check_exists(&settings.storage.url)?;
    open_store(settings).await
}

/// [`open_existing_store`] for a command that only reads (`live`, `trends`, `export`, `report`,
/// `channels list`, `creators list`): the start-up check does not take the database's write lock,
/// so it neither waits for a busy daemon nor needs write access.
pub async fn open_store_for_reading(settings: &Settings) -> anyhow::Result<Store> {
    database::check_exists(&settings.storage.url)?;
    Store::open_for_reading(&settings.storage.url)
        .await
        .with_context(|| format!("opening the store at {}", redact_url(&settings.storage.url)))
}

/// Every enabled platform's adapter; YouTube spends from the quota ledger kept in `store`.
/// An official API chosen without its credentials is a configuration error here (not at load:
/// `demo` fills in its simulator's).
pub async fn adapters(
    settings: &Settings,
    store: &Store,
) -> anyhow::Result<Vec<Arc<dyn PlatformAdapter>>> {
    if let Some(problem) = streamtide_platforms::soop::config_problem(&settings.platforms.soop) {
        anyhow::bail!("invalid configuration: {problem}");
    }
    let ledger: Option<Arc<dyn QuotaLedger>> =
        if settings.platforms.youtube.enabled && settings.platforms.youtube.api_key.is_set() {
            let ledger = StoredLedger::open(
                store.clone(),
                &settings.platforms.youtube,
                chrono::Utc::now(),
            )
            .await
            .context("loading the YouTube quota ledger")?;
            Some(ledger)
        } else {
            None
        };
    check_sources(settings)?;
    streamtide_platforms::build_adapters_with_ledger(
        &settings.platforms,
        &settings.http,
        ledger,
        Arc::new(SystemClock),
    )
    .context("building the platform HTTP clients")
}

/// An official API chosen without its credentials is a configuration error naming the keys
/// (never their values). Checked here, where adapters are built, rather than at load: `demo`
/// fills in its simulator's credentials after loading.
pub fn check_sources(settings: &Settings) -> anyhow::Result<()> {
    let chzzk = &settings.platforms.chzzk;
    if chzzk.enabled && chzzk.source == streamtide_platforms::ApiSource::OpenApi {
        let missing = streamtide_platforms::chzzk::open_api::missing_credentials(chzzk);
        if !missing.is_empty() {
            anyhow::bail!(
                "invalid configuration: platforms.chzzk.source = \"open_api\" needs {} (the Open API application's credentials from developers.chzzk.naver.com); set them, or use source = \"auto\" or \"web\"",
                missing.join(" and ")
            );
        }
    }
    Ok(())
}

/// The object store of thumbnail copies, when `[thumbnails]` is enabled. Opening does not
/// connect (an S3 store that is down only costs copies, later), so an error here is a bad
/// configuration and stops the command.
pub fn thumb_store(settings: &Settings) -> anyhow::Result<Option<ThumbStore>> {
    if !settings.thumbnails.enabled {
        return Ok(None);
    }
    let store = ThumbStore::open(&settings.thumbnails).context("[thumbnails]")?;
    tracing::info!(store = %store, "Thumbnail copies are kept in {store}.");
    Ok(Some(store))
}

/// The collector with the thumbnail copier behind it (when enabled). The copier stops with
/// `token`, or after the collector is dropped and the queued images are done.
pub async fn collector_with_thumbs(
    settings: &Settings,
    store: Store,
    metrics: &Metrics,
    token: CancellationToken,
) -> anyhow::Result<(Arc<Collector>, Option<JoinHandle<()>>)> {
    let collector_metrics = Arc::new(CollectorMetrics::default());
    collector_metrics.register(&mut metrics.registry_mut());
    let (queue, worker) = match thumb_store(settings)? {
        Some(objects) => {
            let thumb_metrics = Arc::new(ThumbMetrics::default());
            thumb_metrics.register(&mut metrics.registry_mut());
            let worker = ThumbWorker::new(
                store.clone(),
                objects,
                settings.thumbnails.clone(),
                Arc::new(SystemClock),
                thumb_metrics,
            )
            .context("[thumbnails]")?;
            let (queue, handle) = worker.spawn(token);
            (Some(queue), Some(handle))
        }
        None => (None, None),
    };
    let collector = Collector::new(
        store.clone(),
        adapters(settings, &store).await?,
        Arc::new(SystemClock),
        settings.collector.clone(),
        collector_metrics,
    )
    .with_thumbs(queue)
    .with_events(events::event_sink(settings, metrics).await?)
    .with_cluster(cluster(settings, metrics)?)
    .with_alerts(alerts::engine(settings, &store));
    Ok((Arc::new(collector), worker))
}

/// The API state; the admin endpoints are on when `server.admin_token` is set.
pub async fn app_state(
    settings: &Settings,
    store: Store,
    metrics: Arc<Metrics>,
) -> anyhow::Result<AppState> {
    let freshness = chrono::Duration::from_std(settings.collector.live_freshness())
        .unwrap_or_else(|_| chrono::Duration::minutes(10));
    let admin = if settings.server.admin_token.is_set() {
        let ops = Arc::new(admin::CliAdmin {
            store: store.clone(),
            adapters: adapters(settings, &store).await?,
            concurrency: settings.collector.concurrency,
            limits: settings.import.limits(),
        });
        AdminAccess::new(settings.server.admin_token.expose(), ops)
    } else {
        None
    };
    let rate_limit = ClientRateLimit::new(
        settings.server.rate_limit_per_second,
        settings.server.rate_limit_burst,
        &settings.server.trusted_proxies,
    )
    .context("server.trusted_proxies")?;
    let platforms = streamtide_core::Platform::ALL
        .into_iter()
        .map(
            |p| match streamtide_platforms::skip_reason(&settings.platforms, p) {
                None => (p, PlatformSetup::Enabled),
                Some(reason) => (p, PlatformSetup::Skipped(reason)),
            },
        )
        .collect();
    Ok(AppState::new(store, freshness, metrics)
        .with_import_limit(usize::try_from(settings.import.max_file_bytes).unwrap_or(usize::MAX))
        .with_platforms(platforms)
        .with_cors_origins(settings.server.cors_origins.clone())
        .with_image_sources(settings.server.image_sources.clone())
        .with_admin(admin)
        .with_rate_limit(rate_limit)
        .with_thumbs(thumb_store(settings)?)
        .with_alerts(Arc::new(settings.alerts.clone())))
}

/// Membership in the collector cluster, when `[cluster]` is enabled.
pub fn cluster(settings: &Settings, metrics: &Metrics) -> anyhow::Result<Option<Arc<Cluster>>> {
    if !settings.cluster.enabled {
        return Ok(None);
    }
    let cluster_metrics = Arc::new(ClusterMetrics::default());
    cluster_metrics.register(&mut metrics.registry_mut());
    let cluster = Cluster::new(&settings.cluster, &settings.collector, cluster_metrics)
        .context("[cluster]")?;
    Ok(Some(Arc::new(cluster)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use streamtide_platforms::{ApiSource, Secret};

    #[test]
    fn open_api_without_credentials_is_an_error_naming_the_keys_not_the_values() {
        let mut s = Settings::default();
        check_sources(&s).unwrap();
        s.platforms.chzzk.source = ApiSource::OpenApi;
        let m = format!("{:#}", check_sources(&s).unwrap_err());
        assert!(
            m.contains("platforms.chzzk.client_id and platforms.chzzk.client_secret"),
            "{m}"
        );
        s.platforms.chzzk.client_secret = Secret::new("hunter2-secret");
        let m = format!("{:#}", check_sources(&s).unwrap_err());
        assert!(
            m.contains("platforms.chzzk.client_id") && !m.contains("client_secret"),
            "{m}"
        );
        assert!(!m.contains("hunter2"), "{m}");
        s.platforms.chzzk.client_id = "app".into();
        check_sources(&s).unwrap();
        // A disabled CHZZK needs nothing.
        s.platforms.chzzk.client_id.clear();
        s.platforms.chzzk.enabled = false;
        check_sources(&s).unwrap();
    }
}
