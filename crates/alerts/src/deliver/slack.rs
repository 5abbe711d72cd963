//! Slack: an incoming webhook with Block Kit blocks.
//!
//! `POST <incoming webhook url>` with `{"text": <fallback>, "blocks": [header, section,
//! section of fields…, context]}`. `text` is what notifications and old clients show; the blocks
//! are the message. Slack's limits are kept by cutting on character boundaries: a header's
//! plain text 150 characters, a section's text 3000, at most 10 fields of 2000 per section.
//! User text is escaped for `mrkdwn` (`&`, `<`, `>`), so a title cannot forge a link or a
//! mention.
//!
//! Success is 200 with the body `ok`; errors are a status with a short reason in the body
//! (`invalid_payload`, `no_service`, …) and 429 with `Retry-After`.

use serde_json::{json, Value};

use super::{http, truncate_chars, DeliveryError};
use crate::config::ChannelConfig;
use crate::message::Message;

pub const MAX_HEADER: usize = 150;
pub const MAX_SECTION_TEXT: usize = 3000;
pub const MAX_SECTION_FIELDS: usize = 10;
pub const MAX_FIELD_TEXT: usize = 2000;
/// Fields over all sections (a message has at most 50 blocks; this keeps far below).
pub const MAX_FIELDS: usize = 40;

/// `s` escaped for Slack's `mrkdwn`: the three characters its markup uses.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The request body for `msg`.
pub fn body(msg: &Message) -> Value {
    let mut blocks = Vec::new();
    if !msg.title.trim().is_empty() {
        blocks.push(json!({
            "type": "header",
            "text": {"type": "plain_text", "text": truncate_chars(&msg.title, MAX_HEADER), "emoji": true},
        }));
    }
    if !msg.text.trim().is_empty() {
        blocks.push(json!({
            "type": "section",
            "text": {"type": "mrkdwn", "text": escaped_within(&msg.text, MAX_SECTION_TEXT)},
        }));
    }
    let fields: Vec<Value> = msg
        .fields
        .iter()
        .take(MAX_FIELDS)
        .map(|(name, value)| {
            let text = format!("*{}*\n{}", escape(name), escape(value));
            json!({"type": "mrkdwn", "text": cut_escaped(&text, MAX_FIELD_TEXT)})
        })
        .collect();
    for chunk in fields.chunks(MAX_SECTION_FIELDS) {
        blocks.push(json!({"type": "section", "fields": chunk}));
    }
    let mut context = Vec::new();
    if let Some(url) = msg
        .url
        .as_deref()
        .filter(|u| super::discord::is_http_url(u))
    {
        context.push(json!({"type": "mrkdwn", "text": link(url)}));
    }
    let mut footer = "streamtide".to_string();
    if let Some(e) = &msg.event {
        footer.push_str(&format!(
            " · {} · {}",
            escape(&e.rule),
            e.at.format("%Y-%m-%d %H:%M UTC")
        ));
    }
    context.push(json!({"type": "mrkdwn", "text": footer}));
    blocks.push(json!({"type": "context", "elements": context}));

    let fallback = if msg.text.trim().is_empty() {
        msg.title.clone()
    } else {
        format!("{}\n{}", msg.title, msg.text)
    };
    json!({
        "text": escaped_within(&fallback, MAX_SECTION_TEXT),
        "blocks": blocks,
    })
}

/// `<url>`: the characters that would end Slack's link markup are percent-encoded.
fn link(url: &str) -> String {
    let safe = url
        .replace('|', "%7C")
        .replace('<', "%3C")
        .replace('>', "%3E")
        .replace(' ', "%20");
    format!("<{safe}>")
}

/// `s` escaped, at most `max` characters, never cut inside an entity.
fn escaped_within(s: &str, max: usize) -> String {
    cut_escaped(&escape(s), max)
}

