//! SOOP (숲, formerly AfreecaTV) adapter over the official Open API and the web APIs.
//!
//! Which API serves the live list is `[platforms.soop] source` ([`uses_open_api`]): the Open
//! API's `GET {open_api_base}/broad/list?client_id=..&order_type=view_cnt&page_no=N` (and
//! `/broad/category/list` for the category names its items lack, see [`open_api`]) with
//! `open_api`, or with `auto` when `client_id` is set; the web list otherwise. The Open API has
//! no station (followers, live state of one BJ) and no VOD endpoint a `client_id` alone may
//! call, so channels and videos always come from the web APIs below.
//!
//! Docs: `platforms-kr.md` §2. Web endpoints used:
//! - `GET {live_base}/api/main_broad_list_api.php?selectType=action&selectValue=all&orderType=view_cnt&pageNo=N&lang=ko_KR`:
//!   the top live list, 60 per page, every value a string.
//! - `GET {chapi_base}/api/{bj}/station`: `station.upd.fan_cnt` (followers), `total_view_cnt`,
//!   and `broad` (null when offline; else viewers and title): one call gives stats *and* live state.
//!   Unknown stations answer `{"code":9000}`: a missing channel, not an error.
//! - `GET {chapi_base}/api/{bj}/vods/review?page=1`: replay VODs (a Laravel paginator, 20 a page).
//!
//! Auth: none (cookies only for adult/subscriber streams, which we do not open). Limits: none
//! documented; chapi throws occasional 502–504, retried by the shared client; collectors keep to
//! about 2 req/s. Hosts: SOOP moved `*.sooplive.co.kr` → `*.sooplive.com` in March–April 2026
//! (`docs/platforms.md`); the `.com` hosts come first and each has a configured fallback, tried
//! on any answer that is not JSON and then kept (counted in `HttpStats::fallbacks`).

mod open_api;
mod open_parse;
mod open_wire;
mod parse;
mod wire;

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use streamtide_core::{
    ChannelId, ChannelInfo, ChannelRef, LiveBroadcast, Platform, RefKind, VideoObservation,
};

pub use open_api::{config_problem, uses_open_api};
pub use open_parse::{parse_open_broad_list, parse_open_categories, OpenListPage};
pub use parse::{
    is_bj_id, lang_tag_code, live_thumbnail, live_url, parse_broad_list, parse_channel_ref,
    parse_station, parse_vods, profile_image,
};

use crate::config::{HttpConfig, SoopConfig};
use crate::http::{ApiClient, Call, HttpStats, Reply};
use crate::Secret;
use crate::{
    AdapterError, ChannelsOutcome, ListRead, LiveList, PageSink, ParseFailure, PlatformAdapter,
};

/// Items per page of the live list (fixed by SOOP).
const LIST_PAGE_SIZE: usize = 60;

/// A host with a fallback, remembering which one answers.
struct Host {
    primary: String,
    fallback: Option<String>,
    use_fallback: AtomicBool,
}

impl Host {
    fn new(primary: &str, fallback: &str) -> Host {
        let fallback = fallback.trim().trim_end_matches('/');
        Host {
            primary: primary.trim().trim_end_matches('/').to_string(),
            fallback: (!fallback.is_empty()).then(|| fallback.to_string()),
            use_fallback: AtomicBool::new(false),
        }
    }

    /// Current host first, then the other one.
    fn order(&self) -> Vec<(&str, bool)> {
        let mut v = vec![(self.primary.as_str(), false)];
        if let Some(f) = &self.fallback {
            v.push((f.as_str(), true));
        }
        if self.use_fallback.load(Ordering::Relaxed) {
            v.reverse();
        }
        v
    }
}

pub struct SoopAdapter {
    cfg: SoopConfig,
    client: ApiClient,
    live_host: Host,
    chapi_host: Host,
    /// The Open API, when it serves the live list (`source`, `client_id`: [`uses_open_api`]).
    open: Option<open_api::OpenApi>,
}

