//! The channel Atom feed (`/feeds/videos.xml?channel_id=UC…`): zero quota, the ~15 newest uploads.
//!
//! Not part of the Data API, so undocumented and best-effort. The feed is small and regular, so
//! it is read with a minimal scanner (elements by name, entities decoded) rather than a full XML
//! parser: `<entry>` blocks, their `yt:videoId`, `yt:channelId`, `title`, `published`, `updated`
//! and `media:statistics@views`. Real feeds (and the capture) may start with an empty line before
//! `<?xml …?>`, which strict parsers reject; leading whitespace is trimmed.

use chrono::{DateTime, Utc};

use super::parse::rfc3339;
use crate::ParseFailure;

/// One `<entry>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEntry {
    pub video_id: String,
    pub channel_id: Option<String>,
    pub title: String,
    pub published: Option<DateTime<Utc>>,
    pub updated: Option<DateTime<Utc>>,
    pub views: Option<u64>,
}

/// A channel feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feed {
    pub channel_id: Option<String>,
    pub title: Option<String>,
    /// Newest first, as served.
    pub entries: Vec<FeedEntry>,
}

/// Parse a channel feed.
pub fn parse_feed(body: &[u8]) -> Result<Feed, ParseFailure> {
    let text = std::str::from_utf8(body).map_err(|e| ParseFailure::Schema {
        path: "$".into(),
        message: format!("feed is not UTF-8: {e}"),
    })?;
    let text = text.trim_start_matches('\u{feff}').trim_start();
    let start = text.strip_prefix("<?xml").map_or(text, |rest| {
        rest.split_once("?>")
            .map_or("", |(_, after)| after.trim_start())
    });
    if !start.starts_with("<feed") {
        return Err(ParseFailure::Schema {
            path: "$".into(),
            message: "not an Atom feed (no <feed> root)".into(),
        });
    }
    let head = start.split("<entry>").next().unwrap_or("");
    let mut entries = Vec::new();
    for (i, block) in blocks(start, "entry").enumerate() {
        let video_id = text_of(block, "yt:videoId")
            .filter(|v| !v.is_empty())
            .ok_or_else(|| ParseFailure::missing(&format!("feed.entry[{i}].yt:videoId")))?;
        entries.push(FeedEntry {
            video_id,
            channel_id: text_of(block, "yt:channelId"),
            title: text_of(block, "title").unwrap_or_default(),
            published: rfc3339(text_of(block, "published").as_deref()),
            updated: rfc3339(text_of(block, "updated").as_deref()),
            views: attr_of(block, "media:statistics", "views").and_then(|v| v.parse().ok()),
        });
    }
    Ok(Feed {
        channel_id: text_of(head, "yt:channelId"),
        title: text_of(head, "title"),
        entries,
    })
}

/// The inner text of each `<name>…</name>` element, in order.
fn blocks<'a>(s: &'a str, name: &str) -> impl Iterator<Item = &'a str> + 'a {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let mut rest = s;
    std::iter::from_fn(move || {
        let start = rest.find(&open)? + open.len();
        let len = rest[start..].find(&close)?;
        let inner = &rest[start..start + len];
        rest = &rest[start + len + close.len()..];
        Some(inner)
    })
}

/// The decoded text of the first `<name>` element (attributes allowed on the tag).
fn text_of(s: &str, name: &str) -> Option<String> {
    let mut from = 0;
    loop {
        let at = s[from..].find(&format!("<{name}"))? + from;
        let after = &s[at + name.len() + 1..];
        // `<title>` must not match `<titles>`: the next character ends the name.
        match after.chars().next() {
            Some('>') | Some(' ') | Some('\n') | Some('\t') | Some('\r') => {}
            Some('/') => return Some(String::new()),
            _ => {
                from = at + 1;
                continue;
            }
        }
        let open_end = after.find('>')?;
        if after[..open_end].ends_with('/') {
            return Some(String::new());
        }
        let body = &after[open_end + 1..];
        let end = body.find(&format!("</{name}>"))?;
        return Some(unescape(body[..end].trim()));
    }
}

/// The decoded value of `attr` on the first `<name …>` tag.
fn attr_of(s: &str, name: &str, attr: &str) -> Option<String> {
    let at = s.find(&format!("<{name} "))?;
    let tag = &s[at..at + s[at..].find('>')?];
    let needle = format!(" {attr}=");
    let pos = tag.find(&needle)? + needle.len();
    let quote = tag[pos..].chars().next()?;
    if quote != '"' && quote != '\'' {
        return None;
    }
    let value = &tag[pos + 1..];
    let end = value.find(quote)?;
    Some(unescape(&value[..end]))
}

/// XML's five named entities, numeric references and CDATA sections.
fn unescape(s: &str) -> String {
    if let Some(raw) = s
        .strip_prefix("<![CDATA[")
        .and_then(|r| r.strip_suffix("]]>"))
    {
        return raw.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp..];
        let Some(semi) = after.find(';').filter(|n| *n <= 10) else {
            out.push('&');
            rest = &after[1..];
            continue;
        };
        let entity = &after[1..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &after[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_and_odd_input() {
        assert_eq!(
            unescape("a &amp; b &lt;3 &#44;&#x41; &bogus; & x"),
            "a & b <3 ,A &bogus; & x"
        );
        assert_eq!(unescape("<![CDATA[x & y]]>"), "x & y");
        let body = b"<feed><entry><yt:videoId>abc</yt:videoId><title>T &amp; U</title>\
            <media:statistics views=\"12\"/></entry><entry><title>no id</title></entry></feed>";
        let err = parse_feed(body).unwrap_err();
        assert!(err.to_string().contains("entry[1]"), "{err}");
        assert!(parse_feed(b"<html>nope</html>").is_err());
        let ok = parse_feed(b"\n<?xml version=\"1.0\"?>\n<feed><entry><yt:videoId>v</yt:videoId><title>T &amp; U</title><media:statistics views=\"12\"/></entry></feed>").unwrap();
        assert_eq!(ok.entries[0].title, "T & U");
        assert_eq!(ok.entries[0].views, Some(12));
        assert!(parse_feed(b"<feed></feed>").unwrap().entries.is_empty());
    }
}
