//! The Twitch and YouTube servers answer with the shape of the real captures, charge their rate
//! buckets and quota, and honour their auth.

use serde_json::{json, Value};
use streamtide_core::{Clock, Platform};
use streamtide_simulator::{youtube_video_id, Fault, FaultKind, SimConfig};

use crate::common::*;

fn cfg() -> SimConfig {
    SimConfig {
        twitch_channels: 300,
        youtube_channels: 300,
        ..SimConfig::default()
    }
}

async fn twitch_token(c: &reqwest::Client, base: &str) -> String {
    let resp = c
        .post(format!("{base}/oauth2/token"))
        .form(&[
            ("client_id", "cid"),
            ("client_secret", "sim-twitch-secret"),
            ("grant_type", "client_credentials"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let v: Value = serde_json::from_str(&resp.text().await.unwrap()).unwrap();
    assert_eq!(v["token_type"], "bearer");
    assert!(v["expires_in"].as_u64().unwrap() > 0);
    v["access_token"].as_str().unwrap().to_string()
}

async fn helix(
    c: &reqwest::Client,
    url: &str,
    token: &str,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let resp = c
        .get(url)
        .header("Client-Id", "cid")
        .header("Authorization", format!("Bearer {token}"))
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    (
        status,
        headers,
        serde_json::from_str(&resp.text().await.unwrap()).unwrap(),
    )
}

#[tokio::test]
async fn twitch_endpoints_match_the_captures() {
    let (sim, clock) = start(cfg()).await;
    let c = client();
    let base = sim.twitch_base();
    let token = twitch_token(&c, &base).await;
    let w = sim.world();
    let (live_ch, _) = &w.live_list_at(Platform::Twitch, clock.now())[0];

    let (st, h, users) = helix(
        &c,
        &format!("{base}/helix/users?id={}&id=999", live_ch.id),
        &token,
    )
    .await;
    assert_eq!(st, 200);
    for name in ["ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"] {
        assert!(h.contains_key(name), "{name}");
    }
    let mut capture = fixture("twitch/get_users.json");
    // `email` comes only with a user token's user:read:email scope.
    capture["data"][0].as_object_mut().unwrap().remove("email");
    assert_shape("users", &capture, &users);
    assert_eq!(
        users["data"].as_array().unwrap().len(),
        1,
        "unknown ids are absent"
    );
    assert_eq!(
        users["data"][0]["login"],
        json!(live_ch.handle.clone().unwrap())
    );

    let (_, _, streams) = helix(
        &c,
        &format!("{base}/helix/streams?language=ko&first=3"),
        &token,
    )
    .await;
    assert_shape("streams", &fixture("twitch/get_streams.json"), &streams);
    assert!(streams["data"][0]["thumbnail_url"]
        .as_str()
        .unwrap()
        .contains("{width}x{height}"));
    assert!(streams["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["language"] == "ko"));
    let cursor = streams["pagination"]["cursor"].as_str().unwrap();
    let (_, _, next) = helix(
        &c,
        &format!("{base}/helix/streams?language=ko&first=3&after={cursor}"),
        &token,
    )
    .await;
    assert_ne!(next["data"][0]["id"], streams["data"][0]["id"]);

    let (_, _, f) = helix(
        &c,
        &format!(
            "{base}/helix/channels/followers?broadcaster_id={}&first=1",
            live_ch.id
        ),
        &token,
    )
    .await;
    assert_shape(
        "followers",
        &fixture("twitch/get_channel_followers_total_only.json"),
        &f,
    );
    assert_eq!(f["total"], json!(w.followers_at(live_ch, clock.now())));

    let (_, _, v) = helix(
        &c,
        &format!(
            "{base}/helix/videos?user_id={}&first=5&type=all",
            live_ch.id
        ),
        &token,
    )
    .await;
    let mut capture = fixture("twitch/get_videos.json");
    // Muted segments are null unless a VOD had muted audio.
    capture["data"][0]["muted_segments"] = Value::Null;
    assert_shape("videos", &capture, &v);
    assert!(v["data"][0]["duration"].as_str().unwrap().ends_with('s'));

    let (st, _, e) = helix(&c, &format!("{base}/helix/users?id=1"), "not-a-token").await;
    assert_eq!(st, 401);
    assert_shape("401", &fixture("twitch/error_not_found.json"), &e);
    assert_eq!(e["message"], "Invalid OAuth token");
}

#[tokio::test]
async fn twitch_bucket_empties_into_429_and_tokens_can_be_revoked() {
    let (sim, _clock) = start(SimConfig {
        twitch_channels: 10,
        twitch_bucket: 3,
        twitch_bucket_window: std::time::Duration::from_secs(30),
        ..SimConfig::default()
    })
    .await;
    let c = client();
    let base = sim.twitch_base();
    let token = twitch_token(&c, &base).await;
    let url = format!("{base}/helix/users?id=1");
    let mut remaining = Vec::new();
    for _ in 0..3 {
        let (st, h, _) = helix(&c, &url, &token).await;
        assert_eq!(st, 200);
        remaining.push(h["ratelimit-remaining"].to_str().unwrap().to_string());
    }
    assert_eq!(remaining, ["2", "1", "0"]);
    let (st, h, _) = helix(&c, &url, &token).await;
    assert_eq!(st, 429);
    let reset: u64 = h["ratelimit-reset"].to_str().unwrap().parse().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(reset > now && reset <= now + 31, "{reset} vs {now}");
    assert_eq!(sim.twitch_throttled(), 1);
    sim.twitch_revoke_tokens();
    let (st, _, _) = helix(&c, &url, &token).await;
    assert_eq!(st, 401, "revoked tokens are refused before the bucket");
    assert_eq!(sim.twitch_tokens_issued(), 1);
    // A bad secret mints nothing.
    let resp = c
        .post(format!("{base}/oauth2/token"))
        .form(&[
            ("client_id", "cid"),
            ("client_secret", "nope"),
            ("grant_type", "client_credentials"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    // Faults apply to the new servers too.
    sim.inject(
        Platform::Twitch,
        Fault::once(FaultKind::Status {
            code: 503,
            retry_after_secs: None,
        }),
    );
    assert_eq!(c.get(&url).send().await.unwrap().status(), 503);
}

fn yt(base: &str, rest: &str) -> String {
    format!("{base}/youtube/v3/{rest}&key=sim-youtube-key")
}

#[tokio::test]
async fn youtube_endpoints_match_the_captures() {
    let (sim, clock) = start(cfg()).await;
    let c = client();
    let base = sim.youtube_base();
    let w = sim.world();
    let now = clock.now();
    let (live_ch, live) = &w.live_list_at(Platform::Youtube, now)[0];
    let other = &w.channels(Platform::Youtube)[7];

    let ch = get_json(
        &c,
        &yt(
            &base,
            &format!(
                "channels?part=snippet,statistics,contentDetails&id={},{},UCnope",
                live_ch.id, other.id
            ),
        ),
    )
    .await;
    let mut capture = fixture("youtube/channels_list_statistics_contentdetails.json");
    for item in capture["items"].as_array_mut().unwrap() {
        item.as_object_mut().unwrap().remove("brandingSettings");
    }
    assert_shape("channels", &capture, &ch);
    assert_eq!(
        ch["items"].as_array().unwrap().len(),
        2,
        "unknown ids are absent"
    );
    assert_eq!(
        ch["items"][0]["contentDetails"]["relatedPlaylists"]["uploads"],
        json!(format!("UU{}", &live_ch.id[2..]))
    );

    let by_handle = get_json(
        &c,
        &yt(
            &base,
            &format!(
                "channels?part=snippet&forHandle={}",
                live_ch.handle.clone().unwrap()
            ),
        ),
    )
    .await;
    assert_eq!(by_handle["items"][0]["id"], json!(live_ch.id));

    let vid = youtube_video_id(live.live_id);
    let v = get_json(&c, &yt(&base, &format!("videos?part=snippet,contentDetails,statistics,liveStreamingDetails&id={vid},AAAAAAAAAAA"))).await;
    assert_shape(
        "videos",
        &fixture("youtube/videos_list_statistics.json"),
        &v,
    );
    assert_eq!(v["items"].as_array().unwrap().len(), 1);
    assert_eq!(v["items"][0]["snippet"]["liveBroadcastContent"], "live");
    assert_eq!(
        v["items"][0]["liveStreamingDetails"]["concurrentViewers"],
        json!(live.viewers.to_string())
    );

    let s = get_json(&c, &yt(&base, "search?part=snippet&type=video&eventType=live&regionCode=KR&relevanceLanguage=ko&order=viewCount&maxResults=5")).await;
    assert_shape(
        "search",
        &fixture("youtube/search_list_eventtype_live.json"),
        &s,
    );
    assert!(s["nextPageToken"].is_string());

    let pl = get_json(
        &c,
        &yt(
            &base,
            &format!(
                "playlistItems?part=snippet,contentDetails&playlistId=UU{}&maxResults=5",
                &live_ch.id[2..]
            ),
        ),
    )
    .await;
    assert_shape(
        "playlistItems",
        &fixture("youtube/playlistitems_list_uploads.json"),
        &pl,
    );
    assert_eq!(
        pl["items"][0]["contentDetails"]["videoId"],
        json!(vid),
        "the live stream is the newest upload"
    );

    let feed = c
        .get(format!("{base}/feeds/videos.xml?channel_id={}", live_ch.id))
        .send()
        .await
        .unwrap();
    assert_eq!(feed.status(), 200);
    let text = feed.text().await.unwrap();
    assert!(
        text.starts_with("\n<?xml"),
        "like the capture, an empty first line"
    );
    assert!(text.contains(&format!("<yt:videoId>{vid}</yt:videoId>")));
    assert!(text.contains("<media:statistics views=\""));
    let missing = c
        .get(format!("{base}/feeds/videos.xml?channel_id=UCnope"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);

    let bad = c
        .get(format!(
            "{base}/youtube/v3/channels?part=id&id={}&key=wrong",
            other.id
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let body: Value = serde_json::from_str(&bad.text().await.unwrap()).unwrap();
    assert_shape(
        "keyInvalid",
        &fixture("youtube/error_key_invalid.json"),
        &body,
    );
    // Four unit-priced calls and one search (the keyInvalid call is refused first); feeds are free.
    assert_eq!(sim.youtube_quota_used(), (4, 1));
}

#[tokio::test]
async fn youtube_quota_runs_out_with_quota_exceeded() {
    let (sim, clock) = start(SimConfig {
        youtube_channels: 5,
        youtube_daily_quota: 2,
        youtube_search_calls: 0,
        ..SimConfig::default()
    })
    .await;
    let c = client();
    let base = sim.youtube_base();
    let url = yt(&base, "channels?part=id&id=UCx");
    for _ in 0..2 {
        assert_eq!(c.get(&url).send().await.unwrap().status(), 200);
    }
    let resp = c.get(&url).send().await.unwrap();
    assert_eq!(resp.status(), 403);
    let body: Value = serde_json::from_str(&resp.text().await.unwrap()).unwrap();
    assert_eq!(body["error"]["errors"][0]["reason"], "quotaExceeded");
    let s = c
        .get(yt(&base, "search?part=snippet&type=video&eventType=live"))
        .send()
        .await
        .unwrap();
    assert_eq!(s.status(), 403);
    // The next (UTC−8) day has a fresh budget.
    clock.advance(chrono::Duration::days(1));
    assert_eq!(c.get(&url).send().await.unwrap().status(), 200);
}
