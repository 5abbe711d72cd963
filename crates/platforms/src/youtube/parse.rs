//! Pure YouTube Data API parse functions: bytes in, normalised observations out.

use chrono::{DateTime, Utc};
use streamtide_core::{
    ChannelId, ChannelInfo, ChannelRef, ChannelStats, LiveBroadcast, LiveState, Platform,
    VideoKind, VideoObservation,
};

use super::wire;
use crate::items::{self, decode_each, RawItem};
use crate::ParseFailure;

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

pub(crate) fn rfc3339(s: Option<&str>) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s?.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The largest thumbnail offered among the usual sizes.
fn best_thumbnail(t: Option<&wire::Thumbnails>) -> Option<String> {
    let t = t?;
    ["maxres", "standard", "high", "medium", "default"]
        .iter()
        .find_map(|k| t.get(*k).and_then(|th| non_empty(th.url.clone())))
}

/// Where a viewer watches a video.
pub fn watch_url(video_id: &str) -> String {
    format!("https://www.youtube.com/watch?v={video_id}")
}

/// The uploads playlist of a channel: `UC…` with the prefix changed to `UU…`.
pub fn uploads_playlist(channel_id: &str) -> Option<String> {
    channel_id
        .strip_prefix("UC")
        .map(|rest| format!("UU{rest}"))
}

/// A channel as `channels.list part=snippet,statistics,contentDetails` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelItem {
    pub info: ChannelInfo,
    /// `followers` is the subscriber count. YouTube rounds public subscriber counts above 1,000
    /// down to three significant figures (since September 2019: 1,927,873 shows as 1,920,000), so
    /// day-to-day deltas are step functions; `hiddenSubscriberCount: true` gives `None`.
    pub stats: ChannelStats,
    /// `contentDetails.relatedPlaylists.uploads` (`UU…`).
    pub uploads_playlist: Option<String>,
}

/// `channels.list`: the channels found; ids the API does not know are simply absent.
pub fn parse_channels(body: &[u8]) -> Result<Vec<ChannelItem>, ParseFailure> {
    let list: wire::List<RawItem> = ParseFailure::decode(body)?;
    decode_each(
        Platform::Youtube,
        "items",
        list.items,
        |c: wire::Channel, i| {
            let id =
                non_empty(c.id).ok_or_else(|| ParseFailure::missing(&format!("items[{i}].id")))?;
            let (name, description, handle, avatar) = match c.snippet {
                Some(s) => (
                    s.title.unwrap_or_default(),
                    non_empty(s.description),
                    non_empty(s.custom_url),
                    best_thumbnail(s.thumbnails.as_ref()),
                ),
                None => (String::new(), None, None, None),
            };
            let stats = match c.statistics {
                Some(st) => ChannelStats {
                    followers: if st.hidden_subscriber_count == Some(true) {
                        None
                    } else {
                        items::count_field(st.subscriber_count)
                    },
                    total_views: items::count_field(st.view_count),
                    video_count: items::count_field(st.video_count),
                },
                None => ChannelStats::default(),
            };
            let uploads = c
                .content_details
                .and_then(|d| d.related_playlists)
                .and_then(|p| non_empty(p.uploads))
                .or_else(|| uploads_playlist(&id));
            Ok(Some(ChannelItem {
                info: ChannelInfo {
                    platform: Platform::Youtube,
                    channel_id: ChannelId(id),
                    name,
                    handle,
                    avatar_url: avatar,
                    description,
                },
                stats,
                uploads_playlist: uploads,
            }))
        },
    )
}

/// One `videos.list` item, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VideoItem {
    pub video_id: String,
    pub channel_id: Option<String>,
    pub channel_title: Option<String>,
    pub title: String,
    pub published_at: Option<DateTime<Utc>>,
    pub category_id: Option<String>,
    pub tags: Vec<String>,
    pub language: Option<String>,
    pub thumbnail_url: Option<String>,
    /// `snippet.liveBroadcastContent`: `live`, `upcoming` or `none`.
    pub live_broadcast_content: Option<String>,
    pub actual_start: Option<DateTime<Utc>>,
    pub actual_end: Option<DateTime<Utc>>,
    pub scheduled_start: Option<DateTime<Utc>>,
    /// Present only while live and when the owner does not hide it.
    pub concurrent_viewers: Option<u64>,
    pub has_live_details: bool,
    pub views: Option<u64>,
    pub likes: Option<u64>,
    pub comments: Option<u64>,
    pub duration_secs: Option<u64>,
    pub adult: bool,
}

