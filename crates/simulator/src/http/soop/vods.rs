//! `GET /api/{bjId}/vods/{kind}?page=N&per_page=20&orderby=reg_date`: a Laravel paginator of VODs.
//!
//! `review` (replays) and `all` list the world's replays, newest first; the other kinds exist but
//! are empty because the world has no uploads or clips. 20 per page whatever `per_page` says, as the
//! real server does.

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};
use streamtide_core::Platform;

use super::profile_image;
use crate::http::params::Params;
use crate::http::{reply, AppState};
use crate::kst;
use crate::{SimChannel, SimVideo};

const PER_PAGE: u64 = 20;
const KINDS: &[&str] = &["review", "all", "normal", "clip", "user_clip", "catch"];

pub(super) async fn handle(
    State(s): State<AppState>,
    Path((bj_id, kind)): Path<(String, String)>,
    RawQuery(q): RawQuery,
) -> Result<Response, Response> {
    if !KINDS.contains(&kind.as_str()) {
        return Err(reply::not_found(Platform::Soop));
    }
    let page = Params::parse(q.as_deref())
        .u64("page")
        .map_err(|e| e.reply(Platform::Soop))?
        .unwrap_or(1)
        .max(1);
    let Some(ch) = s.world.channel(Platform::Soop, &bj_id) else {
        return Err(super::unknown_station());
    };
    let videos = match kind.as_str() {
        "review" | "all" => s.world.videos_at(ch, s.now()),
        _ => Vec::new(),
    };

    let total = videos.len() as u64;
    let last_page = total.div_ceil(PER_PAGE).max(1);
    let start = (page - 1).saturating_mul(PER_PAGE);
    let data: Vec<Value> = videos
        .iter()
        .skip(usize::try_from(start).unwrap_or(usize::MAX))
        .take(PER_PAGE as usize)
        .map(|v| item(ch, v))
        .collect();
    let (from, to) = if data.is_empty() {
        (Value::Null, Value::Null)
    } else {
        (json!(start + 1), json!(start + data.len() as u64))
    };
    let path = format!("{}/api/{}/vods/{}", s.base, ch.id, kind);
    let link = |n: u64| Value::String(format!("{path}?page={n}"));
    Ok(reply::json(
        StatusCode::OK,
        json!({
            "data": data,
            "links": {
                "first": link(1),
                "last": link(last_page),
                "prev": if page > 1 { link(page - 1) } else { Value::Null },
                "next": if page < last_page { link(page + 1) } else { Value::Null },
            },
            "meta": {
                "current_page": page,
                "from": from,
                "last_page": last_page,
                "path": path,
                "per_page": PER_PAGE,
                "to": to,
                "total": total,
            },
            "auto_del_vods": [],
        }),
    ))
}

fn item(ch: &SimChannel, v: &SimVideo) -> Value {
    let category: u64 = v.category.soop_cate_no.parse().unwrap_or(0);
    let row_key = format!(
        "{}_{:08X}_{}_1_r",
        kst::fmt(v.started_at)
            .get(..10)
            .unwrap_or("")
            .replace('-', ""),
        (v.video_no.wrapping_mul(0x9E37_79B9) >> 7) as u32,
        v.live_id
    );
    json!({
        "title_no": v.video_no,
        "station_no": ch.station_no,
        "bbs_no": 90_000_000 + ch.station_no % 10_000_000,
        "board_type": 105,
        "auth_no": 101,
        "title_name": v.title,
        "user_nick": ch.name,
        "user_id": ch.id,
        "profile_image": profile_image(&ch.id),
        "photo_cnt": 0,
        "platform_type": 0,
        "notice_yn": 0,
        "comment_yn": 1,
        "reply_yn": 1,
        "livepost_yn": 0,
        "share_yn": 1,
        "search_yn": 1,
        "ip": "",
        "reg_date": kst::fmt(v.published_at),
        "ucc": {
            "thumb": format!("//videoimg.sooplive.com/php/SnapshotLoad.php?rowKey={row_key}"),
            "thumb_type": "SUCCEED",
            "flag": "SUCCEED",
            "ucc_type": "21",
            "category": category,
            "vod_category": category,
            "grade": if v.adult { 19 } else { 0 },
            "category_tags": [v.category.name_ko],
            "hash_tags": v.tags,
            "auto_hashtags": [],
            "total_file_duration": v.duration_secs * 1000,
            "file_type": "REVIEW",
            "auto_delete_remain_hours": null,
            "story_idx": null,
            "paid_ppv": false,
            "is_subtitle": false,
            "lang_tags": ["한국어"],
            "catchInfo": null,
        },
        "display": {"bbs_name": "Replay"},
        "count": {
            "like_cnt": v.likes,
            "read_cnt": v.views,
            "comment_cnt": v.comments,
            "vod_read_cnt": v.views / 20,
            "ucc_favorite_cnt": 0,
        },
        "copyright": null,
        "badge": null,
        "pin": null,
        "authority": {
            "is_board_shareable": true,
            "is_reason_deletable": false,
            "is_blind_deletable": false,
            "is_clip_reason_deletable": false,
            "is_catch_reason_deletable": false,
            "is_ucc_deletable": false,
            "is_ucc_updatable": false,
            "is_vod_pinable": false,
            "is_vod_pin_fixable": false,
            "is_vod_pin_cancelable": false,
            "is_ucc_editable": false,
            "is_ucc_mid_roll_settable": false,
            "is_ucc_playlist_addable": true,
            "is_ucc_chapter_settable": false,
            "is_vod_movable_to_board": false,
        },
    })
}
