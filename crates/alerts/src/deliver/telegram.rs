//! Telegram: a bot's `sendMessage` to one chat.
//!
//! `POST {api_base}/bot{token}/sendMessage` with `{"chat_id","text","parse_mode":"HTML",
//! "disable_web_page_preview":true}`. The text is HTML with `<b>` and `<a>` only; everything
//! that comes from users (titles, names) is escaped (`&`, `<`, `>`, and `"` inside an
//! attribute), the four entities Telegram knows. It stays within Telegram's 4096 characters
//! (counted in UTF-16 units, after the markup is parsed) by cutting the text, then dropping the
//! last fields.
//!
//! The token is part of the URL's path, so the URL is never put into an error, a log line or
//! a `Debug` output: transport errors are rebuilt without it (see [`super::http`]) and
//! [`super::send`] scrubs the token from every message besides.
//!
//! The answer is JSON: `{"ok":true,…}` on success, otherwise `{"ok":false,"error_code",
//! "description"}`, with `parameters.retry_after` (seconds) on a 429.

use serde_json::{json, Value};

use super::{http, DeliveryError};
use crate::config::ChannelConfig;
use crate::message::Message;

/// A message's length limit, in UTF-16 units after the markup is parsed.
pub const MAX_TEXT: usize = 4096;
const MAX_TITLE: usize = 256;
const MAX_FIELD: usize = 256;
const MAX_URL: usize = 1024;

/// `s` escaped for Telegram's HTML text.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn escape_attr(s: &str) -> String {
    escape(s).replace('"', "&quot;")
}

fn units(s: &str) -> usize {
    s.encode_utf16().count()
}

/// At most `max` UTF-16 units of `s`, cut on a character boundary, ending in "…" when cut.
fn cut(s: &str, max: usize) -> String {
    if units(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        // Keep one unit for the ellipsis.
        if used + c.len_utf16() + 1 > max {
            break;
        }
        used += c.len_utf16();
        out.push(c);
    }
    if max > 0 {
        out.push('…');
    }
    out
}

/// The HTML text of `msg`:
///
/// ```text
/// <b>title</b>
/// text
///
/// <b>name</b>: value
/// …
///
/// <a href="url">url</a>
/// ```
pub fn html(msg: &Message) -> String {
    let title = cut(msg.title.trim(), MAX_TITLE);
    let url = msg
        .url
        .as_deref()
        .filter(|u| super::discord::is_http_url(u) && units(u) <= MAX_URL);
    // What the reader sees (the parsed text) decides the length; the markup does not count.
    let mut visible = units(&title);
    if let Some(u) = url {
        visible += 2 + units(u);
    }
    let mut fields = Vec::new();
    for (name, value) in &msg.fields {
        let (name, value) = (cut(name, MAX_FIELD), cut(value, MAX_FIELD));
        let line = units(&name) + 2 + units(&value);
        // Leave the text some room: it is the message; the fields only repeat its figures.
        if visible + 2 + line + 1 > MAX_TEXT - 200 {
            break;
        }
        visible += line + 1 + usize::from(fields.is_empty());
        fields.push((name, value));
    }
    let room = MAX_TEXT.saturating_sub(visible + 1);
    let text = cut(msg.text.trim(), room);

    let mut out = format!("<b>{}</b>", escape(&title));
    if !text.is_empty() {
        out.push('\n');
        out.push_str(&escape(&text));
    }
    if !fields.is_empty() {
        out.push('\n');
        for (name, value) in &fields {
            out.push_str(&format!("\n<b>{}</b>: {}", escape(name), escape(value)));
        }
    }
    if let Some(u) = url {
        out.push_str(&format!(
            "\n\n<a href=\"{}\">{}</a>",
            escape_attr(u),
            escape(u)
        ));
    }
    out
}

/// The request body for `msg` to `chat_id`.
pub fn body(chat_id: &str, msg: &Message) -> Value {
    json!({
        "chat_id": chat_id.trim(),
        "text": html(msg),
        "parse_mode": "HTML",
        "disable_web_page_preview": true,
    })
}

/// The `sendMessage` address. It contains the token: never show it.
fn endpoint(api_base: &str, token: &str) -> String {
    format!(
        "{}/bot{}/sendMessage",
        api_base.trim().trim_end_matches('/'),
        token.trim()
    )
}

