//! Every real Twitch capture parses, and the fields that matter carry the captured values.

mod common;

use common::{fixture, fixture_names};
use streamtide_core::{Platform, VideoKind};
use streamtide_platforms::twitch::*;

#[test]
fn get_users() {
    let users = parse_users(&fixture("twitch/get_users.json")).unwrap();
    assert_eq!(users.len(), 1);
    let u = &users[0];
    assert_eq!(u.platform, Platform::Twitch);
    assert_eq!(u.channel_id.as_str(), "141981764");
    assert_eq!(u.name, "TwitchDev");
    assert_eq!(u.handle.as_deref(), Some("twitchdev"));
    assert!(u
        .description
        .as_deref()
        .unwrap()
        .starts_with("Supporting third-party developers"));
    assert_eq!(
        u.avatar_url.as_deref(),
        Some("https://static-cdn.jtvnw.net/jtv_user_pictures/8a6381c7-d0c0-4576-b179-38bd5ce1d6af-profile_image-300x300.png")
    );
}

#[test]
fn get_streams_with_cursor() {
    let (items, cursor) = parse_streams(&fixture("twitch/get_streams.json")).unwrap();
    assert_eq!(items.len(), 2);
    let s = &items[0];
    assert_eq!(s.platform, Platform::Twitch);
    assert_eq!(s.channel_id.as_str(), "98765");
    assert_eq!(s.channel_name.as_deref(), Some("SandySanderman"));
    assert_eq!(s.broadcast_id.as_deref(), Some("123456789"));
    assert_eq!(s.title, "hablamos y le damos a Little Nightmares 1");
    assert_eq!(s.viewers, 78365);
    assert_eq!(s.category_id.as_deref(), Some("494131"));
    assert_eq!(s.category_name.as_deref(), Some("Little Nightmares"));
    assert_eq!(s.tags, vec!["Español".to_string()]);
    assert_eq!(s.language.as_deref(), Some("es"));
    assert!(!s.adult);
    assert_eq!(
        s.started_at.unwrap().to_rfc3339(),
        "2021-03-10T15:04:21+00:00"
    );
    assert_eq!(
        s.thumbnail_url.as_deref(),
        Some("https://static-cdn.jtvnw.net/previews-ttv/live_user_auronplay-440x248.jpg")
    );
    assert_eq!(s.url, "https://www.twitch.tv/sandysanderman");
    assert!(cursor.unwrap().starts_with("eyJiIjp7IkN1cnNvciI6"));
}

#[test]
fn get_streams_null_tags() {
    let (items, cursor) = parse_streams(&fixture("twitch/get_streams_null_tags.json")).unwrap();
    assert_eq!(items.len(), 1);
    assert!(items[0].tags.is_empty(), "tags: null is no tags");
    assert_eq!(items[0].viewers, 78365);
    assert_eq!(
        cursor.as_deref(),
        Some("eyJiIjpudWxsLCJhIjp7Ik9mZnNldCI6MjB9fQ==")
    );
}

