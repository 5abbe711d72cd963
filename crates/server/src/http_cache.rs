//! HTTP caching of public reads: weak `ETag`s from a hash of what an answer is made of,
//! `If-None-Match` → `304 Not Modified`, and the `Cache-Control` that lets a browser, nginx or a
//! CDN in front serve every new tab from its copy within one collection round.
//!
//! Tags are weak (`W/"…"`): the same answer goes out gzip-, brotli- or un-compressed (the
//! compression layer sits outside the handlers), and a weak tag says "same content" without
//! promising the same bytes.

use std::time::Duration;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// 64-bit FNV-1a over everything written to it: a stable content hash (not a security boundary).
#[derive(Debug, Clone, Copy)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    pub fn update(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    pub fn finish(self) -> u64 {
        self.0
    }
}

impl std::io::Write for Fnv {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The hash of `bytes`.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = Fnv::default();
    h.update(bytes);
    h.finish()
}

/// The hash of `value` as JSON, without building the JSON text.
pub fn hash_json<T: serde::Serialize + ?Sized>(value: &T) -> u64 {
    let mut h = Fnv::default();
    // Writing into a hasher cannot fail; a value that cannot serialise hashes what was written.
    let _ = serde_json::to_writer(&mut h, value);
    h.finish()
}

/// A weak entity tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ETag(String);

impl ETag {
    /// `W/"<parts in hex, dash-separated>"`.
    pub fn weak(parts: &[u64]) -> ETag {
        let hex: Vec<String> = parts.iter().map(|p| format!("{p:016x}")).collect();
        ETag(format!("W/\"{}\"", hex.join("-")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the request's `If-None-Match` names this tag (weak comparison, as RFC 9110 asks
    /// for `If-None-Match`), or is `*`.
    pub fn matches(&self, headers: &HeaderMap) -> bool {
        let ours = opaque(&self.0);
        headers
            .get_all(header::IF_NONE_MATCH)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .any(|t| t == "*" || opaque(t) == ours)
    }
}

/// A tag without its weakness prefix.
fn opaque(tag: &str) -> &str {
    tag.strip_prefix("W/").unwrap_or(tag)
}

/// `Cache-Control` of a public read: fresh for one collection round, then served stale for
/// another round while a cache fetches the next copy in the background.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicCache {
    pub max_age: Duration,
    pub stale_while_revalidate: Duration,
}

impl PublicCache {
    /// One round fresh, one more round stale-while-revalidate (at least a second each).
    pub fn for_round(round: Duration) -> PublicCache {
        let round = round.max(Duration::from_secs(1));
        PublicCache {
            max_age: round,
            stale_while_revalidate: round,
        }
    }

    pub fn header(&self) -> HeaderValue {
        let text = format!(
            "public, max-age={}, stale-while-revalidate={}",
            self.max_age.as_secs(),
            self.stale_while_revalidate.as_secs()
        );
        HeaderValue::from_str(&text).unwrap_or(HeaderValue::from_static("no-cache"))
    }
}

/// Middleware of the public API: a successful read without its own `Cache-Control` gets the
/// public one (fresh for a round), so a cache in front may keep channel pages and rankings too.
pub async fn public_reads(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let read = matches!(
        *req.method(),
        axum::http::Method::GET | axum::http::Method::HEAD
    );
    let mut res = next.run(req).await;
    if read && res.status() == StatusCode::OK && !res.headers().contains_key(header::CACHE_CONTROL)
    {
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            state.curation.public_cache().header(),
        );
    }
    res
}

/// `304 Not Modified` if the request already holds `etag`; `None`: answer in full.
pub fn not_modified(headers: &HeaderMap, etag: &ETag, cache: &HeaderValue) -> Option<Response> {
    if !etag.matches(headers) {
        return None;
    }
    Some(stamp(StatusCode::NOT_MODIFIED.into_response(), etag, cache))
}

/// `res` with its `ETag` and `Cache-Control`.
pub fn stamp(mut res: Response, etag: &ETag, cache: &HeaderValue) -> Response {
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(etag.as_str()) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::CACHE_CONTROL, cache.clone());
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_comparison_lists_and_star() {
        let tag = ETag::weak(&[1, 2]);
        assert_eq!(tag.as_str(), "W/\"0000000000000001-0000000000000002\"");
        let mut h = HeaderMap::new();
        assert!(!tag.matches(&h));
        h.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"x\", \"0000000000000001-0000000000000002\""),
        );
        assert!(
            tag.matches(&h),
            "a strong form of the same tag matches weakly"
        );
        h.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("W/\"other\""),
        );
        assert!(!tag.matches(&h));
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("*"));
        assert!(tag.matches(&h));
    }

    #[test]
    fn hashes_are_stable_and_json_hash_is_of_the_text() {
        assert_eq!(hash_bytes(b""), 0xcbf2_9ce4_8422_2325);
        let v = serde_json::json!({"a": [1, 2, "x"]});
        assert_eq!(
            hash_json(&v),
            hash_bytes(serde_json::to_string(&v).unwrap().as_bytes())
        );
    }

    #[test]
    fn public_cache_header() {
        let c = PublicCache::for_round(Duration::from_secs(30));
        assert_eq!(c.header(), "public, max-age=30, stale-while-revalidate=30");
        assert_eq!(
            PublicCache::for_round(Duration::ZERO).max_age,
            Duration::from_secs(1)
        );
    }
}
