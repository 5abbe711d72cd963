//! The YouTube server: the Data API v3 under `/youtube/v3` (`channels`, `videos`, `search`,
//! `playlistItems`) and the channel Atom feeds at `/feeds/videos.xml?channel_id=`.
//!
//! Shaped like the captures in `fixtures/youtube/`. Every Data API call needs `key=` (the
//! configured `SimConfig::youtube_api_key`; a wrong one gets the `keyInvalid` error) and is
//! charged like the real API: 1 unit for `channels`, `videos` and `playlistItems`, 1 call of the
//! separate search bucket for `search` (2026-06-01), 1 call of the separate stats bucket for
//! `videos:batchGetStats` (2026-06-03). When a bucket of the simulated day is spent, its calls
//! answer 403 `quotaExceeded` until midnight Pacific time (DST followed, like Google). Feeds are
//! free; during a feed outage (`SimConfig::youtube_feed_outages` or the runtime switch) every
//! feed answers the outage's status with an HTML page, as in 2026. Video ids encode the broadcast
//! id, so any id the server handed out can be looked up.

// Gates return the platform's own error answer early; it is built once per failed request.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use axum::extract::{RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};
use streamtide_core::Platform;

use super::{reply, AppState};
use crate::world::Broadcast;
use crate::world::{Key, SimShape};
use crate::{SimCategory, SimChannel};
use streamtide_core::ChannelStats;

/// YouTube's simulated population: `UC…` channel ids, `@simyt0001` handles, a fifth of the
/// channels in another language than Korean; subscribers rounded to three significant figures
/// (or hidden), views and video count summed over the replays it lists.
pub(crate) const SHAPE: SimShape = SimShape {
    key_tag: 4,
    channels: |cfg| cfg.youtube_channels,
    channel_id: |k, _| channel_id(k),
    handle: |_, index| Some(format!("@simyt{index:04}")),
    image_url: |id| format!("https://yt3.ggpht.com/sim/{id}=s800-c-k-c0x00ffffff-no-rj"),
    other_languages: 0.2,
    joined_from: "2010-01-01T00:00:00Z",
    joined_span_days: 5_000,
    live_id_base: 10_000_000,
    lists_replays: true,
    stats: |ch, followers, replays| ChannelStats {
        followers: (!crate::hides_subscribers(ch)).then(|| crate::round_subscribers(followers)),
        total_views: replays.map(|(views, _)| views),
        video_count: replays.map(|(_, n)| n as u64),
    },
    broadcast: |b| {
        (
            crate::youtube_video_id(b.live_id),
            Some(yt_category(&b.category).to_string()),
            None,
        )
    },
};

/// `UC` + 22 characters of the URL-safe base64 alphabet, from the channel's id key.
fn channel_id(k: Key) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::from("UC");
    for i in 0..22u64 {
        let bits = k.at(10 + i / 8).bits() >> ((i % 8) * 6);
        out.push(ALPHABET[(bits & 63) as usize] as char);
    }
    out
}

/// Most ids one `channels` / `videos` call takes.
const MAX_IDS: usize = 50;
/// Entries in a channel feed.
const FEED_ENTRIES: usize = 15;
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// What one Pacific day has spent, per bucket.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct YoutubeSpent {
    /// The Pacific calendar day, as days since 1970-01-01.
    pub day: i64,
    pub units: u64,
    pub searches: u64,
    pub stats_calls: u64,
}

/// Quota spent and requests seen by one YouTube server.
#[derive(Debug, Default)]
pub(crate) struct YoutubeState {
    spent: Mutex<YoutubeSpent>,
    paths: Mutex<HashMap<String, u64>>,
    video_ids: AtomicU64,
    /// Runtime feed outage: every feed answers this status.
    feed_outage: Mutex<Option<u16>>,
}

impl YoutubeState {
    pub(crate) fn used(&self) -> (u64, u64) {
        let s = self.spent.lock().unwrap_or_else(|e| e.into_inner());
        (s.units, s.searches)
    }