impl VideoItem {
    /// Live now: `liveBroadcastContent == "live"`, or started and not ended.
    pub fn is_live(&self) -> bool {
        if self.actual_end.is_some() {
            return false;
        }
        self.live_broadcast_content.as_deref() == Some("live") || self.actual_start.is_some()
    }

    /// The broadcast, when live.
    pub fn live_broadcast(&self) -> Option<LiveBroadcast> {
        if !self.is_live() {
            return None;
        }
        Some(LiveBroadcast {
            platform: Platform::Youtube,
            channel_id: ChannelId::new(self.channel_id.clone()?),
            channel_name: self.channel_title.clone(),
            channel_avatar_url: None,
            broadcast_id: Some(self.video_id.clone()),
            title: self.title.clone(),
            // Hidden or not yet counted: zero watchers known.
            viewers: self.concurrent_viewers.unwrap_or(0),
            category_id: self.category_id.clone(),
            category_name: None,
            tags: self.tags.clone(),
            thumbnail_url: self.thumbnail_url.clone(),
            started_at: self.actual_start.or(self.scheduled_start),
            adult: self.adult,
            language: self.language.clone(),
            url: watch_url(&self.video_id),
        })
    }

    /// The video with its counters.
    pub fn observation(&self, channel_id: &str) -> VideoObservation {
        let kind = if !self.has_live_details {
            VideoKind::Upload
        } else if self.actual_end.is_some() {
            VideoKind::Replay
        } else {
            VideoKind::Other
        };
        VideoObservation {
            platform: Platform::Youtube,
            channel_id: ChannelId::new(
                self.channel_id
                    .clone()
                    .unwrap_or_else(|| channel_id.to_string()),
            ),
            video_id: self.video_id.clone(),
            title: self.title.clone(),
            kind,
            published_at: self.published_at,
            duration_secs: self.duration_secs.filter(|d| *d > 0),
            views: self.views,
            likes: self.likes,
            comments: self.comments,
            thumbnail_url: self.thumbnail_url.clone(),
            adult: self.adult,
            category_name: None,
        }
    }
}

/// `videos.list` (any parts). Unknown or private ids are silently absent.
pub fn parse_videos(body: &[u8]) -> Result<Vec<VideoItem>, ParseFailure> {
    let list: wire::List<RawItem> = ParseFailure::decode(body)?;
    decode_each(
        Platform::Youtube,
        "items",
        list.items,
        |v: wire::Video, i| {
            let id =
                non_empty(v.id).ok_or_else(|| ParseFailure::missing(&format!("items[{i}].id")))?;
            let s = v.snippet;
            let live = v.live_streaming_details;
            let stats = v.statistics;
            let details = v.content_details;
            Ok(Some(VideoItem {
                video_id: id,
                channel_id: s.as_ref().and_then(|s| non_empty(s.channel_id.clone())),
                channel_title: s.as_ref().and_then(|s| non_empty(s.channel_title.clone())),
                title: s.as_ref().and_then(|s| s.title.clone()).unwrap_or_default(),
                published_at: s.as_ref().and_then(|s| rfc3339(s.published_at.as_deref())),
                category_id: s.as_ref().and_then(|s| non_empty(s.category_id.clone())),
                tags: s.as_ref().and_then(|s| s.tags.clone()).unwrap_or_default(),
                language: s.as_ref().and_then(|s| {
                    non_empty(s.default_audio_language.clone())
                        .or_else(|| non_empty(s.default_language.clone()))
                }),
                thumbnail_url: s
                    .as_ref()
                    .and_then(|s| best_thumbnail(s.thumbnails.as_ref())),
                live_broadcast_content: s
                    .as_ref()
                    .and_then(|s| non_empty(s.live_broadcast_content.clone())),
                actual_start: live
                    .as_ref()
                    .and_then(|l| rfc3339(l.actual_start_time.as_deref())),
                actual_end: live
                    .as_ref()
                    .and_then(|l| rfc3339(l.actual_end_time.as_deref())),
                scheduled_start: live
                    .as_ref()
                    .and_then(|l| rfc3339(l.scheduled_start_time.as_deref())),
                concurrent_viewers: live
                    .as_ref()
                    .and_then(|l| l.concurrent_viewers)
                    .map(items::viewers),
                has_live_details: live.is_some(),
                views: items::count_field(stats.as_ref().and_then(|s| s.view_count)),
                likes: items::count_field(stats.as_ref().and_then(|s| s.like_count)),
                comments: items::count_field(stats.as_ref().and_then(|s| s.comment_count)),
                duration_secs: items::duration_field(
                    details
                        .as_ref()
                        .and_then(|d| d.duration.as_deref())
                        .and_then(parse_iso_duration),
                ),
                adult: details
                    .as_ref()
                    .and_then(|d| d.content_rating.as_ref())
                    .and_then(|r| r.yt_rating.as_deref())
                    == Some("ytAgeRestricted"),
            }))
        },
    )
}

