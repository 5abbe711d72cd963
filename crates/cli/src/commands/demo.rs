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

use super::{run::spawn_server, wire};
use crate::settings::Settings;
use crate::shutdown;

/// Point the settings at the simulator, with demo-friendly cadences.
pub fn settings_for_simulator(
    mut settings: Settings,
    sim: &Simulator,
    sim_cfg: &SimConfig,
    db: String,
) -> Settings {
    settings.storage.url = db;
    settings.platforms.chzzk.enabled = true;
    settings.platforms.chzzk.api_base = sim.chzzk_base();
    settings.platforms.soop.enabled = true;
    settings.platforms.soop.live_base = sim.soop_base();
    settings.platforms.soop.chapi_base = sim.soop_base();
    // Never fall back to the real hosts from a demo.
    settings.platforms.soop.live_fallback_base = String::new();
    settings.platforms.soop.chapi_fallback_base = String::new();
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

pub async fn run(
    settings: Settings,
    db: String,
    channels: usize,
    track: usize,
) -> anyhow::Result<()> {
    let sim_cfg = SimConfig {
        chzzk_channels: channels,
        soop_channels: channels,
        // The global platforms have few Korean streamers; a smaller population keeps it honest.
        twitch_channels: channels / 4,
        youtube_channels: channels / 4,
        ..SimConfig::default()
    };
    let sim = Simulator::start(sim_cfg.clone(), Arc::new(SystemClock))
        .await
        .context("starting the platform simulator")?;
    tracing::info!(chzzk = %sim.chzzk_base(), soop = %sim.soop_base(), twitch = %sim.twitch_base(),
        youtube = %sim.youtube_base(), "Platform simulator listening on loopback.");
    let settings = settings_for_simulator(settings, &sim, &sim_cfg, db);
    let store = wire::open_store(&settings).await?;

    // A roster: the first `track` channels of each platform, as a user would add them.
    let now = chrono::Utc::now();
    for platform in Platform::ALL {
        for ch in sim.world().channels(platform).iter().take(track) {
            let info = ChannelInfo {
                platform,
                channel_id: ChannelId::new(ch.id.clone()),
                name: ch.name.clone(),
                handle: ch.handle.clone(),
                avatar_url: None,
                description: None,
            };
            store.track_channel(&info, now).await?;
        }
    }

    let metrics = Arc::new(Metrics::new());
    let collector = wire::collector(&settings, store.clone(), &metrics).await?;
    let token = shutdown::on_signal();
    let (addr, server) = spawn_server(
        &settings,
        wire::app_state(&settings, store.clone(), metrics).await?,
        token.clone(),
    )
    .await?;
    println!("streamtide demo: live board at http://{addr}/  (API: http://{addr}/api/v1/live) — Ctrl-C to stop");
    collector.run(token.clone()).await;
    server.await.context("server task")?.context("server")?;
    store.close().await;
    sim.shutdown().await;
    Ok(())
}
