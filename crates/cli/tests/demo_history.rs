//! `streamtide demo` starts with a past: within its first minute, the rankings it serves are the
//! ones the simulated world's own history gives.
//!
//! The demo runs as a user runs it (the binary, default settings but the database and the port);
//! the ground truth is recomputed here from the simulator's world, with the same configuration
//! and the end of the past the demo printed.

mod common;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::{DateTime, Duration as Days, FixedOffset, NaiveDate, Utc};
use serde_json::Value;
use streamtide_core::Platform;
use streamtide_simulator::{SimConfig, World};

use common::{free_port, signal, streamtide, wait_within};

/// The KST calendar day of an instant (the rollups' default time zone is Asia/Seoul).
fn kst_day(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&FixedOffset::east_opt(9 * 3600).unwrap())
        .date_naive()
}

/// Each tracked channel's followers: the close of every KST day of the past, and the value at
/// its end.
struct Truth {
    closes: HashMap<String, HashMap<NaiveDate, u64>>,
    last: HashMap<String, u64>,
}

/// The demo's roster (first `track` channels of each platform and the creators' channels) and
/// the past the world generates for it.
fn truth(channels: usize, track: usize, end: DateTime<Utc>, days: u32) -> Truth {
    let world = World::new(&SimConfig::demo(channels, Some(end)));
    let mut ids: Vec<(Platform, String)> = Platform::ALL
        .iter()
        .flat_map(|p| {
            world
                .channels(*p)
                .iter()
                .take(track)
                .map(|c| (*p, c.id.clone()))
        })
        .collect();
    for c in world.creators() {
        ids.extend(c.channels.iter().cloned());
    }
    ids.sort();
    ids.dedup();
    let roster = ids
        .iter()
        .filter_map(|(p, id)| world.channel(*p, id))
        .collect();
    let mut t = Truth {
        closes: HashMap::new(),
        last: HashMap::new(),
    };
    for day in world.history(roster, end, days) {
        for tick in day {
            for o in tick.found {
                let Some(f) = o.stats.followers else { continue };
                let id = o.info.channel_id.as_str().to_string();
                t.closes
                    .entry(id.clone())
                    .or_default()
                    .insert(kst_day(tick.at), f);
                t.last.insert(id, f);
            }
        }
    }
    t
}

async fn get(url: &str) -> Option<Value> {
    let r = reqwest::get(url).await.ok()?;
    if !r.status().is_success() {
        return None;
    }
    serde_json::from_str(&r.text().await.ok()?).ok()
}

/// Stops the demo however the test ends (a failed assertion must not leave it running).
struct Demo(std::process::Child);

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// How long the demo may take to serve its first rankings: a minute, as promised, for the
/// release build; a debug build on a busy two-core machine writes the same rows several times
/// slower, so there the time is printed and only bounded loosely.
fn ready_within() -> Duration {
    if cfg!(debug_assertions) {
        Duration::from_secs(300)
    } else {
        Duration::from_secs(60)
    }
}

/// The demo's stdout line that says where its past ends.
fn history_end(stdout: &str) -> Option<DateTime<Utc>> {
    let line = stdout
        .lines()
        .find(|l| l.contains("days of history until"))?;
    let ts = line.split("until ").nth(1)?.split_whitespace().next()?;
    ts.parse().ok()
}

