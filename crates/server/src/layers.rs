//! Middleware every response goes through: tracing, security headers, JSON errors, panic
//! catching. (Request body limits and the per-client rate limit are per route: see
//! `routes::router` and `rate_limit`.)

use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::predicate::{NotForContentType, Predicate};
use tower_http::compression::{CompressionLayer, DefaultPredicate};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{
    DefaultMakeSpan, DefaultOnFailure, DefaultOnRequest, DefaultOnResponse, TraceLayer,
};
use tower_http::CompressionLevel;
use tracing::Level;

use crate::error;
use crate::AppState;

/// The live page loads only its own script and style; thumbnails and avatars come from our
/// copies or the platforms' image hosts over HTTPS, plus any `server.image_sources`.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' https: data:{extra}; \
    style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; \
    base-uri 'none'; frame-ancestors 'none'";

/// Why `source` cannot be an image source of the pages, or `None` when it can: an origin,
/// `http(s)://host[:port]` and nothing else, so it can neither widen the policy beyond one
/// server nor break out of the header.
pub fn image_source_problem(source: &str) -> Option<String> {
    let rest = source
        .strip_prefix("http://")
        .or_else(|| source.strip_prefix("https://"));
    let Some(rest) = rest else {
        return Some(format!("`{source}` is not an http:// or https:// origin"));
    };
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (rest, None),
    };
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok_and(|p| p > 0));
    (!host_ok || !port_ok).then(|| {
        format!("`{source}` is not an origin (scheme://host[:port], no path, no wildcard)")
    })
}

/// The page's policy with `image_sources` (already checked) allowed for pictures.
fn content_security_policy(image_sources: &[String]) -> HeaderValue {
    let extra: String = image_sources
        .iter()
        .filter(|s| image_source_problem(s).is_none())
        .map(|s| format!(" {s}"))
        .collect();
    HeaderValue::from_str(&CONTENT_SECURITY_POLICY.replace("{extra}", &extra))
        .expect("checked origins make a valid header")
}

/// gzip and brotli level 4: most of the gain of the top levels (a live page of 200 items is
/// mostly repeated keys and URLs) for a small part of their CPU, per request.
const COMPRESSION_QUALITY: i32 = 4;

/// Add the fallback and the process-wide middleware around `routes`.
pub fn wrap(routes: Router<AppState>, image_sources: &[String]) -> Router<AppState> {
    // `Router::layer` wraps outside-in in reverse: the last `.layer` is the outermost.
    routes
        .fallback(error::not_found)
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(axum::middleware::map_response(error::json_errors))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        // For browsers that predate CSP's frame-ancestors: no framing, no clickjacking.
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("content-security-policy"),
            content_security_policy(image_sources),
        ))
        // gzip or brotli for JSON, HTML, JS, CSS and SVG (the default predicate skips small
        // bodies and images); not for workbooks, which are zip files already.
        .layer(
            CompressionLayer::new()
                .quality(CompressionLevel::Precise(COMPRESSION_QUALITY))
                .compress_when(DefaultPredicate::new().and(NotForContentType::const_new(
                    "application/vnd.openxmlformats",
                ))),
        )
        // Outermost, so the logged status is the one the client gets. Debug level: a busy
        // dashboard would otherwise drown the collector's log lines. 5xx details are logged once,
        // at error level, where they happen.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::DEBUG))
                .on_request(DefaultOnRequest::new().level(Level::DEBUG))
                .on_response(DefaultOnResponse::new().level(Level::DEBUG))
                .on_failure(DefaultOnFailure::new().level(Level::DEBUG)),
        )
}

/// CORS for `/api/v1`: read-only, no credentials, and only for the origins that need it:
/// browser extensions (`chrome-extension://…` and Firefox's `moz-extension://…`, the new-tab board) and the configured
/// `server.cors_origins` (exact origins such as `https://dashboard.example`). The web UI is
/// same-origin and needs no CORS at all; any other origin gets no `Access-Control-*` headers,
/// so browsers keep its scripts from reading the answers.
pub fn api_cors(allowed: &[String]) -> CorsLayer {
    let allowed: Vec<String> = allowed.iter().map(|o| normalize_origin(o)).collect();
    CorsLayer::new()
        .allow_methods([Method::GET, Method::HEAD])
        .allow_origin(AllowOrigin::predicate(move |origin, _| {
            origin.to_str().is_ok_and(|o| origin_allowed(o, &allowed))
        }))
        .max_age(std::time::Duration::from_secs(3600))
}

/// An origin as browsers send it: lower-case scheme and host, no trailing slash.
fn normalize_origin(origin: &str) -> String {
    origin.trim().trim_end_matches('/').to_ascii_lowercase()
}

/// Whether a request's `Origin` may read the API.
fn origin_allowed(origin: &str, configured: &[String]) -> bool {
    let origin = normalize_origin(origin);
    if let Some(id) = origin.strip_prefix("chrome-extension://") {
        // An extension id is 32 letters a–p; anything else is not an extension origin.
        return id.len() == 32 && id.bytes().all(|b| (b'a'..=b'p').contains(&b));
    }
    if let Some(id) = origin.strip_prefix("moz-extension://") {
        // Firefox names each installed add-on by a random UUID.
        return is_uuid(id);
    }
    configured.contains(&origin)
}

/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in lower-case hex.
fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_sources_are_origins_and_nothing_else() {
        for ok in [
            "http://127.0.0.1:8181",
            "https://img.example",
            "http://nas.local:80",
        ] {
            assert_eq!(image_source_problem(ok), None, "{ok}");
        }
        for bad in [
            "127.0.0.1:8181",
            "http://",
            "http://*.example",
            "http://img.example/path",
            "http://a.example; script-src *",
            "http://a.example:99999",
            "ftp://a.example",
            "http://a.example\r\nX: y",
        ] {
            assert!(image_source_problem(bad).is_some(), "{bad}");
        }
        let csp = content_security_policy(&["http://127.0.0.1:8181".into()]);
        let csp = csp.to_str().unwrap();
        assert!(
            csp.contains("img-src 'self' https: data: http://127.0.0.1:8181;"),
            "{csp}"
        );
        assert!(content_security_policy(&[])
            .to_str()
            .unwrap()
            .contains("img-src 'self' https: data:;"));
    }

    #[test]
    fn extension_and_configured_origins_only() {
        let configured = vec![normalize_origin("https://Dash.example/")];
        assert!(origin_allowed(
            "chrome-extension://inbidlednkaiamdgomplindjipdpkoje",
            &configured
        ));
        assert!(!origin_allowed("chrome-extension://short", &configured));
        assert!(!origin_allowed(
            "chrome-extension://zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
            &configured
        ));
        assert!(origin_allowed("https://dash.example", &configured));
        assert!(!origin_allowed("https://dash.example.evil", &configured));
        assert!(!origin_allowed("https://other.example", &configured));
        assert!(!origin_allowed("null", &configured));
        assert!(origin_allowed(
            "moz-extension://0f3c9a4e-5b1d-4c2e-9a7f-1b2c3d4e5f60",
            &configured
        ));
        assert!(!origin_allowed("moz-extension://evil", &configured));
        assert!(!origin_allowed(
            "moz-extension://0f3c9a4e-5b1d-4c2e-9a7f-1b2c3d4e5f60.evil",
            &configured
        ));
    }
}
