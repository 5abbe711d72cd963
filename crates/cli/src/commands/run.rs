//! `run` (collector + server) and `serve` (server only).

use std::sync::Arc;

use anyhow::Context;
use streamtide_server::Metrics;

use crate::settings::Settings;
use crate::shutdown;
use crate::wiring::{self, spawn_server};

pub async fn run(settings: Settings) -> anyhow::Result<()> {
    let store = wiring::open_store(&settings).await?;
    let metrics = Arc::new(Metrics::new());
    let token = shutdown::on_signal();
    let (collector, thumbs) =
        wiring::collector_with_thumbs(&settings, store.clone(), &metrics, token.clone()).await?;
    let (addr, server) = spawn_server(
        &settings,
        wiring::app_state(&settings, store.clone(), metrics).await?,
        token.clone(),
    )
    .await?;
    tracing::info!(address = %addr, platforms = ?collector.platforms(), "streamtide is running: API and web UI at http://{addr}/");
    // Roster rows an earlier import kept because their platform was unreachable.
    let adapters = collector
        .platforms()
        .into_iter()
        .filter_map(|p| collector.adapter(p).cloned())
        .collect();
    tokio::spawn(super::import::retry_loop(
        store.clone(),
        adapters,
        settings.collector.channels_interval,
        settings.collector.concurrency,
        token.clone(),
    ));
    let alert_worker = collector
        .alerts()
        .map(|engine| wiring::alerts::spawn_worker(engine, token.clone()));
    // The daily and weekly digests, when `[alerts.reports]` names a destination.
    let reports = collector
        .alerts()
        .filter(|e| {
            let r = &e.config().reports;
            !(r.daily.is_empty() && r.weekly.is_empty())
        })
        .map(|engine| {
            tokio::spawn(streamtide_alerts::reports::run_reports(
                Arc::clone(engine),
                Some(super::report::DigestWorkbook::source(
                    &settings,
                    store.clone(),
                )),
                super::report::reports_dir(&settings),
                token.clone(),
            ))
        });
    collector.run(token.clone()).await;
    if let Some(w) = alert_worker {
        let _ = w.await;
    }
    if let Some(r) = reports {
        let _ = r.await;
    }
    server.await.context("server task")?.context("server")?;
    if let Some(t) = thumbs {
        let _ = t.await;
    }
    store.close().await;
    Ok(())
}

pub async fn serve(settings: Settings) -> anyhow::Result<()> {
    let store = wiring::open_store(&settings).await?;
    let metrics = Arc::new(Metrics::new());
    let token = shutdown::on_signal();
    let (addr, server) = spawn_server(
        &settings,
        wiring::app_state(&settings, store.clone(), metrics).await?,
        token,
    )
    .await?;
    tracing::info!(address = %addr, "API server listening on http://{addr}/");
    server.await.context("server task")?.context("server")?;
    store.close().await;
    Ok(())
}
