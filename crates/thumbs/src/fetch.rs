//! Downloading platform images: bounded in time and size, https/http only, one shared client.
//!
//! Images come from CDNs, not the platforms' APIs, so they do not share the API rate limits;
//! politeness here is the worker's bounded concurrency and per-image refresh interval.

use std::time::Duration;

use crate::{Result, ThumbsError};

/// A small HTTP client for image downloads.
#[derive(Clone, Debug)]
pub struct Fetcher {
    client: reqwest::Client,
    max_bytes: u64,
}

impl Fetcher {
    pub fn new(timeout: Duration, max_bytes: u64) -> Result<Fetcher> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .user_agent(concat!(
                "streamtide/",
                env!("CARGO_PKG_VERSION"),
                " (thumbnail copier)"
            ))
            .redirect(reqwest::redirect::Policy::limited(3))
            .build()
            .map_err(|e| ThumbsError::Config(format!("http client: {e}")))?;
        Ok(Fetcher { client, max_bytes })
    }

    /// The bytes at `url`. Errors say what failed without echoing the response body.
    pub async fn get(&self, url: &str) -> Result<Vec<u8>> {
        let url = normalize(url)
            .ok_or_else(|| ThumbsError::Download(format!("not an http(s) url: {url}")))?;
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
    } else if e.is_connect() {
        "connection failed"
    } else if e.is_body() || e.is_decode() {
        "body"
    } else {
        "request"
    };
    // reqwest's own message repeats the URL; the URL is logged separately where useful.
    format!("{kind}: {}", e.without_url())
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
