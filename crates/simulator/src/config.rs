//! The knobs a simulator is started with.

use std::time::Duration;

/// A stretch of simulated time `[from, until)` when the YouTube channel feeds answer `status`
/// (404 and 500 were both seen in 2026) with an HTML error page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedOutage {
    pub from: chrono::DateTime<chrono::Utc>,
    pub until: chrono::DateTime<chrono::Utc>,
    pub status: u16,
}

/// Something that happens to one channel at a moment of simulated time (2026 saw both daily).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChannelChange {
    /// The channel `index` of `platform` takes `name` at `at` (SOOP's list and station pages
    /// answer the name of the moment; the other platforms' replies show the new name).
    Rename {
        platform: streamtide_core::Platform,
        index: usize,
        name: String,
        at: chrono::DateTime<chrono::Utc>,
    },
    /// The channel `index` of `platform` is deleted at `at`: a broadcast running then ends, none
    /// starts later, and CHZZK's channel endpoints answer it as an unknown channel.
    Delete {
        platform: streamtide_core::Platform,
        index: usize,
        at: chrono::DateTime<chrono::Utc>,
    },
}

/// How big the simulated population is and how the servers behave.
#[derive(Debug, Clone, PartialEq)]
pub struct SimConfig {
    /// Everything in the world derives from this; equal seeds give equal worlds.
    pub seed: u64,
    pub chzzk_channels: usize,
    pub soop_channels: usize,
    /// Twitch users served by the Helix server (0 = an empty Twitch).
    pub twitch_channels: usize,
    /// YouTube channels served by the Data API / feeds server (0 = an empty YouTube).
    pub youtube_channels: usize,
    /// Twitch: points in the Helix bucket (`Ratelimit-Limit`); every call costs one.
    pub twitch_bucket: u32,
    /// Twitch: how long after its first use an emptied bucket refills (Helix: one minute).
    pub twitch_bucket_window: Duration,
    /// Twitch: measure the bucket's window on the simulator's clock instead of the wall clock.
    /// A run of simulated days in minutes sets it: the platform counts points per minute of the
    /// time the collector lives in, and a wall-clock bucket would see a day's calls in a minute.
    pub twitch_bucket_on_sim_clock: bool,
    /// Twitch: lifetime of minted app tokens (`expires_in`).
    pub twitch_token_ttl: Duration,
    /// Twitch: the client secret `POST /oauth2/token` accepts (any client id is accepted).
    pub twitch_client_secret: String,
    /// CHZZK Open API: the `Client-Id` and `Client-Secret` `/open/v1/*` accepts (else 401).
    pub chzzk_client_id: String,
    pub chzzk_client_secret: String,
    /// YouTube: the API key the Data API accepts.
    pub youtube_api_key: String,
    /// SOOP: the `client_id` the Open API (`/broad/list`, `/broad/category/list`) accepts.
    pub soop_client_id: String,
    /// YouTube: units of the main bucket per Pacific day before `quotaExceeded`.
    pub youtube_daily_quota: u64,
    /// YouTube: `search.list` calls per Pacific day before `quotaExceeded` (own bucket).
    pub youtube_search_calls: u64,
    /// YouTube: `videos.batchGetStats` calls per Pacific day (own bucket since 2026-06-03).
    pub youtube_stats_calls: u64,
    /// YouTube: stretches of simulated time when every channel feed answers this status
    /// (the platform-wide feed outages of 2026). A runtime switch is
    /// `Simulator::set_youtube_feed_outage`.
    pub youtube_feed_outages: Vec<FeedOutage>,
    /// uniform random extra latency per request, None = none
    pub latency: Option<(Duration, Duration)>,
    /// CHZZK polling path versions that answer code 9004 (e.g. vec!["v3.1".into()])
    pub blocked_polling_versions: Vec<String>,
    /// CHZZK `/service/{v}` versions that answer code 9004 from the start (more can be retired
    /// while running: `Simulator::chzzk_retire_service_version`).
    pub retired_service_versions: Vec<String>,
    /// CHZZK answers 403 to requests without the headers a 2026 browser sends (`Origin`,
    /// `Front-Client-Platform-Type`, `Front-Client-Product-Type`, `deviceId`).
    pub chzzk_require_browser_headers: bool,
    /// fraction of channels that are adult-rated (SOOP broad_grade 19 / CHZZK adult:true)
    pub adult_fraction: f64,
    /// Point image URLs at this server and answer them with generated pictures (see
    /// `http::images`); off, replies name the real CDNs like the captures do.
    pub serve_images: bool,
    /// Where a demo's past ends (its start, on the wall clock): with it, the world plays a story
    /// over the preceding months (a collapse, a viral riser, milestones, a rename, a creator who
    /// moved from Twitch to CHZZK, a creator on three platforms; see `world::story`). `None`
    /// leaves the plain generated population.
    pub story_end: Option<chrono::DateTime<chrono::Utc>>,
    /// Renames and deletions during the run.
    pub channel_changes: Vec<ChannelChange>,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            seed: 42,
            chzzk_channels: 300,
            soop_channels: 300,
            twitch_channels: 0,
            youtube_channels: 0,
            twitch_bucket: 800,
            twitch_bucket_window: Duration::from_secs(60),
            twitch_bucket_on_sim_clock: false,
            twitch_token_ttl: Duration::from_secs(5_011_271),
            twitch_client_secret: "sim-twitch-secret".into(),
            chzzk_client_id: "sim-chzzk-client-id".into(),
            chzzk_client_secret: "sim-chzzk-secret".into(),
            youtube_api_key: "sim-youtube-key".into(),
            soop_client_id: "sim-soop-client-id".into(),
            youtube_daily_quota: 10_000,
            youtube_search_calls: 100,
            youtube_stats_calls: 10_000,
            youtube_feed_outages: Vec::new(),
            latency: None,
            blocked_polling_versions: Vec::new(),
            retired_service_versions: Vec::new(),
            chzzk_require_browser_headers: false,
            adult_fraction: 0.05,
            serve_images: false,
            story_end: None,
            channel_changes: Vec::new(),
        }
    }
}

impl SimConfig {
    /// The Korean live market at its real size: about a fifth of the channels are live on a day's
    /// average, so CHZZK keeps ~3,000 broadcasts live, SOOP ~6,000 and Twitch ~2,000 Korean
    /// streams (its channels are four in five Korean), as the platforms' directories hold in
    /// 2025–2026: about 1.4 times as many at 21–22 KST, 0.65 times in the morning. YouTube keeps
    /// its count (it has no directory).
    pub fn full_market(self) -> SimConfig {
        SimConfig {
            chzzk_channels: 15_000,
            soop_channels: 30_000,
            twitch_channels: 12_500,
            ..self
        }
    }

    /// The world of `streamtide demo --channels N`: N channels on CHZZK and SOOP, a quarter as many
    /// on Twitch and YouTube (the global platforms have few Korean streamers), pictures served by
    /// the simulator (so the thumbnail copier has something to copy), and the story ending at
    /// `story_end`. A test rebuilding the demo's world for its ground truth calls this too.
    pub fn demo(channels: usize, story_end: Option<chrono::DateTime<chrono::Utc>>) -> SimConfig {
        SimConfig {
            chzzk_channels: channels,
            soop_channels: channels,
            twitch_channels: channels / 4,
            youtube_channels: channels / 4,
            serve_images: true,
            story_end,
            ..SimConfig::default()
        }
    }
}
