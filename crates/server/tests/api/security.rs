//! Hardening: security headers on the page and the API, and the per-client rate limit of the
//! public API (over a real socket, so the limit keys on real peer addresses).

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode};
use serde_json::Value;
use streamtide_server::{app, serve, ClientRateLimit};
use tower::ServiceExt;

use crate::common::{get, seeded};

#[tokio::test]
async fn security_headers_on_the_page_and_the_api() {
    let f = seeded().await;
    for uri in ["/", "/api/v1/live?limit=1", "/api/v1/nope"] {
        let r = get(&f.app, uri).await;
        assert_ne!(r.header("content-type"), None, "{uri}");
        let csp = r
            .header("content-security-policy")
            .unwrap_or_else(|| panic!("CSP on {uri}"));
        let directive = |name: &str| {
            csp.split(';')
                .map(str::trim)
                .find(|d| d.starts_with(name))
                .unwrap_or_else(|| panic!("{name} in {csp}"))
                .to_string()
        };
        let script = directive("script-src");
        assert!(
            !script.contains("unsafe-inline") && !script.contains("unsafe-eval"),
            "{script}"
        );
        assert_eq!(script, "script-src 'self'");
        assert_eq!(directive("frame-ancestors"), "frame-ancestors 'none'");
        assert_eq!(directive("object-src"), "object-src 'none'");
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"), "{uri}");
        assert_eq!(r.header("referrer-policy"), Some("no-referrer"), "{uri}");
        assert_eq!(r.header("x-frame-options"), Some("DENY"), "{uri}");
    }
    // The page itself keeps to the policy: no inline script for the CSP to have to allow.
    let page = get(&f.app, "/").await.text;
    for tag in page.split("<script").skip(1) {
        let open = tag.split('>').next().unwrap_or_default();
        assert!(open.contains("src="), "inline script: <script{open}>");
    }
}

/// A client whose requests leave from `ip` (any 127/8 address is local on Linux).
fn client_from(ip: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(ip.parse::<IpAddr>().expect("ip"))
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

#[tokio::test]
async fn a_burst_over_the_limit_gets_429_and_other_clients_are_unaffected() {
    let f = seeded().await;
    // One request a second, five at once: a burst of eight is three over.
    let limit = ClientRateLimit::new(1, 5, &[]).expect("config");
    assert!(limit.is_some());
    let state = f.state.clone().with_rate_limit(limit);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, state, async {
        let _ = stopped.await;
    }));
    let base = format!("http://{addr}");

    let greedy = client_from("127.0.0.1");
    let mut statuses = Vec::new();
    let mut limited = None;
    for _ in 0..8 {
        let res = greedy
            .get(format!("{base}/api/v1/live?limit=1"))
            .send()
            .await
            .expect("send");
        statuses.push(res.status().as_u16());
        if res.status() == reqwest::StatusCode::TOO_MANY_REQUESTS && limited.is_none() {
            let retry_after = res
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok())
                .expect("Retry-After in whole seconds");
            let body: Value = res.json().await.expect("JSON body");
            limited = Some((retry_after, body));
        }
    }
    assert_eq!(
        &statuses[..5],
        &[200; 5],
        "the burst is allowed: {statuses:?}"
    );
    assert!(
        statuses[5..].iter().all(|s| *s == 429),
        "over the burst: {statuses:?}"
    );
    let (retry_after, body) = limited.expect("a 429");
    assert!((1..=2).contains(&retry_after), "{retry_after}");
    assert_eq!(body["error"], "rate_limited", "{body}");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));

    // Another client is not affected by the first one's bucket.
    let other = client_from("127.0.0.2");
    for _ in 0..3 {
        let res = other
            .get(format!("{base}/api/v1/trends"))
            .send()
            .await
            .expect("send");
        assert_eq!(res.status(), reqwest::StatusCode::OK);
    }
    // Outside the public API (health checks, the page) nothing is limited.
    let health = greedy
        .get(format!("{base}/healthz"))
        .send()
        .await
        .expect("send");
    assert_eq!(health.status(), reqwest::StatusCode::OK);
    // The bucket refills at the configured rate.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let again = greedy
        .get(format!("{base}/api/v1/live?limit=1"))
        .send()
        .await
        .expect("send");
    assert_eq!(again.status(), reqwest::StatusCode::OK);

    stop.send(()).expect("server still running");
    let _ = tokio::time::timeout(Duration::from_secs(10), server).await;
}

/// A request from `peer`, optionally with an `X-Forwarded-For` header, through the router.
async fn status_from(app: &axum::Router, peer: &str, forwarded: Option<&str>) -> StatusCode {
    let mut req = Request::builder()
        .method(Method::GET)
        .uri("/api/v1/live?limit=1");
    if let Some(f) = forwarded {
        req = req.header("x-forwarded-for", f);
    }
    let mut req = req.body(Body::empty()).expect("request");
    let peer: SocketAddr = peer.parse().expect("peer");
    req.extensions_mut().insert(ConnectInfo(peer));
    app.clone().oneshot(req).await.expect("infallible").status()
}

#[tokio::test]
async fn forwarded_for_is_believed_only_from_trusted_proxies() {
    let f = seeded().await;
    let limit = ClientRateLimit::new(1, 2, &["10.0.0.0/8".to_string()]).expect("config");
    let app = app(f.state.clone().with_rate_limit(limit));
    let proxy = "10.1.1.1:40000";

    // Behind the trusted proxy, each forwarded client has its own bucket.
    for _ in 0..2 {
        assert_eq!(
            status_from(&app, proxy, Some("198.51.100.1")).await,
            StatusCode::OK
        );
    }
    assert_eq!(
        status_from(&app, proxy, Some("198.51.100.1")).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // A spoofed left-most entry does not buy a fresh bucket: the proxy appended the real client.
    assert_eq!(
        status_from(&app, proxy, Some("192.0.2.77, 198.51.100.1")).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        status_from(&app, proxy, Some("198.51.100.2")).await,
        StatusCode::OK
    );

    // A direct client's header is ignored: it is limited by its own address whatever it claims.
    let direct = "203.0.113.5:50000";
    for i in 0..2 {
        let claimed = format!("198.51.100.{}", 10 + i);
        assert_eq!(
            status_from(&app, direct, Some(&claimed)).await,
            StatusCode::OK
        );
    }
    assert_eq!(
        status_from(&app, direct, Some("198.51.100.99")).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn a_zero_rate_turns_the_limit_off() {
    let f = seeded().await;
    let app = app(f
        .state
        .clone()
        .with_rate_limit(ClientRateLimit::new(0, 1, &[]).expect("config")));
    for _ in 0..30 {
        assert_eq!(
            status_from(&app, "203.0.113.5:50000", None).await,
            StatusCode::OK
        );
    }
}
