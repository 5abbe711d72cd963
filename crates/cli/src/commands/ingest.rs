//! `ingest`: write the event stream to the store (one member of the ingest consumer group). The
//! collector's side of the stream (the sink `run`, `collect` and `demo` publish to) is
//! `wiring::events`.

#[cfg(feature = "kafka")]
use std::sync::Arc;

use anyhow::bail;
#[cfg(feature = "kafka")]
use streamtide_server::Metrics;

use crate::settings::Settings;

/// Consume until Ctrl-C/SIGTERM, then print what was done. With `serve`, the API (and
/// `/metrics`) is served on `server.bind` meanwhile.
#[cfg(feature = "kafka")]
pub async fn run(settings: Settings, serve: bool) -> anyhow::Result<()> {
    use anyhow::Context;
    use streamtide_events::ingest::Ingest;

    if !settings.events.enabled() {
        bail!("`ingest` reads the event stream: set [events.kafka] brokers (STREAMTIDE__EVENTS__KAFKA__BROKERS)");
    }
    let store = crate::wiring::open_store(&settings).await?;
    let metrics = Arc::new(Metrics::new());
    let event_metrics = Arc::new(streamtide_events::EventMetrics::default());
    event_metrics.register(&mut metrics.registry_mut());
    let token = crate::shutdown::on_signal();
    let server = if serve {
        let state =
            crate::wiring::app_state(&settings, store.clone(), Arc::clone(&metrics)).await?;
        let (addr, handle) = crate::wiring::spawn_server(&settings, state, token.clone()).await?;
        tracing::info!(address = %addr, "API and metrics at http://{addr}/");
        Some(handle)
    } else {
        None
    };
    let ingest = Ingest::connect(
        &settings.events.kafka,
        &streamtide_events::collector_name(),
        store.clone(),
        event_metrics,
    )
    .await
    .context("[events.kafka]")?;
    // With an event stream, ingest writes the observations, so it applies the alert rules and
    // sends what they raise (the collectors, which only publish, raise none).
    let engine = crate::wiring::alerts::engine(&settings, &store);
    let alert_worker = engine
        .as_ref()
        .map(|engine| crate::wiring::alerts::spawn_worker(engine, token.clone()));
    let ingest = ingest.with_alerts(engine);
    let stats = ingest.run(token.clone()).await?;
    token.cancel();
    if let Some(w) = alert_worker {
        let _ = w.await;
    }
    if let Some(server) = server {
        server.await.context("server task")?.context("server")?;
    }
    store.close().await;
    let w = stats.written;
    println!(
        "ingest: consumed={} skipped={} channel_snapshots={} live_samples={} video_snapshots={} sessions_opened={} sessions_closed={} commits={}",
        stats.consumed,
        stats.skipped,
        w.channel_snapshots,
        w.live_samples,
        w.video_snapshots,
        w.sessions_opened,
        w.sessions_closed,
        stats.commits
    );
    Ok(())
}

#[cfg(not(feature = "kafka"))]
pub async fn run(_settings: Settings, _serve: bool) -> anyhow::Result<()> {
    bail!("`ingest` needs Kafka support, and this streamtide was built without it (cargo feature `kafka`)")
}
