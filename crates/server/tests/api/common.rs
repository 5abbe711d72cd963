//! A seeded store, the app over it, and request helpers.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use axum::Router;
use chrono::{DateTime, Duration, SubsecRound, Utc};
use serde_json::Value;
use streamtide_core::{
    ChannelId, ChannelInfo, ChannelObservation, ChannelStats, LiveBroadcast, LiveState, Platform,
};
use streamtide_server::{app, AppState, Metrics};
use streamtide_storage::{Batch, Job, Store};
use tower::ServiceExt;

/// The one web origin the test server's CORS allows.
pub const DASHBOARD_ORIGIN: &str = "https://dashboard.example";

/// How fresh a live item must be to be listed, in every test.
pub const FRESHNESS_MINUTES: i64 = 10;

pub struct Fixture {
    _dir: tempfile::TempDir,
    pub store: Store,
    pub state: AppState,
    pub app: Router,
    /// The seeding time ("now" of the newest rounds), whole seconds.
    pub now: DateTime<Utc>,
}

/// The app's state over `store`, as every test configures it (answer caches off).
pub fn state_over(store: Store) -> AppState {
    let metrics = Arc::new(Metrics::new());
    AppState {
        store,
        live_freshness: Duration::minutes(FRESHNESS_MINUTES),
        curation: Arc::new(streamtide_server::LiveCuration::new(
            Duration::minutes(FRESHNESS_MINUTES),
            &metrics,
        )),
        metrics,
        cors_origins: vec![DASHBOARD_ORIGIN.to_string()],
        image_sources: Vec::new(),
        admin: None,
        rate_limit: None,
        // Off: tests write and read back at once.
        caches: Default::default(),
        // Judged from the jobs that ran (tests that need the configured set add it).
        platforms: None,
        import_max_bytes: 16 * 1024 * 1024,
        alerts: None,
        thumbs: Some(
            streamtide_thumbs::ThumbStore::open(&streamtide_thumbs::ThumbsConfig {
                url: "memory://".into(),
                ..Default::default()
            })
            .expect("memory store"),
        ),
    }
}

/// An empty store and the app over it.
pub async fn empty() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("api.db").display());
    // As the product wires it (`streamtide::wiring::open_store`): curate decides the language.
    let store = Store::open(&url)
        .await
        .expect("open store")
        .with_language_detector(streamtide_curate::language::detect);
    let state = state_over(store.clone());
    Fixture {
        _dir: dir,
        app: app(state.clone()),
        store,
        state,
        now: Utc::now().trunc_subsecs(0),
    }
}

pub fn broadcast(
    platform: Platform,
    id: &str,
    viewers: u64,
    category: (Option<&str>, Option<&str>),
    adult: bool,
    started: DateTime<Utc>,
) -> LiveBroadcast {
    LiveBroadcast {
        platform,
        channel_id: ChannelId::new(id),
        channel_name: Some(format!("{id} 채널")),
        channel_avatar_url: Some(format!("https://img.example/{id}.png")),
        broadcast_id: Some(format!("b-{id}")),
        title: format!("{id} 방송"),
        viewers,
        category_id: category.0.map(str::to_string),
        category_name: category.1.map(str::to_string),
        tags: vec!["태그".into()],
        thumbnail_url: Some(format!("https://img.example/{id}-thumb.jpg")),
        started_at: Some(started),
        adult,
        language: Some("ko".into()),
        url: format!("https://watch.example/{id}"),
    }
}

pub fn info(platform: Platform, id: &str, name: &str) -> ChannelInfo {
    ChannelInfo {
        platform,
        channel_id: ChannelId::new(id),
        name: name.into(),
        handle: Some(format!("@{id}")),
        avatar_url: None,
        description: Some("설명".into()),
    }
}

/// Write one live list round of `platform` at `at` and finish it (successfully).
pub async fn live_round(
    store: &Store,
    platform: Platform,
    at: DateTime<Utc>,
    items: Vec<LiveBroadcast>,
) {
    let round = store
        .start_round(platform, Job::Live, at)
        .await
        .expect("start");
    // A long close window: the tests decide staleness through the API's freshness, not by
    // the store closing sessions.
    let batch = Batch::LiveList {
        items,
        close_after: Duration::days(1),
    };
    store
        .write_batch(round, platform, at, &batch)
        .await
        .expect("write");
    store
        .finish_round(round, at, 1, 0, None, false)
        .await
        .expect("finish");
}