    pub(crate) fn spent(&self) -> YoutubeSpent {
        *self.spent.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn set_feed_outage(&self, status: Option<u16>) {
        *self.feed_outage.lock().unwrap_or_else(|e| e.into_inner()) = status;
    }

    pub(crate) fn requests_to(&self, needle: &str) -> u64 {
        let paths = self.paths.lock().unwrap_or_else(|e| e.into_inner());
        paths
            .iter()
            .filter(|(p, _)| p.contains(needle))
            .map(|(_, n)| n)
            .sum()
    }

    pub(crate) fn video_ids_requested(&self) -> u64 {
        self.video_ids.load(Ordering::Relaxed)
    }

    fn count(&self, path: &str) {
        *self
            .paths
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(path.to_string())
            .or_default() += 1;
    }
}

/// The subscriber count YouTube shows: rounded down to three significant figures above 1,000.
pub fn round_subscribers(n: u64) -> u64 {
    if n < 1000 {
        return n;
    }
    let digits = n.ilog10() + 1;
    let p = 10u64.pow(digits - 3);
    n / p * p
}

/// Whether the channel hides its subscriber count (about one in twenty do).
pub fn hides_subscribers(ch: &SimChannel) -> bool {
    ch.key.at(0x41D).unit() < 0.05
}

/// The 11-character video id of a broadcast.
pub fn video_id(live_id: u64) -> String {
    (0..11)
        .map(|i| ALPHABET[((live_id >> (6 * (10 - i))) & 63) as usize] as char)
        .collect()
}

fn live_id_of(video: &str) -> Option<u64> {
    if video.len() != 11 {
        return None;
    }
    video.bytes().try_fold(0u64, |acc, c| {
        let v = ALPHABET.iter().position(|a| *a == c)? as u64;
        Some((acc << 6) | v)
    })
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/youtube/v3/channels", get(channels))
        .route("/youtube/v3/videos", get(videos))
        .route("/youtube/v3/search", get(search))
        .route("/youtube/v3/playlistItems", get(playlist_items))
        .route("/youtube/v3/videos:batchGetStats", get(batch_get_stats))
        .route("/feeds/videos.xml", get(feed))
}

fn params(raw: Option<&str>) -> HashMap<String, String> {
    url::form_urlencoded::parse(raw.unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

fn google_error(status: StatusCode, reason: &str, domain: &str, message: &str) -> Response {
    reply::json(
        status,
        json!({"error": {
            "code": status.as_u16(),
            "message": message,
            "errors": [{"message": message, "domain": domain, "reason": reason}],
        }}),
    )
}

fn quota_exceeded() -> Response {
    google_error(
        StatusCode::FORBIDDEN,
        "quotaExceeded",
        "youtube.quota",
        "The request cannot be completed because you have exceeded your <a href=\"/youtube/v3/getting-started#quota\">quota</a>.",
    )
}

/// The UTC offset of America/Los_Angeles at `t` in hours: −7 from the second Sunday of March
/// 10:00 UTC to the first Sunday of November 09:00 UTC, −8 otherwise (US rules since 2007).
pub fn pacific_offset_hours(t: DateTime<Utc>) -> i64 {
    use chrono::{Datelike, NaiveDate, Weekday};
    let nth_sunday = |month: u32, n: u32| {
        let first = NaiveDate::from_ymd_opt(t.year(), month, 1).unwrap_or_default();
        let shift =
            (7 - first.weekday().num_days_from_monday() + Weekday::Sun.num_days_from_monday()) % 7;
        first + chrono::Duration::days(i64::from(shift + 7 * (n - 1)))
    };
    let start = nth_sunday(3, 2).and_hms_opt(10, 0, 0).map(|n| n.and_utc());
    let end = nth_sunday(11, 1).and_hms_opt(9, 0, 0).map(|n| n.and_utc());
    match (start, end) {
        (Some(s), Some(e)) if t >= s && t < e => -7,
        _ => -8,
    }
}

/// The Pacific calendar day of `t`, as days since 1970-01-01: Google's quota day.
pub fn pacific_day_number(t: DateTime<Utc>) -> i64 {
    (t.timestamp() + pacific_offset_hours(t) * 3600).div_euclid(86_400)
}

/// What one call costs, per bucket.
#[derive(Debug, Clone, Copy, Default)]
struct Cost {
    units: u64,
    searches: u64,
    stats: u64,
}

/// Key check and quota charge for one Data API call.
fn gate(s: &AppState, p: &HashMap<String, String>, path: &str, cost: Cost) -> Result<(), Response> {
    s.shared.youtube.count(path);
    match p.get("key") {
        None => {
            return Err(google_error(
                StatusCode::FORBIDDEN,
                "forbidden",
                "global",
                "The request is missing a valid API key.",
            ))
        }
        Some(k) if *k != s.cfg.youtube_api_key => {
            return Err(google_error(
                StatusCode::BAD_REQUEST,
                "keyInvalid",
                "usageLimits",
                "Bad Request",
            ))
        }
        Some(_) => {}
    }
    let day = pacific_day_number(s.now());
    let mut spent = s
        .shared
        .youtube
        .spent
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if spent.day != day {
        *spent = YoutubeSpent {
            day,
            ..YoutubeSpent::default()
        };
    }
    if spent.units + cost.units > s.cfg.youtube_daily_quota
        || spent.searches + cost.searches > s.cfg.youtube_search_calls
        || spent.stats_calls + cost.stats > s.cfg.youtube_stats_calls
    {
        return Err(quota_exceeded());
    }
    spent.units += cost.units;
    spent.searches += cost.searches;
    spent.stats_calls += cost.stats;
    Ok(())
}

const MAIN: Cost = Cost {
    units: 1,
    searches: 0,
    stats: 0,
};

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn etag(seed: &str) -> String {
    let h = seed.bytes().fold(1_469_598_103_934_665_603u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(1_099_511_628_211)
    });
    video_id(h) + &video_id(h.rotate_left(17))
}

fn list(
    kind: &str,
    items: Vec<Value>,
    next: Option<String>,
    total: usize,
    per_page: usize,
) -> Value {
    let mut v = json!({
        "kind": kind,
        "etag": etag(&format!("{kind}{total}")),
        "pageInfo": {"totalResults": total, "resultsPerPage": per_page},
        "items": items,
    });
    if let Some(n) = next {
        v["nextPageToken"] = json!(n);
    }
    v
}

fn thumbnails(base: &str, sizes: &[(&str, &str, u32, u32)]) -> Value {
    let mut m = serde_json::Map::new();
    for (name, file, w, h) in sizes {
        m.insert(
            (*name).to_string(),
            json!({"url": format!("{base}{file}"), "width": w, "height": h}),
        );
    }
    Value::Object(m)
}

fn channel_thumbnails(ch: &SimChannel) -> Value {
    let base = ch.image_url.trim_end_matches("=s800-c-k-c0x00ffffff-no-rj");
    thumbnails(
        base,
        &[
            ("default", "=s88-c-k-c0x00ffffff-no-rj", 88, 88),
            ("medium", "=s240-c-k-c0x00ffffff-no-rj", 240, 240),
            ("high", "=s800-c-k-c0x00ffffff-no-rj", 800, 800),
        ],
    )
}

fn video_thumbnails(vid: &str, live: bool) -> Value {
    let sfx = if live { "_live" } else { "" };
    thumbnails(
        &format!("https://i.ytimg.com/vi/{vid}/"),
        &[
            ("default", &format!("default{sfx}.jpg"), 120, 90),
            ("medium", &format!("mqdefault{sfx}.jpg"), 320, 180),
            ("high", &format!("hqdefault{sfx}.jpg"), 480, 360),
            ("standard", &format!("sddefault{sfx}.jpg"), 640, 480),
            ("maxres", &format!("maxresdefault{sfx}.jpg"), 1280, 720),
        ],
    )
}

fn has_part(p: &HashMap<String, String>, part: &str) -> bool {
    p.get("part")
        .is_some_and(|v| v.split(',').any(|x| x.trim() == part))
}

fn channel_json(s: &AppState, ch: &SimChannel, p: &HashMap<String, String>) -> Value {
    let now = s.now();
    let mut v = json!({"kind": "youtube#channel", "etag": etag(&ch.id), "id": ch.id});
    if has_part(p, "snippet") {
        v["snippet"] = json!({
            "title": ch.name,
            "description": ch.description,
            "customUrl": ch.handle.clone().unwrap_or_default().to_lowercase(),
            "publishedAt": rfc3339(ch.joined_at),
            "thumbnails": channel_thumbnails(ch),
            "localized": {"title": ch.name, "description": ch.description},
            "country": if ch.language == "ko" { "KR" } else { "US" },
        });
    }
    if has_part(p, "contentDetails") {
        v["contentDetails"] = json!({"relatedPlaylists": {
            "likes": "",
            "uploads": format!("UU{}", &ch.id[2..]),
        }});
    }
    if has_part(p, "statistics") {
        let videos = s.world.videos_at(ch, now);
        let views: u64 = videos.iter().map(|v| v.views).sum();
        let hidden = hides_subscribers(ch);
        let subs = if hidden {
            0
        } else {
            round_subscribers(s.world.followers_at(ch, now))
        };
        v["statistics"] = json!({
            "viewCount": views.to_string(),
            "subscriberCount": subs.to_string(),
            "hiddenSubscriberCount": hidden,
            "videoCount": videos.len().to_string(),
        });
    }
    v
}

fn bad_filter(message: &str) -> Response {
    google_error(
        StatusCode::BAD_REQUEST,
        "invalidFilters",
        "youtube.parameter",
        message,
    )
}

async fn channels(State(s): State<AppState>, RawQuery(q): RawQuery) -> Response {
    let p = params(q.as_deref());
    if let Err(r) = gate(&s, &p, "/youtube/v3/channels", MAIN) {
        return r;
    }
    let found: Vec<&SimChannel> = if let Some(ids) = p.get("id") {
        let ids: Vec<&str> = ids.split(',').map(str::trim).collect();
        if ids.len() > MAX_IDS {
            return bad_filter("The request specifies an invalid filter parameter.");
        }
        ids.iter()
            .filter_map(|id| s.world.channel(Platform::Youtube, id))
            .collect()
    } else if let Some(h) = p.get("forHandle") {
        let h = format!("@{}", h.trim_start_matches('@'));
        s.world
            .channel_by_handle(Platform::Youtube, &h)
            .into_iter()
            .collect()
    } else if let Some(u) = p.get("forUsername") {
        s.world
            .channel_by_handle(Platform::Youtube, &format!("@{u}"))
            .into_iter()
            .collect()
    } else {
        return google_error(
            StatusCode::BAD_REQUEST,
            "missingRequiredParameter",
            "youtube.parameter",
            "No filter selected. Expected one of: forHandle, forUsername, id, mine, managedByMe, categoryId, mySubscribers",
        );
    };
    let items: Vec<Value> = found.iter().map(|ch| channel_json(&s, ch, &p)).collect();
    let n = items.len();
    reply::json(
        StatusCode::OK,
        list("youtube#channelListResponse", items, None, n, 5),
    )
}

pub(crate) fn yt_category(c: &SimCategory) -> &'static str {
    match (c.chzzk_type, c.chzzk_id) {
        ("GAME", _) => "20",
        ("SPORTS", _) => "17",
        (_, "music") => "10",
        (_, "eating" | "art") => "26",
        _ => "22",
    }
}

fn iso_duration(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let mut out = String::from("PT");
    if h > 0 {
        out.push_str(&format!("{h}H"));
    }
    if m > 0 {
        out.push_str(&format!("{m}M"));
    }
    if s > 0 || (h == 0 && m == 0) {
        out.push_str(&format!("{s}S"));
    }
    out
}

fn video_json(s: &AppState, ch: &SimChannel, b: &Broadcast, p: &HashMap<String, String>) -> Value {
    let now = s.now();
    let vid = video_id(b.live_id);
    let live = b.start <= now && now < b.end;
    let mut v = json!({"kind": "youtube#video", "etag": etag(&vid), "id": vid});
    let description = format!("{} 방송 다시보기", ch.name);
    if has_part(p, "snippet") {
        v["snippet"] = json!({
            "publishedAt": rfc3339(b.start),
            "channelId": ch.id,
            "title": b.title,
            "description": description,
            "thumbnails": video_thumbnails(&vid, live),
            "channelTitle": ch.name,
            "tags": b.tags,
            "categoryId": yt_category(&b.category),
            "liveBroadcastContent": if live { "live" } else { "none" },
            "localized": {"title": b.title, "description": description},
            "defaultAudioLanguage": ch.language,
        });
    }
    if has_part(p, "contentDetails") {
        let secs = if live {
            0
        } else {
            (b.end - b.start).num_seconds().max(0) as u64
        };
        v["contentDetails"] = json!({
            "duration": if live { "P0D".to_string() } else { iso_duration(secs) },
            "dimension": "2d",
            "definition": "hd",
            "caption": "false",
            "licensedContent": false,
            "contentRating": if ch.adult { json!({"ytRating": "ytAgeRestricted"}) } else { json!({}) },
            "projection": "rectangular",
        });
    }
    if has_part(p, "statistics") {
        let (views, likes, comments) = if live {
            let v = s.world.viewers_of(ch, b, now) * 3;
            (v, v / 50, v / 200)
        } else {
            let video = s.world.video_of(ch, b, now);
            (video.views, video.likes, video.comments)
        };
        v["statistics"] = json!({
            "viewCount": views.to_string(),
            "likeCount": likes.to_string(),
            "favoriteCount": "0",
            "commentCount": comments.to_string(),
        });
    }
    if has_part(p, "liveStreamingDetails") {
        let mut d = json!({
            "actualStartTime": rfc3339(b.start),
            "scheduledStartTime": rfc3339(b.start - chrono::Duration::minutes(5)),
        });
        if live {
            d["concurrentViewers"] = json!(s.world.viewers_of(ch, b, now).to_string());
            d["activeLiveChatId"] = json!(format!("Cg0KC{vid}"));
        } else {
            d["actualEndTime"] = json!(rfc3339(b.end));
        }
        v["liveStreamingDetails"] = d;
    }
    v
}

/// The broadcast behind a video id, if it has started by now.
fn lookup<'a>(s: &'a AppState, vid: &str) -> Option<(&'a SimChannel, Broadcast)> {
    let (ch, b) = s
        .world
        .broadcast_by_id(Platform::Youtube, live_id_of(vid)?)?;
    (b.start <= s.now()).then_some((ch, b))
}

