//! The Twitch server: `POST /oauth2/token` (client credentials) and Helix under `/helix`:
//! `users`, `streams`, `channels/followers`, `videos`.
//!
//! Shaped like the captures in `fixtures/twitch/`. Every Helix call needs `Client-Id` and a
//! bearer token this server minted (else 401, Helix's error shape), costs one point of a bucket
//! of `SimConfig::twitch_bucket` points that refills `twitch_bucket_window` after its first use,
//! and carries `Ratelimit-Limit/Remaining/Reset` (epoch seconds); an empty bucket answers 429.
//! The bucket runs on the wall clock (it is about real request rates), the world on the
//! simulator's clock; `SimConfig::twitch_bucket_on_sim_clock` puts the bucket on the simulator's
//! clock too, for runs of simulated days.

// Gates return the platform's own error answer early; it is built once per failed request.
#![allow(clippy::result_large_err)]

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};
use streamtide_core::Platform;

use super::{reply, AppState};
use crate::world::SimShape;
use crate::{SimCategory, SimChannel};
use streamtide_core::ChannelStats;

/// Twitch's simulated population: numeric user ids, `simtv0001` logins, a fifth of the channels
/// in another language than Korean, followers the only counter.
pub(crate) const SHAPE: SimShape = SimShape {
    key_tag: 3,
    channels: |cfg| cfg.twitch_channels,
    // Unique by construction: the index is the low digits.
    channel_id: |k, index| ((100_000 + k.bits() % 900_000) * 100_000 + index as u64).to_string(),
    handle: |_, index| Some(format!("simtv{index:04}")),
    image_url: |id| {
        format!("https://static-cdn.jtvnw.net/jtv_user_pictures/sim-{id}-profile_image-300x300.png")
    },
    other_languages: 0.2,
    joined_from: "2014-01-01T00:00:00Z",
    joined_span_days: 3_600,
    live_id_base: 10_000_000,
    lists_replays: false,
    stats: |_, followers, _| ChannelStats {
        followers: Some(followers),
        total_views: None,
        video_count: None,
    },
    broadcast: |b| {
        (
            b.live_id.to_string(),
            Some(game_id(&b.category)),
            Some(game_name(&b.category)),
        )
    },
};

/// Most `id`/`login`/`user_id` values one Helix call takes.
const MAX_IDS: usize = 100;

/// Tokens and the rate bucket of one Twitch server.
#[derive(Debug, Default)]
pub(crate) struct TwitchState {
    tokens: Mutex<HashMap<String, DateTime<Utc>>>,
    issued: AtomicU64,
    throttled: AtomicU64,
    bucket: Mutex<Option<Bucket>>,
    paths: Mutex<HashMap<String, u64>>,
}

#[derive(Debug)]
struct Bucket {
    remaining: u32,
    /// The announced reset (epoch seconds): the bucket refills once the clock reads it.
    reset_epoch: u64,
}

impl TwitchState {
    pub(crate) fn tokens_issued(&self) -> u64 {
        self.issued.load(Ordering::Relaxed)
    }

    pub(crate) fn throttled(&self) -> u64 {
        self.throttled.load(Ordering::Relaxed)
    }

    pub(crate) fn revoke_all(&self) {
        self.tokens
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    pub(crate) fn requests_to(&self, needle: &str) -> u64 {
        let paths = self.paths.lock().unwrap_or_else(|e| e.into_inner());
        paths
            .iter()
            .filter(|(p, _)| p.contains(needle))
            .map(|(_, n)| n)
            .sum()
    }

    fn count(&self, path: &str) {
        *self
            .paths
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(path.to_string())
            .or_default() += 1;
    }

    /// Take one point at `now` (time since the epoch on the bucket's clock); `(allowed,
    /// remaining, reset epoch second)`.
    fn take_point(&self, limit: u32, window: Duration, now: Duration) -> (bool, u32, u64) {
        let mut b = self.bucket.lock().unwrap_or_else(|e| e.into_inner());
        if b.as_ref()
            .is_none_or(|b| Duration::from_secs(b.reset_epoch) <= now)
        {
            let at = now + window;
            // Round the announced reset up, so waiting for it is always enough.
            let reset_epoch = at.as_secs() + u64::from(at.subsec_nanos() > 0);
            *b = Some(Bucket {
                remaining: limit,
                reset_epoch,
            });
        }
        let Some(bucket) = b.as_mut() else {
            return (true, limit, 0);
        };
        if bucket.remaining == 0 {
            self.throttled.fetch_add(1, Ordering::Relaxed);
            return (false, 0, bucket.reset_epoch);
        }
        bucket.remaining -= 1;
        (true, bucket.remaining, bucket.reset_epoch)
    }
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/oauth2/token", post(token))
        .route("/helix/users", get(users))
        .route("/helix/streams", get(streams))
        .route("/helix/channels/followers", get(followers))
        .route("/helix/videos", get(videos))
}

/// All `name=value` pairs, repeated names kept (Helix lists repeat the parameter).
fn pairs(raw: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw.unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn all<'a>(p: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    p.iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
        .collect()
}

fn one<'a>(p: &'a [(String, String)], name: &str) -> Option<&'a str> {
    all(p, name).into_iter().last()
}

