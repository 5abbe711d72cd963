//! `/healthz`, `/metrics`, the OpenAPI document, the live page and response headers.

use axum::body::Body;
use axum::http::{Method, StatusCode};
use chrono::Duration;
use prometheus_client::metrics::counter::Counter;
use serde_json::Value;
use streamtide_core::Platform;
use streamtide_storage::Job;

use crate::common::{empty, get, live_round, request, seeded};

#[tokio::test]
async fn healthz_is_ok_then_degraded_after_three_failures() {
    let f = empty().await;
    let r = get(&f.app, "/healthz").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.json(),
        // `youtube` is null until YouTube has spent anything (no quota day recorded).
        serde_json::json!({"status": "starting", "platforms": [], "summary": [], "skipped": [], "youtube": null})
    );

    live_round(&f.store, Platform::Chzzk, f.now, vec![]).await;
    let long_error = format!("HTTP 503 from upstream: {}", "오".repeat(1000));
    for attempt in 1..=3 {
        let round = f
            .store
            .start_round(Platform::Soop, Job::Live, f.now)
            .await
            .expect("start");
        f.store
            .finish_round(
                round,
                f.now + Duration::seconds(attempt),
                1,
                1,
                Some(&long_error),
                false,
            )
            .await
            .expect("finish");
        let body = get(&f.app, "/healthz").await;
        assert_eq!(
            body.status,
            StatusCode::OK,
            "a failing platform is not a 5xx"
        );
        let body = body.json();
        let soop = body["platforms"]
            .as_array()
            .expect("platforms")
            .iter()
            .find(|p| p["platform"] == "soop")
            .cloned()
            .expect("soop job");
        assert_eq!(soop["job"], "live");
        assert_eq!(soop["consecutive_failures"], attempt);
        assert_eq!(soop["healthy"], attempt < 3);
        assert_eq!(soop["last_success_at"], Value::Null);
        assert!(soop["last_error_at"].is_string());
        let shown = soop["last_error"].as_str().expect("error text");
        assert_eq!(shown.chars().count(), 300, "truncated");
        assert!(shown.starts_with("HTTP 503 from upstream"));
        // SOOP never collected: starting until its failures make it failing, then (CHZZK
        // being fine) degraded.
        assert_eq!(
            body["status"],
            if attempt < 3 { "starting" } else { "degraded" }
        );
        let soop_state = body["summary"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["platform"] == "soop")
            .unwrap()["state"]
            .clone();
        assert_eq!(soop_state, if attempt < 3 { "starting" } else { "failing" });
    }
    let body = get(&f.app, "/healthz").await.json();
    let chzzk = &body["platforms"][0];
    assert_eq!(chzzk["platform"], "chzzk");
    assert_eq!(chzzk["healthy"], true);
    assert_eq!(chzzk["consecutive_failures"], 0);
    assert_eq!(chzzk["last_error"], Value::Null);
    assert!(chzzk["last_success_at"].is_string());

    // A success resets the count.
    live_round(
        &f.store,
        Platform::Soop,
        f.now + Duration::minutes(1),
        vec![],
    )
    .await;
    assert_eq!(get(&f.app, "/healthz").await.json()["status"], "ok");
}

#[tokio::test]
async fn a_broken_database_is_a_generic_5xx() {
    let f = seeded().await;
    f.store.close().await;
    let m = get(&f.app, "/healthz")
        .await
        .expect_error(StatusCode::SERVICE_UNAVAILABLE, "service_unavailable");
    assert!(!m.to_lowercase().contains("pool"), "no internals: {m}");
    let m = get(&f.app, "/api/v1/live")
        .await
        .expect_error(StatusCode::INTERNAL_SERVER_ERROR, "internal_error");
    assert!(!m.to_lowercase().contains("pool"), "no internals: {m}");
    // Metrics still answer, saying the store is down.
    let r = get(&f.app, "/metrics").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("streamtide_store_up 0"), "{}", r.text);
}

/// The value of the sample line that starts with `series` exactly.
fn sample(text: &str, series: &str) -> Option<i64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|v| v.trim().parse().ok())
}

