//! Sending a [`Message`] to one configured channel, in that channel's documented format.
//!
//! One module per kind; each builds its request with a pure function (tested on its own) and
//! sends it with the shared client. An error says whether trying again may help (a 5xx, 429,
//! timeout or connection failure) and never contains a URL, token, password or signing key:
//! [`send`] scrubs every message of the channel's secrets as a last line of defence, and the
//! kinds build their own messages instead of passing on their libraries' (reqwest's name the
//! URL, and a Discord, Slack or Telegram URL carries the token).

pub mod discord;
pub mod email;
mod http;
pub mod slack;
pub mod telegram;
pub mod webhook;

use std::time::Duration;

use crate::config::{ChannelConfig, ChannelKind};
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
    pub retry_after: Option<Duration>,
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

    /// The same error, with the wait the destination asked for.
    pub fn with_retry_after(mut self, wait: Option<Duration>) -> DeliveryError {
        self.retry_after = wait;
        self
    }
}

/// Send `msg` to `channel`. `timeout` bounds the whole attempt (connecting, sending, reading the
/// answer); an attempt cut short by it is retryable.
pub async fn send(
    http: &reqwest::Client,
    channel: &ChannelConfig,
    msg: &Message,
    timeout: Duration,
) -> Result<(), DeliveryError> {
    let attempt = async {
        match channel.kind {
            ChannelKind::Webhook => webhook::send(http, channel, msg).await,
            ChannelKind::Discord => discord::send(http, channel, msg).await,
            ChannelKind::Slack => slack::send(http, channel, msg).await,
            ChannelKind::Telegram => telegram::send(http, channel, msg).await,
            ChannelKind::Email => email::send(channel, msg, timeout).await,
        }
    };
    let result = match tokio::time::timeout(timeout, attempt).await {
        Ok(result) => result,
        Err(_) => Err(DeliveryError::retryable(format!(
            "no answer within {}",
            http::seconds(timeout)
        ))),
    };
    result.map_err(|e| DeliveryError {
        message: redact(
            &format!(
                "{} channel {}: {}",
                channel.kind.as_str(),
                channel.name,
                e.message
            ),
            &secrets_of(channel),
        ),
        ..e
    })
}

/// The strings of `channel` that must never show: its URL (whole, without its scheme, and its
/// path, which is where Discord and Slack keep the token), the bot token, the signing key and
/// the SMTP password.
fn secrets_of(channel: &ChannelConfig) -> Vec<String> {
    let mut out = Vec::new();
    for s in [
        &channel.url,
        &channel.token,
        &channel.secret,
        &channel.password,
    ] {
        if s.is_set() {
            out.push(s.expose().trim().to_string());
        }
    }
    if channel.url.is_set() {
        if let Ok(u) = url::Url::parse(channel.url.expose().trim()) {
            let whole = u.as_str();
            out.push(whole.to_string());
            if let Some(rest) = whole.split_once("://").map(|(_, rest)| rest) {
                out.push(rest.to_string());
            }
            // A bare "/" or a short path names nothing secret.
            if u.path().len() > 8 {
                out.push(u.path().to_string());
            }
        }
    }
    // Longest first, so a URL goes as a whole rather than leaving pieces around its token.
    out.sort_by_key(|s| std::cmp::Reverse(s.len()));
    out.dedup();
    out
}

/// `text` with every occurrence of a secret replaced. Secrets shorter than 4 characters are
/// left alone: replacing every "a" would say more about the secret than it hides.
fn redact(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_string();
    for s in secrets {
        if s.chars().count() >= 4 {
            out = out.replace(s.as_str(), "<redacted>");
        }
    }
    out
}

/// At most `max` characters of `s`, cut on a character boundary; a cut text ends in "…" (counted
/// in `max`) so a reader sees it was cut.
pub fn truncate_chars(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use streamtide_core::Secret;

    fn channel(kind: ChannelKind) -> ChannelConfig {
        ChannelConfig::new("ops", kind)
    }

    #[test]
    fn truncation_counts_characters_not_bytes() {
        assert_eq!(truncate_chars("풍월량", 3), "풍월량");
        assert_eq!(truncate_chars("풍월량 방송", 3), "풍월…");
        assert_eq!(truncate_chars("abc", 0), "");
        assert_eq!(truncate_chars("", 5), "");
    }

    #[test]
    fn redaction_hides_the_url_its_path_and_the_token() {
        let mut c = channel(ChannelKind::Discord);
        c.url = Secret::new("https://discord.com/api/webhooks/123/tok-SECRET-abc");
        let secrets = secrets_of(&c);
        let text = "failed for https://discord.com/api/webhooks/123/tok-SECRET-abc and \
                    /api/webhooks/123/tok-SECRET-abc";
        let out = redact(text, &secrets);
        assert!(!out.contains("tok-SECRET"), "{out}");
        assert!(out.contains("<redacted>"));

        let mut t = channel(ChannelKind::Telegram);
        t.token = Secret::new("123456:ABCdef");
        assert_eq!(
            redact("bot123456:ABCdef/sendMessage", &secrets_of(&t)),
            "bot<redacted>/sendMessage"
        );
    }
}
