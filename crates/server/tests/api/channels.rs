//! `GET /api/v1/channels`, `/channels/{platform}/{id}` and `/history`.

use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

use crate::common::{get, ids, seeded};

fn values(body: &Value) -> Vec<u64> {
    body["points"]
        .as_array()
        .expect("points")
        .iter()
        .map(|p| p["value"].as_u64().expect("value"))
        .collect()
}

fn q(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[tokio::test]
async fn lists_channels_roster_first_with_filters_and_paging() {
    let f = seeded().await;
    let all = get(&f.app, "/api/v1/channels").await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.text);
    let all = all.json();
    let expected = [
        "chzzk/z", "soop/s1", "chzzk/ca", "chzzk/cb", "chzzk/cc", "soop/old", "soop/s2",
    ];
    assert_eq!(ids(&all), expected);
    assert_eq!(all["total"], 7);
    assert_eq!(all["next_cursor"], Value::Null);

    let tracked = get(&f.app, "/api/v1/channels?tracked=true").await.json();
    assert_eq!(ids(&tracked), ["chzzk/z", "soop/s1"]);
    assert_eq!(tracked["total"], 2);
    let untracked_filter_off = get(&f.app, "/api/v1/channels?tracked=false").await.json();
    assert_eq!(untracked_filter_off["total"], 7);

    let soop = get(&f.app, "/api/v1/channels?platform=soop").await.json();
    assert_eq!(ids(&soop), ["soop/s1", "soop/old", "soop/s2"]);

    let mut seen = Vec::new();
    let mut uri = "/api/v1/channels?limit=3".to_string();
    loop {
        let page = get(&f.app, &uri).await.json();
        seen.extend(ids(&page));
        match page["next_cursor"].as_str() {
            Some(c) => uri = format!("/api/v1/channels?limit=3&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, expected);

    let z = &all["items"][0];
    assert_eq!(z["followers"], 1200);
    assert_eq!(z["tracked"], true);
    assert_eq!(z["live"], Value::Null);
    let m = get(&f.app, "/api/v1/channels?limit=500")
        .await
        .expect_error(StatusCode::BAD_REQUEST, "bad_request");
    assert!(m.contains("200"), "{m}");
    get(&f.app, "/api/v1/channels?tracked=yes")
        .await
        .expect_error(StatusCode::BAD_REQUEST, "bad_request");
    get(&f.app, "/api/v1/channels?platform=kick")
        .await
        .expect_error(StatusCode::BAD_REQUEST, "bad_request");
}

#[tokio::test]
async fn channel_detail_and_not_found() {
    let f = seeded().await;
    let z = get(&f.app, "/api/v1/channels/chzzk/z").await;
    assert_eq!(z.status, StatusCode::OK, "{}", z.text);
    let z = z.json();
    assert_eq!(z["platform"], "chzzk");
    assert_eq!(z["channel_id"], "z");
    assert_eq!(z["name"], "z 이름", "the latest observation's name");
    assert_eq!(z["handle"], "@z");
    assert_eq!(z["description"], "설명");
    assert_eq!(z["tracked"], true);
    assert_eq!(z["followers"], 1200);
    assert_eq!(z["total_views"], 15000);
    assert_eq!(z["video_count"], 7);
    assert_eq!(z["stats_observed_at"], q(f.now));
    assert_eq!(z["missing_since"], Value::Null);
    assert_eq!(z["live"], Value::Null);
    assert_eq!(z["creator_id"], Value::Null, "not linked to a creator");
    for key in ["avatar_url", "first_seen_at", "last_seen_at"] {
        assert!(z.get(key).is_some(), "{key}");
    }

    let ca = get(&f.app, "/api/v1/channels/chzzk/ca").await.json();
    assert_eq!(ca["live"]["viewers"], 500);
    assert_eq!(ca["live"]["peak_viewers"], 500);
    assert_eq!(ca["live"]["category"], "토크");
    assert_eq!(ca["followers"], Value::Null, "unknown, not 0");

    let m = get(&f.app, "/api/v1/channels/chzzk/nope")
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    assert!(m.contains("nope"), "{m}");
    // SOOP has no `z`: the platform is part of the identity.
    get(&f.app, "/api/v1/channels/soop/z")
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    let m = get(&f.app, "/api/v1/channels/kick/z")
        .await
        .expect_error(StatusCode::BAD_REQUEST, "bad_request");
    assert!(m.contains("unknown platform `kick`"), "{m}");
}

#[tokio::test]
async fn history_of_each_metric() {
    let f = seeded().await;
    let r = get(&f.app, "/api/v1/channels/chzzk/z/history?metric=followers").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let body = r.json();
    assert_eq!(body["platform"], "chzzk");
    assert_eq!(body["channel_id"], "z");
    assert_eq!(body["metric"], "followers");
    assert_eq!(values(&body), [1000, 1100, 1200]);
    assert_eq!(body["points"][0]["at"], q(f.now - Duration::days(2)));

    let views = get(&f.app, "/api/v1/channels/chzzk/z/history?metric=views")
        .await
        .json();
    assert_eq!(values(&views), [10_000, 12_000, 15_000]);
    assert_eq!(views["metric"], "views");

    let viewers = get(&f.app, "/api/v1/channels/chzzk/ca/history?metric=viewers")
        .await
        .json();
    assert_eq!(values(&viewers), [450, 500]);
    assert_eq!(viewers["metric"], "viewers");

    // A known channel without that series is an empty series, not a 404.
    let none = get(&f.app, "/api/v1/channels/chzzk/ca/history?metric=followers").await;
    assert_eq!(none.status, StatusCode::OK);
    assert_eq!(values(&none.json()), Vec::<u64>::new());

    let window = format!(
        "/api/v1/channels/chzzk/z/history?metric=followers&from={}&to={}",
        q(f.now - Duration::hours(25)),
        q(f.now - Duration::hours(1))
    );
    assert_eq!(values(&get(&f.app, &window).await.json()), [1100]);
    // Offsets other than Z work when the `+` is encoded.
    let kst = (f.now - Duration::hours(25))
        .with_timezone(&chrono::FixedOffset::east_opt(9 * 3600).expect("offset"))
        .format("%Y-%m-%dT%H:%M:%S%%2B09:00")
        .to_string();
    let from_kst = format!("/api/v1/channels/chzzk/z/history?metric=followers&from={kst}");
    assert_eq!(values(&get(&f.app, &from_kst).await.json()), [1100, 1200]);

    let limited = get(
        &f.app,
        "/api/v1/channels/chzzk/z/history?metric=followers&limit=2",
    )
    .await
    .json();
    assert_eq!(values(&limited), [1000, 1100], "oldest first");

    // Older than the default 30-day window.
    let old = format!(
        "/api/v1/channels/chzzk/z/history?metric=followers&to={}",
        q(f.now - Duration::days(40))
    );
    assert_eq!(values(&get(&f.app, &old).await.json()), Vec::<u64>::new());
}

#[tokio::test]
async fn history_rejects_bad_requests() {
    let f = seeded().await;
    let base = "/api/v1/channels/chzzk/z/history";
    let inverted = format!(
        "{base}?metric=followers&from={}&to={}",
        q(f.now),
        q(f.now - Duration::days(1))
    );
    let m = get(&f.app, &inverted)
        .await
        .expect_error(StatusCode::BAD_REQUEST, "bad_request");
    assert!(m.contains("after"), "{m}");

    let m = get(&f.app, &format!("{base}?metric=likes"))
        .await
        .expect_error(StatusCode::BAD_REQUEST, "bad_request");
    assert!(m.contains("unknown metric `likes`"), "{m}");
    let m = get(&f.app, base)
        .await
        .expect_error(StatusCode::BAD_REQUEST, "bad_request");
    assert!(m.contains("metric"), "{m}");
    let m = get(&f.app, &format!("{base}?metric=views&from=yesterday"))
        .await
        .expect_error(StatusCode::BAD_REQUEST, "bad_request");
    assert!(m.contains("`from`"), "{m}");
    let m = get(
        &f.app,
        &format!("{base}?metric=views&from=2026-03-01T12:00:00+09:00"),
    )
    .await
    .expect_error(StatusCode::BAD_REQUEST, "bad_request");
    assert!(m.contains("%2B"), "hints at the unencoded plus: {m}");
    let m = get(&f.app, &format!("{base}?metric=views&limit=20001"))
        .await
        .expect_error(StatusCode::BAD_REQUEST, "bad_request");
    assert!(m.contains("20000"), "{m}");
    assert_eq!(
        get(&f.app, &format!("{base}?metric=views&limit=20000"))
            .await
            .status,
        StatusCode::OK
    );
    get(
        &f.app,
        "/api/v1/channels/chzzk/nope/history?metric=followers",
    )
    .await
    .expect_error(StatusCode::NOT_FOUND, "not_found");
    get(&f.app, "/api/v1/channels/kick/z/history?metric=followers")
        .await
        .expect_error(StatusCode::BAD_REQUEST, "bad_request");
}
