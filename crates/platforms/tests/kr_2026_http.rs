//! The Korean adapters against the platforms as they behave in 2026 (issue 17 items 3 and 4):
//! SOOP's `.co.kr` hosts answering HTML pages, redirects and 403s after the move to `.com`;
//! CHZZK's retired `/service/{v}` versions, the headers its web page sends, and thumbnails of
//! lives found through a channel call.

use std::time::Duration;

use streamtide_core::{ChannelId, Clock, ListDepth, LiveState, Platform};
use streamtide_platforms::chzzk::{is_uuid, ChzzkAdapter};
use streamtide_platforms::soop::SoopAdapter;
use streamtide_platforms::{ChzzkConfig, HttpConfig, PlatformAdapter, SoopConfig};
use streamtide_simulator::{Fault, FaultKind, SimConfig, Simulator, SoopOldHosts};

#[path = "common/sim.rs"]
mod sim_support;

use sim_support::sim;

fn http() -> HttpConfig {
    sim_support::quick_http(Duration::from_millis(700), 1, Duration::from_secs(2))
}

fn soop(live: String, chapi: String, live_fb: String, chapi_fb: String) -> SoopAdapter {
    let cfg = SoopConfig {
        live_base: live,
        chapi_base: chapi,
        live_fallback_base: live_fb,
        chapi_fallback_base: chapi_fb,
        requests_per_second: 500.0,
        burst: 50,
        ..SoopConfig::default()
    };
    SoopAdapter::new(&cfg, &http()).unwrap()
}

fn chzzk(sim: &Simulator, f: impl FnOnce(&mut ChzzkConfig)) -> ChzzkAdapter {
    let mut cfg = ChzzkConfig {
        api_base: sim.chzzk_base(),
        requests_per_second: 500.0,
        burst: 50,
        device_id_file: String::new(),
        ..ChzzkConfig::default()
    };
    f(&mut cfg);
    ChzzkAdapter::new(&cfg, &http()).unwrap()
}

fn requests_to(sim: &Simulator, platform: Platform, needle: &str) -> usize {
    sim.requests_seen(platform)
        .iter()
        .filter(|r| r.path.contains(needle))
        .count()
}

#[test]
fn soop_defaults_ask_the_com_hosts_first() {
    let d = SoopConfig::default();
    assert_eq!(d.live_base, "https://live.sooplive.com");
    assert_eq!(d.chapi_base, "https://chapi.sooplive.com");
    assert_eq!(d.live_fallback_base, "https://live.sooplive.co.kr");
    assert_eq!(d.chapi_fallback_base, "https://chapi.sooplive.co.kr");
    assert_eq!(d.web_origin, "https://www.sooplive.com");
}

/// A configuration that still names `.co.kr` first (as every one did before 2026) keeps
/// collecting when the old hosts answer an HTML page, a redirect to one, or a 403: each moves to
/// `.com` once, and the switch is remembered and counted.
#[tokio::test]
async fn soop_old_host_answering_html_moves_to_the_other_host_and_stays() {
    let (sim, clock) = sim(SimConfig {
        soop_channels: 80,
        ..SimConfig::default()
    })
    .await;
    let expected = sim.world().live_list_at(Platform::Soop, clock.now()).len();
    let ch = sim.world().channels(Platform::Soop)[0].clone();
    for mode in [
        SoopOldHosts::HtmlPage,
        SoopOldHosts::RedirectToPage,
        SoopOldHosts::Forbidden,
    ] {
        sim.set_soop_old_hosts(mode);
        let (old, new) = (sim.soop_old_base(), sim.soop_base());
        let a = soop(old.clone(), old, new.clone(), new);
        let items = a
            .top_live()
            .await
            .unwrap_or_else(|e| panic!("{mode:?}: {e}"));
        assert_eq!(items.len(), expected.min(240), "{mode:?}");
        let out = a.channels(&[ChannelId::new(ch.id.clone())]).await.unwrap();
        assert_eq!(
            out.found[0].stats.followers,
            Some(sim.world().followers_at(&ch, clock.now())),
            "{mode:?}"
        );
        let stats = a.http_stats().snapshot();
        assert_eq!(stats.fallbacks, 2, "{mode:?}: one switch per host");
        assert_eq!(
            stats.on_fallback, 2,
            "{mode:?}: both hosts now on their fallback"
        );
        // Remembered: the next rounds go straight to the working host.
        let before = stats.requests;
        a.channels(&[ChannelId::new(ch.id.clone())]).await.unwrap();
        a.videos(&ChannelId::new(ch.id.clone())).await.unwrap();
        let after = a.http_stats().snapshot();
        assert_eq!(
            after.requests - before,
            2,
            "{mode:?}: no more old-host calls"
        );
        assert_eq!(after.fallbacks, 2);
    }
}

