//! Pure CHZZK parse functions: bytes in, normalised observations out.
//!
//! No IO here, so every real capture can be fed straight in by tests and fuzzers.

use chrono::{DateTime, Utc};
use streamtide_core::{
    ChannelId, ChannelInfo, ChannelStats, LiveBroadcast, LiveState, Platform, VideoKind,
    VideoObservation,
};

use super::wire;
use crate::items::{self, decode_each};
use crate::lenient::parse_kst;
use crate::ParseFailure;

pub use wire::NextCursor;

/// Thumbnail size substituted into CHZZK's `image_{type}.jpg` template; 480 is offered for every
/// stream (1080 is missing on some), and it is plenty for a card.
const THUMBNAIL_TYPE: &str = "480";

/// Unwrap `{code, message, content}`; a code other than 200 is the platform's own error.
pub(super) fn open<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<Option<T>, ParseFailure> {
    let env: wire::Envelope<T> = ParseFailure::decode(body)?;
    match env.code {
        Some(200) | None => Ok(env.content),
        Some(code) => Err(ParseFailure::Api {
            code,
            message: env.message.unwrap_or_default(),
        }),
    }
}

/// The envelope's `code`, if the body is a CHZZK envelope that has one (9004 = retired version).
pub fn envelope_code(body: &[u8]) -> Option<i64> {
    #[derive(serde::Deserialize)]
    struct Code {
        #[serde(default)]
        code: Option<i64>,
    }
    serde_json::from_slice::<Code>(body).ok()?.code
}

/// Where a viewer watches a channel live.
pub fn live_url(channel_id: &str) -> String {
    format!("https://chzzk.naver.com/live/{channel_id}")
}

pub(super) fn thumbnail(template: Option<&str>, fallback: Option<&str>) -> Option<String> {
    template
        .filter(|t| !t.is_empty())
        .map(|t| t.replace("{type}", THUMBNAIL_TYPE))
        .or_else(|| fallback.filter(|f| !f.is_empty()).map(str::to_string))
}

pub(super) fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

/// One page of `/service/{v}/lives`: the broadcasts and the cursor of the next page.
pub fn parse_live_page(
    body: &[u8],
) -> Result<(Vec<LiveBroadcast>, Option<NextCursor>), ParseFailure> {
    let Some(page) = open::<wire::LivePage>(body)? else {
        return Ok((Vec::new(), None));
    };
    let out = decode_each(Platform::Chzzk, "content.data", page.data, |live, i| {
        live_item(live, i).map(Some)
    })?;
    let next = page
        .page
        .and_then(|p| p.next)
        .filter(|n| n.concurrent_user_count.is_some() && n.live_id.is_some());
    Ok((out, next))
}

fn live_item(live: wire::Live, i: usize) -> Result<LiveBroadcast, ParseFailure> {
    let channel = live
        .channel
        .ok_or_else(|| ParseFailure::missing(&format!("content.data[{i}].channel")))?;
    let channel_id = channel
        .channel_id
        .filter(|id| !id.is_empty())
        .ok_or_else(|| ParseFailure::missing(&format!("content.data[{i}].channel.channelId")))?;
    // A list entry without a viewer count cannot be ranked: the API changed, say so.
    let viewers = live
        .concurrent_user_count
        .ok_or_else(|| ParseFailure::missing(&format!("content.data[{i}].concurrentUserCount")))?;
    Ok(LiveBroadcast {
        platform: Platform::Chzzk,
        url: live_url(&channel_id),
        channel_id: ChannelId(channel_id),
        channel_name: non_empty(channel.channel_name),
        channel_avatar_url: non_empty(channel.channel_image_url),
        broadcast_id: live.live_id,
        title: live.live_title.unwrap_or_default(),
        viewers: items::viewers(viewers),
        category_id: non_empty(live.live_category),
        category_name: non_empty(live.live_category_value),
        tags: live.tags.unwrap_or_default(),
        thumbnail_url: thumbnail(
            live.live_image_url.as_deref(),
            live.default_thumbnail_image_url.as_deref(),
        ),
        started_at: live.open_date.as_deref().and_then(parse_kst),
        adult: live.adult.unwrap_or(false),
        // CHZZK has no language field; it is a Korean service.
        language: Some("ko".into()),
    })
}

/// A channel as `/service/{v}/channels/{id}` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelPage {
    pub info: ChannelInfo,
    pub stats: ChannelStats,
    /// Whether the channel says it is live now (`openLive`); `None` when not given.
    pub open_live: Option<bool>,
}

/// `/service/{v}/channels/{id}`; `Ok(None)` for an unknown channel (`channelId: null`).
pub fn parse_channel(body: &[u8]) -> Result<Option<ChannelPage>, ParseFailure> {
    items::with_fields_counted(Platform::Chzzk, || {
        let Some(ch) = open::<wire::Channel>(body)? else {
            return Ok(None);
        };
        Ok(channel_page(ch))
    })
}

