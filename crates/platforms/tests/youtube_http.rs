//! The YouTube adapter over real HTTP against the simulator: batching, feeds as live candidates,
//! the quota ledger, quotaExceeded, and a key that never leaks.

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use streamtide_core::{ChannelId, ChannelRef, Clock, ListDepth, LiveState, ManualClock, Platform};
use streamtide_platforms::youtube::{InMemoryLedger, YoutubeAdapter};
use streamtide_platforms::{AdapterError, HttpConfig, PlatformAdapter, Secret, YoutubeConfig};
use streamtide_simulator::{
    hides_subscribers, round_subscribers, Fault, FaultKind, SimConfig, Simulator,
};

#[path = "common/sim.rs"]
mod sim_support;

use sim_support::sim;

/// This file's client: timeout 2000 ms, 1 retries, Retry-After waited up to 2 s.
fn http() -> HttpConfig {
    sim_support::quick_http(Duration::from_millis(2000), 1, Duration::from_secs(2))
}

const KEY: &str = "sim-youtube-key";

fn config(sim: &Simulator, f: impl FnOnce(&mut YoutubeConfig)) -> YoutubeConfig {
    let mut cfg = YoutubeConfig {
        api_key: Secret::new(KEY),
        api_base: format!("{}/youtube/v3", sim.youtube_base()),
        feeds_base: sim.youtube_base(),
        requests_per_second: 5000.0,
        burst: 200,
        ..YoutubeConfig::default()
    };
    f(&mut cfg);
    cfg
}

/// An adapter on the simulator's clock, so Pacific days follow the test's time.
fn adapter(
    sim: &Simulator,
    clock: &ManualClock,
    f: impl FnOnce(&mut YoutubeConfig),
) -> YoutubeAdapter {
    let cfg = config(sim, f);
    let ledger = Arc::new(InMemoryLedger::new(
        cfg.daily_budget,
        cfg.floor,
        cfg.search_daily_calls,
    ));
    YoutubeAdapter::with_ledger(&cfg, &http(), ledger, Arc::new(clock.clone())).unwrap()
}

fn ids_of(sim: &Simulator, n: usize) -> Vec<ChannelId> {
    sim.world()
        .channels(Platform::Youtube)
        .iter()
        .take(n)
        .map(|c| ChannelId::new(c.id.clone()))
        .collect()
}

#[tokio::test]
async fn channels_batch_by_50_feeds_and_one_live_check_per_50_candidates() {
    const N: usize = 1566;
    let (sim, clock) = sim(SimConfig {
        youtube_channels: N,
        ..SimConfig::default()
    })
    .await;
    let a = adapter(&sim, &clock, |_| {});
    assert_eq!(a.batch_size(), 50);
    let mut ids = ids_of(&sim, N);
    let unknown = ChannelId::new("UCxxxxxxxxxxxxxxxxxxxxxx");
    ids.push(unknown.clone());
    let out = a.channels(&ids).await.unwrap();
    assert_eq!(out.missing, vec![unknown]);
    assert_eq!(out.found.len(), N);
    let candidates = sim.youtube_video_ids_requested();
    assert!(candidates > 0 && candidates <= 3 * N as u64, "{candidates}");
    assert_eq!(
        sim.youtube_requests_to("/youtube/v3/channels"),
        (N + 1).div_ceil(50) as u64
    );
    assert_eq!(
        sim.youtube_requests_to("/feeds/videos.xml"),
        N as u64,
        "one feed per found channel"
    );
    assert_eq!(
        sim.youtube_requests_to("/youtube/v3/videos"),
        candidates.div_ceil(50),
        "videos.list once per 50 candidates of the whole batch"
    );
    let units = sim.youtube_quota_used().0;
    assert_eq!(units, 32 + candidates.div_ceil(50), "feeds are free");
    assert_eq!(
        a.ledger().snapshot(clock.now()).units_used,
        units,
        "ledger agrees"
    );

    let w = sim.world();
    let now = clock.now();
    let mut live = 0;
    for obs in &out.found {
        let ch = w
            .channel(Platform::Youtube, obs.info.channel_id.as_str())
            .unwrap();
        let expected = (!hides_subscribers(ch)).then(|| round_subscribers(w.followers_at(ch, now)));
        assert_eq!(obs.stats.followers, expected);
        assert_eq!(
            obs.info.handle.as_deref().map(str::to_lowercase),
            ch.handle.as_deref().map(str::to_lowercase)
        );
        match (&obs.live, w.live_at(ch, now)) {
            (LiveState::Live(b), Some(truth)) => {
                live += 1;
                assert_eq!(b.viewers, truth.viewers);
                assert_eq!(b.started_at, Some(truth.started_at));
                assert!(b.category_id.is_some());
            }
            (LiveState::Offline, None) => {}
            (got, truth) => panic!("{}: {got:?} vs {truth:?}", ch.id),
        }
    }
    assert!(live > 100, "{live}");

    // The next sweep only re-checks videos that may still be live: ended ones are settled.
    let before = sim.youtube_video_ids_requested();
    a.channels(&ids).await.unwrap();
    let again = sim.youtube_video_ids_requested() - before;
    assert!(again < candidates / 2, "{again} of {candidates}");
    assert!(again >= live as u64);
}

