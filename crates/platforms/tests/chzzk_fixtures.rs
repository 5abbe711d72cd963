//! Every real CHZZK capture parses, and the fields that matter carry the captured values.

mod common;

use common::{fixture, fixture_names};
use streamtide_core::{LiveState, Platform, VideoKind};
use streamtide_platforms::chzzk::*;

#[test]
fn popular_lives_page_2025_11() {
    let body = fixture("chzzk/service_v1_lives_popular.2025-11-26.json");
    let (items, next) = parse_live_page(&body).unwrap();
    assert_eq!(items.len(), 20);
    let first = &items[0];
    assert_eq!(first.platform, Platform::Chzzk);
    assert_eq!(
        first.channel_id.as_str(),
        "3497a9a7221cc3ee5d3f95991d9f95e9"
    );
    assert_eq!(first.channel_name.as_deref(), Some("랄로"));
    assert_eq!(first.broadcast_id.as_deref(), Some("15820822"));
    assert_eq!(first.title, "치지직컵 대비 미드맹훈");
    assert_eq!(first.viewers, 25909);
    assert_eq!(first.category_id.as_deref(), Some("League_of_Legends"));
    assert_eq!(first.category_name.as_deref(), Some("리그 오브 레전드"));
    assert_eq!(first.tags, vec!["치지직컵".to_string()]);
    assert!(!first.adult);
    // "2025-11-26 17:53:01" KST
    assert_eq!(
        first.started_at.unwrap().to_rfc3339(),
        "2025-11-26T08:53:01+00:00"
    );
    assert_eq!(
        first.thumbnail_url.as_deref(),
        Some("https://livecloud-thumb.akamaized.net/chzzk/livecloud/KR/stream/27588676/live/15820822/record/47431513/thumbnail/image_480.jpg")
    );
    assert_eq!(
        first.url,
        "https://chzzk.naver.com/live/3497a9a7221cc3ee5d3f95991d9f95e9"
    );
    // Sorted by viewers, as the list promises.
    assert!(items.windows(2).all(|w| w[0].viewers >= w[1].viewers));
    // An item with liveCategory null keeps category unknown rather than inventing one.
    let uncategorised = items
        .iter()
        .find(|i| i.broadcast_id.as_deref() == Some("15828495"))
        .unwrap();
    assert_eq!(uncategorised.category_id, None);
    let next = next.expect("cursor");
    assert_eq!(next.concurrent_user_count, Some(2509));
    assert_eq!(next.live_id, Some(15820356));
}

#[test]
fn channel_2025_and_2023_field_sets() {
    let page = parse_channel(&fixture("chzzk/service_v1_channels.2025-11.json"))
        .unwrap()
        .unwrap();
    assert_eq!(
        page.info.channel_id.as_str(),
        "34bca588e940bb3572e67fc4487c8666"
    );
    assert_eq!(page.info.name, "성실한 도사 10048332");
    assert_eq!(page.info.avatar_url, None, "empty image url is unknown");
    assert_eq!(page.info.description.as_deref(), Some("1234"));
    assert_eq!(page.stats.followers, Some(1));
    assert_eq!(page.open_live, Some(false));

    let page = parse_channel(&fixture("chzzk/service_v1_channels.2023-12.json"))
        .unwrap()
        .unwrap();
    assert_eq!(
        page.info.channel_id.as_str(),
        "9381e7d6816e6d915a44a13c0195b202"
    );
    assert_eq!(page.info.name, "치지직 e스포츠");
    assert_eq!(page.stats.followers, Some(18897));
    assert_eq!(page.open_live, Some(true));
    assert!(page
        .info
        .avatar_url
        .unwrap()
        .starts_with("https://nng-phinf.pstatic.net/"));
}

#[test]
fn unknown_channel_is_missing() {
    let body = r#"{"code":200,"message":null,"content":{"channelId":null,"channelName":"(알 수 없음)","channelImageUrl":null,"verifiedMark":false,"channelType":null,"channelDescription":null,"followerCount":0,"openLive":false}}"#;
    assert_eq!(parse_channel(body.as_bytes()).unwrap(), None);
}

