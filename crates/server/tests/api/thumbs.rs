//! `/thumbs/{hash}.webp` and the live list pointing at our copies.

use axum::body::Body;
use axum::http::{Method, StatusCode};
use streamtide_storage::StoredThumb;

use crate::common::{get, request, seeded};

#[tokio::test]
async fn live_items_point_at_our_copy_which_is_served_immutable() {
    let f = seeded().await;
    let thumbs = f
        .state
        .thumbs
        .clone()
        .expect("fixture has a thumbnail store");
    let hash = "5e".repeat(32);
    let webp = b"RIFF\x0c\x00\x00\x00WEBPVP8 fake".to_vec();
    thumbs.put(&hash, webp.clone()).await.unwrap();
    let thumb = StoredThumb {
        hash: hash.clone(),
        bytes: webp.len() as u64,
        width: 320,
        height: 180,
    };
    f.store
        .record_thumb("https://img.example/ca-thumb.jpg", &thumb, f.now)
        .await
        .unwrap();

    let body = get(&f.app, "/api/v1/live?lang=all").await.json();
    let items = body["items"].as_array().unwrap();
    let ca = items
        .iter()
        .find(|i| i["channel_id"] == "ca")
        .expect("ca live");
    let own = format!("/thumbs/{hash}.webp");
    assert_eq!(ca["thumbnail_url"], own.as_str());
    assert_eq!(
        ca["source_thumbnail_url"],
        "https://img.example/ca-thumb.jpg"
    );
    assert_eq!(
        ca["channel_avatar_url"], "https://img.example/ca.png",
        "no copy of the avatar: the platform's URL stays"
    );
    let other = items.iter().find(|i| i["channel_id"] == "cb").unwrap();
    assert_eq!(other["thumbnail_url"], other["source_thumbnail_url"]);

    let r = get(&f.app, &own).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("content-type"), Some("image/webp"));
    assert_eq!(
        r.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    let etag = format!("\"{hash}\"");
    assert_eq!(r.header("etag"), Some(etag.as_str()));
    assert_eq!(r.text.len(), String::from_utf8_lossy(&webp).len());

    let r = request(
        &f.app,
        Method::GET,
        &own,
        &[("if-none-match", etag.as_str())],
        Body::empty(),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_MODIFIED);
    assert!(r.text.is_empty());

    get(&f.app, &format!("/thumbs/{}.webp", "0".repeat(64)))
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    for bad in [
        "/thumbs/../../etc/passwd",
        "/thumbs/abc.webp",
        "/thumbs/x.png",
    ] {
        let r = get(&f.app, bad).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{bad}");
    }
}
