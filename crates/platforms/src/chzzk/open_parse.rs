//! Pure parse functions of the CHZZK Open API: bytes in, normalised observations out.
//!
//! No IO, so the fixtures in `fixtures/chzzk/open_*.json` feed straight in. List items are
//! decoded one by one, as on the web API: a bad item is dropped and counted, never the page.

use chrono::{DateTime, Utc};
use streamtide_core::{ChannelId, ChannelInfo, ChannelStats, LiveBroadcast, Platform};

use super::open_wire as wire;
use super::parse::{live_url, non_empty, open, thumbnail};
use crate::items::{self, decode_each};
use crate::lenient::parse_kst;
use crate::ParseFailure;

/// Most lives one `/open/v1/lives` page serves (and the default).
pub const OPEN_LIVES_MAX_PAGE: usize = 20;
/// Most ids one `/open/v1/channels` call takes.
pub const OPEN_CHANNELS_MAX_IDS: usize = 20;

/// A channel as `/open/v1/channels` describes it: name, image and followers (no description and
/// no live state: the Open API has neither).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenChannel {
    pub info: ChannelInfo,
    pub stats: ChannelStats,
}

/// `openDate`: the docs say only "String". The web API's KST wall-clock form is what CHZZK
/// sends elsewhere; an offset-carrying RFC 3339 string is accepted too.
fn open_date(s: &str) -> Option<DateTime<Utc>> {
    parse_kst(s).or_else(|| {
        DateTime::parse_from_rfc3339(s.trim())
            .ok()
            .map(|t| t.with_timezone(&Utc))
    })
}

/// One page of `GET /open/v1/lives`: the broadcasts (viewers desc) and the opaque cursor of the
/// next page (`None` on the last one; an empty string counts as none).
pub fn parse_open_lives(body: &[u8]) -> Result<(Vec<LiveBroadcast>, Option<String>), ParseFailure> {
    let Some(page) = open::<wire::LivePage>(body)? else {
        return Ok((Vec::new(), None));
    };
    let out = decode_each(Platform::Chzzk, "content.data", page.data, |live, i| {
        open_live_item(live, i).map(Some)
    })?;
    let next = page
        .page
        .and_then(|p| p.next)
        .filter(|n| !n.trim().is_empty());
    Ok((out, next))
}

fn open_live_item(live: wire::Live, i: usize) -> Result<LiveBroadcast, ParseFailure> {
    let channel_id = live
        .channel_id
        .filter(|id| !id.is_empty())
        .ok_or_else(|| ParseFailure::missing(&format!("content.data[{i}].channelId")))?;
    // Without viewers the item cannot be ranked: the API changed, say so.
    let viewers = live
        .concurrent_user_count
        .ok_or_else(|| ParseFailure::missing(&format!("content.data[{i}].concurrentUserCount")))?;
    Ok(LiveBroadcast {
        platform: Platform::Chzzk,
        url: live_url(&channel_id),
        channel_id: ChannelId(channel_id),
        channel_name: non_empty(live.channel_name),
        channel_avatar_url: non_empty(live.channel_image_url),
        broadcast_id: live.live_id,
        title: live.live_title.unwrap_or_default(),
        viewers: items::viewers(viewers),
        category_id: non_empty(live.live_category),
        category_name: non_empty(live.live_category_value),
        tags: live.tags.unwrap_or_default(),
        // The web list's image is an `image_{type}.jpg` template; clients of the Open API
        // substitute the same way, so a template here is filled in too.
        thumbnail_url: thumbnail(live.live_thumbnail_image_url.as_deref(), None),
        started_at: live.open_date.as_deref().and_then(open_date),
        adult: live.adult.unwrap_or(false),
        // CHZZK has no language field; it is a Korean service.
        language: Some("ko".into()),
    })
}

/// `GET /open/v1/channels?channelIds=...`: the channels the API knows. Ids it does not know are
/// simply absent (the caller reports them missing).
pub fn parse_open_channels(body: &[u8]) -> Result<Vec<OpenChannel>, ParseFailure> {
    let Some(list) = open::<wire::ChannelList>(body)? else {
        return Ok(Vec::new());
    };
    decode_each(
        Platform::Chzzk,
        "content.data",
        list.data,
        |ch: wire::Channel, _| {
            // An entry without an id names no channel: skipped, as an unknown id is.
            let Some(id) = ch.channel_id.filter(|id| !id.is_empty()) else {
                return Ok(None);
            };
            Ok(Some(OpenChannel {
                info: ChannelInfo {
                    platform: Platform::Chzzk,
                    channel_id: ChannelId(id),
                    name: ch.channel_name.unwrap_or_default(),
                    handle: None,
                    avatar_url: non_empty(ch.channel_image_url),
                    description: None,
                },
                stats: ChannelStats {
                    followers: items::count_field(ch.follower_count),
                    total_views: None,
                    video_count: None,
                },
            }))
        },
    )
}
