//! Serving the API: bind `server.bind` and serve with the configured connection limits.

use anyhow::Context;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::settings::Settings;

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
