//! `GET /api/v1/live` curation: language filter (Korean by default), one category vocabulary
//! with unmapped categories counted, simulcasts merged into one item, per-platform freshness.

use std::collections::HashMap;

use axum::http::StatusCode;
use chrono::Duration;
use serde_json::Value;
use streamtide_core::{ChannelId, LiveBroadcast, Platform};
use streamtide_storage::Job;

use crate::common::{broadcast, empty, get, ids, live_round, seeded};

fn titled(
    platform: Platform,
    id: &str,
    viewers: u64,
    title: &str,
    hint: Option<&str>,
    started: chrono::DateTime<chrono::Utc>,
) -> LiveBroadcast {
    LiveBroadcast {
        title: title.into(),
        language: hint.map(str::to_string),
        tags: vec![],
        ..broadcast(platform, id, viewers, (None, None), false, started)
    }
}

#[tokio::test]
async fn korean_only_by_default_and_switchable() {
    let f = empty().await;
    let started = f.now - Duration::hours(1);
    live_round(
        &f.store,
        Platform::Twitch,
        f.now,
        vec![
            titled(
                Platform::Twitch,
                "ko1",
                300,
                "발로란트 랭크 불멸 가즈아",
                Some("ko"),
                started,
            ),
            titled(
                Platform::Twitch,
                "en1",
                900,
                "Chill english stream, ranked games with viewers, come hang out",
                Some("en"),
                started,
            ),
            // A Korean streamer who left Twitch's language at its default.
            titled(
                Platform::Twitch,
                "ko2",
                100,
                "오버워치 2 경쟁전 돌립니다",
                Some("en"),
                started,
            ),
        ],
    )
    .await;
    live_round(
        &f.store,
        Platform::Youtube,
        f.now,
        vec![
            titled(
                Platform::Youtube,
                "hi1",
                5000,
                "हिंदी समाचार LIVE: देखिये आज की बड़ी खबरें",
                None,
                started,
            ),
            titled(
                Platform::Youtube,
                "ar1",
                4000,
                "بث مباشر الآن أخبار اليوم من القاهرة",
                None,
                started,
            ),
        ],
    )
    .await;

    let body = get(&f.app, "/api/v1/live").await.json();
    assert_eq!(ids(&body), ["twitch/ko1", "twitch/ko2"], "Korean only");
    assert_eq!(body["total"], 2);
    let d = &body["items"][1]["detected_language"];
    assert_eq!(d["code"], "ko");
    assert!(d["confidence"].as_f64().unwrap() > 0.5, "{d}");
    assert_eq!(
        body["items"][1]["language"], "en",
        "the platform's hint as sent"
    );

    let all = get(&f.app, "/api/v1/live?lang=all").await.json();
    assert_eq!(
        ids(&all),
        [
            "youtube/hi1",
            "youtube/ar1",
            "twitch/en1",
            "twitch/ko1",
            "twitch/ko2"
        ]
    );
    assert_eq!(all["total"], 5);
    let en = get(&f.app, "/api/v1/live?lang=en").await.json();
    assert_eq!(ids(&en), ["twitch/en1"]);
    let some = get(&f.app, "/api/v1/live?lang=ko,hi&limit=2").await.json();
    assert_eq!(ids(&some), ["youtube/hi1", "twitch/ko1"]);
    assert_eq!(some["total"], 3);
    assert!(some["next_cursor"].is_string());
    get(&f.app, "/api/v1/live?lang=korean")
        .await
        .expect_error(StatusCode::BAD_REQUEST, "bad_request");
}

