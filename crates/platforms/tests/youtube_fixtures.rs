//! Every real YouTube capture parses, and the fields that matter carry the captured values.

mod common;

use std::path::PathBuf;

use chrono::{TimeZone, Utc};
use common::{fixture, fixture_names};
use streamtide_core::{LiveState, Platform, VideoKind};
use streamtide_platforms::youtube::*;

/// Every YouTube capture (the JSON ones and the XML feed), so a new one cannot be left untested.
fn youtube_fixture_names() -> Vec<String> {
    let mut names = fixture_names("youtube");
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/youtube");
    names.extend(
        std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".xml")),
    );
    names.sort();
    names
}

#[test]
fn channels_statistics_and_uploads_playlist() {
    let items = parse_channels(&fixture(
        "youtube/channels_list_statistics_contentdetails.json",
    ))
    .unwrap();
    assert_eq!(items.len(), 2);
    let g = &items[0];
    assert_eq!(g.info.platform, Platform::Youtube);
    assert_eq!(g.info.channel_id.as_str(), "UCK8sQmJBp8GCxrOtXWBpyEA");
    assert_eq!(g.info.name, "Google");
    assert_eq!(g.info.handle.as_deref(), Some("@google"));
    assert!(g.info.avatar_url.as_deref().unwrap().contains("=s800-"));
    assert_eq!(g.stats.followers, Some(10_700_000), "rounded to 3 figures");
    assert_eq!(g.stats.total_views, Some(3_331_930_783));
    assert_eq!(g.stats.video_count, Some(2678));
    assert_eq!(
        g.uploads_playlist.as_deref(),
        Some("UUK8sQmJBp8GCxrOtXWBpyEA")
    );
    assert_eq!(items[1].info.handle.as_deref(), Some("@googledevelopers"));
    assert_eq!(items[1].stats.followers, Some(2_260_000));
    assert_eq!(items[1].stats.total_views, Some(208_790_084));
}

#[test]
fn channels_snippet_statistics_and_pre2019_unrounded() {
    let now = parse_channels(&fixture("youtube/channels_list_snippet_statistics.json")).unwrap();
    assert_eq!(now[0].info.name, "Google for Developers");
    assert_eq!(now[0].stats.followers, Some(2_300_000));
    assert_eq!(now[0].stats.video_count, Some(5783));
    // No contentDetails part: the uploads playlist is derived from the id.
    assert_eq!(
        now[0].uploads_playlist.as_deref(),
        Some("UU_x5XG1OV2P6uZZ5FSM9Ttw")
    );
    let old = parse_channels(&fixture("youtube/channels_list_pre2019_unrounded.json")).unwrap();
    assert_eq!(old[0].stats.followers, Some(1_927_873), "pre-2019: exact");
    assert_eq!(old[0].stats.total_views, Some(160_361_638));
    assert_eq!(old[0].stats.video_count, Some(5026));
}

#[test]
fn hidden_subscriber_count_is_unknown() {
    let body = br#"{"items":[{"id":"UCaaaaaaaaaaaaaaaaaaaaaa","snippet":{"title":"x"},"statistics":{"viewCount":"5","subscriberCount":"0","hiddenSubscriberCount":true,"videoCount":"1"}}]}"#;
    let items = parse_channels(body).unwrap();
    assert_eq!(items[0].stats.followers, None);
    assert_eq!(items[0].stats.total_views, Some(5));
    assert!(parse_channels(
        br#"{"kind":"youtube#channelListResponse","pageInfo":{"totalResults":0}}"#
    )
    .unwrap()
    .is_empty());
}

