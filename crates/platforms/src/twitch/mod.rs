//! Twitch adapter over the official Helix API.
//!
//! Docs: `platforms-global.md` §1. Endpoints used (all `GET {api_base}/...`, repeated params for
//! lists, `Client-Id` + `Authorization: Bearer <app token>` on every call):
//! - `users?id=..` (≤100): names, logins (our handle), avatars, descriptions. Unknown, banned or
//!   deleted users are simply absent: a missing channel, not an error. `users?login=` resolves.
//! - `streams?user_id=..&first=100` (≤100): who of a batch is live. `first` defaults to 20 even
//!   with 100 ids, so it is always sent. Offline users are absent.
//! - `streams?language=ko&first=100&after=`: the Korean top live list, cursor-paged.
//! - `channels/followers?broadcaster_id=X&first=1`: `total` only (that is all an app token gets);
//!   one call per channel, there is no batching.
//! - `videos?user_id=X&first=N&type=all`: VODs with `view_count`, durations like `3m21s`.
//!
//! Auth: app access token by client credentials ([`auth`]), cached, re-minted once on 401.
//! Limits: a token bucket (800 points/min per app token) announced in `Ratelimit-Remaining` /
//! `Ratelimit-Reset`; the shared [`ApiClient`] obeys it ([`HeaderBudget`]), and a 429 waits until
//! `Ratelimit-Reset`. `users.view_count` is deprecated and invalid, so total views stay `None`.

mod auth;
mod parse;
mod wire;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use async_trait::async_trait;
use streamtide_core::{
    ChannelId, ChannelInfo, ChannelObservation, ChannelRef, ChannelStats, LiveBroadcast, LiveState,
    Platform, RefKind, VideoObservation,
};

pub use parse::{
    is_login, live_url, parse_channel_information, parse_channel_ref, parse_duration, parse_error,
    parse_eventsub_subscriptions, parse_followers_total, parse_search_channels, parse_streams,
    parse_token, parse_users, parse_validate, parse_videos, parse_videos_page, thumbnail,
    ChannelInformation, EventSubCost, HelixError, TokenInfo, THUMBNAIL_SIZE,
};

use crate::config::{HttpConfig, TwitchConfig};
use crate::http::{ApiClient, Call, HeaderBudget, HttpStats, Reply};
use crate::{AdapterError, ChannelsOutcome, ListRead, LiveList, PageSink, PlatformAdapter};

/// Follower-count calls of one batch in flight at once.
const FOLLOWER_CALLS_AT_ONCE: usize = 4;

/// Most ids (or items) one Helix list call takes.
pub const MAX_IDS: usize = 100;
/// Stop sending when the bucket has this few points left, until it resets.
const LOW_WATER: u64 = 5;

pub struct TwitchAdapter {
    cfg: TwitchConfig,
    client: ApiClient,
    token: auth::AppToken,
}

impl TwitchAdapter {
    pub fn new(cfg: &TwitchConfig, http: &HttpConfig) -> Result<Self, reqwest::Error> {
        let client = ApiClient::new(Platform::Twitch, http, cfg.requests_per_second, cfg.burst)?
            .with_header_budget(HeaderBudget::twitch(LOW_WATER));
        Ok(TwitchAdapter {
            cfg: cfg.clone(),
            client,
            token: auth::AppToken::default(),
        })
    }

    fn base(&self) -> &str {
        self.cfg.api_base.trim_end_matches('/')
    }

    /// One authorised Helix GET. 2xx and 404 (Get Videos: all ids unknown) are returned; a 401
    /// re-mints the token once and retries; anything else becomes an error.
    async fn helix(&self, path: &str, query: &[(&str, String)]) -> Result<Reply, AdapterError> {
        let mut reminted = false;
        loop {
            let token = self.token.get(&self.client, &self.cfg).await?;
            let mut call = Call::get(format!("{}/{path}", self.base()))
                .header("Client-Id", self.cfg.client_id.clone())
                .header("Authorization", format!("Bearer {token}"))
                .header("Accept", "application/json");
            for (k, v) in query {
                call = call.query(k, v);
            }
            let reply = self.client.send(&call).await?;
            match reply.status.as_u16() {
                200..=299 | 404 => return Ok(reply),
                401 if !reminted => {
                    tracing::info!(
                        platform = "twitch",
                        "Helix answered 401; minting a new app token."
                    );
                    self.token.invalidate(&token).await;
                    reminted = true;
                }
                401 | 403 => {
                    return Err(AdapterError::Unauthorized {
                        platform: Platform::Twitch,
                    })
                }
                status => {
                    return Err(match parse_error(&reply.body) {
                        Some(e) => AdapterError::Api {
                            platform: Platform::Twitch,
                            url: call.display_url(),
                            code: i64::from(status),
                            message: format!("{}: {}", e.error, e.message),
                        },
                        None => AdapterError::Status {
                            platform: Platform::Twitch,
                            url: call.display_url(),
                            status,
                        },
                    })
                }
            }
        }
    }

