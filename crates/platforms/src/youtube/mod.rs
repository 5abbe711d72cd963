//! YouTube adapter: the Data API v3 with an API key, plus the zero-quota channel RSS feed.
//!
//! Docs: `platforms-global.md` §2. Quota is the constraint (10,000 units per Pacific day), so:
//! - `channels(ids)`: one `channels.list part=snippet,statistics,contentDetails id=<≤50>` (1 unit)
//!   for names, subscribers, views and video counts (ids absent from the answer are missing);
//!   then each found channel's feed `GET {feeds_base}/feeds/videos.xml?channel_id=UC…` (0 units)
//!   gives its newest videos, the recent ones become candidates, and one
//!   `videos.list part=snippet,liveStreamingDetails,statistics id=<≤50>` per 50 candidates of the
//!   whole batch says which are live (`actualStartTime` without `actualEndTime`). Videos seen
//!   ended (or plain uploads) are remembered and not checked again, so after the first sweep only
//!   new, upcoming and live videos cost units.
//!   A feed is a hint, not the truth: one that answers 404, 5xx, HTML or garbage leaves the
//!   channel's live state unknown (never offline). For such a channel the broadcast we last saw
//!   live on it goes into the same `videos.list` (so an open session is confirmed or ended by a
//!   source that knows), and up to `feed_fallback_per_call` of them get a `playlistItems.list`
//!   look at their uploads playlist (1 unit each), whose newest entries become candidates.
//! - `live_list()` (the live round): `search.list … eventType=live regionCode=KR
//!   relevanceLanguage=ko order=viewCount` (its own 100 calls/day bucket) then `videos.list` for
//!   the viewer counts, when the [`SearchSchedule`] says a search is due; between searches the
//!   last search's broadcasts are refreshed by one `videos.list` per 50 (main bucket). With no
//!   allowance left for either, "no new list" ([`LiveList::NotFetched`]), never an empty list.
//!   `top_live()` searches at once when the ledger allows (an empty list and no call otherwise).
//! - `videos(id)`: the uploads playlist (`UU…`) via `playlistItems.list`, then `videos.list` for
//!   videos not seen before and `videos.batchGetStats` (its own bucket) for the counters of the
//!   ones already described, with `videos.list` as the fallback.
//! - `resolve`: `channels.list forHandle=@x` (or `forUsername` for legacy names), or `id=UC…`.
//!
//! The key travels as the `key` query parameter through [`Call::secret_query`], so URLs in
//! errors and logs show `key=<redacted>`. Every Data API call is priced by the [`QuotaLedger`]
//! before it is sent; `quotaExceeded` stops all calls until midnight Pacific time.

mod feed;
mod parse;
pub mod quota;
pub mod schedule;
mod wire;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use streamtide_core::{
    ChannelId, ChannelInfo, ChannelObservation, ChannelRef, Clock, LiveBroadcast, LiveState,
    Platform, RefKind, SystemClock, VideoObservation,
};

pub use feed::{parse_feed, Feed, FeedEntry};
pub use parse::{
    is_channel_id, live_by_channel, live_state_of, parse_channel_ref, parse_channels, parse_error,
    parse_iso_duration, parse_playlist_items, parse_search, parse_videos, uploads_playlist,
    watch_url, ApiError, ChannelItem, PlaylistEntry, SearchHit, VideoItem,
};
pub use quota::{Bucket, Endpoint, InMemoryLedger, QuotaLedger, QuotaRefusal, QuotaSnapshot};
pub use schedule::SearchSchedule;

use crate::config::{HttpConfig, YoutubeConfig};
use crate::http::{ApiClient, Call, HttpStats, Reply};
use crate::{AdapterError, ChannelsOutcome, LiveList, PlatformAdapter};

/// Most ids one `channels.list` / `videos.list` call takes (a 51st is an invalid filter).
pub const MAX_IDS: usize = 50;
/// Feed entries per channel considered as live candidates (newest first).
pub const CANDIDATES_PER_CHANNEL: usize = 3;
/// Feed entries older than this (by `updated`, else `published`) are not live candidates.
pub const CANDIDATE_MAX_AGE_HOURS: i64 = 48;
/// Settled video ids remembered before the set is cleared (and rebuilt by the next checks).
const MAX_SETTLED: usize = 200_000;
/// Described videos remembered for `videos.batchGetStats` before the map is cleared.
const MAX_DESCRIBED: usize = 100_000;