impl SoopAdapter {
    pub fn new(cfg: &SoopConfig, http: &HttpConfig) -> Result<Self, reqwest::Error> {
        Ok(SoopAdapter {
            client: ApiClient::new(Platform::Soop, http, cfg.requests_per_second, cfg.burst)?,
            live_host: Host::new(&cfg.live_base, &cfg.live_fallback_base),
            chapi_host: Host::new(&cfg.chapi_base, &cfg.chapi_fallback_base),
            open: uses_open_api(cfg).then(|| open_api::OpenApi::new(cfg)),
            cfg: cfg.clone(),
        })
    }

    /// GET `path` on `host`: the host that worked last first, then the other one. Any answer
    /// that is not the JSON we asked for (unreachable, non-2xx, an HTML page or a redirect to
    /// one) moves on to the other host; the one that answers is remembered. Only a 429 stops
    /// here: a host that throttles is up, and asking its twin would be impolite.
    async fn fetch(
        &self,
        host: &Host,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<(Reply, String), AdapterError> {
        self.fetch_as(host, path, query, None).await
    }

    /// [`fetch`](Self::fetch), as an Open API application when `client_id` is given: it goes in
    /// the query (SOOP's Open API takes it there) as a secret parameter, so every URL shown in
    /// errors and logs has it as `client_id=<redacted>`; no browser `Origin`/`Referer`.
    async fn fetch_as(
        &self,
        host: &Host,
        path: &str,
        query: &[(&str, String)],
        client_id: Option<&Secret>,
    ) -> Result<(Reply, String), AdapterError> {
        let origin = match client_id {
            Some(_) => "",
            None => self.cfg.web_origin.trim().trim_end_matches('/'),
        };
        let preferred = host.use_fallback.load(Ordering::Relaxed);
        let mut first_err = None;
        for (base, is_fallback) in host.order() {
            let mut call = Call::get(format!("{base}{path}"))
                .header("Accept", "application/json, text/plain, */*");
            if !origin.is_empty() {
                call = call
                    .header("Referer", format!("{origin}/"))
                    .header("Origin", origin.to_string());
            }
            for (k, v) in query {
                call = call.query(k, v);
            }
            if let Some(id) = client_id {
                call = call.secret_query("client_id", id);
            }
            let url = call.display_url();
            let failed = match self.client.send(&call).await {
                Ok(reply) if reply.status.is_success() => match is_json(&reply.body) {
                    Ok(()) => {
                        if is_fallback != preferred {
                            tracing::warn!(platform = "soop", host = %base, "SOOP host switched: the other one did not answer JSON.");
                            host.use_fallback.store(is_fallback, Ordering::Relaxed);
                            self.client.stats().route_switched(preferred, is_fallback);
                        }
                        return Ok((reply, url));
                    }
                    // An HTML page (a moved host's landing page, a redirect followed to one).
                    Err(e) => e.at(Platform::Soop, &url),
                },
                Ok(reply) => match reply.status.as_u16() {
                    401 | 403 => AdapterError::Unauthorized {
                        platform: Platform::Soop,
                    },
                    status => AdapterError::Status {
                        platform: Platform::Soop,
                        url,
                        status,
                    },
                },
                Err(e @ AdapterError::RateLimited { .. }) => return Err(e),
                // Unreachable, timed out, or 5xx after the client's polite retries.
                Err(e) => e,
            };
            if host.fallback.is_some() {
                tracing::debug!(platform = "soop", host = %base, error = %failed, "SOOP host did not answer JSON; trying the other one.");
            }
            // The error of the host we expected to work says most about what went wrong.
            first_err.get_or_insert(failed);
        }
        Err(first_err.unwrap_or(AdapterError::Status {
            platform: Platform::Soop,
            url: path.to_string(),
            status: 404,
        }))
    }

    /// The live list as far as it could be read, each page handed to `pages` as it comes.
    async fn read_live_pages(&self, pages: &PageSink) -> ListRead {
        if let Some(open) = &self.open {
            return self.open_top_live(open, pages).await;
        }
        let mut out: Vec<LiveBroadcast> = Vec::new();
        let mut page = 1usize;
        let mut listed_ids: HashSet<ChannelId> = HashSet::new();
        while self.cfg.live_list_depth.wants_more(out.len()) {
            let query = [
                ("selectType", "action".to_string()),
                ("selectValue", "all".to_string()),
                ("orderType", "view_cnt".to_string()),
                ("pageNo", page.to_string()),
                ("lang", "ko_KR".to_string()),
            ];
            let items = self
                .fetch(&self.live_host, "/api/main_broad_list_api.php", &query)
                .await
                .and_then(|(reply, url)| {
                    parse_broad_list(&reply.body).map_err(|e| e.at(Platform::Soop, &url))
                });
            let items = match items {
                Ok(items) => items,
                Err(e) => return ListRead::cut_short(out, e),
            };
            let got = items.len();
            // Pages can shift while we read them (viewers change); keep the first sighting.
            let had = out.len();
            for item in items {
                if listed_ids.insert(item.channel_id.clone()) {
                    out.push(item);
                }
            }
            let depth = self.cfg.live_list_depth.limit();
            pages.send(&out[had.min(depth)..out.len().min(depth)]);
            if got < LIST_PAGE_SIZE {
                break;
            }
            page += 1;
        }
        out.truncate(self.cfg.live_list_depth.limit());
        ListRead::whole(out)
    }
}

/// Whether `body` is a JSON document (any shape; the parse functions judge the shape). SOOP's
/// moved hosts answer HTML pages with status 200.
fn is_json(body: &[u8]) -> Result<(), ParseFailure> {
    ParseFailure::decode::<serde::de::IgnoredAny>(body).map(|_| ())
}

#[async_trait]
impl PlatformAdapter for SoopAdapter {
    fn platform(&self) -> Platform {
        Platform::Soop
    }

