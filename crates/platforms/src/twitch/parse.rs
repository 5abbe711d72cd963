//! Pure Twitch Helix parse functions: bytes in, normalised observations out.
//!
//! No IO here, so every capture can be fed straight in by tests.

use chrono::{DateTime, Utc};
use streamtide_core::{
    ChannelId, ChannelInfo, ChannelRef, LiveBroadcast, Platform, VideoKind, VideoObservation,
};

use super::wire;
use crate::items::{self, decode_each, RawItem};
use crate::ParseFailure;

/// Size substituted into Twitch's `{width}x{height}` thumbnail templates.
pub const THUMBNAIL_SIZE: &str = "440x248";

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

fn rfc3339(s: Option<&str>) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s?.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Fill a stream (`{width}x{height}`) or VOD (`%{width}x%{height}`) thumbnail template.
pub fn thumbnail(template: Option<&str>) -> Option<String> {
    let t = template?.trim();
    if t.is_empty() {
        return None;
    }
    Some(
        t.replace("%{width}x%{height}", THUMBNAIL_SIZE)
            .replace("{width}x{height}", THUMBNAIL_SIZE),
    )
}

/// Where a viewer watches a channel.
pub fn live_url(login: &str) -> String {
    format!("https://www.twitch.tv/{login}")
}

/// A Helix error body (`{"error","status","message"}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelixError {
    pub status: i64,
    pub error: String,
    pub message: String,
}

/// The error body of a non-2xx Helix answer; `None` when the body is not one.
pub fn parse_error(body: &[u8]) -> Option<HelixError> {
    let e: wire::Error = serde_json::from_slice(body).ok()?;
    Some(HelixError {
        status: e.status?,
        error: e.error.unwrap_or_default(),
        message: e.message.unwrap_or_default(),
    })
}

/// `POST /oauth2/token` (client credentials): the token and its lifetime in seconds.
pub fn parse_token(body: &[u8]) -> Result<(String, u64), ParseFailure> {
    let t: wire::Token = ParseFailure::decode(body)?;
    let token = non_empty(t.access_token).ok_or_else(|| ParseFailure::missing("access_token"))?;
    let expires_in = t
        .expires_in
        .ok_or_else(|| ParseFailure::missing("expires_in"))?;
    Ok((token, expires_in))
}

/// What `GET /oauth2/validate` says about a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    pub client_id: String,
    /// `None` for an app access token.
    pub login: Option<String>,
    pub user_id: Option<String>,
    pub expires_in: Option<u64>,
}

/// `GET /oauth2/validate`.
pub fn parse_validate(body: &[u8]) -> Result<TokenInfo, ParseFailure> {
    let v: wire::Validate = ParseFailure::decode(body)?;
    Ok(TokenInfo {
        client_id: v
            .client_id
            .ok_or_else(|| ParseFailure::missing("client_id"))?,
        login: non_empty(v.login),
        user_id: non_empty(v.user_id),
        expires_in: v.expires_in,
    })
}

/// `/helix/users`: one [`ChannelInfo`] per user (handle = login). Unknown ids are simply absent.
pub fn parse_users(body: &[u8]) -> Result<Vec<ChannelInfo>, ParseFailure> {
    let page: wire::Page<RawItem> = ParseFailure::decode(body)?;
    let data = page.data.unwrap_or_default();
    decode_each(Platform::Twitch, "data", data, |u: wire::User, i| {
        let id = non_empty(u.id).ok_or_else(|| ParseFailure::missing(&format!("data[{i}].id")))?;
        let login = non_empty(u.login);
        Ok(Some(ChannelInfo {
            platform: Platform::Twitch,
            channel_id: ChannelId(id),
            name: non_empty(u.display_name)
                .or_else(|| login.clone())
                .unwrap_or_default(),
            handle: login,
            avatar_url: non_empty(u.profile_image_url),
            description: non_empty(u.description),
        }))
    })
}

