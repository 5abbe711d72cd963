//! CHZZK (치지직, Naver) adapter over the unofficial web API.
//!
//! Docs: `platforms-kr.md` §1 (no official docs for these endpoints). Endpoints used:
//! - `GET {api_base}/service/{v}/lives?size=50&sortType=POPULAR[&concurrentUserCount=&liveId=]`:
//!   the top live list, cursor-paged by the last item's `(concurrentUserCount, liveId)`.
//! - `GET {api_base}/service/{v}/channels/{id}`: name, avatar, description, `followerCount`,
//!   `openLive`. Unknown ids answer code 200 with `channelId: null`: a missing channel, not an error.
//! - `GET {api_base}/polling/{v}/channels/{id}/live-status?includePlayerRecommendContent=false`:
//!   viewers, title, category of a live channel; called only when `openLive` is true, which halves
//!   the calls for a roster that is mostly offline.
//! - `GET {api_base}/service/{v}/channels/{id}/live-detail`: `liveId` and the thumbnail, which
//!   live-status lacks; once per broadcast of a live tracked channel.
//! - `GET {api_base}/service/{v}/channels/{id}/videos?sortType=LATEST&pagingType=PAGE&page=0`: VODs.
//! - `GET {api_base}/service/{v}/search/channels?keyword=`: name → id, for `channels add`.
//!
//! Path versions get retired with code 9004 ("update the app"): `polling_versions` and
//! `service_versions` are tried in order, and the first that works is remembered (per endpoint
//! for `/service`). Every call carries the headers chzzk.naver.com sends in 2026 (`Origin`,
//! `Front-Client-*`, a `deviceId` kept across restarts, a browser User-Agent); see
//! `docs/platforms.md`.
//!
//! With the official Open API chosen (`source = "open_api"`, or `auto` with `client_id` and
//! `client_secret` set; see [`open_api`]), the live list and the channels' names, images and
//! followers come from `openapi.chzzk.naver.com` instead (⌈N/20⌉ channel calls plus the live
//! list's pages per channels round); the live-status of a channel that was live and left the
//! list, live-detail, videos and search stay on the web API, which alone has them.
//!
//! Auth: none on the web API. Limits: undocumented; `livePollingStatusJson.callPeriodMilliSecond`
//! asks for at most one status poll per channel per 10 s, far below our per-channel rate
//! (minutes), and the client keeps to a few requests per second overall. Times are KST strings
//! without a zone.

mod device;
pub mod open_api;
mod open_parse;
mod open_round;
mod open_wire;
mod parse;
mod wire;
mod wire_struct;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use streamtide_core::{
    ChannelId, ChannelInfo, ChannelObservation, ChannelRef, Clock, LiveBroadcast, LiveState,
    Platform, RefKind, SystemClock, VideoObservation,
};

pub use device::{is_uuid, new_uuid, resolve as resolve_device_id};
pub use open_parse::{
    parse_open_channels, parse_open_lives, OpenChannel, OPEN_CHANNELS_MAX_IDS, OPEN_LIVES_MAX_PAGE,
};
pub use parse::{
    envelope_code, is_channel_id, live_url, parse_channel, parse_channel_data_latest_video,
    parse_channel_ref, parse_live_page, parse_live_status, parse_search_channels, parse_videos,
    ChannelPage, LiveStatusPage, NextCursor,
};

use crate::census::Census;
use crate::config::{ChzzkConfig, HttpConfig};
use crate::http::{ApiClient, Call, HttpStats, Reply};
use crate::{
    AdapterError, ChannelsOutcome, ListRead, LiveList, PageSink, ParseFailure, PlatformAdapter,
};

/// The code CHZZK answers on a retired path version.
const RETIRED_VERSION_CODE: i64 = 9004;
/// Most items the live list serves per page.
const MAX_PAGE_SIZE: usize = 50;
/// Poll period CHZZK asks for when a reply does not say (`callPeriodMilliSecond` is 10000 in every
/// capture); polling one channel faster reportedly gets the IP blocked.
const DEFAULT_POLL_PERIOD: Duration = Duration::from_secs(10);

