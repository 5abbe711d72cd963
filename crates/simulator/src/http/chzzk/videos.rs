//! `GET /service/v1/channels/{channelId}/videos?sortType=LATEST&pagingType=PAGE&page=0&size=24`
//!
//! Replays only (`videoType` `REPLAY`); `page` is 0-based. Unknown channels get an empty page.

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use serde_json::{json, Value};
use streamtide_core::Platform;

use super::render;
use crate::http::params::{BadParam, Params};
use crate::http::{reply, AppState};

const DEFAULT_SIZE: u64 = 24;
const MAX_SIZE: u64 = 50;

pub(super) async fn handle(
    State(s): State<AppState>,
    Path((_version, id)): Path<(String, String)>,
    RawQuery(q): RawQuery,
) -> Result<Response, Response> {
    let p = Params::parse(q.as_deref());
    let bad = |e: BadParam| e.reply(Platform::Chzzk);
    let page = p.u64("page").map_err(bad)?.unwrap_or(0);
    let size = p.u64("size").map_err(bad)?.unwrap_or(DEFAULT_SIZE);
    let size = size.clamp(1, MAX_SIZE);
    let popular = match p.str("sortType").unwrap_or("LATEST") {
        "LATEST" => false,
        "POPULAR" => true,
        other => {
            let msg = format!("unknown sortType {other:?}");
            return Err(reply::bad_request(Platform::Chzzk, &msg));
        }
    };
    // Only replays exist here, so asking for uploads yields nothing.
    let uploads_only = p.str("videoType") == Some("UPLOAD");

    let (ch, mut videos) = match s
        .world
        .channel(Platform::Chzzk, &id)
        .filter(|ch| ch.exists_at(s.now()))
    {
        Some(ch) if !uploads_only => (Some(ch), s.world.videos_at(ch, s.now())),
        found => (found, Vec::new()),
    };
    if popular {
        videos.sort_by(|a, b| b.views.cmp(&a.views).then(b.video_no.cmp(&a.video_no)));
    }
    let total = videos.len() as u64;
    let data: Vec<Value> = match ch {
        Some(ch) => videos
            .iter()
            .skip(page.saturating_mul(size).min(total) as usize)
            .take(size as usize)
            .map(|v| render::video_item(ch, v))
            .collect(),
        None => Vec::new(),
    };
    Ok(reply::chzzk_ok(json!({
        "page": page,
        "size": size,
        "totalCount": total,
        "totalPages": total.div_ceil(size),
        "data": data,
    })))
}
