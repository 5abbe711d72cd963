//! `serve_images`: image URLs point at the simulator, which answers them with real JPEGs; off,
//! the replies keep the CDN URLs of the captures.

use streamtide_simulator::SimConfig;

use crate::common::*;

async fn first_live(base: &str) -> serde_json::Value {
    let url = format!("{base}/service/v1/lives?size=20&sortType=POPULAR");
    get_json(&client(), &url).await["content"]["data"][0].clone()
}

#[tokio::test]
async fn image_urls_point_here_and_answer_with_jpegs() {
    let (sim, _clock) = start(SimConfig {
        serve_images: true,
        ..SimConfig::default()
    })
    .await;
    let live = first_live(&sim.chzzk_base()).await;
    let thumb = live["liveImageUrl"]
        .as_str()
        .expect("liveImageUrl")
        .to_string();
    let prefix = format!(
        "{}/__sim/img/livecloud-thumb.akamaized.net/",
        sim.chzzk_base()
    );
    assert!(thumb.starts_with(&prefix), "{thumb}");
    let before = sim.requests(streamtide_core::Platform::Chzzk);
    let resp = client()
        .get(thumb.replace("{type}", "480"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "image/jpeg");
    let body = resp.bytes().await.unwrap();
    assert_eq!(&body[..2], &[0xFF, 0xD8], "a JPEG");
    assert_eq!(
        sim.requests(streamtide_core::Platform::Chzzk),
        before,
        "pictures are not API requests"
    );

    // SOOP's protocol-relative URLs are rewritten too.
    let soop = get_json(
        &client(),
        &format!(
            "{}/api/main_broad_list_api.php?selectType=action&selectValue=all&orderType=view_cnt&pageNo=1&lang=ko_KR",
            sim.soop_base()
        ),
    )
    .await;
    let b = &soop["broad"][0];
    assert!(
        b["broad_thumb"]
            .as_str()
            .unwrap()
            .starts_with(&sim.soop_base()),
        "{b}"
    );
}

#[tokio::test]
async fn off_by_default_the_cdn_urls_stay() {
    let (sim, _clock) = start_default().await;
    let live = first_live(&sim.chzzk_base()).await;
    assert!(live["liveImageUrl"]
        .as_str()
        .unwrap()
        .starts_with("https://livecloud-thumb.akamaized.net/"));
}
