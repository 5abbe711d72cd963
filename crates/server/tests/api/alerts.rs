//! The alerts admin routes: guarded by the token, rules listed with their source, added with
//! every problem named, refused on a taken name, removed (configured ones only in the file), the
//! delivery log listed; destinations by name and kind, never by address or token.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, StatusCode};
use streamtide_alerts::AlertsConfig;
use streamtide_server::{app, AdminAccess};
use streamtide_storage::NewDelivery;

use crate::common::{request, seeded};

const TOKEN: &str = "correct-horse-battery-staple";
const HOOK_SECRET: &str = "hmac-key-that-must-not-leak";
const HOOK_URL: &str = "https://ops.example.kr/hook/t0ken-in-path";

fn alerts() -> AlertsConfig {
    toml::from_str(&format!(
        r#"
[[channels]]
name = "ops"
kind = "webhook"
url = "{HOOK_URL}"
secret = "{HOOK_SECRET}"

[[rules]]
name = "million"
kind = "milestone"
notify = ["ops"]
"#
    ))
    .unwrap()
}

#[tokio::test]
async fn rules_and_deliveries_through_the_admin_api() {
    let f = seeded().await;
    let state = f
        .state
        .clone()
        .with_alerts(Arc::new(alerts()))
        .with_admin(AdminAccess::new(TOKEN, Arc::new(NoOps)));
    let app = app(state);
    let bearer = format!("Bearer {TOKEN}");
    let auth = ("authorization", bearer.as_str());
    let json = ("content-type", "application/json");
    let post = |body: serde_json::Value| Body::from(body.to_string());

    let r = request(
        &app,
        Method::GET,
        "/api/v1/alerts/rules",
        &[],
        Body::empty(),
    )
    .await;
    r.expect_error(StatusCode::UNAUTHORIZED, "unauthorized");
    let r = request(
        &app,
        Method::GET,
        "/api/v1/alerts/rules",
        &[auth],
        Body::empty(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["rules"][0]["source"], "config");
    assert_eq!(r.json()["rules"][0]["rule"]["name"], "million");
    assert_eq!(
        r.json()["channels"][0],
        serde_json::json!({"name": "ops", "kind": "webhook"})
    );
    assert!(
        !r.text.contains(HOOK_SECRET) && !r.text.contains("t0ken"),
        "{}",
        r.text
    );

    // Every problem at once, naming keys.
    let r = request(
        &app,
        Method::POST,
        "/api/v1/alerts/rules",
        &[auth, json],
        post(serde_json::json!({"name": "big", "kind": "change", "notify": ["nowhere"]})),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert!(
        r.text.contains("nowhere") && r.text.contains("threshold"),
        "{}",
        r.text
    );
    let r = request(
        &app,
        Method::POST,
        "/api/v1/alerts/rules",
        &[auth, json],
        post(serde_json::json!({"name": "big", "kind": "sometimes", "notify": ["ops"]})),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    let r = request(
        &app,
        Method::POST,
        "/api/v1/alerts/rules",
        &[auth, json],
        post(serde_json::json!({"name": "million", "kind": "live", "notify": ["ops"]})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);

    let on_air = serde_json::json!({"name": "on-air", "kind": "live", "platform": "chzzk", "notify": ["ops"]});
    let r = request(
        &app,
        Method::POST,
        "/api/v1/alerts/rules",
        &[auth, json],
        post(on_air.clone()),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json()["rule"]["platform"], "chzzk");
    let r = request(
        &app,
        Method::POST,
        "/api/v1/alerts/rules",
        &[auth, json],
        post(on_air),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let r = request(
        &app,
        Method::GET,
        "/api/v1/alerts/rules",
        &[auth],
        Body::empty(),
    )
    .await;
    let rules = r.json()["rules"].as_array().unwrap().clone();
    assert_eq!(rules.len(), 2);
    assert_eq!(rules[1]["source"], "api");

    let r = request(
        &app,
        Method::DELETE,
        "/api/v1/alerts/rules/million",
        &[auth],
        Body::empty(),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let r = request(
        &app,
        Method::DELETE,
        "/api/v1/alerts/rules/on-air",
        &[auth],
        Body::empty(),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let r = request(
        &app,
        Method::DELETE,
        "/api/v1/alerts/rules/on-air",
        &[auth],
        Body::empty(),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    // The same by query parameter.
    let again = serde_json::json!({"name": "again", "kind": "renamed", "notify": ["ops"]});
    let r = request(
        &app,
        Method::POST,
        "/api/v1/alerts/rules",
        &[auth, json],
        post(again),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let r = request(
        &app,
        Method::DELETE,
        "/api/v1/alerts/rules?name=again",
        &[auth],
        Body::empty(),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let r = request(
        &app,
        Method::DELETE,
        "/api/v1/alerts/rules?name=again",
        &[auth],
        Body::empty(),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    let r = request(
        &app,
        Method::DELETE,
        "/api/v1/alerts/rules",
        &[auth],
        Body::empty(),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    let r = request(
        &app,
        Method::DELETE,
        "/api/v1/alerts/rules?name=again",
        &[],
        Body::empty(),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text);

    f.store
        .queue_delivery(
            &NewDelivery {
                rule: "million",
                destination: "ops",
                event_key: "chzzk:a:milestone:followers:1000000",
                kind: "milestone",
                platform: Some(streamtide_core::Platform::Chzzk),
                channel_id: Some("a"),
                title: "하나 팔로워 1,000,000 돌파",
                payload: "{}",
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let r = request(
        &app,
        Method::GET,
        "/api/v1/alerts/deliveries?status=pending",
        &[auth],
        Body::empty(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.json()["deliveries"][0]["title"],
        "하나 팔로워 1,000,000 돌파"
    );
    assert_eq!(r.json()["deliveries"][0]["status"], "pending");
    let r = request(
        &app,
        Method::GET,
        "/api/v1/alerts/deliveries?status=lost",
        &[auth],
        Body::empty(),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    let r = request(
        &app,
        Method::GET,
        "/api/v1/alerts/deliveries?limit=0",
        &[auth],
        Body::empty(),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
}

/// No admin operation is needed by these routes.
struct NoOps;

#[async_trait::async_trait]
impl streamtide_server::AdminOps for NoOps {
    async fn add_channel(
        &self,
        _: &str,
        _: Option<streamtide_core::Platform>,
    ) -> Result<streamtide_server::AddedChannel, streamtide_server::AdminError> {
        Err(streamtide_server::AdminError::NotFound("not here".into()))
    }

    async fn import_roster(
        &self,
        _: &str,
        _: Vec<u8>,
    ) -> Result<serde_json::Value, streamtide_server::AdminError> {
        Err(streamtide_server::AdminError::NotFound("not here".into()))
    }
}
