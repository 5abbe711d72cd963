//! The market endpoints against the simulated world's truth over a simulated day (issue 19), on
//! each store: the collector's live rounds read CHZZK's, SOOP's and Twitch's whole directories
//! (Twitch's Korean streams) every ten minutes of a virtual day, and what `/api/v1/market`, `/api/v1/categories` and
//! `/api/v1/categories/{tag}/history` answer is checked against the world's own broadcasts at
//! each round's instant, summed here: per round exactly, per hour and day as averages, peaks and
//! hours watched (viewers × the live interval).
//!
//! The truth's categories are the world's, named by the vocabulary through CHZZK's id for them
//! (`talk`, `League_of_Legends`): the same category must land in the same tag on every platform,
//! whatever id or name that platform gives it.
//!
//! PostgreSQL and MariaDB run when `STREAMTIDE_TEST_PG_URL` / `STREAMTIDE_TEST_MYSQL_URL` name a
//! server (`.ci/run` sets both and `STREAMTIDE_TEST_REQUIRE_ALL_BACKENDS`).

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::Value;
use streamtide_core::{Clock, Platform};
use streamtide_curate::categories::Vocabulary;
use streamtide_simulator::SimConfig;
use streamtide_storage::Job;
use tokio_util::sync::CancellationToken;

#[path = "common/rig.rs"]
mod rig;
#[path = "common/sim.rs"]
mod sim_support;

const PLATFORMS: [Platform; 3] = [Platform::Chzzk, Platform::Soop, Platform::Twitch];
const INTERVAL_MIN: i64 = 10;

/// The world's truth at one instant: per platform, its total and each tag's (viewers, live).
type Truth = BTreeMap<(Platform, String), (u64, u64)>;

fn tag_of(category_chzzk_id: &str, title: &str) -> String {
    Vocabulary::global()
        .map(Platform::Chzzk, Some(category_chzzk_id), None, title)
        .id()
        .to_string()
}

fn truth_at(sim: &streamtide_simulator::Simulator, t: DateTime<Utc>) -> Truth {
    let mut out = Truth::new();
    for p in PLATFORMS {
        // Twitch's census is its Korean streams (`language=ko`).
        let world = sim.world();
        let lives = world
            .live_list_at(p, t)
            .into_iter()
            .filter(|(ch, _)| p != Platform::Twitch || ch.language == "ko");
        for (_, live) in lives {
            let tag = tag_of(live.category.chzzk_id, &live.title);
            for key in [tag, "*".to_string()] {
                let cell = out.entry((p, key)).or_default();
                cell.0 += live.viewers;
                cell.1 += 1;
            }
        }
    }
    out
}

fn store_url(backend: &str) -> Option<Option<String>> {
    let var = match backend {
        "sqlite" => return Some(None),
        "postgres" => "STREAMTIDE_TEST_PG_URL",
        _ => "STREAMTIDE_TEST_MYSQL_URL",
    };
    match std::env::var(var).ok().filter(|v| !v.is_empty()) {
        Some(server) => Some(Some(server)),
        None => {
            assert!(
                std::env::var("STREAMTIDE_TEST_REQUIRE_ALL_BACKENDS").is_err(),
                "{var} is not set, and STREAMTIDE_TEST_REQUIRE_ALL_BACKENDS asks for every backend"
            );
            eprintln!("skipped on {backend}: {var} is not set");
            None
        }
    }
}

async fn json(rig: &rig::Rig, path: &str) -> Value {
    let text = rig.get(path).await;
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"))
}

fn close(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= 0.051 + b.abs() * 1e-9,
        "{what}: the API says {a}, the world {b}"
    );
}

