//! Discord: a webhook's "execute" call with one embed.
//!
//! `POST <webhook url>` with `{"username","content","embeds":[…],"allowed_mentions":{"parse":[]}}`
//! (Discord's documented *Execute Webhook*). The embed keeps to Discord's limits, cutting on
//! character boundaries: title 256 characters, description 4096, at most 25 fields of name 256
//! and value 1024, and 6000 characters over the whole embed. `allowed_mentions` with nothing to
//! parse means a channel name like "@everyone" in a title never pings anybody.
//!
//! Success is 204 (or 200 when the URL asks `?wait=true`). A 429 carries the wait both in
//! `Retry-After` and in the body's `retry_after` (seconds, with fractions).

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};

use super::{http, truncate_chars, DeliveryError};
use crate::config::ChannelConfig;
use crate::message::Message;

pub const MAX_TITLE: usize = 256;
pub const MAX_DESCRIPTION: usize = 4096;
pub const MAX_FIELDS: usize = 25;
pub const MAX_FIELD_NAME: usize = 256;
pub const MAX_FIELD_VALUE: usize = 1024;
/// The sum of all text in one embed.
pub const MAX_EMBED_TOTAL: usize = 6000;

/// Discord refuses an empty field name or value; a zero-width space is its usual stand-in.
const BLANK: &str = "\u{200b}";

/// The request body for `msg`; `now` stamps a message without an event (a digest).
pub fn body(msg: &Message, now: DateTime<Utc>) -> Value {
    let title = truncate_chars(&msg.title, MAX_TITLE);
    let mut fields: Vec<(String, String)> = msg
        .fields
        .iter()
        .take(MAX_FIELDS)
        .map(|(name, value)| {
            (
                non_blank(truncate_chars(name, MAX_FIELD_NAME)),
                non_blank(truncate_chars(value, MAX_FIELD_VALUE)),
            )
        })
        .collect();
    let len = |s: &str| s.chars().count();
    let fields_len = |f: &[(String, String)]| f.iter().map(|(n, v)| len(n) + len(v)).sum::<usize>();
    // Over the embed's total: the last fields go first (the first ones are the platform and the
    // main figure), then the description is cut to what is left.
    while !fields.is_empty() && len(&title) + fields_len(&fields) > MAX_EMBED_TOTAL {
        fields.pop();
    }
    let room = MAX_EMBED_TOTAL.saturating_sub(len(&title) + fields_len(&fields));
    let description = truncate_chars(&msg.text, MAX_DESCRIPTION.min(room));

    let mut embed = json!({
        "title": title,
        "color": msg.color & 0xFF_FF_FF,
        "fields": fields
            .iter()
            .map(|(name, value)| json!({"name": name, "value": value, "inline": true}))
            .collect::<Vec<_>>(),
        "timestamp": msg
            .event
            .as_ref()
            .map_or(now, |e| e.at)
            .to_rfc3339_opts(SecondsFormat::Secs, true),
    });
    if !description.is_empty() {
        embed["description"] = json!(description);
    }
    // Discord refuses the whole message for a link it does not take as a URL.
    if let Some(url) = msg.url.as_deref().filter(|u| is_http_url(u)) {
        embed["url"] = json!(url);
    }
    json!({
        "username": "streamtide",
        "content": null,
        "embeds": [embed],
        "allowed_mentions": {"parse": []},
    })
}

fn non_blank(s: String) -> String {
    if s.trim().is_empty() {
        BLANK.to_string()
    } else {
        s
    }
}

pub(crate) fn is_http_url(s: &str) -> bool {
    url::Url::parse(s).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
}

/// The wait in a 429's body (`{"retry_after": 1.5, …}`).
pub fn body_retry_after(body: &str) -> Option<std::time::Duration> {
    let v: Value = serde_json::from_str(body).ok()?;
    http::duration_from_secs(v.get("retry_after")?.as_f64()?)
}

