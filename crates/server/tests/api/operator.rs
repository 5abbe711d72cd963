//! The operator's pages' API: `/creators` searched, filtered and sorted by change, and a
//! channel's daily table (`/channels/{platform}/{id}/daily`) in JSON, CSV and .xlsx.

use axum::http::StatusCode;
use chrono::Duration;
use serde_json::Value;
use streamtide_core::{ChannelId, Platform};

use crate::common::{channel_round, empty, get, Fixture};

/// Ten days, one observation a day: `up` +200/day and `down` −30/day on CHZZK, `sx` +50/day on
/// SOOP, `late` (SOOP) only the last two days. Creators: 가람 = up + sx, 나래 = down, 다온 = late.
async fn fixture() -> (Fixture, [i64; 3]) {
    let f = empty().await;
    for d in 0..10i64 {
        let at = f.now - Duration::days(9 - d);
        for (platform, id, base, step, first) in [
            (Platform::Chzzk, "up", 1_000i64, 200i64, 0),
            (Platform::Chzzk, "down", 8_000, -30, 0),
            (Platform::Soop, "sx", 3_000, 50, 0),
            (Platform::Soop, "late", 500, 10, 8),
        ] {
            if d >= first {
                let v = (base + step * d) as u64;
                channel_round(&f.store, platform, id, at, v, v * 10).await;
            }
        }
    }
    f.store.rebuild_rollups().await.expect("rebuild");
    let mut ids = [0; 3];
    for (i, (name, chans)) in [
        (
            "가람",
            vec![(Platform::Chzzk, "up"), (Platform::Soop, "sx")],
        ),
        ("나래", vec![(Platform::Chzzk, "down")]),
        ("다온", vec![(Platform::Soop, "late")]),
    ]
    .into_iter()
    .enumerate()
    {
        let (id, _) = f.store.upsert_creator(name, f.now).await.unwrap();
        for (p, c) in chans {
            f.store
                .link_channel(p, &ChannelId::new(c), id)
                .await
                .unwrap();
        }
        ids[i] = id;
    }
    (f, ids)
}

fn names(body: &Value) -> Vec<&str> {
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn creators_sort_by_change_with_unknown_last_and_filter() {
    let (f, _) = fixture().await;
    let r = get(&f.app, "/api/v1/creators?sort=change_7d").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let body = r.json();
    // 가람 +1750 (7 × 250), 나래 −210; 다온 has two days: no 7-day change, last.
    assert_eq!(names(&body), ["가람", "나래", "다온"]);
    assert_eq!(body["items"][0]["changes"]["7d"]["abs"], 7 * 250);
    assert_eq!(body["items"][1]["changes"]["7d"]["abs"], -7 * 30);
    assert!(body["items"][2]["changes"]["7d"]["abs"].is_null());
    assert_eq!(body["items"][2]["changes"]["1d"]["abs"], 10);
    // A change the history does not cover yet says from when it will be (the pages show it).
    let seoul_day =
        |days_ago: i64| (f.now - Duration::days(days_ago) + Duration::hours(9)).date_naive();
    assert_eq!(
        body["items"][2]["changes"]["7d"]["available_from"],
        (seoul_day(1) + Duration::days(7)).to_string()
    );
    assert_eq!(
        body["items"][0]["changes"]["30d"]["available_from"],
        (seoul_day(9) + Duration::days(30)).to_string()
    );
    assert!(body["items"][0]["changes"]["7d"]["available_from"].is_null());
    let asc = get(&f.app, "/api/v1/creators?sort=change_7d&order=asc")
        .await
        .json();
    assert_eq!(names(&asc), ["나래", "가람", "다온"]);

    let soop = get(&f.app, "/api/v1/creators?platform=soop").await.json();
    assert_eq!(names(&soop), ["가람", "다온"]);
    assert_eq!(soop["total"], 2);
    // A channel's name finds its creator (channel names are "<id> 이름").
    let q = get(&f.app, "/api/v1/creators?q=DOWN").await.json();
    assert_eq!(names(&q), ["나래"]);
    let paged = get(&f.app, "/api/v1/creators?sort=followers&limit=1&cursor=o1")
        .await
        .json();
    // Followers: 나래 7730, 가람 2800 + 3450, 다온 590; the second page of one is 가람.
    assert_eq!(names(&paged), ["가람"]);
    assert_eq!(paged["total"], 3);
    for bad in ["sort=change_90d", "order=up", "platform=x"] {
        get(&f.app, &format!("/api/v1/creators?{bad}"))
            .await
            .expect_error(StatusCode::BAD_REQUEST, "bad_request");
    }
}

#[tokio::test]
async fn daily_table_newest_first_in_three_formats() {
    let (f, _) = fixture().await;
    let r = get(&f.app, "/api/v1/channels/chzzk/up/daily").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let body = r.json();
    let days = body["days"].as_array().unwrap();
    assert_eq!(days.len(), 10);
    assert!(
        days[0]["day"].as_str() > days[1]["day"].as_str(),
        "newest first"
    );
    assert_eq!(days[0]["followers"], 1_000 + 200 * 9);
    assert_eq!(days[0]["followers_change"], 200);
    assert_eq!(days[0]["views_change"], 2_000);
    // The first day has no day before: its change is unknown, not the whole count.
    assert!(days[9]["followers_change"].is_null());
    let three = get(&f.app, "/api/v1/channels/chzzk/up/daily?days=3")
        .await
        .json();
    assert_eq!(three["days"].as_array().unwrap().len(), 3);

    let csv = get(&f.app, "/api/v1/channels/chzzk/up/daily?format=csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let lines: Vec<&str> = csv.text.lines().collect();
    assert!(lines[0]
        .trim_start_matches('\u{feff}')
        .starts_with("day,followers,followers_change,views"));
    assert_eq!(lines.len(), 11);
    assert!(lines[1].contains(",2800,200,28000,2000,"), "{}", lines[1]);
    let xlsx = get(&f.app, "/api/v1/channels/chzzk/up/daily?format=xlsx").await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx
        .header("content-disposition")
        .unwrap()
        .contains("daily-chzzk-up.xlsx"));

    get(&f.app, "/api/v1/channels/chzzk/nobody/daily")
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    get(&f.app, "/api/v1/channels/chzzk/up/daily?days=0")
        .await
        .expect_error(StatusCode::BAD_REQUEST, "bad_request");
}
