//! `[events]`: where the collector publishes observations and where `ingest` reads them.
//!
//! Always compiled, so a configuration stays valid whether or not this build has Kafka.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use streamtide_core::Secret;

/// `[events]`
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct EventsConfig {
    pub kafka: KafkaConfig,
}

impl EventsConfig {
    /// Whether the collector publishes to Kafka instead of writing to the store.
    pub fn enabled(&self) -> bool {
        !self.kafka.brokers.trim().is_empty()
    }
}

/// `[events.kafka]`
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct KafkaConfig {
    /// Bootstrap brokers, `host:port[,host:port…]`. Empty: no event stream, the collector
    /// writes to the store itself.
    pub brokers: String,
    /// The topic of observation events (the `v1` is the schema version of its events).
    pub topic: String,
    /// Partitions of the topic when it is created; more allow more ingest workers.
    pub partitions: i32,
    /// Replicas of each partition when the topic is created.
    pub replication: i32,
    /// Consumer group of `streamtide ingest`; workers of one group share the partitions.
    pub group: String,
    /// Ingest writes at most this many events per store commit…
    pub batch_max: usize,
    /// …and waits at most this long to fill a batch.
    #[serde(with = "humantime_serde")]
    pub batch_linger: Duration,
    /// An ingest worker silent for this long loses its partitions to the others (a crashed
    /// worker's share is taken over after it).
    #[serde(with = "humantime_serde")]
    pub session_timeout: Duration,
    /// How long the collector waits for the brokers to acknowledge a batch before it writes the
    /// batch to the store itself.
    #[serde(with = "humantime_serde")]
    pub delivery_timeout: Duration,
    /// `plaintext` or `sasl_plaintext` (SASL over TLS needs a build with librdkafka's TLS).
    pub security_protocol: String,
    /// SASL mechanism (`PLAIN`) when `security_protocol` uses SASL.
    pub sasl_mechanism: String,
    pub sasl_username: String,
    /// Prefer the environment: STREAMTIDE__EVENTS__KAFKA__SASL_PASSWORD.
    pub sasl_password: Secret,
}

impl Default for KafkaConfig {
    fn default() -> Self {
        KafkaConfig {
            brokers: String::new(),
            topic: "streamtide.observations.v1".into(),
            partitions: 6,
            replication: 1,
            group: "streamtide-ingest".into(),
            batch_max: 500,
            batch_linger: Duration::from_millis(500),
            session_timeout: Duration::from_secs(45),
            delivery_timeout: Duration::from_secs(30),
            security_protocol: "plaintext".into(),
            sasl_mechanism: "PLAIN".into(),
            sasl_username: String::new(),
            sasl_password: Secret::default(),
        }
    }
}