/// The last search: when, and the broadcasts it found still live at the last refresh.
#[derive(Debug, Default)]
struct LastSearch {
    at: Option<DateTime<Utc>>,
    ids: Vec<String>,
    /// The last search found nothing live and was already searched again once: an empty
    /// answer (a glitch, a changed field) gets one retry at the next round, not one per round.
    retried_empty: bool,
}

pub struct YoutubeAdapter {
    cfg: YoutubeConfig,
    client: ApiClient,
    ledger: Arc<dyn QuotaLedger>,
    clock: Arc<dyn Clock>,
    /// Video ids known never to be live again; bounded by [`MAX_SETTLED`].
    settled: Mutex<HashSet<String>>,
    schedule: SearchSchedule,
    last_search: Mutex<LastSearch>,
    /// Per channel, the broadcast last seen live on it and when: checked when the feed fails.
    recent_live: Mutex<HashMap<String, (String, DateTime<Utc>)>>,
    /// Where the next feed fallback starts among a batch's failed channels (round robin).
    fallback_cursor: AtomicUsize,
    /// Videos already described by `videos.list`, for counters from `videos.batchGetStats`.
    described: Mutex<HashMap<String, VideoItem>>,
}

impl YoutubeAdapter {
    /// An adapter with an in-memory ledger sized from `cfg` and the system clock.
    pub fn new(cfg: &YoutubeConfig, http: &HttpConfig) -> Result<Self, reqwest::Error> {
        let ledger = Arc::new(InMemoryLedger::from_config(cfg));
        Self::with_ledger(cfg, http, ledger, Arc::new(SystemClock))
    }