#[tokio::test]
async fn metrics_expose_store_gauges_and_registered_metrics() {
    let f = seeded().await;
    let jobs_done = Counter::<u64>::default();
    f.state.metrics.registry_mut().register(
        "streamtide_test_rounds",
        "Rounds a test pretends to have run",
        jobs_done.clone(),
    );
    jobs_done.inc_by(3);
    for _ in 0..3 {
        let round = f
            .store
            .start_round(Platform::Soop, Job::Channels, f.now)
            .await
            .expect("start");
        f.store
            .finish_round(round, f.now, 1, 1, Some("boom"), false)
            .await
            .expect("finish");
    }

    let r = get(&f.app, "/metrics").await;
    assert_eq!(r.status, StatusCode::OK);
    let ct = r.header("content-type").unwrap_or_default();
    assert!(
        ct.starts_with("application/openmetrics-text") || ct.starts_with("text/plain"),
        "{ct}"
    );
    let text = &r.text;
    let expect = |series: &str, value: i64| {
        assert_eq!(sample(text, series), Some(value), "{series} in\n{text}");
    };
    expect(r#"streamtide_live_broadcasts{platform="chzzk"}"#, 3);
    expect(r#"streamtide_live_broadcasts{platform="soop"}"#, 2);
    expect(r#"streamtide_live_broadcasts{platform="twitch"}"#, 0);
    expect("streamtide_tracked_channels", 2);
    expect(
        r#"streamtide_platform_consecutive_failures{platform="soop",job="channels"}"#,
        3,
    );
    expect(
        r#"streamtide_platform_consecutive_failures{platform="chzzk",job="live"}"#,
        0,
    );
    expect(
        r#"streamtide_platform_last_success_timestamp_seconds{platform="chzzk",job="live"}"#,
        f.now.timestamp(),
    );
    expect(
        r#"streamtide_platform_last_success_timestamp_seconds{platform="chzzk",job="channels"}"#,
        f.now.timestamp(),
    );
    assert_eq!(
        sample(
            text,
            r#"streamtide_platform_last_success_timestamp_seconds{platform="soop",job="channels"}"#
        ),
        None,
        "no series for a job that never succeeded"
    );
    expect("streamtide_store_up", 1);
    expect("streamtide_test_rounds_total", 3);
    for id in ["\"ca\"", "\"s1\"", "\"z\""] {
        assert!(!text.contains(id), "no channel ids in labels: {id}");
    }
    assert!(text.trim_end().ends_with("# EOF"));

    // A second scrape reflects changes (gauges are recomputed, not accumulated).
    f.store
        .untrack_channel(Platform::Chzzk, &streamtide_core::ChannelId::new("z"))
        .await
        .expect("untrack");
    let text = get(&f.app, "/metrics").await.text;
    assert_eq!(sample(&text, "streamtide_tracked_channels"), Some(1));
    assert_eq!(
        sample(&text, r#"streamtide_live_broadcasts{platform="chzzk"}"#),
        Some(3)
    );
}

#[tokio::test]
async fn openapi_document_covers_every_route() {
    let f = empty().await;
    let r = get(&f.app, "/api/v1/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r
        .header("content-type")
        .is_some_and(|c| c.starts_with("application/json")));
    let doc = r.json();
    assert!(
        doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")),
        "{}",
        doc["openapi"]
    );
    for path in [
        "/api/v1/live",
        "/api/v1/channels",
        "/api/v1/channels/{platform}/{channel_id}",
        "/api/v1/channels/{platform}/{channel_id}/history",
        "/api/v1/openapi.json",
        "/healthz",
        "/metrics",
    ] {
        assert!(doc["paths"][path]["get"].is_object(), "{path} missing");
    }
    let mut operation_ids: Vec<&str> = doc["paths"]
        .as_object()
        .expect("paths")
        .values()
        .filter_map(|p| p["get"]["operationId"].as_str())
        .collect();
    let n = operation_ids.len();
    operation_ids.sort_unstable();
    operation_ids.dedup();
    assert_eq!(operation_ids.len(), n, "operation ids are unique");
    let schemas = &doc["components"]["schemas"];
    for name in [
        "LivePage",
        "LiveItemDto",
        "ChannelDto",
        "ChannelPage",
        "HistoryDto",
        "HealthDto",
        "ErrorBody",
    ] {
        assert!(schemas[name].is_object(), "{name} missing");
    }
    let platforms: Vec<&str> = schemas["Platform"]["enum"]
        .as_array()
        .expect("platform enum")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let core: Vec<&str> = Platform::ALL.iter().map(|p| p.as_str()).collect();
    assert_eq!(platforms, core);
    let live_params: Vec<&str> = doc["paths"]["/api/v1/live"]["get"]["parameters"]
        .as_array()
        .expect("params")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(
        live_params,
        ["platform", "category", "adult", "lang", "limit", "cursor"]
    );
    // The per-client rate limit's 429 is documented on every public read, not on the rest.
    for path in [
        "/api/v1/live",
        "/api/v1/trends",
        "/api/v1/channels/{platform}/{channel_id}/videos",
    ] {
        let r = &doc["paths"][path]["get"]["responses"]["429"];
        assert!(r["content"]["application/json"].is_object(), "{path}: {r}");
    }
    assert!(doc["paths"]["/healthz"]["get"]["responses"]["429"].is_null());
    assert!(doc["paths"]["/api/v1/channels"]["post"]["responses"]["429"].is_null());
    // Always-present nullable fields are documented as required.
    let required = schemas["LivePage"]["required"].to_string();
    assert!(required.contains("next_cursor"), "{required}");
    // The item fields the live page depends on are documented.
    let item = &schemas["LiveItemDto"]["properties"];
    for field in [
        "platform",
        "channel_id",
        "channel_name",
        "title",
        "viewers",
        "category",
        "thumbnail_url",
        "started_at",
        "url",
        "adult",
    ] {
        assert!(item[field].is_object(), "{field}");
    }
}

#[tokio::test]
async fn live_page_is_served_without_inline_script() {
    let f = empty().await;
    let page = get(&f.app, "/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page
        .header("content-type")
        .is_some_and(|c| c.starts_with("text/html")));
    assert!(page.text.contains(r#"<script src="/app.js" type="module""#));
    assert!(!page.text.contains("<script>"), "no inline script");
    assert!(!page.text.contains("//cdn"), "no CDN");
    assert!(page.text.contains("streamtide"));
    let js = get(&f.app, "/app.js").await;
    assert!(js
        .header("content-type")
        .is_some_and(|c| c.contains("javascript")));
    let api = get(&f.app, "/app/api.js").await;
    assert!(api.text.contains("/api/v1/live"));
    assert!(api
        .header("content-type")
        .is_some_and(|c| c.contains("javascript")));
    // Revalidation: the ETag answers 304.
    let etag = js.header("etag").expect("etag").to_string();
    assert_eq!(js.header("cache-control"), Some("no-cache"));
    let again = request(
        &f.app,
        Method::GET,
        "/app.js",
        &[("if-none-match", &etag)],
        Body::empty(),
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert_eq!(
        get(&f.app, "/app/nope.js").await.status,
        StatusCode::NOT_FOUND
    );
    let css = get(&f.app, "/app.css").await;
    assert!(css
        .header("content-type")
        .is_some_and(|c| c.starts_with("text/css")));
    let csp = page.header("content-security-policy").unwrap_or_default();
    assert!(csp.contains("script-src 'self'"), "{csp}");
}

#[tokio::test]
async fn security_headers_and_cors() {
    let f = seeded().await;
    let origin = [("origin", "https://dashboard.example")];
    let api = request(&f.app, Method::GET, "/api/v1/live", &origin, Body::empty()).await;
    assert_eq!(api.status, StatusCode::OK);
    // The fixture configures this origin (server.cors_origins); see cors.rs for the rest.
    assert_eq!(
        api.header("access-control-allow-origin"),
        Some("https://dashboard.example")
    );
    assert_eq!(api.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(api.header("referrer-policy"), Some("no-referrer"));

    let preflight = request(
        &f.app,
        Method::OPTIONS,
        "/api/v1/channels",
        &[
            ("origin", "https://dashboard.example"),
            ("access-control-request-method", "GET"),
        ],
        Body::empty(),
    )
    .await;
    assert!(preflight.status.is_success(), "{}", preflight.status);
    assert!(preflight
        .header("access-control-allow-methods")
        .is_some_and(|m| m.contains("GET")));

    // Health and metrics are not for browsers on other origins.
    let health = request(&f.app, Method::GET, "/healthz", &origin, Body::empty()).await;
    assert_eq!(health.header("access-control-allow-origin"), None);
    assert_eq!(health.header("x-content-type-options"), Some("nosniff"));
    // Errors carry the headers too.
    let missing = get(&f.app, "/nope").await;
    assert_eq!(missing.header("x-content-type-options"), Some("nosniff"));
}
