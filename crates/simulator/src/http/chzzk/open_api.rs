//! The official CHZZK Open API (`openapi.chzzk.naver.com`), served under `/open/v1` on the CHZZK
//! server (so `open_api_base` = the CHZZK base): `GET /open/v1/lives`, `GET /open/v1/channels`
//! and `GET /open/v1/categories/search`, shaped like the official field tables
//! (0junproject/chzzk-docs `api-docs/live.md`, `channel.md`, `category.md`).
//!
//! Client auth: `Client-Id` and `Client-Secret` must equal `SimConfig::chzzk_client_id` and
//! `chzzk_client_secret`, else HTTP 401 with the envelope `{"code":401,"message":"INVALID_CLIENT"}`
//! (the docs name no body for it; chzzkpy reads only `message` of a 401, and public client tests
//! use this one). The browser-header check of the web API does not apply here.

use std::collections::HashSet;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};
use streamtide_core::Platform;

use super::render;
use crate::http::params::{BadParam, Params};
use crate::http::{reply, AppState};
use crate::kst;

/// `size` of `/open/v1/lives`: 1 to 20, 20 when absent.
const MAX_LIVES: u64 = 20;
/// Most `channelIds` one `/open/v1/channels` call takes.
const MAX_CHANNEL_IDS: usize = 20;
/// `size` of `/open/v1/categories/search`: 1 to 50, 20 when absent.
const MAX_CATEGORIES: u64 = 50;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/open/v1/lives", get(lives))
        .route("/open/v1/channels", get(channels))
        .route("/open/v1/categories/search", get(categories))
}

/// 401 unless both client credentials match the simulator's.
#[allow(clippy::result_large_err)]
fn authorize(s: &AppState, headers: &HeaderMap) -> Result<(), Response> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if header("client-id") == Some(s.cfg.chzzk_client_id.as_str())
        && header("client-secret") == Some(s.cfg.chzzk_client_secret.as_str())
    {
        Ok(())
    } else {
        Err(reply::json(
            StatusCode::UNAUTHORIZED,
            json!({"code": 401, "message": "INVALID_CLIENT"}),
        ))
    }
}

/// The opaque `next` cursor: the last item's (viewers, liveId), in hex.
fn cursor(viewers: u64, live_id: u64) -> String {
    format!("{viewers:x}.{live_id:x}")
}

fn parse_cursor(s: &str) -> Option<(u64, u64)> {
    let (v, id) = s.split_once('.')?;
    Some((
        u64::from_str_radix(v, 16).ok()?,
        u64::from_str_radix(id, 16).ok()?,
    ))
}

/// `GET /open/v1/lives?size=1..20&next=`: every current live, viewers desc, flat items.
async fn lives(
    State(s): State<AppState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Result<Response, Response> {
    authorize(&s, &headers)?;
    let p = Params::parse(q.as_deref());
    let size = p
        .u64("size")
        .map_err(|e: BadParam| e.reply(Platform::Chzzk))?
        .unwrap_or(MAX_LIVES);
    if !(1..=MAX_LIVES).contains(&size) {
        return Err(reply::bad_request(Platform::Chzzk, "size must be 1 to 20"));
    }
    let after = match p.str("next") {
        None => None,
        Some(n) => Some(
            parse_cursor(n).ok_or_else(|| reply::bad_request(Platform::Chzzk, "invalid next"))?,
        ),
    };
    let list = s.world.live_list_at(Platform::Chzzk, s.now());
    let mut remaining = list
        .iter()
        .filter(|(_, l)| match after {
            Some((cv, ci)) => l.viewers < cv || (l.viewers == cv && l.live_id < ci),
            None => true,
        })
        .peekable();
    let page: Vec<_> = remaining.by_ref().take(size as usize).collect();
    let next = match (page.last(), remaining.peek()) {
        (Some((_, last)), Some(_)) => Value::String(cursor(last.viewers, last.live_id)),
        _ => Value::Null,
    };
    let data: Vec<Value> = page
        .iter()
        .map(|(ch, live)| {
            json!({
                "liveId": live.live_id,
                "liveTitle": live.title,
                "liveThumbnailImageUrl": render::live_image_template(ch, live.live_id),
                "concurrentUserCount": live.viewers,
                "openDate": kst::fmt(live.started_at),
                "adult": live.adult,
                "tags": live.tags,
                "categoryType": live.category.chzzk_type,
                "liveCategory": live.category.chzzk_id,
                "liveCategoryValue": live.category.name_ko,
                "channelId": ch.id,
                "channelName": ch.name,
                "channelImageUrl": ch.image_url,
            })
        })
        .collect();
    Ok(reply::chzzk_ok(
        json!({"data": data, "page": {"next": next}}),
    ))
}

/// `GET /open/v1/channels?channelIds=a,b` (or repeated `channelIds=`): up to 20; unknown ids
/// are left out of `data`.
async fn channels(
    State(s): State<AppState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Result<Response, Response> {
    authorize(&s, &headers)?;
    let mut ids: Vec<String> = Vec::new();
    for (k, v) in url::form_urlencoded::parse(q.as_deref().unwrap_or("").as_bytes()) {
        if k == "channelIds" {
            ids.extend(
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
            );
        }
    }
    let mut seen = HashSet::new();
    ids.retain(|id| seen.insert(id.clone()));
    if ids.is_empty() || ids.len() > MAX_CHANNEL_IDS {
        return Err(reply::bad_request(
            Platform::Chzzk,
            "channelIds: 1 to 20 ids",
        ));
    }
    let now = s.now();
    let data: Vec<Value> = ids
        .iter()
        .filter_map(|id| s.world.channel(Platform::Chzzk, id))
        .map(|ch| {
            json!({
                "channelId": ch.id,
                "channelName": ch.name,
                "channelImageUrl": ch.image_url,
                "followerCount": s.world.followers_at(ch, now),
                "verifiedMark": ch.verified,
            })
        })
        .collect();
    Ok(reply::chzzk_ok(json!({"data": data})))
}

/// `GET /open/v1/categories/search?query=&size=1..50`: categories of the simulated lives whose
/// name contains `query`.
async fn categories(
    State(s): State<AppState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Result<Response, Response> {
    authorize(&s, &headers)?;
    let p = Params::parse(q.as_deref());
    let query = p.str("query").unwrap_or("").to_string();
    let size = p
        .u64("size")
        .map_err(|e: BadParam| e.reply(Platform::Chzzk))?
        .unwrap_or(20);
    if !(1..=MAX_CATEGORIES).contains(&size) {
        return Err(reply::bad_request(Platform::Chzzk, "size must be 1 to 50"));
    }
    let mut seen = HashSet::new();
    let data: Vec<Value> = s
        .world
        .live_list_at(Platform::Chzzk, s.now())
        .into_iter()
        .map(|(_, l)| l.category)
        .filter(|c| c.name_ko.contains(query.as_str()) && seen.insert(c.chzzk_id))
        .take(size as usize)
        .map(|c| {
            json!({
                "categoryType": c.chzzk_type,
                "categoryId": c.chzzk_id,
                "categoryValue": c.name_ko,
                "posterImageUrl": null,
            })
        })
        .collect();
    Ok(reply::chzzk_ok(json!({"data": data})))
}