fn channel_page(ch: wire::Channel) -> Option<ChannelPage> {
    // CHZZK answers unknown ids with code 200, channelId null and a placeholder name.
    let id = ch.channel_id.filter(|id| !id.is_empty())?;
    Some(ChannelPage {
        info: ChannelInfo {
            platform: Platform::Chzzk,
            channel_id: ChannelId(id),
            name: ch.channel_name.unwrap_or_default(),
            handle: None,
            avatar_url: non_empty(ch.channel_image_url),
            description: non_empty(ch.channel_description),
        },
        stats: ChannelStats {
            followers: items::count_field(ch.follower_count),
            total_views: None,
            video_count: None,
        },
        open_live: ch.open_live,
    })
}

/// What a live-status (or live-detail) call says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveStatusPage {
    pub state: LiveState,
    /// The poll period the platform asks for (`callPeriodMilliSecond`), if given.
    pub poll_period_ms: Option<u64>,
}

/// `/polling/{v}/channels/{id}/live-status` or `/service/{v}/channels/{id}/live-detail`.
/// `content: null` means the channel never went live (or is unknown): offline.
pub fn parse_live_status(body: &[u8], channel_id: &str) -> Result<LiveStatusPage, ParseFailure> {
    items::with_fields_counted(Platform::Chzzk, || live_status(body, channel_id))
}

fn live_status(body: &[u8], channel_id: &str) -> Result<LiveStatusPage, ParseFailure> {
    let Some(st) = open::<wire::LiveStatus>(body)? else {
        return Ok(LiveStatusPage {
            state: LiveState::Offline,
            poll_period_ms: None,
        });
    };
    let poll_period_ms = st
        .live_polling_status_json
        .as_deref()
        .and_then(|s| serde_json::from_str::<wire::PollingStatus>(s).ok())
        .and_then(|p| p.call_period_milli_second);
    let status = st
        .status
        .as_deref()
        .ok_or_else(|| ParseFailure::missing("content.status"))?;
    if status != "OPEN" {
        return Ok(LiveStatusPage {
            state: LiveState::Offline,
            poll_period_ms,
        });
    }
    let viewers = st
        .concurrent_user_count
        .ok_or_else(|| ParseFailure::missing("content.concurrentUserCount"))?;
    let (name, avatar) = match st.channel {
        Some(c) => (non_empty(c.channel_name), non_empty(c.channel_image_url)),
        None => (None, None),
    };
    let live = LiveBroadcast {
        platform: Platform::Chzzk,
        channel_id: ChannelId::new(channel_id),
        channel_name: name,
        channel_avatar_url: avatar,
        broadcast_id: st.live_id,
        title: st.live_title.unwrap_or_default(),
        viewers: items::viewers(viewers),
        category_id: non_empty(st.live_category),
        category_name: non_empty(st.live_category_value),
        tags: st.tags.unwrap_or_default(),
        thumbnail_url: thumbnail(st.live_image_url.as_deref(), None),
        started_at: st.open_date.as_deref().and_then(parse_kst),
        adult: st.adult.unwrap_or(false),
        language: Some("ko".into()),
        url: live_url(channel_id),
    };
    Ok(LiveStatusPage {
        state: LiveState::Live(Box::new(live)),
        poll_period_ms,
    })
}

fn video(v: wire::Video, channel_id: &str, i: usize) -> Result<VideoObservation, ParseFailure> {
    let video_no = v
        .video_no
        .ok_or_else(|| ParseFailure::missing(&format!("content.data[{i}].videoNo")))?;
    let published_at = v
        .publish_date_at
        .and_then(|ms| DateTime::<Utc>::from_timestamp_millis(ms as i64))
        .or_else(|| v.publish_date.as_deref().and_then(parse_kst));
    let kind = match v.video_type.as_deref() {
        Some("REPLAY") => VideoKind::Replay,
        Some("UPLOAD") => VideoKind::Upload,
        Some("CLIP") => VideoKind::Clip,
        _ => VideoKind::Other,
    };
    Ok(VideoObservation {
        platform: Platform::Chzzk,
        channel_id: ChannelId::new(channel_id),
        video_id: video_no,
        title: v.video_title.unwrap_or_default(),
        kind,
        published_at,
        duration_secs: items::duration_field(v.duration),
        views: items::count_field(v.read_count),
        // The list gives no likes or comment counts: unknown, not zero.
        likes: None,
        comments: None,
        thumbnail_url: non_empty(v.thumbnail_image_url),
        adult: v.adult.unwrap_or(false),
        category_name: non_empty(v.video_category_value),
    })
}

/// `/service/{v}/channels/{id}/videos`.
pub fn parse_videos(body: &[u8], channel_id: &str) -> Result<Vec<VideoObservation>, ParseFailure> {
    let Some(page) = open::<wire::VideoPage>(body)? else {
        return Ok(Vec::new());
    };
    decode_each(Platform::Chzzk, "content.data", page.data, |v, i| {
        video(v, channel_id, i).map(Some)
    })
}

