//! What the servers report is exactly the world's ground truth at the clock's time.

use chrono::Duration;
use serde_json::Value;
use streamtide_core::{Clock, Platform};

use crate::common::*;

#[tokio::test]
async fn followers_match_the_world_and_move_with_growth() {
    let (sim, clock) = start_default().await;
    let c = client();
    let w = sim.world();
    // Channels with growth clearly away from zero, both ways.
    let picked: Vec<_> = w
        .channels(Platform::Chzzk)
        .iter()
        .filter(|ch| ch.daily_growth.abs() > 0.003 && ch.base_followers > 1_000)
        .take(12)
        .collect();
    assert!(picked.iter().any(|ch| ch.daily_growth > 0.0));
    assert!(picked.iter().any(|ch| ch.daily_growth < 0.0));

    let fetch = |id: String| {
        let c = c.clone();
        let url = format!("{}/service/v1/channels/{id}", sim.chzzk_base());
        async move {
            get_json(&c, &url).await["content"]["followerCount"]
                .as_u64()
                .unwrap()
        }
    };
    let mut before = Vec::new();
    for ch in &picked {
        let f = fetch(ch.id.clone()).await;
        assert_eq!(f, w.followers_at(ch, clock.now()), "{}", ch.id);
        before.push(f);
    }
    clock.advance(Duration::days(7));
    for (ch, old) in picked.iter().zip(before) {
        let new = fetch(ch.id.clone()).await;
        assert_eq!(new, w.followers_at(ch, clock.now()), "{}", ch.id);
        if ch.daily_growth > 0.0 {
            assert!(
                new > old,
                "{} grows {}: {old} -> {new}",
                ch.id,
                ch.daily_growth
            );
        } else {
            assert!(
                new < old,
                "{} shrinks {}: {old} -> {new}",
                ch.id,
                ch.daily_growth
            );
        }
    }

    // SOOP reports the same truth as station.upd.fan_cnt.
    for ch in w.channels(Platform::Soop).iter().take(5) {
        let got = get_json(&c, &format!("{}/api/{}/station", sim.soop_base(), ch.id)).await;
        assert_eq!(
            got["station"]["upd"]["fan_cnt"].as_u64().unwrap(),
            w.followers_at(ch, clock.now())
        );
    }
}

#[tokio::test]
async fn live_status_follows_the_world_over_a_simulated_day() {
    let (sim, clock) = start_default().await;
    let c = client();
    let w = sim.world();
    let channels: Vec<_> = w.channels(Platform::Chzzk).iter().take(10).collect();
    let mut seen_open = vec![false; channels.len()];
    let mut seen_close = vec![false; channels.len()];
    let mut toggles = 0;
    let mut last: Vec<Option<bool>> = vec![None; channels.len()];
    for _ in 0..48 {
        let now = clock.now();
        for (i, ch) in channels.iter().enumerate() {
            let url = format!(
                "{}/polling/v2/channels/{}/live-status",
                sim.chzzk_base(),
                ch.id
            );
            let got = get_json(&c, &url).await;
            let truth = w.live_at(ch, now);
            let content = &got["content"];
            let open = content["status"] == "OPEN";
            assert_eq!(open, truth.is_some(), "{} at {now}: {content}", ch.id);
            match &truth {
                Some(live) => {
                    assert_eq!(content["concurrentUserCount"], live.viewers);
                    assert_eq!(content["liveTitle"], live.title.as_str());
                    seen_open[i] = true;
                }
                None if ch.stream_prob == 0.0 => assert_eq!(*content, Value::Null),
                None => seen_close[i] = true,
            }
            if last[i].is_some_and(|was| was != open) {
                toggles += 1;
            }
            last[i] = Some(open);
        }
        clock.advance(Duration::minutes(30));
    }
    let both = (0..channels.len())
        .filter(|&i| seen_open[i] && seen_close[i])
        .count();
    assert!(both >= 3, "only {both} channels went both OPEN and CLOSE");
    assert!(toggles >= 6, "only {toggles} toggles in a day");
}

#[tokio::test]
async fn list_and_channel_endpoints_agree_with_live_at() {
    let (sim, clock) = start_default().await;
    let c = client();
    let w = sim.world();
    let now = clock.now();
    let got = get_json(
        &c,
        &format!("{}/service/v1/lives?size=50", sim.chzzk_base()),
    )
    .await;
    for item in got["content"]["data"].as_array().unwrap().iter().take(10) {
        let id = item["channel"]["channelId"].as_str().unwrap();
        let ch = w.channel(Platform::Chzzk, id).unwrap();
        let live = w.live_at(ch, now).expect("listed channel is live");
        assert_eq!(item["liveId"], live.live_id);
        assert_eq!(item["concurrentUserCount"], live.viewers);
        assert_eq!(item["adult"], live.adult);
        assert_eq!(item["liveCategory"], live.category.chzzk_id);
        let info = get_json(
            &c,
            &format!("{}/service/v1/channels/{id}", sim.chzzk_base()),
        )
        .await;
        assert_eq!(info["content"]["openLive"], true);
    }
    // A channel that never streams has no live-status content at all.
    if let Some(never) = w
        .channels(Platform::Chzzk)
        .iter()
        .find(|ch| ch.stream_prob == 0.0)
    {
        let url = format!(
            "{}/polling/v3/channels/{}/live-status",
            sim.chzzk_base(),
            never.id
        );
        assert_eq!(get_json(&c, &url).await["content"], Value::Null);
    }
    let unknown = format!(
        "{}/polling/v3/channels/{}/live-status",
        sim.chzzk_base(),
        "f".repeat(32)
    );
    let got = get_json(&c, &unknown).await;
    assert_eq!(got["code"], 200);
    assert_eq!(got["content"], Value::Null);
}

#[tokio::test]
async fn adult_fraction_is_reflected_on_the_wire() {
    let (sim, clock) = start(streamtide_simulator::SimConfig {
        adult_fraction: 0.5,
        ..streamtide_simulator::SimConfig::default()
    })
    .await;
    let w = sim.world();
    let adult = w
        .channels(Platform::Soop)
        .iter()
        .filter(|ch| ch.adult)
        .count();
    assert!((100..200).contains(&adult), "{adult} of 300 adult");
    let got = get_json(
        &client(),
        &format!("{}/api/main_broad_list_api.php?pageNo=1", sim.soop_base()),
    )
    .await;
    for b in got["broad"].as_array().unwrap() {
        let ch = w
            .channel(Platform::Soop, b["user_id"].as_str().unwrap())
            .unwrap();
        assert_eq!(b["broad_grade"], if ch.adult { "19" } else { "0" });
        assert!(w.live_at(ch, clock.now()).is_some());
    }
}
