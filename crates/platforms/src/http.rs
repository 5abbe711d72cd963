//! The one HTTP client every adapter uses: rate limit, timeout, retries, Retry-After, stats.
//!
//! Adapters only build requests and parse bodies; how politely we talk to a platform is decided
//! here, once. Retries happen only for timeouts, connection errors, 5xx and 429 (a 4xx will not
//! change by asking again), with exponential backoff and full jitter. A 429 with `Retry-After`
//! pauses *every* request to that platform until the time given, not just the one that got it.

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use rand::Rng;
use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER, USER_AGENT};
use reqwest::StatusCode;
use streamtide_core::Platform;
use tokio::time::Instant;

use crate::config::HttpConfig;
use crate::{AdapterError, Secret};

/// Counters of one platform's client, read by the collector for summaries and metrics.
#[derive(Debug, Default)]
pub struct HttpStats {
    /// Requests sent (every attempt).
    pub requests: AtomicU64,
    /// Attempts that were retries.
    pub retries: AtomicU64,
    /// 429 answers received.
    pub throttled: AtomicU64,
    /// Requests that failed after all retries.
    pub failures: AtomicU64,
    /// Calls that another host (or path version) answered after the preferred one failed:
    /// SOOP's `.co.kr` fallback, CHZZK's older path versions. Each switch counts once, since the
    /// adapters remember what worked.
    pub fallbacks: AtomicU64,
    /// Routes (a SOOP host, a CHZZK endpoint's path version) answered now by a fallback rather
    /// than the first configured one: a gauge, not a count of events. `/healthz` shows a platform
    /// with any as `degraded` (it has moved; see docs/platforms.md).
    pub on_fallback: AtomicU64,
}

/// A point-in-time copy of [`HttpStats`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HttpStatsSnapshot {
    pub requests: u64,
    pub retries: u64,
    pub throttled: u64,
    pub failures: u64,
    pub fallbacks: u64,
    /// [`HttpStats::on_fallback`] at the time of the snapshot (a state: `since` keeps the later).
    pub on_fallback: u64,
}

impl HttpStats {
    pub fn snapshot(&self) -> HttpStatsSnapshot {
        HttpStatsSnapshot {
            requests: self.requests.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
            throttled: self.throttled.load(Ordering::Relaxed),
            failures: self.failures.load(Ordering::Relaxed),
            fallbacks: self.fallbacks.load(Ordering::Relaxed),
            on_fallback: self.on_fallback.load(Ordering::Relaxed),
        }
    }

    /// A route moved between its first configured host (or version) and a fallback: counts a
    /// switch and keeps [`HttpStats::on_fallback`] right.
    pub fn route_switched(&self, was_fallback: bool, now_fallback: bool) {
        self.fallbacks.fetch_add(1, Ordering::Relaxed);
        match (was_fallback, now_fallback) {
            (false, true) => {
                self.on_fallback.fetch_add(1, Ordering::Relaxed);
            }
            (true, false) => {
                // Never below zero, whatever the order of concurrent switches.
                let _ = self
                    .on_fallback
                    .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1));
            }
            _ => {}
        }
    }
}

impl HttpStatsSnapshot {
    /// What happened between `earlier` and `self`.
    pub fn since(&self, earlier: &HttpStatsSnapshot) -> HttpStatsSnapshot {
        HttpStatsSnapshot {
            requests: self.requests.saturating_sub(earlier.requests),
            retries: self.retries.saturating_sub(earlier.retries),
            throttled: self.throttled.saturating_sub(earlier.throttled),
            failures: self.failures.saturating_sub(earlier.failures),
            fallbacks: self.fallbacks.saturating_sub(earlier.fallbacks),
            on_fallback: self.on_fallback,
        }
    }
}