/// `/service/{v}/channels/{id}/data`: the latest video it embeds, if any.
pub fn parse_channel_data_latest_video(
    body: &[u8],
    channel_id: &str,
) -> Result<Option<VideoObservation>, ParseFailure> {
    items::with_fields_counted(Platform::Chzzk, || {
        let Some(data) = open::<wire::ChannelData>(body)? else {
            return Ok(None);
        };
        match data.top_exposed_videos.and_then(|t| t.latest_video) {
            Some(v) => video(v, channel_id, 0).map(Some),
            None => Ok(None),
        }
    })
}

/// `/service/{v}/search/channels`: the channels found, with followers.
pub fn parse_search_channels(body: &[u8]) -> Result<Vec<ChannelPage>, ParseFailure> {
    let Some(page) = open::<wire::SearchPage>(body)? else {
        return Ok(Vec::new());
    };
    decode_each(
        Platform::Chzzk,
        "content.data",
        page.data,
        |item: wire::SearchItem, _| Ok(item.channel.and_then(channel_page)),
    )
}

/// Recognise a CHZZK channel in a URL, `chzzk:<id>` or a bare 32-hex id.
pub fn parse_channel_ref(input: &str) -> Option<streamtide_core::ChannelRef> {
    let s = input.trim();
    let candidate = if let Some(rest) = s.strip_prefix("chzzk:") {
        rest.trim()
    } else if let Some(path) = strip_host(s) {
        // chzzk.naver.com/{id} or chzzk.naver.com/live/{id}
        let mut parts = path.split('/').filter(|p| !p.is_empty());
        match parts.next() {
            Some("live") => parts.next()?,
            Some(first) => first,
            None => return None,
        }
    } else {
        s
    };
    let id = candidate.split(['?', '#']).next()?.to_ascii_lowercase();
    is_channel_id(&id).then(|| streamtide_core::ChannelRef::id(Platform::Chzzk, id))
}

fn strip_host(s: &str) -> Option<&str> {
    let no_scheme = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .unwrap_or(s);
    [
        "chzzk.naver.com/",
        "m.chzzk.naver.com/",
        "www.chzzk.naver.com/",
    ]
    .iter()
    .find_map(|host| no_scheme.strip_prefix(host))
}

/// CHZZK channel ids are 32 lowercase hex characters.
pub fn is_channel_id(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use streamtide_core::RefKind;

    const ID: &str = "3497a9a7221cc3ee5d3f95991d9f95e9";

    #[test]
    fn recognises_urls_and_ids() {
        for input in [
            "https://chzzk.naver.com/live/3497a9a7221cc3ee5d3f95991d9f95e9",
            "https://chzzk.naver.com/3497a9a7221cc3ee5d3f95991d9f95e9",
            "chzzk.naver.com/live/3497a9a7221cc3ee5d3f95991d9f95e9?ref=x",
            "https://m.chzzk.naver.com/3497a9a7221cc3ee5d3f95991d9f95e9/",
            "chzzk:3497A9A7221CC3EE5D3F95991D9F95E9",
            " 3497a9a7221cc3ee5d3f95991d9f95e9 ",
        ] {
            let r = parse_channel_ref(input).unwrap_or_else(|| panic!("{input}"));
            assert_eq!(r.platform, Platform::Chzzk);
            assert_eq!(r.kind, RefKind::Id(ChannelId::new(ID)), "{input}");
        }
        for input in [
            "https://chzzk.naver.com/",
            "https://chzzk.naver.com/live/abc",
            "https://www.youtube.com/@x",
            "singgyul",
            "",
        ] {
            assert!(parse_channel_ref(input).is_none(), "{input}");
        }
    }

    #[test]
    fn envelope_error_codes_are_api_errors() {
        let body = br#"{"code":9004,"message":"update the app","content":null}"#;
        assert_eq!(
            parse_live_status(body, ID).unwrap_err(),
            ParseFailure::Api {
                code: 9004,
                message: "update the app".into()
            }
        );
    }

    #[test]
    fn garbage_is_a_schema_error_not_a_panic() {
        for body in [
            &b"<html>oops</html>"[..],
            b"{\"code\":200,\"content\":{\"data\":[{",
            b"",
        ] {
            assert!(matches!(
                parse_live_page(body),
                Err(ParseFailure::Schema { .. })
            ));
        }
    }

    #[test]
    fn renamed_viewer_field_names_the_path() {
        let body = br#"{"code":200,"content":{"data":[{"liveId":1,"viewerCount":5,"channel":{"channelId":"3497a9a7221cc3ee5d3f95991d9f95e9"}}]}}"#;
        match parse_live_page(body) {
            Err(ParseFailure::Schema { path, .. }) => {
                assert_eq!(path, "content.data[0].concurrentUserCount")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn stringified_numbers_still_parse() {
        let body = br#"{"code":200,"content":{"data":[{"liveId":"7","concurrentUserCount":"1,234","channel":{"channelId":"3497a9a7221cc3ee5d3f95991d9f95e9"}}],"page":{"next":null}}}"#;
        let (items, next) = parse_live_page(body).unwrap();
        assert_eq!(items[0].viewers, 1234);
        assert_eq!(items[0].broadcast_id.as_deref(), Some("7"));
        assert!(next.is_none());
    }
}
