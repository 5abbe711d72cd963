//! Every endpoint answers with the shape of the real platform's capture.

use serde_json::{json, Value};
use streamtide_core::Platform;

use crate::common::*;

#[tokio::test]
async fn chzzk_lives_match_the_capture() {
    let (sim, _clock) = start_default().await;
    let c = client();
    let url = format!(
        "{}/service/v1/lives?size=20&sortType=POPULAR",
        sim.chzzk_base()
    );
    let got = get_json(&c, &url).await;
    assert_eq!(got["content"]["data"].as_array().unwrap().len(), 20);
    assert_shape(
        "lives",
        &fixture("chzzk/service_v1_lives_popular.2025-11-26.json"),
        &got,
    );
    // The template must keep its placeholder and openDate must be the KST wire format.
    let first = &got["content"]["data"][0];
    assert!(first["liveImageUrl"].as_str().unwrap().contains("{type}"));
    let open = first["openDate"].as_str().unwrap();
    assert!(
        chrono::NaiveDateTime::parse_from_str(open, "%Y-%m-%d %H:%M:%S").is_ok(),
        "{open}"
    );
    assert_eq!(first["channel"]["channelId"].as_str().unwrap().len(), 32);
}

#[tokio::test]
async fn chzzk_channel_matches_both_captures_and_unknown_ids_get_the_placeholder() {
    let (sim, _clock) = start_default().await;
    let c = client();
    let ch = &sim.world().channels(Platform::Chzzk)[5];
    let got = get_json(
        &c,
        &format!("{}/service/v1/channels/{}", sim.chzzk_base(), ch.id),
    )
    .await;
    assert_shape(
        "channel 2025",
        &fixture("chzzk/service_v1_channels.2025-11.json"),
        &got,
    );
    assert_shape(
        "channel 2023",
        &fixture("chzzk/service_v1_channels.2023-12.json"),
        &got,
    );
    assert_eq!(got["content"]["channelId"], json!(ch.id));
    assert_eq!(got["content"]["channelName"], json!(ch.name));

    let unknown = get_json(
        &c,
        &format!(
            "{}/service/v1/channels/{}",
            sim.chzzk_base(),
            "0".repeat(32)
        ),
    )
    .await;
    assert_eq!(unknown["code"], 200);
    assert_eq!(unknown["content"]["channelId"], Value::Null);
    assert_eq!(unknown["content"]["channelName"], "(알 수 없음)");
    assert_eq!(unknown["content"]["followerCount"], 0);
}

#[tokio::test]
async fn chzzk_live_status_matches_the_capture_open_and_closed() {
    let (sim, clock) = start_default().await;
    let c = client();
    let w = sim.world();
    let capture = fixture("chzzk/polling_v1_channels_live-status.2023-12.json");
    let live = &w.live_list_at(Platform::Chzzk, clock_now(&clock))[0];
    let closed = w
        .channels(Platform::Chzzk)
        .iter()
        .find(|ch| ch.stream_prob > 0.0 && w.live_at(ch, clock_now(&clock)).is_none())
        .unwrap();
    for (id, status) in [(&live.0.id, "OPEN"), (&closed.id, "CLOSE")] {
        let url = format!("{}/polling/v3/channels/{id}/live-status", sim.chzzk_base());
        let got = get_json(&c, &url).await;
        assert_shape(&format!("live-status {status}"), &capture, &got);
        let content = &got["content"];
        assert_eq!(content["status"], status);
        for key in ["openDate", "closeDate", "adult", "tags", "chatChannelId"] {
            assert!(content.get(key).is_some(), "missing 2025 key {key}");
        }
        let polling: Value =
            serde_json::from_str(content["livePollingStatusJson"].as_str().unwrap()).unwrap();
        assert_eq!(polling["callPeriodMilliSecond"], 10000);
        assert_eq!(content["closeDate"].is_null(), status == "OPEN");
    }
}

fn clock_now(clock: &streamtide_core::ManualClock) -> chrono::DateTime<chrono::Utc> {
    use streamtide_core::Clock;
    clock.now()
}

