//! `GET|POST /api/main_broad_list_api.php?selectType=action&selectValue=all&orderType=view_cnt&pageNo=N`
//!
//! 60 broadcasts per page, every item value a string (PHP style). `selectValue` may be a category
//! number to filter on; `orderType=broad_start` lists the newest broadcasts first. Past the last
//! page `broad` is empty. Items carry the 2026 fields too: `category_name`, `hash_tags`,
//! `category_tags`, `auto_hashtags`, `lang_tags` and `current_view_cnt`.

use std::cmp::Reverse;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use streamtide_core::Platform;

use super::profile_image;
use crate::http::params::Params;
use crate::http::{reply, AppState};
use crate::kst;
use crate::{SimChannel, SimLive};

const PAGE_SIZE: usize = 60;

pub(super) async fn handle(
    State(s): State<AppState>,
    method: Method,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Result<Response, Response> {
    let mut p = Params::parse(q.as_deref());
    if method == Method::POST {
        p.merge_form(&body);
    }
    let page_no = p
        .u64("pageNo")
        .map_err(|e| e.reply(Platform::Soop))?
        .unwrap_or(1)
        .max(1);
    let category = p.str("selectValue").filter(|v| *v != "all");
    let newest_first = p.str("orderType") == Some("broad_start");

    let now = s.now();
    let mut list = s.world.live_list_at(Platform::Soop, now);
    if let Some(cate) = category {
        list.retain(|(_, l)| l.category.soop_cate_no == cate);
    }
    if newest_first {
        list.sort_by_key(|(_, l)| Reverse((l.started_at, l.live_id)));
    }
    let skip = usize::try_from(page_no - 1)
        .unwrap_or(usize::MAX)
        .saturating_mul(PAGE_SIZE);
    let broad: Vec<Value> = list
        .iter()
        .skip(skip)
        .take(PAGE_SIZE)
        .map(|(ch, live)| item(ch, live, now))
        .collect();
    Ok(reply::json(
        StatusCode::OK,
        json!({
            "total_cnt": list.len(),
            "cnt": broad.len(),
            "page_no": page_no.to_string(),
            "time": now.timestamp(),
            "is_wp": false,
            "broad": broad,
        }),
    ))
}

fn item(ch: &SimChannel, live: &SimLive, now: DateTime<Utc>) -> Value {
    let (bps, resolution) = [
        ("8000", "1920x1080"),
        ("6000", "1920x1080"),
        ("4000", "1280x720"),
    ][ch.index % 3];
    json!({
        "broad_no": live.live_id.to_string(),
        "user_id": ch.id,
        "user_nick": ch.name_at(now),
        "broad_title": live.title,
        "broad_thumb": format!("//liveimg.sooplive.co.kr/m/{}", live.live_id),
        "total_view_cnt": live.viewers.to_string(),
        "broad_cate_no": live.category.soop_cate_no,
        "broad_start": kst::fmt(live.started_at),
        "broad_grade": if live.adult { "19" } else { "0" },
        "is_password": "N",
        "visit_broad_type": "0",
        "profile_img": profile_image(&ch.id),
        "broad_bps": bps,
        "broad_resolution": resolution,
        // 2026 fields (platforms-2026.md). `current_view_cnt` is the PC share of the total.
        "current_view_cnt": (live.viewers * 7 / 10).to_string(),
        "category_name": live.category.name_ko,
        "hash_tags": live.tags,
        "category_tags": [live.category.name_ko],
        "auto_hashtags": [],
        "lang_tags": ["한국어"],
    })
}