fn helix_error(status: StatusCode, message: &str) -> Response {
    reply::json(
        status,
        json!({
            "error": status.canonical_reason().unwrap_or("Error"),
            "status": status.as_u16(),
            "message": message,
        }),
    )
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

async fn token(State(s): State<AppState>, RawQuery(q): RawQuery, body: Bytes) -> Response {
    s.shared.twitch.count("/oauth2/token");
    let mut p = pairs(q.as_deref());
    p.extend(url::form_urlencoded::parse(&body).map(|(k, v)| (k.into_owned(), v.into_owned())));
    if one(&p, "grant_type") != Some("client_credentials") {
        return helix_error(StatusCode::BAD_REQUEST, "unsupported grant type");
    }
    if one(&p, "client_id").is_none() {
        return helix_error(StatusCode::BAD_REQUEST, "missing client id");
    }
    if one(&p, "client_secret") != Some(s.cfg.twitch_client_secret.as_str()) {
        return helix_error(StatusCode::FORBIDDEN, "invalid client secret");
    }
    let n = s.shared.twitch.issued.fetch_add(1, Ordering::Relaxed) + 1;
    let token = format!("simtok{n:08}x{}", s.now().timestamp());
    let ttl = s.cfg.twitch_token_ttl;
    let expires = s.now() + chrono::Duration::from_std(ttl).unwrap_or_default();
    s.shared
        .twitch
        .tokens
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(token.clone(), expires);
    reply::json(
        StatusCode::OK,
        json!({"access_token": token, "expires_in": ttl.as_secs(), "token_type": "bearer"}),
    )
}

/// Authorise and charge one Helix call; `Err` is the answer to send instead, `Ok` the rate headers.
fn gate(s: &AppState, headers: &HeaderMap, path: &str) -> Result<[(String, u64); 3], Response> {
    s.shared.twitch.count(path);
    let limit = s.cfg.twitch_bucket.max(1);
    let token_ok = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|t| {
            s.shared
                .twitch
                .tokens
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(t)
                .is_some_and(|exp| *exp > s.now())
        });
    let client_ok = headers
        .get("client-id")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| !v.is_empty());
    if !token_ok || !client_ok {
        let msg = if client_ok {
            "Invalid OAuth token"
        } else {
            "Client ID is missing"
        };
        return Err(helix_error(StatusCode::UNAUTHORIZED, msg));
    }
    let now = if s.cfg.twitch_bucket_on_sim_clock {
        let t = s.now();
        Duration::new(
            u64::try_from(t.timestamp()).unwrap_or(0),
            t.timestamp_subsec_nanos(),
        )
    } else {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
    };
    let (allowed, remaining, reset) =
        s.shared
            .twitch
            .take_point(limit, s.cfg.twitch_bucket_window, now);
    let rate = [
        ("ratelimit-limit".to_string(), u64::from(limit)),
        ("ratelimit-remaining".to_string(), u64::from(remaining)),
        ("ratelimit-reset".to_string(), reset),
    ];
    if !allowed {
        let mut r = helix_error(StatusCode::TOO_MANY_REQUESTS, "Too Many Requests");
        add_headers(&mut r, &rate);
        return Err(r);
    }
    Ok(rate)
}

fn add_headers(r: &mut Response, rate: &[(String, u64); 3]) {
    for (k, v) in rate {
        if let Ok(name) = axum::http::HeaderName::from_bytes(k.as_bytes()) {
            r.headers_mut().insert(name, HeaderValue::from(*v));
        }
    }
}

fn ok(body: Value, rate: &[(String, u64); 3]) -> Response {
    let mut r = reply::json(StatusCode::OK, body);
    add_headers(&mut r, rate);
    r
}