/// An ISO-8601 duration as YouTube sends it (`PT2M39S`, `P1DT2H`, `P0D`), in seconds.
pub fn parse_iso_duration(s: &str) -> Option<u64> {
    let rest = s.trim().strip_prefix('P')?;
    let mut total: u64 = 0;
    let mut num = String::new();
    let mut in_time = false;
    for c in rest.chars() {
        match c {
            'T' => in_time = true,
            '0'..='9' => num.push(c),
            _ => {
                let n: u64 = num.parse().ok()?;
                num.clear();
                let unit = match (c, in_time) {
                    ('W', false) => 7 * 86_400,
                    ('D', false) => 86_400,
                    ('H', true) => 3600,
                    ('M', true) => 60,
                    ('S', true) => 1,
                    _ => return None,
                };
                // An absurd duration is no duration, not an overflow.
                total = total.checked_add(n.checked_mul(unit)?)?;
            }
        }
    }
    num.is_empty().then_some(total)
}

/// One `search.list` result (a video).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    pub video_id: String,
    pub channel_id: String,
    pub channel_title: Option<String>,
    pub title: String,
    /// `liveBroadcastContent == "live"`.
    pub live: bool,
    pub thumbnail_url: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
}

/// `search.list type=video`: the hits and the next page token. Search gives no viewer counts.
pub fn parse_search(body: &[u8]) -> Result<(Vec<SearchHit>, Option<String>), ParseFailure> {
    let list: wire::List<RawItem> = ParseFailure::decode(body)?;
    let out = decode_each(
        Platform::Youtube,
        "items",
        list.items,
        |r: wire::SearchResult, i| {
            // Channel or playlist results have no videoId; only videos are asked for.
            let Some(video_id) = r.id.and_then(|id| non_empty(id.video_id)) else {
                return Ok(None);
            };
            let s = r
                .snippet
                .ok_or_else(|| ParseFailure::missing(&format!("items[{i}].snippet")))?;
            Ok(Some(SearchHit {
                video_id,
                channel_id: non_empty(s.channel_id).ok_or_else(|| {
                    ParseFailure::missing(&format!("items[{i}].snippet.channelId"))
                })?,
                channel_title: non_empty(s.channel_title),
                title: s.title.unwrap_or_default(),
                live: s.live_broadcast_content.as_deref() == Some("live"),
                thumbnail_url: best_thumbnail(s.thumbnails.as_ref()),
                published_at: rfc3339(s.published_at.as_deref()),
            }))
        },
    )?;
    Ok((out, non_empty(list.next_page_token)))
}

/// One `playlistItems.list` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaylistEntry {
    pub video_id: String,
    pub title: String,
    pub published_at: Option<DateTime<Utc>>,
    pub channel_id: Option<String>,
}

/// `playlistItems.list part=snippet,contentDetails`: entries and the next page token.
pub fn parse_playlist_items(
    body: &[u8],
) -> Result<(Vec<PlaylistEntry>, Option<String>), ParseFailure> {
    let list: wire::List<RawItem> = ParseFailure::decode(body)?;
    let out = decode_each(
        Platform::Youtube,
        "items",
        list.items,
        |it: wire::PlaylistItem, i| {
            let from_details = it
                .content_details
                .as_ref()
                .and_then(|d| non_empty(d.video_id.clone()));
            let from_snippet = it
                .snippet
                .as_ref()
                .and_then(|s| s.resource_id.as_ref())
                .and_then(|r| non_empty(r.video_id.clone()));
            let video_id = from_details.or(from_snippet).ok_or_else(|| {
                ParseFailure::missing(&format!("items[{i}].contentDetails.videoId"))
            })?;
            Ok(Some(PlaylistEntry {
                video_id,
                title: it
                    .snippet
                    .as_ref()
                    .and_then(|s| s.title.clone())
                    .unwrap_or_default(),
                published_at: it
                    .content_details
                    .as_ref()
                    .and_then(|d| rfc3339(d.video_published_at.as_deref())),
                channel_id: it.snippet.as_ref().and_then(|s| {
                    non_empty(s.video_owner_channel_id.clone())
                        .or_else(|| non_empty(s.channel_id.clone()))
                }),
            }))
        },
    )?;
    Ok((out, non_empty(list.next_page_token)))
}