#[test]
fn videos_statistics() {
    let v = parse_videos(&fixture("youtube/videos_list_statistics.json")).unwrap();
    assert_eq!(v.len(), 1);
    let v = &v[0];
    assert_eq!(v.video_id, "V4DDt30Aat4");
    assert_eq!(v.channel_id.as_deref(), Some("UCvceBgMIpKb4zK1ss-Sh90w"));
    assert_eq!(v.views, Some(3_603_770));
    assert_eq!(v.likes, Some(1827));
    assert_eq!(v.comments, Some(358));
    assert_eq!(v.duration_secs, Some(159), "PT2M39S");
    assert_eq!(v.category_id.as_deref(), Some("28"));
    assert_eq!(v.language.as_deref(), Some("en"));
    assert!(!v.is_live());
    assert_eq!(v.live_broadcast(), None);
    let o = v.observation("UCvceBgMIpKb4zK1ss-Sh90w");
    assert_eq!(o.kind, VideoKind::Upload);
    assert_eq!(o.title, "Mark Lesek: A New/Old Prosthetic");
    assert_eq!(
        o.published_at,
        Some(Utc.with_ymd_and_hms(2011, 11, 21, 19, 11, 41).unwrap())
    );
    assert_eq!(
        o.thumbnail_url.as_deref(),
        Some("https://i.ytimg.com/vi/V4DDt30Aat4/sddefault.jpg")
    );
}

#[test]
fn live_video_state_machine() {
    // The documented shape (no verbatim live capture exists; see platforms-global.md §3).
    let body = br#"{"items":[
      {"id":"live1","snippet":{"channelId":"UCaaaaaaaaaaaaaaaaaaaaaa","title":"L","categoryId":"20","liveBroadcastContent":"live","channelTitle":"A"},
       "liveStreamingDetails":{"actualStartTime":"2026-03-04T11:00:00Z","concurrentViewers":"1234","activeLiveChatId":"x"}},
      {"id":"ended","snippet":{"channelId":"UCbbbbbbbbbbbbbbbbbbbbbb","liveBroadcastContent":"none"},
       "liveStreamingDetails":{"actualStartTime":"2026-03-03T11:00:00Z","actualEndTime":"2026-03-03T13:00:00Z"}},
      {"id":"soon","snippet":{"channelId":"UCcccccccccccccccccccccc","liveBroadcastContent":"upcoming"},
       "liveStreamingDetails":{"scheduledStartTime":"2026-03-05T11:00:00Z"}}]}"#;
    let items = parse_videos(body).unwrap();
    let live = live_by_channel(&items);
    assert_eq!(live.len(), 1);
    let b = &live[0].1;
    assert_eq!(b.viewers, 1234);
    assert_eq!(b.category_id.as_deref(), Some("20"));
    assert_eq!(b.broadcast_id.as_deref(), Some("live1"));
    assert_eq!(b.url, "https://www.youtube.com/watch?v=live1");
    assert!(matches!(
        live_state_of(&live, "UCaaaaaaaaaaaaaaaaaaaaaa"),
        LiveState::Live(_)
    ));
    assert_eq!(
        live_state_of(&live, "UCbbbbbbbbbbbbbbbbbbbbbb"),
        LiveState::Offline
    );
    assert_eq!(items[1].observation("x").kind, VideoKind::Replay);
}

#[test]
fn search_live() {
    let (hits, next) = parse_search(&fixture("youtube/search_list_eventtype_live.json")).unwrap();
    assert_eq!(hits.len(), 25);
    assert!(hits.iter().all(|h| h.live));
    assert_eq!(hits[0].video_id, "qgylp3Td1Bw");
    assert_eq!(hits[0].channel_id, "UCDGiCfCZIV5phsoGiPwIcyQ");
    assert_eq!(hits[0].channel_title.as_deref(), Some("Roylab Stats"));
    assert_eq!(next.as_deref(), Some("CBkQAA"));
}

#[test]
fn playlist_items() {
    let (items, next) =
        parse_playlist_items(&fixture("youtube/playlistitems_list_uploads.json")).unwrap();
    assert_eq!(items.len(), 5);
    assert_eq!(items[0].video_id, "UZ4n1n13crI");
    assert_eq!(
        items[0].published_at,
        Some(Utc.with_ymd_and_hms(2023, 7, 21, 19, 0, 27).unwrap())
    );
    assert_eq!(
        items[0].channel_id.as_deref(),
        Some("UC_x5XG1OV2P6uZZ5FSM9Ttw")
    );
    assert_eq!(next, None);
    let (paged, next) =
        parse_playlist_items(&fixture("youtube/playlistitems_list_paged.json")).unwrap();
    assert_eq!(paged.len(), 10);
    assert_eq!(
        paged[0].video_id, "CvTApw9X8aA",
        "snippet.resourceId when no contentDetails"
    );
    assert_eq!(next.as_deref(), Some("CAoQAA"));
}

