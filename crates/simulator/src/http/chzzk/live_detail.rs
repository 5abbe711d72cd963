//! `GET /service/{version}/channels/{channelId}/live-detail`: the heavy per-channel call, with
//! what live-status lacks: `liveId`, the thumbnail template `liveImageUrl` and the `channel`
//! object (shape of `fixtures/chzzk/service_v1_channels_live-detail.2023-12.json`). `v1` answers
//! 9004 (see `gate`), as the real one has since 2024.

use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{json, Value};
use streamtide_core::Platform;

use super::{live_status, render};
use crate::http::{reply, AppState};

pub(super) async fn handle(
    State(s): State<AppState>,
    Path((_version, id)): Path<(String, String)>,
) -> Response {
    let now = s.now();
    let Some(ch) = s
        .world
        .channel(Platform::Chzzk, &id)
        .filter(|ch| ch.exists_at(s.now()))
    else {
        return reply::chzzk_ok(Value::Null);
    };
    let content = match s.world.current_or_last_broadcast(ch, now) {
        None => Value::Null,
        Some((b, open)) => {
            let viewers = if open {
                s.world.viewers_of(ch, &b, now)
            } else {
                0
            };
            let accumulated = if open {
                0
            } else {
                s.world.total_viewers_of(ch, &b)
            };
            let mut c = live_status::status_content(ch, &b, open, viewers, accumulated);
            let template = render::live_image_template(ch, b.live_id);
            if let Value::Object(m) = &mut c {
                m.insert("liveId".into(), json!(b.live_id));
                m.insert(
                    "liveImageUrl".into(),
                    if open { json!(template) } else { Value::Null },
                );
                m.insert("defaultThumbnailImageUrl".into(), Value::Null);
                m.insert("channel".into(), render::channel_brief(ch));
                m.insert(
                    "livePlaybackJson".into(),
                    json!(json!({
                        "meta": {"videoId": format!("SIM{}", b.live_id), "streamSeq": ch.station_no, "liveId": b.live_id},
                        "thumbnail": {"snapshotThumbnailTemplate": template, "types": ["1080", "720", "480", "360", "270", "144"]},
                        "media": []
                    })
                    .to_string()),
                );
            }
            c
        }
    };
    reply::chzzk_ok(content)
}
