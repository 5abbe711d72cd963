//! Where the collector hands its events: the seam between collecting and transporting.
//!
//! The collector only knows [`EventSink`]; Kafka is one implementation (feature `kafka`),
//! [`MemorySink`] another, for tests that need to see or refuse what was published.

use std::sync::Mutex;

use crate::Event;

/// Why a batch of events was not acknowledged. The collector then writes the batch to the store
/// itself, so the observations are kept either way.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("event stream: {0}")]
    Transport(String),
    #[error("event stream: no acknowledgement within {0:?}")]
    Timeout(std::time::Duration),
}

/// Publishes events, returning only when every one of them is acknowledged.
#[async_trait::async_trait]
pub trait EventSink: Send + Sync + 'static {
    async fn publish(&self, events: Vec<Event>) -> Result<(), PublishError>;
    /// Written into each event's `collector` field.
    fn collector(&self) -> &str;
}

/// A sink that keeps what it was given (or refuses everything, to test the fallback).
#[derive(Default)]
pub struct MemorySink {
    pub events: Mutex<Vec<Event>>,
    pub refuse: bool,
}

#[async_trait::async_trait]
impl EventSink for MemorySink {
    async fn publish(&self, events: Vec<Event>) -> Result<(), PublishError> {
        if self.refuse {
            return Err(PublishError::Transport("refused by the test sink".into()));
        }
        self.events
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend(events);
        Ok(())
    }

    fn collector(&self) -> &str {
        "memory"
    }
}

/// `host-pid`: which process made an event, without a dependency to ask the OS for the name.
pub fn collector_name() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "host".into());
    format!("{host}-{}", std::process::id())
}
