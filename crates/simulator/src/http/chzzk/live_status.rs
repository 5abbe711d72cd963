//! `GET /polling/{version}/channels/{channelId}/live-status`: the light per-channel status call.
//!
//! OPEN while a broadcast runs; CLOSE with the last broadcast's data afterwards; `content: null`
//! for unknown channels and channels that never went live. Versions listed in
//! `SimConfig::blocked_polling_versions` get code 9004, as CHZZK did to old paths in 2026.

use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{json, Value};
use streamtide_core::Platform;

use crate::http::{reply, AppState};
use crate::kst;
use crate::world::Broadcast;
use crate::SimChannel;

pub(super) async fn handle(
    State(s): State<AppState>,
    Path((version, id)): Path<(String, String)>,
) -> Response {
    if s.cfg.blocked_polling_versions.contains(&version) {
        return super::retired_version();
    }
    let now = s.now();
    let Some(ch) = s
        .world
        .channel(Platform::Chzzk, &id)
        .filter(|ch| ch.exists_at(s.now()))
    else {
        return reply::chzzk_ok(Value::Null);
    };
    let content = match s.world.current_or_last_broadcast(ch, now) {
        None => Value::Null,
        Some((b, open)) => {
            let viewers = if open {
                s.world.viewers_of(ch, &b, now)
            } else {
                0
            };
            // CHZZK reports 0 while live and fills the total in after CLOSE.
            let accumulated = if open {
                0
            } else {
                s.world.total_viewers_of(ch, &b)
            };
            status_content(ch, &b, open, viewers, accumulated)
        }
    };
    reply::chzzk_ok(content)
}

/// `chatChannelId`: six characters, stable per channel.
fn chat_channel_id(ch: &SimChannel) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut x = ch.key.bits();
    let mut s = String::from("N1");
    for _ in 0..4 {
        s.push(ALPHABET[(x % 62) as usize] as char);
        x /= 62;
    }
    s
}

pub(super) fn status_content(
    ch: &SimChannel,
    b: &Broadcast,
    open: bool,
    viewers: u64,
    accumulated: u64,
) -> Value {
    // A JSON document inside a string, exactly as CHZZK sends it.
    let polling = if open {
        r#"{"status":"STARTED","isPublishing":true,"playableStatus":"PLAYABLE","trafficThrottling":-1,"callPeriodMilliSecond":10000}"#
    } else {
        r#"{"status":"ENDED","isPublishing":false,"playableStatus":"NOT_PLAYABLE","trafficThrottling":-1,"callPeriodMilliSecond":10000}"#
    };
    json!({
        "liveTitle": b.title,
        "status": if open { "OPEN" } else { "CLOSE" },
        "concurrentUserCount": viewers,
        "accumulateCount": accumulated,
        "paidPromotion": false,
        "adult": ch.adult,
        "krOnlyViewing": false,
        "openDate": kst::fmt(b.start),
        "closeDate": if open { Value::Null } else { Value::String(kst::fmt(b.end)) },
        "clipActive": true,
        "timeMachineActive": true,
        "chatChannelId": chat_channel_id(ch),
        "tags": b.tags,
        "categoryType": b.category.chzzk_type,
        "liveCategory": b.category.chzzk_id,
        "liveCategoryValue": b.category.name_ko,
        "livePollingStatusJson": polling,
        "faultStatus": null,
        "userAdultStatus": null,
        "blindType": null,
        "chatActive": true,
        "chatAvailableGroup": "ALL",
        "chatAvailableCondition": "NONE",
        "minFollowerMinute": 0,
        "chatDonationRankingExposure": true,
        "liveTokenList": [],
        "skipPreRollAd": false,
        "dropsCampaignNo": null,
        "watchPartyNo": null,
        "watchPartyTag": null,
        "watchPartyPaidProductId": null,
        "channelId": ch.id,
    })
}