    /// An adapter sharing `ledger` (e.g. one persisted in the store) and telling time by `clock`.
    pub fn with_ledger(
        cfg: &YoutubeConfig,
        http: &HttpConfig,
        ledger: Arc<dyn QuotaLedger>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, reqwest::Error> {
        Ok(YoutubeAdapter {
            client: ApiClient::new(Platform::Youtube, http, cfg.requests_per_second, cfg.burst)?,
            cfg: cfg.clone(),
            ledger,
            clock,
            settled: Mutex::new(HashSet::new()),
            schedule: SearchSchedule::from_config(cfg),
            last_search: Mutex::new(LastSearch::default()),
            recent_live: Mutex::new(HashMap::new()),
            fallback_cursor: AtomicUsize::new(0),
            described: Mutex::new(HashMap::new()),
        })
    }

    /// The ledger, for reports and tests.
    pub fn ledger(&self) -> &Arc<dyn QuotaLedger> {
        &self.ledger
    }

    fn api_call(&self, method: &str) -> Call {
        Call::get(format!(
            "{}/{method}",
            self.cfg.api_base.trim_end_matches('/')
        ))
        .header("Accept", "application/json")
    }

    fn refused(&self, url: String, why: QuotaRefusal) -> AdapterError {
        let now = self.clock.now();
        let until = match &why {
            QuotaRefusal::Exhausted { until } => *until,
            _ => quota::next_pacific_midnight(now),
        };
        tracing::debug!(platform = "youtube", url = %url, reason = ?why, "Quota ledger refused a YouTube call.");
        AdapterError::RateLimited {
            platform: Platform::Youtube,
            url,
            retry_after: (until - now).to_std().ok(),
        }
    }

    /// Price, send and vet one Data API call. Only 2xx answers come back.
    async fn api(&self, endpoint: Endpoint, call: Call) -> Result<Reply, AdapterError> {
        let call = call.secret_query("key", &self.cfg.api_key);
        let url = call.display_url();
        if let Err(why) = self.ledger.try_spend(endpoint, self.clock.now()) {
            return Err(self.refused(url, why));
        }
        let reply = self.client.send(&call).await?;
        let status = reply.status.as_u16();
        if (200..300).contains(&status) {
            return Ok(reply);
        }
        let err = parse_error(&reply.body);
        match err {
            Some(e) if e.is_quota_exhausted() => {
                tracing::warn!(
                    platform = "youtube",
                    endpoint = endpoint.as_str(),
                    "YouTube quota exhausted; no more calls until midnight Pacific time."
                );
                self.ledger.mark_exhausted(self.clock.now());
                let why = QuotaRefusal::Exhausted {
                    until: quota::next_pacific_midnight(self.clock.now()),
                };
                Err(self.refused(url, why))
            }
            Some(e) if e.is_rate_limited() => Err(AdapterError::RateLimited {
                platform: Platform::Youtube,
                url,
                retry_after: None,
            }),
            Some(e) if e.is_credentials() || status == 401 => {
                tracing::warn!(platform = "youtube", status, reasons = ?e.reasons, "YouTube rejected the API key or the API is not enabled for its project.");
                Err(AdapterError::Unauthorized {
                    platform: Platform::Youtube,
                })
            }
            Some(e) => Err(AdapterError::Api {
                platform: Platform::Youtube,
                url,
                code: e.code,
                message: format!("{} ({})", e.message, e.reasons.join(", ")),
            }),
            None => Err(AdapterError::Status {
                platform: Platform::Youtube,
                url,
                status,
            }),
        }
    }

    async fn channels_list(&self, call: Call) -> Result<Vec<ChannelItem>, AdapterError> {
        let call = call.query("part", "snippet,statistics,contentDetails");
        let url = call.display_url();
        let reply = self.api(Endpoint::Channels, call).await?;
        parse_channels(&reply.body).map_err(|e| e.at(Platform::Youtube, &url))
    }

    async fn videos_list(
        &self,
        ids: &[String],
        part: &str,
    ) -> Result<Vec<VideoItem>, AdapterError> {
        let mut out = Vec::new();
        for chunk in ids.chunks(MAX_IDS) {
            let call = self
                .api_call("videos")
                .query("part", part)
                .query("id", chunk.join(","))
                .query("maxResults", MAX_IDS);
            let url = call.display_url();
            let reply = self.api(Endpoint::Videos, call).await?;
            out.extend(parse_videos(&reply.body).map_err(|e| e.at(Platform::Youtube, &url))?);
        }
        Ok(out)
    }

    /// The live candidates of one channel from its feed, or why the feed gave none.
    ///
    /// Any answer that is not a feed (404, 5xx, an HTML page, garbage, no answer) is a fault,
    /// not "no videos": feeds answered 404 platform-wide for days in 2026, and a channel must
    /// not be reported offline because of it.
    async fn feed_candidates(
        &self,
        channel_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>, String> {
        let call = Call::get(format!(
            "{}/feeds/videos.xml",
            self.cfg.feeds_base.trim_end_matches('/')
        ))
        .query("channel_id", channel_id);
        let reply = match self.client.send(&call).await {
            Ok(r) => r,
            Err(e) => {
                tracing::debug!(platform = "youtube", channel_id, error = %e, "Channel feed unavailable; live state unknown.");
                return Err(format!("no answer ({})", e.kind()));
            }
        };
        let status = reply.status.as_u16();
        if !(200..300).contains(&status) {
            tracing::debug!(
                platform = "youtube",
                channel_id,
                status,
                "Channel feed answered an error; live state unknown."
            );
            return Err(format!("HTTP {status}"));
        }
        match parse_feed(&reply.body) {
            Ok(feed) => Ok(candidates(&feed, now)),
            Err(e) => {
                tracing::debug!(platform = "youtube", channel_id, error = %e, "Channel feed did not parse; live state unknown.");
                Err("not a feed".to_string())
            }
        }
    }

    /// The newest entries of a channel's uploads playlist (1 unit): the stand-in for a feed
    /// that failed. `None` when the call could not be made or failed.
    async fn playlist_candidates(
        &self,
        channel_id: &str,
        now: DateTime<Utc>,
    ) -> Option<Vec<String>> {
        let playlist = uploads_playlist(channel_id)?;
        let call = self
            .api_call("playlistItems")
            .query("part", "snippet,contentDetails")
            .query("playlistId", &playlist)
            .query("maxResults", CANDIDATES_PER_CHANNEL);
        let url = call.display_url();
        let reply = match self.api(Endpoint::PlaylistItems, call).await {
            Ok(r) => r,
            // playlistNotFound: no uploads, so nothing is live from it.
            Err(AdapterError::Api { code: 404, .. }) => return Some(Vec::new()),
            Err(e) => {
                tracing::debug!(platform = "youtube", channel_id, error = %e, "Uploads playlist unavailable; live state unknown.");
                return None;
            }
        };
        match parse_playlist_items(&reply.body) {
            Ok((entries, _)) => {
                let oldest = now - Duration::hours(CANDIDATE_MAX_AGE_HOURS);
                Some(
                    entries
                        .into_iter()
                        .filter(|e| e.published_at.is_none_or(|t| t >= oldest))
                        .take(CANDIDATES_PER_CHANNEL)
                        .map(|e| e.video_id)
                        .collect(),
                )
            }
            Err(e) => {
                tracing::warn!(platform = "youtube", url = %url, error = %e, "Uploads playlist did not parse; live state unknown.");
                None
            }
        }
    }

    /// The broadcast last seen live on `channel_id`, if recent.
    fn recent_live_of(&self, channel_id: &str, now: DateTime<Utc>) -> Option<String> {
        let recent = self.recent_live.lock().unwrap_or_else(|e| e.into_inner());
        recent
            .get(channel_id)
            .filter(|(_, at)| now - *at <= Duration::hours(CANDIDATE_MAX_AGE_HOURS))
            .map(|(vid, _)| vid.clone())
    }

    /// Remember the broadcasts seen live, per channel.
    fn remember_live<'a>(
        &self,
        live: impl IntoIterator<Item = &'a LiveBroadcast>,
        now: DateTime<Utc>,
    ) {
        let mut recent = self.recent_live.lock().unwrap_or_else(|e| e.into_inner());
        recent.retain(|_, (_, at)| now - *at <= Duration::hours(CANDIDATE_MAX_AGE_HOURS));
        for b in live {
            if let Some(vid) = &b.broadcast_id {
                recent.insert(b.channel_id.as_str().to_string(), (vid.clone(), now));
            }
        }
    }

    /// Figures and live state of any number of channels: `ceil(N/50)` `channels.list`, one feed
    /// per found channel, then `ceil(K/50)` `videos.list` over the K candidates of all of them.
    async fn observe(&self, ids: &[ChannelId]) -> Result<ChannelsOutcome, AdapterError> {
        let mut outcome = ChannelsOutcome::default();
        let items = self.channel_figures(ids, &mut outcome.missing).await?;
        let now = self.clock.now();
        let (mut per_channel, failed) = self.feeds(&items, now).await;
        self.second_sources(&items, &failed, &mut per_channel, now)
            .await;
        let all = self.unsettled(&per_channel);
        let live = self.live_check(&all, now).await?;
        for (item, cands) in items.into_iter().zip(per_channel) {
            let state = match (&live, cands) {
                (Some(live), Some(_)) => match live_state_of(live, item.info.channel_id.as_str()) {
                    LiveState::Live(mut b) => {
                        b.channel_name = b.channel_name.or_else(|| Some(item.info.name.clone()));
                        b.channel_avatar_url = item.info.avatar_url.clone();
                        LiveState::Live(b)
                    }
                    other => other,
                },
                _ => LiveState::Unknown,
            };
            outcome.found.push(ChannelObservation {
                info: item.info,
                stats: item.stats,
                live: state,
            });
        }
        Ok(outcome)
    }

    /// The channels of `ids` that exist, `MAX_IDS` a `channels.list`; the others go to `missing`.
    async fn channel_figures(
        &self,
        ids: &[ChannelId],
        missing: &mut Vec<ChannelId>,
    ) -> Result<Vec<ChannelItem>, AdapterError> {
        let mut items: Vec<ChannelItem> = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(MAX_IDS) {
            let joined: Vec<&str> = chunk.iter().map(ChannelId::as_str).collect();
            let found = self
                .channels_list(
                    self.api_call("channels")
                        .query("id", joined.join(","))
                        .query("maxResults", MAX_IDS),
                )
                .await?;
            let known: HashSet<&str> = found.iter().map(|c| c.info.channel_id.as_str()).collect();
            missing.extend(
                chunk
                    .iter()
                    .filter(|id| !known.contains(id.as_str()))
                    .cloned(),
            );
            items.extend(found);
        }
        Ok(items)
    }

    /// Each channel's live candidates from its feed (`None` where the feed failed), and the
    /// indices of the channels whose feed failed. Feeds: zero quota, one GET per channel.
    async fn feeds(
        &self,
        items: &[ChannelItem],
        now: DateTime<Utc>,
    ) -> (Vec<Option<Vec<String>>>, Vec<usize>) {
        let mut per_channel: Vec<Option<Vec<String>>> = Vec::with_capacity(items.len());
        let (mut feeds_ok, mut feed_faults, mut last_fault) = (0u64, 0u64, None);
        let mut failed: Vec<usize> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match self
                .feed_candidates(item.info.channel_id.as_str(), now)
                .await
            {
                Ok(c) => {
                    feeds_ok += 1;
                    per_channel.push(Some(c));
                }
                Err(fault) => {
                    feed_faults += 1;
                    last_fault = Some(fault);
                    failed.push(i);
                    per_channel.push(None);
                }
            }
        }
        if feeds_ok + feed_faults > 0 {
            self.ledger
                .record_feeds(feeds_ok, feed_faults, last_fault.as_deref(), now);
        }
        if feed_faults > 0 {
            tracing::warn!(
                platform = "youtube",
                failed = feed_faults,
                of = feeds_ok + feed_faults,
                last = last_fault.as_deref().unwrap_or(""),
                "Channel feeds failed; their channels' live state comes from other sources or stays unknown."
            );
        }
        (per_channel, failed)
    }

