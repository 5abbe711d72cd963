//! `GET /api/v1/trends`, `/channels/{platform}/{id}/stats`, `/creators/{id}/stats` and the CSV
//! forms.

use axum::http::StatusCode;
use chrono::Duration;
use serde_json::Value;
use streamtide_core::{ChannelId, Platform};

use crate::common::{channel_round, empty, get, Fixture};

/// Ten days of one observation a day: `fast` +200/day, `slow` +20/day, `shrink` −30/day (CHZZK),
/// `sx` +50/day (SOOP). Rollups rebuilt from the raw rows.
async fn fixture() -> Fixture {
    let f = empty().await;
    for d in 0..10i64 {
        let at = f.now - Duration::days(9 - d);
        for (platform, id, base, step) in [
            (Platform::Chzzk, "fast", 1_000i64, 200i64),
            (Platform::Chzzk, "slow", 50_000, 20),
            (Platform::Chzzk, "shrink", 8_000, -30),
            (Platform::Soop, "sx", 3_000, 50),
        ] {
            let v = (base + step * d) as u64;
            channel_round(&f.store, platform, id, at, v, v * 10).await;
        }
    }
    f.store.rebuild_rollups().await.expect("rebuild");
    f
}

fn ids(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["channel_id"].as_str().unwrap_or("?").to_string())
        .collect()
}

