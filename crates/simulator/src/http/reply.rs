//! Response helpers shared by both platforms' handlers.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use streamtide_core::Platform;

pub(crate) fn json(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

/// CHZZK's envelope: `{"code":200,"message":null,"content":...}`.
pub(crate) fn chzzk_ok(content: Value) -> Response {
    json(
        StatusCode::OK,
        json!({"code": 200, "message": null, "content": content}),
    )
}

/// CHZZK's error envelope, with the HTTP status mirroring `code` when it is an HTTP code.
pub(crate) fn chzzk_error(status: StatusCode, code: u32, message: &str) -> Response {
    json(
        status,
        json!({"code": code, "message": message, "content": null}),
    )
}

/// A 400 for a parameter the handler could not use, in the platform's usual error shape.
pub(crate) fn bad_request(platform: Platform, message: &str) -> Response {
    match platform {
        Platform::Chzzk => chzzk_error(StatusCode::BAD_REQUEST, 400, message),
        _ => json(
            StatusCode::BAD_REQUEST,
            json!({"code": 400, "message": message}),
        ),
    }
}

pub(crate) fn not_found(platform: Platform) -> Response {
    match platform {
        Platform::Chzzk => chzzk_error(StatusCode::NOT_FOUND, 404, "Not Found"),
        _ => json(
            StatusCode::NOT_FOUND,
            json!({"code": 404, "message": "Not Found"}),
        ),
    }
}
