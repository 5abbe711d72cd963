//! Configuration of the platform adapters: hosts, path versions, limits.
//!
//! Every host is a `*_base` value so tests and users can point an adapter at any server that speaks
//! the platform's format (the simulator, a proxy, a mirror). Defaults are the real hosts and polite
//! rates taken from `platforms-kr.md`.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use streamtide_core::{ListDepth, Platform};

use crate::Secret;

/// Client behaviour shared by every platform: timeouts, retries, identity.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct HttpConfig {
    /// Give up on one request after this long (connect + reply).
    #[serde(with = "humantime_serde")]
    pub timeout: Duration,
    /// Retries after the first attempt, for timeouts, connection errors, 5xx and 429 only.
    pub max_retries: u32,
    /// First backoff step; doubles each retry, with full jitter.
    #[serde(with = "humantime_serde")]
    pub backoff_base: Duration,
    /// Ceiling of one backoff step.
    #[serde(with = "humantime_serde")]
    pub backoff_max: Duration,
    /// Longest `Retry-After` we wait for inside one request; longer ones fail the request as
    /// rate-limited and the next scheduled round tries again.
    #[serde(with = "humantime_serde")]
    pub max_retry_after: Duration,
    /// A reply body larger than this fails the call (`too_large`), read no further: a runaway
    /// or hostile reply cannot fill memory or the store. Checked while the body streams in.
    pub max_response_bytes: u64,
    /// Sent on every request. The Korean platforms block non-browser agents, so the default looks
    /// like a current desktop browser.
    pub user_agent: String,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            timeout: Duration::from_secs(10),
            max_retries: 3,
            backoff_base: Duration::from_millis(500),
            backoff_max: Duration::from_secs(20),
            max_retry_after: Duration::from_secs(60),
            max_response_bytes: 4 * 1024 * 1024,
            user_agent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/143.0.0.0 Safari/537.36".to_string(),
        }
    }
}

/// Which of a platform's APIs a call goes through.
///
/// `Auto` uses the official Open API for the call kinds it serves when credentials are set, and
/// the web API otherwise (and for what the Open API lacks, e.g. VOD views); `OpenApi` requires the
/// credentials (a missing one is a configuration error); `Web` never calls the Open API.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ApiSource {
    #[default]
    Auto,
    OpenApi,
    Web,
}

/// CHZZK (Naver) unofficial web API.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ChzzkConfig {
    /// Collect from CHZZK at all.
    pub enabled: bool,
    /// `auto` (the Open API where `client_id` and `client_secret` are set, the web API
    /// otherwise), `open_api` or `web`.
    pub source: ApiSource,
    /// Open API application id (developers.chzzk.naver.com), sent as `Client-Id`.
    pub client_id: String,
    /// Open API application secret, sent as `Client-Secret`. Never logged or shown.
    pub client_secret: Secret,
    /// Host of the official Open API.
    pub open_api_base: String,
    /// Host of the web API.
    pub api_base: String,
    /// Path versions of `/service/{v}/...` (lives, channels, live-detail, videos, search), tried in
    /// order per endpoint; a version that answers code 9004 ("update the app") is skipped for the
    /// next one and the one that worked is remembered per endpoint. `live-detail` left `v1` in
    /// 2024, so its first call pays one 9004. The old single `service_version = "v1"` is read as
    /// a one-item list.
    #[serde(alias = "service_version", deserialize_with = "one_or_many")]
    pub service_versions: Vec<String>,
    /// Path versions of `/polling/{v}/channels/{id}/live-status`, tried in order; a version that
    /// answers code 9004 ("update the app") is skipped for the next one.
    pub polling_versions: Vec<String>,
    /// How deep to page the live list: `"all"` (the default: the whole directory, every live
    /// broadcast, 50 a page) or a number of items.
    pub live_list_depth: ListDepth,
    /// Items per live-list page (the API caps it at 50).
    pub page_size: usize,
    /// Videos fetched per channel per videos round.
    pub videos_per_channel: usize,
    /// Ask one channel's live status at most once per the period CHZZK states
    /// (`callPeriodMilliSecond`, 10 s), answering from the last reply in between. Only tests that
    /// run on simulated time turn this off.
    pub respect_poll_hint: bool,
    /// Fetch `live-detail` once per broadcast for a live found through a channel call when the
    /// status carries no thumbnail (live-status has no `liveId` and no picture since 2025).
    pub live_detail_thumbnails: bool,
    /// Sent as `Origin`, as chzzk.naver.com's own page does. Empty sends none.
    pub origin: String,
    /// Sent as `Referer`. Empty sends none.
    pub referer: String,
    /// Sent as `Front-Client-Platform-Type` (a 2026 browser sends `PC`). Empty sends none.
    pub front_client_platform_type: String,
    /// Sent as `Front-Client-Product-Type` (a 2026 browser sends `web`). Empty sends none.
    pub front_client_product_type: String,
    /// Sent as `deviceId`: a browser sends one UUID (its `ba.uuid` cookie) for as long as it
    /// lives. Empty: read from `device_id_file`, or made once and written there.
    pub device_id: String,
    /// Where the generated `deviceId` is kept across restarts (relative to the working
    /// directory, like `streamtide.db`). Empty: a new one per process.
    pub device_id_file: String,
    /// `User-Agent` for CHZZK only; empty uses `[http] user_agent`.
    pub user_agent: String,
    /// Steady request rate. Public collectors throttle themselves to about 5/s.
    pub requests_per_second: f64,
    /// Requests allowed back to back before the steady rate applies.
    pub burst: u32,
}