#[test]
fn followers_total_with_app_token_and_full_list() {
    assert_eq!(
        parse_followers_total(&fixture("twitch/get_channel_followers_total_only.json")).unwrap(),
        8
    );
    assert_eq!(
        parse_followers_total(&fixture("twitch/get_channel_followers.json")).unwrap(),
        8
    );
    assert!(parse_followers_total(br#"{"data":[],"pagination":{}}"#).is_err());
}

#[test]
fn get_videos() {
    let videos = parse_videos(&fixture("twitch/get_videos.json"), "141981764").unwrap();
    assert_eq!(videos.len(), 1);
    let v = &videos[0];
    assert_eq!(v.platform, Platform::Twitch);
    assert_eq!(v.channel_id.as_str(), "141981764");
    assert_eq!(v.video_id, "335921245");
    assert_eq!(v.title, "Twitch Developers 101");
    assert_eq!(v.kind, VideoKind::Upload);
    assert_eq!(v.views, Some(1_863_062));
    assert_eq!(v.duration_secs, Some(201), "3m21s");
    assert_eq!(
        v.published_at.unwrap().to_rfc3339(),
        "2018-11-14T22:04:30+00:00"
    );
    assert_eq!(v.likes, None);
    assert!(v
        .thumbnail_url
        .as_deref()
        .unwrap()
        .ends_with("/thumb/index-0000000000-440x248.jpg"));
    let (_, next) = parse_videos_page(&fixture("twitch/get_videos.json"), "x").unwrap();
    assert_eq!(next, None, "pagination {{}} is the last page");
}

#[test]
fn channel_information() {
    let info = parse_channel_information(&fixture("twitch/get_channel_information.json")).unwrap();
    assert_eq!(info.len(), 1);
    assert_eq!(info[0].channel_id.as_str(), "141981764");
    assert_eq!(info[0].login.as_deref(), Some("twitchdev"));
    assert_eq!(info[0].language.as_deref(), Some("en"));
    assert_eq!(info[0].category_id.as_deref(), Some("509670"));
    assert_eq!(
        info[0].category_name.as_deref(),
        Some("Science & Technology")
    );
    assert_eq!(info[0].tags, vec!["DevsInTheKnow".to_string()]);
}

#[test]
fn search_channels_live_only() {
    let found = parse_search_channels(&fixture("twitch/search_channels_live_only.json")).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0.channel_id.as_str(), "19070311");
    assert_eq!(found[0].0.handle.as_deref(), Some("a_seagull"));
    assert_eq!(found[0].0.name, "A_Seagull");
    assert!(found[0].1, "is_live");
}

#[test]
fn error_body_and_token_validation() {
    let e = parse_error(&fixture("twitch/error_not_found.json")).unwrap();
    assert_eq!(e.status, 404);
    assert_eq!(e.error, "Not Found");
    assert_eq!(e.message, "twitchdev has no subscription to twitchpresents");
    let v = parse_validate(&fixture("twitch/oauth2_validate.json")).unwrap();
    assert_eq!(v.client_id, "wbmytr93xzw8zbg0p1izqyzzc5mbiz");
    assert_eq!(v.login.as_deref(), Some("twitchdev"));
    assert_eq!(v.user_id.as_deref(), Some("141981764"));
    assert_eq!(v.expires_in, Some(5_520_838));
    let (token, expires) =
        parse_token(br#"{"access_token":"abc","expires_in":5011271,"token_type":"bearer"}"#)
            .unwrap();
    assert_eq!((token.as_str(), expires), ("abc", 5_011_271));
}

#[test]
fn eventsub_subscription_cost() {
    let c =
        parse_eventsub_subscriptions(&fixture("twitch/create_eventsub_subscription_webhook.json"))
            .unwrap();
    assert_eq!(c.subscriptions.len(), 1);
    assert_eq!(c.subscriptions[0].1, "user.update");
    assert_eq!(c.subscriptions[0].3, 1);
    assert_eq!(c.total_cost, Some(1));
    assert_eq!(c.max_total_cost, Some(10_000));
}

/// Each capture goes through the parser for its endpoint; a new capture without a parser fails here.
#[test]
fn every_capture_has_a_parser_that_accepts_it() {
    let names = fixture_names("twitch");
    assert!(names.len() >= 11, "{names:?}");
    for name in names {
        let body = fixture(&format!("twitch/{name}"));
        let ok = if name.starts_with("get_users") {
            matches!(parse_users(&body), Ok(v) if !v.is_empty())
        } else if name.starts_with("get_streams") {
            matches!(parse_streams(&body), Ok((v, _)) if !v.is_empty())
        } else if name.starts_with("get_channel_followers") {
            parse_followers_total(&body).is_ok()
        } else if name.starts_with("get_channel_information") {
            matches!(parse_channel_information(&body), Ok(v) if !v.is_empty())
        } else if name.starts_with("get_videos") {
            matches!(parse_videos(&body, "x"), Ok(v) if !v.is_empty())
        } else if name.starts_with("search_channels") {
            matches!(parse_search_channels(&body), Ok(v) if !v.is_empty())
        } else if name.starts_with("create_eventsub") {
            parse_eventsub_subscriptions(&body).is_ok()
        } else if name.starts_with("oauth2_validate") {
            parse_validate(&body).is_ok()
        } else if name.starts_with("error_") {
            parse_error(&body).is_some()
        } else {
            panic!("no parser assigned to fixture twitch/{name}");
        };
        assert!(ok, "twitch/{name} did not parse");
    }
}
