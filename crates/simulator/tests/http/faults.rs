//! Injected faults behave as documented, from Rust and over the `/__sim` control surface.

use std::time::{Duration, Instant};

use serde_json::Value;
use streamtide_core::Platform;
use streamtide_simulator::{Fault, FaultKind, SimConfig};

use crate::common::*;

#[tokio::test]
async fn status_429_with_retry_after_applies_count_times_then_recovers() {
    let (sim, _clock) = start_default().await;
    let c = client();
    sim.inject(
        Platform::Chzzk,
        Fault::times(
            FaultKind::Status {
                code: 429,
                retry_after_secs: Some(7),
            },
            3,
        )
        .on_path("/lives"),
    );
    let lives = format!("{}/service/v1/lives?size=5", sim.chzzk_base());
    let channel = format!(
        "{}/service/v1/channels/{}",
        sim.chzzk_base(),
        sim.world().channels(Platform::Chzzk)[0].id
    );
    // Other paths are untouched while the fault is pending.
    assert_eq!(c.get(&channel).send().await.unwrap().status(), 200);
    for _ in 0..3 {
        let resp = c.get(&lives).send().await.unwrap();
        assert_eq!(resp.status(), 429);
        assert_eq!(resp.headers()["retry-after"], "7");
        let body: Value = serde_json::from_str(&resp.text().await.unwrap()).unwrap();
        assert_eq!(body["code"], 429);
    }
    let ok = get_json(&c, &lives).await;
    assert_eq!(ok["code"], 200);
    assert_eq!(sim.requests(Platform::Chzzk), 5);
    assert_eq!(sim.requests(Platform::Soop), 0);
}

#[tokio::test]
async fn truncated_gives_invalid_json_with_matching_length() {
    let (sim, _clock) = start_default().await;
    let c = client();
    let url = format!("{}/service/v1/lives?size=10", sim.chzzk_base());
    let full = c.get(&url).send().await.unwrap().bytes().await.unwrap();
    sim.inject(Platform::Chzzk, Fault::once(FaultKind::Truncated));
    let resp = c.get(&url).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let declared: usize = resp.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let body = resp.bytes().await.unwrap();
    assert_eq!(declared, body.len());
    assert_eq!(body.len(), full.len() / 2);
    assert!(serde_json::from_slice::<Value>(&body).is_err());
}

#[tokio::test]
async fn delay_holds_the_request_and_trips_client_timeouts() {
    let (sim, _clock) = start_default().await;
    let url = format!("{}/api/main_broad_list_api.php?pageNo=1", sim.soop_base());
    sim.inject(
        Platform::Soop,
        Fault::once(FaultKind::Delay(Duration::from_millis(300))),
    );
    let started = Instant::now();
    let got = get_json(&client(), &url).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert!(got["broad"].is_array());

    sim.inject(
        Platform::Soop,
        Fault::once(FaultKind::Delay(Duration::from_millis(1500))),
    );
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(150))
        .build()
        .unwrap();
    let err = impatient.get(&url).send().await.unwrap_err();
    assert!(err.is_timeout(), "{err}");
}

#[tokio::test]
async fn reset_breaks_the_body_mid_way() {
    let (sim, _clock) = start_default().await;
    let c = client();
    let ch = &sim.world().channels(Platform::Soop)[1];
    let url = format!("{}/api/{}/station", sim.soop_base(), ch.id);
    sim.inject(Platform::Soop, Fault::once(FaultKind::Reset));
    // Headers arrive intact (status 200, the full length announced); reading the body fails.
    let resp = c.get(&url).send().await.expect("headers arrive");
    assert_eq!(resp.status(), 200);
    let err = resp
        .bytes()
        .await
        .expect_err("a reset body must not read cleanly");
    assert!(err.is_body() || err.is_decode(), "{err:?}");
    // The server is fine afterwards.
    assert_eq!(
        get_json(&c, &url).await["station"]["user_id"],
        ch.id.as_str()
    );
}

