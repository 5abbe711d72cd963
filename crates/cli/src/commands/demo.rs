//! `demo`: the platform simulator on loopback, with the real collector and server against it.
//!
//! A new user sees a full live board without keys or internet. Nothing is faked above the HTTP
//! line: the adapters parse the simulator's replies exactly as they parse CHZZK's and SOOP's.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use streamtide_core::{ChannelId, ChannelInfo, Platform, SystemClock};
use streamtide_platforms::Secret;
use streamtide_server::Metrics;
use streamtide_simulator::{SimConfig, Simulator};

use super::demo_history;
use crate::settings::Settings;
use crate::shutdown;
use crate::wiring::{self, spawn_server};

/// Point the settings at the simulator, with demo-friendly cadences.
pub fn settings_for_simulator(
    mut settings: Settings,
    sim: &Simulator,
    sim_cfg: &SimConfig,
    db: String,
) -> Settings {
    // The demo's thumbnail copies sit beside its database, apart from a real installation's.
    if settings.thumbnails.url == streamtide_thumbs::ThumbsConfig::default().url {
        let path = db.strip_prefix("sqlite://").unwrap_or(&db);
        let stem = path.strip_suffix(".db").unwrap_or(path);
        settings.thumbnails.url = format!("{stem}-thumbs");
    }
    settings.storage.url = db;
    // The simulator serves the pictures from loopback, which the copier refuses unless the
    // origin is trusted by name: the demo trusts exactly its simulator's four servers.
    for base in [
        sim.chzzk_base(),
        sim.soop_base(),
        sim.twitch_base(),
        sim.youtube_base(),
    ] {
        if !settings.thumbnails.trusted_origins.contains(&base) {
            settings.thumbnails.trusted_origins.push(base.clone());
        }
        // Pictures nobody copies (recent videos' thumbnails) load from the simulator itself,
        // a plain-HTTP origin the pages' policy otherwise refuses.
        if !settings.server.image_sources.contains(&base) {
            settings.server.image_sources.push(base);
        }
    }
    settings.platforms.chzzk.enabled = true;
    settings.platforms.chzzk.api_base = sim.chzzk_base();
    // The simulator's CHZZK server also speaks the Open API (`/open/v1`). A demo never calls the
    // real host; when the configuration would use the Open API (`source = "open_api"`, or `auto`
    // with credentials), it gets the simulator's credentials. The default (auto, none) stays web.
    let chzzk = &mut settings.platforms.chzzk;
    chzzk.open_api_base = sim.chzzk_base();
    if streamtide_platforms::chzzk::open_api::uses_open_api(chzzk) {
        chzzk.client_id = sim_cfg.chzzk_client_id.clone();
        chzzk.client_secret = Secret::new(sim_cfg.chzzk_client_secret.clone());
    }
    settings.platforms.soop.enabled = true;
    settings.platforms.soop.live_base = sim.soop_base();
    settings.platforms.soop.chapi_base = sim.soop_base();
    // Never fall back to the real hosts from a demo.
    settings.platforms.soop.live_fallback_base = String::new();
    settings.platforms.soop.chapi_fallback_base = String::new();
    // SOOP's Open API only when the configuration chooses it (`open_api`, or `auto` with an id;
    // the default `auto` without one stays on the web API): the simulator speaks it, with its
    // own demo client id, and a configured real id never leaves the machine.
    if streamtide_platforms::soop::uses_open_api(&settings.platforms.soop) {
        let soop = &mut settings.platforms.soop;
        soop.open_api_base = sim.soop_base();
        soop.open_api_fallback_base = String::new();
        soop.client_id = Secret::new(sim_cfg.soop_client_id.clone());
    }
    // The simulator's own credentials: demo values, not secrets of anyone's.
    let twitch = &mut settings.platforms.twitch;
    twitch.enabled = true;
    twitch.api_base = format!("{}/helix", sim.twitch_base());
    twitch.auth_base = sim.twitch_base();
    twitch.client_id = "streamtide-demo".into();
    twitch.client_secret = Secret::new(sim_cfg.twitch_client_secret.clone());
    twitch.requests_per_second = 20.0;
    let youtube = &mut settings.platforms.youtube;
    youtube.enabled = true;
    youtube.api_base = format!("{}/youtube/v3", sim.youtube_base());
    youtube.feeds_base = sim.youtube_base();
    youtube.api_key = Secret::new(sim_cfg.youtube_api_key.clone());
    youtube.requests_per_second = 20.0;
    // The simulator is local: faster rounds make the board move while you watch.
    settings.collector.live_interval = Duration::from_secs(30);
    settings.collector.channels_interval = Duration::from_secs(60);
    settings.collector.videos_interval = Duration::from_secs(600);
    settings.platforms.chzzk.requests_per_second = 20.0;
    settings.platforms.soop.requests_per_second = 20.0;
    settings
}

/// How big the demo's simulated market is (`demo --market`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Market {
    /// `--channels` channels per platform: quick on two cores.
    Small,
    /// The Korean market's real size (`SimConfig::full_market`).
    Full,
}

/// The simulator of a demo with `market` and `channels` per platform (`small`).
pub fn simulator_config(market: Market, channels: usize) -> SimConfig {
    let small = SimConfig::demo(channels, None);
    match market {
        Market::Small => small,
        Market::Full => small.full_market(),
    }
}

