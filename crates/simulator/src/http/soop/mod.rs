//! The SOOP server. One listener answers both hosts' paths: `live.`'s broadcast list and
//! `chapi.`'s station and VOD APIs. The root stands in for the 2026 `*.sooplive.com` hosts;
//! `/co.kr/...` for the old `*.sooplive.co.kr` ones, which [`OldHosts`] can switch to answer
//! as a moved host does (an HTML page, a redirect to one, a 403 page) instead of the JSON.
//! The official Open API (`openapi.sooplive.com`: `/broad/list`, `/broad/category/list`) is
//! served from the same root ([`open_api`]).

mod broad_list;
mod open_api;
mod station;
mod vods;

use axum::extract::{OriginalUri, Request};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::json;

use super::{reply, AppState};
use crate::world::SimShape;
use streamtide_core::ChannelStats;

/// SOOP's simulated population: `simbj0001` station ids that are also the handles, stations
/// since the AfreecaTV years, followers and total views (its `broad_no`s are much larger than
/// CHZZK's `liveId`s in reality too).
pub(crate) const SHAPE: SimShape = SimShape {
    key_tag: 2,
    channels: |cfg| cfg.soop_channels,
    channel_id: |_, index| format!("simbj{index:04}"),
    handle: |id, _| Some(id.to_string()),
    image_url: profile_image,
    other_languages: 0.0,
    joined_from: "2012-01-01T00:00:00Z",
    joined_span_days: 4_900,
    live_id_base: 250_000_000,
    lists_replays: false,
    stats: |_, followers, _| ChannelStats {
        followers: Some(followers),
        total_views: Some(followers * 55),
        video_count: None,
    },
    broadcast: |b| {
        (
            b.live_id.to_string(),
            Some(b.category.soop_cate_no.to_string()),
            None,
        )
    },
};

/// SOOP's protocol-relative profile image URL: `//profile.img.sooplive.co.kr/LOGO/{id[0:2]}/{id}/{id}.jpg`.
pub(crate) fn profile_image(id: &str) -> String {
    let prefix: String = id.chars().take(2).collect();
    format!("//profile.img.sooplive.co.kr/LOGO/{prefix}/{id}/{id}.jpg")
}

/// Where the old hosts are served (`{base}/co.kr` stands in for `https://live.sooplive.co.kr`).
pub(crate) const OLD_PREFIX: &str = "/co.kr";
/// The page the old hosts redirect to.
const MOVED_PAGE: &str = "/moved.html";

/// How the `.co.kr` hosts answer API calls.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OldHosts {
    /// The JSON, like the `.com` hosts (SOOP before the move).
    #[default]
    Json,
    /// A 200 HTML page (a landing page where the API was).
    HtmlPage,
    /// A 302 to an HTML page on the new site.
    RedirectToPage,
    /// A 403 HTML page.
    Forbidden,
}

fn api() -> Router<AppState> {
    Router::new()
        .route(
            "/api/main_broad_list_api.php",
            get(broad_list::handle).post(broad_list::handle),
        )
        .route("/api/{bj_id}/station", get(station::handle))
        .route("/api/{bj_id}/vods/{kind}", get(vods::handle))
        .route("/broad/list", get(open_api::broad_list))
        .route("/broad/category/list", get(open_api::category_list))
}

pub(crate) fn routes() -> Router<AppState> {
    api()
        .nest(OLD_PREFIX, api())
        .route(MOVED_PAGE, get(|| async { html(StatusCode::OK) }))
}

fn html(status: StatusCode) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        "<!DOCTYPE html><html><head><title>SOOP</title></head><body>숲으로 이동했습니다.</body></html>",
    )
        .into_response()
}

/// The old hosts' answer when they no longer serve the API.
pub(crate) async fn gate(s: &AppState, req: Request, next: Next) -> Response {
    let path = req
        .extensions()
        .get::<OriginalUri>()
        .map(|u| u.path().to_string())
        .unwrap_or_else(|| req.uri().path().to_string());
    if !path.starts_with(&format!("{OLD_PREFIX}/")) {
        return next.run(req).await;
    }
    let mode = *s
        .shared
        .kr
        .soop_old_hosts
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    match mode {
        OldHosts::Json => next.run(req).await,
        OldHosts::HtmlPage => html(StatusCode::OK),
        OldHosts::Forbidden => html(StatusCode::FORBIDDEN),
        OldHosts::RedirectToPage => (
            StatusCode::FOUND,
            [(header::LOCATION, format!("{}{MOVED_PAGE}", s.base))],
        )
            .into_response(),
    }
}

/// chapi's answer for a BJ id it does not know (HTTP 200, like the real one).
fn unknown_station() -> Response {
    reply::json(
        StatusCode::OK,
        json!({"code": 9000, "message": "존재하지 않는 방송국입니다."}),
    )
}