#[tokio::test]
async fn garbage_is_a_200_html_page() {
    let (sim, _clock) = start_default().await;
    let c = client();
    sim.inject(Platform::Chzzk, Fault::once(FaultKind::Garbage));
    let resp = c
        .get(format!("{}/service/v1/lives", sim.chzzk_base()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let text = resp.text().await.unwrap();
    assert!(text.contains("<html"));
    assert!(serde_json::from_str::<Value>(&text).is_err());
}

#[tokio::test]
async fn rename_field_and_number_to_string_rewrite_the_json() {
    let (sim, _clock) = start_default().await;
    let c = client();
    let ch = &sim.world().channels(Platform::Chzzk)[2];
    let url = format!("{}/service/v1/channels/{}", sim.chzzk_base(), ch.id);
    sim.inject(
        Platform::Chzzk,
        Fault::once(FaultKind::RenameField {
            from: "followerCount".into(),
            to: "followers".into(),
        }),
    );
    let renamed = get_json(&c, &url).await;
    assert!(renamed["content"].get("followerCount").is_none());
    assert!(renamed["content"]["followers"].is_u64());
    assert!(get_json(&c, &url).await["content"]["followerCount"].is_u64());

    let lives = format!("{}/service/v1/lives?size=5", sim.chzzk_base());
    sim.inject(
        Platform::Chzzk,
        Fault::once(FaultKind::NumberToString {
            field: "concurrentUserCount".into(),
        }),
    );
    let got = get_json(&c, &lives).await;
    for item in got["content"]["data"].as_array().unwrap() {
        let s = item["concurrentUserCount"].as_str().expect("now a string");
        assert!(s.parse::<u64>().is_ok(), "{s}");
        assert!(item["liveId"].is_u64(), "other numbers untouched");
    }
    assert!(got["content"]["page"]["next"]["concurrentUserCount"].is_string());
}

#[tokio::test]
async fn blocked_polling_version_answers_9004_while_others_work() {
    let (sim, _clock) = start(SimConfig {
        blocked_polling_versions: vec!["v3.1".into()],
        ..SimConfig::default()
    })
    .await;
    let c = client();
    let id = &sim.world().channels(Platform::Chzzk)[0].id;
    let blocked = get_json(
        &c,
        &format!(
            "{}/polling/v3.1/channels/{id}/live-status",
            sim.chzzk_base()
        ),
    )
    .await;
    assert_eq!(blocked["code"], 9004);
    assert_eq!(blocked["message"], "앱 업데이트 후에 정상 시청 가능합니다.");
    assert_eq!(blocked["content"], Value::Null);
    let ok = get_json(
        &c,
        &format!("{}/polling/v2/channels/{id}/live-status", sim.chzzk_base()),
    )
    .await;
    assert_eq!(ok["code"], 200);
}

#[tokio::test]
async fn control_surface_injects_clears_and_counts() {
    let (sim, _clock) = start_default().await;
    let c = client();
    let station = format!(
        "{}/api/{}/station",
        sim.soop_base(),
        sim.world().channels(Platform::Soop)[0].id
    );
    let faults = format!("{}/__sim/faults", sim.soop_base());

    let resp = c
        .post(&faults)
        .body(r#"{"kind":"status","code":503,"retry_after_secs":1,"count":2,"path_contains":"/station"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    for _ in 0..2 {
        let r = c.get(&station).send().await.unwrap();
        assert_eq!(r.status(), 503);
        assert_eq!(r.headers()["retry-after"], "1");
    }
    assert_eq!(c.get(&station).send().await.unwrap().status(), 200);

    // DELETE drops pending faults before they fire.
    let resp = c
        .post(&faults)
        .body(r#"{"kind":"delay","delay_ms":5000,"count":10}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(c.delete(&faults).send().await.unwrap().status(), 200);
    let started = Instant::now();
    assert_eq!(c.get(&station).send().await.unwrap().status(), 200);
    assert!(started.elapsed() < Duration::from_secs(2));

    let bad = c
        .post(&faults)
        .body(r#"{"kind":"meteor"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);

    // Control calls are not counted; the four station calls are.
    let stats = get_json(&c, &format!("{}/__sim/stats", sim.soop_base())).await;
    assert_eq!(stats["requests"], 4);
    assert_eq!(sim.requests(Platform::Soop), 4);

    // The Rust-side clear works the same way.
    sim.inject(Platform::Soop, Fault::times(FaultKind::Garbage, 5));
    sim.clear_faults();
    assert!(get_json(&c, &station).await["station"].is_object());
    sim.shutdown().await;
    assert!(
        c.get(&station).send().await.is_err(),
        "server still up after shutdown"
    );
}

#[tokio::test]
async fn configured_latency_slows_every_request() {
    let (sim, _clock) = start(SimConfig {
        latency: Some((Duration::from_millis(80), Duration::from_millis(100))),
        chzzk_channels: 10,
        soop_channels: 10,
        ..SimConfig::default()
    })
    .await;
    let started = Instant::now();
    get_json(&client(), &format!("{}/service/v1/lives", sim.chzzk_base())).await;
    assert!(started.elapsed() >= Duration::from_millis(80));
}