#[test]
fn polling_live_status_2023() {
    let body = fixture("chzzk/polling_v1_channels_live-status.2023-12.json");
    let page = parse_live_status(&body, "9381e7d6816e6d915a44a13c0195b202").unwrap();
    assert_eq!(
        page.poll_period_ms,
        Some(10_000),
        "nested JSON string parsed"
    );
    let LiveState::Live(b) = page.state else {
        panic!("capture is OPEN")
    };
    assert_eq!(b.viewers, 853);
    assert_eq!(b.title, "V4를 향한 여정! 19-23 T1 전경기 다시보기");
    assert_eq!(b.category_id.as_deref(), Some("League_of_Legends"));
    assert_eq!(b.broadcast_id, None, "live-status carries no liveId");
    assert!(!b.adult);
}

#[test]
fn live_detail_2023() {
    let body = fixture("chzzk/service_v1_channels_live-detail.2023-12.json");
    let page = parse_live_status(&body, "9381e7d6816e6d915a44a13c0195b202").unwrap();
    assert_eq!(page.poll_period_ms, Some(10_000));
    let LiveState::Live(b) = page.state else {
        panic!("capture is OPEN")
    };
    assert_eq!(b.broadcast_id.as_deref(), Some("4141748"));
    assert_eq!(b.viewers, 853);
    assert_eq!(b.channel_name.as_deref(), Some("치지직 e스포츠"));
    assert_eq!(
        b.started_at.unwrap().to_rfc3339(),
        "2023-12-19T03:03:34+00:00"
    );
    assert!(b
        .thumbnail_url
        .unwrap()
        .ends_with("/thumbnail/image_480.jpg"));
}

#[test]
fn closed_status_is_offline() {
    let body = br#"{"code":200,"message":null,"content":{"liveTitle":"x","status":"CLOSE","concurrentUserCount":0,"openDate":"2025-01-01 10:00:00","closeDate":"2025-01-01 12:00:00"}}"#;
    assert_eq!(
        parse_live_status(body, "a").unwrap().state,
        LiveState::Offline
    );
    let never = br#"{"code":200,"message":null,"content":null}"#;
    assert_eq!(
        parse_live_status(never, "a").unwrap().state,
        LiveState::Offline
    );
}

#[test]
fn channel_data_latest_video() {
    let body = fixture("chzzk/service_v1_channels_data.2023-12.json");
    let v = parse_channel_data_latest_video(&body, "6e06f5e1907f17eff543abd06cb62891")
        .unwrap()
        .unwrap();
    assert_eq!(v.video_id, "1978");
    assert_eq!(v.title, "전문 림월드 방송 ㅇㅅㅇ;;");
    assert_eq!(v.kind, VideoKind::Replay);
    assert_eq!(v.views, Some(1580));
    assert_eq!(v.likes, None, "not given: unknown, not zero");
    assert_eq!(v.duration_secs, Some(30493));
    assert_eq!(v.published_at.unwrap().timestamp_millis(), 1703102459659);
    assert_eq!(v.category_name.as_deref(), Some("림월드"));
}

#[test]
fn search_channels_2023() {
    let found =
        parse_search_channels(&fixture("chzzk/service_v1_search_channels.2023-12.json")).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].info.channel_id.as_str(),
        "6e06f5e1907f17eff543abd06cb62891"
    );
    assert_eq!(found[0].info.name, "녹두로로");
    assert_eq!(found[0].stats.followers, Some(44284));
}

/// Each capture goes through the parser for its endpoint; a new capture without a parser fails here.
#[test]
fn every_capture_has_a_parser_that_accepts_it() {
    for name in fixture_names("chzzk") {
        let body = fixture(&format!("chzzk/{name}"));
        let ok = if name.starts_with("open_v1_lives") {
            matches!(parse_open_lives(&body), Ok((v, _)) if !v.is_empty())
        } else if name.starts_with("open_v1_channels") {
            matches!(parse_open_channels(&body), Ok(v) if !v.is_empty())
        } else if name.starts_with("service_v1_lives") {
            parse_live_page(&body).is_ok()
        } else if name.starts_with("service_v1_channels_data") {
            parse_channel_data_latest_video(&body, "x").is_ok()
        } else if name.starts_with("service_v1_channels_live-detail")
            || name.starts_with("polling_")
        {
            parse_live_status(&body, "x").is_ok()
        } else if name.starts_with("service_v1_channels") {
            matches!(parse_channel(&body), Ok(Some(_)))
        } else if name.starts_with("service_v1_search_channels") {
            matches!(parse_search_channels(&body), Ok(v) if !v.is_empty())
        } else {
            panic!("no parser assigned to fixture chzzk/{name}");
        };
        assert!(ok, "chzzk/{name} did not parse");
    }
}