fn login(ch: &SimChannel) -> String {
    ch.handle.clone().unwrap_or_else(|| ch.id.clone())
}

/// A stable numeric Twitch game id for a category.
pub(crate) fn game_id(c: &SimCategory) -> String {
    let h = c.chzzk_id.bytes().fold(1_469_598_103u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(16_777_619)
    });
    format!("{}", 10_000 + h % 900_000)
}

pub(crate) fn game_name(c: &SimCategory) -> String {
    c.chzzk_id.replace('_', " ")
}

fn user(ch: &SimChannel) -> Value {
    json!({
        "id": ch.id,
        "login": login(ch),
        "display_name": ch.name,
        "type": "",
        "broadcaster_type": if ch.verified { "partner" } else if ch.popularity > 0.05 { "affiliate" } else { "" },
        "description": ch.description,
        "profile_image_url": ch.image_url,
        "offline_image_url": format!("https://static-cdn.jtvnw.net/jtv_user_pictures/sim-{}-channel_offline_image-1920x1080.png", ch.id),
        "view_count": 0,
        "created_at": rfc3339(ch.joined_at),
    })
}

async fn users(State(s): State<AppState>, RawQuery(q): RawQuery, headers: HeaderMap) -> Response {
    let rate = match gate(&s, &headers, "/helix/users") {
        Ok(r) => r,
        Err(r) => return r,
    };
    let p = pairs(q.as_deref());
    let ids = all(&p, "id");
    let logins = all(&p, "login");
    if ids.len() + logins.len() > MAX_IDS {
        return helix_error(
            StatusCode::BAD_REQUEST,
            "The request exceeded the maximum allowed number of id and/or login query parameters.",
        );
    }
    let mut seen = HashSet::new();
    let data: Vec<Value> = ids
        .iter()
        .filter_map(|id| s.world.channel(Platform::Twitch, id))
        .chain(
            logins
                .iter()
                .filter_map(|l| s.world.channel_by_handle(Platform::Twitch, l)),
        )
        .filter(|ch| seen.insert(ch.id.clone()))
        .map(user)
        .collect();
    ok(json!({ "data": data }), &rate)
}

fn stream(ch: &SimChannel, live: &crate::SimLive) -> Value {
    json!({
        "id": live.live_id.to_string(),
        "user_id": ch.id,
        "user_login": login(ch),
        "user_name": ch.name,
        "game_id": game_id(&live.category),
        "game_name": game_name(&live.category),
        "type": "live",
        "title": live.title,
        "tags": live.tags,
        "viewer_count": live.viewers,
        "started_at": rfc3339(live.started_at),
        "language": ch.language,
        "thumbnail_url": format!("https://static-cdn.jtvnw.net/previews-ttv/live_user_{}-{{width}}x{{height}}.jpg", login(ch)),
        "tag_ids": [],
        "is_mature": live.adult,
    })
}

/// Opaque-looking cursors that are just offsets.
fn cursor(offset: usize) -> String {
    format!("eyJzaW0iOn{offset:x}")
}

fn offset_of(c: &str) -> Option<usize> {
    usize::from_str_radix(c.strip_prefix("eyJzaW0iOn")?, 16).ok()
}

fn page_size(p: &[(String, String)]) -> Result<usize, Response> {
    match one(p, "first") {
        None => Ok(20),
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=MAX_IDS).contains(&n) => Ok(n),
            _ => Err(helix_error(
                StatusCode::BAD_REQUEST,
                "The parameter \"first\" was malformed: the value must be less than or equal to 100",
            )),
        },
    }
}

