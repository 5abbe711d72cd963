//! The adapters over real HTTP against the simulator, which speaks the platforms' wire formats:
//! paging, lookups, unknown channels, retired path versions and moved hosts.

use std::sync::Arc;
use std::time::Duration;

use streamtide_core::{
    ChannelId, ChannelObservation, ChannelRef, Clock, ListDepth, LiveState, ManualClock, Platform,
};
use streamtide_platforms::chzzk::ChzzkAdapter;
use streamtide_platforms::soop::SoopAdapter;
use streamtide_platforms::{AdapterError, ChzzkConfig, HttpConfig, PlatformAdapter, SoopConfig};
use streamtide_simulator::{Fault, FaultKind, SimConfig, Simulator};

#[path = "common/sim.rs"]
mod sim_support;

use sim_support::sim;

/// This file's client: timeout 700 ms, 2 retries, Retry-After waited up to 2 s.
fn http() -> HttpConfig {
    sim_support::quick_http(Duration::from_millis(700), 2, Duration::from_secs(2))
}

fn chzzk(sim: &Simulator, f: impl FnOnce(&mut ChzzkConfig)) -> ChzzkAdapter {
    let mut cfg = ChzzkConfig {
        api_base: sim.chzzk_base(),
        requests_per_second: 500.0,
        burst: 50,
        // A new deviceId per adapter: tests write no files unless they ask to.
        device_id_file: String::new(),
        ..ChzzkConfig::default()
    };
    f(&mut cfg);
    ChzzkAdapter::new(&cfg, &http()).unwrap()
}

fn soop(live_base: String, chapi_base: String, fallback: String) -> SoopAdapter {
    let cfg = SoopConfig {
        live_base,
        chapi_base,
        live_fallback_base: fallback.clone(),
        chapi_fallback_base: fallback,
        requests_per_second: 500.0,
        burst: 50,
        ..SoopConfig::default()
    };
    SoopAdapter::new(&cfg, &http()).unwrap()
}

#[tokio::test]
async fn chzzk_top_list_pages_to_the_configured_depth() {
    let (sim, clock) = sim(SimConfig {
        chzzk_channels: 400,
        ..SimConfig::default()
    })
    .await;
    let live_now = sim.world().live_list_at(Platform::Chzzk, clock.now()).len();
    assert!(live_now > 60, "need several pages ({live_now})");
    let a = chzzk(&sim, |c| {
        c.page_size = 20;
        c.live_list_depth = ListDepth::Top(50);
    });
    let items = a.top_live().await.unwrap();
    assert_eq!(items.len(), 50);
    assert!(items.windows(2).all(|w| w[0].viewers >= w[1].viewers));
    assert_eq!(a.http_stats().snapshot().requests, 3, "20 + 20 + 10 of 20");

    let all = chzzk(&sim, |c| c.live_list_depth = ListDepth::All)
        .top_live()
        .await
        .unwrap();
    assert_eq!(
        all.len(),
        live_now,
        "the cursor walks the whole list exactly once"
    );
    let mut ids: Vec<_> = all.iter().map(|i| i.channel_id.clone()).collect();
    ids.dedup();
    assert_eq!(ids.len(), live_now);
}

/// The census: at the default depth ("all") a live round reads every live broadcast of CHZZK and
/// SOOP, once each, in ⌈broadcasts / page size⌉ requests (SOOP's list, which has no cursor, ends
/// on a short page, so a list of whole pages costs one empty page more).
#[tokio::test]
async fn the_default_depth_reads_every_live_broadcast_in_whole_pages() {
    let (sim, clock) = sim(SimConfig {
        chzzk_channels: 3_000,
        soop_channels: 3_000,
        ..SimConfig::default()
    })
    .await;
    for platform in [Platform::Chzzk, Platform::Soop] {
        let truth: std::collections::HashSet<String> = sim
            .world()
            .live_list_at(platform, clock.now())
            .into_iter()
            .map(|(c, _)| c.id.clone())
            .collect();
        let (a, page): (Box<dyn PlatformAdapter>, usize) = match platform {
            Platform::Chzzk => (Box::new(chzzk(&sim, |_| {})), 50),
            _ => (
                Box::new(soop(sim.soop_base(), sim.soop_base(), String::new())),
                60,
            ),
        };
        assert!(truth.len() > 10 * page, "{platform}: {} live", truth.len());
        let items = a.top_live().await.unwrap();
        let got: std::collections::HashSet<String> = items
            .iter()
            .map(|b| b.channel_id.as_str().to_string())
            .collect();
        assert_eq!(items.len(), got.len(), "{platform}: each broadcast once");
        assert_eq!(got, truth, "{platform}: every live broadcast");
        let whole = platform == Platform::Soop && truth.len().is_multiple_of(page);
        assert_eq!(
            a.http_stats().snapshot().requests,
            (truth.len().div_ceil(page) + usize::from(whole)) as u64,
            "{platform}: one request per page"
        );
    }
}