#[test]
fn errors() {
    let e = parse_error(&fixture("youtube/error_key_invalid.json")).unwrap();
    assert_eq!(e.code, 400);
    assert!(e.is_credentials());
    assert!(!e.is_quota_exhausted());
    let e = parse_error(&fixture("youtube/error_access_not_configured.json")).unwrap();
    assert_eq!(e.code, 403);
    assert_eq!(e.status.as_deref(), Some("PERMISSION_DENIED"));
    assert!(e.reasons.contains(&"SERVICE_DISABLED".to_string()));
    assert!(e.is_credentials());
    let quota = br#"{"error":{"code":403,"message":"The request cannot be completed because you have exceeded your <a href=\"/youtube/v3/getting-started#quota\">quota</a>.","errors":[{"message":"x","domain":"youtube.quota","reason":"quotaExceeded"}]}}"#;
    assert!(parse_error(quota).unwrap().is_quota_exhausted());
    let burst =
        br#"{"error":{"code":403,"message":"x","errors":[{"reason":"rateLimitExceeded"}]}}"#;
    let burst = parse_error(burst).unwrap();
    assert!(burst.is_rate_limited() && !burst.is_quota_exhausted());
    assert_eq!(parse_error(b"<html>"), None);
}

#[test]
fn feed_with_leading_empty_line() {
    let body = fixture("youtube/feed_videos.xml");
    assert_eq!(body[0], b'\n', "the capture starts with an empty line");
    let feed = parse_feed(&body).unwrap();
    assert_eq!(feed.channel_id.as_deref(), Some("UCK8sQmJBp8GCxrOtXWBpyEA"));
    assert_eq!(feed.title.as_deref(), Some("Google"));
    assert_eq!(feed.entries.len(), 15);
    let e = &feed.entries[0];
    assert_eq!(e.video_id, "5shykyfmb28");
    assert_eq!(e.channel_id.as_deref(), Some("UCK8sQmJBp8GCxrOtXWBpyEA"));
    assert_eq!(e.title, "The Google app: Questions Title");
    assert_eq!(e.views, Some(251_497));
    assert_eq!(
        e.published,
        Some(Utc.with_ymd_and_hms(2015, 5, 4, 0, 1, 27).unwrap())
    );
    assert_eq!(feed.entries[1].video_id, "xfFHnBQ6nQg");
    // Only recent entries are live candidates: a 2015 feed has none in 2026...
    let t = Utc.with_ymd_and_hms(2026, 3, 4, 12, 0, 0).unwrap();
    assert!(candidates(&feed, t).is_empty());
    // ...and at most three, newest first, the day after the newest was updated.
    let then = Utc.with_ymd_and_hms(2015, 5, 14, 0, 0, 0).unwrap();
    let c = candidates(&feed, then);
    assert!(!c.is_empty() && c.len() <= 3, "{c:?}");
    assert_eq!(c[0], "5shykyfmb28");
}

/// Each capture goes through the parser for its endpoint; a new capture without a parser fails here.
#[test]
fn every_capture_has_a_parser_that_accepts_it() {
    let names = youtube_fixture_names();
    assert!(names.len() >= 10, "{names:?}");
    for name in names {
        let body = fixture(&format!("youtube/{name}"));
        let ok = if name.starts_with("channels_list") {
            matches!(parse_channels(&body), Ok(v) if !v.is_empty())
        } else if name.starts_with("videos_list") {
            matches!(parse_videos(&body), Ok(v) if !v.is_empty())
        } else if name.starts_with("search_list") {
            matches!(parse_search(&body), Ok((v, _)) if !v.is_empty())
        } else if name.starts_with("playlistitems_list") {
            matches!(parse_playlist_items(&body), Ok((v, _)) if !v.is_empty())
        } else if name.starts_with("error_") {
            parse_error(&body).is_some()
        } else if name.starts_with("feed_") {
            matches!(parse_feed(&body), Ok(f) if !f.entries.is_empty())
        } else {
            panic!("no parser assigned to fixture youtube/{name}");
        };
        assert!(ok, "youtube/{name} did not parse");
    }
}
