//! Walking the paged lists covers every live broadcast exactly once, in order.

use std::collections::HashSet;

use serde_json::Value;
use streamtide_core::Platform;
use streamtide_simulator::SimConfig;

use crate::common::*;

#[tokio::test]
async fn chzzk_cursor_walk_yields_every_live_once_sorted() {
    let (sim, _clock) = start_default().await;
    let c = client();
    let expected: Vec<u64> = sim
        .world()
        .live_list_at(Platform::Chzzk, t0())
        .iter()
        .map(|(_, l)| l.live_id)
        .collect();
    assert!(expected.len() > 30, "only {} live", expected.len());

    let mut seen = Vec::new();
    let mut pairs = Vec::new();
    let mut query = String::new();
    let mut pages = 0;
    loop {
        let url = format!(
            "{}/service/v1/lives?size=13&sortType=POPULAR{query}",
            sim.chzzk_base()
        );
        let got = get_json(&c, &url).await;
        let content = &got["content"];
        let data = content["data"].as_array().unwrap();
        assert!(data.len() <= 13);
        for item in data {
            seen.push(item["liveId"].as_u64().unwrap());
            pairs.push((
                item["concurrentUserCount"].as_u64().unwrap(),
                item["liveId"].as_u64().unwrap(),
            ));
        }
        pages += 1;
        assert!(pages < 100, "cursor never ends");
        match &content["page"]["next"] {
            Value::Null => break,
            next => {
                let last = data.last().unwrap();
                assert_eq!(next["liveId"], last["liveId"]);
                assert_eq!(next["concurrentUserCount"], last["concurrentUserCount"]);
                query = format!(
                    "&concurrentUserCount={}&liveId={}",
                    next["concurrentUserCount"], next["liveId"]
                );
            }
        }
    }
    assert_eq!(seen, expected);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), seen.len());
    assert!(
        pairs.windows(2).all(|w| w[0] > w[1]),
        "not sorted desc: {pairs:?}"
    );
    assert_eq!(pages, expected.len().div_ceil(13));
}

#[tokio::test]
async fn chzzk_size_is_clamped_to_50() {
    let (sim, _clock) = start_default().await;
    let got = get_json(
        &client(),
        &format!(
            "{}/service/v1/lives?size=500&sortType=POPULAR",
            sim.chzzk_base()
        ),
    )
    .await;
    assert_eq!(got["content"]["size"], 50);
    let live = sim.world().live_list_at(Platform::Chzzk, t0()).len();
    assert_eq!(
        got["content"]["data"].as_array().unwrap().len(),
        live.min(50)
    );
}

#[tokio::test]
async fn soop_pages_of_60_cover_every_live_once() {
    let (sim, _clock) = start(SimConfig {
        soop_channels: 500,
        ..SimConfig::default()
    })
    .await;
    let c = client();
    let expected: Vec<String> = sim
        .world()
        .live_list_at(Platform::Soop, t0())
        .iter()
        .map(|(ch, _)| ch.id.clone())
        .collect();
    assert!(
        expected.len() > 60,
        "need several pages, have {}",
        expected.len()
    );

    let mut seen = Vec::new();
    let mut viewers = Vec::new();
    let mut page = 1;
    loop {
        let url = format!(
            "{}/api/main_broad_list_api.php?selectType=action&selectValue=all&orderType=view_cnt&pageNo={page}&lang=ko_KR",
            sim.soop_base()
        );
        let got = get_json(&c, &url).await;
        assert_eq!(got["total_cnt"].as_u64().unwrap() as usize, expected.len());
        assert_eq!(got["page_no"], page.to_string());
        let broad = got["broad"].as_array().unwrap();
        if broad.is_empty() {
            break;
        }
        for b in broad {
            seen.push(b["user_id"].as_str().unwrap().to_string());
            viewers.push(
                b["total_view_cnt"]
                    .as_str()
                    .unwrap()
                    .parse::<u64>()
                    .unwrap(),
            );
        }
        if broad.len() < 60 {
            // The next page must be the empty one.
            let next = format!(
                "{}/api/main_broad_list_api.php?orderType=view_cnt&pageNo={}",
                sim.soop_base(),
                page + 1
            );
            assert!(get_json(&c, &next).await["broad"]
                .as_array()
                .unwrap()
                .is_empty());
            break;
        }
        page += 1;
        assert!(page < 50);
    }
    assert_eq!(seen, expected);
    assert!(viewers.windows(2).all(|w| w[0] >= w[1]));
    assert_eq!(page, expected.len().div_ceil(60));
}

#[tokio::test]
async fn soop_list_also_answers_a_posted_form() {
    let (sim, _clock) = start_default().await;
    let c = client();
    let url = format!("{}/api/main_broad_list_api.php", sim.soop_base());
    let get = get_json(
        &c,
        &format!("{url}?selectType=action&selectValue=all&orderType=view_cnt&pageNo=1&lang=ko_KR"),
    )
    .await;
    let resp = c
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("selectType=action&selectValue=all&orderType=view_cnt&pageNo=1&lang=ko_KR")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let post: Value = serde_json::from_str(&resp.text().await.unwrap()).unwrap();
    assert_eq!(post, get);

    // A category filter keeps only that category.
    let cate = get["broad"][0]["broad_cate_no"]
        .as_str()
        .unwrap()
        .to_string();
    let filtered = get_json(&c, &format!("{url}?selectValue={cate}&pageNo=1")).await;
    let items = filtered["broad"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|b| b["broad_cate_no"] == cate.as_str()));
}

#[tokio::test]
async fn chzzk_videos_and_soop_vods_page_through_the_same_replays() {
    let (sim, _clock) = start_default().await;
    let c = client();
    let w = sim.world();
    let ch = w
        .channels(Platform::Chzzk)
        .iter()
        .find(|ch| ch.stream_prob > 0.8)
        .unwrap();
    let expected: Vec<u64> = w.videos_at(ch, t0()).iter().map(|v| v.video_no).collect();
    let mut seen = Vec::new();
    for page in 0.. {
        let url = format!(
            "{}/service/v1/channels/{}/videos?sortType=LATEST&pagingType=PAGE&page={page}&size=24",
            sim.chzzk_base(),
            ch.id
        );
        let got = get_json(&c, &url).await;
        let data = got["content"]["data"].as_array().unwrap().clone();
        if data.is_empty() {
            break;
        }
        seen.extend(data.iter().map(|v| v["videoNo"].as_u64().unwrap()));
    }
    assert_eq!(seen, expected);

    let bj = w
        .channels(Platform::Soop)
        .iter()
        .find(|ch| ch.stream_prob > 0.8)
        .unwrap();
    let expected: Vec<u64> = w.videos_at(bj, t0()).iter().map(|v| v.video_no).collect();
    let mut seen = Vec::new();
    let mut page = 1;
    loop {
        let url = format!("{}/api/{}/vods/review?page={page}", sim.soop_base(), bj.id);
        let got = get_json(&c, &url).await;
        seen.extend(
            got["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v["title_no"].as_u64().unwrap()),
        );
        if got["links"]["next"].is_null() {
            assert_eq!(got["meta"]["last_page"], page);
            break;
        }
        page += 1;
    }
    assert_eq!(seen, expected);
    let first = &w.videos_at(bj, t0())[0];
    let got = get_json(
        &c,
        &format!("{}/api/{}/vods/review?page=1", sim.soop_base(), bj.id),
    )
    .await;
    assert_eq!(got["data"][0]["count"]["read_cnt"], first.views);
    assert_eq!(
        got["data"][0]["ucc"]["total_file_duration"],
        first.duration_secs * 1000
    );
}