/// Every id through `channels` one at a time (CHZZK's web API batch), with the requests it cost.
async fn channels_round(a: &ChzzkAdapter, ids: &[ChannelId]) -> (Vec<ChannelObservation>, u64) {
    let before = a.http_stats().snapshot().requests;
    let mut found = Vec::new();
    for id in ids {
        found.extend(a.channels(std::slice::from_ref(id)).await.unwrap().found);
    }
    (found, a.http_stats().snapshot().requests - before)
}

/// Tracked channels from the census: after a live round that read the whole list, the channels
/// round asks one channel call per channel and takes a live channel's state from the list (no
/// live-status, no live-detail), equal to the platform's truth. Without a fresh census, the live
/// ones cost their live-status calls again.
#[tokio::test]
async fn chzzk_channels_round_takes_live_state_from_the_census() {
    let (sim, clock) = sim(SimConfig {
        chzzk_channels: 600,
        ..SimConfig::default()
    })
    .await;
    let cfg = ChzzkConfig {
        api_base: sim.chzzk_base(),
        requests_per_second: 500.0,
        burst: 50,
        device_id_file: String::new(),
        ..ChzzkConfig::default()
    };
    let a = ChzzkAdapter::with_clock(&cfg, &http(), Arc::new(clock.clone())).unwrap();
    let world = sim.world();
    let ids: Vec<ChannelId> = world
        .channels(Platform::Chzzk)
        .iter()
        .take(300)
        .map(|c| ChannelId::new(c.id.clone()))
        .collect();
    let live_truth = |at| {
        ids.iter()
            .filter(|id| {
                let ch = world.channel(Platform::Chzzk, id.as_str()).unwrap();
                world.live_at(ch, at).is_some()
            })
            .count()
    };
    let live_now = live_truth(clock.now());
    assert!(live_now > 30, "{live_now} of the tracked are live");

    a.top_live().await.unwrap();
    let (found, requests) = channels_round(&a, &ids).await;
    assert_eq!(requests, ids.len() as u64, "one channel call per channel");
    assert_eq!(found.len(), ids.len());
    for o in &found {
        let ch = world
            .channel(Platform::Chzzk, o.info.channel_id.as_str())
            .unwrap();
        match (&o.live, world.live_at(ch, clock.now())) {
            (LiveState::Live(b), Some(t)) => {
                assert_eq!(b.viewers, t.viewers);
                assert_eq!(b.title, t.title);
                assert_eq!(b.broadcast_id, Some(t.live_id.to_string()));
                assert!(b.thumbnail_url.is_some());
            }
            (LiveState::Offline, None) => {}
            (got, want) => panic!("{}: {got:?} against {want:?}", ch.id),
        }
    }

    // Eleven minutes on, the census is too old to speak for anyone: live-status again.
    clock.advance(chrono::Duration::minutes(11));
    let live_later = live_truth(clock.now()) as u64;
    let (_, requests) = channels_round(&a, &ids).await;
    assert!(
        requests >= ids.len() as u64 + live_later,
        "{requests} requests for {} channels, {live_later} live",
        ids.len()
    );
}

