//! The official CHZZK Open API (`openapi.chzzk.naver.com`), client-authenticated.
//!
//! Every call carries `Client-Id` and `Client-Secret` headers (the app's credentials from
//! developers.chzzk.naver.com) and `Content-Type: application/json`, as chzzkpy's
//! `ChzzkOpenAPISession` does. Endpoints used:
//! - `GET /open/v1/lives?size=20[&next=]`: every current live, viewers desc, 20 a page, with an
//!   opaque `page.next` cursor.
//! - `GET /open/v1/channels?channelIds=a,b,...`: up to 20 channels a call with `followerCount`;
//!   unknown ids are left out.
//!
//! A wrong secret answers 401 (or 403); both, and an envelope code 401/403, are
//! [`AdapterError::Unauthorized`], which names the platform only: the credentials go in headers
//! and never reach a URL, an error or a log line.

use std::collections::HashMap;

use streamtide_core::{ChannelId, LiveBroadcast, Platform};

use super::open_parse::{
    parse_open_channels, parse_open_lives, OpenChannel, OPEN_CHANNELS_MAX_IDS, OPEN_LIVES_MAX_PAGE,
};
use super::parse::envelope_code;
use crate::config::{ApiSource, ChzzkConfig};
use crate::http::{ApiClient, Call, Reply};
use crate::{AdapterError, ListRead, PageSink, Secret};

/// Most pages one walk of the whole live list reads (20 lives a page: 20,000 lives, several
/// times CHZZK's busiest hour). A list longer than this is reported as not fully read.
const MAX_WALK_PAGES: usize = 1_000;

/// The configuration keys the Open API needs, for messages (never their values).
pub const CREDENTIAL_KEYS: [&str; 2] =
    ["platforms.chzzk.client_id", "platforms.chzzk.client_secret"];

/// The credential keys that are missing from `cfg` (empty when both are set).
pub fn missing_credentials(cfg: &ChzzkConfig) -> Vec<&'static str> {
    let mut missing = Vec::new();
    if cfg.client_id.trim().is_empty() {
        missing.push(CREDENTIAL_KEYS[0]);
    }
    if !cfg.client_secret.is_set() {
        missing.push(CREDENTIAL_KEYS[1]);
    }
    missing
}

/// Whether `cfg` sends the live list and channel figures through the Open API: always for
/// `open_api`, for `auto` when both credentials are set, never for `web`.
pub fn uses_open_api(cfg: &ChzzkConfig) -> bool {
    match cfg.source {
        ApiSource::OpenApi => true,
        ApiSource::Auto => missing_credentials(cfg).is_empty(),
        ApiSource::Web => false,
    }
}

/// The whole live list as one walk read it.
#[derive(Debug, Default)]
pub struct LiveWalk {
    /// Each live channel's broadcast, by channel id.
    pub by_channel: HashMap<String, LiveBroadcast>,
    /// Whether the walk reached the last page: only then does absence mean "not live".
    pub complete: bool,
}

/// The Open API's host and credentials.
#[derive(Debug, Clone)]
pub struct OpenApi {
    base: String,
    client_id: String,
    client_secret: Secret,
}

impl OpenApi {
    pub fn new(cfg: &ChzzkConfig) -> OpenApi {
        OpenApi {
            base: cfg.open_api_base.trim_end_matches('/').to_string(),
            client_id: cfg.client_id.trim().to_string(),
            client_secret: cfg.client_secret.clone(),
        }
    }

    fn call(&self, path: &str) -> Call {
        Call::get(format!("{}{path}", self.base))
            .header("Client-Id", self.client_id.clone())
            .header("Client-Secret", self.client_secret.expose().to_string())
            .header("Content-Type", "application/json")
    }

    /// Send; 401/403 (by status or envelope code) are rejected credentials, and a call made
    /// without credentials is refused before it leaves (`open_api` with a key missing).
    async fn fetch(&self, client: &ApiClient, call: &Call) -> Result<Reply, AdapterError> {
        let unauthorized = AdapterError::Unauthorized {
            platform: Platform::Chzzk,
        };
        if self.client_id.is_empty() || !self.client_secret.is_set() {
            return Err(unauthorized);
        }
        let reply = client.send(call).await?;
        match reply.status.as_u16() {
            401 | 403 => Err(unauthorized),
            200..=299 | 400 | 404 => match envelope_code(&reply.body) {
                Some(401 | 403) => Err(unauthorized),
                _ => Ok(reply),
            },
            status => Err(AdapterError::Status {
                platform: Platform::Chzzk,
                url: call.display_url(),
                status,
            }),
        }
    }

