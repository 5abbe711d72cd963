//! One hostile item spliced into a real capture's list: every good item is kept, the bad ones are
//! dropped and counted, absurd figures of a kept item are unknown (issue 22 item 1). Before the
//! per-item decoding, each of these pages failed as a whole.

mod common;

use common::fixture;
use streamtide_core::Platform;
use streamtide_platforms::items::{rejected, Rejection};
use streamtide_platforms::{chzzk, soop, twitch, youtube};

/// `body` with `items` (JSON text, comma-separated) put first in the array that follows `key`.
/// Text, not a `serde_json::Value`: a lone surrogate cannot live in a Rust string.
fn splice(body: &[u8], key: &str, items: &str) -> Vec<u8> {
    let text = String::from_utf8(body.to_vec()).unwrap();
    let at = text.find(&format!("\"{key}\"")).expect("key") + key.len() + 2;
    let open = at + text[at..].find('[').expect("array") + 1;
    format!("{}{items},{}", &text[..open], &text[open..]).into_bytes()
}

/// The counts of `platform` for each reason, to compare before and after (other tests of this
/// binary may count for the same platform meanwhile, so the checks are "at least").
fn counts(platform: Platform) -> [u64; 4] {
    [
        Rejection::Malformed,
        Rejection::MissingField,
        Rejection::OutOfRange,
        Rejection::FieldOutOfRange,
    ]
    .map(|r| rejected(platform, r))
}

fn grew(before: [u64; 4], platform: Platform, by: [u64; 4]) {
    let after = counts(platform);
    for i in 0..4 {
        assert!(
            after[i] >= before[i] + by[i],
            "{platform}: reason {i}: {} -> {}, expected +{}",
            before[i],
            after[i],
            by[i]
        );
    }
    println!("{platform}: rejected by reason (malformed, missing, out of range, field): {after:?}");
}

const CHZZK_ID: &str = "00000000000000000000000000000bad";