/// `/helix/streams`: the live broadcasts and the cursor of the next page (`None` at the end).
pub fn parse_streams(body: &[u8]) -> Result<(Vec<LiveBroadcast>, Option<String>), ParseFailure> {
    let page: wire::Page<RawItem> = ParseFailure::decode(body)?;
    let data = page.data.unwrap_or_default();
    let out = decode_each(Platform::Twitch, "data", data, |s: wire::Stream, i| {
        // `type` is "live", or "" on an error; only live streams count.
        if s.kind.as_deref().is_some_and(|k| k != "live") {
            return Ok(None);
        }
        let user_id = non_empty(s.user_id)
            .ok_or_else(|| ParseFailure::missing(&format!("data[{i}].user_id")))?;
        let viewers = s
            .viewer_count
            .ok_or_else(|| ParseFailure::missing(&format!("data[{i}].viewer_count")))?;
        let login = non_empty(s.user_login).unwrap_or_else(|| user_id.clone());
        Ok(Some(LiveBroadcast {
            platform: Platform::Twitch,
            url: live_url(&login),
            channel_id: ChannelId(user_id),
            channel_name: non_empty(s.user_name).or(Some(login)),
            channel_avatar_url: None,
            broadcast_id: non_empty(s.id),
            title: s.title.unwrap_or_default(),
            viewers: items::viewers(viewers),
            category_id: non_empty(s.game_id),
            category_name: non_empty(s.game_name),
            tags: s.tags.unwrap_or_default(),
            thumbnail_url: thumbnail(s.thumbnail_url.as_deref()),
            started_at: rfc3339(s.started_at.as_deref()),
            adult: s.is_mature.unwrap_or(false),
            language: non_empty(s.language),
        }))
    })?;
    Ok((out, next_cursor(page.pagination)))
}

fn next_cursor(p: Option<wire::Pagination>) -> Option<String> {
    p.and_then(|p| p.cursor).filter(|c| !c.is_empty())
}

/// `/helix/channels/followers`: the follower `total` (all an app access token gets).
pub fn parse_followers_total(body: &[u8]) -> Result<u64, ParseFailure> {
    // The items are skipped unread: only the total is wanted.
    let page: wire::Page<serde::de::IgnoredAny> = ParseFailure::decode(body)?;
    items::with_fields_counted(Platform::Twitch, || items::count_field(page.total))
        .ok_or_else(|| ParseFailure::missing("total"))
}

/// A Helix duration like `3m21s`, `1h2m3s` or `45s`, in seconds.
pub fn parse_duration(s: &str) -> Option<u64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let mut total: u64 = 0;
    let mut num = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let n: u64 = num.parse().ok()?;
        num.clear();
        let unit = match c {
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => return None,
        };
        // An absurd duration is no duration, not an overflow.
        total = total.checked_add(n.checked_mul(unit)?)?;
    }
    num.is_empty().then_some(total)
}

fn video_kind(kind: Option<&str>) -> VideoKind {
    match kind {
        Some("archive") => VideoKind::Replay,
        Some("upload") => VideoKind::Upload,
        Some("highlight") => VideoKind::Clip,
        _ => VideoKind::Other,
    }
}

/// `/helix/videos`: videos with their view counts, in the order served (newest first).
pub fn parse_videos(body: &[u8], channel_id: &str) -> Result<Vec<VideoObservation>, ParseFailure> {
    let (videos, _) = parse_videos_page(body, channel_id)?;
    Ok(videos)
}

