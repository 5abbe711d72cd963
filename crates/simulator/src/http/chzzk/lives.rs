//! `GET /service/v1/lives?size=N&sortType=POPULAR[&concurrentUserCount=X&liveId=Y]`
//!
//! Cursor paging: the answer lists items strictly after `(concurrentUserCount, liveId)` in the order
//! viewers desc, liveId desc, and `page.next` is the last item's pair (null on the last page).
//! `sortType=LATEST` orders by liveId desc and only the `liveId` part of the cursor matters.

use std::cmp::Reverse;

use axum::extract::{RawQuery, State};
use axum::response::Response;
use serde_json::{json, Value};
use streamtide_core::Platform;

use super::render;
use crate::http::params::{BadParam, Params};
use crate::http::{reply, AppState};

const DEFAULT_SIZE: u64 = 20;
const MAX_SIZE: u64 = 50;

#[derive(Clone, Copy, PartialEq)]
enum Sort {
    Popular,
    Latest,
}

pub(super) async fn handle(
    State(s): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Response, Response> {
    let p = Params::parse(q.as_deref());
    let bad = |e: BadParam| e.reply(Platform::Chzzk);
    let sort = match p.str("sortType").unwrap_or("POPULAR") {
        "POPULAR" => Sort::Popular,
        "LATEST" => Sort::Latest,
        other => {
            let msg = format!("unknown sortType {other:?}");
            return Err(reply::bad_request(Platform::Chzzk, &msg));
        }
    };
    let size = p.u64("size").map_err(bad)?.unwrap_or(DEFAULT_SIZE);
    let size = size.clamp(1, MAX_SIZE) as usize;
    let cursor_viewers = p.u64("concurrentUserCount").map_err(bad)?;
    let cursor_id = p.u64("liveId").map_err(bad)?;

    let mut list = s.world.live_list_at(Platform::Chzzk, s.now());
    if sort == Sort::Latest {
        list.sort_by_key(|(_, l)| Reverse(l.live_id));
    }
    let after_cursor = |viewers: u64, live_id: u64| match (sort, cursor_viewers, cursor_id) {
        (Sort::Popular, Some(cv), Some(ci)) => viewers < cv || (viewers == cv && live_id < ci),
        (Sort::Latest, _, Some(ci)) => live_id < ci,
        // Half a cursor is ignored, as if absent: the first page.
        _ => true,
    };
    let mut remaining = list
        .iter()
        .filter(|(_, l)| after_cursor(l.viewers, l.live_id))
        .peekable();
    let page: Vec<_> = remaining.by_ref().take(size).collect();
    let next = match (page.last(), remaining.peek()) {
        (Some((_, last)), Some(_)) => {
            json!({"concurrentUserCount": last.viewers, "liveId": last.live_id})
        }
        _ => Value::Null,
    };
    let data: Vec<Value> = page
        .iter()
        .map(|(ch, live)| render::live_item(ch, live))
        .collect();
    Ok(reply::chzzk_ok(json!({
        "size": size,
        "page": {"next": next},
        "data": data,
    })))
}
