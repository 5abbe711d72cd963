//! `/__sim/*`: the control surface another process uses to inject faults, read counters and
//! start a channel's broadcast.
//!
//! - `POST/GET/DELETE /__sim/faults`: queue a [`Fault`] (flat JSON body), count or drop them.
//! - `GET /__sim/stats`: platform requests served.
//! - `POST /__sim/start-live?channel=<id>`: this server's channel `<id>` goes live now (a
//!   broadcast of its usual length, in place of its scheduled one of the day); `platform=` may
//!   name the server's platform as a check. 200 with the broadcast (`live_id`, `title`,
//!   `started_at`, `viewers`), 404 for an unknown channel, 409 if it is live already, 422 if it
//!   cannot stream now (deleted, moved away). A `streamtide demo` prints each server's address.
//!
//! These routes are never counted as platform requests and never faulted themselves, so a test can
//! always clean up after a fault that breaks everything else.

use std::sync::atomic::Ordering;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::json;

use super::params::Params;
use super::reply::json;
use super::AppState;
use crate::{Fault, StartLiveError};

pub(crate) const PREFIX: &str = "/__sim/";

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/__sim/faults",
            post(add_fault).delete(clear_faults).get(list_faults),
        )
        .route("/__sim/stats", get(stats))
        .route("/__sim/start-live", post(start_live))
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

/// `?channel=<id>[&platform=<this server's platform>]`: the channel goes live now.
async fn start_live(State(s): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let params = Params::parse(query.as_deref());
    let platform = s.shared.platform;
    if let Some(named) = params.str("platform") {
        if named != platform.as_str() {
            let error = format!("this is the {platform} server, not {named}'s");
            return json(
                StatusCode::BAD_REQUEST,
                json!({"ok": false, "error": error}),
            );
        }
    }
    let Some(channel) = params.str("channel") else {
        return json(
            StatusCode::BAD_REQUEST,
            json!({"ok": false, "error": "`channel` (the channel id) is required"}),
        );
    };
    match s.world.start_live(platform, channel, s.now()) {
        Ok(live) => {
            tracing::info!(%platform, channel, live_id = live.live_id, "simulator: broadcast started on request");
            json(
                StatusCode::OK,
                json!({
                    "ok": true,
                    "platform": platform.as_str(),
                    "channel_id": channel,
                    "live_id": live.live_id,
                    "title": live.title,
                    "started_at": live.started_at.to_rfc3339(),
                    "viewers": live.viewers,
                }),
            )
        }
        Err(e) => {
            let status = match e {
                StartLiveError::UnknownChannel { .. } => StatusCode::NOT_FOUND,
                StartLiveError::AlreadyLive => StatusCode::CONFLICT,
                StartLiveError::CannotStream => StatusCode::UNPROCESSABLE_ENTITY,
            };
            json(status, json!({"ok": false, "error": e.to_string()}))
        }
    }
}