/// A finished exchange whose status was not retryable (2xx, or a 4xx the adapter interprets).
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    /// The final URL, with every [`Call::secret_query`] value redacted.
    pub url: String,
    /// The response headers (e.g. Twitch's `Ratelimit-*`).
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// What to send. `Debug` shows header names and form keys only (a form may carry a client
/// secret, a header a bearer token); secret query values are never shown.
#[derive(Clone, Default)]
pub struct Call {
    pub url: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(&'static str, String)>,
    /// Sent as `application/x-www-form-urlencoded` with POST when set.
    pub form: Option<Vec<(String, String)>>,
    /// Query parameters that carry a secret (an API key): sent, but shown as `k=<redacted>` by
    /// [`Call::display_url`] and in [`Reply::url`], so they never reach errors or logs.
    pub secret_query: Vec<(String, Secret)>,
}

impl Call {
    pub fn get(url: impl Into<String>) -> Call {
        Call {
            url: url.into(),
            ..Call::default()
        }
    }

    pub fn query(mut self, key: &str, value: impl ToString) -> Call {
        self.query.push((key.to_string(), value.to_string()));
        self
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Call {
        self.headers.push((name, value.into()));
        self
    }

    /// A query parameter whose value is a secret (e.g. YouTube's `key=`): it goes on the wire
    /// but is shown as `key=<redacted>` everywhere else.
    pub fn secret_query(mut self, key: &str, value: &Secret) -> Call {
        self.secret_query.push((key.to_string(), value.clone()));
        self
    }

    /// The URL with its query, for errors and logs. Secret parameters appear as `k=<redacted>`.
    pub fn display_url(&self) -> String {
        if self.query.is_empty() && self.secret_query.is_empty() {
            return self.url.clone();
        }
        let q: Vec<String> = self
            .query
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .chain(
                self.secret_query
                    .iter()
                    .map(|(k, _)| format!("{k}={REDACTED}")),
            )
            .collect();
        format!("{}?{}", self.url, q.join("&"))
    }

    /// `url` (as the server saw it) with the values of this call's secret parameters replaced.
    fn redact(&self, url: &str) -> String {
        if self.secret_query.is_empty() {
            return url.to_string();
        }
        let Ok(mut parsed) = url::Url::parse(url) else {
            return self.display_url();
        };
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(k, v)| {
                let secret = self.secret_query.iter().any(|(s, _)| *s == k);
                (
                    k.into_owned(),
                    if secret {
                        REDACTED.to_string()
                    } else {
                        v.into_owned()
                    },
                )
            })
            .collect();
        let q: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        parsed.set_query(None);
        format!("{parsed}?{}", q.join("&"))
    }
}

impl std::fmt::Debug for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers: Vec<&str> = self.headers.iter().map(|(k, _)| *k).collect();
        let form: Option<Vec<&str>> = self
            .form
            .as_ref()
            .map(|f| f.iter().map(|(k, _)| k.as_str()).collect());
        f.debug_struct("Call")
            .field("url", &self.display_url())
            .field("headers", &headers)
            .field("form_keys", &form)
            .finish()
    }
}

/// What a secret query value is shown as.
const REDACTED: &str = "<redacted>";

/// A rate budget announced by the platform in response headers (Twitch's `Ratelimit-Limit`,
/// `Ratelimit-Remaining`, `Ratelimit-Reset`). When the remaining points fall to `low_water` or
/// below, every request waits until the reset instant; a 429 without `Retry-After` waits for it too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderBudget {
    /// Header carrying the points left in the bucket.
    pub remaining_header: &'static str,
    /// Header carrying the Unix epoch second at which the bucket is full again.
    pub reset_header: &'static str,
    /// Pause when `remaining <= low_water`.
    pub low_water: u64,
}

impl HeaderBudget {
    /// Twitch Helix: `Ratelimit-Remaining` / `Ratelimit-Reset` (epoch seconds).
    pub fn twitch(low_water: u64) -> HeaderBudget {
        HeaderBudget {
            remaining_header: "ratelimit-remaining",
            reset_header: "ratelimit-reset",
            low_water,
        }
    }

    /// How long until the reset the headers announce (zero when absent or past).
    fn until_reset(&self, headers: &HeaderMap) -> Option<Duration> {
        let reset: u64 = headers
            .get(self.reset_header)?
            .to_str()
            .ok()?
            .trim()
            .parse()
            .ok()?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Some(Duration::from_secs(reset).saturating_sub(now))
    }

    fn remaining(&self, headers: &HeaderMap) -> Option<u64> {
        headers
            .get(self.remaining_header)?
            .to_str()
            .ok()?
            .trim()
            .parse()
            .ok()
    }
}