/// The `/service/{v}` endpoints, each remembering its own working version: `live-detail` left
/// `v1` years before `lives` did.
#[derive(Debug, Clone, Copy)]
enum Endpoint {
    Lives = 0,
    Channel = 1,
    LiveDetail = 2,
    Videos = 3,
    Search = 4,
}

const ENDPOINTS: usize = 5;

/// What live-detail said about one broadcast, kept so it is asked once per broadcast.
#[derive(Debug, Clone)]
struct DetailMemo {
    /// The broadcast's start as live-status reports it: the key (live-status has no liveId).
    started_at: Option<DateTime<Utc>>,
    broadcast_id: Option<String>,
    thumbnail_url: Option<String>,
}

/// A route's home before its first success.
const UNKNOWN_ROUTE: usize = usize::MAX;

/// A route answered on version `idx` after starting at `start`: remember its home on its first
/// success, and count a switch (a fallback only when it left its home).
fn route_worked(stats: &crate::http::HttpStats, home: &AtomicUsize, start: usize, idx: usize) {
    // `Err` holds the home already known; `Ok` means this success just set it.
    let home = home
        .compare_exchange(UNKNOWN_ROUTE, idx, Ordering::Relaxed, Ordering::Relaxed)
        .err();
    if idx != start {
        match home {
            // Found where it works: a discovery, not a move.
            None => stats.route_switched(false, false),
            Some(h) => stats.route_switched(start != h, idx != h),
        }
    }
}

pub struct ChzzkAdapter {
    cfg: ChzzkConfig,
    client: ApiClient,
    /// Index into `cfg.polling_versions` of the version that last worked.
    polling_version: AtomicUsize,
    /// Per endpoint, the index into `cfg.service_versions` of the version that last worked.
    service_version: [AtomicUsize; ENDPOINTS],
    /// Where each route first worked in this process ([`UNKNOWN_ROUTE`] until it has): a route
    /// is on a fallback when it had to move away from there. Finding at start-up that
    /// live-detail answers on v3, not v1 (retired for it since 2024), is not a move.
    polling_home: AtomicUsize,
    service_home: [AtomicUsize; ENDPOINTS],
    /// Last live status per channel, with when it may be asked again (the platform's poll hint).
    recent_status: Mutex<HashMap<String, (DateTime<Utc>, LiveState)>>,
    /// live-detail's answer per channel for its current broadcast.
    details: Mutex<HashMap<String, DetailMemo>>,
    /// `deviceId`, resolved (and persisted) on first use.
    device_id: OnceLock<String>,
    /// The Open API, when the configuration sends the live list and channel figures through it.
    open: Option<open_api::OpenApi>,
    /// The Open API side's memory (the last live-list walk, who was live in it).
    open_state: open_round::OpenState,
    /// What the poll hint's waits and the census's age are measured by.
    clock: Arc<dyn Clock>,
    /// The last live list read to its end: the channels round takes a live channel's state from
    /// it instead of asking live-status (and live-detail) per channel.
    census: Census,
}

impl ChzzkAdapter {
    pub fn new(cfg: &ChzzkConfig, http: &HttpConfig) -> Result<Self, reqwest::Error> {
        Self::with_clock(cfg, http, Arc::new(SystemClock))
    }

