//! The one error shape of the API: `{"error": snake_case_code, "message": text}`.
//!
//! Handlers return [`ApiError`]; anything else that could produce an error response (unknown
//! routes, wrong methods, body limits, caught panics) is rewritten by [`json_errors`], so a client
//! never has to parse a plain-text error.

use axum::http::{header, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::dto::ErrorBody;

/// What a 5xx says: details stay in the log, not in the body.
const GENERIC_5XX: &str = "internal error; see the server log";

/// An error a handler answers with.
#[derive(Debug)]
pub enum ApiError {
    /// The request is malformed; the message tells the client what to fix.
    BadRequest(String),
    /// The thing asked for does not exist.
    NotFound(String),
    /// The store cannot be used right now (detail is logged, not shown).
    Unavailable(String),
    /// A bug or an unexpected failure (detail is logged, not shown).
    Internal(String),
    /// A platform the request needed could not be asked; the message is safe to show (platform
    /// errors carry no secrets: keys are redacted from every URL they name).
    Upstream(String),
    /// The request's content is beyond a configured limit; the message names it.
    TooLarge(String),
    /// The request conflicts with what exists (a name taken); the message says what.
    Conflict(String),
}

impl ApiError {
    pub fn bad_request(msg: impl Into<String>) -> Self {
        ApiError::BadRequest(msg.into())
    }

    pub fn not_found(msg: impl Into<String>) -> Self {
        ApiError::NotFound(msg.into())
    }
}

impl From<streamtide_storage::StoreError> for ApiError {
    fn from(e: streamtide_storage::StoreError) -> Self {
        match e {
            streamtide_storage::StoreError::NotFound => ApiError::not_found("not found"),
            other => ApiError::Internal(format!("store: {other}")),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            ApiError::BadRequest(m) => (StatusCode::BAD_REQUEST, m),
            ApiError::NotFound(m) => (StatusCode::NOT_FOUND, m),
            ApiError::Unavailable(detail) => {
                tracing::error!(%detail, "request failed: store unavailable");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the database is unavailable".to_string(),
                )
            }
            ApiError::Internal(detail) => {
                tracing::error!(%detail, "request failed");
                (StatusCode::INTERNAL_SERVER_ERROR, GENERIC_5XX.to_string())
            }
            ApiError::Upstream(m) => (StatusCode::BAD_GATEWAY, m),
            ApiError::TooLarge(m) => (StatusCode::PAYLOAD_TOO_LARGE, m),
            ApiError::Conflict(m) => (StatusCode::CONFLICT, m),
        };
        error_response(status, message)
    }
}

/// The snake_case code of a status (`bad_request`, `not_found`, ...).
pub fn error_code(status: StatusCode) -> String {
    match status {
        StatusCode::INTERNAL_SERVER_ERROR => "internal_error".to_string(),
        other => other
            .canonical_reason()
            .unwrap_or("error")
            .to_ascii_lowercase()
            .replace([' ', '-'], "_"),
    }
}

/// A JSON error response.
pub fn error_response(status: StatusCode, message: String) -> Response {
    let body = ErrorBody {
        error: error_code(status),
        message,
    };
    (status, Json(body)).into_response()
}

/// Unknown routes.
pub async fn not_found(method: Method, uri: Uri) -> Response {
    error_response(
        StatusCode::NOT_FOUND,
        format!("no route for {method} {}", uri.path()),
    )
}

/// Rewrite any error response that is not JSON yet (405 from the router, 413 from the body
/// limit, 500 from the panic catcher) into the API's error shape.
pub async fn json_errors(res: Response) -> Response {
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        return res;
    }
    let message = match status {
        StatusCode::METHOD_NOT_ALLOWED => "method not allowed for this route".to_string(),
        StatusCode::PAYLOAD_TOO_LARGE => "request body too large".to_string(),
        s if s.is_server_error() => GENERIC_5XX.to_string(),
        s => s.canonical_reason().unwrap_or("error").to_string(),
    };
    let mut out = error_response(status, message);
    // Keep headers the original response carried for a reason (`Allow` on a 405).
    if let Some(allow) = res.headers().get(header::ALLOW) {
        out.headers_mut().insert(header::ALLOW, allow.clone());
    }
    out
}

/// What the panic catcher answers (the panic message itself is already printed by the hook).
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    error_response(StatusCode::INTERNAL_SERVER_ERROR, GENERIC_5XX.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_snake_case() {
        assert_eq!(error_code(StatusCode::BAD_REQUEST), "bad_request");
        assert_eq!(error_code(StatusCode::NOT_FOUND), "not_found");
        assert_eq!(
            error_code(StatusCode::METHOD_NOT_ALLOWED),
            "method_not_allowed"
        );
        assert_eq!(
            error_code(StatusCode::PAYLOAD_TOO_LARGE),
            "payload_too_large"
        );
        assert_eq!(
            error_code(StatusCode::SERVICE_UNAVAILABLE),
            "service_unavailable"
        );
        assert_eq!(
            error_code(StatusCode::INTERNAL_SERVER_ERROR),
            "internal_error"
        );
    }
}