    fn parse_channel_ref(&self, input: &str) -> Option<ChannelRef> {
        parse_channel_ref(input)
    }

    async fn resolve(&self, channel: &ChannelRef) -> Result<Option<ChannelInfo>, AdapterError> {
        // SOOP ids are what users see in URLs; a "handle" is the same id typed without a URL.
        let id = match &channel.kind {
            RefKind::Id(id) => id.clone(),
            RefKind::Handle(h) => ChannelId::new(h.trim().to_ascii_lowercase()),
        };
        let outcome = self.channels(std::slice::from_ref(&id)).await?;
        Ok(outcome.found.into_iter().next().map(|o| o.info))
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

    async fn channels(&self, ids: &[ChannelId]) -> Result<ChannelsOutcome, AdapterError> {
        let mut outcome = ChannelsOutcome::default();
        for id in ids {
            let path = format!("/api/{}/station", id.as_str());
            let (reply, url) = self.fetch(&self.chapi_host, &path, &[]).await?;
            match parse_station(&reply.body, id.as_str()).map_err(|e| e.at(Platform::Soop, &url))? {
                Some(obs) => outcome.found.push(obs),
                None => outcome.missing.push(id.clone()),
            }
        }
        Ok(outcome)
    }

    async fn videos(&self, id: &ChannelId) -> Result<Vec<VideoObservation>, AdapterError> {
        let path = format!("/api/{}/vods/review", id.as_str());
        let query = [
            ("page", "1".to_string()),
            (
                "per_page",
                self.cfg.videos_per_channel.clamp(1, 60).to_string(),
            ),
            ("orderby", "reg_date".to_string()),
        ];
        let (reply, url) = self.fetch(&self.chapi_host, &path, &query).await?;
        let mut vods =
            parse_vods(&reply.body, id.as_str()).map_err(|e| e.at(Platform::Soop, &url))?;
        vods.truncate(self.cfg.videos_per_channel);
        Ok(vods)
    }

    fn http_stats(&self) -> Arc<HttpStats> {
        self.client.stats()
    }

    fn lists_every_live(&self) -> bool {
        self.cfg.live_list_depth == streamtide_core::ListDepth::All
    }
}
