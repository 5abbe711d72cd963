//! The SOOP server. One listener answers both hosts' paths: `live.sooplive.co.kr`'s broadcast list
//! and `chapi.sooplive.co.kr`'s station and VOD APIs.

mod broad_list;
mod station;
mod vods;

use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::json;

use super::{reply, AppState};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/main_broad_list_api.php",
            get(broad_list::handle).post(broad_list::handle),
        )
        .route("/api/{bj_id}/station", get(station::handle))
        .route("/api/{bj_id}/vods/{kind}", get(vods::handle))
}

/// chapi's answer for a BJ id it does not know (HTTP 200, like the real one).
fn unknown_station() -> Response {
    reply::json(
        StatusCode::OK,
        json!({"code": 9000, "message": "존재하지 않는 방송국입니다."}),
    )
}