/// A list of strings written as a list or as one string (`service_version = "v1"`).
fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

impl Default for ChzzkConfig {
    fn default() -> Self {
        let limits = Platform::Chzzk.facts().limits;
        ChzzkConfig {
            enabled: true,
            source: ApiSource::Auto,
            client_id: String::new(),
            client_secret: Secret::default(),
            open_api_base: "https://openapi.chzzk.naver.com".into(),
            api_base: "https://api.chzzk.naver.com".into(),
            service_versions: vec!["v1".into(), "v3".into(), "v2".into()],
            polling_versions: vec!["v3.1".into(), "v3".into(), "v2".into()],
            live_list_depth: limits.live_list_depth,
            page_size: 50,
            videos_per_channel: limits.videos_per_channel,
            respect_poll_hint: true,
            live_detail_thumbnails: true,
            origin: "https://chzzk.naver.com".into(),
            referer: "https://chzzk.naver.com/".into(),
            front_client_platform_type: "PC".into(),
            front_client_product_type: "web".into(),
            device_id: String::new(),
            device_id_file: "chzzk-device-id".into(),
            user_agent: String::new(),
            requests_per_second: limits.requests_per_second,
            burst: limits.burst,
        }
    }
}

/// SOOP (formerly AfreecaTV) unofficial web API.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct SoopConfig {
    /// Collect from SOOP at all.
    pub enabled: bool,
    /// `auto` (the Open API where `client_id` is set, the web API otherwise), `open_api` or
    /// `web`.
    pub source: ApiSource,
    /// Open API application id (developers.sooplive.com), sent as `client_id`.
    pub client_id: Secret,
    /// Host of the official Open API.
    pub open_api_base: String,
    /// Tried when `open_api_base` does not answer JSON, by the same rule as the web hosts'
    /// fallbacks: 2026 code calls both `openapi.sooplive.com` and `openapi.sooplive.co.kr`, and
    /// SOOP's own `/apidoc` still names `.co.kr`. Empty disables the fallback.
    pub open_api_fallback_base: String,
    /// Host of `main_broad_list_api.php` (the top live list). SOOP moved its Korean hosts from
    /// `*.sooplive.co.kr` to `*.sooplive.com` in March–April 2026, so `.com` comes first.
    pub live_base: String,
    /// Host of the station and VOD APIs.
    pub chapi_base: String,
    /// Tried when `live_base` does not answer the JSON we asked for: unreachable, any non-2xx
    /// status (403, 404, 5xx after retries), or a page that is not JSON (an HTML page, a redirect
    /// to one). The host that worked is remembered, so a run pays for a dead host once. Empty
    /// disables the fallback.
    pub live_fallback_base: String,
    /// Fallback for `chapi_base`, same rule.
    pub chapi_fallback_base: String,
    /// Sent as `Origin` and (with a trailing `/`) `Referer`, as SOOP's own web page does.
    pub web_origin: String,
    /// How deep to page the live list: `"all"` (the default: the whole directory, 60 a page) or
    /// a number of items.
    pub live_list_depth: ListDepth,
    /// VODs fetched per channel per videos round (the API serves 20 per page).
    pub videos_per_channel: usize,
    /// Steady request rate. SOOP documents none; collectors keep to about 2/s.
    pub requests_per_second: f64,
    /// Requests allowed back to back before the steady rate applies.
    pub burst: u32,
}

