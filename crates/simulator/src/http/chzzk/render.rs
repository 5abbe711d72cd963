//! JSON objects CHZZK repeats across endpoints, shaped like the captures in
//! `tests/fixtures/chzzk/`.

use serde_json::{json, Value};

use crate::kst;
use crate::{SimChannel, SimLive, SimVideo};

/// The nested `channel` object of lives and videos.
pub(super) fn channel_brief(ch: &SimChannel) -> Value {
    json!({
        "channelId": ch.id,
        "channelName": ch.name,
        "channelImageUrl": ch.image_url,
        "verifiedMark": ch.verified,
        "activatedChannelBadgeIds": [],
    })
}

/// `liveImageUrl`: a template whose `{type}` the client replaces with a resolution.
pub(super) fn live_image_template(ch: &SimChannel, live_id: u64) -> String {
    format!(
        "https://livecloud-thumb.akamaized.net/chzzk/livecloud/KR/stream/{}/live/{}/record/{}/thumbnail/image_{{type}}.jpg",
        ch.station_no,
        live_id,
        live_id.wrapping_mul(3) % 100_000_000
    )
}

/// One item of `/service/v1/lives`.
pub(super) fn live_item(ch: &SimChannel, live: &SimLive) -> Value {
    json!({
        "liveId": live.live_id,
        "liveTitle": live.title,
        "liveImageUrl": live_image_template(ch, live.live_id),
        "defaultThumbnailImageUrl": null,
        "concurrentUserCount": live.viewers,
        "cvExposure": true,
        // Reported as 0 while live since 2025.
        "accumulateCount": 0,
        "openDate": kst::fmt(live.started_at),
        "adult": live.adult,
        "tags": live.tags,
        "categoryType": live.category.chzzk_type,
        "liveCategory": live.category.chzzk_id,
        "liveCategoryValue": live.category.name_ko,
        "dropsCampaignNo": null,
        "watchPartyNo": null,
        "watchPartyTag": null,
        "watchPartyPaidProductId": null,
        "paidProductId": null,
        "channel": channel_brief(ch),
        "blindType": null,
        "tvAppViewingPolicyType": "ALLOWED",
        "party": null,
    })
}

/// A 36-character upper-case hex id, like CHZZK's `videoId`.
fn video_id(video_no: u64) -> String {
    let a = video_no.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let b = a.rotate_left(29) ^ 0xD6E8_FEB8_6659_FD93;
    format!("{a:016X}{b:016X}{:04X}", (a ^ b) & 0xFFFF)
}

/// One item of `/service/v1/channels/{id}/videos` (also `topExposedVideos.latestVideo` in shape).
pub(super) fn video_item(ch: &SimChannel, v: &SimVideo) -> Value {
    json!({
        "videoNo": v.video_no,
        "videoId": video_id(v.video_no),
        "videoTitle": v.title,
        "videoType": "REPLAY",
        "publishDate": kst::fmt(v.published_at),
        "thumbnailImageUrl": format!("https://video-phinf.pstatic.net/sim/{}/thumb_01.jpg", v.video_no),
        "trailerUrl": null,
        "duration": v.duration_secs,
        "readCount": v.views,
        "livePv": v.live_pv,
        "channelId": ch.id,
        "publishDateAt": v.published_at.timestamp_millis(),
        "categoryType": v.category.chzzk_type,
        "videoCategory": v.category.chzzk_id,
        "videoCategoryValue": v.category.name_ko,
        "exposure": true,
        "adult": v.adult,
        "clipActive": true,
        "tags": v.tags,
        "commentActive": true,
        "channel": channel_brief(ch),
        "blindType": null,
        "watchTimeline": null,
        "paidProductId": null,
        "tvAppViewingPolicyType": "ALLOWED",
    })
}

/// The channel object of `/service/v1/channels/{id}` (2025 field set).
pub(super) fn channel_full(ch: &SimChannel, followers: u64, open_live: bool) -> Value {
    json!({
        "channelId": ch.id,
        "channelName": ch.name,
        "channelImageUrl": ch.image_url,
        "verifiedMark": ch.verified,
        "channelType": "STREAMING",
        "channelDescription": ch.description,
        "followerCount": followers,
        "openLive": open_live,
        "subscriptionAvailability": ch.verified,
        "subscriptionPaymentAvailability": {
            "iapAvailability": ch.verified,
            "iabAvailability": ch.verified,
        },
        "adMonetizationAvailability": ch.popularity > 0.05,
        "activatedChannelBadgeIds": [],
        "paidProductSaleAllowed": false,
    })
}

/// What CHZZK answers for an id it does not know: still code 200, with a placeholder channel.
pub(super) fn unknown_channel() -> Value {
    json!({
        "channelId": null,
        "channelName": "(알 수 없음)",
        "channelImageUrl": null,
        "verifiedMark": false,
        "channelType": null,
        "channelDescription": "",
        "followerCount": 0,
        "openLive": false,
        "subscriptionAvailability": false,
        "subscriptionPaymentAvailability": {
            "iapAvailability": false,
            "iabAvailability": false,
        },
        "adMonetizationAvailability": false,
        "activatedChannelBadgeIds": [],
        "paidProductSaleAllowed": false,
    })
}