    fn url_of(&self, path: &str) -> String {
        format!("{}/{path}", self.base())
    }

    async fn users(&self, key: &str, values: &[&str]) -> Result<Vec<ChannelInfo>, AdapterError> {
        let query: Vec<(&str, String)> = values.iter().map(|v| (key, v.to_string())).collect();
        let reply = self.helix("users", &query).await?;
        if reply.status.as_u16() == 404 {
            return Ok(Vec::new());
        }
        parse_users(&reply.body).map_err(|e| e.at(Platform::Twitch, &self.url_of("users")))
    }

    /// Live streams among `user_ids` (≤100), keyed by user id.
    async fn live_among(
        &self,
        user_ids: &[&str],
    ) -> Result<HashMap<String, LiveBroadcast>, AdapterError> {
        let mut query: Vec<(&str, String)> = user_ids
            .iter()
            .map(|id| ("user_id", id.to_string()))
            .collect();
        query.push(("first", MAX_IDS.to_string()));
        let reply = self.helix("streams", &query).await?;
        let (items, _) = parse_streams(&reply.body)
            .map_err(|e| e.at(Platform::Twitch, &self.url_of("streams")))?;
        Ok(items
            .into_iter()
            .map(|b| (b.channel_id.0.clone(), b))
            .collect())
    }

    async fn followers(&self, id: &str) -> Result<u64, AdapterError> {
        let reply = self
            .helix(
                "channels/followers",
                &[("broadcaster_id", id.to_string()), ("first", "1".into())],
            )
            .await?;
        parse_followers_total(&reply.body)
            .map_err(|e| e.at(Platform::Twitch, &self.url_of("channels/followers")))
    }

    async fn channels_chunk(
        &self,
        ids: &[ChannelId],
        outcome: &mut ChannelsOutcome,
    ) -> Result<(), AdapterError> {
        let wanted: Vec<&str> = ids.iter().map(ChannelId::as_str).collect();
        let users = self.users("id", &wanted).await?;
        let known: HashSet<&str> = users.iter().map(|u| u.channel_id.as_str()).collect();
        outcome.missing.extend(
            ids.iter()
                .filter(|id| !known.contains(id.as_str()))
                .cloned(),
        );
        if users.is_empty() {
            return Ok(());
        }
        let found: Vec<&str> = users.iter().map(|u| u.channel_id.as_str()).collect();
        // The follower counts are worth keeping when only the live lookup fails: the live
        // state is then unknown (no session is opened or closed), not offline. The failure
        // still shows through the live job, which asks the same endpoint.
        let mut live = match self.live_among(&found).await {
            Ok(live) => Some(live),
            Err(e) => {
                tracing::warn!(platform = "twitch", error = %e, "Live states unknown this round; follower counts are still collected.");
                None
            }
        };
        // One follower call per channel: overlap their latency (the shared client still holds
        // the rate), keeping the users' order.
        let mut follower_counts: Vec<Result<u64, AdapterError>> = Vec::with_capacity(users.len());
        for group in users.chunks(FOLLOWER_CALLS_AT_ONCE) {
            let calls: Vec<_> = group
                .iter()
                .map(|u| self.followers(u.channel_id.as_str()))
                .collect();
            follower_counts.extend(futures_util::future::join_all(calls).await);
        }
        for (info, followers) in users.iter().zip(follower_counts) {
            let followers = followers?;
            let state = match live.as_mut().map(|l| l.remove(info.channel_id.as_str())) {
                Some(Some(mut b)) => {
                    b.channel_name = b.channel_name.or_else(|| Some(info.name.clone()));
                    b.channel_avatar_url = info.avatar_url.clone();
                    LiveState::Live(Box::new(b))
                }
                Some(None) => LiveState::Offline,
                None => LiveState::Unknown,
            };
            outcome.found.push(ChannelObservation {
                info: info.clone(),
                stats: ChannelStats {
                    followers: Some(followers),
                    // `users.view_count` is deprecated and its data invalid.
                    total_views: None,
                    video_count: None,
                },
                live: state,
            });
        }
        Ok(())
    }