impl Default for SoopConfig {
    fn default() -> Self {
        let limits = Platform::Soop.facts().limits;
        SoopConfig {
            enabled: true,
            source: ApiSource::Auto,
            client_id: Secret::default(),
            open_api_base: "https://openapi.sooplive.com".into(),
            open_api_fallback_base: "https://openapi.sooplive.co.kr".into(),
            live_base: "https://live.sooplive.com".into(),
            chapi_base: "https://chapi.sooplive.com".into(),
            live_fallback_base: "https://live.sooplive.co.kr".into(),
            chapi_fallback_base: "https://chapi.sooplive.co.kr".into(),
            web_origin: "https://www.sooplive.com".into(),
            live_list_depth: limits.live_list_depth,
            videos_per_channel: limits.videos_per_channel,
            requests_per_second: limits.requests_per_second,
            burst: limits.burst,
        }
    }
}

/// Twitch Helix (official API, app access token by client credentials).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct TwitchConfig {
    /// Collect from Twitch at all (also needs `client_id` and `client_secret`).
    pub enabled: bool,
    /// Client id of the registered application (sent as `Client-Id`).
    pub client_id: String,
    /// Client secret of the application; only sent to `auth_base` to mint an app token.
    pub client_secret: Secret,
    /// Host and path of the Helix API.
    pub api_base: String,
    /// Host of the OAuth server (`{auth_base}/oauth2/token`).
    pub auth_base: String,
    /// How deep to page the Korean live list (`/streams?language=ko`, 100 per page): `"all"`
    /// (the default: every Korean stream) or a number of items.
    pub live_list_depth: ListDepth,
    /// Videos fetched per channel per videos round (at most 100).
    pub videos_per_channel: usize,
    /// Steady request rate. Helix allows 800 points per minute per app token; the
    /// `Ratelimit-*` headers are obeyed on top of this.
    pub requests_per_second: f64,
    /// Requests allowed back to back before the steady rate applies.
    pub burst: u32,
}

impl Default for TwitchConfig {
    fn default() -> Self {
        let limits = Platform::Twitch.facts().limits;
        TwitchConfig {
            enabled: true,
            client_id: String::new(),
            client_secret: Secret::default(),
            api_base: "https://api.twitch.tv/helix".into(),
            auth_base: "https://id.twitch.tv".into(),
            live_list_depth: limits.live_list_depth,
            videos_per_channel: limits.videos_per_channel,
            requests_per_second: limits.requests_per_second,
            burst: limits.burst,
        }
    }
}

/// YouTube Data API v3 (API key) plus the zero-quota channel RSS feed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct YoutubeConfig {
    /// Collect from YouTube at all (also needs `api_key`).
    pub enabled: bool,
    /// Data API key (sent as the `key` query parameter, never shown in errors or logs).
    pub api_key: Secret,
    /// Host and path of the Data API.
    pub api_base: String,
    /// Host of the channel feeds (`{feeds_base}/feeds/videos.xml?channel_id=`).
    pub feeds_base: String,
    /// Units of the main quota bucket per Pacific-time day.
    pub daily_budget: u64,
    /// Never spend the main bucket below this many units (kept for manual work and retries).
    pub floor: u64,
    /// `search.list` calls allowed per Pacific-time day (its own bucket since 2026-06-01).
    /// 0 disables the optional live-search discovery in `top_live`.
    pub search_daily_calls: u64,
    /// KST hour (0–23) the busy part of the day starts, when searches come more often.
    pub search_peak_start_kst: u32,
    /// KST hour (0–23) the busy part ends (exclusive; may wrap past midnight: 18 → 2).
    pub search_peak_end_kst: u32,
    /// How many times more often searches come in the busy hours than in the others (≥ 1).
    pub search_peak_weight: f64,
    /// Longest wait between two searches while the day's allowance lasts, in minutes: when it
    /// is reached a search is made even if the spread schedule would wait longer.
    pub search_max_gap_minutes: u64,
    /// `videos.batchGetStats` calls allowed per Pacific-time day (its own bucket since
    /// 2026-06-03); used for video statistics. 0: always `videos.list`.
    pub stats_daily_calls: u64,
    /// Channels whose feed failed that get a `playlistItems.list` look at their uploads per
    /// channels call (1 main unit each), to find a broadcast the feed could not show; only while
    /// less than half of the day's main units are spent.
    pub feed_fallback_per_call: usize,
    /// How many live broadcasts `top_live` asks `search.list` for (one page, at most 50; `"all"`
    /// is that page's 50: search has no directory to read to its end).
    pub live_list_depth: ListDepth,
    /// Videos fetched per channel per videos round (one uploads page, at most 50).
    pub videos_per_channel: usize,
    /// Steady request rate (feeds included).
    pub requests_per_second: f64,
    /// Requests allowed back to back before the steady rate applies.
    pub burst: u32,
}

