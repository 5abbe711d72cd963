//! CHZZK (치지직, Naver) adapter over the unofficial web API.
//!
//! Docs: `platforms-kr.md` §1 (no official docs for these endpoints). Endpoints used:
//! - `GET {api_base}/service/{v}/lives?size=50&sortType=POPULAR[&concurrentUserCount=&liveId=]`:
//!   the top live list, cursor-paged by the last item's `(concurrentUserCount, liveId)`.
//! - `GET {api_base}/service/{v}/channels/{id}`: name, avatar, description, `followerCount`,
//!   `openLive`. Unknown ids answer code 200 with `channelId: null`: a missing channel, not an error.
//! - `GET {api_base}/polling/{v}/channels/{id}/live-status`: viewers, title, category of a live
//!   channel; called only when `openLive` is true, which halves the calls for a roster that is
//!   mostly offline. Path versions get retired with code 9004 ("update the app"); the configured
//!   versions are tried in order and the first that works is remembered.
//! - `GET {api_base}/service/{v}/channels/{id}/videos?sortType=LATEST&pagingType=PAGE&page=0`: VODs.
//! - `GET {api_base}/service/{v}/search/channels?keyword=`: name → id, for `channels add`.
//!
//! Auth: none. Limits: undocumented; `livePollingStatusJson.callPeriodMilliSecond` asks for at
//! most one status poll per channel per 10 s, far below our per-channel rate (minutes), and the
//! client keeps to a few requests per second overall. Times are KST strings without a zone.

mod parse;
mod wire;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use streamtide_core::{
    ChannelId, ChannelInfo, ChannelObservation, ChannelRef, LiveBroadcast, LiveState, Platform,
    RefKind, VideoObservation,
};

pub use parse::{
    is_channel_id, live_url, parse_channel, parse_channel_data_latest_video, parse_channel_ref,
    parse_live_page, parse_live_status, parse_search_channels, parse_videos, ChannelPage,
    LiveStatusPage, NextCursor,
};

use crate::config::{ChzzkConfig, HttpConfig};
use crate::http::{ApiClient, Call, HttpStats, Reply};
use crate::{AdapterError, ChannelsOutcome, ParseFailure, PlatformAdapter};

/// The code CHZZK answers on a retired path version.
const RETIRED_VERSION_CODE: i64 = 9004;
/// Most items the live list serves per page.
const MAX_PAGE_SIZE: usize = 50;
/// Poll period CHZZK asks for when a reply does not say (`callPeriodMilliSecond` is 10000 in every
/// capture); polling one channel faster reportedly gets the IP blocked.
const DEFAULT_POLL_PERIOD: Duration = Duration::from_secs(10);

pub struct ChzzkAdapter {
    cfg: ChzzkConfig,
    client: ApiClient,
    /// Index into `cfg.polling_versions` of the version that last worked.
    polling_version: AtomicUsize,
    /// Last live status per channel, with when it may be asked again (the platform's poll hint).
    recent_status: Mutex<HashMap<String, (Instant, LiveState)>>,
}

impl ChzzkAdapter {
    pub fn new(cfg: &ChzzkConfig, http: &HttpConfig) -> Result<Self, reqwest::Error> {
        Ok(ChzzkAdapter {
            client: ApiClient::new(Platform::Chzzk, http, cfg.requests_per_second, cfg.burst)?,
            cfg: cfg.clone(),
            polling_version: AtomicUsize::new(0),
            recent_status: Mutex::new(HashMap::new()),
        })
    }

    fn base(&self) -> &str {
        self.cfg.api_base.trim_end_matches('/')
    }

