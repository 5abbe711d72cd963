//! Starting, controlling and stopping the local servers (CHZZK, SOOP, Twitch, YouTube).

use std::io;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use streamtide_core::{Clock, Platform};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use crate::http::seen::SeenRequest;
pub use crate::http::soop::OldHosts as SoopOldHosts;
use crate::http::{self, AppState, ServerShared};
use crate::{Fault, SimConfig, World};

/// How long `shutdown` lets in-flight requests (say, a long Delay fault) finish before aborting.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// Running CHZZK, SOOP, Twitch and YouTube servers over one shared [`World`].
pub struct Simulator {
    world: Arc<World>,
    /// One server per platform, in [`Platform::ALL`] order (what each serves is registered in
    /// `http::platform_routes`).
    servers: Vec<Server>,
}

impl Simulator {
    /// Generates the world and binds every server on `127.0.0.1` with OS-chosen ports. Must be
    /// called inside a Tokio runtime; the servers run as tasks on it.
    pub async fn start(cfg: SimConfig, clock: Arc<dyn Clock>) -> io::Result<Simulator> {
        let world = Arc::new(World::new(&cfg));
        let cfg = Arc::new(cfg);
        let mut servers = Vec::with_capacity(Platform::ALL.len());
        for platform in Platform::ALL {
            let server = Server::start(platform, &world, &cfg, &clock).await?;
            tracing::info!(%platform, base = %server.base, "simulator listening");
            servers.push(server);
        }
        Ok(Simulator { world, servers })
    }

    /// The base URL of `platform`'s server (see the platform's own accessor for which hosts
    /// it stands in for).
    pub fn base(&self, platform: Platform) -> Option<String> {
        self.server(platform).map(|s| s.base.clone())
    }

    /// The Twitch server: Helix under `/helix` (api_base = `{base}/helix`) and the OAuth token
    /// endpoint at `/oauth2/token` (auth_base = `{base}`).
    pub fn twitch_base(&self) -> String {
        self.on(Platform::Twitch).base.clone()
    }

    /// The YouTube server: the Data API under `/youtube/v3` (api_base = `{base}/youtube/v3`) and
    /// the channel feeds at `/feeds/videos.xml` (feeds_base = `{base}`).
    pub fn youtube_base(&self) -> String {
        self.on(Platform::Youtube).base.clone()
    }

    /// Twitch app tokens minted so far.
    pub fn twitch_tokens_issued(&self) -> u64 {
        self.on(Platform::Twitch).shared.twitch.tokens_issued()
    }

    /// Invalidate every Twitch token minted so far (Helix then answers 401 to them).
    pub fn twitch_revoke_tokens(&self) {
        self.on(Platform::Twitch).shared.twitch.revoke_all();
    }

    /// Twitch answers that were 429 because the bucket was empty.
    pub fn twitch_throttled(&self) -> u64 {
        self.on(Platform::Twitch).shared.twitch.throttled()
    }

    /// YouTube `(units, search calls)` spent on the current simulated Pacific day.
    pub fn youtube_quota_used(&self) -> (u64, u64) {
        self.on(Platform::Youtube).shared.youtube.used()
    }

    /// What the current (last charged) Pacific day spent in each YouTube bucket.
    pub fn youtube_spent(&self) -> crate::http::youtube::YoutubeSpent {
        self.on(Platform::Youtube).shared.youtube.spent()
    }

    /// Make every YouTube channel feed answer `status` (an HTML error page), or stop that.
    pub fn set_youtube_feed_outage(&self, status: Option<u16>) {
        self.on(Platform::Youtube)
            .shared
            .youtube
            .set_feed_outage(status);
    }

    /// Video ids asked for in `videos.list` calls so far (the live-check candidates).
    pub fn youtube_video_ids_requested(&self) -> u64 {
        self.on(Platform::Youtube)
            .shared
            .youtube
            .video_ids_requested()
    }

    /// Served YouTube requests whose path contains `needle` (e.g. `/feeds/`, `/videos`).
    pub fn youtube_requests_to(&self, needle: &str) -> u64 {
        self.on(Platform::Youtube)
            .shared
            .youtube
            .requests_to(needle)
    }

    /// Served Twitch requests whose path contains `needle` (e.g. `/helix/streams`).
    pub fn twitch_requests_to(&self, needle: &str) -> u64 {
        self.on(Platform::Twitch).shared.twitch.requests_to(needle)
    }

    /// e.g. `http://127.0.0.1:41234`, standing in for `https://api.chzzk.naver.com`.
    pub fn chzzk_base(&self) -> String {
        self.on(Platform::Chzzk).base.clone()
    }

    /// Stands in for both `https://live.sooplive.com` and `https://chapi.sooplive.com`.
    pub fn soop_base(&self) -> String {
        self.on(Platform::Soop).base.clone()
    }

