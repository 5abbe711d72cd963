//! Alerts for streamtide: rules evaluated right after each write of the observations they read,
//! messages delivered at most once per rule, channel and event, and scheduled digests.
//!
//! - [`config`]: `[alerts]`, its `[[alerts.channels]]` and `[[alerts.rules]]` (the interface).
//! - [`rules`]: the pure decisions (milestone crossed, change beyond a threshold, robust anomaly
//!   score, honest about counts a platform rounds).
//! - [`engine`]: reads what a batch changed from the store, applies the rules, and queues one
//!   delivery per rule, channel and event in the store's delivery log (its unique key makes the
//!   queueing idempotent across restarts and collectors).
//! - [`worker`]: sends queued deliveries with retries and backoff, off the collection path: a
//!   failing destination never slows a round.
//! - [`message`] renders an event in Korean or English; [`deliver`] lays it out per destination.
//! - [`reports`]: the daily and weekly digests ([`digest`]) queued on schedule.

pub mod config;
pub mod deliver;
pub mod digest;
pub mod engine;
pub mod event;
pub mod message;
pub mod reports;
pub mod rules;
pub mod schedule;
pub mod scope;
pub mod worker;

pub use config::{
    AlertsConfig, ChannelConfig, ChannelKind, Direction, Language, Metric, RuleConfig, RuleKind,
    Window,
};
pub use deliver::DeliveryError;
pub use engine::{Before, Engine};
pub use event::{AlertEvent, Facts};
pub use message::{render, Message};
pub use worker::Worker;
