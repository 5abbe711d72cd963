//! `GET /service/v1/channels/{channelId}`: channel info with `followerCount` and `openLive`.

use axum::extract::{Path, State};
use axum::response::Response;
use streamtide_core::Platform;

use super::render;
use crate::http::{reply, AppState};

pub(super) async fn handle(
    State(s): State<AppState>,
    Path((_version, id)): Path<(String, String)>,
) -> Response {
    let now = s.now();
    let content = match s
        .world
        .channel(Platform::Chzzk, &id)
        .filter(|ch| ch.exists_at(s.now()))
    {
        Some(ch) => render::channel_full(
            ch,
            s.world.followers_at(ch, now),
            s.world.live_at(ch, now).is_some(),
        ),
        None => render::unknown_channel(),
    };
    reply::chzzk_ok(content)
}
