//! The collector's side of the event stream: the sink `run`, `collect` and `demo` publish to.

use std::sync::Arc;

#[cfg(not(feature = "kafka"))]
use anyhow::bail;
use streamtide_events::EventSink;
use streamtide_server::Metrics;

use crate::settings::Settings;

/// The sink of `[events.kafka]`, if configured.
#[cfg(feature = "kafka")]
pub async fn event_sink(
    settings: &Settings,
    metrics: &Metrics,
) -> anyhow::Result<Option<Arc<dyn EventSink>>> {
    use anyhow::Context;
    if !settings.events.enabled() {
        return Ok(None);
    }
    let event_metrics = Arc::new(streamtide_events::EventMetrics::default());
    event_metrics.register(&mut metrics.registry_mut());
    let sink = streamtide_events::KafkaSink::connect(
        &settings.events.kafka,
        streamtide_events::collector_name(),
        event_metrics,
    )
    .await
    .context("[events.kafka]")?;
    Ok(Some(Arc::new(sink)))
}

#[cfg(not(feature = "kafka"))]
pub async fn event_sink(
    settings: &Settings,
    _metrics: &Metrics,
) -> anyhow::Result<Option<Arc<dyn EventSink>>> {
    if settings.events.enabled() {
        bail!(NO_KAFKA);
    }
    Ok(None)
}

#[cfg(not(feature = "kafka"))]
const NO_KAFKA: &str = "[events.kafka] brokers is set, but this streamtide was built without Kafka support (cargo feature `kafka`)";
