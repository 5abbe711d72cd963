//! Every error is `{"error": code, "message": text}` with the right status.

use axum::body::Body;
use axum::http::{Method, StatusCode};

use crate::common::{get, request, seeded};

#[tokio::test]
async fn every_error_is_json() {
    let f = seeded().await;
    let cases: &[(&str, StatusCode, &str)] = &[
        ("/nope", StatusCode::NOT_FOUND, "not_found"),
        ("/api/v1", StatusCode::NOT_FOUND, "not_found"),
        ("/api/v1/live/extra", StatusCode::NOT_FOUND, "not_found"),
        ("/api/v1/channels/chzzk", StatusCode::NOT_FOUND, "not_found"),
        // An empty enum value is not "every platform" (Schemathesis found it accepted).
        (
            "/api/v1/channels?platform=",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "/api/v1/live?platform=",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "/api/v1/trends?platform=",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "/api/v1/creators?platform=",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "/api/v1/live?limit=abc",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "/api/v1/live?limit=-1",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "/api/v1/live?limit=",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "/api/v1/live?limit=1&limit=2",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "/api/v1/live?adult=maybe",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "/api/v1/live?cursor=%FF",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "/api/v1/live?platform=kick",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        // Only the OpenAPI enum's spellings: aliases the CLI takes are not API values.
        (
            "/api/v1/live?platform=afreeca",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "/api/v1/channels?platform=CHZZK",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "/api/v1/channels/afreecatv/x",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "/api/v1/channels?cursor=o1.5",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "/api/v1/channels/kick/x",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "/api/v1/channels/chzzk/%FF",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "/api/v1/channels/chzzk/none",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "/api/v1/channels/chzzk/z/history",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "/api/v1/channels/chzzk/z/history?metric=x",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "/api/v1/channels/chzzk/z/history?metric=views&limit=x",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
    ];
    for (uri, status, code) in cases {
        let r = get(&f.app, uri).await;
        assert_eq!(r.status, *status, "{uri}: {}", r.text);
        r.expect_error(*status, code);
    }
    let m = get(&f.app, "/api/v1/live?limit=abc")
        .await
        .expect_error(StatusCode::BAD_REQUEST, "bad_request");
    assert!(m.contains("limit"), "names the parameter: {m}");

    let post = request(&f.app, Method::POST, "/api/v1/live", &[], Body::from("{}")).await;
    post.expect_error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    assert!(post.header("allow").is_some_and(|a| a.contains("GET")));
    let delete = request(&f.app, Method::DELETE, "/healthz", &[], Body::empty()).await;
    delete.expect_error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");

    let big = "x".repeat(100 * 1024);
    let content_length = big.len().to_string();
    let r = request(
        &f.app,
        Method::POST,
        "/api/v1/live",
        &[("content-length", content_length.as_str())],
        Body::from(big),
    )
    .await;
    r.expect_error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
}