    /// One page of the live list.
    async fn lives_page(
        &self,
        client: &ApiClient,
        size: usize,
        next: Option<&str>,
    ) -> Result<(Vec<LiveBroadcast>, Option<String>), AdapterError> {
        let mut call = self
            .call("/open/v1/lives")
            .query("size", size.clamp(1, OPEN_LIVES_MAX_PAGE));
        if let Some(n) = next {
            call = call.query("next", n);
        }
        let reply = self.fetch(client, &call).await?;
        parse_open_lives(&reply.body).map_err(|e| e.at(Platform::Chzzk, &call.display_url()))
    }

    /// The most watched lives, up to `depth`, following `next` (⌈depth/20⌉ calls at most), and
    /// whether the read reached the list's last page; each page goes to `pages` as it comes.
    pub async fn top_lives(
        &self,
        client: &ApiClient,
        depth: usize,
        pages: &PageSink,
    ) -> (ListRead, bool) {
        let mut out: Vec<LiveBroadcast> = Vec::new();
        let mut next: Option<String> = None;
        let mut to_the_end = false;
        while out.len() < depth {
            let want = (depth - out.len()).min(OPEN_LIVES_MAX_PAGE);
            let (items, cursor) = match self.lives_page(client, want, next.as_deref()).await {
                Ok(page) => page,
                Err(e) => return (ListRead::cut_short(out, e), false),
            };
            let got = items.len();
            pages.send(&items[..got.min(depth - out.len())]);
            out.extend(items);
            // A cursor that does not move would loop forever; stop instead.
            if got == 0 || cursor.is_none() {
                to_the_end = true;
                break;
            }
            if cursor == next {
                break;
            }
            next = cursor;
        }
        out.truncate(depth);
        (ListRead::whole(out), to_the_end)
    }

    /// Read the whole live list (what tells which tracked channels are live: the Open API has no
    /// per-channel status). A failing page ends the walk early, marked incomplete; only an
    /// authorization failure is an error, since nothing else would work either.
    pub async fn walk_lives(&self, client: &ApiClient) -> Result<LiveWalk, AdapterError> {
        let mut walk = LiveWalk::default();
        let mut next: Option<String> = None;
        for page in 0..MAX_WALK_PAGES {
            let (items, cursor) = match self
                .lives_page(client, OPEN_LIVES_MAX_PAGE, next.as_deref())
                .await
            {
                Ok(page) => page,
                Err(e @ AdapterError::Unauthorized { .. }) => return Err(e),
                Err(e) => {
                    tracing::warn!(platform = "chzzk", error = %e, pages_read = page, "CHZZK Open API live list walk stopped early; live state of channels not seen is unknown this round.");
                    return Ok(walk);
                }
            };
            let got = items.len();
            for b in items {
                // A channel listed twice (the list moved while paging) keeps its first entry.
                walk.by_channel
                    .entry(b.channel_id.as_str().to_string())
                    .or_insert(b);
            }
            if got == 0 || cursor.is_none() {
                walk.complete = true;
                return Ok(walk);
            }
            if cursor == next {
                return Ok(walk);
            }
            next = cursor;
        }
        Ok(walk)
    }

    /// Name, image and followers of up to 20 channels in one call; ids not returned are unknown
    /// to CHZZK.
    pub async fn channels(
        &self,
        client: &ApiClient,
        ids: &[ChannelId],
    ) -> Result<Vec<OpenChannel>, AdapterError> {
        debug_assert!(ids.len() <= OPEN_CHANNELS_MAX_IDS);
        let joined = ids
            .iter()
            .map(|id| id.as_str())
            .collect::<Vec<_>>()
            .join(",");
        let call = self.call("/open/v1/channels").query("channelIds", joined);
        let reply = self.fetch(client, &call).await?;
        parse_open_channels(&reply.body).map_err(|e| e.at(Platform::Chzzk, &call.display_url()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_source_decides_and_auto_needs_both_credentials() {
        let mut cfg = ChzzkConfig::default();
        assert_eq!(cfg.source, ApiSource::Auto);
        assert!(
            !uses_open_api(&cfg),
            "auto without credentials is the web API"
        );
        assert_eq!(missing_credentials(&cfg), CREDENTIAL_KEYS.to_vec());
        cfg.client_id = "id".into();
        assert!(!uses_open_api(&cfg), "an id alone is not enough");
        assert_eq!(
            missing_credentials(&cfg),
            vec!["platforms.chzzk.client_secret"]
        );
        cfg.client_secret = Secret::new("s");
        assert!(uses_open_api(&cfg));
        cfg.source = ApiSource::Web;
        assert!(!uses_open_api(&cfg), "web never uses it");
        let mut open = ChzzkConfig {
            source: ApiSource::OpenApi,
            ..ChzzkConfig::default()
        };
        assert!(
            uses_open_api(&open),
            "open_api is chosen even before its keys are checked"
        );
        open.client_id = "  ".into();
        assert_eq!(missing_credentials(&open).len(), 2, "a blank id is missing");
    }
}
