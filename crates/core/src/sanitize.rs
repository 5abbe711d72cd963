//! What a platform figure or string may be before streamtide keeps it: ceilings for counts,
//! clean text, safe URLs.
//!
//! Pure functions, so a platform parser can apply the same rules per item and the store applies
//! them again at its boundary (the last line: nothing absurd reaches a table). A count above its
//! ceiling is not clamped but *unknown* (`None`): 2⁶³−1 viewers is a broken reply, not a big
//! channel, and a clamped figure would still be a lie on every chart.
//!
//! Ceilings are far above anything real (the largest concurrent audience ever reported is a few
//! million; the most-viewed channel has a few hundred billion views) and below 2⁵³, so every kept
//! figure is exact as a double (JSON clients) and sums of them cannot overflow an `i64`.

use crate::{
    ChannelId, ChannelInfo, ChannelObservation, LiveBroadcast, LiveState, VideoObservation,
};

/// Concurrent viewers of one broadcast: at most 100 million.
pub const MAX_VIEWERS: u64 = 100_000_000;
/// Followers, total views, video counts, likes, comments: at most 10 trillion (< 2⁵³).
pub const MAX_COUNT: u64 = 10_000_000_000_000;
/// A video's length: at most one year.
pub const MAX_DURATION_SECS: u64 = 366 * 24 * 3600;
/// Names, handles, categories, tags, ids: characters kept.
pub const MAX_NAME_CHARS: usize = 200;
/// Titles: characters kept.
pub const MAX_TITLE_CHARS: usize = 500;
/// Descriptions: characters kept.
pub const MAX_TEXT_CHARS: usize = 5_000;
/// URLs longer than this are dropped, not cut (a cut URL points elsewhere).
pub const MAX_URL_CHARS: usize = 2_048;
/// Tags kept per broadcast.
pub const MAX_TAGS: usize = 50;

/// `v` if `v <= max`, else `None` (and `rejected` counts it).
pub fn bounded(v: u64, max: u64, rejected: &mut u64) -> Option<u64> {
    if v <= max {
        Some(v)
    } else {
        *rejected += 1;
        None
    }
}

/// A count that may be unknown: `None` stays `None`, one above `max` becomes `None`.
pub fn bounded_opt(v: Option<u64>, max: u64, rejected: &mut u64) -> Option<u64> {
    v.and_then(|v| bounded(v, max, rejected))
}

/// Bidirectional formatting characters: they reorder what a terminal or page shows around them
/// (the "Trojan Source" family) and carry no meaning in a name or title.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters never kept: NUL and other C0/C1 controls (terminal escapes start with ESC or CSI),
/// DEL, bidi controls, and U+FFFE/U+FFFF. `keep_newlines` keeps `\n` and `\t` (descriptions).
fn dropped(c: char, keep_newlines: bool) -> bool {
    if keep_newlines && (c == '\n' || c == '\t') {
        return false;
    }
    c.is_control() || is_bidi_control(c) || c == '\u{FFFE}' || c == '\u{FFFF}'
}

fn clean(s: &str, max_chars: usize, keep_newlines: bool) -> String {
    let mut out = String::with_capacity(s.len().min(max_chars * 4));
    let mut n = 0;
    for c in s.chars() {
        if n == max_chars {
            break;
        }
        if dropped(c, keep_newlines) {
            continue;
        }
        out.push(c);
        n += 1;
    }
    // A trim after the cut, so a name made only of controls becomes empty ("no name").
    let trimmed = out.trim();
    if trimmed.len() == out.len() {
        out
    } else {
        trimmed.to_string()
    }
}

/// A name, handle, category, tag or id: no controls, no bidi characters, trimmed, at most
/// [`MAX_NAME_CHARS`] characters.
pub fn name(s: &str) -> String {
    clean(s, MAX_NAME_CHARS, false)
}

/// A title: as [`name`], up to [`MAX_TITLE_CHARS`].
pub fn title(s: &str) -> String {
    clean(s, MAX_TITLE_CHARS, false)
}

