//! Middleware every response goes through: tracing, security headers, JSON errors, panic
//! catching and a request body limit.

use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{Any, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{
    DefaultMakeSpan, DefaultOnFailure, DefaultOnRequest, DefaultOnResponse, TraceLayer,
};
use tracing::Level;

use crate::error;
use crate::AppState;

/// The API takes no request bodies; anything large is a mistake or an attack.
const BODY_LIMIT_BYTES: usize = 64 * 1024;

/// The live page loads only its own script and style; thumbnails and avatars come from the
/// platforms' image hosts over HTTPS.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' https: data:; \
    style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; \
    base-uri 'none'; frame-ancestors 'none'";

/// Add the fallback and the process-wide middleware around `routes`.
pub fn wrap(routes: Router<AppState>) -> Router<AppState> {
    // `Router::layer` wraps outside-in in reverse: the last `.layer` is the outermost.
    routes
        .fallback(error::not_found)
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT_BYTES))
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
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("content-security-policy"),
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
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

/// CORS for `/api/v1`: read-only, from any origin, no credentials (the API is public data).
///
/// Hook for restricting origins: replace `allow_origin(Any)` with an `AllowOrigin::list` built
/// from configured origins once the configuration carries them.
pub fn api_cors() -> CorsLayer {
    CorsLayer::new()
        .allow_methods([Method::GET, Method::HEAD])
        .allow_origin(Any)
        .max_age(std::time::Duration::from_secs(3600))
}