pub(crate) async fn send(
    http_client: &reqwest::Client,
    channel: &ChannelConfig,
    msg: &Message,
) -> Result<(), DeliveryError> {
    let body = serde_json::to_vec(&body(msg, Utc::now()))
        .map_err(|e| DeliveryError::permanent(format!("the body could not be written: {e}")))?;
    let answer = http::post_json(http_client, channel.url.expose().trim(), body, &[]).await?;
    if answer.status.is_success() {
        Ok(())
    } else {
        let wait = body_retry_after(&answer.body);
        Err(http::status_error("Discord", &answer, wait))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn msg() -> Message {
        Message {
            title: "풍월량 방송 시작".into(),
            text: "치지직 · 오늘도 @everyone 달린다".into(),
            fields: vec![
                ("시청자".into(), "12,345".into()),
                ("카테고리".into(), "".into()),
            ],
            url: Some("https://chzzk.naver.com/live/abc".into()),
            color: 0x9146FF,
            event: None,
            attachment: None,
        }
    }

    #[test]
    fn body_has_the_documented_shape() {
        let now = Utc.with_ymd_and_hms(2026, 12, 4, 9, 30, 0).unwrap();
        let v = body(&msg(), now);
        assert_eq!(
            v,
            json!({
                "username": "streamtide",
                "content": null,
                "embeds": [{
                    "title": "풍월량 방송 시작",
                    "description": "치지직 · 오늘도 @everyone 달린다",
                    "url": "https://chzzk.naver.com/live/abc",
                    "color": 0x9146FF,
                    "fields": [
                        {"name": "시청자", "value": "12,345", "inline": true},
                        {"name": "카테고리", "value": "\u{200b}", "inline": true},
                    ],
                    "timestamp": "2026-12-04T09:30:00Z",
                }],
                "allowed_mentions": {"parse": []},
            })
        );
    }

    #[test]
    fn limits_are_kept_on_character_boundaries() {
        let mut m = msg();
        m.title = "가".repeat(300);
        m.text = "나".repeat(5000);
        m.fields = (0..40)
            .map(|i| (format!("{i}{}", "다".repeat(300)), "라".repeat(2000)))
            .collect();
        m.url = Some("not a url".into());
        let v = body(&m, Utc::now());
        let e = &v["embeds"][0];
        let count = |v: &Value| v.as_str().unwrap().chars().count();
        assert_eq!(count(&e["title"]), MAX_TITLE);
        assert!(e["title"].as_str().unwrap().ends_with('…'));
        let fields = e["fields"].as_array().unwrap();
        assert!(!fields.is_empty() && fields.len() <= MAX_FIELDS);
        let mut total = count(&e["title"]) + e.get("description").map_or(0, count);
        for f in fields {
            assert!(count(&f["name"]) <= MAX_FIELD_NAME);
            assert!(count(&f["value"]) <= MAX_FIELD_VALUE);
            total += count(&f["name"]) + count(&f["value"]);
        }
        assert!(total <= MAX_EMBED_TOTAL, "{total}");
        assert!(e.get("url").is_none());
        // The first fields are the ones kept.
        assert!(fields[0]["name"].as_str().unwrap().starts_with('0'));
    }

    #[test]
    fn the_event_time_stamps_the_embed() {
        let ev = crate::event::AlertEvent {
            rule: "r".into(),
            kind: crate::config::RuleKind::Missing,
            key: "k".into(),
            platform: streamtide_core::Platform::Chzzk,
            channel_id: "abc".into(),
            channel_name: "x".into(),
            creator: None,
            at: Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap(),
            url: None,
            facts: crate::event::Facts::Missing {
                since: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
            },
        };
        let mut m = msg();
        m.event = Some(ev);
        let v = body(&m, Utc::now());
        assert_eq!(v["embeds"][0]["timestamp"], "2026-01-02T03:04:05Z");
    }

    #[test]
    fn retry_after_from_the_body() {
        let b = r#"{"message":"You are being rate limited.","retry_after":1.5,"global":false}"#;
        assert_eq!(
            body_retry_after(b),
            Some(std::time::Duration::from_millis(1500))
        );
        assert_eq!(body_retry_after("not json"), None);
    }
}
