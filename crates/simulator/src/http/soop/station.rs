//! `GET /api/{bjId}/station`: station profile with `upd.fan_cnt` (followers) and `broad`, which is
//! the live status (null when offline). Numbers are real JSON numbers on this host.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use streamtide_core::Platform;

use super::profile_image;
use crate::http::{reply, AppState};
use crate::kst;
use crate::SimChannel;

pub(super) async fn handle(State(s): State<AppState>, Path(bj_id): Path<String>) -> Response {
    let Some(ch) = s.world.channel(Platform::Soop, &bj_id) else {
        return super::unknown_station();
    };
    let now = s.now();
    let followers = s.world.followers_at(ch, now);
    let current = s.world.current_or_last_broadcast(ch, now);
    let broad_start = current.as_ref().map_or(ch.joined_at, |(b, _)| b.start);
    let broad = match &current {
        Some((b, true)) => json!({
            "user_id": ch.id,
            "broad_no": b.live_id,
            "broad_title": b.title,
            "current_sum_viewer": s.world.viewers_of(ch, b, now),
            "broad_grade": if ch.adult { 19 } else { 0 },
            "is_password": false,
        }),
        _ => Value::Null,
    };
    reply::json(
        StatusCode::OK,
        json!({
            "profile_image": profile_image(&ch.id),
            "station": station(ch, followers, broad_start, now),
            "broad": broad,
            "subscription": {"count": followers / 150},
            "starballoon_top": [],
            "sticker_top": [],
            "is_best_bj": ch.popularity > 0.5,
            "is_partner_bj": ch.popularity > 0.02,
            "is_sports_bj": ch.category.chzzk_type == "SPORTS",
            "is_ppv_bj": false,
            "country": "KR",
            "current_timestamp": kst::fmt(now),
        }),
    )
}

fn station(
    ch: &SimChannel,
    followers: u64,
    broad_start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Value {
    // Cumulative airtime, estimated from the schedule rather than summed broadcast by broadcast.
    let days = (now - ch.joined_at).num_days().max(0) as f64;
    let total_broad_time = (days * ch.stream_prob * ch.duration_minutes as f64 * 60.0) as u64;
    let today = kst::day_of(now);
    let daily = |day: i64, share: f64| {
        let wobble =
            0.5 + (ch.key.bits().rotate_left((day.rem_euclid(64)) as u32) % 1000) as f64 / 1000.0;
        (followers as f64 * share * wobble) as u64
    };
    json!({
        "user_id": ch.id,
        "user_nick": ch.name_at(now),
        "station_no": ch.station_no,
        "station_name": format!("{}의 방송국", ch.name_at(now)),
        "station_title": ch.description,
        "broad_start": kst::fmt(broad_start),
        "grade": 1,
        "jointime": kst::fmt(ch.joined_at),
        "total_broad_time": total_broad_time,
        "active_no": 100 + ch.index,
        "display": {"profile_text": ch.description},
        "groups": [],
        "menus": [],
        "vods": [],
        "sns": [],
        "upd": {
            "station_no": ch.station_no,
            "user_id": ch.id,
            "asp_code": 0,
            "fan_cnt": followers,
            "total_visit_cnt": followers * 37,
            "total_ok_cnt": followers * 3,
            "total_view_cnt": followers * 55,
            "today0_visit_cnt": daily(today, 0.05),
            "today1_visit_cnt": daily(today - 1, 0.05),
            "today0_ok_cnt": daily(today, 0.004),
            "today1_ok_cnt": daily(today - 1, 0.004),
            "today0_fav_cnt": daily(today, 0.001),
            "today1_fav_cnt": daily(today - 1, 0.001),
        },
    })
}