#[tokio::test]
async fn the_ledger_never_passes_its_floor() {
    let (sim, clock) = sim(SimConfig {
        youtube_channels: 300,
        ..SimConfig::default()
    })
    .await;
    let a = adapter(&sim, &clock, |c| {
        c.daily_budget = 10;
        c.floor = 6;
    });
    let ids = ids_of(&sim, 300);
    let err = a.channels(&ids).await.unwrap_err();
    match &err {
        AdapterError::RateLimited {
            retry_after, url, ..
        } => {
            assert!(retry_after.is_some());
            assert!(url.contains("key=<redacted>"), "{url}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(sim.youtube_quota_used().0, 4, "budget 10 − floor 6");
    assert_eq!(a.ledger().snapshot(clock.now()).units_used, 4);
    // Still refused, without a request.
    let before = sim.requests(Platform::Youtube);
    assert!(a.channels(&ids[..1]).await.is_err());
    assert_eq!(sim.requests(Platform::Youtube), before);
    // A new Pacific day (08:00 UTC in March 2026 is midnight PST) opens the budget again.
    clock.set(Utc.with_ymd_and_hms(2026, 3, 5, 8, 0, 0).unwrap());
    assert!(a.channels(&ids[..1]).await.is_ok());
}

#[tokio::test]
async fn quota_exceeded_stops_calls_until_the_pacific_reset() {
    let (sim, clock) = sim(SimConfig {
        youtube_channels: 40,
        youtube_daily_quota: 1,
        ..SimConfig::default()
    })
    .await;
    let a = adapter(&sim, &clock, |_| {});
    let ids = ids_of(&sim, 40);
    // channels.list fits; the live check gets quotaExceeded: figures kept, live unknown.
    let out = a.channels(&ids).await.unwrap();
    assert_eq!(out.found.len(), 40);
    assert!(out.found.iter().all(|o| o.live == LiveState::Unknown));
    assert!(out.found.iter().any(|o| o.stats.total_views.is_some()));
    let snap = a.ledger().snapshot(clock.now());
    // 12:00 UTC on 4 March is 04:00 PST: the reset is 08:00 UTC on 5 March.
    assert_eq!(
        snap.blocked_until,
        Some(Utc.with_ymd_and_hms(2026, 3, 5, 8, 0, 0).unwrap())
    );
    let before = sim.requests(Platform::Youtube);
    match a.channels(&ids).await {
        Err(AdapterError::RateLimited { retry_after, .. }) => {
            assert_eq!(retry_after, Some(Duration::from_secs(20 * 3600)))
        }
        other => panic!("{other:?}"),
    }
    assert!(a.top_live().await.unwrap().is_empty());
    assert_eq!(
        sim.requests(Platform::Youtube),
        before,
        "no call while exhausted"
    );
}

#[tokio::test]
async fn top_live_searches_only_when_the_ledger_allows() {
    let (sim, clock) = sim(SimConfig {
        youtube_channels: 400,
        ..SimConfig::default()
    })
    .await;
    let a = adapter(&sim, &clock, |c| c.live_list_depth = ListDepth::Top(20));
    let top = a.top_live().await.unwrap();
    assert_eq!(top.len(), 20);
    assert!(top.windows(2).all(|p| p[0].viewers >= p[1].viewers));
    assert!(top
        .iter()
        .all(|b| b.platform == Platform::Youtube && b.viewers > 0));
    assert_eq!(
        sim.youtube_quota_used(),
        (1, 1),
        "one videos.list unit + one search call"
    );

    let none = adapter(&sim, &clock, |c| c.search_daily_calls = 0);
    let before = sim.requests(Platform::Youtube);
    assert!(none.top_live().await.unwrap().is_empty());
    assert_eq!(sim.requests(Platform::Youtube), before);

    let one = adapter(&sim, &clock, |c| c.search_daily_calls = 1);
    one.top_live().await.unwrap();
    let before = sim.requests(Platform::Youtube);
    assert!(
        one.top_live().await.unwrap().is_empty(),
        "allowance used up"
    );
    assert_eq!(sim.requests(Platform::Youtube), before);
}

#[tokio::test]
async fn resolve_and_videos() {
    let (sim, clock) = sim(SimConfig {
        youtube_channels: 50,
        ..SimConfig::default()
    })
    .await;
    let a = adapter(&sim, &clock, |c| c.videos_per_channel = 7);
    let w = sim.world();
    let ch = w
        .channels(Platform::Youtube)
        .iter()
        .find(|c| w.videos_at(c, clock.now()).len() > 8)
        .unwrap();
    let by_handle = a
        .resolve(&ChannelRef::handle(
            Platform::Youtube,
            ch.handle.clone().unwrap(),
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_handle.channel_id.as_str(), ch.id);
    let by_id = a
        .resolve(&ChannelRef::id(Platform::Youtube, ch.id.clone()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_id.name, ch.name);
    assert!(a
        .resolve(&ChannelRef::handle(Platform::Youtube, "@nobody"))
        .await
        .unwrap()
        .is_none());

    let before = sim.youtube_quota_used().0;
    let videos = a.videos(&ChannelId::new(ch.id.clone())).await.unwrap();
    assert_eq!(videos.len(), 7);
    assert_eq!(
        sim.youtube_quota_used().0 - before,
        2,
        "playlistItems + videos.list"
    );
    let truth = w.videos_at(ch, clock.now());
    let live = w.live_at(ch, clock.now()).is_some();
    let first_vod = &videos[usize::from(live)];
    assert_eq!(first_vod.views, Some(truth[0].views));
    assert_eq!(first_vod.duration_secs, Some(truth[0].duration_secs));
    assert!(a
        .videos(&ChannelId::new("UCxxxxxxxxxxxxxxxxxxxxxx"))
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn the_key_never_appears_in_errors() {
    let (sim, clock) = sim(SimConfig {
        youtube_channels: 10,
        ..SimConfig::default()
    })
    .await;
    let secret = "AIzaTOP-SECRET-value";
    let wrong = adapter(&sim, &clock, |c| c.api_key = Secret::new(secret));
    let ids = ids_of(&sim, 3);
    let err = wrong.channels(&ids).await.unwrap_err();
    assert!(matches!(err, AdapterError::Unauthorized { .. }), "{err:?}");
    let mut shown = vec![format!("{err} {err:?}")];

    let a = adapter(&sim, &clock, |c| c.api_key = Secret::new(KEY));
    for kind in [
        FaultKind::Status {
            code: 500,
            retry_after_secs: None,
        },
        FaultKind::Garbage,
        FaultKind::Status {
            code: 429,
            retry_after_secs: Some(60),
        },
        FaultKind::Status {
            code: 418,
            retry_after_secs: None,
        },
    ] {
        sim.inject(
            Platform::Youtube,
            Fault::times(kind, 3).on_path("/youtube/v3/"),
        );
        let err = a.channels(&ids).await.unwrap_err();
        shown.push(format!("{err} {err:?}"));
        sim.clear_faults();
    }
    for s in &shown {
        assert!(!s.contains(secret) && !s.contains(KEY), "{s}");
    }
    assert!(
        shown.iter().any(|s| s.contains("key=<redacted>")),
        "{shown:?}"
    );
    assert!(!format!("{:?}", config(&sim, |c| c.api_key = Secret::new(secret))).contains(secret));
}

/// A feed that answers no feed (404, 5xx, an HTML page with 200) is a fault, not "no videos":
/// no channel is reported offline because of it. Before, a 404 meant "no videos" and the
/// channel's open session was closed.
#[tokio::test]
async fn a_feed_that_is_not_a_feed_leaves_the_live_state_unknown() {
    for (name, kind) in [
        (
            "404",
            FaultKind::Status {
                code: 404,
                retry_after_secs: None,
            },
        ),
        (
            "503",
            FaultKind::Status {
                code: 503,
                retry_after_secs: None,
            },
        ),
        ("HTML with 200", FaultKind::Garbage),
    ] {
        let (sim, clock) = sim(SimConfig {
            youtube_channels: 100,
            ..SimConfig::default()
        })
        .await;
        // No playlist fallback: the feed is the only source of candidates here.
        let a = adapter(&sim, &clock, |c| c.feed_fallback_per_call = 0);
        let ids = ids_of(&sim, 40);
        sim.inject(
            Platform::Youtube,
            Fault::times(kind, 1000).on_path("/feeds/videos.xml"),
        );
        let out = a.channels(&ids).await.unwrap();
        assert_eq!(out.found.len(), 40, "{name}: the figures still come");
        let offline = out
            .found
            .iter()
            .filter(|o| o.live == LiveState::Offline)
            .count();
        assert_eq!(offline, 0, "{name}: a failed feed says nothing about live");
        assert!(
            out.found.iter().all(|o| o.live == LiveState::Unknown),
            "{name}"
        );
        let snap = a.ledger().snapshot(clock.now());
        assert_eq!(snap.feed_faults, 40, "{name}");
        assert!(snap.feeds_failing(), "{name}");
    }
}

/// When the feeds fail, the broadcast last seen live on a channel is checked through
/// `videos.list`, and the uploads playlist stands in for the feed of a few channels per call.
#[tokio::test]
async fn failed_feeds_fall_back_to_seen_broadcasts_and_the_uploads_playlist() {
    let (sim, clock) = sim(SimConfig {
        youtube_channels: 100,
        ..SimConfig::default()
    })
    .await;
    let a = adapter(&sim, &clock, |c| c.feed_fallback_per_call = 0);
    let ids = ids_of(&sim, 50);
    let first = a.channels(&ids).await.unwrap();
    let live_before: Vec<String> = first
        .found
        .iter()
        .filter(|o| matches!(o.live, LiveState::Live(_)))
        .map(|o| o.info.channel_id.as_str().to_string())
        .collect();
    assert!(!live_before.is_empty());
    sim.set_youtube_feed_outage(Some(404));
    clock.advance(chrono::Duration::minutes(5));
    let out = a.channels(&ids).await.unwrap();
    let w = sim.world();
    for o in &out.found {
        let ch = w
            .channel(Platform::Youtube, o.info.channel_id.as_str())
            .unwrap();
        let truth = w.live_at(ch, clock.now());
        if live_before.contains(&ch.id) {
            // Seen live before: `videos.list` of that broadcast says live (with today's viewers)
            // or ended (offline; a new broadcast is the next feed's or the fallback's to find).
            match &o.live {
                LiveState::Live(b) => {
                    let t = truth.as_ref().expect("live only while the world says so");
                    assert_eq!(b.viewers, t.viewers, "{}", ch.id);
                }
                LiveState::Offline => assert!(
                    first
                        .found
                        .iter()
                        .any(|f| f.info.channel_id == o.info.channel_id
                            && match (&f.live, &truth) {
                                (LiveState::Live(_), None) => true,
                                (LiveState::Live(old), Some(t)) =>
                                    old.broadcast_id
                                        != Some(streamtide_simulator::youtube_video_id(t.live_id)),
                                _ => false,
                            }),
                    "{}: offline while its broadcast is live",
                    ch.id
                ),
                LiveState::Unknown => panic!("{}: the seen broadcast was not checked", ch.id),
            }
        } else {
            assert_eq!(o.live, LiveState::Unknown, "{}", ch.id);
        }
    }
    // With the playlist fallback, `feed_fallback_per_call` channels per call get one
    // playlistItems.list each (1 unit) and a known state.
    let b = adapter(&sim, &clock, |c| c.feed_fallback_per_call = 7);
    let before = sim.youtube_requests_to("/youtube/v3/playlistItems");
    let out = b.channels(&ids).await.unwrap();
    assert_eq!(
        sim.youtube_requests_to("/youtube/v3/playlistItems") - before,
        7
    );
    let known = out
        .found
        .iter()
        .filter(|o| o.live != LiveState::Unknown)
        .count();
    assert_eq!(known, 7);
    for o in out.found.iter().filter(|o| o.live != LiveState::Unknown) {
        let ch = w
            .channel(Platform::Youtube, o.info.channel_id.as_str())
            .unwrap();
        assert_eq!(
            matches!(o.live, LiveState::Live(_)),
            w.live_at(ch, clock.now()).is_some(),
            "{}",
            ch.id
        );
    }
    // The next call looks at the next channels (round robin), not the same seven.
    b.channels(&ids).await.unwrap();
    assert_eq!(
        sim.youtube_requests_to("/youtube/v3/playlistItems") - before,
        14
    );
}

/// The live round searches when the schedule says so and refreshes the last search's
/// broadcasts through `videos.list` in between; with no allowance and nothing to refresh it has
/// no new list, which is not an empty one.
#[tokio::test]
async fn live_list_paces_searches_and_refreshes_between_them() {
    use streamtide_platforms::LiveList;
    let (sim, clock) = sim(SimConfig {
        youtube_channels: 300,
        ..SimConfig::default()
    })
    .await;
    let a = adapter(&sim, &clock, |c| c.live_list_depth = ListDepth::Top(20));
    let LiveList::Fetched(first) = a.live_list().await.unwrap() else {
        panic!("the first round searches");
    };
    assert_eq!(first.len(), 20);
    assert_eq!(sim.youtube_requests_to("/youtube/v3/search"), 1);
    clock.advance(chrono::Duration::minutes(2));
    let units = sim.youtube_quota_used().0;
    let LiveList::Fetched(refreshed) = a.live_list().await.unwrap() else {
        panic!("between searches the last list is refreshed");
    };
    assert_eq!(
        sim.youtube_requests_to("/youtube/v3/search"),
        1,
        "no search"
    );
    assert_eq!(sim.youtube_quota_used().0, units + 1, "one videos.list");
    assert!(!refreshed.is_empty() && refreshed.len() <= 20);
    let w = sim.world();
    for b in &refreshed {
        let ch = w.channel(Platform::Youtube, b.channel_id.as_str()).unwrap();
        assert_eq!(
            w.live_at(ch, clock.now()).map(|l| l.viewers),
            Some(b.viewers)
        );
    }
    // Half an hour later (the gap bound) a search is due again.
    clock.advance(chrono::Duration::minutes(28));
    a.live_list().await.unwrap();
    assert_eq!(sim.youtube_requests_to("/youtube/v3/search"), 2);

    // No allowance and no earlier search: no new list, and no call.
    let none = adapter(&sim, &clock, |c| c.search_daily_calls = 0);
    let before = sim.requests(Platform::Youtube);
    assert!(matches!(
        none.live_list().await.unwrap(),
        LiveList::NotFetched { .. }
    ));
    assert_eq!(sim.requests(Platform::Youtube), before);
    // The main bucket spent too: the refresh cannot be made, no new list either.
    let spent = adapter(&sim, &clock, |c| {
        c.daily_budget = 2;
        c.floor = 0;
    });
    assert!(matches!(
        spent.live_list().await.unwrap(),
        LiveList::Fetched(_)
    ));
    clock.advance(chrono::Duration::minutes(2));
    spent.live_list().await.unwrap(); // the refresh spends the second unit
    clock.advance(chrono::Duration::minutes(2));
    assert!(matches!(
        spent.live_list().await.unwrap(),
        LiveList::NotFetched { .. }
    ));
}

/// Video counters of videos already described come from `videos.batchGetStats` (its own
/// bucket); `videos.list` describes new ones, and takes over when the stats bucket is off.
#[tokio::test]
async fn video_statistics_use_the_batch_get_stats_bucket() {
    let (sim, clock) = sim(SimConfig {
        youtube_channels: 50,
        ..SimConfig::default()
    })
    .await;
    let a = adapter(&sim, &clock, |c| c.videos_per_channel = 10);
    // A channel with ten replays and no live now or in the next hour: every playlist entry is
    // a settled video, described once.
    let id = ids_of(&sim, 50)
        .into_iter()
        .find(|id| {
            let w = sim.world();
            let ch = w.channel(Platform::Youtube, id.as_str()).unwrap();
            w.videos_at(ch, clock.now()).len() >= 10
                && w.live_at(ch, clock.now()).is_none()
                && w.live_at(ch, clock.now() + chrono::Duration::hours(1))
                    .is_none()
        })
        .expect("a channel with ten videos");
    let first = a.videos(&id).await.unwrap();
    let spent = sim.youtube_spent();
    assert_eq!(
        (spent.units, spent.stats_calls),
        (2, 0),
        "playlist + videos.list"
    );
    clock.advance(chrono::Duration::hours(1));
    let second = a.videos(&id).await.unwrap();
    let spent = sim.youtube_spent();
    assert_eq!(
        (spent.units, spent.stats_calls),
        (3, 1),
        "playlist (main) + batchGetStats (own bucket)"
    );
    assert_eq!(a.ledger().snapshot(clock.now()).stats_calls_used, 1);
    assert_eq!(first.len(), second.len());
    let w = sim.world();
    let ch = w.channel(Platform::Youtube, id.as_str()).unwrap();
    let truth = w.videos_at(ch, clock.now());
    for v in &second {
        let t = truth
            .iter()
            .find(|t| streamtide_simulator::youtube_video_id(t.live_id) == v.video_id);
        if let Some(t) = t {
            assert_eq!(v.views, Some(t.views), "{}", v.video_id);
        }
        let before = first.iter().find(|f| f.video_id == v.video_id).unwrap();
        assert_eq!(before.kind, v.kind);
        assert_eq!(before.title, v.title);
    }
    // Bucket off: videos.list every time.
    let off = adapter(&sim, &clock, |c| {
        c.videos_per_channel = 10;
        c.stats_daily_calls = 0;
    });
    off.videos(&id).await.unwrap();
    off.videos(&id).await.unwrap();
    assert_eq!(sim.youtube_spent().stats_calls, 1);
}
