//! The HTTP side: one axum router per platform over the shared world, with fault injection and
//! the `/__sim` control surface on both.

pub(crate) mod chzzk;
mod control;
mod faults;
mod images;
mod params;
mod reply;
pub(crate) mod seen;
pub(crate) mod soop;
mod transform;
pub(crate) mod twitch;
pub(crate) mod youtube;

use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Duration;

use axum::middleware::from_fn_with_state;
use axum::Router;
use chrono::{DateTime, Utc};
use streamtide_core::{Clock, Platform};

use crate::fault::FaultBook;
use crate::world::SimShape;
use crate::{SimConfig, World};

/// Per-server mutable bits: the only state in the simulator that is not a function of time.
#[derive(Debug)]
pub(crate) struct ServerShared {
    pub platform: Platform,
    pub faults: FaultBook,
    /// Platform requests served, faulted ones included, control-surface ones excluded.
    pub requests: AtomicU64,
    pub latency: Option<(Duration, Duration)>,
    /// Tokens and rate bucket of the Twitch server (unused by the others).
    pub twitch: twitch::TwitchState,
    /// Quota spent on the YouTube server (unused by the others).
    pub youtube: youtube::YoutubeState,
    /// Requests received, with their identifying headers (CHZZK and SOOP record them).
    pub seen: seen::SeenLog,
    /// CHZZK: retired `/service/{v}` versions (answer 9004); SOOP: how the `.co.kr` hosts answer.
    pub kr: KrState,
}

/// The switchable 2026 behaviours of the Korean servers.
#[derive(Debug, Default)]
pub(crate) struct KrState {
    pub retired_service_versions: std::sync::Mutex<Vec<String>>,
    pub soop_old_hosts: std::sync::Mutex<soop::OldHosts>,
}

impl ServerShared {
    pub(crate) fn new(platform: Platform, latency: Option<(Duration, Duration)>) -> Self {
        ServerShared {
            platform,
            faults: FaultBook::default(),
            requests: AtomicU64::new(0),
            latency,
            twitch: twitch::TwitchState::default(),
            youtube: youtube::YoutubeState::default(),
            seen: seen::SeenLog::default(),
            kr: KrState::default(),
        }
    }
}

/// What every handler gets.
#[derive(Clone)]
pub(crate) struct AppState {
    pub world: Arc<World>,
    pub clock: Arc<dyn Clock>,
    pub cfg: Arc<SimConfig>,
    pub shared: Arc<ServerShared>,
    /// This server's own base URL, for the absolute links SOOP's paginator prints.
    pub base: Arc<str>,
}

impl AppState {
    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}

/// What one platform's fake server serves.
struct PlatformRoutes {
    routes: Router<AppState>,
    /// Wrapped in the KR gate (CHZZK's retired path versions and header check, SOOP's moved
    /// hosts) and its request log.
    kr_gate: bool,
}

/// The table of fake servers: the one place a platform's server is registered
/// ([`crate::Simulator`] starts one per [`Platform::ALL`]).
fn platform_routes(platform: Platform) -> PlatformRoutes {
    let (routes, kr_gate) = match platform {
        Platform::Chzzk => (chzzk::routes(), true),
        Platform::Soop => (soop::routes(), true),
        Platform::Twitch => (twitch::routes(), false),
        Platform::Youtube => (youtube::routes(), false),
    };
    PlatformRoutes { routes, kr_gate }
}

/// The table of simulated populations: each platform's [`SimShape`] (channel count, id, handle
/// and picture shapes, statistics), kept in its server's file beside the wire format.
pub(crate) fn sim_shape(platform: Platform) -> &'static SimShape {
    match platform {
        Platform::Chzzk => &chzzk::SHAPE,
        Platform::Soop => &soop::SHAPE,
        Platform::Twitch => &twitch::SHAPE,
        Platform::Youtube => &youtube::SHAPE,
    }
}

/// The complete app for one platform's server.
pub(crate) fn router(state: AppState) -> Router {
    let platform = state.shared.platform;
    let PlatformRoutes { routes, kr_gate } = platform_routes(platform);
    let routes = if kr_gate {
        routes.layer(from_fn_with_state(state.clone(), kr_gate_middleware))
    } else {
        routes
    };
    let app = routes
        .merge(control::routes())
        .route(images::ROUTE, axum::routing::get(images::image))
        .fallback(move || async move { reply::not_found(platform) })
        .layer(from_fn_with_state(
            state.clone(),
            images::rewrite_middleware,
        ))
        // `layer` (not `route_layer`) so unknown routes are counted and can be faulted too.
        .layer(from_fn_with_state(state.shared.clone(), faults::middleware));
    let app = if kr_gate {
        app.layer(from_fn_with_state(state.clone(), seen::middleware))
    } else {
        app
    };
    app.with_state(state)
}

/// CHZZK's retired path versions and header check, SOOP's moved hosts.
async fn kr_gate_middleware(
    axum::extract::State(s): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    match s.shared.platform {
        Platform::Chzzk => chzzk::gate(&s, req, next).await,
        _ => soop::gate(&s, req, next).await,
    }
}
