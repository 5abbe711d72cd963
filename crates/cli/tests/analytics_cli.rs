//! `streamtide trends`, `rollup --rebuild` and `export` end to end over a seeded store.

mod common;

use std::path::Path;
use std::process::Command;

use chrono::{Duration, SubsecRound, Utc};
use streamtide_core::{
    ChannelId, ChannelInfo, ChannelObservation, ChannelStats, LiveState, Platform,
};
use streamtide_storage::{Batch, Job, Store};

use common::ok;

fn cmd(dir: &Path, db: &str) -> Command {
    let mut c = common::streamtide(dir);
    c.env("RUST_LOG", "warn")
        .env("STREAMTIDE__STORAGE__URL", db);
    c
}

/// Ten daily observations of three channels; no rollups written (the CLI rebuilds them).
async fn seed(db: &str) {
    let store = Store::open(db).await.unwrap();
    let now = Utc::now().trunc_subsecs(0);
    for d in 0..10i64 {
        let at = now - Duration::days(9 - d);
        let found = [
            ("rise", 1_000i64, 300i64),
            ("hold", 9_000, 0),
            ("sink", 5_000, -40),
        ]
        .iter()
        .map(|(id, base, step)| ChannelObservation {
            info: ChannelInfo {
                platform: Platform::Chzzk,
                channel_id: ChannelId::new(*id),
                name: format!("{id} 채널"),
                handle: None,
                avatar_url: None,
                description: None,
            },
            stats: ChannelStats {
                followers: Some((base + step * d) as u64),
                total_views: None,
                video_count: None,
            },
            live: LiveState::Offline,
        })
        .collect();
        let round = store
            .start_round(Platform::Chzzk, Job::Channels, at)
            .await
            .unwrap();
        store
            .write_batch(
                round,
                Platform::Chzzk,
                at,
                &Batch::Channels {
                    found,
                    missing: vec![],
                },
            )
            .await
            .unwrap();
    }
    store.close().await;
}

#[tokio::test]
async fn trends_rollup_and_export() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("a.db").display());
    seed(&db).await;
    let d = dir.path();

    let empty = ok(cmd(d, &db).args(["trends"]).output().unwrap());
    // Observations without rollups: the one case the rebuild hint is right.
    assert!(empty.contains("rollup --rebuild"), "{empty}");

    let rebuilt = ok(cmd(d, &db).args(["rollup", "--rebuild"]).output().unwrap());
    assert!(
        rebuilt.contains("Rebuilt 30 channel-day rollups of 3 channels"),
        "{rebuilt}"
    );
    assert!(rebuilt.contains("Asia/Seoul"), "{rebuilt}");

    let table = ok(cmd(d, &db)
        .args([
            "trends",
            "--metric",
            "followers",
            "--period",
            "7d",
            "--top",
            "2",
        ])
        .output()
        .unwrap());
    assert!(
        table.contains("rise 채널") && table.contains("+2100"),
        "{table}"
    );
    assert!(!table.contains("sink"), "only the top 2: {table}");

    let json = ok(cmd(d, &db)
        .args(["trends", "--down", "--json"])
        .output()
        .unwrap());
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["direction"], "down");
    assert_eq!(v["items"][0]["channel_id"], "sink");
    assert_eq!(v["items"][0]["change"], -280);

    // `--scope all` is the leaderboard: the largest figure first, whatever it did.
    let json = ok(cmd(d, &db)
        .args(["trends", "--scope", "all", "--json"])
        .output()
        .unwrap());
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!((&v["sort"], &v["scope"]), (&"total".into(), &"all".into()));
    let order: Vec<(&str, i64)> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["channel_id"].as_str().unwrap(),
                i["end_value"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        order,
        [("hold", 9_000), ("sink", 4_640), ("rise", 3_700)],
        "{json}"
    );
    assert_eq!(v["items"][0]["change"], 0, "hold held: {json}");
    let table = ok(cmd(d, &db)
        .args(["trends", "--sort", "total", "--top", "1"])
        .output()
        .unwrap());
    assert!(
        table.contains("hold 채널") && table.contains("leaders"),
        "{table}"
    );
    for (args, says) in [
        (&["trends", "--scope", "all", "--down"][..], "largest first"),
        (
            &["trends", "--scope", "all", "--tracked"][..],
            "cannot be used with",
        ),
        (&["trends", "--sort", "most"][..], "invalid value 'most'"),
    ] {
        let bad = cmd(d, &db).args(args).output().unwrap();
        assert!(!bad.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&bad.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }

    let out = d.join("t.csv");
    ok(cmd(d, &db)
        .args(["export", "--what", "trends", "--out"])
        .arg(&out)
        .output()
        .unwrap());
    let csv = std::fs::read_to_string(&out).unwrap();
    assert!(csv.starts_with('\u{feff}'), "a BOM for Excel");
    assert_eq!(
        csv.lines().count(),
        2,
        "gainers only: `hold` and `sink` did not gain"
    );
    assert!(csv
        .lines()
        .nth(1)
        .unwrap()
        .starts_with("1,,chzzk,rise,rise 채널,"));
    assert!(
        csv.lines()
            .nth(1)
            .unwrap()
            .ends_with(",https://chzzk.naver.com/rise"),
        "{csv}"
    );

    let out = d.join("h.csv");
    ok(cmd(d, &db)
        .args([
            "export",
            "--what",
            "history",
            "--platform",
            "chzzk",
            "--channel",
            "rise",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap());
    let csv = std::fs::read_to_string(&out).unwrap();
    assert_eq!(
        csv.lines().next(),
        Some("\u{feff}creator_name,platform,channel_id,channel_name,channel_url,at,value")
    );
    assert_eq!(csv.lines().count(), 11);
    assert!(
        csv.lines()
            .nth(1)
            .unwrap()
            .starts_with(",chzzk,rise,rise 채널,https://chzzk.naver.com/rise,"),
        "{csv}"
    );

    let out = d.join("d.csv");
    ok(cmd(d, &db)
        .args([
            "export",
            "--what",
            "daily",
            "--platform",
            "chzzk",
            "--channel",
            "rise",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap());
    let csv = std::fs::read_to_string(&out).unwrap();
    assert!(
        csv.starts_with(
            "\u{feff}creator_name,platform,channel_id,channel_name,channel_url,day,followers,"
        ),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 11);
    assert!(csv.lines().nth(2).unwrap().contains(",300,"), "{csv}");

    let thin = ok(cmd(d, &db).args(["rollup", "--thin"]).output().unwrap());
    assert!(
        thin.contains("Thinned 0 snapshot(s) and 0 live sample(s)"),
        "{thin}"
    );
    let off = ok(cmd(d, &db)
        .args(["rollup", "--thin"])
        .env("STREAMTIDE__ANALYTICS__KEEP_RAW_DAYS", "0")
        .output()
        .unwrap());
    assert!(off.contains("Retention is off"), "{off}");

    let bad = cmd(d, &db)
        .args(["trends", "--period", "5d"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown period"));
}