/// A Google API error body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: i64,
    pub message: String,
    /// `errors[].reason` and `details[].reason` (`quotaExceeded`, `keyInvalid`, `SERVICE_DISABLED`…).
    pub reasons: Vec<String>,
    pub status: Option<String>,
}

impl ApiError {
    fn has(&self, reason: &str) -> bool {
        self.reasons.iter().any(|r| r == reason)
    }

    /// The daily quota is spent: stop until midnight Pacific time, do not retry.
    pub fn is_quota_exhausted(&self) -> bool {
        self.has("quotaExceeded") || self.has("dailyLimitExceeded")
    }

    /// A short-term (per-minute) limit: back off, the day's quota is not spent.
    pub fn is_rate_limited(&self) -> bool {
        [
            "rateLimitExceeded",
            "userRateLimitExceeded",
            "RATE_LIMIT_EXCEEDED",
        ]
        .iter()
        .any(|r| self.has(r))
    }

    /// The key is wrong or the API is not enabled for its project: a configuration problem.
    pub fn is_credentials(&self) -> bool {
        [
            "keyInvalid",
            "API_KEY_INVALID",
            "accessNotConfigured",
            "SERVICE_DISABLED",
            "keyExpired",
        ]
        .iter()
        .any(|r| self.has(r))
    }
}

/// The error body of a non-2xx answer; `None` when the body is not one.
pub fn parse_error(body: &[u8]) -> Option<ApiError> {
    let env: wire::ErrorEnvelope = serde_json::from_slice(body).ok()?;
    let e = env.error;
    let mut reasons: Vec<String> = e.errors.iter().filter_map(|i| i.reason.clone()).collect();
    reasons.extend(e.details.iter().filter_map(|d| d.reason.clone()));
    Some(ApiError {
        code: e.code?,
        message: e.message.unwrap_or_default(),
        reasons,
        status: e.status,
    })
}

/// The live state of each channel from the `videos.list` items of its candidates: live when one
/// of them is live (the most watched one if several).
pub fn live_by_channel(items: &[VideoItem]) -> Vec<(String, LiveBroadcast)> {
    let mut out: Vec<(String, LiveBroadcast)> = Vec::new();
    for b in items.iter().filter_map(VideoItem::live_broadcast) {
        let ch = b.channel_id.0.clone();
        match out.iter_mut().find(|(c, _)| *c == ch) {
            Some((_, existing)) if existing.viewers >= b.viewers => {}
            Some((_, existing)) => *existing = b,
            None => out.push((ch, b)),
        }
    }
    out
}

/// `LiveState` of one channel given the live map (offline when absent).
pub fn live_state_of(live: &[(String, LiveBroadcast)], channel_id: &str) -> LiveState {
    live.iter()
        .find(|(c, _)| c == channel_id)
        .map_or(LiveState::Offline, |(_, b)| {
            LiveState::Live(Box::new(b.clone()))
        })
}