/// The polite client of one platform.
pub struct ApiClient {
    platform: Platform,
    http: reqwest::Client,
    limiter: DefaultDirectRateLimiter,
    cfg: HttpConfig,
    /// Set by a 429 with Retry-After: nobody talks to the platform before this instant.
    paused_until: Mutex<Option<Instant>>,
    stats: Arc<HttpStats>,
    /// Header-announced budget, for platforms that send one.
    budget: Option<HeaderBudget>,
}

impl ApiClient {
    /// Build the client of `platform` allowing `requests_per_second` with `burst`.
    pub fn new(
        platform: Platform,
        cfg: &HttpConfig,
        requests_per_second: f64,
        burst: u32,
    ) -> Result<ApiClient, reqwest::Error> {
        let mut headers = HeaderMap::new();
        if let Ok(ua) = HeaderValue::from_str(&cfg.user_agent) {
            headers.insert(USER_AGENT, ua);
        }
        let http = reqwest::Client::builder()
            .timeout(cfg.timeout)
            .connect_timeout(cfg.timeout.min(Duration::from_secs(5)))
            .default_headers(headers)
            .pool_max_idle_per_host(8)
            .build()?;
        Ok(ApiClient {
            platform,
            http,
            limiter: RateLimiter::direct(quota(requests_per_second, burst)),
            cfg: cfg.clone(),
            paused_until: Mutex::new(None),
            stats: Arc::new(HttpStats::default()),
            budget: None,
        })
    }

    /// Also obey a budget the platform announces in response headers.
    pub fn with_header_budget(mut self, budget: HeaderBudget) -> ApiClient {
        self.budget = Some(budget);
        self
    }

    pub fn platform(&self) -> Platform {
        self.platform
    }

    pub fn stats(&self) -> Arc<HttpStats> {
        Arc::clone(&self.stats)
    }

    /// Send `call`, retrying politely; returns the first non-retryable reply.
    pub async fn send(&self, call: &Call) -> Result<Reply, AdapterError> {
        let url = call.display_url();
        let mut attempt: u32 = 0;
        loop {
            self.wait_turn().await;
            self.stats.requests.fetch_add(1, Ordering::Relaxed);
            if attempt > 0 {
                self.stats.retries.fetch_add(1, Ordering::Relaxed);
            }
            let outcome = self.attempt(call).await;
            let retry_in = match outcome {
                Attempt::Done(reply) => return Ok(reply),
                Attempt::TooLarge => {
                    // The same request would get the same reply: no retry.
                    self.stats.failures.fetch_add(1, Ordering::Relaxed);
                    return Err(AdapterError::TooLarge {
                        platform: self.platform,
                        url,
                        limit: self.cfg.max_response_bytes,
                    });
                }
                Attempt::Throttled { retry_after } => {
                    self.stats.throttled.fetch_add(1, Ordering::Relaxed);
                    let too_long = retry_after.is_some_and(|d| d > self.cfg.max_retry_after);
                    if attempt >= self.cfg.max_retries || too_long {
                        self.stats.failures.fetch_add(1, Ordering::Relaxed);
                        if let Some(d) = retry_after {
                            self.pause_for(d.min(self.cfg.max_retry_after));
                        }
                        return Err(AdapterError::RateLimited {
                            platform: self.platform,
                            url,
                            retry_after,
                        });
                    }
                    match retry_after {
                        Some(d) => {
                            self.pause_for(d);
                            Duration::ZERO
                        }
                        None => self.backoff(attempt),
                    }
                }
                Attempt::Transient(message) => {
                    if attempt >= self.cfg.max_retries {
                        self.stats.failures.fetch_add(1, Ordering::Relaxed);
                        return Err(AdapterError::Transient {
                            platform: self.platform,
                            url,
                            message,
                        });
                    }
                    tracing::debug!(platform = %self.platform, url = %url, attempt, message = %message, "Retrying after a transient failure.");
                    self.backoff(attempt)
                }
            };
            if !retry_in.is_zero() {
                tokio::time::sleep(retry_in).await;
            }
            attempt += 1;
        }
    }