#[tokio::test]
async fn ranks_gainers_and_losers_with_the_documented_shape() {
    let f = fixture().await;
    let r = get(
        &f.app,
        "/api/v1/trends?metric=followers&period=7d&direction=up",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let body = r.json();
    assert_eq!(body["metric"], "followers");
    assert_eq!(body["period"], "7d");
    assert_eq!(body["direction"], "up");
    // Only gains: `shrink` lost, so it is counted, not listed.
    assert_eq!(ids(&body), ["fast", "sx", "slow"]);
    assert_eq!(body["available"], true);
    assert_eq!(body["qualifying"], 3);
    assert_eq!(body["other_direction"], 1);
    assert_eq!(body["left_out"], 0);
    let top = &body["items"][0];
    for key in [
        "rank",
        "previous_rank",
        "platform",
        "channel_id",
        "channel_name",
        "avatar_url",
        "start_value",
        "end_value",
        "change",
        "change_pct",
        "rounded",
    ] {
        assert!(top.get(key).is_some(), "missing {key}: {top}");
    }
    assert_eq!(top["rank"], 1);
    assert_eq!(top["change"], 1400);
    assert_eq!(top["rounded"], false);
    // Only 9 days of history: the 7 days before the period have no start, so no previous rank.
    assert_eq!(top["previous_rank"], Value::Null);

    let down = get(&f.app, "/api/v1/trends?period=1d&direction=down&limit=1")
        .await
        .json();
    assert_eq!(ids(&down), ["shrink"]);
    assert_eq!(down["items"][0]["change"], -30);
    assert_eq!(down["items"][0]["previous_rank"], 1);

    let soop = get(&f.app, "/api/v1/trends?platform=soop").await.json();
    assert_eq!(ids(&soop), ["sx"]);
    let pct = get(&f.app, "/api/v1/trends?sort=pct").await.json();
    assert_eq!(ids(&pct)[0], "fast");
    let none = get(&f.app, "/api/v1/trends?period=90d").await.json();
    assert_eq!(ids(&none).len(), 0, "no 90-day history: nobody ranked");
    assert_eq!(none["available"], false);
    let first = (f.now - Duration::days(9) + Duration::hours(9)).date_naive();
    assert_eq!(
        none["available_from"],
        (first + Duration::days(90)).to_string()
    );
    assert_eq!(
        none["note"],
        format!(
            "collecting since {first}, the 90-day ranking is available from {}",
            first + Duration::days(90)
        )
    );

    let csv = get(&f.app, "/api/v1/trends?format=csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let lines: Vec<&str> = csv.text.lines().collect();
    // A byte order mark for Excel, then the header.
    assert!(lines[0].starts_with("\u{feff}rank,previous_rank,platform,channel_id"));
    assert_eq!(lines.len(), 4, "the three gainers");
    assert!(lines[1].starts_with("1,,chzzk,fast,"));

    for bad in [
        "/api/v1/trends?metric=likes",
        "/api/v1/trends?period=3d",
        "/api/v1/trends?direction=sideways",
        "/api/v1/trends?platform=myspace",
        "/api/v1/trends?limit=0",
        "/api/v1/trends?format=xml",
        "/api/v1/trends?format=xls",
        "/api/v1/trends?sort=name",
        "/api/v1/trends?group=team",
        "/api/v1/trends?scope=everyone",
        // A leaderboard has no direction; `all` and the roster at once is a contradiction.
        "/api/v1/trends?scope=all&direction=down",
        "/api/v1/trends?sort=total&direction=down",
        "/api/v1/trends?scope=all&tracked=true",
        "/api/v1/trends?scope=tracked&tracked=false",
    ] {
        get(&f.app, bad)
            .await
            .expect_error(StatusCode::BAD_REQUEST, "bad_request");
    }
}

#[tokio::test]
async fn tracked_only_ranks_the_roster() {
    let f = fixture().await;
    // The roster: every channel but `fast`, the biggest gainer, which was only ever seen.
    for (platform, id) in [
        (Platform::Chzzk, "slow"),
        (Platform::Chzzk, "shrink"),
        (Platform::Soop, "sx"),
    ] {
        let info = crate::common::info(platform, id, &format!("{id} 이름"));
        assert!(f.store.track_channel(&info, f.now).await.expect("track"));
    }
    let all = get(&f.app, "/api/v1/trends?period=7d").await.json();
    assert_eq!(ids(&all), ["fast", "sx", "slow"]);
    let explicit = get(&f.app, "/api/v1/trends?period=7d&tracked=false").await;
    assert_eq!(
        explicit.json()["items"],
        all["items"],
        "false is the default"
    );

    let r = get(&f.app, "/api/v1/trends?period=7d&tracked=true").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let roster = r.json();
    assert_eq!(
        ids(&roster),
        ["sx", "slow"],
        "the untracked gainer is not ranked"
    );
    assert_eq!(roster["items"][0]["rank"], 1);
    assert_eq!(roster["qualifying"], 2);
    assert_eq!(roster["other_direction"], 1, "shrink");
    let down = get(
        &f.app,
        "/api/v1/trends?period=7d&direction=down&tracked=true",
    )
    .await
    .json();
    assert_eq!(ids(&down), ["shrink"]);

    // A creator is the sum of their tracked channels only.
    let (creator, _) = f.store.upsert_creator("가람", f.now).await.unwrap();
    for id in ["fast", "slow"] {
        f.store
            .link_channel(Platform::Chzzk, &ChannelId::new(id), creator)
            .await
            .unwrap();
    }
    let by = |tracked: bool| {
        let app = f.app.clone();
        async move {
            get(
                &app,
                &format!("/api/v1/trends?period=7d&group=creator&tracked={tracked}"),
            )
            .await
            .json()
        }
    };
    assert_eq!(by(false).await["items"][0]["change"], 7 * 220);
    let tracked = by(true).await;
    assert_eq!(tracked["items"][0]["change"], 7 * 20, "slow alone");
    assert_eq!(tracked["items"][0]["creator_id"], creator);

    // The downloads carry the filter.
    let csv = get(&f.app, "/api/v1/trends?period=7d&tracked=true&format=csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(!csv.text.contains(",fast,"), "{}", csv.text);
    assert_eq!(
        csv.text.lines().count(),
        3,
        "header and the two tracked gainers"
    );
    assert!(csv
        .header("content-disposition")
        .unwrap()
        .contains("-tracked.csv"));
    let xlsx = get(&f.app, "/api/v1/trends?period=7d&tracked=true&format=xlsx").await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx
        .header("content-disposition")
        .unwrap()
        .contains("-tracked.xlsx"));

    get(&f.app, "/api/v1/trends?tracked=maybe")
        .await
        .expect_error(StatusCode::BAD_REQUEST, "bad_request");

    let doc = get(&f.app, "/api/v1/openapi.json").await.json();
    let param = doc["paths"]["/api/v1/trends"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "tracked")
        .expect("tracked documented")
        .clone();
    assert!(param["schema"].to_string().contains("boolean"), "{param}");
}

#[tokio::test]
async fn ranking_rows_point_at_our_avatar_copy() {
    let f = fixture().await;
    let avatar = "https://img.example/fast-avatar.png";
    let mut info = crate::common::info(Platform::Chzzk, "fast", "fast 이름");
    info.avatar_url = Some(avatar.into());
    let round = f
        .store
        .start_round(Platform::Chzzk, streamtide_storage::Job::Channels, f.now)
        .await
        .unwrap();
    let batch = streamtide_storage::Batch::Channels {
        found: vec![streamtide_core::ChannelObservation {
            info,
            stats: streamtide_core::ChannelStats {
                followers: Some(2_800),
                total_views: Some(28_000),
                video_count: Some(7),
            },
            live: streamtide_core::LiveState::Unknown,
        }],
        missing: vec![],
    };
    f.store
        .write_batch(round, Platform::Chzzk, f.now, &batch)
        .await
        .unwrap();
    let thumb = streamtide_storage::StoredThumb {
        hash: "ab".repeat(32),
        bytes: 10,
        width: 64,
        height: 64,
    };
    f.store.record_thumb(avatar, &thumb, f.now).await.unwrap();
    let body = get(&f.app, "/api/v1/trends?period=1d").await.json();
    let fast = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["channel_id"] == "fast")
        .expect("fast ranked")
        .clone();
    assert_eq!(
        fast["avatar_url"],
        format!("/thumbs/{}.webp", "ab".repeat(32)),
        "our copy, not the platform's URL"
    );
}

#[tokio::test]
async fn channel_and_creator_stats() {
    let f = fixture().await;
    let r = get(&f.app, "/api/v1/channels/chzzk/fast/stats").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let s = r.json();
    assert_eq!(s["platform"], "chzzk");
    assert_eq!(s["channel_id"], "fast");
    assert_eq!(s["now"]["followers"], 2_800);
    assert!(s["now"]["observed_at"].is_string());
    assert_eq!(s["changes"]["1d"]["abs"], 200);
    assert_eq!(s["changes"]["7d"]["abs"], 1_400);
    assert_eq!(s["changes"]["7d"]["rounded"], false);
    assert_eq!(s["changes"]["30d"]["abs"], Value::Null);
    // Ten days of history: the 30-day change is not a change from day one, it is not known yet.
    let first = (f.now - Duration::days(9) + Duration::hours(9)).date_naive();
    assert_eq!(
        s["changes"]["30d"]["available_from"],
        (first + Duration::days(30)).to_string()
    );
    assert_eq!(s["changes"]["7d"]["available_from"], Value::Null);
    assert_eq!(s["changes"]["90d"]["pct"], Value::Null);
    assert_eq!(s["avg_daily_gain_7d"], 200.0);
    assert_eq!(s["acceleration"], Value::Null);
    for key in [
        "streams",
        "hours_streamed",
        "avg_viewers",
        "peak_viewers",
        "hours_watched",
    ] {
        assert!(s["live_30d"].get(key).is_some(), "{key}");
    }
    let p = &s["projection"];
    assert_eq!(p["method"], "theil-sen over 10 daily points");
    assert_eq!(p["points"], 10);
    assert_eq!(p["slope_per_day"], 200.0);
    assert_eq!(p["in_30d"], 2_800 + 6_000);
    assert_eq!(p["next_milestone"], 5_000);
    assert!(p["milestone_eta"].is_string());
    for key in ["in_90d", "in_365d"] {
        assert!(p[key].is_u64());
    }

    get(&f.app, "/api/v1/channels/chzzk/nope/stats")
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    get(&f.app, "/api/v1/channels/myspace/x/stats")
        .await
        .expect_error(StatusCode::BAD_REQUEST, "bad_request");

    let (cid, _) = f.store.upsert_creator("둘", f.now).await.unwrap();
    for (p, id) in [(Platform::Chzzk, "fast"), (Platform::Soop, "sx")] {
        f.store
            .link_channel(p, &ChannelId::new(id), cid)
            .await
            .unwrap();
    }
    let c = get(&f.app, &format!("/api/v1/creators/{cid}/stats")).await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.text);
    // The creator ranking sums the creator's channels on both platforms.
    let ranked = get(&f.app, "/api/v1/trends?group=creator&period=1d")
        .await
        .json();
    let first = &ranked["items"][0];
    assert_eq!(first["creator_id"], cid, "{ranked}");
    assert_eq!(first["channel_name"], "둘");
    let c = c.json();
    assert_eq!(c["creator_id"], cid);
    assert_eq!(c["channels"].as_array().unwrap().len(), 2);
    assert_eq!(c["now"]["followers"], 2_800 + 3_450);
    assert_eq!(c["changes"]["7d"]["abs"], 1_400 + 350);
    assert!(c["projection"].is_object());
    get(&f.app, "/api/v1/creators/999/stats")
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    get(&f.app, "/api/v1/creators/abc/stats")
        .await
        .expect_error(StatusCode::BAD_REQUEST, "bad_request");
}

