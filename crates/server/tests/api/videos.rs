//! `GET /api/v1/channels/{platform}/{channel_id}/videos`.

use axum::http::StatusCode;
use chrono::Duration;
use streamtide_core::{ChannelId, Platform, VideoKind, VideoObservation};
use streamtide_storage::{Batch, Job};

use crate::common::{get, seeded};

fn video(
    id: &str,
    days_ago: Option<i64>,
    views: Option<u64>,
    now: chrono::DateTime<chrono::Utc>,
) -> VideoObservation {
    VideoObservation {
        platform: Platform::Soop,
        channel_id: ChannelId::new("s1"),
        video_id: id.into(),
        title: format!("다시보기 {id}"),
        kind: VideoKind::Replay,
        published_at: days_ago.map(|d| now - Duration::days(d)),
        duration_secs: Some(3600),
        views,
        likes: Some(5),
        comments: None,
        thumbnail_url: Some(format!("https://img.example/{id}.jpg")),
        adult: false,
        category_name: None,
    }
}

#[tokio::test]
async fn newest_first_with_latest_counters_and_links() {
    let f = seeded().await;
    let (s, now) = (&f.store, f.now);
    for (at, views) in [(now - Duration::hours(2), 10), (now, 25)] {
        let round = s
            .start_round(Platform::Soop, Job::Videos, at)
            .await
            .unwrap();
        let batch = Batch::Videos {
            videos: vec![
                video("100", Some(3), Some(views), now),
                video("200", Some(1), Some(views * 2), now),
                video("300", None, None, now),
            ],
        };
        s.write_batch(round, Platform::Soop, at, &batch)
            .await
            .unwrap();
    }

    let r = get(&f.app, "/api/v1/channels/soop/s1/videos").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let body = r.json();
    let items = body["items"].as_array().unwrap();
    let ids: Vec<&str> = items
        .iter()
        .map(|v| v["video_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["200", "100", "300"], "newest first, undated last");
    assert_eq!(items[0]["views"], 50, "the latest snapshot's counters");
    assert_eq!(items[1]["views"], 25);
    assert_eq!(
        items[2]["views"],
        serde_json::Value::Null,
        "unknown stays null"
    );
    assert_eq!(items[0]["comments"], serde_json::Value::Null);
    assert_eq!(items[0]["kind"], "replay");
    assert_eq!(items[0]["url"], "https://vod.sooplive.co.kr/player/200");

    let r = get(&f.app, "/api/v1/channels/soop/s1/videos?limit=1").await;
    assert_eq!(r.json()["items"].as_array().unwrap().len(), 1);
    get(&f.app, "/api/v1/channels/soop/s1/videos?limit=101")
        .await
        .expect_error(StatusCode::BAD_REQUEST, "bad_request");
    get(&f.app, "/api/v1/channels/soop/nobody/videos")
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    get(&f.app, "/api/v1/channels/kick/s1/videos")
        .await
        .expect_error(StatusCode::BAD_REQUEST, "bad_request");
}