async fn streams(State(s): State<AppState>, RawQuery(q): RawQuery, headers: HeaderMap) -> Response {
    let rate = match gate(&s, &headers, "/helix/streams") {
        Ok(r) => r,
        Err(r) => return r,
    };
    let p = pairs(q.as_deref());
    let first = match page_size(&p) {
        Ok(n) => n,
        Err(r) => return r,
    };
    let user_ids: HashSet<&str> = all(&p, "user_id").into_iter().collect();
    let user_logins: HashSet<String> = all(&p, "user_login")
        .into_iter()
        .map(str::to_ascii_lowercase)
        .collect();
    if user_ids.len() > MAX_IDS || user_logins.len() > MAX_IDS {
        return helix_error(
            StatusCode::BAD_REQUEST,
            "too many user_id or user_login values",
        );
    }
    let languages: HashSet<&str> = all(&p, "language").into_iter().collect();
    let now = s.now();
    let list: Vec<Value> = s
        .world
        .live_list_at(Platform::Twitch, now)
        .into_iter()
        .filter(|(ch, _)| {
            (user_ids.is_empty() && user_logins.is_empty())
                || user_ids.contains(ch.id.as_str())
                || user_logins.contains(&login(ch))
        })
        .filter(|(ch, _)| languages.is_empty() || languages.contains(ch.language))
        .map(|(ch, live)| stream(ch, &live))
        .collect();
    let start = one(&p, "after").and_then(offset_of).unwrap_or(0);
    let data: Vec<Value> = list.iter().skip(start).take(first).cloned().collect();
    let end = start + data.len();
    let pagination = if end < list.len() {
        json!({ "cursor": cursor(end) })
    } else {
        json!({})
    };
    ok(json!({ "data": data, "pagination": pagination }), &rate)
}

async fn followers(
    State(s): State<AppState>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
) -> Response {
    let rate = match gate(&s, &headers, "/helix/channels/followers") {
        Ok(r) => r,
        Err(r) => return r,
    };
    let p = pairs(q.as_deref());
    let Some(id) = one(&p, "broadcaster_id") else {
        return helix_error(
            StatusCode::BAD_REQUEST,
            "Missing required parameter \"broadcaster_id\"",
        );
    };
    let total = s
        .world
        .channel(Platform::Twitch, id)
        .map_or(0, |ch| s.world.followers_at(ch, s.now()));
    // An app access token gets the total only.
    ok(
        json!({ "total": total, "data": [], "pagination": {} }),
        &rate,
    )
}

/// Helix's duration format: `3m21s`, `1h2m3s`.
fn helix_duration(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, _) => format!("{m}m{s}s"),
        _ => format!("{h}h{m}m{s}s"),
    }
}

async fn videos(State(s): State<AppState>, RawQuery(q): RawQuery, headers: HeaderMap) -> Response {
    let rate = match gate(&s, &headers, "/helix/videos") {
        Ok(r) => r,
        Err(r) => return r,
    };
    let p = pairs(q.as_deref());
    let first = match page_size(&p) {
        Ok(n) => n,
        Err(r) => return r,
    };
    let Some(user_id) = one(&p, "user_id") else {
        return helix_error(
            StatusCode::BAD_REQUEST,
            "Missing required parameter \"user_id\"",
        );
    };
    let kind = one(&p, "type").unwrap_or("all");
    let Some(ch) = s.world.channel(Platform::Twitch, user_id) else {
        return ok(json!({ "data": [], "pagination": {} }), &rate);
    };
    let now = s.now();
    // Every simulated video is a past broadcast's archive.
    let list: Vec<Value> = if matches!(kind, "all" | "archive") {
        s.world
            .videos_at(ch, now)
            .into_iter()
            .map(|v| {
                json!({
                    "id": v.video_no.to_string(),
                    "stream_id": v.live_id.to_string(),
                    "user_id": ch.id,
                    "user_login": login(ch),
                    "user_name": ch.name,
                    "title": v.title,
                    "description": "",
                    "created_at": rfc3339(v.started_at),
                    "published_at": rfc3339(v.started_at),
                    "url": format!("https://www.twitch.tv/videos/{}", v.video_no),
                    "thumbnail_url": format!("https://static-cdn.jtvnw.net/cf_vods/sim/{}/thumb/index-0000000000-%{{width}}x%{{height}}.jpg", v.video_no),
                    "viewable": "public",
                    "view_count": v.views,
                    "language": ch.language,
                    "type": "archive",
                    "duration": helix_duration(v.duration_secs),
                    "muted_segments": null,
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    let start = one(&p, "after").and_then(offset_of).unwrap_or(0);
    let data: Vec<Value> = list.iter().skip(start).take(first).cloned().collect();
    let end = start + data.len();
    let pagination = if end < list.len() {
        json!({ "cursor": cursor(end) })
    } else {
        json!({})
    };
    ok(json!({ "data": data, "pagination": pagination }), &rate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_cursors() {
        assert_eq!(helix_duration(201), "3m21s");
        assert_eq!(helix_duration(45), "45s");
        assert_eq!(helix_duration(3723), "1h2m3s");
        assert_eq!(offset_of(&cursor(340)), Some(340));
        assert_eq!(offset_of("nope"), None);
    }
}
