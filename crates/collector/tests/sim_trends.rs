//! Trend analytics over simulated weeks: the collector runs channels rounds against the simulator
//! every six simulated hours for three weeks (a manual clock, not real time), keeping the daily
//! rollups up to date as it writes; then the rankings are checked against the simulator's known
//! growth rates and the projections against its future follower counts.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use streamtide_analytics::{day_bounds, day_of, Tz};
use streamtide_collector::{Collector, CollectorConfig, CollectorMetrics};
use streamtide_core::{ChannelId, ChannelInfo, Clock, ManualClock, Platform};
use streamtide_platforms::{build_adapters, HttpConfig};
use streamtide_simulator::{SimConfig, Simulator};
use streamtide_storage::{Job, Store, TrendMetric, TrendQuery, TrendSort};

#[path = "common/sim.rs"]
mod sim_support;

use sim_support::korean_platforms;

const TRACKED: usize = 30;
const DAYS: i64 = 22;
const ROUND_EVERY_HOURS: i64 = 6;
const PLATFORMS: [Platform; 2] = [Platform::Chzzk, Platform::Soop];

/// 01:00 KST on 2026-03-01.
fn start_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 2, 28, 16, 0, 0).unwrap()
}

#[tokio::test]
async fn rankings_and_projections_follow_the_simulated_growth() {
    let clock = ManualClock::new(start_time());
    let sim = Simulator::start(
        SimConfig {
            chzzk_channels: 80,
            soop_channels: 80,
            ..SimConfig::default()
        },
        Arc::new(clock.clone()),
    )
    .await
    .unwrap();
    let mut platforms = korean_platforms(&sim, 1000.0);
    platforms.chzzk.burst = 100;
    platforms.soop.burst = 100;
    let http = HttpConfig {
        timeout: Duration::from_secs(2),
        max_retries: 2,
        backoff_base: Duration::from_millis(5),
        backoff_max: Duration::from_millis(20),
        ..HttpConfig::default()
    };
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}", dir.path().join("t.db").display()))
        .await
        .unwrap();
    let world = sim.world();
    let mut growth: HashMap<(Platform, String), f64> = HashMap::new();
    for platform in PLATFORMS {
        for ch in world.channels(platform).iter().take(TRACKED) {
            let info = ChannelInfo {
                platform,
                channel_id: ChannelId::new(ch.id.clone()),
                name: ch.name.clone(),
                handle: None,
                avatar_url: None,
                description: None,
            };
            store.track_channel(&info, clock.now()).await.unwrap();
            growth.insert((platform, ch.id.clone()), ch.daily_growth);
        }
    }
    let collector = Arc::new(Collector::new(
        store.clone(),
        build_adapters(&platforms, &http).unwrap(),
        Arc::new(clock.clone()),
        CollectorConfig::default(),
        Arc::new(CollectorMetrics::default()),
    ));

    let rounds = DAYS * 24 / ROUND_EVERY_HOURS;
    let mut round_times = Vec::new();
    for _ in 0..rounds {
        for platform in PLATFORMS {
            for s in collector
                .collect_once(Some(platform), &[Job::Channels])
                .await
            {
                assert!(s.failure.is_none() && s.errors == 0, "{s:?}");
            }
        }
        round_times.push(clock.now());
        clock.advance(chrono::Duration::hours(ROUND_EVERY_HOURS));
    }
    let last_round = *round_times.last().unwrap();
    let tz: Tz = "Asia/Seoul".parse().unwrap();
    // The rollups' last day closes at its last round.
    let close_of = |day: chrono::NaiveDate| {
        let (_, end) = day_bounds(day, tz);
        *round_times.iter().filter(|t| **t < end).max().unwrap()
    };

    // Incrementally kept rollups equal a rebuild from the raw rows.
    let mut before = Vec::new();
    for platform in PLATFORMS {
        for ch in world.channels(platform).iter().take(TRACKED) {
            let from = day_of(start_time(), tz);
            let to = day_of(last_round, tz);
            before.push(
                store
                    .channel_daily(platform, &ch.id, from, to)
                    .await
                    .unwrap(),
            );
        }
    }
    store.rebuild_rollups().await.unwrap();
    let mut after = Vec::new();
    for platform in PLATFORMS {
        for ch in world.channels(platform).iter().take(TRACKED) {
            let from = day_of(start_time(), tz);
            let to = day_of(last_round, tz);
            after.push(
                store
                    .channel_daily(platform, &ch.id, from, to)
                    .await
                    .unwrap(),
            );
        }
    }
    assert_eq!(before, after, "incremental rollups == rebuilt rollups");
    assert!(before.iter().all(|rows| rows.len() as i64 == DAYS));

    for platform in PLATFORMS {
        let q = |sort, up| TrendQuery {
            metric: TrendMetric::Followers,
            period_days: 7,
            up,
            platform: Some(platform),
            category: None,
            limit: 100,
            sort,
            as_of: None,
            by_creator: false,
            tracked: false,
        };
        // By absolute change: exactly the world's follower change between the two closes.
        let abs = store.trends(&q(TrendSort::Change, true)).await.unwrap();
        // Every tracked channel has both closes: each is a gainer, a loser or unchanged, and this
        // list holds the gainers only.
        assert_eq!(abs.left_out, 0, "{platform}");
        assert_eq!(
            abs.qualifying + abs.other_direction,
            TRACKED as u32,
            "{platform}"
        );
        assert_eq!(abs.items.len(), abs.qualifying as usize, "{platform}");
        assert!(
            abs.items.iter().all(|i| i.change.is_some_and(|c| c > 0)),
            "{platform}"
        );
        let end_day = abs.as_of.unwrap();
        assert_eq!(end_day, day_of(last_round, tz));
        let (t_end, t_start) = (
            close_of(end_day),
            close_of(end_day - chrono::Duration::days(7)),
        );
        for item in &abs.items {
            let ch = world.channel(platform, &item.channel_id).unwrap();
            let truth =
                world.followers_at(ch, t_end) as i64 - world.followers_at(ch, t_start) as i64;
            assert_eq!(item.change, Some(truth), "{platform} {}", item.channel_id);
            assert!(
                item.previous_rank.is_some(),
                "two weeks of history rank the week before too"
            );
        }
        assert!(abs.items.windows(2).all(|w| w[0].change >= w[1].change));

        // By percent: the order of the simulator's daily growth rates. Follower counts are whole
        // numbers, so two channels within 0.05 %/day of each other may swap; nothing else may.
        let pct = store.trends(&q(TrendSort::Pct, true)).await.unwrap();
        let g = |id: &str| growth[&(platform, id.to_string())];
        for (i, a) in pct.items.iter().enumerate() {
            for b in &pct.items[i + 1..] {
                assert!(
                    g(&a.channel_id) >= g(&b.channel_id) - 0.0005,
                    "{platform}: {} (growth {}) ranked above {} (growth {})",
                    a.channel_id,
                    g(&a.channel_id),
                    b.channel_id,
                    g(&b.channel_id)
                );
            }
        }
        let mut by_growth: Vec<(&String, f64)> = growth
            .iter()
            .filter(|((p, _), _)| *p == platform)
            .map(|((_, id), g)| (id, *g))
            .collect();
        by_growth.sort_by(|a, b| b.1.total_cmp(&a.1));
        assert_eq!(
            &pct.items[0].channel_id, by_growth[0].0,
            "the fastest grower is first"
        );
        let losers = store.trends(&q(TrendSort::Pct, false)).await.unwrap();
        assert!(
            losers.items.iter().all(|i| i.change.is_some_and(|c| c < 0)),
            "{platform}"
        );
        // When the world has a real decliner (a losers' list is empty without one).
        if by_growth.last().unwrap().1 < -0.001 {
            assert_eq!(
                &losers.items[0].channel_id,
                by_growth.last().unwrap().0,
                "the fastest decliner is first among losers"
            );
        }

        // Projections: within a few percent of the world 30 days on for every channel that is not
        // compounding fast (a straight line cannot follow 1 %+/day for a month).
        let mut checked = 0;
        for ch in world.channels(platform).iter().take(TRACKED) {
            let stats = store
                .channel_stats(platform, &ch.id)
                .await
                .unwrap()
                .unwrap();
            let p = stats.stats.projection.expect("three weeks of history");
            assert_eq!(p.method, format!("theil-sen over {DAYS} daily points"));
            if ch.daily_growth.abs() > 0.006 {
                continue;
            }
            let last_close = close_of(day_of(last_round, tz));
            let truth = world.followers_at(ch, last_close + chrono::Duration::days(30)) as f64;
            let err = (p.in_30d as f64 - truth).abs() / truth.max(1.0);
            assert!(
                err < 0.03,
                "{platform} {}: projected {} vs {truth} (growth {})",
                ch.id,
                p.in_30d,
                ch.daily_growth
            );
            assert_eq!(p.milestone_eta.is_some(), p.slope_per_day > 0.0);
            checked += 1;
        }
        assert!(
            checked >= TRACKED / 2,
            "{platform}: {checked} projections checked"
        );
    }
}
