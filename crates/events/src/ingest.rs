//! `streamtide ingest`: consume observation events in a consumer group and write them to the store.
//!
//! At-least-once, in this order for every poll batch: read up to `batch_max` messages (or for
//! `batch_linger`), commit their writes to the store, and only then commit their offsets. A crash
//! between the two redelivers the batch, and the store's writes are idempotent (rows keyed by
//! entity and `observed_at`, `ON CONFLICT DO NOTHING`), so nothing is lost or doubled. The same
//! holds across rebalances: a partition's new owner starts at the last committed offset.
//!
//! A live list's `live_list_end` marker waits until the list's samples (which other partitions,
//! maybe other workers, carry) are in the store; its partition's offset is not committed past it
//! until it is applied, so a crash redelivers it. A platform's markers apply in the order they
//! came (`markers`).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rdkafka::config::RDKafkaLogLevel;
use rdkafka::consumer::{
    BaseConsumer, CommitMode, Consumer, ConsumerContext, Rebalance, StreamConsumer,
};
use rdkafka::message::Message;
use rdkafka::statistics::Statistics;
use rdkafka::{ClientContext, Offset, TopicPartitionList};
use streamtide_storage::{Store, StoreError, WriteStats};
use tokio_util::sync::CancellationToken;

use crate::kafka_config::client_config;
use crate::markers::Markers;
use crate::regroup::{close_of, regroup, Apply};
use crate::{Event, EventMetrics, KafkaConfig};

/// Why ingest stopped.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("kafka consumer: {0}")]
    Kafka(#[from] rdkafka::error::KafkaError),
}

/// What one ingest process did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IngestStats {
    /// Messages read (redeliveries included).
    pub consumed: u64,
    /// Messages that were not events this build can apply.
    pub skipped: u64,
    /// What the store writes added (new rows only).
    pub written: WriteStats,
    /// Offset commits made.
    pub commits: u64,
}

/// Tells the loop about revoked partitions and keeps the lag gauge.
struct Ctx {
    metrics: Arc<EventMetrics>,
    revoked: Mutex<Vec<i32>>,
}

impl ClientContext for Ctx {
    fn stats(&self, s: Statistics) {
        let lag: i64 = s
            .topics
            .values()
            .flat_map(|t| t.partitions.values())
            .filter(|p| p.partition >= 0 && p.consumer_lag >= 0)
            .map(|p| p.consumer_lag)
            .sum();
        self.metrics.lag.set(lag);
    }
}

impl ConsumerContext for Ctx {
    fn post_rebalance(&self, _c: &BaseConsumer<Self>, r: &Rebalance<'_>) {
        match r {
            Rebalance::Assign(tpl) => {
                let parts: Vec<i32> = tpl.elements().iter().map(|e| e.partition()).collect();
                tracing::info!("Partitions assigned: {parts:?}");
            }
            Rebalance::Revoke(tpl) => {
                let parts: Vec<i32> = tpl.elements().iter().map(|e| e.partition()).collect();
                tracing::info!("Partitions revoked: {parts:?}");
                self.revoked
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .extend(parts);
            }
            Rebalance::Error(e) => tracing::warn!(error = %e, "Rebalance failed."),
        }
    }
}

/// One consumer-group member writing to `store`.
pub struct Ingest {
    consumer: StreamConsumer<Ctx>,
    store: Store,
    topic: String,
    batch_max: usize,
    linger: Duration,
    metrics: Arc<EventMetrics>,
    stats: IngestStats,
    /// Per partition, the offset after the last message handled.
    next: BTreeMap<i32, i64>,
    /// Per partition, the offset last committed.
    committed: BTreeMap<i32, i64>,
    markers: Markers,
    /// Alert rules applied right after each write, as the collector applies them.
    alerts: Option<Arc<streamtide_alerts::Engine>>,
}

impl Ingest {
    /// Apply alert rules to every batch this member writes.
    pub fn with_alerts(mut self, engine: Option<Arc<streamtide_alerts::Engine>>) -> Ingest {
        self.alerts = engine;
        self
    }