/// Write one channels round observing `id`'s figures at `at`.
pub async fn channel_round(
    store: &Store,
    platform: Platform,
    id: &str,
    at: DateTime<Utc>,
    followers: u64,
    views: u64,
) {
    let round = store
        .start_round(platform, Job::Channels, at)
        .await
        .expect("start");
    let batch = Batch::Channels {
        found: vec![ChannelObservation {
            info: info(platform, id, &format!("{id} 이름")),
            stats: ChannelStats {
                followers: Some(followers),
                total_views: Some(views),
                video_count: Some(7),
            },
            live: LiveState::Offline,
        }],
        missing: vec![],
    };
    store
        .write_batch(round, platform, at, &batch)
        .await
        .expect("write");
    store
        .finish_round(round, at, 1, 0, None, false)
        .await
        .expect("finish");
}

/// The standard data set:
///
/// - CHZZK live now: `ca` 500 (토크), `cb` 100 (lol / 리그 오브 레전드), `cc` 300 (adult, category
///   id only); `ca` was also seen 5 minutes earlier with 450 viewers.
/// - SOOP live now: `s1` 400 (토크), `s2` 50 (lol); `old` 900 was last seen 2 hours ago (stale).
/// - Roster: `chzzk/z` (followers 1000 → 1100 → 1200 over two days) and `soop/s1`.
pub async fn seeded() -> Fixture {
    let f = empty().await;
    let (s, now) = (&f.store, f.now);
    let talk = (Some("talk"), Some("토크"));
    let lol = (Some("lol"), Some("리그 오브 레전드"));
    let started = now - Duration::hours(1);

    live_round(
        s,
        Platform::Soop,
        now - Duration::hours(2),
        vec![broadcast(Platform::Soop, "old", 900, talk, false, started)],
    )
    .await;
    live_round(
        s,
        Platform::Chzzk,
        now - Duration::minutes(5),
        vec![broadcast(Platform::Chzzk, "ca", 450, talk, false, started)],
    )
    .await;
    live_round(
        s,
        Platform::Chzzk,
        now,
        vec![
            broadcast(Platform::Chzzk, "ca", 500, talk, false, started),
            broadcast(Platform::Chzzk, "cb", 100, lol, false, started),
            broadcast(
                Platform::Chzzk,
                "cc",
                300,
                (Some("adult_cat"), None),
                true,
                started,
            ),
        ],
    )
    .await;
    live_round(
        s,
        Platform::Soop,
        now,
        vec![
            broadcast(Platform::Soop, "s1", 400, talk, false, started),
            broadcast(Platform::Soop, "s2", 50, lol, false, started),
        ],
    )
    .await;

    s.track_channel(&info(Platform::Chzzk, "z", "제트"), now - Duration::days(3))
        .await
        .expect("track z");
    s.track_channel(
        &info(Platform::Soop, "s1", "s1 채널"),
        now - Duration::days(3),
    )
    .await
    .expect("track s1");
    for (days_ago, followers, views) in [(2, 1000, 10_000), (1, 1100, 12_000), (0, 1200, 15_000)] {
        channel_round(
            s,
            Platform::Chzzk,
            "z",
            now - Duration::days(days_ago),
            followers,
            views,
        )
        .await;
    }
    f
}

/// A response, its body parsed as JSON where it is JSON.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Assert this is an API error with `status` and `code`; returns the message.
    pub fn expect_error(&self, status: StatusCode, code: &str) -> String {
        assert_eq!(self.status, status, "{}", self.text);
        assert!(
            self.header("content-type")
                .is_some_and(|c| c.starts_with("application/json")),
            "error content type: {:?}",
            self.header("content-type")
        );
        let body = self.json();
        assert_eq!(body["error"], code, "{body}");
        let message = body["message"]
            .as_str()
            .unwrap_or_else(|| panic!("message: {body}"));
        assert!(!message.is_empty());
        message.to_string()
    }
}

pub async fn request(
    app: &Router,
    method: Method,
    uri: &str,
    headers: &[(&str, &str)],
    body: Body,
) -> Reply {
    let mut req = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = app
        .clone()
        .oneshot(req.body(body).expect("request"))
        .await
        .expect("infallible");
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .expect("body");
    Reply {
        status,
        headers,
        text: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

pub async fn get(app: &Router, uri: &str) -> Reply {
    request(app, Method::GET, uri, &[], Body::empty()).await
}

/// `platform/channel_id` of every item of a list answer, in order.
pub fn ids(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            format!(
                "{}/{}",
                i["platform"].as_str().unwrap_or("?"),
                i["channel_id"].as_str().unwrap_or("?")
            )
        })
        .collect()
}