    /// Stands in for the old hosts `https://live.sooplive.co.kr` and `https://chapi.sooplive.co.kr`
    /// (same data as [`Simulator::soop_base`] until [`Simulator::set_soop_old_hosts`] moves them).
    pub fn soop_old_base(&self) -> String {
        format!("{}{}", self.on(Platform::Soop).base, http::soop::OLD_PREFIX)
    }

    /// How the old `.co.kr` hosts answer from now on (SOOP moved to `.com` in 2026).
    pub fn set_soop_old_hosts(&self, mode: SoopOldHosts) {
        *self
            .on(Platform::Soop)
            .shared
            .kr
            .soop_old_hosts
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = mode;
    }

    /// Retire a CHZZK `/service/{v}` path version: from now on it answers code 9004.
    pub fn chzzk_retire_service_version(&self, version: &str) {
        let mut v = self
            .on(Platform::Chzzk)
            .shared
            .kr
            .retired_service_versions
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if !v.iter().any(|x| x == version) {
            v.push(version.to_string());
        }
    }

    /// The requests a KR server received so far (path, query, identifying headers), oldest
    /// first; empty for Twitch and YouTube.
    pub fn requests_seen(&self, platform: Platform) -> Vec<SeenRequest> {
        self.server(platform)
            .map(|s| s.shared.seen.all())
            .unwrap_or_default()
    }

    /// Ground truth for tests.
    pub fn world(&self) -> &World {
        &self.world
    }

    /// `platform`'s channel `id` goes live at `at` (see [`World::start_live`]; over HTTP:
    /// `POST /__sim/start-live?channel=<id>` on that platform's server).
    pub fn start_live(
        &self,
        platform: Platform,
        id: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<crate::SimLive, crate::StartLiveError> {
        self.world.start_live(platform, id, at)
    }

    /// Queue a fault on one platform's server. Platforms without a server are ignored.
    pub fn inject(&self, platform: Platform, fault: Fault) {
        match self.server(platform) {
            Some(s) => s.shared.faults.push(fault),
            None => tracing::warn!(%platform, "simulator has no server for this platform"),
        }
    }

    /// Drop every pending fault on every server.
    pub fn clear_faults(&self) {
        for server in &self.servers {
            server.shared.faults.clear();
        }
    }

    /// Platform requests served so far, faulted ones included (`/__sim` calls are not counted).
    pub fn requests(&self, platform: Platform) -> u64 {
        self.server(platform)
            .map_or(0, |s| s.shared.requests.load(Ordering::Relaxed))
    }

    /// Stop both servers, giving in-flight requests a short grace period.
    pub async fn shutdown(mut self) {
        // Every server stops accepting first, so their grace periods run at the same time.
        for server in &mut self.servers {
            server.signal_stop();
        }
        for server in &mut self.servers {
            server.shutdown().await;
        }
    }

    fn server(&self, platform: Platform) -> Option<&Server> {
        self.servers.iter().find(|s| s.shared.platform == platform)
    }

    /// The server of a platform every simulator runs (`start` starts one per [`Platform::ALL`]).
    fn on(&self, platform: Platform) -> &Server {
        &self.servers[platform.order()]
    }
}

impl std::fmt::Debug for Simulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("Simulator");
        for server in &self.servers {
            d.field(server.shared.platform.as_str(), &server.base);
        }
        d.finish_non_exhaustive()
    }
}

/// One platform's listener and its serving task.
struct Server {
    base: String,
    shared: Arc<ServerShared>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Server {
    async fn start(
        platform: Platform,
        world: &Arc<World>,
        cfg: &Arc<SimConfig>,
        clock: &Arc<dyn Clock>,
    ) -> io::Result<Server> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let base = format!("http://{}", listener.local_addr()?);
        let shared = Arc::new(ServerShared::new(platform, cfg.latency));
        let app = http::router(AppState {
            world: world.clone(),
            clock: clock.clone(),
            cfg: cfg.clone(),
            shared: shared.clone(),
            base: base.as_str().into(),
        });
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
                // A dropped sender (Simulator dropped without shutdown) also stops the server.
                let _ = stopped.await;
            });
            if let Err(e) = serve.await {
                tracing::warn!(%platform, error = %e, "simulator server stopped with an error");
            }
        });
        Ok(Server {
            base,
            shared,
            stop: Some(stop),
            task: Some(task),
        })
    }

    fn signal_stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    async fn shutdown(&mut self) {
        self.signal_stop();
        if let Some(mut task) = self.task.take() {
            if tokio::time::timeout(SHUTDOWN_GRACE, &mut task)
                .await
                .is_err()
            {
                task.abort();
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Without an explicit shutdown, stop accepting at once and abandon in-flight requests.
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