pub async fn run(
    settings: Settings,
    db: String,
    sim_cfg: SimConfig,
    track: usize,
    history_days: u32,
) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    // The demo runs on the wall clock: its past ends now, and the live servers go on from there.
    let now = streamtide_storage::truncate_to_second(chrono::Utc::now());
    let sim_cfg = SimConfig {
        story_end: Some(now),
        ..sim_cfg
    };
    let sim = Simulator::start(sim_cfg.clone(), Arc::new(SystemClock))
        .await
        .context("starting the platform simulator")?;
    tracing::info!(chzzk = %sim.chzzk_base(), soop = %sim.soop_base(), twitch = %sim.twitch_base(),
        youtube = %sim.youtube_base(), "Platform simulator listening on loopback.");
    let settings = settings_for_simulator(settings, &sim, &sim_cfg, db);
    super::rollup::prepare(&settings).await?;
    let store = wiring::open_store(&settings).await?;
    let fresh = store.counts().await?.channel_snapshots == 0;

    // A roster: the first `track` channels of each platform, as a user would add them.
    let mut roster = Vec::new();
    for platform in Platform::ALL {
        for info in sim.world().roster(platform, track) {
            store.track_channel(&info, now).await?;
            roster.push((platform, info.channel_id.as_str().to_string()));
        }
    }
    roster.extend(link_simulcasters(&store, &sim, now).await?);
    roster.sort();
    roster.dedup();

    if history_days > 0 && fresh {
        let channels = demo_history::tracked(sim.world(), &roster);
        let seeded = demo_history::seed(&store, sim.world(), channels, now, history_days).await?;
        println!(
            "streamtide demo: {history_days} days of history until {} for {} channels \
             ({} snapshots, {} broadcasts, {} live samples, {} daily rows) in {:.1} s",
            now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            seeded.channels,
            seeded.snapshots,
            seeded.sessions,
            seeded.live_samples,
            seeded.rollup_days,
            seeded.seconds
        );
        let started = std::time::Instant::now();
        let rounds = super::demo_market::seed(&store, sim.world(), now, history_days).await?;
        println!(
            "streamtide demo: the market's last {} day(s): {rounds} census rounds in {:.1} s",
            history_days.min(7),
            started.elapsed().as_secs_f64()
        );
    } else if history_days > 0 {
        println!(
            "streamtide demo: the database already holds observations; no history generated \
             (start from a new --db for a fresh past)"
        );
    }

    let metrics = Arc::new(Metrics::new());
    let token = shutdown::on_signal();
    let (collector, thumbs) =
        wiring::collector_with_thumbs(&settings, store.clone(), &metrics, token.clone()).await?;
    let (addr, server) = spawn_server(
        &settings,
        wiring::app_state(&settings, store.clone(), metrics).await?,
        token.clone(),
    )
    .await?;
    println!(
        "streamtide demo: live board at http://{addr}/  (API: http://{addr}/api/v1/live) — ready in {:.1} s — Ctrl-C to stop",
        started.elapsed().as_secs_f64()
    );
    // After the board's line (scripts find the board as the first address printed), without a
    // trailing slash: where a test makes a channel go live (`POST <base>/__sim/start-live`).
    println!(
        "streamtide demo: platform simulator chzzk={} soop={} twitch={} youtube={}",
        sim.chzzk_base(),
        sim.soop_base(),
        sim.twitch_base(),
        sim.youtube_base()
    );
    // Alerts configured for the demo are sent as in `run`.
    let alert_worker = collector
        .alerts()
        .map(|engine| wiring::alerts::spawn_worker(engine, token.clone()));
    collector.run(token.clone()).await;
    if let Some(w) = alert_worker {
        let _ = w.await;
    }
    server.await.context("server task")?.context("server")?;
    if let Some(t) = thumbs {
        let _ = t.await;
    }
    store.close().await;
    sim.shutdown().await;
    Ok(())
}

/// Track and link the simulated creators (those who simulcast, the one who moved from Twitch to
/// CHZZK, the one on three platforms), as a user would with `channels add` and `creators link`,
/// so the live list shows each simulcast once and the creator pages sum their platforms. Returns
/// the channels it tracked.
async fn link_simulcasters(
    store: &streamtide_storage::Store,
    sim: &Simulator,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Vec<(Platform, String)>> {
    let mut tracked = Vec::new();
    for creator in sim.world().creators() {
        let (creator_id, _) = store.upsert_creator(&creator.name, now).await?;
        for (platform, id) in &creator.channels {
            let Some(ch) = sim.world().channel(*platform, id) else {
                continue;
            };
            let channel_id = ChannelId::new(ch.id.clone());
            store
                .track_channel(
                    &ChannelInfo {
                        platform: *platform,
                        channel_id: channel_id.clone(),
                        name: ch.name.clone(),
                        handle: ch.handle.clone(),
                        avatar_url: None,
                        description: None,
                    },
                    now,
                )
                .await?;
            store
                .link_channel(*platform, &channel_id, creator_id)
                .await?;
            tracked.push((*platform, ch.id.clone()));
        }
    }
    Ok(tracked)
}