#[tokio::test]
async fn chzzk_channels_missing_and_name_lookup() {
    let (sim, clock) = sim(SimConfig {
        chzzk_channels: 50,
        ..SimConfig::default()
    })
    .await;
    let a = chzzk(&sim, |_| {});
    let world = sim.world();
    let live = world
        .channels(Platform::Chzzk)
        .iter()
        .find(|c| world.live_at(c, clock.now()).is_some())
        .unwrap();
    let offline = world
        .channels(Platform::Chzzk)
        .iter()
        .find(|c| world.live_at(c, clock.now()).is_none())
        .unwrap();
    let unknown = ChannelId::new("0123456789abcdef0123456789abcdef");
    let ids = [
        ChannelId::new(live.id.clone()),
        ChannelId::new(offline.id.clone()),
        unknown.clone(),
    ];
    let before = a.http_stats().snapshot().requests;
    let out = a.channels(&ids[..1]).await.unwrap();
    let out2 = a.channels(&ids[1..]).await.unwrap();
    assert_eq!(out.found.len() + out2.found.len(), 2);
    assert_eq!(out2.missing, vec![unknown]);
    let LiveState::Live(b) = &out.found[0].live else {
        panic!("should be live")
    };
    assert_eq!(b.viewers, world.live_at(live, clock.now()).unwrap().viewers);
    assert_eq!(out2.found[0].live, LiveState::Offline);
    assert_eq!(
        out.found[0].stats.followers,
        Some(world.followers_at(live, clock.now()))
    );
    // Live: channel + status + live-detail for the thumbnail (v1 answers 9004, then v3);
    // offline: channel only; unknown: channel only.
    assert_eq!(a.http_stats().snapshot().requests - before, 6);
    assert!(b.thumbnail_url.is_some(), "live-detail gave the picture");

    let found = a
        .resolve(&ChannelRef::handle(Platform::Chzzk, live.name.clone()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.channel_id.as_str(), live.id);
    assert!(a
        .resolve(&ChannelRef::handle(Platform::Chzzk, "없는 이름 xyz"))
        .await
        .unwrap()
        .is_none());

    let videos = a.videos(&ChannelId::new(live.id.clone())).await.unwrap();
    let truth = world.videos_at(live, clock.now());
    assert_eq!(videos.len(), truth.len().min(24));
    if let (Some(v), Some(t)) = (videos.first(), truth.first()) {
        assert_eq!(v.views, Some(t.views));
        assert_eq!(v.video_id, t.video_no.to_string());
    }
}

#[tokio::test]
async fn chzzk_retired_polling_version_falls_back_and_is_remembered() {
    let (sim, clock) = sim(SimConfig {
        chzzk_channels: 60,
        blocked_polling_versions: vec!["v3.1".into(), "v3".into()],
        ..SimConfig::default()
    })
    .await;
    let a = chzzk(&sim, |c| c.live_detail_thumbnails = false);
    let world = sim.world();
    let live: Vec<_> = world
        .channels(Platform::Chzzk)
        .iter()
        .filter(|c| world.live_at(c, clock.now()).is_some())
        .take(2)
        .collect();
    for ch in &live {
        let out = a.channels(&[ChannelId::new(ch.id.clone())]).await.unwrap();
        assert!(
            matches!(out.found[0].live, LiveState::Live(_)),
            "v2 answered"
        );
    }
    // First channel: channel + v3.1 (9004) + v3 (9004) + v2; second: channel + v2 directly.
    assert_eq!(a.http_stats().snapshot().requests, 6);

    // Every version retired: the status is unknown, the followers are still collected.
    let (sim2, _) = sim_all_blocked().await;
    let b = chzzk(&sim2, |c| {
        c.polling_versions = vec!["v9".into()];
        c.live_detail_thumbnails = false;
    });
    let ch = sim2
        .world()
        .channels(Platform::Chzzk)
        .iter()
        .find(|c| sim2.world().live_at(c, clock.now()).is_some())
        .unwrap();
    let out = b.channels(&[ChannelId::new(ch.id.clone())]).await.unwrap();
    assert_eq!(out.found[0].live, LiveState::Unknown);
    assert!(out.found[0].stats.followers.is_some());
}

async fn sim_all_blocked() -> (Simulator, ManualClock) {
    sim(SimConfig {
        chzzk_channels: 40,
        blocked_polling_versions: vec!["v9".into()],
        ..SimConfig::default()
    })
    .await
}

#[tokio::test]
async fn soop_moved_host_falls_back_and_sticks() {
    let (sim, clock) = sim(SimConfig {
        soop_channels: 100,
        ..SimConfig::default()
    })
    .await;
    // Nothing listens on the "old" host: bind and drop a port to get one that refuses.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let a = soop(dead.clone(), dead, sim.soop_base());
    let items = a.top_live().await.unwrap();
    let expected = sim.world().live_list_at(Platform::Soop, clock.now()).len();
    assert_eq!(items.len(), expected);
    let after_first = a.http_stats().snapshot().requests;
    a.top_live().await.unwrap();
    let pages = expected.div_ceil(60).max(1) as u64 + u64::from(expected % 60 == 0);
    assert_eq!(
        a.http_stats().snapshot().requests - after_first,
        pages,
        "the fallback is remembered"
    );

    let ch = &sim.world().channels(Platform::Soop)[0];
    let out = a.channels(&[ChannelId::new(ch.id.clone())]).await.unwrap();
    assert_eq!(
        out.found[0].stats.followers,
        Some(sim.world().followers_at(ch, clock.now()))
    );
    let out = a.channels(&[ChannelId::new("nosuchbj")]).await.unwrap();
    assert_eq!(out.missing, vec![ChannelId::new("nosuchbj")]);
    let vods = a.videos(&ChannelId::new(ch.id.clone())).await.unwrap();
    assert!(vods.iter().all(|v| v.views.is_some()));
}

#[tokio::test]
async fn errors_are_typed() {
    let (sim, _) = sim(SimConfig {
        soop_channels: 20,
        ..SimConfig::default()
    })
    .await;
    let a = soop(sim.soop_base(), sim.soop_base(), String::new());
    sim.inject(
        Platform::Soop,
        Fault {
            kind: FaultKind::Status {
                code: 429,
                retry_after_secs: Some(30),
            },
            count: 1,
            path_contains: None,
        },
    );
    match a.top_live().await {
        Err(AdapterError::RateLimited { retry_after, .. }) => {
            assert_eq!(retry_after, Some(Duration::from_secs(30)))
        }
        other => panic!("{other:?}"),
    }
    sim.inject(
        Platform::Soop,
        Fault {
            kind: FaultKind::RenameField {
                from: "total_view_cnt".into(),
                to: "viewers".into(),
            },
            count: 1,
            path_contains: None,
        },
    );
    match a.top_live().await {
        Err(AdapterError::Schema { path, .. }) => assert_eq!(path, "broad[0].total_view_cnt"),
        other => panic!("{other:?}"),
    }
    sim.inject(
        Platform::Soop,
        Fault {
            kind: FaultKind::NumberToString {
                field: "fan_cnt".into(),
            },
            count: 1,
            path_contains: None,
        },
    );
    let ch = &sim.world().channels(Platform::Soop)[0];
    let out = a.channels(&[ChannelId::new(ch.id.clone())]).await.unwrap();
    assert!(
        out.found[0].stats.followers.is_some(),
        "a number sent as a string still counts"
    );
}

#[tokio::test]
async fn chzzk_status_is_polled_at_most_once_per_poll_period() {
    let (sim, clock) = sim(SimConfig {
        chzzk_channels: 60,
        ..SimConfig::default()
    })
    .await;
    let world = sim.world();
    let live = world
        .channels(Platform::Chzzk)
        .iter()
        .find(|c| world.live_at(c, clock.now()).is_some())
        .unwrap();
    let ids = [ChannelId::new(live.id.clone())];

    let polite = chzzk(&sim, |c| c.live_detail_thumbnails = false);
    for _ in 0..3 {
        let out = polite.channels(&ids).await.unwrap();
        assert!(matches!(out.found[0].live, LiveState::Live(_)));
    }
    // Three channel calls, one status call: the 10 s hint holds the other two.
    assert_eq!(polite.http_stats().snapshot().requests, 4);

    let eager = chzzk(&sim, |c| {
        c.respect_poll_hint = false;
        c.live_detail_thumbnails = false;
    });
    for _ in 0..3 {
        eager.channels(&ids).await.unwrap();
    }
    assert_eq!(eager.http_stats().snapshot().requests, 6);
}
