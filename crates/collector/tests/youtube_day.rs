//! YouTube over simulated days on a virtual clock, the real collector against the simulator:
//!
//! - `a_pacific_day_of_paced_searches`: a whole Pacific day at the default settings (live round
//!   every 2 minutes, 96 searches a day, the simulator's buckets resetting
//!   at Pacific midnight), the board fed by the live list only. No bucket is exceeded, no gap between searches is longer than
//!   `search_max_gap_minutes`, and the YouTube part of the board is never empty while YouTube
//!   has lives. Before the pacing, the 96 searches were gone 3.2 hours after the reset and every
//!   list-found broadcast was stale-closed for the rest of the day.
//! - `a_feed_outage_closes_no_session`: every channel feed answers 404 for three hours. No open
//!   session of a broadcast still live is closed, `/healthz` shows the feed fault (YouTube
//!   degraded) and `/metrics` counts it; after the outage the feeds are healthy again.
//!
//! Run with `--nocapture` for the figures (searches per KST hour, units per bucket).

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Timelike, Utc};
use streamtide_core::{Clock, Platform};
use streamtide_platforms::PlatformsConfig;
use streamtide_simulator::SimConfig;
use streamtide_storage::{Job, LiveFilter};
use tokio_util::sync::CancellationToken;

#[path = "common/rig.rs"]
mod rig;
#[path = "common/sim.rs"]
mod sim_support;

use rig::Rig;

/// Midnight Pacific (PDT) on 1 July 2026 = 16:00 KST.
fn pacific_midnight() -> DateTime<Utc> {
    "2026-07-01T07:00:00Z".parse().unwrap()
}

/// YouTube alone (`channels` in the world, the first `tracked` tracked) on the shared rig, with
/// a board that judges nothing stale (the test asks the store what is open).
async fn youtube_rig(
    start: DateTime<Utc>,
    channels: usize,
    tracked: usize,
    f: impl FnOnce(&mut PlatformsConfig),
) -> Rig {
    let sim = SimConfig {
        chzzk_channels: 0,
        soop_channels: 0,
        youtube_channels: channels,
        ..SimConfig::default()
    };
    let mut spec = rig::RigSpec::new(start, sim, &[Platform::Youtube]);
    spec.tracked = tracked;
    spec.rps = 10_000.0;
    spec.burst = 1000;
    spec.live_freshness = chrono::Duration::days(365);
    rig::start(spec, |p, _| f(p)).await
}

impl Rig {
    /// Open YouTube sessions in the store: channel id → broadcast (video) id.
    async fn open_sessions(&self) -> HashMap<String, Option<String>> {
        let (items, _) = self
            .store
            .live_now(&LiveFilter {
                platform: Some(Platform::Youtube),
                limit: 10_000,
                ..LiveFilter::default()
            })
            .await
            .unwrap();
        items
            .into_iter()
            .map(|i| (i.channel_id, i.broadcast_id))
            .collect()
    }

    /// The simulated truth: YouTube channel id → video id of its broadcast live now.
    fn live_in_world(&self) -> HashMap<String, String> {
        self.sim
            .world()
            .live_list_at(Platform::Youtube, self.clock.now())
            .into_iter()
            .map(|(ch, l)| {
                (
                    ch.id.clone(),
                    streamtide_simulator::youtube_video_id(l.live_id),
                )
            })
            .collect()
    }