/// `/helix/videos` with the cursor of the next page.
pub fn parse_videos_page(
    body: &[u8],
    channel_id: &str,
) -> Result<(Vec<VideoObservation>, Option<String>), ParseFailure> {
    let page: wire::Page<RawItem> = ParseFailure::decode(body)?;
    let data = page.data.unwrap_or_default();
    let out = decode_each(Platform::Twitch, "data", data, |v: wire::Video, i| {
        let id = non_empty(v.id).ok_or_else(|| ParseFailure::missing(&format!("data[{i}].id")))?;
        Ok(Some(VideoObservation {
            platform: Platform::Twitch,
            channel_id: ChannelId::new(non_empty(v.user_id).unwrap_or_else(|| channel_id.into())),
            video_id: id,
            title: v.title.unwrap_or_default(),
            kind: video_kind(v.kind.as_deref()),
            published_at: rfc3339(v.published_at.as_deref())
                .or_else(|| rfc3339(v.created_at.as_deref())),
            duration_secs: items::duration_field(v.duration.as_deref().and_then(parse_duration)),
            views: items::count_field(v.view_count),
            likes: None,
            comments: None,
            thumbnail_url: thumbnail(v.thumbnail_url.as_deref()),
            adult: false,
            category_name: None,
        }))
    })?;
    Ok((out, next_cursor(page.pagination)))
}

/// One item of Get Channel Information.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelInformation {
    pub channel_id: ChannelId,
    pub login: Option<String>,
    pub name: Option<String>,
    /// `broadcaster_language`: a cheap "is it Korean?" signal.
    pub language: Option<String>,
    pub category_id: Option<String>,
    pub category_name: Option<String>,
    pub title: Option<String>,
    pub tags: Vec<String>,
}

/// `/helix/channels?broadcaster_id=`.
pub fn parse_channel_information(body: &[u8]) -> Result<Vec<ChannelInformation>, ParseFailure> {
    let page: wire::Page<RawItem> = ParseFailure::decode(body)?;
    let data = page.data.unwrap_or_default();
    decode_each(
        Platform::Twitch,
        "data",
        data,
        |c: wire::ChannelInformation, i| {
            Ok(Some(ChannelInformation {
                channel_id: ChannelId(
                    non_empty(c.broadcaster_id).ok_or_else(|| {
                        ParseFailure::missing(&format!("data[{i}].broadcaster_id"))
                    })?,
                ),
                login: non_empty(c.broadcaster_login),
                name: non_empty(c.broadcaster_name),
                language: non_empty(c.broadcaster_language),
                category_id: non_empty(c.game_id),
                category_name: non_empty(c.game_name),
                title: non_empty(c.title),
                tags: c.tags.unwrap_or_default(),
            }))
        },
    )
}

/// `/helix/search/channels`: channels with whether each is live now.
pub fn parse_search_channels(body: &[u8]) -> Result<Vec<(ChannelInfo, bool)>, ParseFailure> {
    let page: wire::Page<RawItem> = ParseFailure::decode(body)?;
    let data = page.data.unwrap_or_default();
    decode_each(
        Platform::Twitch,
        "data",
        data,
        |c: wire::SearchChannel, i| {
            let id =
                non_empty(c.id).ok_or_else(|| ParseFailure::missing(&format!("data[{i}].id")))?;
            let login = non_empty(c.broadcaster_login);
            Ok(Some((
                ChannelInfo {
                    platform: Platform::Twitch,
                    channel_id: ChannelId(id),
                    name: non_empty(c.display_name)
                        .or_else(|| login.clone())
                        .unwrap_or_default(),
                    handle: login,
                    avatar_url: non_empty(c.thumbnail_url),
                    description: None,
                },
                c.is_live.unwrap_or(false),
            )))
        },
    )
}

/// The cost side of an EventSub subscription answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventSubCost {
    /// `(id, type, status, cost)` of each subscription.
    pub subscriptions: Vec<(String, String, String, u64)>,
    pub total_cost: Option<u64>,
    pub max_total_cost: Option<u64>,
}

/// `POST /helix/eventsub/subscriptions` answer: each subscription and the cost totals.
pub fn parse_eventsub_subscriptions(body: &[u8]) -> Result<EventSubCost, ParseFailure> {
    let a: wire::EventSubAnswer = ParseFailure::decode(body)?;
    Ok(EventSubCost {
        subscriptions: a
            .data
            .into_iter()
            .map(|s| {
                (
                    s.id.unwrap_or_default(),
                    s.kind.unwrap_or_default(),
                    s.status.unwrap_or_default(),
                    s.cost.unwrap_or(0),
                )
            })
            .collect(),
        total_cost: a.total_cost,
        max_total_cost: a.max_total_cost,
    })
}

