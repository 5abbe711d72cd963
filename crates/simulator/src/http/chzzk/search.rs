//! `GET /service/v1/search/channels?keyword=K&offset=0&size=13`: channels whose name contains the
//! keyword (case-insensitively), biggest first.

use axum::extract::{RawQuery, State};
use axum::response::Response;
use serde_json::{json, Value};
use streamtide_core::Platform;

use crate::http::params::{BadParam, Params};
use crate::http::{reply, AppState};

const DEFAULT_SIZE: u64 = 13;
const MAX_SIZE: u64 = 50;

pub(super) async fn handle(
    State(s): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Response, Response> {
    let p = Params::parse(q.as_deref());
    let bad = |e: BadParam| e.reply(Platform::Chzzk);
    let offset = p.u64("offset").map_err(bad)?.unwrap_or(0) as usize;
    let size = p.u64("size").map_err(bad)?.unwrap_or(DEFAULT_SIZE);
    let size = size.clamp(1, MAX_SIZE) as usize;
    let keyword = p.str("keyword").unwrap_or("").trim().to_lowercase();
    let now = s.now();

    let mut hits: Vec<_> = if keyword.is_empty() {
        Vec::new()
    } else {
        s.world
            .channels(Platform::Chzzk)
            .iter()
            .filter(|ch| ch.name.to_lowercase().contains(&keyword))
            .map(|ch| (ch, s.world.followers_at(ch, now)))
            .collect()
    };
    hits.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.id.cmp(&b.0.id)));

    let data: Vec<Value> = hits
        .iter()
        .skip(offset)
        .take(size)
        .map(|(ch, followers)| {
            json!({"channel": {
                "channelId": ch.id,
                "channelName": ch.name,
                "channelImageUrl": ch.image_url,
                "verifiedMark": ch.verified,
                "channelDescription": ch.description,
                "followerCount": followers,
                "openLive": s.world.live_at(ch, now).is_some(),
            }})
        })
        .collect();
    let next = if offset + size < hits.len() {
        json!({"offset": offset + size})
    } else {
        Value::Null
    };
    Ok(reply::chzzk_ok(json!({
        "size": size,
        "page": {"next": next},
        "data": data,
    })))
}
