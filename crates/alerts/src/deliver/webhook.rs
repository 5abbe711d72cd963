//! The generic JSON webhook: a POST signed with HMAC-SHA256.
//!
//! ```text
//! POST <url>
//! Content-Type: application/json
//! X-Streamtide-Timestamp: 1796342400
//! X-Streamtide-Signature: sha256=<lowercase hex HMAC-SHA256(secret, raw body bytes)>
//!
//! {"version":1,"sent_at":1796342400,"title":"…","text":"…","url":"…"|null,
//!  "fields":[{"name":"…","value":"…"}],"event":{…AlertEvent…}|null}
//! ```
//!
//! The signature header is sent only when the channel has a `secret`. A receiver should:
//! 1. compute HMAC-SHA256 over the raw body bytes exactly as received (before any JSON parsing)
//!    with the shared secret, and compare it with the header's hex in constant time;
//! 2. check that `X-Streamtide-Timestamp` equals the body's `sent_at` (the body is what is
//!    signed, so the timestamp in it cannot be altered);
//! 3. reject the request when `|now - sent_at| > 300` seconds, so a captured request cannot be
//!    replayed later. A retried delivery is a new request with a new `sent_at` and signature.
//!
//! `event` is the machine-readable [`AlertEvent`](crate::event::AlertEvent) (`null` for a
//! digest); its `rule`, `platform`, `channel_id` and `key` together identify the happening, so a
//! receiver can drop the rare duplicate (a delivery whose success answer was lost is retried).

use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

use super::{http, DeliveryError};
use crate::config::ChannelConfig;
use crate::event::AlertEvent;
use crate::message::Message;

/// The signature header.
pub const SIGNATURE_HEADER: &str = "X-Streamtide-Signature";
/// The timestamp header (unix seconds, equal to the body's `sent_at`).
pub const TIMESTAMP_HEADER: &str = "X-Streamtide-Timestamp";
/// How far a receiver should let `sent_at` be from its own clock.
pub const REPLAY_TOLERANCE_SECS: i64 = 300;

#[derive(Serialize)]
struct Body<'a> {
    version: u32,
    sent_at: i64,
    title: &'a str,
    text: &'a str,
    url: Option<&'a str>,
    fields: Vec<Field<'a>>,
    event: Option<&'a AlertEvent>,
}

#[derive(Serialize)]
struct Field<'a> {
    name: &'a str,
    value: &'a str,
}

/// The exact body bytes for `msg` sent at `sent_at` (unix seconds). These bytes are what is
/// signed, so they are built once and sent as they are.
pub fn body(msg: &Message, sent_at: i64) -> Result<Vec<u8>, DeliveryError> {
    let body = Body {
        version: 1,
        sent_at,
        title: &msg.title,
        text: &msg.text,
        url: msg.url.as_deref(),
        fields: msg
            .fields
            .iter()
            .map(|(name, value)| Field { name, value })
            .collect(),
        event: msg.event.as_ref(),
    };
    serde_json::to_vec(&body)
        .map_err(|e| DeliveryError::permanent(format!("the body could not be written: {e}")))
}

/// `sha256=<lowercase hex HMAC-SHA256(secret, body)>`.
pub fn signature(secret: &[u8], body: &[u8]) -> Result<String, DeliveryError> {
    // HMAC takes keys of any length, so this error is never expected; it is still an error
    // rather than a panic.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret)
        .map_err(|_| DeliveryError::permanent("the signing key was refused"))?;
    mac.update(body);
    Ok(format!(
        "sha256={}",
        hex::encode(mac.finalize().into_bytes())
    ))
}

/// Whether `header` (`sha256=<hex>`) is the signature of `body` under `secret`, compared in
/// constant time: what a receiver written in Rust would call (step 1 of the module docs).
pub fn verify(secret: &[u8], body: &[u8], header: &str) -> bool {
    let Some(hex_sig) = header.trim().strip_prefix("sha256=") else {
        return false;
    };
    let Ok(sig) = hex::decode(hex_sig) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&sig).is_ok()
}

/// The headers of a body sent at `sent_at`: the timestamp, and the signature when there is a
/// secret.
pub fn headers(
    secret: Option<&[u8]>,
    body: &[u8],
    sent_at: i64,
) -> Result<Vec<(&'static str, String)>, DeliveryError> {
    let mut out = vec![(TIMESTAMP_HEADER, sent_at.to_string())];
    if let Some(secret) = secret {
        out.push((SIGNATURE_HEADER, signature(secret, body)?));
    }
    Ok(out)
}

pub(crate) async fn send(
    http_client: &reqwest::Client,
    channel: &ChannelConfig,
    msg: &Message,
) -> Result<(), DeliveryError> {
    let sent_at = chrono::Utc::now().timestamp();
    let body = body(msg, sent_at)?;
    let secret = channel
        .secret
        .is_set()
        .then(|| channel.secret.expose().as_bytes());
    let headers = headers(secret, &body, sent_at)?;
    let answer = http::post_json(http_client, channel.url.expose().trim(), body, &headers).await?;
    if answer.status.is_success() {
        Ok(())
    } else {
        Err(http::status_error("the webhook", &answer, None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg() -> Message {
        Message {
            title: "풍월량 팔로워 1,000,000 돌파".into(),
            text: "치지직의 풍월량 채널이 팔로워 1,000,000명을 넘었습니다.".into(),
            fields: vec![("플랫폼".into(), "치지직".into())],
            url: Some("https://chzzk.naver.com/abc".into()),
            color: 0x2EA043,
            event: None,
            attachment: None,
        }
    }

    #[test]
    fn body_has_the_documented_shape() {
        let bytes = body(&msg(), 1_796_342_400).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(
            v,
            serde_json::json!({
                "version": 1,
                "sent_at": 1_796_342_400,
                "title": "풍월량 팔로워 1,000,000 돌파",
                "text": "치지직의 풍월량 채널이 팔로워 1,000,000명을 넘었습니다.",
                "url": "https://chzzk.naver.com/abc",
                "fields": [{"name": "플랫폼", "value": "치지직"}],
                "event": null,
            })
        );
        // Korean text is sent as UTF-8, not escaped.
        assert!(String::from_utf8(bytes).unwrap().contains("풍월량"));
    }

    #[test]
    fn signature_matches_a_known_vector() {
        // RFC 4231 test case 2.
        let sig = signature(b"Jefe", b"what do ya want for nothing?").unwrap();
        assert_eq!(
            sig,
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert!(verify(b"Jefe", b"what do ya want for nothing?", &sig));
        assert!(!verify(b"Jefe", b"what do ya want for nothing!", &sig));
        assert!(!verify(b"jefe", b"what do ya want for nothing?", &sig));
        assert!(!verify(b"Jefe", b"x", "sha1=00"));
    }

    #[test]
    fn no_secret_no_signature() {
        let h = headers(None, b"{}", 5).unwrap();
        assert_eq!(h, vec![(TIMESTAMP_HEADER, "5".to_string())]);
        let h = headers(Some(b"k"), b"{}", 5).unwrap();
        assert_eq!(h.len(), 2);
        assert_eq!(h[1].0, SIGNATURE_HEADER);
        assert_eq!(h[1].1, signature(b"k", b"{}").unwrap());
    }
}