async fn videos(State(s): State<AppState>, RawQuery(q): RawQuery) -> Response {
    let p = params(q.as_deref());
    if let Err(r) = gate(&s, &p, "/youtube/v3/videos", MAIN) {
        return r;
    }
    let Some(ids) = p.get("id") else {
        return google_error(
            StatusCode::BAD_REQUEST,
            "missingRequiredParameter",
            "youtube.parameter",
            "No filter selected.",
        );
    };
    let ids: Vec<&str> = ids.split(',').map(str::trim).collect();
    if ids.len() > MAX_IDS {
        return bad_filter("The request specifies an invalid filter parameter.");
    }
    s.shared
        .youtube
        .video_ids
        .fetch_add(ids.len() as u64, Ordering::Relaxed);
    let items: Vec<Value> = ids
        .iter()
        .filter_map(|id| lookup(&s, id))
        .map(|(ch, b)| video_json(&s, ch, &b, &p))
        .collect();
    let n = items.len();
    reply::json(
        StatusCode::OK,
        list("youtube#videoListResponse", items, None, n, n.max(1)),
    )
}

/// `videos:batchGetStats` (2026-06-03): counters only, from its own bucket. Shape from the
/// reference page: `{kind: youtube#batchGetStatsResponse, items: [{kind: youtube#videoStats, id,
/// snippet: {publishTime}, statistics: {viewCount, likeCount, commentCount}, contentDetails:
/// {duration, durationMillis}}]}`.
async fn batch_get_stats(State(s): State<AppState>, RawQuery(q): RawQuery) -> Response {
    let p = params(q.as_deref());
    let cost = Cost {
        stats: 1,
        ..Cost::default()
    };
    if let Err(r) = gate(&s, &p, "/youtube/v3/videos:batchGetStats", cost) {
        return r;
    }
    let Some(ids) = p.get("id") else {
        return google_error(
            StatusCode::BAD_REQUEST,
            "missingRequiredParameter",
            "youtube.parameter",
            "No filter selected.",
        );
    };
    let ids: Vec<&str> = ids.split(',').map(str::trim).collect();
    if ids.len() > MAX_IDS {
        return bad_filter("The request specifies an invalid filter parameter.");
    }
    let now = s.now();
    let items: Vec<Value> = ids
        .iter()
        .filter_map(|id| lookup(&s, id))
        .map(|(ch, b)| {
            let vid = video_id(b.live_id);
            let live = b.start <= now && now < b.end;
            let (views, likes, comments) = if live {
                let v = s.world.viewers_of(ch, &b, now) * 3;
                (v, v / 50, v / 200)
            } else {
                let video = s.world.video_of(ch, &b, now);
                (video.views, video.likes, video.comments)
            };
            let secs = if live {
                0
            } else {
                (b.end - b.start).num_seconds().max(0) as u64
            };
            json!({
                "kind": "youtube#videoStats",
                "id": vid,
                "snippet": {"publishTime": rfc3339(b.start)},
                "statistics": {
                    "viewCount": views.to_string(),
                    "likeCount": likes.to_string(),
                    "commentCount": comments.to_string(),
                },
                "contentDetails": {
                    "duration": iso_duration(secs),
                    "durationMillis": (secs * 1000).to_string(),
                },
            })
        })
        .collect();
    reply::json(
        StatusCode::OK,
        json!({"kind": "youtube#batchGetStatsResponse", "items": items}),
    )
}