async fn a_day_of_the_market(backend: &str) {
    let Some(url) = store_url(backend) else {
        return;
    };
    let url = match url {
        None => None,
        Some(server) => Some(
            streamtide_storage::fresh_database(&server, &format!("st_market_day_{backend}"))
                .await
                .unwrap(),
        ),
    };
    let sim = SimConfig {
        chzzk_channels: 900,
        soop_channels: 900,
        twitch_channels: 600,
        ..SimConfig::default()
    };
    // Midnight KST: the day of the analytics time zone is the run.
    let start = Utc.with_ymd_and_hms(2026, 3, 3, 15, 0, 0).unwrap();
    let mut spec = rig::RigSpec::new(start, sim, &PLATFORMS);
    spec.store_url = url;
    spec.collector.live_interval = Duration::from_secs(INTERVAL_MIN as u64 * 60);
    // The market is the census's, not the store's top: keep the sessions' writes small.
    spec.collector.live_store_top = 10;
    let rig = rig::start(spec, |_, _| {}).await;
    let never = CancellationToken::new();

    let mut rounds: Vec<(DateTime<Utc>, Truth)> = Vec::new();
    for _ in 0..(24 * 60 / INTERVAL_MIN) {
        let at = rig.clock.now();
        for p in PLATFORMS {
            let s = rig.collector.run_round(p, Job::Live, &never).await;
            assert!(s.failure.is_none() && s.errors == 0, "{p} at {at}: {s:?}");
        }
        rounds.push((at, truth_at(&rig.sim, at)));
        rig.clock.advance(chrono::Duration::minutes(INTERVAL_MIN));
    }
    let end = rig.clock.now();
    let metrics = rig.get("/metrics").await;
    for p in PLATFORMS {
        let line = format!(
            "streamtide_collector_market_rounds_total{{platform=\"{p}\"}} {}",
            rounds.len()
        );
        assert!(metrics.contains(&line), "{line} in /metrics");
    }
    assert_eq!(
        rig.store.market_latest().await.unwrap(),
        Some(end),
        "the last hour ends the run"
    );
    let q = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let stands_for_hours = INTERVAL_MIN as f64 / 60.0;

    // Each round, each platform: exactly the world's total.
    let by_round = json(
        &rig,
        &format!(
            "/api/v1/market?resolution=round&from={}&to={}",
            q(start),
            q(end)
        ),
    )
    .await;
    let series = by_round["series"].as_array().unwrap();
    assert_eq!(
        series.len(),
        3,
        "CHZZK, SOOP and Twitch have a census; {by_round}"
    );
    for s in series {
        let p: Platform = serde_json::from_value(s["platform"].clone()).unwrap();
        let points = s["points"].as_array().unwrap();
        assert_eq!(points.len(), rounds.len(), "{p}: a point per round");
        for (point, (at, truth)) in points.iter().zip(&rounds) {
            let (viewers, live) = truth[&(p, "*".to_string())];
            assert_eq!(point["at"].as_str().unwrap(), q(*at));
            assert_eq!(point["peak_viewers"].as_u64(), Some(viewers), "{p} at {at}");
            assert_eq!(point["peak_channels"].as_u64(), Some(live), "{p} at {at}");
        }
    }

    // Each hour: the rounds' average, peak and hours watched.
    let by_hour = json(
        &rig,
        &format!("/api/v1/market?from={}&to={}", q(start), q(end)),
    )
    .await;
    for s in by_hour["series"].as_array().unwrap() {
        let p: Platform = serde_json::from_value(s["platform"].clone()).unwrap();
        let points = s["points"].as_array().unwrap();
        assert_eq!(points.len(), 24, "{p}: 24 hours");
        for (h, point) in points.iter().enumerate() {
            let hour: Vec<u64> = rounds[h * 6..h * 6 + 6]
                .iter()
                .map(|(_, t)| t[&(p, "*".to_string())].0)
                .collect();
            let avg = hour.iter().sum::<u64>() as f64 / 6.0;
            close(
                point["avg_viewers"].as_f64().unwrap(),
                (avg * 10.0).round() / 10.0,
                &format!("{p} hour {h} average"),
            );
            assert_eq!(point["peak_viewers"].as_u64(), hour.iter().max().copied());
            close(
                point["hours_watched"].as_f64().unwrap(),
                ((hour.iter().sum::<u64>() as f64 * stands_for_hours) * 10.0).round() / 10.0,
                &format!("{p} hour {h} hours watched"),
            );
        }
    }

    // The day (KST): one point per platform with the whole day's hours watched and peak.
    let by_day = json(
        &rig,
        &format!(
            "/api/v1/market?resolution=day&from={}&to={}",
            q(start),
            q(end)
        ),
    )
    .await;
    for s in by_day["series"].as_array().unwrap() {
        let p: Platform = serde_json::from_value(s["platform"].clone()).unwrap();
        let points = s["points"].as_array().unwrap();
        assert_eq!(points.len(), 1, "{p}: one KST day");
        let day: Vec<u64> = rounds
            .iter()
            .map(|(_, t)| t[&(p, "*".to_string())].0)
            .collect();
        assert_eq!(points[0]["rounds"].as_u64(), Some(rounds.len() as u64));
        assert_eq!(
            points[0]["peak_viewers"].as_u64(),
            day.iter().max().copied()
        );
        close(
            points[0]["hours_watched"].as_f64().unwrap(),
            ((day.iter().sum::<u64>() as f64 * stands_for_hours) * 10.0).round() / 10.0,
            &format!("{p} day hours watched"),
        );
    }

    // The category ranking of the day, across the three platforms: hours watched and average
    // viewers per category; peaks are each platform's peak, summed.
    let ranking = json(&rig, "/api/v1/categories?period=1d").await;
    assert_eq!(ranking["to"].as_str().unwrap(), q(end), "{ranking}");
    let categories = ranking["categories"].as_array().unwrap();
    let mut seen_live = 0;
    for c in categories {
        let tag = c["category"]["id"].as_str().unwrap().to_string();
        let mut watched = 0u64;
        let mut peak = 0u64;
        for p in PLATFORMS {
            let series: Vec<u64> = rounds
                .iter()
                .map(|(_, t)| t.get(&(p, tag.clone())).map_or(0, |c| c.0))
                .collect();
            watched += series.iter().sum::<u64>();
            peak += series.iter().max().copied().unwrap_or(0);
        }
        close(
            c["hours_watched"].as_f64().unwrap(),
            ((watched as f64 * stands_for_hours) * 10.0).round() / 10.0,
            &format!("{tag} hours watched"),
        );
        assert_eq!(c["peak_viewers"].as_u64(), Some(peak), "{tag} peak");
        assert!(c["change"].is_null(), "no day before the run: {c}");
        if watched > 0 {
            seen_live += 1;
        }
    }
    let tags_in_world: std::collections::BTreeSet<&String> = rounds
        .iter()
        .flat_map(|(_, t)| t.keys())
        .filter(|(_, tag)| tag != "*")
        .map(|(_, tag)| tag)
        .collect();
    assert_eq!(
        seen_live,
        tags_in_world.len(),
        "every category the world streamed in"
    );
    let hours: Vec<f64> = categories
        .iter()
        .map(|c| c["hours_watched"].as_f64().unwrap())
        .collect();
    assert!(
        hours.windows(2).all(|w| w[0] >= w[1]),
        "by hours watched: {hours:?}"
    );

    // One category's history, per platform and hour: the world's average viewers.
    let tag = categories[0]["category"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let history = json(
        &rig,
        &format!(
            "/api/v1/categories/{tag}/history?metric=viewers&platform=soop&from={}&to={}",
            q(start),
            q(end)
        ),
    )
    .await;
    let series = history["series"].as_array().unwrap();
    assert_eq!(series.len(), 1, "{history}");
    let points = series[0]["points"].as_array().unwrap();
    assert_eq!(points.len(), 24);
    for (h, point) in points.iter().enumerate() {
        let avg = rounds[h * 6..h * 6 + 6]
            .iter()
            .map(|(_, t)| t.get(&(Platform::Soop, tag.clone())).map_or(0, |c| c.0))
            .sum::<u64>() as f64
            / 6.0;
        close(
            point["value"].as_f64().unwrap(),
            (avg * 10.0).round() / 10.0,
            &format!("{tag} on SOOP, hour {h}"),
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_market_agrees_with_the_world_over_a_day_on_sqlite() {
    a_day_of_the_market("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_market_agrees_with_the_world_over_a_day_on_postgres() {
    a_day_of_the_market("postgres").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_market_agrees_with_the_world_over_a_day_on_mysql() {
    a_day_of_the_market("mysql").await;
}
