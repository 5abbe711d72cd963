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
    /// Plain-HTTP (or otherwise not covered) image origins the web UI may show pictures from,
    /// added to the page's `img-src` (`server.image_sources`).
    pub image_sources: Vec<String>,
    /// The admin token and operations; `None` keeps the admin endpoints off.
    pub admin: Option<crate::admin::AdminAccess>,
    /// Read-time curation of `/live`: per-platform freshness and the unmapped-category gauge.
    pub curation: Arc<crate::routes::live::Curation>,
    /// Per-client limit of the public API's reads; `None` does not limit.
    pub rate_limit: Option<Arc<crate::rate_limit::ClientRateLimit>>,
    /// The object store of thumbnail copies served at `/thumbs/`; `None`: copies are off.
    pub thumbs: Option<streamtide_thumbs::ThumbStore>,
    /// Computed answers shared between requests for a moment (see [`crate::AnswerCaches`]).
    pub caches: Arc<crate::AnswerCaches>,
    /// Every platform and whether this configuration collects it; `None`: judge the platforms
    /// whose jobs have run (tests that build a bare state).
    pub platforms: Option<Arc<Vec<(streamtide_core::Platform, PlatformSetup)>>>,
    /// The request body limit of `POST /api/v1/import` (`[import] max_file_bytes`).
    pub import_max_bytes: usize,
    /// `[alerts]`: the rules and destinations the alerts routes list and check against.
    pub alerts: Option<Arc<streamtide_alerts::AlertsConfig>>,
}

/// Whether the configuration collects a platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlatformSetup {
    Enabled,
    /// Not collected, and why (names configuration keys, never values).
    Skipped(String),
}

/// The documented default body limit of `POST /api/v1/import`: 16 MiB.
pub const DEFAULT_IMPORT_MAX_BYTES: usize = 16 * 1024 * 1024;

/// How long one curated live list serves every `/live` request: rounds land every 30 s or
/// more, so a second-old list is as good as a fresh one.
pub const LIVE_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(1);
/// How long one ranking serves every equal `/trends` request (rollups move as rounds land).
pub const TRENDS_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(5);

impl AppState {
    /// With the production caches on ([`LIVE_CACHE_TTL`], [`TRENDS_CACHE_TTL`]).
    pub fn new(store: Store, live_freshness: chrono::Duration, metrics: Arc<Metrics>) -> Self {
        AppState {
            store,
            live_freshness,
            curation: Arc::new(
                crate::routes::live::Curation::new(live_freshness, &metrics)
                    .with_cache(LIVE_CACHE_TTL),
            ),
            caches: Arc::new(crate::AnswerCaches::new(TRENDS_CACHE_TTL)),
            metrics,
            cors_origins: Vec::new(),
            image_sources: Vec::new(),
            admin: None,
            rate_limit: None,
            thumbs: None,
            platforms: None,
            import_max_bytes: DEFAULT_IMPORT_MAX_BYTES,
            alerts: None,
        }
    }

    /// Which platforms the configuration collects (for `/healthz`: `starting` until each has had
    /// a first success, and the skipped ones listed).
    pub fn with_platforms(
        mut self,
        platforms: Vec<(streamtide_core::Platform, PlatformSetup)>,
    ) -> Self {
        self.platforms = Some(Arc::new(platforms));
        self
    }

    /// Serve thumbnail copies from this object store at `/thumbs/{hash}.webp`.
    pub fn with_thumbs(mut self, thumbs: Option<streamtide_thumbs::ThumbStore>) -> Self {
        self.thumbs = thumbs;
        self
    }

    /// Judge each listed platform's live items by its own refresh interval (default: one
    /// interval for all, half of `live_freshness` less the slack).
    pub fn with_live_intervals(
        mut self,
        intervals: std::collections::HashMap<streamtide_core::Platform, chrono::Duration>,
    ) -> Self {
        self.curation = Arc::new(self.curation.with_intervals(intervals));
        self
    }

    /// The request body limit of `POST /api/v1/import`.
    pub fn with_import_limit(mut self, bytes: usize) -> Self {
        self.import_max_bytes = bytes;
        self
    }

    /// The alerts configuration the alerts routes speak of.
    pub fn with_alerts(mut self, alerts: Arc<streamtide_alerts::AlertsConfig>) -> Self {
        self.alerts = Some(alerts);
        self
    }

    /// Turn the admin endpoints on (`None` leaves them off).
    pub fn with_admin(mut self, admin: Option<crate::admin::AdminAccess>) -> Self {
        self.admin = admin;
        self
    }

    /// Limit each client's reads of the public API (`None`: no limit).
    pub fn with_rate_limit(
        mut self,
        limit: Option<Arc<crate::rate_limit::ClientRateLimit>>,
    ) -> Self {
        self.rate_limit = limit;
        self
    }

    /// Image origins besides HTTPS hosts the pages may load pictures from (see
    /// [`crate::layers::image_source_problem`] for what is accepted; the caller validates).
    pub fn with_image_sources(mut self, sources: Vec<String>) -> Self {
        self.image_sources = sources;
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