/// A 5xx that outlasts the retries also moves to the other host; a 429 does not (the host is
/// up, and asking its twin instead would dodge the platform's limit).
#[tokio::test]
async fn soop_server_errors_fall_back_but_throttling_does_not() {
    let (sim, _) = sim(SimConfig {
        soop_channels: 30,
        ..SimConfig::default()
    })
    .await;
    let (new, old) = (sim.soop_base(), sim.soop_old_base());
    let a = soop(new.clone(), new, old.clone(), old);
    sim.inject(
        Platform::Soop,
        Fault::times(
            FaultKind::Status {
                code: 503,
                retry_after_secs: None,
            },
            2,
        ),
    );
    a.top_live().await.unwrap();
    assert_eq!(a.http_stats().snapshot().fallbacks, 1);
    assert!(requests_to(&sim, Platform::Soop, "/co.kr/api/main_broad_list_api.php") >= 1);

    sim.inject(
        Platform::Soop,
        Fault::once(FaultKind::Status {
            code: 429,
            retry_after_secs: Some(60),
        }),
    );
    let err = a.top_live().await.unwrap_err();
    assert_eq!(err.kind(), "rate_limited");
    assert_eq!(a.http_stats().snapshot().fallbacks, 1, "no switch on 429");
}

/// SOOP's list calls carry the `.com` site as `Origin`/`Referer`, as its web page does.
#[tokio::test]
async fn soop_sends_the_com_origin() {
    let (sim, _) = sim(SimConfig {
        soop_channels: 10,
        ..SimConfig::default()
    })
    .await;
    let a = soop(
        sim.soop_base(),
        sim.soop_base(),
        String::new(),
        String::new(),
    );
    a.top_live().await.unwrap();
    let seen = sim.requests_seen(Platform::Soop);
    let r = seen.last().unwrap();
    assert_eq!(r.header("origin"), Some("https://www.sooplive.com"));
    assert_eq!(r.header("referer"), Some("https://www.sooplive.com/"));
}

/// The simulator's 2026 list fields reach the broadcasts: category name, tags, language.
#[tokio::test]
async fn soop_list_2026_fields_reach_the_broadcasts() {
    let (sim, clock) = sim(SimConfig {
        soop_channels: 60,
        ..SimConfig::default()
    })
    .await;
    let a = soop(
        sim.soop_base(),
        sim.soop_base(),
        String::new(),
        String::new(),
    );
    let items = a.top_live().await.unwrap();
    let truth = sim.world().live_list_at(Platform::Soop, clock.now());
    assert!(!items.is_empty());
    for item in &items {
        let (_, live) = truth
            .iter()
            .find(|(c, _)| c.id == item.channel_id.as_str())
            .unwrap();
        assert_eq!(item.category_name.as_deref(), Some(live.category.name_ko));
        for t in &live.tags {
            assert!(item.tags.contains(t), "{t}");
        }
        assert_eq!(item.language.as_deref(), Some("ko"));
    }
}

/// A `/service/{v}` version retired before and during a run: each endpoint moves to the next
/// configured version once and remembers it.
#[tokio::test]
async fn chzzk_retired_service_version_falls_back_per_endpoint() {
    let (sim, clock) = sim(SimConfig {
        chzzk_channels: 80,
        retired_service_versions: vec!["v1".into()],
        ..SimConfig::default()
    })
    .await;
    let a = chzzk(&sim, |c| {
        c.live_list_depth = ListDepth::Top(20);
        c.page_size = 20;
        c.live_detail_thumbnails = false;
    });
    let items = a.top_live().await.unwrap();
    assert_eq!(
        items.len(),
        20.min(sim.world().live_list_at(Platform::Chzzk, clock.now()).len())
    );
    // v1 (9004), then v3.
    assert_eq!(a.http_stats().snapshot().requests, 2);
    a.top_live().await.unwrap();
    assert_eq!(a.http_stats().snapshot().requests, 3, "v3 remembered");
    let ch = &sim.world().channels(Platform::Chzzk)[0];
    let out = a.channels(&[ChannelId::new(ch.id.clone())]).await.unwrap();
    assert_eq!(out.found.len(), 1, "the channel endpoint falls back too");
    assert_eq!(a.http_stats().snapshot().fallbacks, 2, "lives and channel");
    assert_eq!(
        a.http_stats().snapshot().on_fallback,
        0,
        "v1 was retired before the run: v3 is where both first worked, not a fallback"
    );

    // Retired mid-run: v3 answers 9004 from now on; v2 takes over.
    sim.chzzk_retire_service_version("v3");
    a.top_live().await.unwrap();
    let lives_v2 = sim
        .requests_seen(Platform::Chzzk)
        .iter()
        .filter(|r| r.path == "/service/v2/lives")
        .count();
    assert_eq!(lives_v2, 1);
    // Moved under the running process: the live list is now off the version it worked on.
    assert_eq!(a.http_stats().snapshot().on_fallback, 1);

    // Every version retired: a clear 9004 error naming the last URL.
    sim.chzzk_retire_service_version("v2");
    let err = a.top_live().await.unwrap_err();
    assert!(err.to_string().contains("9004"), "{err}");
}