/// Cut escaped text to `max` characters; an entity (`&amp;`) split by the cut is dropped whole.
fn cut_escaped(s: &str, max: usize) -> String {
    let cut = truncate_chars(s, max);
    if cut.len() == s.len() {
        return cut;
    }
    // The cut text ends in "…"; look for an unfinished entity just before it.
    let body = cut.trim_end_matches('…');
    match body.rfind('&') {
        Some(i) if !body[i..].contains(';') => format!("{}…", &body[..i]),
        _ => cut,
    }
}

pub(crate) async fn send(
    http_client: &reqwest::Client,
    channel: &ChannelConfig,
    msg: &Message,
) -> Result<(), DeliveryError> {
    let body = serde_json::to_vec(&body(msg))
        .map_err(|e| DeliveryError::permanent(format!("the body could not be written: {e}")))?;
    let answer = http::post_json(http_client, channel.url.expose().trim(), body, &[]).await?;
    if answer.status.is_success() {
        if answer.body.trim() == "ok" {
            Ok(())
        } else {
            Err(DeliveryError::permanent(format!(
                "Slack answered {} without \"ok\": {}",
                answer.status,
                http::snippet(&answer.body)
            )))
        }
    } else {
        Err(http::status_error("Slack", &answer, None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg() -> Message {
        Message {
            title: "풍월량 팔로워 하루 -5,000".into(),
            text: "<b>치지직</b> & 유튜브".into(),
            fields: vec![("팔로워".into(), "200,000 → 195,000".into())],
            url: Some("https://chzzk.naver.com/abc".into()),
            color: 0xD73A49,
            event: None,
            attachment: None,
        }
    }

    #[test]
    fn body_has_the_documented_shape() {
        assert_eq!(
            body(&msg()),
            json!({
                "text": "풍월량 팔로워 하루 -5,000\n&lt;b&gt;치지직&lt;/b&gt; &amp; 유튜브",
                "blocks": [
                    {"type": "header", "text": {"type": "plain_text", "text": "풍월량 팔로워 하루 -5,000", "emoji": true}},
                    {"type": "section", "text": {"type": "mrkdwn", "text": "&lt;b&gt;치지직&lt;/b&gt; &amp; 유튜브"}},
                    {"type": "section", "fields": [{"type": "mrkdwn", "text": "*팔로워*\n200,000 → 195,000"}]},
                    {"type": "context", "elements": [
                        {"type": "mrkdwn", "text": "<https://chzzk.naver.com/abc>"},
                        {"type": "mrkdwn", "text": "streamtide"},
                    ]},
                ],
            })
        );
    }

    #[test]
    fn limits_and_chunks() {
        let mut m = msg();
        m.title = "가".repeat(200);
        m.text = "&".repeat(4000);
        m.fields = (0..23)
            .map(|i| (format!("f{i}"), "값".repeat(3000)))
            .collect();
        let v = body(&m);
        let blocks = v["blocks"].as_array().unwrap();
        let header = blocks[0]["text"]["text"].as_str().unwrap();
        assert_eq!(header.chars().count(), MAX_HEADER);
        let section = blocks[1]["text"]["text"].as_str().unwrap();
        assert!(section.chars().count() <= MAX_SECTION_TEXT);
        // Cut between entities, never inside one.
        assert!(
            section.trim_end_matches('…').ends_with("&amp;"),
            "{section}"
        );
        let sizes: Vec<usize> = blocks[2..5]
            .iter()
            .map(|b| b["fields"].as_array().unwrap().len())
            .collect();
        assert_eq!(sizes, vec![10, 10, 3]);
        for b in &blocks[2..5] {
            for f in b["fields"].as_array().unwrap() {
                assert!(f["text"].as_str().unwrap().chars().count() <= MAX_FIELD_TEXT);
            }
        }
        assert_eq!(blocks[5]["type"], "context");
    }

    #[test]
    fn links_cannot_break_out() {
        assert_eq!(link("https://x.kr/a|b>c d"), "<https://x.kr/a%7Cb%3Ec%20d>");
    }
}
