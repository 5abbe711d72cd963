//! Sending a [`Message`] to one configured channel, in that channel's documented format.
//!
//! One function per kind; each builds its request with a pure function (tested on its own) and
//! sends it with the shared client. An error says whether trying again may help (a 5xx, 429 or
//! timeout) and never contains a URL, token or password.

use crate::config::ChannelConfig;
use crate::message::Message;

/// A failed delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DeliveryError {
    /// Whether a later attempt may succeed (timeouts, 5xx, 429, connection errors).
    pub retryable: bool,
    /// What went wrong, free of secrets.
    pub message: String,
    /// How long the destination asked us to wait (`Retry-After`), if it said.
    pub retry_after: Option<std::time::Duration>,
}

impl DeliveryError {
    pub fn retryable(message: impl Into<String>) -> DeliveryError {
        DeliveryError {
            retryable: true,
            message: message.into(),
            retry_after: None,
        }
    }

    pub fn permanent(message: impl Into<String>) -> DeliveryError {
        DeliveryError {
            retryable: false,
            message: message.into(),
            retry_after: None,
        }
    }
}

/// Send `msg` to `channel`. `timeout` bounds the whole attempt.
pub async fn send(
    http: &reqwest::Client,
    channel: &ChannelConfig,
    msg: &Message,
    timeout: std::time::Duration,
) -> Result<(), DeliveryError> {
    let _ = (http, msg, timeout);
    Err(DeliveryError::permanent(format!(
        "channel {}: kind {} cannot send yet",
        channel.name,
        channel.kind.as_str()
    )))
}
