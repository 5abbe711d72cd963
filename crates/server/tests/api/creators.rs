//! `/api/v1/creators`: a creator's channels across platforms and the summed followers.

use axum::http::StatusCode;
use streamtide_core::{ChannelId, Platform};

use crate::common::{get, seeded};

#[tokio::test]
async fn creators_list_and_detail() {
    let f = seeded().await;
    let (id, _) = f.store.upsert_creator("제트", f.now).await.unwrap();
    f.store
        .link_channel(Platform::Chzzk, &ChannelId::new("z"), id)
        .await
        .unwrap();
    f.store
        .link_channel(Platform::Soop, &ChannelId::new("s1"), id)
        .await
        .unwrap();
    f.store
        .upsert_creator("빈 크리에이터", f.now)
        .await
        .unwrap();

    let list = get(&f.app, "/api/v1/creators?limit=1").await;
    assert_eq!(list.status, StatusCode::OK);
    let body = list.json();
    assert_eq!(body["total"], 2);
    assert_eq!(body["items"].as_array().unwrap().len(), 1);
    assert!(body["next_cursor"].is_string());

    let one = get(&f.app, &format!("/api/v1/creators/{id}")).await.json();
    assert_eq!(one["name"], "제트");
    let platforms: Vec<&str> = one["channels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["platform"].as_str().unwrap())
        .collect();
    assert_eq!(platforms, vec!["chzzk", "soop"]);
    // z has 1200 followers; s1 has no follower figure: the sum is not padded with a zero.
    assert_eq!(one["followers_total"], 1200);

    get(&f.app, "/api/v1/creators/999999")
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    get(&f.app, "/api/v1/creators/abc")
        .await
        .expect_error(StatusCode::BAD_REQUEST, "bad_request");
    get(&f.app, "/api/v1/creators?cursor=zzz")
        .await
        .expect_error(StatusCode::BAD_REQUEST, "bad_request");
}