#[tokio::test]
async fn chzzk_search_matches_the_capture() {
    let (sim, _clock) = start_default().await;
    let c = client();
    // A syllable several names share, so the page is full and `next` is an object as captured.
    let w = sim.world();
    let keyword = ["감자", "고양이", "별", "하", "루"]
        .into_iter()
        .find(|k| {
            w.channels(Platform::Chzzk)
                .iter()
                .filter(|ch| ch.name.contains(k))
                .count()
                > 13
        })
        .expect("a common syllable");
    let url = format!(
        "{}/service/v1/search/channels?keyword={keyword}&offset=0&size=13",
        sim.chzzk_base()
    );
    let got = get_json(&c, &url).await;
    assert_shape(
        "search",
        &fixture("chzzk/service_v1_search_channels.2023-12.json"),
        &got,
    );
    let data = got["content"]["data"].as_array().unwrap();
    assert_eq!(data.len(), 13);
    assert!(data.iter().all(|d| d["channel"]["channelName"]
        .as_str()
        .unwrap()
        .contains(keyword)));
    assert_eq!(got["content"]["page"]["next"]["offset"], 13);
}

#[tokio::test]
async fn chzzk_videos_match_the_latest_video_capture() {
    let (sim, _clock) = start_default().await;
    let c = client();
    let ch = sim
        .world()
        .channels(Platform::Chzzk)
        .iter()
        .find(|ch| ch.stream_prob > 0.8)
        .unwrap();
    let url = format!(
        "{}/service/v1/channels/{}/videos?sortType=LATEST&pagingType=PAGE&page=0&size=24",
        sim.chzzk_base(),
        ch.id
    );
    let got = get_json(&c, &url).await;
    let latest = fixture("chzzk/service_v1_channels_data.2023-12.json")["content"]
        ["topExposedVideos"]["latestVideo"]
        .clone();
    let data = got["content"]["data"].as_array().unwrap();
    assert_eq!(data.len(), 24);
    for item in data {
        assert_shape("video item", &latest, item);
        assert_eq!(item["videoId"].as_str().unwrap().len(), 36);
        assert_eq!(item["videoType"], "REPLAY");
        assert!(item["livePv"].is_u64());
    }
    let content = &got["content"];
    for key in ["page", "size", "totalCount", "totalPages"] {
        assert!(content[key].is_u64(), "{key}: {}", content[key]);
    }
    let total = content["totalCount"].as_u64().unwrap();
    assert_eq!(content["totalPages"].as_u64().unwrap(), total.div_ceil(24));
}

#[tokio::test]
async fn soop_vods_review_matches_the_capture() {
    let (sim, _clock) = start_default().await;
    let c = client();
    let ch = sim
        .world()
        .channels(Platform::Soop)
        .iter()
        .find(|ch| ch.stream_prob > 0.8)
        .unwrap();
    let url = format!(
        "{}/api/{}/vods/review?page=1&per_page=60&orderby=reg_date",
        sim.soop_base(),
        ch.id
    );
    let got = get_json(&c, &url).await;
    assert_shape(
        "vods/review",
        &fixture("soop/chapi_api_vods_review.2026-07-16.json"),
        &got,
    );
    assert_eq!(
        got["data"].as_array().unwrap().len(),
        20,
        "per_page is ignored"
    );
    assert_eq!(got["meta"]["per_page"], 20);
    assert_eq!(got["meta"]["from"], 1);
    assert_eq!(got["meta"]["to"], 20);
    assert_eq!(got["links"]["prev"], Value::Null);
    assert!(got["links"]["next"].as_str().unwrap().ends_with("?page=2"));
}

#[tokio::test]
async fn soop_broad_list_items_are_all_strings() {
    let (sim, _clock) = start_default().await;
    let c = client();
    let url = format!(
        "{}/api/main_broad_list_api.php?selectType=action&selectValue=all&orderType=view_cnt&pageNo=1&lang=ko_KR",
        sim.soop_base()
    );
    let got = get_json(&c, &url).await;
    assert!(got["total_cnt"].is_u64());
    assert_eq!(got["page_no"], "1");
    assert_eq!(got["time"].as_i64().unwrap(), t0().timestamp());
    let broad = got["broad"].as_array().unwrap();
    assert!(!broad.is_empty());
    const KEYS: &[&str] = &[
        "broad_no",
        "user_id",
        "user_nick",
        "broad_title",
        "broad_thumb",
        "total_view_cnt",
        "broad_cate_no",
        "broad_start",
        "broad_grade",
        "is_password",
        "visit_broad_type",
        "profile_img",
        "broad_bps",
        "broad_resolution",
    ];
    for b in broad {
        for k in KEYS {
            assert!(b[k].is_string(), "{k} is {} in {b}", b[k]);
        }
        let no = b["broad_no"].as_str().unwrap();
        assert_eq!(b["broad_thumb"], format!("//liveimg.sooplive.co.kr/m/{no}"));
        let cate = b["broad_cate_no"].as_str().unwrap();
        assert!(
            cate.len() == 8 && cate.bytes().all(|x| x.is_ascii_digit()),
            "{cate}"
        );
        assert!(["0", "19"].contains(&b["broad_grade"].as_str().unwrap()));
        let id = b["user_id"].as_str().unwrap();
        assert_eq!(
            b["profile_img"],
            format!(
                "//profile.img.sooplive.co.kr/LOGO/{}/{id}/{id}.jpg",
                &id[..2]
            )
        );
    }
}