    /// Second sources for the channels whose feed failed: the broadcast last seen live on it
    /// (checked in the same videos.list), and for a few of them the uploads playlist.
    /// The playlist look costs a unit per channel: during a long outage it must not eat the
    /// bucket the figures and live checks need, so it stops once half the day's units are gone.
    async fn second_sources(
        &self,
        items: &[ChannelItem],
        failed: &[usize],
        per_channel: &mut [Option<Vec<String>>],
        now: DateTime<Utc>,
    ) {
        let snap = self.ledger.snapshot(now);
        let mut fallback_left = if snap.units_used * 2 < self.ledger.allowance(Bucket::Main) {
            self.cfg.feed_fallback_per_call
        } else {
            0
        };
        let start = self
            .fallback_cursor
            .fetch_add(fallback_left, Ordering::Relaxed);
        let n_failed = failed.len();
        for k in 0..n_failed {
            let i = failed[(start + k) % n_failed];
            let channel = items[i].info.channel_id.as_str().to_string();
            let mut cands: Option<Vec<String>> = None;
            if fallback_left > 0 {
                fallback_left -= 1;
                cands = self.playlist_candidates(&channel, now).await;
            }
            if let Some(vid) = self.recent_live_of(&channel, now) {
                let c = cands.get_or_insert_with(Vec::new);
                if !c.contains(&vid) {
                    c.push(vid);
                }
            }
            per_channel[i] = cands;
        }
    }

