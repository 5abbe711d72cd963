//! SOOP's official Open API: `GET /broad/list` and `GET /broad/category/list`.
//!
//! Shapes from the public `/apidoc` field lists (docs/platforms.md, SOOP section): the list is
//! `{total_cnt, page_no, page_block, time, broad: [...]}` with 60 items a page and every item
//! value a string; it has none of the web list's 2026 additions (no category name, tags or
//! language). Categories are `{broad_category: [{cate_no, cate_name, child: [...]}]}`. Every
//! call needs `client_id` = `SimConfig::soop_client_id`; a missing or wrong one gets the
//! documented error shape `{result: <= 0, msg}` with HTTP 200 (the API also answers JSONP, which
//! cannot read a status). `callback=` wraps the reply in JSONP as the real API does.

use std::cmp::Reverse;

use axum::extract::{RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use streamtide_core::Platform;

use super::profile_image;
use crate::http::params::Params;
use crate::http::{reply, AppState};
use crate::kst;
use crate::world::CATEGORIES;
use crate::{SimChannel, SimLive};

const PAGE_SIZE: usize = 60;
/// The "game" parent category; game categories (`0004xxxx`) are its children.
const GAMES: &str = "00040000";

/// The error answer for a `client_id` the API does not know. The message is ours: the docs
/// give the shape, not the text.
fn refused() -> Value {
    json!({"result": -1, "msg": "등록되지 않은 client_id 입니다."})
}

/// The answer as JSON, or as JSONP when the caller asked for a `callback`.
fn answer(p: &Params, body: Value) -> Response {
    match p.str("callback").filter(|c| !c.is_empty()) {
        Some(cb) => (
            StatusCode::OK,
            [(
                header::CONTENT_TYPE,
                "application/javascript; charset=utf-8",
            )],
            format!("{cb}({body});"),
        )
            .into_response(),
        None => reply::json(StatusCode::OK, body),
    }
}

fn authorised(s: &AppState, p: &Params) -> bool {
    p.str("client_id") == Some(s.cfg.soop_client_id.as_str())
}

pub(super) async fn broad_list(
    State(s): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Response, Response> {
    let p = Params::parse(q.as_deref());
    if !authorised(&s, &p) {
        return Ok(answer(&p, refused()));
    }
    let page_no = p
        .u64("page_no")
        .map_err(|e| e.reply(Platform::Soop))?
        .unwrap_or(1)
        .max(1);
    let now = s.now();
    let mut list = s.world.live_list_at(Platform::Soop, now);
    if p.str("select_key") == Some("cate") {
        if let Some(cate) = p.str("select_value") {
            list.retain(|(_, l)| l.category.soop_cate_no == cate);
        }
    }
    if p.str("order_type") == Some("broad_start") {
        list.sort_by_key(|(_, l)| Reverse((l.started_at, l.live_id)));
    }
    let skip = usize::try_from(page_no - 1)
        .unwrap_or(usize::MAX)
        .saturating_mul(PAGE_SIZE);
    let broad: Vec<Value> = list
        .iter()
        .skip(skip)
        .take(PAGE_SIZE)
        .map(|(ch, live)| item(ch, live))
        .collect();
    Ok(answer(
        &p,
        json!({
            "total_cnt": list.len(),
            "page_no": page_no,
            "page_block": 10,
            "time": now.timestamp(),
            "broad": broad,
        }),
    ))
}

/// One item with the documented fields, all strings.
fn item(ch: &SimChannel, live: &SimLive) -> Value {
    let (bps, resolution) = [
        ("8000", "1920x1080"),
        ("6000", "1920x1080"),
        ("4000", "1280x720"),
    ][ch.index % 3];
    json!({
        "broad_title": live.title,
        "visit_broad_type": "0",
        "is_password": "N",
        "broad_cate_no": live.category.soop_cate_no,
        "broad_no": live.live_id.to_string(),
        "user_id": ch.id,
        "user_nick": ch.name,
        "profile_img": profile_image(&ch.id),
        "broad_thumb": format!("//liveimg.sooplive.co.kr/m/{}", live.live_id),
        "broad_start": kst::fmt(live.started_at),
        "broad_grade": if live.adult { "19" } else { "0" },
        "broad_bps": bps,
        "broad_resolution": resolution,
        "total_view_cnt": live.viewers.to_string(),
    })
}

pub(super) async fn category_list(State(s): State<AppState>, RawQuery(q): RawQuery) -> Response {
    let p = Params::parse(q.as_deref());
    if !authorised(&s, &p) {
        return answer(&p, refused());
    }
    let node = |no: &str, name: &str| json!({"cate_no": no, "cate_name": name, "child": []});
    let games: Vec<Value> = CATEGORIES
        .iter()
        .filter(|c| c.soop_cate_no.starts_with("0004"))
        .map(|c| node(c.soop_cate_no, c.name_ko))
        .collect();
    let mut top: Vec<Value> = vec![json!({"cate_no": GAMES, "cate_name": "게임", "child": games})];
    top.extend(
        CATEGORIES
            .iter()
            .filter(|c| !c.soop_cate_no.starts_with("0004"))
            .map(|c| node(c.soop_cate_no, c.name_ko)),
    );
    answer(&p, json!({ "broad_category": top }))
}
