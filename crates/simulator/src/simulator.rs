//! Starting, controlling and stopping the two local servers.

use std::io;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use streamtide_core::{Clock, Platform};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::http::{self, AppState, ServerShared};
use crate::{Fault, SimConfig, World};

/// How long `shutdown` lets in-flight requests (say, a long Delay fault) finish before aborting.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// A running CHZZK server and SOOP server over one shared [`World`].
pub struct Simulator {
    world: Arc<World>,
    chzzk: Server,
    soop: Server,
}

impl Simulator {
    /// Generates the world and binds both servers on `127.0.0.1` with OS-chosen ports. Must be
    /// called inside a Tokio runtime; the servers run as tasks on it.
    pub async fn start(cfg: SimConfig, clock: Arc<dyn Clock>) -> io::Result<Simulator> {
        let world = Arc::new(World::new(&cfg));
        let cfg = Arc::new(cfg);
        let chzzk = Server::start(Platform::Chzzk, &world, &cfg, &clock).await?;
        let soop = Server::start(Platform::Soop, &world, &cfg, &clock).await?;
        tracing::info!(chzzk = %chzzk.base, soop = %soop.base, "simulator listening");
        Ok(Simulator { world, chzzk, soop })
    }

    /// e.g. `http://127.0.0.1:41234`, standing in for `https://api.chzzk.naver.com`.
    pub fn chzzk_base(&self) -> String {
        self.chzzk.base.clone()
    }

    /// Stands in for both `https://live.sooplive.co.kr` and `https://chapi.sooplive.co.kr`.
    pub fn soop_base(&self) -> String {
        self.soop.base.clone()
    }

    /// Ground truth for tests.
    pub fn world(&self) -> &World {
        &self.world
    }

    /// Queue a fault on one platform's server. Platforms without a server are ignored.
    pub fn inject(&self, platform: Platform, fault: Fault) {
        match self.server(platform) {
            Some(s) => s.shared.faults.push(fault),
            None => tracing::warn!(%platform, "simulator has no server for this platform"),
        }
    }

    /// Drop every pending fault on both servers.
    pub fn clear_faults(&self) {
        self.chzzk.shared.faults.clear();
        self.soop.shared.faults.clear();
    }

    /// Platform requests served so far, faulted ones included (`/__sim` calls are not counted).
    pub fn requests(&self, platform: Platform) -> u64 {
        self.server(platform)
            .map_or(0, |s| s.shared.requests.load(Ordering::Relaxed))
    }

    /// Stop both servers, giving in-flight requests a short grace period.
    pub async fn shutdown(mut self) {
        tokio::join!(self.chzzk.shutdown(), self.soop.shutdown());
    }

    fn server(&self, platform: Platform) -> Option<&Server> {
        match platform {
            Platform::Chzzk => Some(&self.chzzk),
            Platform::Soop => Some(&self.soop),
            Platform::Twitch | Platform::Youtube => None,
        }
    }
}

impl std::fmt::Debug for Simulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator")
            .field("chzzk", &self.chzzk.base)
            .field("soop", &self.soop.base)
            .finish_non_exhaustive()
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

    async fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
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
