//! The HTTP side: one axum router per platform over the shared world, with fault injection and
//! the `/__sim` control surface on both.

mod chzzk;
mod control;
mod faults;
mod images;
mod params;
mod reply;
mod soop;
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

/// The complete app for one platform's server.
pub(crate) fn router(state: AppState) -> Router {
    let platform = state.shared.platform;
    let routes = match platform {
        Platform::Chzzk => chzzk::routes(),
        Platform::Soop => soop::routes(),
        Platform::Twitch => twitch::routes(),
        Platform::Youtube => youtube::routes(),
    };
    routes
        .merge(control::routes())
        .route(images::ROUTE, axum::routing::get(images::image))
        .fallback(move || async move { reply::not_found(platform) })
        .layer(from_fn_with_state(
            state.clone(),
            images::rewrite_middleware,
        ))
        // `layer` (not `route_layer`) so unknown routes are counted and can be faulted too.
        .layer(from_fn_with_state(state.shared.clone(), faults::middleware))
        .with_state(state)
}