#[tokio::test]
async fn categories_share_one_vocabulary_and_unmapped_ones_are_counted() {
    let f = seeded().await;
    let body = get(&f.app, "/api/v1/live?category=just_chatting")
        .await
        .json();
    assert_eq!(ids(&body), ["chzzk/ca", "soop/s1"]);
    let tag = &body["items"][0]["category_tag"];
    assert_eq!(tag["id"], "just_chatting");
    assert_eq!(tag["ko"], "저스트채팅");
    assert_eq!(tag["en"], "Just Chatting");
    assert_eq!(
        body["items"][0]["category"], "토크",
        "the raw category is kept"
    );

    let lol = get(&f.app, "/api/v1/live?category=League_of_Legends")
        .await
        .json();
    assert_eq!(ids(&lol), ["chzzk/cb", "soop/s2"]);

    let all = get(&f.app, "/api/v1/live").await.json();
    let adult = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["channel_id"] == "cc")
        .expect("cc");
    assert_eq!(
        adult["category_tag"],
        Value::Null,
        "adult_cat is not in the table"
    );
    assert_eq!(adult["category"], "adult_cat");

    let metrics = get(&f.app, "/metrics").await.text;
    assert!(
        metrics.contains(r#"streamtide_live_unmapped_categories{platform="chzzk"} 1"#),
        "{metrics}"
    );
    assert!(
        metrics.contains(r#"streamtide_live_unmapped_categories{platform="soop"} 0"#),
        "{metrics}"
    );
}

#[tokio::test]
async fn a_simulcast_is_one_item_with_viewers_per_platform() {
    let f = empty().await;
    let started = f.now - Duration::minutes(50);
    live_round(
        &f.store,
        Platform::Chzzk,
        f.now,
        vec![titled(
            Platform::Chzzk,
            "sa",
            500,
            "[동시송출] 오늘도 롤 한판!",
            None,
            started,
        )],
    )
    .await;
    live_round(
        &f.store,
        Platform::Youtube,
        f.now,
        vec![titled(
            Platform::Youtube,
            "ya",
            300,
            "오늘도 롤 한판! 🔴LIVE",
            None,
            started + Duration::minutes(3),
        )],
    )
    .await;
    live_round(
        &f.store,
        Platform::Soop,
        f.now,
        vec![titled(
            Platform::Soop,
            "other",
            600,
            "새벽 먹방 힐링 방송",
            None,
            started,
        )],
    )
    .await;

    // Not linked yet: three items.
    let body = get(&f.app, "/api/v1/live").await.json();
    assert_eq!(ids(&body), ["soop/other", "chzzk/sa", "youtube/ya"]);
    assert_eq!(body["items"][1]["simulcast"], serde_json::json!([]));

    let (creator, _) = f.store.upsert_creator("감자", f.now).await.unwrap();
    for (p, id) in [(Platform::Chzzk, "sa"), (Platform::Youtube, "ya")] {
        assert!(f
            .store
            .link_channel(p, &ChannelId::new(id), creator)
            .await
            .unwrap());
    }
    let body = get(&f.app, "/api/v1/live").await.json();
    assert_eq!(
        ids(&body),
        ["chzzk/sa", "soop/other"],
        "merged, and moved up by the sum"
    );
    assert_eq!(body["total"], 2);
    let merged = &body["items"][0];
    assert_eq!(merged["viewers"], 800);
    assert_eq!(
        merged["simulcast"],
        serde_json::json!([
            {"platform": "chzzk", "channel_id": "sa", "channel_name": "sa 채널", "viewers": 500, "url": "https://watch.example/sa"},
            {"platform": "youtube", "channel_id": "ya", "channel_name": "ya 채널", "viewers": 300, "url": "https://watch.example/ya"},
        ])
    );
    // A platform filter finds the simulcast by any of its platforms.
    let yt = get(&f.app, "/api/v1/live?platform=youtube").await.json();
    assert_eq!(ids(&yt), ["chzzk/sa"]);
}

#[tokio::test]
async fn a_failing_platform_keeps_no_stale_cards_while_others_stay() {
    let f = empty().await;
    let minutes = |m: i64| f.now - Duration::minutes(m);
    let started = minutes(60);
    // CHZZK's last good poll was 6 minutes ago; its polls fail since.
    live_round(
        &f.store,
        Platform::Chzzk,
        minutes(6),
        vec![titled(
            Platform::Chzzk,
            "stale",
            900,
            "오늘도 롤 한판!",
            None,
            started,
        )],
    )
    .await;
    for m in [4, 2] {
        let round = f
            .store
            .start_round(Platform::Chzzk, Job::Live, minutes(m))
            .await
            .unwrap();
        f.store
            .finish_round(round, minutes(m), 1, 1, Some("HTTP 503"), false)
            .await
            .unwrap();
    }
    // SOOP polls fine: now, and 2 minutes ago (its item then).
    live_round(
        &f.store,
        Platform::Soop,
        minutes(2),
        vec![titled(
            Platform::Soop,
            "fresh",
            100,
            "새벽 먹방 힐링 방송",
            None,
            started,
        )],
    )
    .await;
    live_round(
        &f.store,
        Platform::Soop,
        f.now,
        vec![titled(
            Platform::Soop,
            "now",
            50,
            "마크 건축 방송",
            None,
            started,
        )],
    )
    .await;
    // Twitch saw an item 4 min 15 s ago, and its poll just now did not see it.
    live_round(
        &f.store,
        Platform::Twitch,
        f.now - Duration::seconds(255),
        vec![titled(
            Platform::Twitch,
            "ended",
            70,
            "발로란트 랭크",
            None,
            started,
        )],
    )
    .await;
    live_round(&f.store, Platform::Twitch, f.now, vec![]).await;

    // The fixture's single 10-minute window still shows everything.
    let body = get(&f.app, "/api/v1/live").await.json();
    assert_eq!(
        ids(&body),
        ["chzzk/stale", "soop/fresh", "twitch/ended", "soop/now"]
    );

    // With the collector's 2-minute cadence, CHZZK's card is gone after two intervals (plus the
    // slack) and Twitch's ended item after two intervals past its last good poll; SOOP stays.
    let intervals: HashMap<Platform, Duration> = Platform::ALL
        .iter()
        .map(|&p| (p, Duration::minutes(2)))
        .collect();
    let app = streamtide_server::app(f.state.clone().with_live_intervals(intervals));
    let body = get(&app, "/api/v1/live").await.json();
    assert_eq!(ids(&body), ["soop/fresh", "soop/now"]);
    assert_eq!(body["total"], 2);
}
