//! The Twitch adapter over real HTTP against the simulator's Helix: app tokens, batching, the
//! `Ratelimit-*` budget and 429s.

use std::time::{Duration, Instant};

use streamtide_core::{ChannelId, ChannelRef, Clock, ListDepth, LiveState, Platform};
use streamtide_platforms::twitch::TwitchAdapter;
use streamtide_platforms::{AdapterError, HttpConfig, PlatformAdapter, Secret, TwitchConfig};
use streamtide_simulator::{Fault, FaultKind, SimConfig, Simulator};

#[path = "common/sim.rs"]
mod sim_support;

use sim_support::sim;

/// This file's client: timeout 2000 ms, 2 retries, Retry-After waited up to 5 s.
fn http() -> HttpConfig {
    sim_support::quick_http(Duration::from_millis(2000), 2, Duration::from_secs(5))
}

fn adapter(sim: &Simulator, f: impl FnOnce(&mut TwitchConfig)) -> TwitchAdapter {
    let mut cfg = TwitchConfig {
        client_id: "sim-client".into(),
        client_secret: Secret::new("sim-twitch-secret"),
        api_base: format!("{}/helix", sim.twitch_base()),
        auth_base: sim.twitch_base(),
        requests_per_second: 5000.0,
        burst: 200,
        ..TwitchConfig::default()
    };
    f(&mut cfg);
    TwitchAdapter::new(&cfg, &http()).unwrap()
}

fn ids_of(sim: &Simulator, n: usize) -> Vec<ChannelId> {
    sim.world()
        .channels(Platform::Twitch)
        .iter()
        .take(n)
        .map(|c| ChannelId::new(c.id.clone()))
        .collect()
}

#[tokio::test]
async fn channels_batch_by_100_with_one_followers_call_each() {
    const N: usize = 1566;
    let (sim, clock) = sim(SimConfig {
        twitch_channels: N,
        // 1566 followers calls would take two minutes of a real 800-point bucket.
        twitch_bucket: 10_000,
        ..SimConfig::default()
    })
    .await;
    let a = adapter(&sim, |_| {});
    assert_eq!(a.batch_size(), 100);
    let mut ids = ids_of(&sim, N);
    ids.push(ChannelId::new("1"));
    let out = a.channels(&ids).await.unwrap();
    assert_eq!(out.missing, vec![ChannelId::new("1")]);
    assert_eq!(out.found.len(), N);
    // N+1 ids: ceil(1567/100) users; streams only for the found ones; N followers.
    assert_eq!(sim.twitch_requests_to("/helix/users"), 16);
    assert_eq!(
        sim.twitch_requests_to("/helix/streams"),
        N.div_ceil(100) as u64
    );
    assert_eq!(
        sim.twitch_requests_to("/helix/channels/followers"),
        N as u64
    );
    assert_eq!(sim.twitch_tokens_issued(), 1);
    assert_eq!(
        a.http_stats().snapshot().requests,
        1 + 16 + 16 + N as u64,
        "token + users + streams + followers"
    );

    let w = sim.world();
    let now = clock.now();
    let mut live = 0;
    for obs in &out.found {
        let ch = w
            .channel(Platform::Twitch, obs.info.channel_id.as_str())
            .unwrap();
        assert_eq!(obs.stats.followers, Some(w.followers_at(ch, now)));
        assert_eq!(
            obs.stats.total_views, None,
            "users.view_count is deprecated"
        );
        assert_eq!(obs.info.handle, ch.handle);
        assert_eq!(obs.info.name, ch.name);
        match (&obs.live, w.live_at(ch, now)) {
            (LiveState::Live(b), Some(truth)) => {
                live += 1;
                assert_eq!(b.viewers, truth.viewers);
                assert_eq!(b.broadcast_id, Some(truth.live_id.to_string()));
                assert_eq!(b.language.as_deref(), Some(ch.language));
                assert!(b
                    .thumbnail_url
                    .as_deref()
                    .unwrap()
                    .ends_with("-440x248.jpg"));
                assert_eq!(b.channel_avatar_url.as_deref(), Some(ch.image_url.as_str()));
            }
            (LiveState::Offline, None) => {}
            (got, truth) => panic!("{}: {got:?} vs {truth:?}", ch.id),
        }
    }
    assert!(
        live > 100,
        "more than 20 live per 100 needs first=100 ({live})"
    );
}

#[tokio::test]
async fn token_is_cached_and_reminted_once_on_401() {
    let (sim, _clock) = sim(SimConfig {
        twitch_channels: 30,
        ..SimConfig::default()
    })
    .await;
    let a = adapter(&sim, |_| {});
    let ids = ids_of(&sim, 5);
    a.channels(&ids).await.unwrap();
    a.channels(&ids).await.unwrap();
    assert_eq!(sim.twitch_tokens_issued(), 1, "cached between calls");

    sim.twitch_revoke_tokens();
    let out = a.channels(&ids).await.unwrap();
    assert_eq!(out.found.len(), 5);
    assert_eq!(sim.twitch_tokens_issued(), 2, "one re-mint after the 401");

    // A Helix that keeps answering 401: exactly one re-mint, then Unauthorized.
    sim.inject(
        Platform::Twitch,
        Fault::times(
            FaultKind::Status {
                code: 401,
                retry_after_secs: None,
            },
            5,
        )
        .on_path("/helix/"),
    );
    let err = a.channels(&ids).await.unwrap_err();
    assert!(matches!(err, AdapterError::Unauthorized { .. }), "{err:?}");
    assert_eq!(sim.twitch_tokens_issued(), 3);
    sim.clear_faults();

    // Wrong secret: Unauthorized, and the secret never shows.
    let bad = adapter(&sim, |c| c.client_secret = Secret::new("wrong-s3cret"));
    let err = bad.channels(&ids).await.unwrap_err();
    assert!(matches!(err, AdapterError::Unauthorized { .. }));
    assert!(!format!("{err} {err:?}").contains("s3cret"));
}