    /// Join `cfg.group` on `cfg.topic` (created if missing).
    pub async fn connect(
        cfg: &KafkaConfig,
        client_id: &str,
        store: Store,
        metrics: Arc<EventMetrics>,
    ) -> Result<Ingest, IngestError> {
        if let Err(e) = crate::ensure_topic(cfg, client_id).await {
            tracing::warn!(error = %e, topic = %cfg.topic, "Could not check or create the event topic.");
        }
        let ctx = Ctx {
            metrics: Arc::clone(&metrics),
            revoked: Mutex::new(Vec::new()),
        };
        let consumer: StreamConsumer<Ctx> = client_config(cfg, client_id)
            .set("group.id", cfg.group.as_str())
            // Offsets are committed by hand, after the store commit.
            .set("enable.auto.commit", "false")
            .set("enable.auto.offset.store", "false")
            .set("auto.offset.reset", "earliest")
            .set(
                "session.timeout.ms",
                cfg.session_timeout.as_millis().max(1).to_string(),
            )
            .set("statistics.interval.ms", "10000")
            .set_log_level(RDKafkaLogLevel::Warning)
            .create_with_context(ctx)?;
        consumer.subscribe(&[cfg.topic.as_str()])?;
        tracing::info!(brokers = %cfg.brokers, topic = %cfg.topic, group = %cfg.group, "Ingesting observations from Kafka.");
        Ok(Ingest {
            consumer,
            store,
            topic: cfg.topic.clone(),
            batch_max: cfg.batch_max.max(1),
            linger: cfg.batch_linger,
            metrics,
            stats: IngestStats::default(),
            next: BTreeMap::new(),
            committed: BTreeMap::new(),
            markers: Markers::default(),
            alerts: None,
        })
    }

    /// Consume until `shutdown`; the batch in hand is written and committed first.
    pub async fn run(mut self, shutdown: CancellationToken) -> Result<IngestStats, IngestError> {
        while !shutdown.is_cancelled() {
            let batch = self.poll(&shutdown).await;
            self.forget_revoked();
            if !self.apply(batch, &shutdown).await {
                break; // shut down while the store was failing: nothing of it is committed
            }
            self.apply_ready_markers().await;
            self.commit();
        }
        self.apply_ready_markers().await;
        self.commit();
        self.consumer.unsubscribe();
        Ok(self.stats)
    }

