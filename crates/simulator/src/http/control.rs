//! `/__sim/*`: the control surface another process uses to inject faults and read counters.
//!
//! These routes are never counted as platform requests and never faulted themselves, so a test can
//! always clean up after a fault that breaks everything else.

use std::sync::atomic::Ordering;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::json;

use super::reply::json;
use super::AppState;
use crate::Fault;

pub(crate) const PREFIX: &str = "/__sim/";

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/__sim/faults",
            post(add_fault).delete(clear_faults).get(list_faults),
        )
        .route("/__sim/stats", get(stats))
}

/// Body: a [`Fault`] as flat JSON. Parsed from raw bytes so callers need not set Content-Type.
async fn add_fault(State(s): State<AppState>, body: Bytes) -> Response {
    match serde_json::from_slice::<Fault>(&body) {
        Ok(fault) => {
            s.shared.faults.push(fault);
            json(
                StatusCode::OK,
                json!({"ok": true, "pending": s.shared.faults.pending()}),
            )
        }
        Err(e) => json(
            StatusCode::BAD_REQUEST,
            json!({"ok": false, "error": e.to_string()}),
        ),
    }
}

async fn clear_faults(State(s): State<AppState>) -> Response {
    s.shared.faults.clear();
    json(StatusCode::OK, json!({"ok": true, "pending": 0}))
}

async fn list_faults(State(s): State<AppState>) -> Response {
    json(
        StatusCode::OK,
        json!({"pending": s.shared.faults.pending()}),
    )
}

async fn stats(State(s): State<AppState>) -> Response {
    json(
        StatusCode::OK,
        json!({"requests": s.shared.requests.load(Ordering::Relaxed)}),
    )
}