    /// A live and a channels round.
    async fn both_rounds(&self) -> streamtide_collector::RoundSummary {
        let never = CancellationToken::new();
        self.collector
            .run_round(Platform::Youtube, Job::Live, &never)
            .await;
        self.collector
            .run_round(Platform::Youtube, Job::Channels, &never)
            .await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pacific_day_of_paced_searches() {
    let start = pacific_midnight();
    // No tracked channels: the board's YouTube part is what the searches (and their refreshes)
    // found, which is what running dry of searches used to empty.
    let r = youtube_rig(start, 300, 0, |_| {}).await;
    let cfg = streamtide_platforms::YoutubeConfig::default();
    let never = CancellationToken::new();
    let live_every = chrono::Duration::minutes(2);
    let mut searches_at: Vec<DateTime<Utc>> = Vec::new();
    let mut per_kst_hour: BTreeMap<u32, u64> = BTreeMap::new();
    let mut empty_board_rounds = Vec::new();
    let mut smallest_board = usize::MAX;
    let mut live_failures = Vec::new();
    let mut last_spent = r.sim.youtube_spent();
    let mut rounds = 0u32;
    while r.clock.now() < start + chrono::Duration::hours(24) {
        let now = r.clock.now();
        let before = r.sim.youtube_requests_to("/youtube/v3/search");
        let s = r
            .collector
            .run_round(Platform::Youtube, Job::Live, &never)
            .await;
        if let Some(f) = &s.failure {
            live_failures.push(format!("{now}: {f}"));
        }
        if r.sim.youtube_requests_to("/youtube/v3/search") > before {
            searches_at.push(now);
            *per_kst_hour.entry((now.hour() + 9) % 24).or_default() += 1;
        }
        let world = r.live_in_world();
        let board = r.open_sessions().await;
        if !world.is_empty() {
            smallest_board = smallest_board.min(board.len());
            if board.is_empty() {
                empty_board_rounds.push(now);
            }
        }
        last_spent = r.sim.youtube_spent();
        rounds += 1;
        r.clock.advance(live_every);
    }
    // The gaps between searches, and from the last one to the end of the day.
    let end = r.clock.now();
    let gaps: Vec<i64> = searches_at
        .iter()
        .chain(std::iter::once(&end))
        .collect::<Vec<_>>()
        .windows(2)
        .map(|w| (*w[1] - *w[0]).num_minutes())
        .collect();
    let longest = gaps.iter().copied().max().unwrap_or(0);
    println!("YouTube, one Pacific day from {start} (16:00 KST), default settings:");
    println!("  live rounds {rounds}, searches {}", searches_at.len());
    println!("  searches per KST hour:");
    for (h, n) in &per_kst_hour {
        println!("    {h:02}:00  {n}");
    }
    println!("  fewest YouTube cards on the board while YouTube had lives: {smallest_board}");
    println!(
        "  longest gap between searches: {longest} min (allowed {} min)",
        cfg.search_max_gap_minutes
    );
    println!(
        "  buckets used that day: main {} units of {}, search {} calls of {}, batchGetStats {} calls of {}",
        last_spent.units,
        cfg.daily_budget,
        last_spent.searches,
        cfg.search_daily_calls,
        last_spent.stats_calls,
        cfg.stats_daily_calls
    );
    assert!(
        empty_board_rounds.is_empty(),
        "the YouTube board was empty while YouTube had lives at {} rounds, first {:?}",
        empty_board_rounds.len(),
        empty_board_rounds.first()
    );
    assert!(
        live_failures.is_empty(),
        "no live round fails (a quotaExceeded would): {live_failures:?}"
    );
    assert!(
        last_spent.searches <= cfg.search_daily_calls,
        "search bucket within its allowance"
    );
    assert!(last_spent.units <= cfg.daily_budget - cfg.floor);
    assert!(last_spent.stats_calls <= cfg.stats_daily_calls);
    assert!(
        searches_at.len() as u64 >= cfg.search_daily_calls - 2,
        "the day's allowance is used: {}",
        searches_at.len()
    );
    assert!(
        longest <= cfg.search_max_gap_minutes as i64,
        "no gap between searches over {} min: {longest}",
        cfg.search_max_gap_minutes
    );
    // Prime time gets more: 18:00–02:00 KST twice as often as the plain hours.
    let at = |h: u32| per_kst_hour.get(&h).copied().unwrap_or(0);
    assert!(at(20) > at(10), "{per_kst_hour:?}");
    r.sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_feed_outage_closes_no_session() {
    // 12:00 UTC = 21:00 KST: many lives. Searches off, so only channel rounds keep sessions.
    let start: DateTime<Utc> = "2026-07-01T12:00:00Z".parse().unwrap();
    let r = youtube_rig(start, 200, 200, |p| p.youtube.search_daily_calls = 0).await;
    let step = chrono::Duration::minutes(5);
    // An hour of normal collection.
    for _ in 0..12 {
        r.both_rounds().await;
        r.clock.advance(step);
    }
    let before = r.open_sessions().await;
    assert!(
        !before.is_empty(),
        "some tracked channels are live before the outage"
    );
    let health: serde_json::Value = serde_json::from_str(&r.get("/healthz").await).unwrap();
    assert_eq!(health["youtube"]["feeds"]["failing"], false, "{health}");

    // Three hours of 404 from every feed.
    r.sim.set_youtube_feed_outage(Some(404));
    let mut wrongly_closed: HashSet<String> = HashSet::new();
    let mut still_live_checked = 0usize;
    let mut open = before.clone();
    for _ in 0..36 {
        let s = r.both_rounds().await;
        assert!(s.failure.is_none(), "{:?}", s.failure);
        r.clock.advance(step);
        let now_open = r.open_sessions().await;
        let world = r.live_in_world();
        // A session that was open and whose broadcast is still live must still be open.
        for (ch, vid) in &open {
            if world.get(ch).is_some_and(|w| Some(w) == vid.as_ref()) {
                still_live_checked += 1;
                if !now_open.contains_key(ch) {
                    wrongly_closed.insert(ch.clone());
                }
            }
        }
        open = now_open;
    }
    let health: serde_json::Value = serde_json::from_str(&r.get("/healthz").await).unwrap();
    let metrics = r.get("/metrics").await;
    println!(
        "feed outage: {} sessions open before, {} still-live checks, youtube health {}",
        before.len(),
        still_live_checked,
        health["youtube"]
    );
    assert!(
        wrongly_closed.is_empty(),
        "sessions of broadcasts still live were closed during the feed outage: {wrongly_closed:?}"
    );
    assert!(still_live_checked > 0);
    assert_eq!(health["youtube"]["feeds"]["failing"], true, "{health}");
    assert_eq!(health["youtube"]["feeds"]["last_fault"], "HTTP 404");
    let yt = health["summary"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["platform"] == "youtube")
        .cloned()
        .unwrap();
    assert_eq!(yt["state"], "degraded", "{yt}");
    assert!(
        metrics.contains("streamtide_youtube_feeds_failing 1"),
        "{metrics}"
    );
    assert!(metrics.contains("streamtide_youtube_quota_used{bucket=\"main\"}"));

    // The feeds come back: healthy again after a round.
    r.sim.set_youtube_feed_outage(None);
    r.both_rounds().await;
    let health: serde_json::Value = serde_json::from_str(&r.get("/healthz").await).unwrap();
    assert_eq!(health["youtube"]["feeds"]["failing"], false, "{health}");
    r.sim.shutdown().await;
}