    /// Up to `batch_max` messages, waiting at most `linger` once the first is in.
    async fn poll(
        &mut self,
        shutdown: &CancellationToken,
    ) -> Vec<(i32, i64, Result<Event, String>)> {
        let mut out = Vec::new();
        let mut deadline: Option<tokio::time::Instant> = None;
        while out.len() < self.batch_max {
            // With nothing in hand, wake up now and then to apply waiting markers.
            let until = deadline.unwrap_or_else(|| tokio::time::Instant::now() + self.linger * 4);
            let msg = tokio::select! {
                _ = shutdown.cancelled() => break,
                r = tokio::time::timeout_at(until, self.consumer.recv()) => match r {
                    Err(_) => break,
                    Ok(r) => r,
                },
            };
            match msg {
                Ok(m) => {
                    let event = match m.payload() {
                        Some(p) => Event::from_json(p).map_err(|e| e.to_string()),
                        None => Err("empty message".to_string()),
                    };
                    out.push((m.partition(), m.offset(), event));
                    deadline.get_or_insert_with(|| tokio::time::Instant::now() + self.linger);
                }
                Err(e) => {
                    tracing::warn!(error = %e, "Kafka consumer error.");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
        out
    }

    /// Drop the offsets of partitions another worker now owns: it starts from the last committed
    /// offset. Waiting markers stay: applying one twice is harmless, dropping one is not.
    fn forget_revoked(&mut self) {
        let revoked: Vec<i32> = std::mem::take(
            &mut *self
                .consumer
                .context()
                .revoked
                .lock()
                .unwrap_or_else(|p| p.into_inner()),
        );
        for p in revoked {
            self.next.remove(&p);
            self.committed.remove(&p);
        }
    }

    /// Write a poll batch to the store. Returns false if shutdown came while the store failed.
    async fn apply(
        &mut self,
        batch: Vec<(i32, i64, Result<Event, String>)>,
        shutdown: &CancellationToken,
    ) -> bool {
        let mut events = Vec::with_capacity(batch.len());
        let mut handled: Vec<(i32, i64)> = Vec::with_capacity(batch.len());
        for (partition, offset, event) in batch {
            self.stats.consumed += 1;
            handled.push((partition, offset));
            match event {
                Ok(e) => {
                    self.metrics
                        .consumed
                        .get_or_create(&EventMetrics::kind(e.data.kind()))
                        .inc();
                    match close_of(&e) {
                        Some(close) => self.markers.push(partition, offset, close),
                        None => events.push(e),
                    }
                }
                Err(why) => {
                    self.stats.skipped += 1;
                    self.metrics.skipped.inc();
                    tracing::warn!(partition, offset, error = %why, "Skipped a message that is not an event.");
                }
            }
        }
        for op in regroup(events) {
            let mut wait = Duration::from_millis(500);
            loop {
                match self.write(&op).await {
                    Ok(()) => break,
                    Err(e) => {
                        tracing::error!(error = %e, "Could not write events to the store; retrying.");
                        tokio::select! {
                            _ = shutdown.cancelled() => return false,
                            _ = tokio::time::sleep(wait) => {}
                        }
                        wait = (wait * 2).min(Duration::from_secs(30));
                    }
                }
            }
        }
        for (partition, offset) in handled {
            let next = self.next.entry(partition).or_insert(offset + 1);
            *next = (*next).max(offset + 1);
        }
        true
    }

    async fn write(&mut self, op: &Apply) -> Result<(), StoreError> {
        // What the alert rules compare the write against (nothing is read without rules).
        let before = match (&self.alerts, op) {
            (
                Some(a),
                Apply::Write {
                    platform, batch, ..
                },
            ) => Some(a.before(*platform, batch).await),
            _ => None,
        };
        let stats = op.write_to(&self.store).await?;
        self.stats.written.add(&stats);
        self.metrics.rows_written.inc_by(stats.rows());
        if let Apply::Write {
            platform,
            at,
            batch,
            ..
        } = op
        {
            // As in the collector: a failed rollup loses nothing (`rollup --rebuild` redoes it).
            if let Err(e) = self.store.update_rollups(*platform, *at, batch).await {
                tracing::warn!(platform = %platform, error = %e, "Could not update daily rollups.");
            }
            if let (Some(a), Some(before)) = (&self.alerts, before) {
                a.after(*platform, *at, batch, before).await;
            }
        }
        Ok(())
    }

    /// Apply the close markers whose lists are stored (`markers`).
    async fn apply_ready_markers(&mut self) {
        if self.markers.is_empty() {
            return;
        }
        let stats = self.markers.apply_ready(&self.store).await;
        self.stats.written.add(&stats);
        self.metrics.rows_written.inc_by(stats.rows());
    }

    /// Commit, per partition, the offset after the last handled message, but never past a marker
    /// still waiting (so a crash redelivers it).
    fn commit(&mut self) {
        // Only our own partitions: their owner decides where the others stand.
        let owned: Vec<i32> = match self.consumer.assignment() {
            Ok(tpl) => tpl.elements().iter().map(|e| e.partition()).collect(),
            Err(_) => return,
        };
        let mut tpl = TopicPartitionList::new();
        let mut targets = Vec::new();
        for (&p, &next) in &self.next {
            if !owned.contains(&p) {
                continue;
            }
            let target = self.markers.oldest_offset(p).unwrap_or(next);
            if self.committed.get(&p).is_some_and(|&c| c >= target) {
                continue;
            }
            if tpl
                .add_partition_offset(&self.topic, p, Offset::Offset(target))
                .is_ok()
            {
                targets.push((p, target));
            }
        }
        if targets.is_empty() {
            return;
        }
        match self.consumer.commit(&tpl, CommitMode::Sync) {
            Ok(()) => {
                self.stats.commits += 1;
                self.committed.extend(targets);
            }
            Err(e) => {
                // Redelivered to whoever owns the partition next; the writes are idempotent.
                self.metrics.commit_failures.inc();
                tracing::warn!(error = %e, "Could not commit offsets.");
            }
        }
    }
}