#[tokio::test]
async fn history_speaks_csv_and_the_document_lists_the_analytics_routes() {
    let f = fixture().await;
    let from = (f.now - Duration::days(30)).format("%Y-%m-%dT%H:%M:%SZ");
    let json = get(
        &f.app,
        &format!("/api/v1/channels/chzzk/fast/history?metric=followers&from={from}"),
    )
    .await;
    assert_eq!(json.status, StatusCode::OK, "{}", json.text);
    assert_eq!(json.json()["points"].as_array().unwrap().len(), 10);
    let csv = get(
        &f.app,
        &format!("/api/v1/channels/chzzk/fast/history?metric=followers&from={from}&format=csv"),
    )
    .await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.text);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let lines: Vec<&str> = csv.text.lines().collect();
    assert_eq!(lines[0], "\u{feff}at,value");
    assert_eq!(lines.len(), 11);
    assert!(lines[10].ends_with(",2800"));
    get(
        &f.app,
        "/api/v1/channels/chzzk/fast/history?metric=followers&format=pdf",
    )
    .await
    .expect_error(StatusCode::BAD_REQUEST, "bad_request");

    let doc = get(&f.app, "/api/v1/openapi.json").await.json();
    for path in [
        "/api/v1/trends",
        "/api/v1/channels/{platform}/{channel_id}/stats",
        "/api/v1/creators/{id}/stats",
        "/api/v1/channels/{platform}/{channel_id}/history",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} documented");
    }
    let params = doc["paths"]["/api/v1/channels/{platform}/{channel_id}/history"]["get"]
        ["parameters"]
        .as_array()
        .unwrap();
    assert!(params.iter().any(|p| p["name"] == "format"));
    for schema in [
        "TrendsDto",
        "ChannelStatsDto",
        "CreatorStatsDto",
        "ProjectionDto",
    ] {
        assert!(
            doc["components"]["schemas"].get(schema).is_some(),
            "{schema}"
        );
    }
}
