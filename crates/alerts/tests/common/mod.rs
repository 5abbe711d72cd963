//! Stand-ins for the places alerts are delivered to, on 127.0.0.1, for tests of this crate and
//! the end-to-end tests that reuse them (`mod common;`).
//!
//! - [`receivers`]: HTTP stand-ins for the signed webhook, Discord, Slack and Telegram that check
//!   each service's documented request format (answering 400, as the service would, when it is
//!   wrong), record every request, and can fail on purpose first.
//! - [`smtp`]: a tiny SMTP server that captures the mail it is given.

// Each test binary uses a different part of these helpers.
#![allow(dead_code)]

pub mod receivers;
pub mod smtp;