impl Default for YoutubeConfig {
    fn default() -> Self {
        let limits = Platform::Youtube.facts().limits;
        YoutubeConfig {
            enabled: true,
            api_key: Secret::default(),
            api_base: "https://www.googleapis.com/youtube/v3".into(),
            feeds_base: "https://www.youtube.com".into(),
            daily_budget: 10_000,
            floor: 1_000,
            search_daily_calls: 96,
            search_peak_start_kst: 18,
            search_peak_end_kst: 2,
            search_peak_weight: 2.0,
            search_max_gap_minutes: 30,
            stats_daily_calls: 10_000,
            feed_fallback_per_call: 5,
            live_list_depth: limits.live_list_depth,
            videos_per_channel: limits.videos_per_channel,
            requests_per_second: limits.requests_per_second,
            burst: limits.burst,
        }
    }
}

/// All platform sections (`[platforms.*]`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct PlatformsConfig {
    pub chzzk: ChzzkConfig,
    pub soop: SoopConfig,
    pub twitch: TwitchConfig,
    pub youtube: YoutubeConfig,
}

impl PlatformsConfig {
    /// Whether `[platforms.<id>] enabled` is on.
    pub fn enabled(&self, platform: Platform) -> bool {
        match platform {
            Platform::Chzzk => self.chzzk.enabled,
            Platform::Soop => self.soop.enabled,
            Platform::Twitch => self.twitch.enabled,
            Platform::Youtube => self.youtube.enabled,
        }
    }

    /// The configuration keys `platform` needs and this configuration leaves empty (CHZZK's and
    /// SOOP's public web endpoints need none). Said in words by `availability::skip_reason`.
    pub fn missing_credentials(&self, platform: Platform) -> Vec<&'static str> {
        let mut missing = Vec::new();
        match platform {
            Platform::Chzzk | Platform::Soop => {}
            Platform::Twitch => {
                if self.twitch.client_id.trim().is_empty() {
                    missing.push("platforms.twitch.client_id");
                }
                if !self.twitch.client_secret.is_set() {
                    missing.push("platforms.twitch.client_secret");
                }
            }
            Platform::Youtube => {
                if !self.youtube.api_key.is_set() {
                    missing.push("platforms.youtube.api_key");
                }
            }
        }
        missing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_versions_read_the_old_single_key() {
        let old: ChzzkConfig = serde_json::from_str(r#"{"service_version":"v2"}"#).unwrap();
        assert_eq!(old.service_versions, vec!["v2"]);
        let new: ChzzkConfig = serde_json::from_str(r#"{"service_versions":["v3","v1"]}"#).unwrap();
        assert_eq!(new.service_versions, vec!["v3", "v1"]);
        assert_eq!(ChzzkConfig::default().service_versions[0], "v1");
    }

    #[test]
    fn secrets_never_show_in_debug_or_serialisation() {
        let mut cfg = PlatformsConfig::default();
        cfg.twitch.client_id = "public-client-id".into();
        cfg.twitch.client_secret = Secret::new("twitch-s3cret-value");
        cfg.youtube.api_key = Secret::new("AIza-youtube-s3cret");
        let debug = format!("{cfg:?} {:?} {:?}", cfg.twitch, cfg.youtube);
        assert!(!debug.contains("s3cret"), "{debug}");
        assert!(debug.contains("public-client-id"));
        let json = serde_json::to_string(&cfg).unwrap();
        assert!(!json.contains("s3cret"), "{json}");
    }
}