/// A description: newlines and tabs kept, other controls dropped, up to [`MAX_TEXT_CHARS`].
pub fn text(s: &str) -> String {
    clean(s, MAX_TEXT_CHARS, true)
}

/// A URL kept only if it is absolute `https:` or `http:` with a host, has no whitespace or
/// control characters, and is at most [`MAX_URL_CHARS`] long. `javascript:`, `data:`,
/// protocol-relative (`//host/…`) and relative URLs give `None`. (`http:` stays allowed here
/// because the store cannot tell which platform serves it; a parser that knows its platform is
/// https-only can call [`https_url`].)
pub fn url(s: &str) -> Option<String> {
    let s = s.trim();
    if s.len() > MAX_URL_CHARS || s.chars().any(|c| c.is_whitespace() || dropped(c, false)) {
        return None;
    }
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &s[8..]
    } else if lower.starts_with("http://") {
        &s[7..]
    } else {
        return None;
    };
    // A host must follow: not empty, not another slash (`http:///x`), no credentials trick
    // deciding the host elsewhere is left to the URL parser of whoever fetches it.
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    if rest[..host_end].is_empty() {
        return None;
    }
    Some(s.to_string())
}

/// As [`url`], but `https:` only.
pub fn https_url(s: &str) -> Option<String> {
    url(s).filter(|u| {
        u.get(..8)
            .is_some_and(|p| p.eq_ignore_ascii_case("https://"))
    })
}

fn url_opt(s: Option<&str>, rejected: &mut u64) -> Option<String> {
    let s = s?;
    if s.trim().is_empty() {
        return None;
    }
    let kept = url(s);
    if kept.is_none() {
        *rejected += 1;
    }
    kept
}

fn name_opt(s: Option<&str>) -> Option<String> {
    s.map(name)
}

/// A live broadcast as the store may keep it, and whether its viewer count is known. An absurd
/// count cannot be `None` in [`LiveBroadcast`], so the flag says to record the sighting without
/// a viewer sample.
pub fn live_broadcast(b: &LiveBroadcast, rejected: &mut u64) -> (LiveBroadcast, bool) {
    let viewers = bounded(b.viewers, MAX_VIEWERS, rejected);
    let clean = LiveBroadcast {
        platform: b.platform,
        channel_id: ChannelId::new(name(b.channel_id.as_str())),
        channel_name: name_opt(b.channel_name.as_deref()),
        channel_avatar_url: url_opt(b.channel_avatar_url.as_deref(), rejected),
        broadcast_id: name_opt(b.broadcast_id.as_deref()).filter(|s| !s.is_empty()),
        title: title(&b.title),
        viewers: viewers.unwrap_or(0),
        category_id: name_opt(b.category_id.as_deref()).filter(|s| !s.is_empty()),
        category_name: name_opt(b.category_name.as_deref()).filter(|s| !s.is_empty()),
        tags: b
            .tags
            .iter()
            .map(|t| name(t))
            .filter(|t| !t.is_empty())
            .take(MAX_TAGS)
            .collect(),
        thumbnail_url: url_opt(b.thumbnail_url.as_deref(), rejected),
        started_at: b.started_at,
        adult: b.adult,
        language: name_opt(b.language.as_deref()).filter(|s| !s.is_empty()),
        url: url(&b.url).unwrap_or_default(),
    };
    (clean, viewers.is_some())
}

/// A channel observation as the store may keep it. A live state whose viewer count is absurd
/// becomes [`LiveState::Unknown`]: the call did not tell us anything we can use about the
/// broadcast, so nothing is opened or closed on its word.
pub fn channel_observation(o: &ChannelObservation, rejected: &mut u64) -> ChannelObservation {
    let info = channel_info(&o.info, rejected);
    let stats = crate::ChannelStats {
        followers: bounded_opt(o.stats.followers, MAX_COUNT, rejected),
        total_views: bounded_opt(o.stats.total_views, MAX_COUNT, rejected),
        video_count: bounded_opt(o.stats.video_count, MAX_COUNT, rejected),
    };
    let live = match &o.live {
        LiveState::Live(b) => match live_broadcast(b, rejected) {
            (b, true) => LiveState::Live(Box::new(b)),
            (_, false) => LiveState::Unknown,
        },
        other => other.clone(),
    };
    ChannelObservation { info, stats, live }
}

