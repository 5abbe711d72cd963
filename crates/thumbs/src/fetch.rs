//! Downloading platform images: bounded in time and size, https/http only, from the platforms'
//! image hosts only (`guard`), one shared client.
//!
//! Images come from CDNs, not the platforms' APIs, so they do not share the API rate limits;
//! politeness here is the worker's bounded concurrency and per-image refresh interval.

use std::time::Duration;

use streamtide_core::Platform;

use crate::guard::Guard;
use crate::{Result, ThumbsConfig, ThumbsError};

/// Redirects followed per image, each re-checked by the guard.
const MAX_REDIRECTS: usize = 3;

/// A small HTTP client for image downloads.
#[derive(Clone, Debug)]
pub struct Fetcher {
    client: reqwest::Client,
    max_bytes: u64,
    guard: Guard,
}

impl Fetcher {
    pub fn new(cfg: &ThumbsConfig) -> Result<Fetcher> {
        let (timeout, max_bytes) = (cfg.timeout, cfg.max_download_bytes);
        let guard = Guard::new(cfg.image_hosts.clone(), &cfg.trusted_origins)
            .map_err(ThumbsError::Config)?;
        let client = reqwest::Client::builder()
            // A proxy would connect on our behalf, past the resolver's check.
            .no_proxy()
            .dns_resolver(guard.resolver())
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .user_agent(concat!(
                "streamtide/",
                env!("CARGO_PKG_VERSION"),
                " (thumbnail copier)"
            ))
            .redirect(guard.redirect_policy(MAX_REDIRECTS))
            .build()
            .map_err(|e| ThumbsError::Config(format!("http client: {e}")))?;
        Ok(Fetcher {
            client,
            max_bytes,
            guard,
        })
    }

    /// The bytes at `url`, an image of `platform` (`None`: of any platform). Errors say what
    /// failed without echoing the response body; a URL the guard refuses is never requested.
    pub async fn get(&self, url: &str, platform: Option<Platform>) -> Result<Vec<u8>> {
        let url = normalize(url)
            .ok_or_else(|| ThumbsError::Download(format!("not an http(s) url: {url}")))?;
        self.guard
            .check(&url, platform)
            .map_err(ThumbsError::Refused)?;
        let mut resp = self
            .client
            .get(url.as_str())
            .send()
            .await
            .map_err(|e| ThumbsError::Download(describe(e)))?;
        let status = resp.status();
        if !status.is_success() {
            return Err(ThumbsError::Download(format!("HTTP {}", status.as_u16())));
        }
        if resp.content_length().is_some_and(|n| n > self.max_bytes) {
            return Err(ThumbsError::Download(format!(
                "larger than {} bytes",
                self.max_bytes
            )));
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| ThumbsError::Download(describe(e)))?
        {
            if body.len() as u64 + chunk.len() as u64 > self.max_bytes {
                return Err(ThumbsError::Download(format!(
                    "larger than {} bytes",
                    self.max_bytes
                )));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

/// `//host/x` (SOOP's protocol-relative URLs) becomes https; only http(s) is fetched.
fn normalize(raw: &str) -> Option<url::Url> {
    let raw = raw.trim();
    let full = if raw.starts_with("//") {
        format!("https:{raw}")
    } else {
        raw.to_string()
    };
    let u = url::Url::parse(&full).ok()?;
    matches!(u.scheme(), "http" | "https").then_some(u)
}

fn describe(e: reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timeout"
    } else if e.is_redirect() {
        "redirect"
    } else if e.is_connect() {
        "connection failed"
    } else if e.is_body() || e.is_decode() {
        "body"
    } else {
        "request"
    };
    // reqwest's own message repeats the URL; the URL is logged separately where useful. The
    // source chain carries the guard's reason (a refused redirect or address).
    let e = e.without_url();
    let mut msg = format!("{kind}: {e}");
    let mut src = std::error::Error::source(&e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_normalised() {
        assert_eq!(
            normalize("//liveimg.sooplive.co.kr/m/1").unwrap().as_str(),
            "https://liveimg.sooplive.co.kr/m/1"
        );
        assert!(normalize("file:///etc/passwd").is_none());
        assert!(normalize("javascript:alert(1)").is_none());
        assert!(normalize("").is_none());
    }
}