    /// The Korean streams as far as they could be read, each page handed to `sink` as it
    /// comes (Helix serves them by viewers, so the pages come in the list's order).
    async fn read_live_pages(&self, sink: &PageSink) -> ListRead {
        let depth = self.cfg.live_list_depth.limit();
        let mut out: Vec<LiveBroadcast> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        let mut cursor: Option<String> = None;
        let mut pages = 0usize;
        let mut cut_short = None;
        // Pages may repeat or skip streams as viewers shift; a bound on pages ends any loop.
        let max_pages = depth.div_ceil(MAX_IDS) + 2;
        while out.len() < depth && pages < max_pages {
            let first = (depth - out.len()).clamp(1, MAX_IDS);
            let mut query = vec![("language", "ko".to_string()), ("first", first.to_string())];
            if let Some(c) = &cursor {
                query.push(("after", c.clone()));
            }
            let page = self.helix("streams", &query).await.and_then(|reply| {
                parse_streams(&reply.body)
                    .map_err(|e| e.at(Platform::Twitch, &self.url_of("streams")))
            });
            let (items, next) = match page {
                Ok(page) => page,
                Err(e) => {
                    cut_short = Some(e);
                    break;
                }
            };
            pages += 1;
            let got = items.len();
            let had = out.len();
            for b in items {
                if seen.insert(b.channel_id.0.clone()) {
                    out.push(b);
                }
            }
            sink.send(&out[had.min(depth)..out.len().min(depth)]);
            if got == 0 || next.is_none() || next == cursor {
                break;
            }
            cursor = next;
        }
        out.truncate(depth);
        out.sort_by_key(|b| std::cmp::Reverse(b.viewers));
        ListRead {
            items: out,
            cut_short,
        }
    }
}

#[async_trait]
impl PlatformAdapter for TwitchAdapter {
    fn platform(&self) -> Platform {
        Platform::Twitch
    }

    fn parse_channel_ref(&self, input: &str) -> Option<ChannelRef> {
        parse_channel_ref(input)
    }

    fn batch_size(&self) -> usize {
        MAX_IDS
    }

    async fn resolve(&self, channel: &ChannelRef) -> Result<Option<ChannelInfo>, AdapterError> {
        let found = match &channel.kind {
            RefKind::Id(id) => self.users("id", &[id.as_str()]).await?,
            RefKind::Handle(login) => {
                let login = login.trim().trim_start_matches('@').to_ascii_lowercase();
                if !is_login(&login) {
                    return Ok(None);
                }
                self.users("login", &[login.as_str()]).await?
            }
        };
        Ok(found.into_iter().next())
    }

    /// Logins and ids go to `/users` 100 per call (one call per kind and chunk, not per row).
    async fn resolve_many(
        &self,
        channels: &[ChannelRef],
    ) -> Vec<Result<Option<ChannelInfo>, AdapterError>> {
        let key_of = |c: &ChannelRef| -> Option<(&'static str, String)> {
            match &c.kind {
                RefKind::Id(id) => Some(("id", id.as_str().to_string())),
                RefKind::Handle(login) => {
                    let login = login.trim().trim_start_matches('@').to_ascii_lowercase();
                    is_login(&login).then_some(("login", login))
                }
            }
        };
        let keys: Vec<Option<(&'static str, String)>> = channels.iter().map(key_of).collect();
        let mut found: HashMap<(&'static str, String), ChannelInfo> = HashMap::new();
        let mut failed: HashMap<(&'static str, String), String> = HashMap::new();
        for kind in ["id", "login"] {
            let mut wanted: Vec<&str> = keys
                .iter()
                .flatten()
                .filter(|(k, _)| *k == kind)
                .map(|(_, v)| v.as_str())
                .collect();
            wanted.sort_unstable();
            wanted.dedup();
            for chunk in wanted.chunks(MAX_IDS) {
                match self.users(kind, chunk).await {
                    Ok(users) => {
                        for u in users {
                            let v = if kind == "id" {
                                u.channel_id.as_str().to_string()
                            } else {
                                u.handle.clone().unwrap_or_default().to_ascii_lowercase()
                            };
                            found.insert((kind, v), u);
                        }
                    }
                    Err(e) => {
                        for v in chunk {
                            failed.insert((kind, v.to_string()), e.to_string());
                        }
                    }
                }
            }
        }
        keys.into_iter()
            .map(|k| match k {
                None => Ok(None),
                Some(key) => match failed.get(&key) {
                    Some(msg) => Err(AdapterError::Transient {
                        platform: Platform::Twitch,
                        url: self.url_of("users"),
                        message: msg.clone(),
                    }),
                    None => Ok(found.get(&key).cloned()),
                },
            })
            .collect()
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
        for chunk in ids.chunks(MAX_IDS) {
            self.channels_chunk(chunk, &mut outcome).await?;
        }
        Ok(outcome)
    }

    async fn videos(&self, id: &ChannelId) -> Result<Vec<VideoObservation>, AdapterError> {
        let first = self.cfg.videos_per_channel.clamp(1, MAX_IDS);
        let reply = self
            .helix(
                "videos",
                &[
                    ("user_id", id.to_string()),
                    ("first", first.to_string()),
                    ("type", "all".into()),
                ],
            )
            .await?;
        if reply.status.as_u16() == 404 {
            return Ok(Vec::new());
        }
        let mut videos = parse_videos(&reply.body, id.as_str())
            .map_err(|e| e.at(Platform::Twitch, &self.url_of("videos")))?;
        videos.truncate(first);
        Ok(videos)
    }

    fn http_stats(&self) -> Arc<HttpStats> {
        self.client.stats()
    }

    fn lists_every_live(&self) -> bool {
        self.cfg.live_list_depth == streamtide_core::ListDepth::All
    }
}
