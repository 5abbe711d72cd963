//! The CHZZK server (`api.chzzk.naver.com`): lives, channels, live-detail, polling live-status,
//! videos, search; and the official Open API under `/open/v1` (see `open_api`).
//!
//! Every `/service/{v}/...` path answers for any version except the retired ones
//! (`SimConfig::retired_service_versions`, or retired at run time by
//! `Simulator::chzzk_retire_service_version`), which get code 9004 as CHZZK's real retired
//! versions do; `live-detail` also refuses `v1`, as the real one has since 2024. With
//! `SimConfig::chzzk_require_browser_headers`, a request without the headers a 2026 browser sends
//! gets 403 (what CHZZK would really do is not known; the switch lets tests see the headers sent).

mod channel;
mod live_detail;
mod live_status;
mod lives;
mod open_api;
mod render;
mod search;
mod videos;

use axum::extract::{OriginalUri, Request};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::json;

use super::{reply, AppState};
use crate::world::SimShape;
use streamtide_core::ChannelStats;

/// CHZZK's simulated population: 32 hex digit channel ids, no handles, pictures on Naver's CDN,
/// channels since the beta of December 2023, followers the only counter.
pub(crate) const SHAPE: SimShape = SimShape {
    key_tag: 1,
    channels: |cfg| cfg.chzzk_channels,
    channel_id: |k, _| format!("{:016x}{:016x}", k.at(1).bits(), k.at(2).bits()),
    handle: |_, _| None,
    image_url: |id| format!("https://nng-phinf.pstatic.net/sim/{id}/profile.png"),
    other_languages: 0.0,
    joined_from: "2023-12-19T00:00:00Z",
    joined_span_days: 700,
    live_id_base: 10_000_000,
    lists_replays: false,
    stats: |_, followers, _| ChannelStats {
        followers: Some(followers),
        total_views: None,
        video_count: None,
    },
    broadcast: |b| {
        (
            b.live_id.to_string(),
            Some(b.category.chzzk_id.to_string()),
            Some(b.category.name_ko.to_string()),
        )
    },
};

/// The headers a 2026 browser sends that the adapter is expected to send too.
pub(crate) const BROWSER_HEADERS: &[&str] = &[
    "origin",
    "front-client-platform-type",
    "front-client-product-type",
    "deviceid",
];

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/service/{version}/lives", get(lives::handle))
        .route(
            "/service/{version}/channels/{channel_id}",
            get(channel::handle),
        )
        .route(
            "/service/{version}/channels/{channel_id}/videos",
            get(videos::handle),
        )
        .route(
            "/service/{version}/channels/{channel_id}/live-detail",
            get(live_detail::handle),
        )
        .route(
            "/polling/{version}/channels/{channel_id}/live-status",
            get(live_status::handle),
        )
        .route("/service/{version}/search/channels", get(search::handle))
        .merge(open_api::routes())
}

/// 9004 for retired `/service/{v}` versions, 403 for a request without browser headers (when
/// required); everything else passes.
pub(crate) async fn gate(s: &AppState, req: Request, next: Next) -> Response {
    let path = req
        .extensions()
        .get::<OriginalUri>()
        .map(|u| u.path().to_string())
        .unwrap_or_else(|| req.uri().path().to_string());
    // The official Open API is called by servers, not browsers: no browser headers there.
    if s.cfg.chzzk_require_browser_headers
        && !path.starts_with("/open/")
        && BROWSER_HEADERS
            .iter()
            .any(|h| req.headers().get(*h).is_none_or(|v| v.is_empty()))
    {
        return reply::chzzk_error(StatusCode::FORBIDDEN, 403, "Forbidden");
    }
    if let Some(rest) = path.strip_prefix("/service/") {
        let version = rest.split('/').next().unwrap_or("");
        let retired = s
            .shared
            .kr
            .retired_service_versions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .any(|v| v == version)
            || s.cfg.retired_service_versions.iter().any(|v| v == version)
            || (version == "v1" && path.ends_with("/live-detail"));
        if retired {
            return retired_version();
        }
    }
    next.run(req).await
}

/// What CHZZK answers on a retired path version (HTTP 200).
pub(crate) fn retired_version() -> Response {
    reply::json(
        StatusCode::OK,
        json!({"code": 9004, "message": "앱 업데이트 후에 정상 시청 가능합니다.", "content": null}),
    )
}