/// Who a channel is, as the store may keep it.
pub fn channel_info(i: &ChannelInfo, rejected: &mut u64) -> ChannelInfo {
    ChannelInfo {
        platform: i.platform,
        channel_id: ChannelId::new(name(i.channel_id.as_str())),
        name: name(&i.name),
        handle: name_opt(i.handle.as_deref()).filter(|s| !s.is_empty()),
        avatar_url: url_opt(i.avatar_url.as_deref(), rejected),
        description: i.description.as_deref().map(text),
    }
}

/// A video observation as the store may keep it.
pub fn video(v: &VideoObservation, rejected: &mut u64) -> VideoObservation {
    VideoObservation {
        platform: v.platform,
        channel_id: ChannelId::new(name(v.channel_id.as_str())),
        video_id: name(&v.video_id),
        title: title(&v.title),
        kind: v.kind,
        published_at: v.published_at,
        duration_secs: bounded_opt(v.duration_secs, MAX_DURATION_SECS, rejected),
        views: bounded_opt(v.views, MAX_COUNT, rejected),
        likes: bounded_opt(v.likes, MAX_COUNT, rejected),
        comments: bounded_opt(v.comments, MAX_COUNT, rejected),
        thumbnail_url: url_opt(v.thumbnail_url.as_deref(), rejected),
        adult: v.adult,
        category_name: name_opt(v.category_name.as_deref()).filter(|s| !s.is_empty()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_above_the_ceiling_are_unknown_and_counted() {
        let mut r = 0;
        assert_eq!(bounded(0, MAX_VIEWERS, &mut r), Some(0));
        assert_eq!(bounded(MAX_VIEWERS, MAX_VIEWERS, &mut r), Some(MAX_VIEWERS));
        assert_eq!(bounded(1 << 53, MAX_COUNT, &mut r), None);
        assert_eq!(bounded(i64::MAX as u64, MAX_VIEWERS, &mut r), None);
        assert_eq!(bounded(u64::MAX, MAX_COUNT, &mut r), None);
        assert_eq!(r, 3);
        const { assert!(MAX_COUNT < 1 << 53) };
    }

    #[test]
    fn text_loses_nul_controls_and_bidi_and_is_capped() {
        assert_eq!(
            name("a\0b\u{1b}[31mc\u{202E}d\u{2066}e\u{200F}"),
            "ab[31mcde"
        );
        assert_eq!(name("  \u{202E}  "), "");
        assert_eq!(name(&"가".repeat(1000)).chars().count(), MAX_NAME_CHARS);
        assert_eq!(title(&"x".repeat(10_000_000)).len(), MAX_TITLE_CHARS);
        assert_eq!(text("line 1\nline\t2\r\0"), "line 1\nline\t2");
        // U+FFFD (what a lone surrogate decodes to) is ordinary text and stays.
        assert_eq!(name("a\u{FFFD}b"), "a\u{FFFD}b");
    }

    #[test]
    fn only_absolute_http_urls_are_kept() {
        for ok in [
            "https://nng-phinf.pstatic.net/a.png",
            "HTTPS://i.ytimg.com/vi/x/hq.jpg",
            "http://127.0.0.1:8080/thumb/1.jpg",
        ] {
            assert_eq!(url(ok).as_deref(), Some(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:image/png;base64,AAAA",
            "//evil.example/x.png",
            "/relative.png",
            "https:///nohost",
            "https://",
            "https://a b",
            "https://a\0b",
            "ftp://x/y",
            "vbscript:x",
        ] {
            assert_eq!(url(bad), None, "{bad}");
        }
        assert_eq!(
            url(&format!("https://a/{}", "x".repeat(MAX_URL_CHARS))),
            None
        );
        assert_eq!(https_url("http://a/b"), None);
        assert_eq!(https_url("https://a/b").as_deref(), Some("https://a/b"));
    }
}