/// YouTube channel ids: `UC` + 22 characters of `[A-Za-z0-9_-]`.
pub fn is_channel_id(s: &str) -> bool {
    s.len() == 24
        && s.starts_with("UC")
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        // Work on bytes: slicing the `str` after a '%' could split a multi-byte character.
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

fn valid_handle(h: &str) -> bool {
    !h.is_empty()
        && h.chars().count() <= 100
        && !h.chars().any(|c| c.is_whitespace() || "/?#&=".contains(c))
}

/// Recognise `youtube.com/@handle`, `/channel/UC…`, `/c/name` and `/user/name` (names become
/// handles to resolve), and `youtube:@x` / `youtube:UC…`. `youtu.be` links are videos, not
/// channels. Handles keep their `@`; legacy `/c/` and `/user/` names have none.
pub fn parse_channel_ref(input: &str) -> Option<ChannelRef> {
    let s = input.trim();
    if let Some(rest) = s.strip_prefix("youtube:") {
        let rest = rest.trim();
        if is_channel_id(rest) {
            return Some(ChannelRef::id(Platform::Youtube, rest));
        }
        let h = rest.trim_start_matches('@');
        return valid_handle(h).then(|| ChannelRef::handle(Platform::Youtube, format!("@{h}")));
    }
    let no_scheme = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .unwrap_or(s);
    let (host, path) = no_scheme.split_once('/')?;
    let host = host.to_ascii_lowercase();
    if !matches!(
        host.as_str(),
        "youtube.com" | "www.youtube.com" | "m.youtube.com"
    ) {
        return None;
    }
    let path = path.split(['?', '#']).next()?;
    let mut parts = path.split('/').filter(|p| !p.is_empty());
    let first = parts.next()?;
    if let Some(h) = first.strip_prefix('@') {
        let h = percent_decode(h);
        return valid_handle(&h).then(|| ChannelRef::handle(Platform::Youtube, format!("@{h}")));
    }
    match first {
        "channel" => {
            let id = parts.next()?;
            is_channel_id(id).then(|| ChannelRef::id(Platform::Youtube, id))
        }
        "c" | "user" => {
            let name = percent_decode(parts.next()?);
            valid_handle(&name).then(|| ChannelRef::handle(Platform::Youtube, name))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the `channel_refs` fuzz target: a '%' before a multi-byte character made the
    /// decoder slice inside that character and panic.
    #[test]
    fn percent_before_multibyte_character_does_not_panic_fuzz_regression() {
        assert_eq!(percent_decode("%\u{cd8c}x"), "%\u{cd8c}x");
        assert_eq!(percent_decode("a%41%e2%80%99"), "aA\u{2019}");
        assert_eq!(percent_decode("100%"), "100%");
        let r = parse_channel_ref("https://youtube.com//@o-%%%\u{34d}h/x");
        assert!(r.is_none() || r.is_some_and(|r| r.platform == Platform::Youtube));
    }

    #[test]
    fn iso_durations() {
        assert_eq!(parse_iso_duration("PT2M39S"), Some(159));
        assert_eq!(parse_iso_duration("PT1H"), Some(3600));
        assert_eq!(parse_iso_duration("P1DT2H3M4S"), Some(93_784));
        assert_eq!(parse_iso_duration("P0D"), Some(0));
        assert_eq!(parse_iso_duration("2M"), None);
        assert_eq!(parse_iso_duration("PT5"), None);
    }

    #[test]
    fn channel_refs() {
        let id = "UC_x5XG1OV2P6uZZ5FSM9Ttw";
        let h = |x: &str| Some(ChannelRef::handle(Platform::Youtube, x));
        assert_eq!(
            parse_channel_ref("https://www.youtube.com/@GoogleDevelopers"),
            h("@GoogleDevelopers")
        );
        assert_eq!(
            parse_channel_ref("youtube.com/@googledevelopers/videos"),
            h("@googledevelopers")
        );
        assert_eq!(
            parse_channel_ref("https://m.youtube.com/@%ED%95%9C%EA%B8%80"),
            h("@한글")
        );
        assert_eq!(
            parse_channel_ref(&format!("https://www.youtube.com/channel/{id}/live")),
            Some(ChannelRef::id(Platform::Youtube, id))
        );
        assert_eq!(
            parse_channel_ref("https://www.youtube.com/c/GoogleDevelopers"),
            h("GoogleDevelopers")
        );
        assert_eq!(
            parse_channel_ref("https://www.youtube.com/user/Google"),
            h("Google")
        );
        assert_eq!(parse_channel_ref("youtube:@x"), h("@x"));
        assert_eq!(
            parse_channel_ref(&format!("youtube:{id}")),
            Some(ChannelRef::id(Platform::Youtube, id))
        );
        assert_eq!(parse_channel_ref("https://youtu.be/V4DDt30Aat4"), None);
        assert_eq!(
            parse_channel_ref("https://www.youtube.com/watch?v=V4DDt30Aat4"),
            None
        );
        assert_eq!(
            parse_channel_ref("https://www.youtube.com/channel/nope"),
            None
        );
        assert_eq!(parse_channel_ref("https://twitch.tv/x"), None);
        assert_eq!(
            uploads_playlist(id).as_deref(),
            Some("UU_x5XG1OV2P6uZZ5FSM9Ttw")
        );
    }
}