/// The default demo (90 days, 400 channels a platform, 40 tracked): ready within a minute, at
/// least 20 channels ranked for 7-day followers, and the top gainers and losers the API serves
/// are the simulated world's, with the values its history gives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demos_first_rankings_are_the_simulated_truth() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let out_path = dir.path().join("stdout.txt");
    let err_path = dir.path().join("stderr.txt");
    let started = Instant::now();
    let child = streamtide(dir.path())
        .env("STREAMTIDE__SERVER__BIND", format!("127.0.0.1:{port}"))
        .args([
            "demo",
            "--db",
            &format!("sqlite://{}", dir.path().join("demo.db").display()),
        ])
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap();
    let mut demo = Demo(child);

    // Ready: the followers ranking answers with at least 20 channels, each in its direction.
    let deadline = started + ready_within();
    let (up, down) = loop {
        let up = get(&format!(
            "{base}/api/v1/trends?metric=followers&period=7d&limit=200"
        ))
        .await;
        let down = get(&format!(
            "{base}/api/v1/trends?metric=followers&period=7d&direction=down&limit=200"
        ))
        .await;
        if let (Some(up), Some(down)) = (up, down) {
            let mut ranked: Vec<&str> = up["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|i| i["change"].as_i64().unwrap() > 0)
                .chain(
                    down["items"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter(|i| i["change"].as_i64().unwrap() < 0),
                )
                .map(|i| i["channel_id"].as_str().unwrap())
                .collect();
            ranked.sort_unstable();
            ranked.dedup();
            if ranked.len() >= 20 {
                break (up, down);
            }
        }
        // A demo that exited, or one still writing its past at the deadline, says why.
        let exited = demo.0.try_wait().ok().flatten();
        if exited.is_some() || Instant::now() >= deadline {
            let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
            let tail: Vec<&str> = stderr.lines().rev().take(15).collect();
            panic!(
                "no 7-day followers ranking of 20 channels within {:?} (exit: {exited:?}); \
                 stdout: {}\nstderr (last lines, newest first):\n{}",
                started.elapsed(),
                std::fs::read_to_string(&out_path).unwrap_or_default(),
                tail.join("\n")
            );
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let ready = started.elapsed();
    let stdout = std::fs::read_to_string(&out_path).unwrap();
    let end = history_end(&stdout).unwrap_or_else(|| panic!("no history line in {stdout}"));
    println!("demo ranking 20+ channels {ready:?} after its start: {stdout}");

    // The by-creator ranking, a channel's chart and statistics are full too.
    let creators = get(&format!(
        "{base}/api/v1/trends?metric=followers&period=30d&group=creator&limit=50"
    ))
    .await
    .unwrap();
    // Creators are the demo's linked channels (simulcasters, the mover, the three-platform
    // creator): a handful, split between both directions. Every gainer gained, and together
    // with those that moved the other way at least 5 creators are ranked.
    let gainers = creators["items"].as_array().unwrap();
    assert!(
        gainers.iter().all(|i| i["change"].as_i64().unwrap() > 0),
        "{creators}"
    );
    assert!(
        gainers.len() as u64 + creators["other_direction"].as_u64().unwrap_or(0) >= 5,
        "{creators}"
    );
    let first = &up["items"][0];
    let (p, id) = (
        first["platform"].as_str().unwrap(),
        first["channel_id"].as_str().unwrap(),
    );
    let stats = get(&format!("{base}/api/v1/channels/{p}/{id}/stats"))
        .await
        .unwrap();
    assert!(!stats["projection"].is_null(), "{stats}");
    assert!(!stats["avg_daily_gain_7d"].is_null(), "{stats}");

    // The truth, from the world the demo ran.
    let truth = truth(400, 40, end, 90);
    let as_of: NaiveDate = up["as_of"].as_str().unwrap().parse().unwrap();
    assert_eq!(as_of, kst_day(end), "the ranking ends on the demo's day");
    let start_day = as_of - Days::days(7);
    // Per channel: (start, end) of the truth; the end is the history's last value (the live
    // rounds of the first minute move it by a drift this small).
    let change = |id: &str| -> Option<(u64, i64)> {
        let start = *truth.closes.get(id)?.get(&start_day)?;
        let last = *truth.last.get(id)?;
        Some((start, last as i64 - start as i64))
    };
    let tol = |v: i64| v.abs() / 500 + 3;
    let mut expected: Vec<(i64, &str)> = truth
        .last
        .keys()
        .filter_map(|id| change(id).map(|(_, c)| (c, id.as_str())))
        .collect();
    for (answer, gainers) in [(&up, true), (&down, false)] {
        expected.sort_by_key(|(c, _)| if gainers { -*c } else { *c });
        let items = answer["items"].as_array().unwrap();
        assert!(items.len() >= 10, "{answer}");
        for (rank, item) in items.iter().take(10).enumerate() {
            let id = item["channel_id"].as_str().unwrap();
            let api_change = item["change"].as_i64().unwrap();
            let (start, truth_change) =
                change(id).unwrap_or_else(|| panic!("{id} is ranked but has no simulated past"));
            assert_eq!(
                item["start_value"].as_i64().unwrap(),
                start as i64,
                "{id}: the start of the period is the world's close of {start_day}"
            );
            assert!(
                (api_change - truth_change).abs() <= tol(truth_change),
                "{id}: API change {api_change}, simulated {truth_change}"
            );
            assert_eq!(api_change > 0, gainers, "rank {} in {answer}", rank + 1);
            // The same place in the simulated ranking (ties within the drift may swap).
            let (want, want_id) = expected[rank];
            assert!(
                (api_change - want).abs() <= tol(want),
                "rank {}: API has {id} ({api_change}), the world {want_id} ({want})",
                rank + 1
            );
        }
    }

    signal(&demo.0, "-INT");
    assert!(wait_within(&mut demo.0, Duration::from_secs(20)).is_some());
}