#[tokio::test]
async fn a_429_waits_for_ratelimit_reset() {
    let (sim, _clock) = sim(SimConfig {
        twitch_channels: 10,
        twitch_bucket: 3,
        twitch_bucket_window: Duration::from_secs(1),
        ..SimConfig::default()
    })
    .await;
    // Empty the bucket behind the adapter's back (another worker on the same app token).
    let c = reqwest::Client::new();
    let token: serde_json::Value = serde_json::from_str(
        &c.post(format!("{}/oauth2/token", sim.twitch_base()))
            .form(&[
                ("client_id", "x"),
                ("client_secret", "sim-twitch-secret"),
                ("grant_type", "client_credentials"),
            ])
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    )
    .unwrap();
    let bearer = format!("Bearer {}", token["access_token"].as_str().unwrap());
    for _ in 0..3 {
        c.get(format!("{}/helix/users?id=1", sim.twitch_base()))
            .header("Client-Id", "x")
            .header("Authorization", &bearer)
            .send()
            .await
            .unwrap();
    }
    let a = adapter(&sim, |_| {});
    let started = Instant::now();
    let ch = &sim.world().channels(Platform::Twitch)[0];
    let found = a
        .resolve(&ChannelRef::id(Platform::Twitch, ch.id.clone()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.channel_id.as_str(), ch.id);
    assert_eq!(a.http_stats().snapshot().throttled, 1);
    assert_eq!(sim.twitch_throttled(), 1, "one 429, then it waited");
    assert!(
        started.elapsed() >= Duration::from_millis(200),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn low_remaining_slows_down_instead_of_hitting_429() {
    let (sim, _clock) = sim(SimConfig {
        twitch_channels: 40,
        twitch_bucket: 12,
        twitch_bucket_window: Duration::from_secs(1),
        ..SimConfig::default()
    })
    .await;
    let a = adapter(&sim, |_| {});
    let started = Instant::now();
    // 1 users + 1 streams + 20 followers = 22 points from a 12-point bucket.
    let out = a.channels(&ids_of(&sim, 20)).await.unwrap();
    assert_eq!(out.found.len(), 20);
    assert_eq!(sim.twitch_throttled(), 0, "never ran the bucket dry");
    assert_eq!(a.http_stats().snapshot().throttled, 0);
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "waited for the reset: {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn top_live_videos_and_resolve() {
    let (sim, clock) = sim(SimConfig {
        twitch_channels: 1200,
        ..SimConfig::default()
    })
    .await;
    let w = sim.world();
    let ko: Vec<_> = w
        .live_list_at(Platform::Twitch, clock.now())
        .into_iter()
        .filter(|(c, _)| c.language == "ko")
        .collect();
    assert!(ko.len() > 150, "{}", ko.len());
    let a = adapter(&sim, |c| c.live_list_depth = ListDepth::Top(150));
    let top = a.top_live().await.unwrap();
    assert_eq!(top.len(), 150);
    assert!(top.windows(2).all(|p| p[0].viewers >= p[1].viewers));
    assert!(top.iter().all(|b| b.language.as_deref() == Some("ko")));
    assert_eq!(top[0].channel_id.as_str(), ko[0].0.id);
    assert_eq!(sim.twitch_requests_to("/helix/streams"), 2, "100 + 50");
    // The default depth is the census: every Korean stream, 100 a page.
    let all = adapter(&sim, |_| {}).top_live().await.unwrap();
    assert_eq!(all.len(), ko.len(), "every Korean stream");
    assert!(all.iter().all(|b| b.language.as_deref() == Some("ko")));
    assert_eq!(
        sim.twitch_requests_to("/helix/streams"),
        2 + ko.len().div_ceil(100) as u64,
        "one request per page of 100"
    );

    let (ch, _) = &ko[0];
    let by_login = a
        .resolve(&ChannelRef::handle(
            Platform::Twitch,
            ch.handle.clone().unwrap().to_uppercase(),
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_login.channel_id.as_str(), ch.id);
    assert!(a
        .resolve(&ChannelRef::handle(Platform::Twitch, "nobody_here"))
        .await
        .unwrap()
        .is_none());
    assert!(a
        .resolve(&ChannelRef::id(Platform::Twitch, "42"))
        .await
        .unwrap()
        .is_none());

    let b = adapter(&sim, |c| c.videos_per_channel = 5);
    let videos = b.videos(&ChannelId::new(ch.id.clone())).await.unwrap();
    let truth = w.videos_at(ch, clock.now());
    assert_eq!(videos.len(), truth.len().min(5));
    assert_eq!(videos[0].views, Some(truth[0].views));
    assert_eq!(videos[0].duration_secs, Some(truth[0].duration_secs));
    assert_eq!(videos[0].video_id, truth[0].video_no.to_string());
    assert!(b.videos(&ChannelId::new("1")).await.unwrap().is_empty());
}
