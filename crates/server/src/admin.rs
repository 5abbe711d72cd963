//! Endpoints that change data, behind a bearer token.
//!
//! Reads are public; adding and removing channels, importing rosters and linking creators need
//! `Authorization: Bearer <server.admin_token>`. Without a configured token these endpoints
//! answer 403 `admin_disabled`: off by default, never open by accident. The token is compared in
//! constant time and never logged or echoed.
//!
//! The server does not talk to platforms itself: resolving a pasted URL to a stable id, or a
//! whole roster, is done by an [`AdminOps`] the binary provides (it owns the platform adapters).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use streamtide_core::{ChannelInfo, Platform};
use subtle::ConstantTimeEq;

use crate::dto::ErrorBody;
use crate::AppState;

/// Why an admin operation failed.
#[derive(Debug)]
pub enum AdminError {
    /// The input is wrong (unrecognised URL, unreadable file); the message says what to fix.
    BadRequest(String),
    /// The platform has no such channel.
    NotFound(String),
    /// The platform could not be asked (down, rate-limited); try again later.
    Upstream(String),
    /// The input is larger than the configured limits allow (the message names the key).
    TooLarge(String),
}

/// A channel added to the roster.
#[derive(Debug, Clone)]
pub struct AddedChannel {
    pub info: ChannelInfo,
    /// `false` when it was tracked already.
    pub newly_tracked: bool,
}

/// What needs the platforms: provided by the binary.
#[async_trait::async_trait]
pub trait AdminOps: Send + Sync + 'static {
    /// Recognise `input` (a URL, `platform:id`, or a name with `platform`), resolve it to the
    /// stable id and track it.
    async fn add_channel(
        &self,
        input: &str,
        platform: Option<Platform>,
    ) -> Result<AddedChannel, AdminError>;
    /// Import a roster file (`file_name` gives the format); returns the import report.
    async fn import_roster(
        &self,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Result<serde_json::Value, AdminError>;
}

/// The admin token and the operations it unlocks.
#[derive(Clone)]
pub struct AdminAccess {
    token: String,
    pub(crate) ops: Arc<dyn AdminOps>,
    failures: Arc<crate::auth_failures::AuthFailures>,
}

impl AdminAccess {
    /// `None` when `token` is empty: the endpoints stay off.
    pub fn new(token: &str, ops: Arc<dyn AdminOps>) -> Option<AdminAccess> {
        let token = token.trim();
        (!token.is_empty()).then(|| AdminAccess {
            token: token.to_string(),
            ops,
            failures: Arc::default(),
        })
    }

    fn accepts(&self, presented: &str) -> bool {
        // Equal lengths are compared in constant time; a length mismatch reveals only that.
        bool::from(presented.as_bytes().ct_eq(self.token.as_bytes()))
    }
}

impl std::fmt::Debug for AdminAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AdminAccess(<token redacted>)")
    }
}

fn refuse(status: StatusCode, code: &str, message: &str) -> Response {
    let mut resp = (
        status,
        Json(ErrorBody {
            error: code.to_string(),
            message: message.to_string(),
        }),
    )
        .into_response();
    if status == StatusCode::UNAUTHORIZED {
        resp.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    resp
}

/// Middleware on every admin route: runs before the body is read, so an unauthenticated upload
/// is refused without being received.
pub async fn require_admin(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(admin) = &state.admin else {
        return refuse(
            StatusCode::FORBIDDEN,
            "admin_disabled",
            "admin endpoints are off: set server.admin_token (STREAMTIDE__SERVER__ADMIN_TOKEN) to enable them",
        );
    };
    // The TCP peer (or the client a trusted proxy names, as the rate limit sees it).
    let peer = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map_or(std::net::IpAddr::from([0, 0, 0, 0]), |c| c.0.ip());
    let client = state
        .rate_limit
        .as_ref()
        .map_or(peer, |r| r.client_ip(peer, req.headers()));
    let now = std::time::Instant::now();
    if let Some(wait) = admin.failures.locked(client, now) {
        let mut response = refuse(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_requests",
            &format!("too many failed admin authentications from this client; retry in {wait} s"),
        );
        if let Ok(v) = header::HeaderValue::from_str(&wait.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return response;
    }
    let presented = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim);
    match presented {
        Some(token) if admin.accepts(token) => {
            admin.failures.succeeded(client);
            next.run(req).await
        }
        Some(_) => {
            admin.failures.failed(client, now);
            refuse(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "the bearer token is not valid",
            )
        }
        None => refuse(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "this endpoint needs Authorization: Bearer <admin token>",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoOps;

    #[async_trait::async_trait]
    impl AdminOps for NoOps {
        async fn add_channel(
            &self,
            _: &str,
            _: Option<Platform>,
        ) -> Result<AddedChannel, AdminError> {
            Err(AdminError::BadRequest("no".into()))
        }
        async fn import_roster(
            &self,
            _: &str,
            _: Vec<u8>,
        ) -> Result<serde_json::Value, AdminError> {
            Err(AdminError::BadRequest("no".into()))
        }
    }

    #[test]
    fn empty_token_disables_and_debug_hides_the_token() {
        assert!(AdminAccess::new("  ", Arc::new(NoOps)).is_none());
        let a = AdminAccess::new("s3cret", Arc::new(NoOps)).unwrap();
        assert!(a.accepts("s3cret"));
        assert!(!a.accepts("s3cre"));
        assert!(!a.accepts("s3cret!"));
        assert!(!format!("{a:?}").contains("s3cret"));
    }
}