/// Twitch logins: 1–25 characters of ASCII letters, digits and `_`.
pub fn is_login(s: &str) -> bool {
    (1..=25).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// First path segments of twitch.tv that are pages, not channels.
const NOT_CHANNELS: &[&str] = &[
    "directory",
    "videos",
    "p",
    "settings",
    "search",
    "downloads",
    "jobs",
    "turbo",
    "store",
    "subscriptions",
    "inventory",
    "wallet",
    "drops",
    "friends",
    "messages",
    "login",
    "signup",
];

/// Recognise `twitch.tv/<login>` (also `www.`, `m.`, with or without scheme), `twitch:<login>`
/// and `twitch:id:<numeric id>`. Logins are handles (they can be renamed); ids are stable.
pub fn parse_channel_ref(input: &str) -> Option<ChannelRef> {
    let s = input.trim();
    if let Some(rest) = s.strip_prefix("twitch:") {
        let rest = rest.trim();
        if let Some(id) = rest.strip_prefix("id:") {
            let id = id.trim();
            return (!id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
                .then(|| ChannelRef::id(Platform::Twitch, id));
        }
        let login = rest.trim_start_matches('@').to_ascii_lowercase();
        return is_login(&login).then(|| ChannelRef::handle(Platform::Twitch, login));
    }
    let no_scheme = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .unwrap_or(s);
    let (host, path) = no_scheme.split_once('/')?;
    let host = host.to_ascii_lowercase();
    if !matches!(host.as_str(), "twitch.tv" | "www.twitch.tv" | "m.twitch.tv") {
        return None;
    }
    let first = path.split(['?', '#']).next()?.split('/').next()?;
    let login = first.to_ascii_lowercase();
    if NOT_CHANNELS.contains(&login.as_str()) || !is_login(&login) {
        return None;
    }
    Some(ChannelRef::handle(Platform::Twitch, login))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("3m21s"), Some(201));
        assert_eq!(parse_duration("1h2m3s"), Some(3723));
        assert_eq!(parse_duration("45s"), Some(45));
        assert_eq!(parse_duration("2h"), Some(7200));
        assert_eq!(parse_duration(""), None);
        assert_eq!(parse_duration("12"), None);
        assert_eq!(parse_duration("3x"), None);
    }

    #[test]
    fn channel_refs() {
        let h = |l: &str| Some(ChannelRef::handle(Platform::Twitch, l));
        assert_eq!(
            parse_channel_ref("https://www.twitch.tv/TwitchDev"),
            h("twitchdev")
        );
        assert_eq!(
            parse_channel_ref("twitch.tv/twitchdev/videos?x=1"),
            h("twitchdev")
        );
        assert_eq!(
            parse_channel_ref("http://m.twitch.tv/a_seagull"),
            h("a_seagull")
        );
        assert_eq!(parse_channel_ref("twitch:twitchdev"), h("twitchdev"));
        assert_eq!(
            parse_channel_ref("twitch:id:141981764"),
            Some(ChannelRef::id(Platform::Twitch, "141981764"))
        );
        assert_eq!(parse_channel_ref("twitch:id:abc"), None);
        assert_eq!(parse_channel_ref("https://www.twitch.tv/directory"), None);
        assert_eq!(parse_channel_ref("https://www.twitch.tv/"), None);
        assert_eq!(parse_channel_ref("https://youtube.com/@x"), None);
        assert_eq!(parse_channel_ref("twitchdev"), None);
    }

    #[test]
    fn thumbnails_are_filled() {
        assert_eq!(
            thumbnail(Some("https://x/live_user_a-{width}x{height}.jpg")).as_deref(),
            Some("https://x/live_user_a-440x248.jpg")
        );
        assert_eq!(
            thumbnail(Some("https://x/index-0-%{width}x%{height}.jpg")).as_deref(),
            Some("https://x/index-0-440x248.jpg")
        );
        assert_eq!(thumbnail(Some("")), None);
    }
}
