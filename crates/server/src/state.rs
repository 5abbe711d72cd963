//! What every handler shares.

use std::sync::Arc;

use streamtide_storage::Store;

use crate::Metrics;

/// Shared state of the API; cheap to clone (the store is a pool handle, metrics are shared).
#[derive(Clone, Debug)]
pub struct AppState {
    pub store: Store,
    /// Live items last seen more than this before now are stale and hidden from `/live`: a
    /// broadcast that dropped out of every list stays "open" in the store until the collector's
    /// next round closes it, and the API should not show it meanwhile.
    pub live_freshness: chrono::Duration,
    /// The registry `/metrics` exposes; the collector registers its own counters into it.
    pub metrics: Arc<Metrics>,
    /// Origins besides browser extensions that may call the API from a browser (CORS).
    pub cors_origins: Vec<String>,
    /// The admin token and operations; `None` keeps the admin endpoints off.
    pub admin: Option<crate::admin::AdminAccess>,
}

impl AppState {
    pub fn new(store: Store, live_freshness: chrono::Duration, metrics: Arc<Metrics>) -> Self {
        AppState {
            store,
            live_freshness,
            metrics,
            cors_origins: Vec::new(),
            admin: None,
        }
    }

    /// Turn the admin endpoints on (`None` leaves them off).
    pub fn with_admin(mut self, admin: Option<crate::admin::AdminAccess>) -> Self {
        self.admin = admin;
        self
    }

    /// Let these origins (exact, e.g. `https://dashboard.example`) call the API from a browser.
    pub fn with_cors_origins(mut self, origins: Vec<String>) -> Self {
        self.cors_origins = origins;
        self
    }

    /// The oldest `last_seen_at` a live item may have to be shown, as of `now`.
    pub(crate) fn seen_after(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> chrono::DateTime<chrono::Utc> {
        now - self.live_freshness
    }
}
