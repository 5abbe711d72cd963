//! Admin endpoints: off without a token, 401 without the right one, and working with it.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, StatusCode};
use streamtide_core::{ChannelId, ChannelInfo, Platform};
use streamtide_server::{app, AddedChannel, AdminAccess, AdminError, AdminOps};
use streamtide_storage::Store;

use crate::common::{request, seeded};

const TOKEN: &str = "correct-horse-battery-staple";

/// Tracks `platform:id` inputs directly (resolution through platforms is the binary's job and
/// tested end to end there).
struct StoreOnly(Store);

#[async_trait::async_trait]
impl AdminOps for StoreOnly {
    async fn add_channel(
        &self,
        input: &str,
        _: Option<Platform>,
    ) -> Result<AddedChannel, AdminError> {
        let (p, id) = input
            .split_once(':')
            .ok_or_else(|| AdminError::BadRequest("platform:id".into()))?;
        let platform: Platform = p
            .parse()
            .map_err(|_| AdminError::BadRequest("platform".into()))?;
        if id == "ghost" {
            return Err(AdminError::NotFound("no such channel".into()));
        }
        let info = ChannelInfo {
            platform,
            channel_id: ChannelId::new(id),
            name: id.to_uppercase(),
            handle: None,
            avatar_url: None,
            description: None,
        };
        let newly_tracked = self
            .0
            .track_channel(&info, chrono::Utc::now())
            .await
            .unwrap();
        Ok(AddedChannel {
            info,
            newly_tracked,
        })
    }

