//! CORS: browser extensions and the configured origins may read the API; nobody else.

use axum::body::Body;
use axum::http::{Method, StatusCode};

use crate::common::{request, seeded, Reply, DASHBOARD_ORIGIN};

const EXTENSION_ORIGIN: &str = "chrome-extension://inbidlednkaiamdgomplindjipdpkoje";

async fn from(app: &axum::Router, uri: &str, origin: &str) -> Reply {
    request(app, Method::GET, uri, &[("origin", origin)], Body::empty()).await
}

async fn preflight(app: &axum::Router, uri: &str, origin: &str) -> Reply {
    request(
        app,
        Method::OPTIONS,
        uri,
        &[("origin", origin), ("access-control-request-method", "GET")],
        Body::empty(),
    )
    .await
}

#[tokio::test]
async fn extension_origins_are_allowed() {
    let f = seeded().await;
    let res = from(&f.app, "/api/v1/live?limit=1", EXTENSION_ORIGIN).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(
        res.header("access-control-allow-origin"),
        Some(EXTENSION_ORIGIN)
    );
    assert!(res
        .header("vary")
        .is_some_and(|v| v.to_ascii_lowercase().contains("origin")));
    let pre = preflight(&f.app, "/api/v1/channels/chzzk/z/history", EXTENSION_ORIGIN).await;
    assert!(pre.status.is_success(), "{}", pre.status);
    assert_eq!(
        pre.header("access-control-allow-origin"),
        Some(EXTENSION_ORIGIN)
    );
    assert!(pre
        .header("access-control-allow-methods")
        .is_some_and(|m| m.contains("GET")));
}

#[tokio::test]
async fn configured_origins_are_allowed() {
    let f = seeded().await;
    let res = from(&f.app, "/api/v1/channels", DASHBOARD_ORIGIN).await;
    assert_eq!(
        res.header("access-control-allow-origin"),
        Some(DASHBOARD_ORIGIN)
    );
}

#[tokio::test]
async fn other_origins_get_no_cors_headers() {
    let f = seeded().await;
    for origin in [
        "https://evil.example",
        "https://dashboard.example.evil",
        "http://dashboard.example",
        "chrome-extension://not-an-extension-id",
        "moz-extension://inbidlednkaiamdgomplindjipdpkoje",
        "null",
    ] {
        let res = from(&f.app, "/api/v1/live", origin).await;
        // The answer itself is public data; the browser just will not hand it to the script.
        assert_eq!(res.status, StatusCode::OK, "{origin}");
        assert_eq!(res.header("access-control-allow-origin"), None, "{origin}");
        let pre = preflight(&f.app, "/api/v1/live", origin).await;
        assert_eq!(pre.header("access-control-allow-origin"), None, "{origin}");
    }
}

#[tokio::test]
async fn the_page_health_and_metrics_never_get_cors_headers() {
    let f = seeded().await;
    for uri in ["/", "/healthz", "/metrics", "/app.js"] {
        let res = from(&f.app, uri, EXTENSION_ORIGIN).await;
        assert_eq!(res.header("access-control-allow-origin"), None, "{uri}");
    }
}