#[test]
fn chzzk_live_page_keeps_every_good_item() {
    let real = fixture("chzzk/service_v1_lives_popular.2025-11-26.json");
    let (good, _) = chzzk::parse_live_page(&real).unwrap();
    let ch = format!(r#""channel":{{"channelId":"{CHZZK_ID}","channelName":"x"}}"#);
    let hostile = [
        format!(r#"{{"liveId":1,"liveTitle":"neg","concurrentUserCount":-5,{ch}}}"#),
        format!(
            r#"{{"liveId":2,"liveTitle":"big","concurrentUserCount":"99999999999999999999999",{ch}}}"#
        ),
        r#"{"liveId":3,"liveTitle":"type","concurrentUserCount":5,"channel":7}"#.to_string(),
        format!(r#"{{"liveId":4,"liveTitle":"\ud800","concurrentUserCount":5,{ch}}}"#),
        // Kept: the absurd count is noted; the store records the sighting without a sample.
        format!(
            r#"{{"liveId":5,"liveTitle":"absurd","concurrentUserCount":9223372036854775807,{ch}}}"#
        ),
    ]
    .join(",");
    let body = splice(&real, "data", &hostile);
    let before = counts(Platform::Chzzk);
    let (items, next) = chzzk::parse_live_page(&body).expect("the page survives");
    assert_eq!(items.len(), good.len() + 1);
    assert_eq!(items[0].broadcast_id.as_deref(), Some("5"));
    assert_eq!(
        &items[1..],
        &good[..],
        "every good item, unchanged and in order"
    );
    assert!(next.is_some());
    grew(before, Platform::Chzzk, [2, 0, 2, 1]);
}

#[test]
fn chzzk_search_and_videos_drop_only_the_bad_item() {
    let real = fixture("chzzk/service_v1_search_channels.2023-12.json");
    let good = chzzk::parse_search_channels(&real).unwrap();
    let body = splice(
        &real,
        "data",
        &format!(
            r#"{{"channel":{{"channelId":"{CHZZK_ID}","channelName":"\udfff"}}}},{{"channel":{{"channelId":"{CHZZK_ID}","followerCount":-1}}}}"#
        ),
    );
    let before = counts(Platform::Chzzk);
    let items = chzzk::parse_search_channels(&body).unwrap();
    assert_eq!(items.len(), good.len() + 1);
    assert_eq!(
        items[0].stats.followers, None,
        "a negative count is unknown"
    );
    assert_eq!(&items[1..], &good[..]);
    grew(before, Platform::Chzzk, [1, 0, 0, 1]);
}

#[test]
fn soop_vods_keep_every_good_item() {
    let real = fixture("soop/chapi_api_vods_review.2026-07-16.json");
    let good = soop::parse_vods(&real, "bj").unwrap();
    let hostile = [
        r#"{"title_no":1,"title_name":"\ud800"}"#,
        r#"{"title_no":2,"title_name":5}"#,
        r#"{"title_no":3,"title_name":"counts","count":{"read_cnt":-7,"like_cnt":1e300,"comment_cnt":"99999999999999999999999"}}"#,
    ]
    .join(",");
    let body = splice(&real, "data", &hostile);
    let before = counts(Platform::Soop);
    let items = soop::parse_vods(&body, "bj").expect("the page survives");
    assert_eq!(items.len(), good.len() + 1);
    assert_eq!(items[0].video_id, "3");
    assert_eq!(
        (items[0].views, items[0].likes, items[0].comments),
        (None, None, None)
    );
    assert_eq!(&items[1..], &good[..]);
    grew(before, Platform::Soop, [2, 0, 0, 3]);
}

#[test]
fn soop_broad_list_keeps_every_good_item() {
    let good = r#"{"broad_no":"1","user_id":"good","user_nick":"g","broad_title":"t","total_view_cnt":"120"}"#;
    let body = format!(
        r#"{{"broad":[{good},{{"broad_no":"2","user_id":"neg","total_view_cnt":"-3"}},{{"broad_no":"3","user_id":"t","broad_title":"\ud800","total_view_cnt":"1"}},{{"broad_no":"4","user_id":"x","user_nick":["type"],"total_view_cnt":"1"}},{good}]}}"#
    );
    let before = counts(Platform::Soop);
    let items = soop::parse_broad_list(body.as_bytes()).expect("the page survives");
    assert_eq!(items.len(), 2);
    assert!(items.iter().all(|i| i.channel_id.as_str() == "good"));
    grew(before, Platform::Soop, [2, 0, 1, 0]);
}

/// The Open APIs' lists decode per item too: one bad live must not fail the page (the Open API
/// path decoded the whole array at once, so any bad item failed it, and kept absurd counts
/// unchecked).
#[test]
fn chzzk_open_lives_keep_every_good_item() {
    let real = fixture("chzzk/open_v1_lives.docs-shape.json");
    let (good, _) = chzzk::parse_open_lives(&real).unwrap();
    let hostile = [
        format!(r#"{{"liveId":1,"liveTitle":"neg","concurrentUserCount":-5,"channelId":"{CHZZK_ID}"}}"#),
        format!(r#"{{"liveId":4,"liveTitle":"\ud800","concurrentUserCount":5,"channelId":"{CHZZK_ID}"}}"#),
        r#"{"liveId":6,"liveTitle":"no channel","concurrentUserCount":5}"#.to_string(),
        format!(
            r#"{{"liveId":5,"liveTitle":"absurd","concurrentUserCount":9223372036854775807,"channelId":"{CHZZK_ID}"}}"#
        ),
    ]
    .join(",");
    let body = splice(&real, "data", &hostile);
    let before = counts(Platform::Chzzk);
    let (items, _) = chzzk::parse_open_lives(&body).expect("the page survives");
    assert_eq!(items.len(), good.len() + 1);
    assert_eq!(items[0].broadcast_id.as_deref(), Some("5"));
    assert_eq!(
        &items[1..],
        &good[..],
        "every good item, unchanged and in order"
    );
    grew(before, Platform::Chzzk, [1, 1, 1, 1]);
}

#[test]
fn soop_open_broad_list_keeps_every_good_item() {
    let good = r#"{"broad_no":"1","user_id":"good","user_nick":"g","broad_title":"t","total_view_cnt":"120"}"#;
    let body = format!(
        r#"{{"total_cnt":"2","broad":[{good},{{"broad_no":"2","user_id":"neg","total_view_cnt":"-3"}},{{"broad_no":"3","user_id":"t","broad_title":"\ud800","total_view_cnt":"1"}},{good}]}}"#
    );
    let before = counts(Platform::Soop);
    let page = soop::parse_open_broad_list(body.as_bytes()).expect("the page survives");
    assert_eq!(page.items.len(), 2);
    assert_eq!(
        page.served, 4,
        "paging counts what the page held, bad items included"
    );
    assert!(page.items.iter().all(|i| i.channel_id.as_str() == "good"));
    grew(before, Platform::Soop, [1, 0, 1, 0]);
}

#[test]
fn twitch_streams_keep_every_good_item() {
    let real = fixture("twitch/get_streams.json");
    let (good, cursor) = twitch::parse_streams(&real).unwrap();
    let hostile = [
        r#"{"id":"1","user_id":"9","user_login":"neg","type":"live","viewer_count":-1}"#,
        r#"{"id":"2","user_id":"9","user_login":"big","type":"live","viewer_count":"18446744073709551616"}"#,
        r#"{"id":"3","user_id":"9","user_login":"sur","type":"live","title":"\ud83d","viewer_count":3}"#,
        r#"{"id":"4","user_id":"9","user_login":"type","type":"live","tags":{"a":1},"viewer_count":3}"#,
    ]
    .join(",");
    let body = splice(&real, "data", &hostile);
    let before = counts(Platform::Twitch);
    let (items, next) = twitch::parse_streams(&body).expect("the page survives");
    assert_eq!(items, good);
    assert_eq!(next, cursor);
    grew(before, Platform::Twitch, [2, 0, 2, 0]);

    let real = fixture("twitch/get_videos.json");
    let (good, _) = twitch::parse_videos_page(&real, "1").unwrap();
    let body = splice(
        &real,
        "data",
        r#"{"id":"v","view_count":-4,"duration":"99999999999999h"},{"id":{"x":1}}"#,
    );
    let (items, _) = twitch::parse_videos_page(&body, "1").unwrap();
    assert_eq!(items.len(), good.len() + 1);
    assert_eq!((items[0].views, items[0].duration_secs), (None, None));
    assert_eq!(&items[1..], &good[..]);
}

#[test]
fn youtube_lists_keep_every_good_item() {
    let real = fixture("youtube/videos_list_statistics.json");
    let good = youtube::parse_videos(&real).unwrap();
    let hostile = [
        r#"{"id":"sur","snippet":{"title":"\udc00"}}"#,
        r#"{"id":["type"]}"#,
        r#"{"id":"abs","statistics":{"viewCount":"-1","likeCount":"18446744073709551615"},"contentDetails":{"duration":"P99999999999999999W"}}"#,
    ]
    .join(",");
    let body = splice(&real, "items", &hostile);
    let before = counts(Platform::Youtube);
    let items = youtube::parse_videos(&body).expect("the page survives");
    assert_eq!(items.len(), good.len() + 1);
    assert_eq!(items[0].video_id, "abs");
    assert_eq!(
        (items[0].views, items[0].likes, items[0].duration_secs),
        (None, None, None)
    );
    assert_eq!(&items[1..], &good[..]);
    grew(before, Platform::Youtube, [2, 0, 0, 2]);

    let real = fixture("youtube/channels_list_snippet_statistics.json");
    let good = youtube::parse_channels(&real).unwrap();
    let body = splice(
        &real,
        "items",
        r#"{"id":"UCbad","snippet":{"title":"\ud800"}},{"id":"UCabs","statistics":{"subscriberCount":"9223372036854775807"}}"#,
    );
    let items = youtube::parse_channels(&body).unwrap();
    assert_eq!(items.len(), good.len() + 1);
    assert_eq!(items[0].stats.followers, None);
    assert_eq!(&items[1..], &good[..]);
}