#[tokio::test]
async fn soop_station_has_the_documented_shape() {
    let (sim, clock) = start_default().await;
    let c = client();
    let w = sim.world();
    // Types from platforms-kr.md §2.2 (no verbatim capture exists).
    let spec = json!({
        "profile_image": "s",
        "station": {
            "user_id": "s", "user_nick": "s", "station_no": 1, "station_name": "s",
            "station_title": "s", "broad_start": "s", "grade": 1, "jointime": "s",
            "total_broad_time": 1, "active_no": 1,
            "upd": {
                "station_no": 1, "user_id": "s", "asp_code": 1, "fan_cnt": 1,
                "total_visit_cnt": 1, "total_ok_cnt": 1, "total_view_cnt": 1,
                "today0_visit_cnt": 1, "today1_visit_cnt": 1, "today0_ok_cnt": 1,
                "today1_ok_cnt": 1, "today0_fav_cnt": 1, "today1_fav_cnt": 1
            }
        },
        "broad": null,
        "subscription": {"count": 1},
        "is_best_bj": false,
        "is_partner_bj": true,
        "country": "s",
        "current_timestamp": "s"
    });
    let live_broad = json!({
        "user_id": "s", "broad_no": 1, "broad_title": "s", "current_sum_viewer": 1,
        "broad_grade": 0, "is_password": false
    });
    let now = clock_now(&clock);
    let (live_ch, live) = &w.live_list_at(Platform::Soop, now)[0];
    let offline = w
        .channels(Platform::Soop)
        .iter()
        .find(|ch| w.live_at(ch, now).is_none())
        .unwrap();
    for (id, is_live) in [(&live_ch.id, true), (&offline.id, false)] {
        let got = get_json(&c, &format!("{}/api/{id}/station", sim.soop_base())).await;
        assert_shape("station", &spec, &got);
        assert_eq!(got["broad"].is_null(), !is_live, "{id}");
        if is_live {
            assert_shape("station.broad", &live_broad, &got["broad"]);
            assert_eq!(got["broad"]["broad_no"], live.live_id);
            assert_eq!(got["broad"]["current_sum_viewer"], live.viewers);
        }
    }
    let unknown = get_json(&c, &format!("{}/api/nobody/station", sim.soop_base())).await;
    assert_eq!(
        unknown,
        json!({"code": 9000, "message": "존재하지 않는 방송국입니다."})
    );
}

#[tokio::test]
async fn unknown_routes_and_bad_params_get_json_errors() {
    let (sim, _clock) = start_default().await;
    let c = client();
    for url in [
        format!("{}/service/v9/nothing", sim.chzzk_base()),
        format!("{}/nothing", sim.soop_base()),
    ] {
        let resp = c.get(&url).send().await.unwrap();
        assert_eq!(resp.status(), 404, "{url}");
        let v: Value = serde_json::from_str(&resp.text().await.unwrap()).unwrap();
        assert_eq!(v["code"], 404);
    }
    for url in [
        format!("{}/service/v1/lives?size=lots", sim.chzzk_base()),
        format!("{}/service/v1/lives?sortType=RANDOM", sim.chzzk_base()),
        format!(
            "{}/api/main_broad_list_api.php?pageNo=first",
            sim.soop_base()
        ),
    ] {
        let resp = c.get(&url).send().await.unwrap();
        assert_eq!(resp.status(), 400, "{url}");
        let v: Value = serde_json::from_str(&resp.text().await.unwrap()).unwrap();
        assert_eq!(v["code"], 400, "{url}");
    }
}
