//! The observation event stream between the collector and `streamtide ingest`.
//!
//! Always built: the event schema ([`event`]) with its versioned payload types ([`payload`]), the
//! one mapping between events and the store's write model ([`mapping`]), regrouping consumed
//! events into store operations ([`regroup`]), the `[events]` configuration and the [`EventSink`] seam the collector publishes
//! through. With the `kafka` feature: the Kafka producer ([`KafkaSink`]) and the ingest consumer
//! ([`ingest`]), on librdkafka.

mod config;
pub mod event;
pub mod mapping;
pub mod payload;
pub mod regroup;
mod sink;

#[cfg(feature = "kafka")]
pub mod ingest;
#[cfg(feature = "kafka")]
mod kafka_config;
#[cfg(feature = "kafka")]
mod markers;
#[cfg(feature = "kafka")]
mod metrics;
#[cfg(feature = "kafka")]
mod producer;

pub use config::{EventsConfig, KafkaConfig};
pub use event::{Event, EventData, EventError, VERSION};
pub use mapping::to_events;
pub use regroup::{regroup, Apply};
pub use sink::{collector_name, EventSink, MemorySink, PublishError};

#[cfg(feature = "kafka")]
pub use metrics::{EventMetrics, KindLabels};
#[cfg(feature = "kafka")]
pub use producer::{ensure_topic, KafkaSink};