fn page_bounds(p: &HashMap<String, String>) -> (usize, usize) {
    let size = p
        .get("maxResults")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(5)
        .min(MAX_IDS);
    let start = p
        .get("pageToken")
        .and_then(|t| t.strip_prefix("CA"))
        .and_then(|t| usize::from_str_radix(t, 16).ok())
        .unwrap_or(0);
    (start, size)
}

fn token(offset: usize) -> String {
    format!("CA{offset:x}")
}

async fn search(State(s): State<AppState>, RawQuery(q): RawQuery) -> Response {
    let p = params(q.as_deref());
    if let Err(r) = gate(
        &s,
        &p,
        "/youtube/v3/search",
        Cost {
            searches: 1,
            ..Cost::default()
        },
    ) {
        return r;
    }
    if p.contains_key("eventType") && p.get("type").map(String::as_str) != Some("video") {
        return google_error(
            StatusCode::BAD_REQUEST,
            "invalidSearchFilter",
            "youtube.search",
            "The request contains an invalid combination of search filters and/or restrictions.",
        );
    }
    let now = s.now();
    let all: Vec<Value> = if p.get("eventType").map(String::as_str) == Some("live") {
        let wanted = p.get("relevanceLanguage").cloned();
        let mut lives = s.world.live_list_at(Platform::Youtube, now);
        // A relevance hint: the wanted language first, the rest after.
        lives.sort_by_key(|(ch, l)| {
            (
                wanted.as_deref().is_some_and(|w| w != ch.language),
                std::cmp::Reverse(l.viewers),
            )
        });
        lives
            .into_iter()
            .map(|(ch, l)| {
                let vid = video_id(l.live_id);
                json!({
                    "kind": "youtube#searchResult",
                    "etag": etag(&format!("s{vid}")),
                    "id": {"kind": "youtube#video", "videoId": vid},
                    "snippet": {
                        "publishedAt": rfc3339(l.started_at),
                        "channelId": ch.id,
                        "title": l.title,
                        "description": format!("{} 라이브", ch.name),
                        "thumbnails": video_thumbnails(&vid, true),
                        "channelTitle": ch.name,
                        "liveBroadcastContent": "live",
                        "publishTime": rfc3339(l.started_at),
                    },
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    let (start, size) = page_bounds(&p);
    let items: Vec<Value> = all.iter().skip(start).take(size).cloned().collect();
    let end = start + items.len();
    let next = (end < all.len()).then(|| token(end));
    let mut body = list("youtube#searchListResponse", items, next, all.len(), size);
    body["regionCode"] = json!(p.get("regionCode").cloned().unwrap_or_else(|| "KR".into()));
    reply::json(StatusCode::OK, body)
}

/// Current live (if any) then past broadcasts, newest first: the uploads playlist and the feed.
fn uploads(s: &AppState, ch: &SimChannel) -> Vec<(Broadcast, bool)> {
    let now = s.now();
    let mut out = Vec::new();
    if let Some((b, true)) = s.world.current_or_last_broadcast(ch, now) {
        out.push((b, true));
    }
    for v in s.world.videos_at(ch, now) {
        if let Some((_, b)) = s.world.broadcast_by_id(Platform::Youtube, v.live_id) {
            out.push((b, false));
        }
    }
    out
}

async fn playlist_items(State(s): State<AppState>, RawQuery(q): RawQuery) -> Response {
    let p = params(q.as_deref());
    if let Err(r) = gate(&s, &p, "/youtube/v3/playlistItems", MAIN) {
        return r;
    }
    let ch = p
        .get("playlistId")
        .and_then(|id| id.strip_prefix("UU"))
        .and_then(|rest| s.world.channel(Platform::Youtube, &format!("UC{rest}")));
    let Some(ch) = ch else {
        return google_error(
            StatusCode::NOT_FOUND,
            "playlistNotFound",
            "youtube.playlistItem",
            "The playlist identified with the request's <code>playlistId</code> parameter cannot be found.",
        );
    };
    let playlist = format!("UU{}", &ch.id[2..]);
    let all = uploads(&s, ch);
    let (start, size) = page_bounds(&p);
    let items: Vec<Value> = all
        .iter()
        .enumerate()
        .skip(start)
        .take(size)
        .map(|(pos, (b, live))| {
            let vid = video_id(b.live_id);
            json!({
                "kind": "youtube#playlistItem",
                "etag": etag(&format!("p{vid}")),
                "id": etag(&format!("{playlist}{vid}")),
                "snippet": {
                    "publishedAt": rfc3339(b.start),
                    "channelId": ch.id,
                    "title": b.title,
                    "description": format!("{} 방송 다시보기", ch.name),
                    "thumbnails": video_thumbnails(&vid, *live),
                    "channelTitle": ch.name,
                    "playlistId": playlist,
                    "position": pos,
                    "resourceId": {"kind": "youtube#video", "videoId": vid},
                    "videoOwnerChannelTitle": ch.name,
                    "videoOwnerChannelId": ch.id,
                },
                "contentDetails": {"videoId": vid, "videoPublishedAt": rfc3339(b.start)},
            })
        })
        .collect();
    let end = start + items.len();
    let next = (end < all.len()).then(|| token(end));
    reply::json(
        StatusCode::OK,
        list(
            "youtube#playlistItemListResponse",
            items,
            next,
            all.len(),
            size,
        ),
    )
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

async fn feed(State(s): State<AppState>, RawQuery(q): RawQuery) -> Response {
    let p = params(q.as_deref());
    s.shared.youtube.count("/feeds/videos.xml");
    let now = s.now();
    let outage = (*s
        .shared
        .youtube
        .feed_outage
        .lock()
        .unwrap_or_else(|e| e.into_inner()))
    .or_else(|| {
        s.cfg
            .youtube_feed_outages
            .iter()
            .find(|o| o.from <= now && now < o.until)
            .map(|o| o.status)
    });
    if let Some(status) = outage {
        let code = StatusCode::from_u16(status).unwrap_or(StatusCode::NOT_FOUND);
        return (
            code,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            format!("<!DOCTYPE html><html><body>Error {status}</body></html>"),
        )
            .into_response();
    }
    let Some(ch) = p
        .get("channel_id")
        .and_then(|id| s.world.channel(Platform::Youtube, id))
    else {
        return (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<!DOCTYPE html><html><body>Error 404 (Not Found)</body></html>",
        )
            .into_response();
    };
    let name = xml_escape(&ch.name);
    // Like the real feed (and its capture): an empty line before the XML declaration.
    let mut x = format!(
        "\n<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns:yt=\"http://www.youtube.com/xml/schemas/2015\" xmlns:media=\"http://search.yahoo.com/mrss/\" xmlns=\"http://www.w3.org/2005/Atom\">\n <link rel=\"self\" href=\"http://www.youtube.com/feeds/videos.xml?channel_id={id}\"/>\n <id>yt:channel:{id}</id>\n <yt:channelId>{id}</yt:channelId>\n <title>{name}</title>\n <link rel=\"alternate\" href=\"https://www.youtube.com/channel/{id}\"/>\n <author>\n  <name>{name}</name>\n  <uri>https://www.youtube.com/channel/{id}</uri>\n </author>\n <published>{joined}</published>\n",
        id = ch.id,
        joined = rfc3339(ch.joined_at),
    );
    for (b, live) in uploads(&s, ch).into_iter().take(FEED_ENTRIES) {
        let vid = video_id(b.live_id);
        let title = xml_escape(&b.title);
        let updated = if live { now } else { b.end };
        let views = if live {
            s.world.viewers_of(ch, &b, now) * 3
        } else {
            s.world.video_of(ch, &b, now).views
        };
        x.push_str(&format!(
            " <entry>\n  <id>yt:video:{vid}</id>\n  <yt:videoId>{vid}</yt:videoId>\n  <yt:channelId>{id}</yt:channelId>\n  <title>{title}</title>\n  <link rel=\"alternate\" href=\"https://www.youtube.com/watch?v={vid}\"/>\n  <author>\n   <name>{name}</name>\n   <uri>https://www.youtube.com/channel/{id}</uri>\n  </author>\n  <published>{published}</published>\n  <updated>{updated}</updated>\n  <media:group>\n   <media:title>{title}</media:title>\n   <media:content url=\"https://www.youtube.com/v/{vid}?version=3\" type=\"application/x-shockwave-flash\" width=\"640\" height=\"390\"/>\n   <media:thumbnail url=\"https://i1.ytimg.com/vi/{vid}/hqdefault.jpg\" width=\"480\" height=\"360\"/>\n   <media:description>{name}</media:description>\n   <media:community>\n    <media:starRating count=\"{likes}\" average=\"5.00\" min=\"1\" max=\"5\"/>\n    <media:statistics views=\"{views}\"/>\n   </media:community>\n  </media:group>\n </entry>\n",
            id = ch.id,
            published = rfc3339(b.start),
            updated = rfc3339(updated),
            likes = views / 50,
        ));
    }
    x.push_str("</feed>\n");
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/atom+xml; charset=UTF-8")],
        x,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn video_ids_round_trip_and_counts_round() {
        for id in [0u64, 1, 10_000_000, 12_345_678_901, u64::MAX] {
            let v = video_id(id);
            assert_eq!(v.len(), 11);
            assert_eq!(live_id_of(&v), Some(id));
        }
        assert_eq!(live_id_of("short"), None);
        assert_eq!(round_subscribers(999), 999);
        assert_eq!(round_subscribers(1_927_873), 1_920_000);
        assert_eq!(round_subscribers(10_749_999), 10_700_000);
        assert_eq!(round_subscribers(12_345), 12_300);
        assert_eq!(iso_duration(159), "PT2M39S");
        assert_eq!(iso_duration(3600), "PT1H");
        assert_eq!(iso_duration(0), "PT0S");
    }

    #[test]
    fn quota_days_are_pacific_days() {
        let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        // PST: midnight is 08:00 UTC; PDT: 07:00 UTC; the 2026 switches are 8 March and 1 Nov.
        assert_eq!(
            pacific_day_number(t("2026-01-15T07:59:59Z")) + 1,
            pacific_day_number(t("2026-01-15T08:00:00Z"))
        );
        assert_eq!(
            pacific_day_number(t("2026-07-01T06:59:59Z")) + 1,
            pacific_day_number(t("2026-07-01T07:00:00Z"))
        );
        assert_eq!(pacific_offset_hours(t("2026-03-08T09:59:59Z")), -8);
        assert_eq!(pacific_offset_hours(t("2026-03-08T10:00:00Z")), -7);
        assert_eq!(pacific_offset_hours(t("2026-11-01T08:59:59Z")), -7);
        assert_eq!(pacific_offset_hours(t("2026-11-01T09:00:00Z")), -8);
    }
}
