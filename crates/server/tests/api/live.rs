//! `GET /api/v1/live`.

use std::collections::HashSet;

use axum::http::StatusCode;
use serde_json::Value;

use crate::common::{get, ids, seeded};

#[tokio::test]
async fn merges_platforms_by_viewers_and_hides_stale_items() {
    let f = seeded().await;
    let r = get(&f.app, "/api/v1/live").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let body = r.json();
    assert_eq!(
        ids(&body),
        ["chzzk/ca", "soop/s1", "chzzk/cc", "chzzk/cb", "soop/s2"],
        "merged, most viewers first; soop/old (900 viewers, seen 2 h ago) is stale"
    );
    assert_eq!(body["total"], 5);
    assert_eq!(body["next_cursor"], Value::Null);

    let top = &body["items"][0];
    assert_eq!(top["viewers"], 500);
    assert_eq!(top["peak_viewers"], 500);
    assert_eq!(top["category"], "토크", "category name preferred");
    assert_eq!(top["category_id"], "talk");
    assert_eq!(top["title"], "ca 방송");
    assert_eq!(top["channel_name"], "ca 채널");
    assert_eq!(top["url"], "https://watch.example/ca");
    assert_eq!(top["thumbnail_url"], "https://img.example/ca-thumb.jpg");
    assert_eq!(top["channel_avatar_url"], "https://img.example/ca.png");
    assert_eq!(top["broadcast_id"], "b-ca");
    assert_eq!(top["language"], "ko");
    assert_eq!(top["tags"], serde_json::json!(["태그"]));
    assert_eq!(top["adult"], false);
    assert!(top["started_at"].as_str().is_some_and(|s| s.ends_with('Z')));
    assert!(top["last_seen_at"].is_string());

    let adult = &body["items"][2];
    assert_eq!(adult["adult"], true);
    assert_eq!(
        adult["category"], "adult_cat",
        "falls back to the category id"
    );
}

#[tokio::test]
async fn filters_by_platform_category_and_adult() {
    let f = seeded().await;
    let cases = [
        ("platform=soop", vec!["soop/s1", "soop/s2"]),
        ("platform=chzzk", vec!["chzzk/ca", "chzzk/cc", "chzzk/cb"]),
        ("category=%ED%86%A0%ED%81%AC", vec!["chzzk/ca", "soop/s1"]),
        ("category=LOL", vec!["chzzk/cb", "soop/s2"]),
        ("category=lol&platform=soop", vec!["soop/s2"]),
        ("adult=true", vec!["chzzk/cc"]),
        (
            "adult=false",
            vec!["chzzk/ca", "soop/s1", "chzzk/cb", "soop/s2"],
        ),
        (
            // An empty category is no filter (free text); an empty platform is a 400, as the
            // OpenAPI enum says (tested in errors.rs).
            "category=",
            vec!["chzzk/ca", "soop/s1", "chzzk/cc", "chzzk/cb", "soop/s2"],
        ),
        ("category=none-such", vec![]),
    ];
    for (query, expected) in cases {
        let r = get(&f.app, &format!("/api/v1/live?{query}")).await;
        assert_eq!(r.status, StatusCode::OK, "{query}: {}", r.text);
        let body = r.json();
        assert_eq!(ids(&body), expected, "{query}");
        assert_eq!(body["total"], expected.len(), "{query}");
    }
}

#[tokio::test]
async fn cursor_paging_walks_every_item_exactly_once() {
    let f = seeded().await;
    for limit in 1..=6 {
        let mut seen = Vec::new();
        let mut uri = format!("/api/v1/live?limit={limit}");
        let mut pages = 0;
        loop {
            let r = get(&f.app, &uri).await;
            assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.text);
            let body = r.json();
            assert_eq!(body["total"], 5);
            let page = ids(&body);
            assert!(page.len() <= limit);
            seen.extend(page);
            pages += 1;
            match body["next_cursor"].as_str() {
                Some(c) => uri = format!("/api/v1/live?limit={limit}&cursor={c}"),
                None => break,
            }
            assert!(pages < 10, "paging does not end");
        }
        assert_eq!(
            seen,
            ["chzzk/ca", "soop/s1", "chzzk/cc", "chzzk/cb", "soop/s2"],
            "limit {limit}"
        );
        assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 5);
        assert_eq!(pages, 5_usize.div_ceil(limit), "limit {limit}");
    }
    // Filters and cursors combine.
    let r = get(&f.app, "/api/v1/live?platform=chzzk&limit=2")
        .await
        .json();
    assert_eq!(ids(&r), ["chzzk/ca", "chzzk/cc"]);
    let next = r["next_cursor"].as_str().expect("more");
    let r = get(
        &f.app,
        &format!("/api/v1/live?platform=chzzk&limit=2&cursor={next}"),
    )
    .await
    .json();
    assert_eq!(ids(&r), ["chzzk/cb"]);
    assert_eq!(r["next_cursor"], Value::Null);
}

#[tokio::test]
async fn limit_bounds() {
    let f = seeded().await;
    assert_eq!(
        get(&f.app, "/api/v1/live?limit=200").await.status,
        StatusCode::OK
    );
    let message = get(&f.app, "/api/v1/live?limit=201")
        .await
        .expect_error(StatusCode::BAD_REQUEST, "bad_request");
    assert!(message.contains("200"), "names the max: {message}");
    get(&f.app, "/api/v1/live?limit=0")
        .await
        .expect_error(StatusCode::BAD_REQUEST, "bad_request");
}

#[tokio::test]
async fn bad_cursor_and_platform_are_rejected() {
    let f = seeded().await;
    for cursor in ["zzz", "o", "o-1", "o1x", "o99999999999999"] {
        let m = get(&f.app, &format!("/api/v1/live?cursor={cursor}"))
            .await
            .expect_error(StatusCode::BAD_REQUEST, "bad_request");
        assert!(m.contains("cursor"), "{m}");
    }
    let m = get(&f.app, "/api/v1/live?platform=kick")
        .await
        .expect_error(StatusCode::BAD_REQUEST, "bad_request");
    assert!(m.contains("unknown platform `kick`"), "{m}");
}