    /// Every candidate not known settled, once.
    fn unsettled(&self, per_channel: &[Option<Vec<String>>]) -> Vec<String> {
        let settled = self.settled.lock().unwrap_or_else(|e| e.into_inner());
        let mut seen = HashSet::new();
        per_channel
            .iter()
            .flatten()
            .flatten()
            .filter(|id| !settled.contains(*id) && seen.insert((*id).clone()))
            .cloned()
            .collect()
    }

    /// The broadcasts live among `all` by channel (one `videos.list` per 50); `None` when out of
    /// quota for it.
    async fn live_check(
        &self,
        all: &[String],
        now: DateTime<Utc>,
    ) -> Result<Option<Vec<(String, LiveBroadcast)>>, AdapterError> {
        if all.is_empty() {
            return Ok(Some(Vec::new()));
        }
        match self
            .videos_list(all, "snippet,liveStreamingDetails,statistics")
            .await
        {
            Ok(videos) => {
                self.settle(&videos);
                let live = live_by_channel(&videos);
                self.remember_live(live.iter().map(|(_, b)| b), now);
                Ok(Some(live))
            }
            // Out of quota for the live check: keep the channel figures, live unknown.
            Err(e @ AdapterError::RateLimited { .. }) => {
                tracing::warn!(platform = "youtube", error = %e, "No quota for the live check; live state unknown this round.");
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// Remember videos that can never be live again (ended broadcasts, plain uploads), so later
    /// live checks skip them: only new, upcoming and live videos cost units.
    fn settle(&self, videos: &[VideoItem]) {
        let mut settled = self.settled.lock().unwrap_or_else(|e| e.into_inner());
        if settled.len() > MAX_SETTLED {
            settled.clear();
        }
        for v in videos {
            let upcoming = v.live_broadcast_content.as_deref() == Some("upcoming");
            if !v.is_live() && !upcoming && (v.actual_end.is_some() || !v.has_live_details) {
                settled.insert(v.video_id.clone());
            }
        }
    }
}

/// The newest few, recent entries of a feed: the videos that may be live now.
pub fn candidates(feed: &Feed, now: DateTime<Utc>) -> Vec<String> {
    let oldest = now - Duration::hours(CANDIDATE_MAX_AGE_HOURS);
    feed.entries
        .iter()
        .filter(|e| e.updated.or(e.published).is_none_or(|t| t >= oldest))
        .take(CANDIDATES_PER_CHANNEL)
        .map(|e| e.video_id.clone())
        .collect()
}

#[async_trait]
impl PlatformAdapter for YoutubeAdapter {
    fn platform(&self) -> Platform {
        Platform::Youtube
    }

    fn parse_channel_ref(&self, input: &str) -> Option<ChannelRef> {
        parse_channel_ref(input)
    }

    fn batch_size(&self) -> usize {
        MAX_IDS
    }

    async fn resolve(&self, channel: &ChannelRef) -> Result<Option<ChannelInfo>, AdapterError> {
        let found = match &channel.kind {
            RefKind::Id(id) => {
                self.channels_list(self.api_call("channels").query("id", id.as_str()))
                    .await?
            }
            RefKind::Handle(h) => {
                let h = h.trim();
                let by_handle = self
                    .channels_list(self.api_call("channels").query("forHandle", h))
                    .await?;
                if by_handle.is_empty() && !h.starts_with('@') {
                    // A legacy `/user/` name.
                    self.channels_list(self.api_call("channels").query("forUsername", h))
                        .await?
                } else {
                    by_handle
                }
            }
        };
        Ok(found.into_iter().next().map(|c| c.info))
    }

    async fn top_live(&self) -> Result<Vec<LiveBroadcast>, AdapterError> {
        Ok(self.search_live().await?.unwrap_or_default())
    }

    async fn live_list(&self) -> Result<LiveList, AdapterError> {
        let now = self.clock.now();
        let used = self.ledger.snapshot(now).search_calls_used;
        let (last, retry_empty) = {
            let l = self.last_search.lock().unwrap_or_else(|e| e.into_inner());
            (l.at, l.at.is_some() && l.ids.is_empty() && !l.retried_empty)
        };
        if retry_empty || self.schedule.due(now, last, used) {
            if let Some(list) = self.search_live().await? {
                return Ok(LiveList::Fetched(list));
            }
        }
        self.refresh_last_search().await
    }

    async fn channels(&self, ids: &[ChannelId]) -> Result<ChannelsOutcome, AdapterError> {
        self.observe(ids).await
    }

    async fn videos(&self, id: &ChannelId) -> Result<Vec<VideoObservation>, AdapterError> {
        self.channel_videos(id).await
    }

    fn http_stats(&self) -> Arc<HttpStats> {
        self.client.stats()
    }
}

impl YoutubeAdapter {
    /// One `search.list` for the most watched lives, then `videos.list` for their viewers.
    /// `None` when the ledger has no allowance for both (no call is made) or YouTube said the
    /// quota is spent: no new list, which is not an empty one.
    async fn search_live(&self) -> Result<Option<Vec<LiveBroadcast>>, AdapterError> {
        let depth = self.cfg.live_list_depth.limit().clamp(1, MAX_IDS);
        // Ask the ledger for both calls first: a search without the follow-up is wasted.
        let snapshot = self.ledger.snapshot(self.clock.now());
        if self.cfg.search_daily_calls == 0
            || snapshot.blocked_until.is_some()
            || snapshot.search_calls_used >= self.ledger.allowance(Bucket::Search)
            || snapshot.units_used + Endpoint::Videos.units() > self.ledger.allowance(Bucket::Main)
        {
            return Ok(None);
        }
        let call = self
            .api_call("search")
            .query("part", "snippet")
            .query("type", "video")
            .query("eventType", "live")
            .query("regionCode", "KR")
            .query("relevanceLanguage", "ko")
            .query("order", "viewCount")
            .query("maxResults", depth);
        let url = call.display_url();
        let reply = match self.api(Endpoint::Search, call).await {
            Ok(r) => r,
            // The day's allowance is spent (our ledger, or YouTube's quotaExceeded): not asking
            // is the plan, not a failure. A 429 from YouTube itself is a failure, and shows.
            Err(AdapterError::RateLimited { .. })
                if self
                    .ledger
                    .snapshot(self.clock.now())
                    .blocked_until
                    .is_some() =>
            {
                return Ok(None)
            }
            Err(e) => return Err(e),
        };
        let now = self.clock.now();
        let (hits, _) = parse_search(&reply.body).map_err(|e| e.at(Platform::Youtube, &url))?;
        let ids: Vec<String> = hits
            .iter()
            .filter(|h| h.live)
            .map(|h| h.video_id.clone())
            .collect();
        let mut out = if ids.is_empty() {
            Vec::new()
        } else {
            let videos = self
                .videos_list(&ids, "snippet,liveStreamingDetails,statistics")
                .await?;
            videos
                .iter()
                .filter_map(VideoItem::live_broadcast)
                .collect::<Vec<_>>()
        };
        out.sort_by_key(|b| std::cmp::Reverse(b.viewers));
        out.truncate(depth);
        self.remember_live(&out, now);
        let mut last = self.last_search.lock().unwrap_or_else(|e| e.into_inner());
        let was_empty = last.at.is_some() && last.ids.is_empty();
        *last = LastSearch {
            at: Some(now),
            ids: out.iter().filter_map(|b| b.broadcast_id.clone()).collect(),
            retried_empty: was_empty && out.is_empty(),
        };
        drop(last);
        Ok(Some(out))
    }

    /// Between searches: the last search's broadcasts with fresh viewers and state (one
    /// `videos.list` per 50, main bucket). Those no longer live drop out, as they would from a
    /// search. With no search yet or no allowance, "no new list".
    async fn refresh_last_search(&self) -> Result<LiveList, AdapterError> {
        let (at, ids) = {
            let last = self.last_search.lock().unwrap_or_else(|e| e.into_inner());
            (last.at, last.ids.clone())
        };
        if at.is_none() {
            return Ok(LiveList::NotFetched {
                reason: "no search allowance left today and no earlier search to refresh".into(),
            });
        }
        if ids.is_empty() {
            return Ok(LiveList::NotFetched {
                reason: "the last search found nothing live; waiting for the next one".into(),
            });
        }
        let no_quota = || LiveList::NotFetched {
            reason: "no quota left for refreshing the last search".into(),
        };
        let calls = ids.len().div_ceil(MAX_IDS) as u64;
        let snap = self.ledger.snapshot(self.clock.now());
        if snap.blocked_until.is_some()
            || snap.units_used + calls * Endpoint::Videos.units()
                > self.ledger.allowance(Bucket::Main)
        {
            return Ok(no_quota());
        }
        let videos = match self
            .videos_list(&ids, "snippet,liveStreamingDetails,statistics")
            .await
        {
            Ok(v) => v,
            // YouTube's quotaExceeded (the ledger is now blocked) is the plan running out; a
            // 429 or any other failure of the platform is a failure, and shows.
            Err(AdapterError::RateLimited { .. })
                if self
                    .ledger
                    .snapshot(self.clock.now())
                    .blocked_until
                    .is_some() =>
            {
                return Ok(no_quota())
            }
            Err(e) => return Err(e),
        };
        let now = self.clock.now();
        self.settle(&videos);
        let mut out: Vec<LiveBroadcast> = videos
            .iter()
            .filter_map(VideoItem::live_broadcast)
            .collect();
        out.sort_by_key(|b| std::cmp::Reverse(b.viewers));
        self.remember_live(&out, now);
        let mut last = self.last_search.lock().unwrap_or_else(|e| e.into_inner());
        if last.at == at {
            last.ids = out.iter().filter_map(|b| b.broadcast_id.clone()).collect();
        }
        Ok(LiveList::Fetched(out))
    }

    /// Recent videos of one channel, newest first.
    async fn channel_videos(&self, id: &ChannelId) -> Result<Vec<VideoObservation>, AdapterError> {
        let Some(playlist) = uploads_playlist(id.as_str()) else {
            return Ok(Vec::new());
        };
        let n = self.cfg.videos_per_channel.clamp(1, MAX_IDS);
        let call = self
            .api_call("playlistItems")
            .query("part", "snippet,contentDetails")
            .query("playlistId", &playlist)
            .query("maxResults", n);
        let url = call.display_url();
        let reply = match self.api(Endpoint::PlaylistItems, call).await {
            Ok(r) => r,
            // playlistNotFound: a channel without uploads.
            Err(AdapterError::Api { code: 404, .. }) => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let (entries, _) =
            parse_playlist_items(&reply.body).map_err(|e| e.at(Platform::Youtube, &url))?;
        let ids: Vec<String> = entries.iter().take(n).map(|e| e.video_id.clone()).collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let items = self.described_videos(&ids).await?;
        // In playlist order (newest first); videos the API no longer serves are dropped.
        Ok(ids
            .iter()
            .filter_map(|vid| items.iter().find(|v| &v.video_id == vid))
            .map(|v| v.observation(id.as_str()))
            .collect())
    }

    /// Full descriptions of `ids`: videos already described (and settled: they will not change
    /// kind) get fresh counters from `videos.batchGetStats` (its own bucket), the others, and
    /// all of them when that call cannot be made, come from `videos.list` (main bucket).
    async fn described_videos(&self, ids: &[String]) -> Result<Vec<VideoItem>, AdapterError> {
        let (known, new): (Vec<VideoItem>, Vec<String>) = {
            let described = self.described.lock().unwrap_or_else(|e| e.into_inner());
            let mut known = Vec::new();
            let mut new = Vec::new();
            for id in ids {
                match described.get(id) {
                    Some(v) => known.push(v.clone()),
                    None => new.push(id.clone()),
                }
            }
            (known, new)
        };
        let mut out = Vec::with_capacity(ids.len());
        let mut full: Vec<String> = new;
        if !known.is_empty() {
            match self.batch_stats(&known).await {
                Some(fresh) => out.extend(fresh),
                None => full.extend(known.iter().map(|v| v.video_id.clone())),
            }
        }
        if !full.is_empty() {
            let items = self
                .videos_list(
                    &full,
                    "snippet,contentDetails,statistics,liveStreamingDetails",
                )
                .await?;
            let mut described = self.described.lock().unwrap_or_else(|e| e.into_inner());
            if described.len() > MAX_DESCRIBED {
                described.clear();
            }
            for v in &items {
                let upcoming = v.live_broadcast_content.as_deref() == Some("upcoming");
                if !v.is_live() && !upcoming {
                    described.insert(v.video_id.clone(), v.clone());
                }
            }
            out.extend(items);
        }
        Ok(out)
    }

    /// Counters of described videos from `videos.batchGetStats` (50 ids a call). `None` when
    /// the bucket is off, spent or the call failed: the caller falls back to `videos.list`.
    async fn batch_stats(&self, known: &[VideoItem]) -> Option<Vec<VideoItem>> {
        if self.cfg.stats_daily_calls == 0 {
            return None;
        }
        let mut out = Vec::with_capacity(known.len());
        for chunk in known.chunks(MAX_IDS) {
            let ids: Vec<&str> = chunk.iter().map(|v| v.video_id.as_str()).collect();
            let call = self
                .api_call("videos:batchGetStats")
                .query("part", "statistics")
                .query("id", ids.join(","));
            let url = call.display_url();
            let reply = match self.api(Endpoint::BatchGetStats, call).await {
                Ok(r) => r,
                Err(e) => {
                    tracing::debug!(platform = "youtube", error = %e, "videos.batchGetStats unavailable; using videos.list.");
                    return None;
                }
            };
            let stats = match parse_videos(&reply.body) {
                Ok(s) => s,
                Err(e) => {
                    tracing::warn!(platform = "youtube", url = %url, error = %e, "videos.batchGetStats answer did not parse; using videos.list.");
                    return None;
                }
            };
            for v in chunk {
                // Absent from the answer: no longer served (deleted, private), as with videos.list.
                if let Some(s) = stats.iter().find(|s| s.video_id == v.video_id) {
                    let mut v = v.clone();
                    v.views = s.views;
                    v.likes = s.likes;
                    v.comments = s.comments;
                    out.push(v);
                }
            }
        }
        Some(out)
    }
}