    async fn import_roster(
        &self,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Result<serde_json::Value, AdminError> {
        Ok(serde_json::json!({ "file": file_name, "bytes": bytes.len() }))
    }
}

fn add_body(channel: &str) -> Body {
    Body::from(serde_json::json!({ "channel": channel }).to_string())
}

#[tokio::test]
async fn admin_endpoints_are_off_guarded_and_working() {
    let f = seeded().await;
    let json = ("content-type", "application/json");

    // Off: no token configured.
    let r = request(
        &f.app,
        Method::POST,
        "/api/v1/channels",
        &[json],
        add_body("soop:new"),
    )
    .await;
    r.expect_error(StatusCode::FORBIDDEN, "admin_disabled");

    let state = f.state.clone().with_admin(AdminAccess::new(
        TOKEN,
        Arc::new(StoreOnly(f.store.clone())),
    ));
    let admin_app = app(state);
    let bearer = format!("Bearer {TOKEN}");
    let auth = ("authorization", bearer.as_str());

    // Guarded: no token, a wrong token.
    let r = request(
        &admin_app,
        Method::POST,
        "/api/v1/channels",
        &[json],
        add_body("soop:new"),
    )
    .await;
    r.expect_error(StatusCode::UNAUTHORIZED, "unauthorized");
    assert_eq!(r.header("www-authenticate"), Some("Bearer"));
    let r = request(
        &admin_app,
        Method::POST,
        "/api/v1/channels",
        &[json, ("authorization", "Bearer nope")],
        add_body("soop:new"),
    )
    .await;
    r.expect_error(StatusCode::UNAUTHORIZED, "unauthorized");
    assert!(!r.text.contains(TOKEN));
    // Reads stay public.
    assert_eq!(
        request(
            &admin_app,
            Method::GET,
            "/api/v1/channels",
            &[],
            Body::empty()
        )
        .await
        .status,
        StatusCode::OK
    );

    // Working.
    let r = request(
        &admin_app,
        Method::POST,
        "/api/v1/channels",
        &[json, auth],
        add_body("soop:new"),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json()["channel_id"], "new");
    let again = request(
        &admin_app,
        Method::POST,
        "/api/v1/channels",
        &[json, auth],
        add_body("soop:new"),
    )
    .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json()["newly_tracked"], false);
    // A body that is not the documented JSON is a JSON 400, whatever is wrong with it.
    for (headers, body) in [
        (vec![auth], r#"{"channel":"soop:x"}"#),
        (vec![json, auth], r#"{"channel": 5}"#),
        (vec![json, auth], r#"{"channel": "#),
    ] {
        let r = request(
            &admin_app,
            Method::POST,
            "/api/v1/channels",
            &headers,
            Body::from(body),
        )
        .await;
        let msg = r.expect_error(StatusCode::BAD_REQUEST, "bad_request");
        assert!(msg.contains("application/json"), "{msg}");
    }
    // `platform` is the OpenAPI enum exactly: an empty value is not "no platform given".
    let m = request(
        &admin_app,
        Method::POST,
        "/api/v1/channels",
        &[json, auth],
        Body::from(r#"{"channel":"soop:new","platform":""}"#),
    )
    .await
    .expect_error(StatusCode::BAD_REQUEST, "bad_request");
    assert!(m.contains("allowed values"), "{m}");
    request(
        &admin_app,
        Method::POST,
        "/api/v1/channels",
        &[json, auth],
        add_body("soop:ghost"),
    )
    .await
    .expect_error(StatusCode::NOT_FOUND, "not_found");
    request(
        &admin_app,
        Method::POST,
        "/api/v1/channels",
        &[json, auth],
        Body::from("{not json"),
    )
    .await
    .expect_error(StatusCode::BAD_REQUEST, "bad_request");

    let c = request(
        &admin_app,
        Method::POST,
        "/api/v1/creators",
        &[json, auth],
        Body::from(r#"{"name":"새 크리에이터"}"#),
    )
    .await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.text);
    let cid = c.json()["id"].as_i64().unwrap();
    let link = format!("/api/v1/creators/{cid}/channels/soop/new");
    assert_eq!(
        request(&admin_app, Method::PUT, &link, &[auth], Body::empty())
            .await
            .json()["changed"],
        true
    );
    assert_eq!(
        f.store
            .channel_creator(Platform::Soop, &ChannelId::new("new"))
            .await
            .unwrap(),
        Some(cid)
    );
    assert_eq!(
        request(&admin_app, Method::DELETE, &link, &[auth], Body::empty())
            .await
            .json()["changed"],
        true
    );
    request(
        &admin_app,
        Method::PUT,
        "/api/v1/creators/999/channels/soop/new",
        &[auth],
        Body::empty(),
    )
    .await
    .expect_error(StatusCode::NOT_FOUND, "not_found");

    let del = request(
        &admin_app,
        Method::DELETE,
        "/api/v1/channels/soop/new",
        &[auth],
        Body::empty(),
    )
    .await;
    assert_eq!(del.status, StatusCode::NO_CONTENT);
    request(
        &admin_app,
        Method::DELETE,
        "/api/v1/channels/soop/new",
        &[auth],
        Body::empty(),
    )
    .await
    .expect_error(StatusCode::NOT_FOUND, "not_found");

    // Imports take large bodies (beyond the 64 KiB of other routes), only with the token.
    let big = vec![b'x'; 200 * 1024];
    let r = request(
        &admin_app,
        Method::POST,
        "/api/v1/import?filename=r.csv",
        &[auth],
        Body::from(big.clone()),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["bytes"], 200 * 1024);
    request(
        &admin_app,
        Method::POST,
        "/api/v1/import?filename=r.csv",
        &[],
        Body::from(big),
    )
    .await
    .expect_error(StatusCode::UNAUTHORIZED, "unauthorized");
    request(
        &admin_app,
        Method::POST,
        "/api/v1/channels",
        &[json, auth],
        Body::from(vec![b' '; 100 * 1024]),
    )
    .await
    .expect_error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");

    // The document declares the scheme and the admin operations.
    let doc = request(
        &admin_app,
        Method::GET,
        "/api/v1/openapi.json",
        &[],
        Body::empty(),
    )
    .await
    .json();
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    assert!(doc["paths"]["/api/v1/import"]["post"]["security"].is_array());
}

#[tokio::test]
async fn wrong_tokens_are_slowed_down_per_client() {
    let f = seeded().await;
    let admin_app = app(f.state.clone().with_admin(AdminAccess::new(
        TOKEN,
        Arc::new(StoreOnly(f.store.clone())),
    )));
    let json = ("content-type", "application/json");
    let wrong = ("authorization", "Bearer wrong-token-wrong-token-wrong");
    for _ in 0..5 {
        let r = request(
            &admin_app,
            Method::POST,
            "/api/v1/channels",
            &[json, wrong],
            add_body("soop:x"),
        )
        .await;
        r.expect_error(StatusCode::UNAUTHORIZED, "unauthorized");
    }
    let r = request(
        &admin_app,
        Method::POST,
        "/api/v1/channels",
        &[json, wrong],
        add_body("soop:x"),
    )
    .await;
    let m = r.expect_error(StatusCode::TOO_MANY_REQUESTS, "too_many_requests");
    assert!(m.contains("failed admin authentications"), "{m}");
    assert_eq!(r.header("retry-after"), Some("1"));
}

#[tokio::test]
async fn the_import_body_limit_is_the_documented_16_mib() {
    let f = seeded().await;
    let admin_app = app(f.state.clone().with_admin(AdminAccess::new(
        TOKEN,
        Arc::new(StoreOnly(f.store.clone())),
    )));
    let bearer = format!("Bearer {TOKEN}");
    let auth = ("authorization", bearer.as_str());
    // 3 MiB: over axum's default 2 MiB, well under 16 MiB.
    let r = request(
        &admin_app,
        Method::POST,
        "/api/v1/import?filename=roster.csv",
        &[auth],
        Body::from(vec![b'a'; 3 * 1024 * 1024]),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["bytes"], 3 * 1024 * 1024);
    let r = request(
        &admin_app,
        Method::POST,
        "/api/v1/import?filename=roster.csv",
        &[auth, ("content-length", "17825792")],
        Body::from(vec![b'a'; 17 * 1024 * 1024]),
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text);
}
