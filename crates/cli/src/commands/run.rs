//! `run` (collector + server) and `serve` (server only).

use std::sync::Arc;

use anyhow::Context;
use streamtide_server::Metrics;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use super::wire;
use crate::settings::Settings;
use crate::shutdown;

/// Bind the API server and serve until `token` is cancelled.
pub async fn spawn_server(
    settings: &Settings,
    state: streamtide_server::AppState,
    token: CancellationToken,
) -> anyhow::Result<(
    std::net::SocketAddr,
    tokio::task::JoinHandle<std::io::Result<()>>,
)> {
    let listener = TcpListener::bind(&settings.server.bind)
        .await
        .with_context(|| format!("binding the API server to {}", settings.server.bind))?;
    let addr = listener.local_addr()?;
    let limits = streamtide_server::ServerLimits {
        max_connections: settings.server.max_connections,
        header_timeout: settings.server.header_timeout,
        idle_timeout: settings.server.idle_timeout,
    };
    let handle = tokio::spawn(streamtide_server::serve_with(
        listener,
        state,
        limits,
        async move { token.cancelled().await },
    ));
    Ok((addr, handle))
}

pub async fn run(settings: Settings) -> anyhow::Result<()> {
    let store = wire::open_store(&settings).await?;
    let metrics = Arc::new(Metrics::new());
    let token = shutdown::on_signal();
    let (collector, thumbs) =
        wire::collector_with_thumbs(&settings, store.clone(), &metrics, token.clone()).await?;
    let (addr, server) = spawn_server(
        &settings,
        wire::app_state(&settings, store.clone(), metrics).await?,
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
    collector.run(token.clone()).await;
    server.await.context("server task")?.context("server")?;
    if let Some(t) = thumbs {
        let _ = t.await;
    }
    store.close().await;
    Ok(())
}

pub async fn serve(settings: Settings) -> anyhow::Result<()> {
    let store = wire::open_store(&settings).await?;
    let metrics = Arc::new(Metrics::new());
    let token = shutdown::on_signal();
    let (addr, server) = spawn_server(
        &settings,
        wire::app_state(&settings, store.clone(), metrics).await?,
        token,
    )
    .await?;
    tracing::info!(address = %addr, "API server listening on http://{addr}/");
    server.await.context("server task")?.context("server")?;
    store.close().await;
    Ok(())
}
