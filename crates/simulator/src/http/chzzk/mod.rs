//! The CHZZK server (`api.chzzk.naver.com`): lives, channels, polling live-status, videos, search.

mod channel;
mod live_status;
mod lives;
mod render;
mod search;
mod videos;

use axum::routing::get;
use axum::Router;

use super::AppState;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/service/v1/lives", get(lives::handle))
        .route("/service/v1/channels/{channel_id}", get(channel::handle))
        .route(
            "/service/v1/channels/{channel_id}/videos",
            get(videos::handle),
        )
        .route(
            "/polling/{version}/channels/{channel_id}/live-status",
            get(live_status::handle),
        )
        .route("/service/v1/search/channels", get(search::handle))
}
