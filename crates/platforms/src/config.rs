//! Configuration of the platform adapters: hosts, path versions, limits.
//!
//! Every host is a `*_base` value so tests and users can point an adapter at any server that speaks
//! the platform's format (the simulator, a proxy, a mirror). Defaults are the real hosts and polite
//! rates taken from `platforms-kr.md`.

use std::time::Duration;

use serde::{Deserialize, Serialize};

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
            user_agent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36".to_string(),
        }
    }
}

/// CHZZK (Naver) unofficial web API.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ChzzkConfig {
    /// Collect from CHZZK at all.
    pub enabled: bool,
    /// Host of the web API.
    pub api_base: String,
    /// Path version of `/service/{v}/...` (lives, channels, videos).
    pub service_version: String,
    /// Path versions of `/polling/{v}/channels/{id}/live-status`, tried in order; a version that
    /// answers code 9004 ("update the app") is skipped for the next one.
    pub polling_versions: Vec<String>,
    /// How deep to page the top live list (items).
    pub live_list_depth: usize,
    /// Items per live-list page (the API caps it at 50).
    pub page_size: usize,
    /// Videos fetched per channel per videos round.
    pub videos_per_channel: usize,
    /// Steady request rate. Public collectors throttle themselves to about 5/s.
    pub requests_per_second: f64,
    /// Requests allowed back to back before the steady rate applies.
    pub burst: u32,
}

impl Default for ChzzkConfig {
    fn default() -> Self {
        ChzzkConfig {
            enabled: true,
            api_base: "https://api.chzzk.naver.com".into(),
            service_version: "v1".into(),
            polling_versions: vec!["v3.1".into(), "v3".into(), "v2".into()],
            live_list_depth: 200,
            page_size: 50,
            videos_per_channel: 24,
            requests_per_second: 5.0,
            burst: 5,
        }
    }
}

/// SOOP (formerly AfreecaTV) unofficial web API.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct SoopConfig {
    /// Collect from SOOP at all.
    pub enabled: bool,
    /// Host of `main_broad_list_api.php` (the top live list).
    pub live_base: String,
    /// Host of the station and VOD APIs.
    pub chapi_base: String,
    /// Tried when `live_base` cannot be reached or answers 404 (SOOP moved `.co.kr` → `.com` in
    /// 2026). Empty disables the fallback.
    pub live_fallback_base: String,
    /// Fallback for `chapi_base`, same rule.
    pub chapi_fallback_base: String,
    /// How deep to page the top live list (items; pages hold 60).
    pub live_list_depth: usize,
    /// VODs fetched per channel per videos round (the API serves 20 per page).
    pub videos_per_channel: usize,
    /// Steady request rate. SOOP documents none; collectors keep to about 2/s.
    pub requests_per_second: f64,
    /// Requests allowed back to back before the steady rate applies.
    pub burst: u32,
}

impl Default for SoopConfig {
    fn default() -> Self {
        SoopConfig {
            enabled: true,
            live_base: "https://live.sooplive.co.kr".into(),
            chapi_base: "https://chapi.sooplive.co.kr".into(),
            live_fallback_base: "https://live.sooplive.com".into(),
            chapi_fallback_base: "https://chapi.sooplive.com".into(),
            live_list_depth: 240,
            videos_per_channel: 20,
            requests_per_second: 2.0,
            burst: 2,
        }
    }
}

/// All platform sections (`[platforms.*]`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct PlatformsConfig {
    pub chzzk: ChzzkConfig,
    pub soop: SoopConfig,
}