    async fn attempt(&self, call: &Call) -> Attempt {
        let mut req = match &call.form {
            Some(form) => self.http.post(&call.url).form(form),
            None => self.http.get(&call.url),
        };
        if !call.query.is_empty() {
            req = req.query(&call.query);
        }
        if !call.secret_query.is_empty() {
            let secrets: Vec<(&str, &str)> = call
                .secret_query
                .iter()
                .map(|(k, v)| (k.as_str(), v.expose()))
                .collect();
            req = req.query(&secrets);
        }
        for (name, value) in &call.headers {
            req = req.header(*name, value);
        }
        let resp = match req.send().await {
            Ok(r) => r,
            Err(e) => return Attempt::Transient(describe(&e)),
        };
        let status = resp.status();
        let budget_wait = self.budget.as_ref().and_then(|b| {
            let wait = b.until_reset(resp.headers());
            (status == StatusCode::TOO_MANY_REQUESTS
                || b.remaining(resp.headers())
                    .is_some_and(|r| r <= b.low_water))
            .then_some(wait)
            .flatten()
        });
        if status == StatusCode::TOO_MANY_REQUESTS {
            return Attempt::Throttled {
                retry_after: parse_retry_after(resp.headers().get(RETRY_AFTER)).or(budget_wait),
            };
        }
        if let Some(wait) = budget_wait.filter(|w| !w.is_zero()) {
            // The bucket is nearly empty: hold every request until it refills.
            tracing::debug!(platform = %self.platform, wait_ms = wait.as_millis() as u64, "Rate budget low; pausing until its reset.");
            self.pause_for(wait.min(self.cfg.max_retry_after));
        }
        if status.is_server_error() {
            return Attempt::Transient(format!("status {}", status.as_u16()));
        }
        let url = call.redact(resp.url().as_str());
        let headers = resp.headers().clone();
        match read_capped(resp, self.cfg.max_response_bytes).await {
            Ok(Some(body)) => Attempt::Done(Reply {
                status,
                url,
                headers,
                body,
            }),
            Ok(None) => Attempt::TooLarge,
            // The connection broke mid-body: as transient as a failed connect.
            Err(e) => Attempt::Transient(format!("body: {}", describe(&e))),
        }
    }

    /// Wait for a rate-limit token and for any platform-wide pause to end.
    async fn wait_turn(&self) {
        loop {
            let until = *self.paused_until.lock().unwrap_or_else(|e| e.into_inner());
            match until {
                Some(t) if t > Instant::now() => tokio::time::sleep_until(t).await,
                _ => break,
            }
        }
        self.limiter.until_ready().await;
    }

    fn pause_for(&self, d: Duration) {
        let until = Instant::now() + d;
        let mut p = self.paused_until.lock().unwrap_or_else(|e| e.into_inner());
        if p.is_none_or(|t| t < until) {
            *p = Some(until);
        }
    }

    /// Exponential backoff with full jitter: uniform in [0, min(max, base·2^attempt)].
    fn backoff(&self, attempt: u32) -> Duration {
        let cap = self
            .cfg
            .backoff_base
            .saturating_mul(1u32 << attempt.min(16))
            .min(self.cfg.backoff_max);
        let ms = cap.as_millis() as u64;
        if ms == 0 {
            return Duration::ZERO;
        }
        Duration::from_millis(rand::rng().random_range(0..=ms))
    }
}

/// The body of `resp`, or `None` as soon as it is known to exceed `cap` bytes (a declared
/// length says so before reading; otherwise counted chunk by chunk, so at most `cap` plus one
/// chunk is ever held).
async fn read_capped(
    mut resp: reqwest::Response,
    cap: u64,
) -> Result<Option<Vec<u8>>, reqwest::Error> {
    if resp.content_length().is_some_and(|n| n > cap) {
        return Ok(None);
    }
    let mut body = Vec::with_capacity(resp.content_length().unwrap_or(0).min(cap) as usize);
    while let Some(chunk) = resp.chunk().await? {
        if body.len() as u64 + chunk.len() as u64 > cap {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body))
}

enum Attempt {
    Done(Reply),
    /// The body exceeded `max_response_bytes`.
    TooLarge,
    Throttled {
        retry_after: Option<Duration>,
    },
    Transient(String),
}

