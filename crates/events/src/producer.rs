//! The collector's side: publish a batch's events and wait until the brokers hold every one.
//!
//! Idempotent producer with `acks=all`: a retried send never duplicates a message inside Kafka,
//! and an acknowledged event survives a broker failure. `publish` returns only after every
//! delivery report; any failure is returned, and the collector then writes the batch to the
//! store itself (events already delivered are then applied twice, which idempotent writes make
//! harmless).

use std::sync::Arc;
use std::time::Duration;

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::producer::{FutureProducer, FutureRecord};

use crate::kafka_config::client_config;
use crate::{Event, EventMetrics, EventSink, KafkaConfig, PublishError};

/// Publishes events to `[events.kafka] topic`.
pub struct KafkaSink {
    producer: FutureProducer,
    topic: String,
    collector: String,
    timeout: Duration,
    metrics: Arc<EventMetrics>,
}

impl KafkaSink {
    /// A producer for `cfg`; creates the topic if the brokers lack it. Does not fail when the
    /// brokers are down: publishing then fails and the collector writes to the store itself.
    pub async fn connect(
        cfg: &KafkaConfig,
        collector: String,
        metrics: Arc<EventMetrics>,
    ) -> Result<KafkaSink, PublishError> {
        if let Err(e) = ensure_topic(cfg, &collector).await {
            tracing::warn!(error = %e, topic = %cfg.topic, "Could not check or create the event topic.");
        }
        let timeout_ms = cfg.delivery_timeout.as_millis().max(1).to_string();
        let producer: FutureProducer = client_config(cfg, &collector)
            .set("enable.idempotence", "true")
            .set("acks", "all")
            .set("compression.type", "lz4")
            // A round's events go out together; a few ms of lingering packs them into few requests.
            .set("linger.ms", "10")
            .set("message.timeout.ms", &timeout_ms)
            .create()
            .map_err(|e| PublishError::Transport(e.to_string()))?;
        tracing::info!(brokers = %cfg.brokers, topic = %cfg.topic, "Publishing observations to Kafka.");
        Ok(KafkaSink {
            producer,
            topic: cfg.topic.clone(),
            collector,
            timeout: cfg.delivery_timeout,
            metrics,
        })
    }

    async fn send_all(&self, events: &[Event]) -> Result<(), PublishError> {
        let mut pending = Vec::with_capacity(events.len());
        for e in events {
            let key = e.key();
            let payload = e.to_json();
            let mut record = FutureRecord::to(&self.topic).key(&key).payload(&payload);
            loop {
                match self.producer.send_result(record) {
                    Ok(delivery) => break pending.push(delivery),
                    // The local queue is full: let librdkafka send some, then try again.
                    Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), back)) => {
                        record = back;
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    }
                    Err((e, _)) => return Err(PublishError::Transport(e.to_string())),
                }
            }
        }
        for delivery in pending {
            match delivery.await {
                Ok(Ok(_)) => {}
                Ok(Err((e, _))) => return Err(PublishError::Transport(e.to_string())),
                Err(_) => return Err(PublishError::Transport("producer dropped".into())),
            }
        }
        Ok(())
    }
}

impl Drop for KafkaSink {
    /// The process's totals, once, when the collector is done with the stream.
    fn drop(&mut self) {
        let counts: Vec<String> = crate::event::KINDS
            .iter()
            .map(|k| {
                let n = self
                    .metrics
                    .published
                    .get_or_create(&EventMetrics::kind(k))
                    .get();
                format!("{k}={n}")
            })
            .collect();
        tracing::info!(
            "Event stream closed: published {} failed={}",
            counts.join(" "),
            self.metrics.publish_failures.get()
        );
    }
}

#[async_trait::async_trait]
impl EventSink for KafkaSink {
    async fn publish(&self, events: Vec<Event>) -> Result<(), PublishError> {
        // librdkafka fails a message after `message.timeout.ms`; the margin covers the reports'
        // way back, so this only fires if librdkafka itself hangs.
        let limit = self.timeout + Duration::from_secs(5);
        let result = match tokio::time::timeout(limit, self.send_all(&events)).await {
            Ok(r) => r,
            Err(_) => Err(PublishError::Timeout(limit)),
        };
        match &result {
            Ok(()) => {
                for e in &events {
                    self.metrics
                        .published
                        .get_or_create(&EventMetrics::kind(e.data.kind()))
                        .inc();
                }
            }
            Err(_) => {
                self.metrics.publish_failures.inc_by(events.len() as u64);
            }
        }
        result
    }

    fn collector(&self) -> &str {
        &self.collector
    }
}

/// Create the topic with `[events.kafka] partitions` unless it exists.
pub async fn ensure_topic(cfg: &KafkaConfig, client_id: &str) -> Result<(), PublishError> {
    let admin: AdminClient<DefaultClientContext> = client_config(cfg, client_id)
        .create()
        .map_err(|e| PublishError::Transport(e.to_string()))?;
    let topic = NewTopic::new(
        &cfg.topic,
        cfg.partitions.max(1),
        TopicReplication::Fixed(cfg.replication.max(1)),
    );
    let opts = AdminOptions::new().request_timeout(Some(Duration::from_secs(10)));
    let results = admin
        .create_topics([&topic], &opts)
        .await
        .map_err(|e| PublishError::Transport(e.to_string()))?;
    for r in results {
        match r {
            Ok(name) => {
                tracing::info!(topic = %name, partitions = cfg.partitions, "Created the event topic.")
            }
            Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
            Err((name, code)) => {
                return Err(PublishError::Transport(format!(
                    "creating topic {name}: {code}"
                )))
            }
        }
    }
    Ok(())
}