    fn service(&self, path: &str) -> Call {
        Call::get(format!(
            "{}/service/{}/{path}",
            self.base(),
            self.cfg.service_version
        ))
        .header("Referer", "https://chzzk.naver.com/")
        .header("Accept", "application/json")
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

    async fn channel_page(&self, id: &str) -> Result<Option<ChannelPage>, AdapterError> {
        let call = self.service(&format!("channels/{id}"));
        let reply = self.fetch(&call).await?;
        parse_channel(&reply.body).map_err(|e| e.at(Platform::Chzzk, &call.display_url()))
    }

    /// Live status, asked at most once per poll period per channel (the platform's own hint).
    async fn live_status(&self, id: &str) -> Result<LiveState, AdapterError> {
        {
            let recent = self.recent_status.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((next_allowed, state)) = recent.get(id) {
                if Instant::now() < *next_allowed {
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
        let mut recent = self.recent_status.lock().unwrap_or_else(|e| e.into_inner());
        // Forget entries whose wait is over so the map stays the size of one poll period's calls.
        let now = Instant::now();
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
            let call = Call::get(format!(
                "{}/polling/{}/channels/{id}/live-status",
                self.base(),
                versions[idx]
            ))
            .header("Referer", "https://chzzk.naver.com/");
            let reply = self.fetch(&call).await?;
            match parse_live_status(&reply.body, id) {
                Ok(page) => {
                    if idx != start {
                        tracing::warn!(platform = "chzzk", version = %versions[idx], "Switched CHZZK polling path version.");
                        self.polling_version.store(idx, Ordering::Relaxed);
                    }
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

    async fn observe(&self, id: &ChannelId) -> Result<Option<ChannelObservation>, AdapterError> {
        let Some(page) = self.channel_page(id.as_str()).await? else {
            return Ok(None);
        };
        let live = match page.open_live {
            Some(false) => LiveState::Offline,
            // Live (or not said): ask the polling endpoint. If it fails, the followers we already
            // have still count; the live state is simply unknown this round.
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
            RefKind::Id(id) => Ok(self.channel_page(id.as_str()).await?.map(|p| p.info)),
            // CHZZK has no handles; a name is looked up by search and must match exactly.
            RefKind::Handle(name) => {
                let call = self
                    .service("search/channels")
                    .query("keyword", name)
                    .query("offset", 0)
                    .query("size", 13);
                let reply = self.fetch(&call).await?;
                let found = parse_search_channels(&reply.body)
                    .map_err(|e| e.at(Platform::Chzzk, &call.display_url()))?;
                Ok(found
                    .into_iter()
                    .find(|p| p.info.name.eq_ignore_ascii_case(name.trim()))
                    .map(|p| p.info))
            }
        }
    }

    async fn top_live(&self) -> Result<Vec<LiveBroadcast>, AdapterError> {
        let size = self.cfg.page_size.clamp(1, MAX_PAGE_SIZE);
        let mut out: Vec<LiveBroadcast> = Vec::new();
        let mut cursor: Option<NextCursor> = None;
        while out.len() < self.cfg.live_list_depth {
            let mut call = self
                .service("lives")
                .query("size", size)
                .query("sortType", "POPULAR");
            if let Some(c) = &cursor {
                call = call
                    .query("concurrentUserCount", c.concurrent_user_count.unwrap_or(0))
                    .query("liveId", c.live_id.unwrap_or(0));
            }
            let reply = self.fetch(&call).await?;
            let (items, next) = parse_live_page(&reply.body)
                .map_err(|e| e.at(Platform::Chzzk, &call.display_url()))?;
            let got = items.len();
            out.extend(items);
            // A cursor that does not move would loop forever; stop instead.
            if got == 0 || next.is_none() || next == cursor {
                break;
            }
            cursor = next;
        }
        out.truncate(self.cfg.live_list_depth);
        Ok(out)
    }

    async fn channels(&self, ids: &[ChannelId]) -> Result<ChannelsOutcome, AdapterError> {
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
        let call = self
            .service(&format!("channels/{id}/videos"))
            .query("sortType", "LATEST")
            .query("pagingType", "PAGE")
            .query("page", 0)
            .query("size", self.cfg.videos_per_channel.clamp(1, 50));
        let reply = self.fetch(&call).await?;
        parse_videos(&reply.body, id.as_str())
            .map_err(|e| e.at(Platform::Chzzk, &call.display_url()))
    }

    fn http_stats(&self) -> Arc<HttpStats> {
        self.client.stats()
    }
}