/// The version check reads only the envelope's `code`: 200 on every real capture, 9004 on a
/// retired version, nothing on a body that is not an envelope.
#[test]
fn envelope_code_of_captures_and_retired_versions() {
    for name in fixture_names("chzzk") {
        assert_eq!(
            envelope_code(&fixture(&format!("chzzk/{name}"))),
            Some(200),
            "{name}"
        );
    }
    let retired =
        r#"{"code":9004,"message":"앱 업데이트 후에 정상 시청 가능합니다.","content":null}"#;
    assert_eq!(envelope_code(retired.as_bytes()), Some(9004));
    assert_eq!(envelope_code(b"<html></html>"), None);
}

/// The Open API's live list (docs shape): flat items, the thumbnail template filled in, an
/// opaque cursor, and the same channels and figures as the web capture it was filled from.
#[test]
fn open_api_lives_page() {
    let (items, next) = parse_open_lives(&fixture("chzzk/open_v1_lives.docs-shape.json")).unwrap();
    let (web, _) =
        parse_live_page(&fixture("chzzk/service_v1_lives_popular.2025-11-26.json")).unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(
        next.as_deref(),
        Some("eyJ0eXBlIjoiTElWRSIsInZhbHVlIjoiMTc4MDIifQ==")
    );
    let first = &items[0];
    assert_eq!(
        first.channel_id.as_str(),
        "3497a9a7221cc3ee5d3f95991d9f95e9"
    );
    assert_eq!(first.channel_name.as_deref(), Some("랄로"));
    assert_eq!(first.broadcast_id.as_deref(), Some("15820822"));
    assert_eq!(first.viewers, 25909);
    assert_eq!(first.category_id.as_deref(), Some("League_of_Legends"));
    assert_eq!(first.category_name.as_deref(), Some("리그 오브 레전드"));
    assert_eq!(
        first.started_at.unwrap().to_rfc3339(),
        "2025-11-26T08:53:01+00:00"
    );
    assert!(first
        .thumbnail_url
        .as_deref()
        .unwrap()
        .ends_with("/thumbnail/image_480.jpg"));
    for (o, w) in items.iter().zip(&web) {
        assert_eq!(
            o, w,
            "the Open API item reads as the web item it was made from"
        );
    }
    // The last page: `next` null or empty.
    let last = r#"{"code":200,"message":null,"content":{"data":[],"page":{"next":null}}}"#;
    assert_eq!(parse_open_lives(last.as_bytes()).unwrap(), (vec![], None));
    let empty = r#"{"code":200,"message":null,"content":{"data":[],"page":{"next":""}}}"#;
    assert_eq!(parse_open_lives(empty.as_bytes()).unwrap().1, None);
    // An item without viewers cannot be ranked: a schema error naming the field.
    let bad = r#"{"code":200,"content":{"data":[{"channelId":"a"}],"page":{"next":null}}}"#;
    let err = parse_open_lives(bad.as_bytes()).unwrap_err();
    assert!(
        err.to_string()
            .contains("content.data[0].concurrentUserCount"),
        "{err}"
    );
}

#[test]
fn open_api_channels_with_followers() {
    let chs = parse_open_channels(&fixture("chzzk/open_v1_channels.docs-shape.json")).unwrap();
    assert_eq!(chs.len(), 2);
    assert_eq!(
        chs[0].info.channel_id.as_str(),
        "9381e7d6816e6d915a44a13c0195b202"
    );
    assert_eq!(chs[0].info.name, "치지직 e스포츠");
    assert_eq!(chs[0].stats.followers, Some(18897));
    assert_eq!(
        chs[0].info.description, None,
        "the Open API has no description: unknown, not empty"
    );
    assert_eq!(chs[1].stats.followers, Some(1));
    assert_eq!(
        chs[1].info.avatar_url, None,
        "an empty image URL is no image"
    );
    // A followerCount the API leaves out is unknown, not zero.
    let no_count = r#"{"code":200,"content":{"data":[{"channelId":"a","channelName":"A"}]}}"#;
    assert_eq!(
        parse_open_channels(no_count.as_bytes()).unwrap()[0]
            .stats
            .followers,
        None
    );
    // An error envelope is the platform's error, with its code.
    let denied = r#"{"code":401,"message":"INVALID_CLIENT"}"#;
    assert!(matches!(
        parse_open_channels(denied.as_bytes()),
        Err(streamtide_platforms::ParseFailure::Api { code: 401, .. })
    ));
}