    /// An adapter that measures the platform's poll hint by `clock`.
    pub fn with_clock(
        cfg: &ChzzkConfig,
        http: &HttpConfig,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, reqwest::Error> {
        let open = open_api::uses_open_api(cfg).then(|| open_api::OpenApi::new(cfg));
        if open.is_some() {
            let missing = open_api::missing_credentials(cfg);
            if missing.is_empty() {
                tracing::info!(
                    platform = "chzzk",
                    "CHZZK live list and channel figures go through the official Open API."
                );
            } else {
                // The binary refuses this before building adapters; a library user gets every
                // Open API call refused as unauthorized, with the keys (never values) named here.
                tracing::error!(platform = "chzzk", missing = ?missing, "platforms.chzzk.source = \"open_api\" needs Open API credentials.");
            }
        }
        Ok(ChzzkAdapter {
            open,
            open_state: open_round::OpenState::default(),
            census: Census::default(),
            clock,
            client: ApiClient::new(Platform::Chzzk, http, cfg.requests_per_second, cfg.burst)?,
            cfg: cfg.clone(),
            polling_version: AtomicUsize::new(0),
            service_version: Default::default(),
            polling_home: AtomicUsize::new(UNKNOWN_ROUTE),
            service_home: std::array::from_fn(|_| AtomicUsize::new(UNKNOWN_ROUTE)),
            recent_status: Mutex::new(HashMap::new()),
            details: Mutex::new(HashMap::new()),
            device_id: OnceLock::new(),
        })
    }

    fn base(&self) -> &str {
        self.cfg.api_base.trim_end_matches('/')
    }

    /// The `deviceId` this adapter sends (resolving it on first use).
    pub fn device_id(&self) -> &str {
        self.device_id
            .get_or_init(|| device::resolve(&self.cfg.device_id, &self.cfg.device_id_file))
    }

    /// The headers chzzk.naver.com's own page sends in 2026; each configurable, empty = not sent.
    fn browser(&self, mut call: Call) -> Call {
        let c = &self.cfg;
        for (name, value) in [
            ("Origin", &c.origin),
            ("Referer", &c.referer),
            ("Front-Client-Platform-Type", &c.front_client_platform_type),
            ("Front-Client-Product-Type", &c.front_client_product_type),
            ("User-Agent", &c.user_agent),
        ] {
            if !value.trim().is_empty() {
                call = call.header(name, value.trim());
            }
        }
        call.header("deviceId", self.device_id())
            .header("Accept", "application/json, text/plain, */*")
    }

    fn service_call(&self, version: &str, path: &str) -> Call {
        self.browser(Call::get(format!(
            "{}/service/{version}/{path}",
            self.base()
        )))
    }

    /// Send and accept the statuses CHZZK uses for envelope errors (400/404 carry `code` too).
    async fn fetch(&self, call: &Call) -> Result<Reply, AdapterError> {
        let reply = self.client.send(call).await?;
        match reply.status.as_u16() {
            200..=299 | 400 | 404 => Ok(reply),
            401 | 403 => Err(AdapterError::Unauthorized {
                platform: Platform::Chzzk,
            }),
            status => Err(AdapterError::Status {
                platform: Platform::Chzzk,
                url: call.display_url(),
                status,
            }),
        }
    }

    /// GET `/service/{v}/{path}` through the first configured version that is not retired for
    /// this endpoint, starting from the one that worked last. Returns the reply and its URL.
    async fn service(
        &self,
        ep: Endpoint,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<(Reply, String), AdapterError> {
        let versions = &self.cfg.service_versions;
        let memory = &self.service_version[ep as usize];
        let start = memory.load(Ordering::Relaxed);
        let mut last_url = format!("{}/service", self.base());
        for offset in 0..versions.len() {
            let idx = (start + offset) % versions.len();
            let mut call = self.service_call(&versions[idx], path);
            for (k, v) in query {
                call = call.query(k, v);
            }
            let url = call.display_url();
            let reply = self.fetch(&call).await?;
            if envelope_code(&reply.body) == Some(RETIRED_VERSION_CODE) {
                tracing::warn!(platform = "chzzk", endpoint = ?ep, version = %versions[idx], "CHZZK service version answered 9004; trying the next one.");
                last_url = url;
                continue;
            }
            if idx != start {
                tracing::warn!(platform = "chzzk", endpoint = ?ep, version = %versions[idx], "Switched CHZZK service path version.");
                memory.store(idx, Ordering::Relaxed);
            }
            route_worked(
                &self.client.stats(),
                &self.service_home[ep as usize],
                start,
                idx,
            );
            return Ok((reply, url));
        }
        Err(AdapterError::Api {
            platform: Platform::Chzzk,
            url: last_url,
            code: RETIRED_VERSION_CODE,
            message: if versions.is_empty() {
                "no service version configured".into()
            } else {
                "every configured service version is retired".into()
            },
        })
    }

    async fn channel_page(&self, id: &str) -> Result<Option<ChannelPage>, AdapterError> {
        let (reply, url) = self
            .service(Endpoint::Channel, &format!("channels/{id}"), &[])
            .await?;
        parse_channel(&reply.body).map_err(|e| e.at(Platform::Chzzk, &url))
    }

    /// Live status, asked at most once per poll period per channel (the platform's own hint).
    async fn live_status(&self, id: &str) -> Result<LiveState, AdapterError> {
        {
            let recent = self.recent_status.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((next_allowed, state)) = recent.get(id) {
                if self.clock.now() < *next_allowed {
                    return Ok(state.clone());
                }
            }
        }
        let page = self.poll_live_status(id).await?;
        if !self.cfg.respect_poll_hint {
            return Ok(page.state);
        }
        let period = page
            .poll_period_ms
            .map(Duration::from_millis)
            .unwrap_or(DEFAULT_POLL_PERIOD)
            .max(DEFAULT_POLL_PERIOD);
        let period = chrono::Duration::from_std(period).unwrap_or(chrono::Duration::seconds(10));
        let mut recent = self.recent_status.lock().unwrap_or_else(|e| e.into_inner());
        // Forget entries whose wait is over so the map stays the size of one poll period's calls.
        let now = self.clock.now();
        recent.retain(|_, (until, _)| *until > now);
        recent.insert(id.to_string(), (now + period, page.state.clone()));
        Ok(page.state)
    }

    /// Live status through the first polling version that is not retired.
    async fn poll_live_status(&self, id: &str) -> Result<LiveStatusPage, AdapterError> {
        let versions = &self.cfg.polling_versions;
        let start = self.polling_version.load(Ordering::Relaxed);
        let mut last_err = None;
        for offset in 0..versions.len() {
            let idx = (start + offset) % versions.len();
            // The web page asks without the player's recommendations; so do we (a smaller reply).
            let call = self
                .browser(Call::get(format!(
                    "{}/polling/{}/channels/{id}/live-status",
                    self.base(),
                    versions[idx]
                )))
                .query("includePlayerRecommendContent", "false");
            let reply = self.fetch(&call).await?;
            match parse_live_status(&reply.body, id) {
                Ok(page) => {
                    if idx != start {
                        tracing::warn!(platform = "chzzk", version = %versions[idx], "Switched CHZZK polling path version.");
                        self.polling_version.store(idx, Ordering::Relaxed);
                    }
                    route_worked(&self.client.stats(), &self.polling_home, start, idx);
                    return Ok(page);
                }
                Err(ParseFailure::Api { code, message }) if code == RETIRED_VERSION_CODE => {
                    tracing::warn!(platform = "chzzk", version = %versions[idx], "CHZZK polling version answered 9004; trying the next one.");
                    last_err = Some(
                        ParseFailure::Api { code, message }
                            .at(Platform::Chzzk, &call.display_url()),
                    );
                }
                Err(e) => return Err(e.at(Platform::Chzzk, &call.display_url())),
            }
        }
        Err(last_err.unwrap_or_else(|| AdapterError::Api {
            platform: Platform::Chzzk,
            url: format!("{}/polling", self.base()),
            code: RETIRED_VERSION_CODE,
            message: "no polling version configured".into(),
        }))
    }

    /// Fill in what live-status lacks (the broadcast id and thumbnail) from live-detail, asked
    /// once per broadcast: the answer is kept until the channel's broadcast start changes. A
    /// failure costs only the picture.
    async fn complete_from_detail(&self, id: &str, b: &mut LiveBroadcast) {
        if !self.cfg.live_detail_thumbnails || b.thumbnail_url.is_some() {
            return;
        }
        let known = {
            let memo = self.details.lock().unwrap_or_else(|e| e.into_inner());
            memo.get(id)
                .filter(|m| m.started_at == b.started_at)
                .cloned()
        };
        let memo = match known {
            Some(m) => m,
            None => {
                let path = format!("channels/{id}/live-detail");
                let found = match self.service(Endpoint::LiveDetail, &path, &[]).await {
                    Ok((reply, url)) => {
                        parse_live_status(&reply.body, id).map_err(|e| e.at(Platform::Chzzk, &url))
                    }
                    Err(e) => Err(e),
                };
                let memo = match found {
                    Ok(page) => match page.state {
                        LiveState::Live(d) => DetailMemo {
                            started_at: b.started_at,
                            broadcast_id: d.broadcast_id,
                            thumbnail_url: d.thumbnail_url,
                        },
                        _ => DetailMemo {
                            started_at: b.started_at,
                            broadcast_id: None,
                            thumbnail_url: None,
                        },
                    },
                    // Weather: ask again next round.
                    Err(e) if e.is_retryable() => {
                        tracing::debug!(platform = "chzzk", channel_id = %id, error = %e, "live-detail unavailable; no thumbnail this round.");
                        return;
                    }
                    // A retired or changed endpoint will not fix itself this broadcast.
                    Err(e) => {
                        tracing::warn!(platform = "chzzk", channel_id = %id, error = %e, "live-detail failed; this broadcast goes without a thumbnail.");
                        DetailMemo {
                            started_at: b.started_at,
                            broadcast_id: None,
                            thumbnail_url: None,
                        }
                    }
                };
                let mut all = self.details.lock().unwrap_or_else(|e| e.into_inner());
                all.insert(id.to_string(), memo.clone());
                memo
            }
        };
        b.broadcast_id = b.broadcast_id.take().or(memo.broadcast_id);
        b.thumbnail_url = memo.thumbnail_url;
    }

    async fn observe(&self, id: &ChannelId) -> Result<Option<ChannelObservation>, AdapterError> {
        let Some(page) = self.channel_page(id.as_str()).await? else {
            return Ok(None);
        };
        let census = self.census.fresh(self.clock.as_ref());
        let listed = census.as_ref().and_then(|c| c.get(id.as_str()));
        let live = match (page.open_live, listed) {
            (Some(false), _) => LiveState::Offline,
            // Live, and in the census: the list's entry has all live-status and live-detail
            // would give (viewers as of the census).
            (_, Some(b)) => LiveState::Live(Box::new(b.clone())),
            // Live (or not said) and not in the census (it went live since, or there is none):
            // ask the polling endpoint. If it fails, the followers we already have still count;
            // the live state is simply unknown this round.
            _ => match self.live_status(id.as_str()).await {
                Ok(state) => state,
                Err(e) => {
                    tracing::warn!(platform = "chzzk", channel_id = %id, error = %e, "Live status unavailable; keeping the channel figures.");
                    LiveState::Unknown
                }
            },
        };
        let live = match live {
            LiveState::Live(mut b) => {
                b.channel_name = b.channel_name.or_else(|| Some(page.info.name.clone()));
                b.channel_avatar_url = b
                    .channel_avatar_url
                    .or_else(|| page.info.avatar_url.clone());
                // A census entry already carries the broadcast id and picture the list has.
                if listed.is_none() {
                    self.complete_from_detail(id.as_str(), &mut b).await;
                }
                LiveState::Live(b)
            }
            other => other,
        };
        Ok(Some(ChannelObservation {
            info: page.info,
            stats: page.stats,
            live,
        }))
    }

    /// The live list as far as it could be read, each page handed to `pages` as it comes.
    async fn read_live_pages(&self, pages: &PageSink) -> ListRead {
        if let Some(open) = &self.open {
            let (read, to_the_end) = open
                .top_lives(&self.client, self.cfg.live_list_depth.limit(), pages)
                .await;
            if to_the_end {
                self.census.record(&read.items, self.clock.now());
            }
            return read;
        }
        let size = self.cfg.page_size.clamp(1, MAX_PAGE_SIZE);
        let mut out: Vec<LiveBroadcast> = Vec::new();
        let mut cursor: Option<NextCursor> = None;
        let mut to_the_end = false;
        while self.cfg.live_list_depth.wants_more(out.len()) {
            let mut query = vec![
                ("size", size.to_string()),
                ("sortType", "POPULAR".to_string()),
            ];
            if let Some(c) = &cursor {
                query.push((
                    "concurrentUserCount",
                    c.concurrent_user_count.unwrap_or(0).to_string(),
                ));
                query.push(("liveId", c.live_id.unwrap_or(0).to_string()));
            }
            let page = self
                .service(Endpoint::Lives, "lives", &query)
                .await
                .and_then(|(reply, url)| {
                    parse_live_page(&reply.body).map_err(|e| e.at(Platform::Chzzk, &url))
                });
            let (items, next) = match page {
                Ok(page) => page,
                Err(e) => return ListRead::cut_short(out, e),
            };
            let got = items.len();
            let room = self.cfg.live_list_depth.limit().saturating_sub(out.len());
            pages.send(&items[..got.min(room)]);
            out.extend(items);
            if got == 0 || next.is_none() {
                to_the_end = true;
                break;
            }
            // A cursor that does not move would loop forever; stop instead.
            if next == cursor {
                break;
            }
            cursor = next;
        }
        out.truncate(self.cfg.live_list_depth.limit());
        if to_the_end {
            self.census.record(&out, self.clock.now());
        }
        ListRead::whole(out)
    }
}

#[async_trait]
impl PlatformAdapter for ChzzkAdapter {
    fn platform(&self) -> Platform {
        Platform::Chzzk
    }

    fn parse_channel_ref(&self, input: &str) -> Option<ChannelRef> {
        parse_channel_ref(input)
    }

    async fn resolve(&self, channel: &ChannelRef) -> Result<Option<ChannelInfo>, AdapterError> {
        match &channel.kind {
            RefKind::Id(id) => match &self.open {
                Some(open) => Ok(open
                    .channels(&self.client, std::slice::from_ref(id))
                    .await?
                    .into_iter()
                    .next()
                    .map(|c| c.info)),
                None => Ok(self.channel_page(id.as_str()).await?.map(|p| p.info)),
            },
            // CHZZK has no handles; a name is looked up by search and must match exactly.
            RefKind::Handle(name) => {
                let query = [
                    ("keyword", name.to_string()),
                    ("offset", "0".to_string()),
                    ("size", "13".to_string()),
                ];
                let (reply, url) = self
                    .service(Endpoint::Search, "search/channels", &query)
                    .await?;
                let found =
                    parse_search_channels(&reply.body).map_err(|e| e.at(Platform::Chzzk, &url))?;
                Ok(found
                    .into_iter()
                    .find(|p| p.info.name.eq_ignore_ascii_case(name.trim()))
                    .map(|p| p.info))
            }
        }
    }

    async fn top_live(&self) -> Result<Vec<LiveBroadcast>, AdapterError> {
        self.read_live_list().await.into_result()
    }

    async fn read_live_list(&self) -> ListRead {
        self.read_live_pages(&PageSink::none()).await
    }

    async fn live_list_paged(&self, pages: PageSink) -> Result<LiveList, AdapterError> {
        self.read_live_pages(&pages).await.into_live_list()
    }

    fn batch_size(&self) -> usize {
        if self.open.is_some() {
            OPEN_CHANNELS_MAX_IDS
        } else {
            1
        }
    }

    async fn channels(&self, ids: &[ChannelId]) -> Result<ChannelsOutcome, AdapterError> {
        if let Some(open) = &self.open {
            return self.channels_open(open, ids).await;
        }
        let mut outcome = ChannelsOutcome::default();
        for id in ids {
            match self.observe(id).await? {
                Some(obs) => outcome.found.push(obs),
                None => outcome.missing.push(id.clone()),
            }
        }
        Ok(outcome)
    }

    async fn videos(&self, id: &ChannelId) -> Result<Vec<VideoObservation>, AdapterError> {
        let query = [
            ("sortType", "LATEST".to_string()),
            ("pagingType", "PAGE".to_string()),
            ("page", "0".to_string()),
            // More than 50 answers 400 (2026).
            ("size", self.cfg.videos_per_channel.clamp(1, 50).to_string()),
        ];
        let (reply, url) = self
            .service(Endpoint::Videos, &format!("channels/{id}/videos"), &query)
            .await?;
        parse_videos(&reply.body, id.as_str()).map_err(|e| e.at(Platform::Chzzk, &url))
    }

    fn http_stats(&self) -> Arc<HttpStats> {
        self.client.stats()
    }

    fn lists_every_live(&self) -> bool {
        self.cfg.live_list_depth == streamtide_core::ListDepth::All
    }
}
