//! `POST /__sim/start-live`: a channel that is not live goes live now, and every endpoint says so.

use serde_json::Value;
use streamtide_core::Platform;

use crate::common::*;

/// A CHZZK channel that can stream but is not live at `t0`.
fn offline_channel(sim: &streamtide_simulator::Simulator) -> String {
    let w = sim.world();
    w.channels(Platform::Chzzk)
        .iter()
        .find(|ch| {
            ch.stream_prob > 0.0
                && ch.joined_at < t0()
                && ch.retired_at.is_none()
                && ch.deleted_at.is_none()
                && w.live_at(ch, t0()).is_none()
        })
        .expect("an offline CHZZK channel")
        .id
        .clone()
}

#[tokio::test]
async fn start_live_over_http_makes_the_channel_live_everywhere() {
    let (sim, clock) = start_default().await;
    let c = client();
    let id = offline_channel(&sim);
    let status = format!("{}/polling/v3/channels/{id}/live-status", sim.chzzk_base());
    assert_eq!(get_json(&c, &status).await["content"]["status"], "CLOSE");
    let listed = |body: &Value| {
        body["content"]["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["channel"]["channelId"] == id.as_str())
    };
    let lives = format!("{}/service/v1/lives?size=50", sim.chzzk_base());
    let start = format!("{}/__sim/start-live?channel={id}", sim.chzzk_base());

    let resp = c.post(&start).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let body: Value = serde_json::from_str(&resp.text().await.unwrap()).unwrap();
    assert_eq!(body["ok"], true);
    assert_eq!(body["channel_id"], id.as_str());
    let title = body["title"].as_str().unwrap().to_string();
    assert!(!title.is_empty());

    let live = sim
        .world()
        .live_at(sim.world().channel(Platform::Chzzk, &id).unwrap(), t0())
        .expect("live in the world's ground truth");
    assert_eq!(live.title, title);
    assert_eq!(live.started_at, t0());
    assert_eq!(body["live_id"], live.live_id);
    let got = get_json(&c, &status).await;
    assert_eq!(got["content"]["status"], "OPEN");
    assert_eq!(got["content"]["liveTitle"], title.as_str());
    // The list pages by viewers; follow it until the channel shows up.
    let mut page = get_json(&c, &lives).await;
    let mut found = listed(&page);
    while !found && !page["content"]["page"]["next"].is_null() {
        let next = &page["content"]["page"]["next"];
        let url = format!(
            "{lives}&concurrentUserCount={}&liveId={}",
            next["concurrentUserCount"], next["liveId"]
        );
        page = get_json(&c, &url).await;
        found = listed(&page);
    }
    assert!(found, "the started broadcast is in the live list");
    // The broadcast is found by its number too (live-detail answers the current one).
    let detail = format!("{}/service/v3/channels/{id}/live-detail", sim.chzzk_base());
    assert_eq!(
        get_json(&c, &detail).await["content"]["liveId"],
        live.live_id
    );

    // Live already: 409, nothing changes.
    let again = c.post(&start).send().await.unwrap();
    assert_eq!(again.status(), 409);
    // It ends after the channel's usual length, like a scheduled one.
    assert!(live.ends_at > t0() + chrono::Duration::minutes(59));
    clock.set(live.ends_at);
    let ch = sim.world().channel(Platform::Chzzk, &id).unwrap();
    let later = sim.world().live_at(ch, live.ends_at);
    assert!(later.as_ref().is_none_or(|l| l.live_id != live.live_id));
    let want = if later.is_some() { "OPEN" } else { "CLOSE" };
    assert_eq!(get_json(&c, &status).await["content"]["status"], want);
}

#[tokio::test]
async fn start_live_refuses_unknown_channels_and_other_platforms() {
    let (sim, _clock) = start_default().await;
    let c = client();
    let id = offline_channel(&sim);
    let post = |url: String| {
        let c = c.clone();
        async move { c.post(url).send().await.unwrap().status().as_u16() }
    };
    let base = sim.chzzk_base();
    assert_eq!(
        post(format!("{base}/__sim/start-live?channel=nope")).await,
        404
    );
    assert_eq!(post(format!("{base}/__sim/start-live")).await, 400);
    assert_eq!(
        post(format!(
            "{base}/__sim/start-live?platform=soop&channel={id}"
        ))
        .await,
        400
    );
    assert!(sim
        .world()
        .live_at(sim.world().channel(Platform::Chzzk, &id).unwrap(), t0())
        .is_none());
    // The control surface is not a platform request.
    assert_eq!(sim.requests(Platform::Chzzk), 0);
}