/// A governor quota from a possibly fractional rate (e.g. 0.5/s = one every 2 s).
fn quota(requests_per_second: f64, burst: u32) -> Quota {
    let rps = if requests_per_second.is_finite() && requests_per_second > 0.0 {
        requests_per_second
    } else {
        1.0
    };
    let period = Duration::from_secs_f64(1.0 / rps).max(Duration::from_micros(1));
    let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(period)
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(burst)
}

/// `Retry-After` as seconds or an HTTP date.
fn parse_retry_after(v: Option<&HeaderValue>) -> Option<Duration> {
    let s = v?.to_str().ok()?.trim();
    if let Ok(secs) = s.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(s).ok()?;
    let delta = when.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(delta.to_std().unwrap_or(Duration::ZERO))
}

/// A short description of a reqwest error without the URL (the caller adds it once).
fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connect"
    } else if e.is_body() || e.is_decode() {
        "body"
    } else {
        "request"
    };
    let mut msg = kind.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_and_dates() {
        assert_eq!(
            parse_retry_after(Some(&HeaderValue::from_static("7"))),
            Some(Duration::from_secs(7))
        );
        let past = HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT");
        assert_eq!(parse_retry_after(Some(&past)), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after(Some(&HeaderValue::from_static("soon"))),
            None
        );
        assert_eq!(parse_retry_after(None), None);
    }

    #[test]
    fn secret_query_values_are_redacted() {
        let call = Call::get("https://www.googleapis.com/youtube/v3/channels")
            .query("part", "statistics")
            .secret_query("key", &Secret::new("AIzaTOPSECRET"));
        let shown = call.display_url();
        assert_eq!(
            shown,
            "https://www.googleapis.com/youtube/v3/channels?part=statistics&key=<redacted>"
        );
        assert!(!format!("{call:?}").contains("TOPSECRET"));
        let mut minting = Call::get("https://id.twitch.tv/oauth2/token")
            .header("Authorization", "Bearer tok-SECRET");
        minting.form = Some(vec![("client_secret".into(), "cs-SECRET".into())]);
        let dbg = format!("{minting:?}");
        assert!(
            !dbg.contains("SECRET") && dbg.contains("client_secret"),
            "{dbg}"
        );
        let seen = call.redact(
            "https://www.googleapis.com/youtube/v3/channels?part=statistics&key=AIzaTOPSECRET",
        );
        assert!(!seen.contains("TOPSECRET"), "{seen}");
        assert!(seen.ends_with("key=<redacted>"), "{seen}");
        // No secrets: the URL is left exactly as it was.
        assert_eq!(
            Call::get("http://a/b").redact("http://a/b?x=1"),
            "http://a/b?x=1"
        );
    }

    #[test]
    fn header_budget_reads_remaining_and_reset() {
        let b = HeaderBudget::twitch(2);
        let mut h = HeaderMap::new();
        let soon = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + 5;
        h.insert("ratelimit-remaining", HeaderValue::from(1u64));
        h.insert("ratelimit-reset", HeaderValue::from(soon));
        assert_eq!(b.remaining(&h), Some(1));
        let wait = b.until_reset(&h).unwrap();
        assert!(
            wait <= Duration::from_secs(5) && wait >= Duration::from_secs(3),
            "{wait:?}"
        );
        h.insert("ratelimit-reset", HeaderValue::from(1u64));
        assert_eq!(b.until_reset(&h), Some(Duration::ZERO));
        assert_eq!(b.remaining(&HeaderMap::new()), None);
    }

    #[test]
    fn quota_accepts_fractional_and_bad_rates() {
        // Must not panic for any input a config could hold.
        for rps in [0.0, -1.0, f64::NAN, 0.2, 2.0, 1e9] {
            let _ = quota(rps, 0);
        }
    }

    #[test]
    fn backoff_is_capped() {
        let cfg = HttpConfig {
            backoff_base: Duration::from_millis(100),
            backoff_max: Duration::from_millis(250),
            ..HttpConfig::default()
        };
        let c = ApiClient::new(Platform::Chzzk, &cfg, 5.0, 1).unwrap();
        for attempt in 0..40 {
            assert!(c.backoff(attempt) <= Duration::from_millis(250));
        }
    }
}