/// What Telegram said: `ok`, and on failure its description and the wait of a 429.
fn parse_answer(body: &str) -> (bool, Option<String>, Option<std::time::Duration>) {
    let Ok(v) = serde_json::from_str::<Value>(body) else {
        return (false, None, None);
    };
    let ok = v.get("ok").and_then(Value::as_bool).unwrap_or(false);
    let description = v
        .get("description")
        .and_then(Value::as_str)
        .map(str::to_string);
    let wait = v
        .pointer("/parameters/retry_after")
        .and_then(Value::as_f64)
        .and_then(http::duration_from_secs);
    (ok, description, wait)
}

pub(crate) async fn send(
    http_client: &reqwest::Client,
    channel: &ChannelConfig,
    msg: &Message,
) -> Result<(), DeliveryError> {
    let body = serde_json::to_vec(&body(&channel.chat_id, msg))
        .map_err(|e| DeliveryError::permanent(format!("the body could not be written: {e}")))?;
    let url = endpoint(&channel.api_base, channel.token.expose());
    let answer = http::post_json(http_client, &url, body, &[]).await?;
    let (ok, description, wait) = parse_answer(&answer.body);
    if answer.status.is_success() && ok {
        return Ok(());
    }
    if answer.status.is_success() {
        return Err(DeliveryError::permanent(format!(
            "Telegram answered {} without \"ok\":true: {}",
            answer.status,
            description.unwrap_or_else(|| http::snippet(&answer.body))
        )));
    }
    Err(http::status_error("Telegram", &answer, wait))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg() -> Message {
        Message {
            title: "풍월량 <방송> 시작".into(),
            text: "치지직 · A&B \"특집\"".into(),
            fields: vec![("시청자".into(), "12,345".into())],
            url: Some("https://chzzk.naver.com/live/abc?a=1&b=\"2\"".into()),
            color: 0,
            event: None,
            attachment: None,
        }
    }

    #[test]
    fn body_has_the_documented_shape() {
        assert_eq!(
            body(" -1001234 ", &msg()),
            json!({
                "chat_id": "-1001234",
                "text": "<b>풍월량 &lt;방송&gt; 시작</b>\n치지직 · A&amp;B \"특집\"\n\n<b>시청자</b>: 12,345\n\n<a href=\"https://chzzk.naver.com/live/abc?a=1&amp;b=&quot;2&quot;\">https://chzzk.naver.com/live/abc?a=1&amp;b=\"2\"</a>",
                "parse_mode": "HTML",
                "disable_web_page_preview": true,
            })
        );
    }

    /// The text as Telegram shows it: tags removed, entities decoded.
    fn visible(html: &str) -> String {
        let mut out = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        out.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
    }

    #[test]
    fn long_messages_fit_in_4096_units() {
        let mut m = msg();
        m.title = "😀".repeat(500);
        m.text = "<&>".repeat(3000);
        m.fields = (0..100)
            .map(|i| (format!("f{i}"), "값".repeat(300)))
            .collect();
        let h = html(&m);
        let shown = visible(&h);
        assert!(units(&shown) <= MAX_TEXT, "{}", units(&shown));
        // The text is cut, not dropped, and the link survives.
        assert!(shown.contains("<&><&>"));
        assert!(shown.ends_with("https://chzzk.naver.com/live/abc?a=1&b=\"2\""));
        // No raw markup from user text.
        assert!(!h.contains("<&>"));
    }

    #[test]
    fn cut_respects_utf16_and_boundaries() {
        assert_eq!(cut("😀😀😀", 6), "😀😀😀");
        assert_eq!(cut("😀😀😀", 5), "😀😀…");
        assert_eq!(cut("가나다라", 3), "가나…");
    }

    #[test]
    fn answers() {
        assert!(parse_answer(r#"{"ok":true,"result":{}}"#).0);
        let (ok, d, w) = parse_answer(
            r#"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}}"#,
        );
        assert!(!ok);
        assert_eq!(d.as_deref(), Some("Too Many Requests: retry after 7"));
        assert_eq!(w, Some(std::time::Duration::from_secs(7)));
        assert_eq!(parse_answer("<html>"), (false, None, None));
        assert_eq!(
            endpoint("http://127.0.0.1:1/", "1:A"),
            "http://127.0.0.1:1/bot1:A/sendMessage"
        );
    }
}