/// The headers chzzk.naver.com sends in 2026, on every call; the deviceId is one UUID per
/// installation, kept across restarts in its file; status calls ask without recommendations.
#[tokio::test]
async fn chzzk_sends_browser_headers_and_keeps_its_device_id() {
    let (sim, clock) = sim(SimConfig {
        chzzk_channels: 60,
        chzzk_require_browser_headers: true,
        ..SimConfig::default()
    })
    .await;
    let dir = std::env::temp_dir().join(format!("streamtide-kr-{}", std::process::id()));
    let file = dir.join("chzzk-device-id").to_string_lossy().into_owned();
    let _ = std::fs::remove_file(&file);
    let live = sim
        .world()
        .channels(Platform::Chzzk)
        .iter()
        .find(|c| sim.world().live_at(c, clock.now()).is_some())
        .unwrap()
        .clone();
    let ids = [ChannelId::new(live.id.clone())];
    let first = chzzk(&sim, |c| c.device_id_file = file.clone());
    let out = first.channels(&ids).await.unwrap();
    assert!(matches!(out.found[0].live, LiveState::Live(_)));
    first.top_live().await.unwrap();
    // A restart: a new adapter reads the same id from the file.
    let second = chzzk(&sim, |c| c.device_id_file = file.clone());
    second.channels(&ids).await.unwrap();
    assert_eq!(first.device_id(), second.device_id());
    assert!(is_uuid(first.device_id()));

    let seen = sim.requests_seen(Platform::Chzzk);
    assert!(seen.len() >= 5);
    for r in &seen {
        assert_eq!(r.header("origin"), Some("https://chzzk.naver.com"), "{r:?}");
        assert_eq!(r.header("front-client-platform-type"), Some("PC"));
        assert_eq!(r.header("front-client-product-type"), Some("web"));
        assert_eq!(r.header("deviceid"), Some(first.device_id()));
        assert!(r.header("user-agent").unwrap().contains("Chrome/"));
    }
    let status: Vec<_> = seen
        .iter()
        .filter(|r| r.path.ends_with("/live-status"))
        .collect();
    assert!(!status.is_empty());
    assert!(status
        .iter()
        .all(|r| r.query.contains("includePlayerRecommendContent=false")));
    let _ = std::fs::remove_dir_all(&dir);

    // Everything configurable: emptied headers are not sent (and this simulator then refuses).
    let bare = chzzk(&sim, |c| c.front_client_platform_type = String::new());
    assert_eq!(
        bare.channels(&ids).await.unwrap_err().kind(),
        "unauthorized"
    );
}

/// live-status has no liveId and no thumbnail: a live found through a channel call gets both
/// from live-detail, asked once per broadcast.
#[tokio::test]
async fn chzzk_channel_call_live_gets_a_thumbnail_once_per_broadcast() {
    let (sim, clock) = sim(SimConfig {
        chzzk_channels: 60,
        ..SimConfig::default()
    })
    .await;
    let world = sim.world();
    let live_ch = world
        .channels(Platform::Chzzk)
        .iter()
        .find(|c| world.live_at(c, clock.now()).is_some())
        .unwrap();
    let truth = world.live_at(live_ch, clock.now()).unwrap();
    let a = chzzk(&sim, |c| c.respect_poll_hint = false);
    let ids = [ChannelId::new(live_ch.id.clone())];
    for _ in 0..3 {
        let out = a.channels(&ids).await.unwrap();
        let LiveState::Live(b) = &out.found[0].live else {
            panic!("live")
        };
        let thumb = b.thumbnail_url.as_deref().expect("a thumbnail");
        assert!(thumb.contains(&truth.live_id.to_string()), "{thumb}");
        assert!(!thumb.contains("{type}"), "{thumb}");
        assert_eq!(b.broadcast_id, Some(truth.live_id.to_string()));
    }
    // v1 live-detail answers 9004 (as since 2024), v3 answers; then the memo holds.
    assert_eq!(requests_to(&sim, Platform::Chzzk, "/live-detail"), 2);
    assert_eq!(requests_to(&sim, Platform::Chzzk, "/live-status"), 3);
}
