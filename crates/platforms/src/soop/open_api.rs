//! The live list through SOOP's official Open API.
//!
//! `GET {open_api_base}/broad/list?client_id=..&order_type=view_cnt&page_no=N` gives the live
//! list sorted by viewers, 60 a page, with `total_cnt`; its items have the category number but
//! not its name, so `GET /broad/category/list?client_id=..&locale=ko_KR` is read once every
//! [`NAMES_TTL`] to name them (a failure there leaves names unknown and the list intact). The
//! `client_id` is a [`Secret`] sent as a secret query parameter: every URL shown says
//! `client_id=<redacted>`, and an error message from SOOP is scrubbed of it before it is logged.
//!
//! SOOP documents its error answer only as `{result: <= 0, msg}` (no code table). Our queries
//! are fixed and valid, so the one input it can refuse is the `client_id`: such an answer (or a
//! 401/403) is reported as [`AdapterError::Unauthorized`], which `/healthz` and the log show as
//! "credentials rejected by soop".

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use streamtide_core::{ChannelId, LiveBroadcast, Platform};

use super::open_parse::{parse_open_broad_list, parse_open_categories};
use super::{Host, SoopAdapter, LIST_PAGE_SIZE};
use crate::config::{ApiSource, SoopConfig};
use crate::{AdapterError, ListRead, PageSink, ParseFailure, Secret};

/// How long the category names are kept before they are read again.
pub(super) const NAMES_TTL: Duration = Duration::from_secs(6 * 3600);

/// The configuration key of the id, for messages (never its value).
const CLIENT_ID_KEY: &str = "platforms.soop.client_id";

/// Whether the live list comes from the Open API: always with `open_api` (a missing id is then
/// a configuration error, see [`config_problem`]), with `auto` when `client_id` is set, never
/// with `web`.
pub fn uses_open_api(cfg: &SoopConfig) -> bool {
    match cfg.source {
        ApiSource::OpenApi => true,
        ApiSource::Auto => cfg.client_id.is_set(),
        ApiSource::Web => false,
    }
}

/// What is wrong with the SOOP source settings, naming the keys (never a value).
pub fn config_problem(cfg: &SoopConfig) -> Option<String> {
    (cfg.enabled && cfg.source == ApiSource::OpenApi && !cfg.client_id.is_set()).then(|| {
        format!(
            "platforms.soop.source = \"open_api\" needs {CLIENT_ID_KEY} (or STREAMTIDE__PLATFORMS__SOOP__CLIENT_ID); set it, or use source = \"auto\" or \"web\""
        )
    })
}

/// Category number → name, and when it was read.
type Names = (Instant, Arc<HashMap<String, String>>);

pub(super) struct OpenApi {
    host: Host,
    client_id: Secret,
    names: Mutex<Option<Names>>,
}

impl OpenApi {
    pub(super) fn new(cfg: &SoopConfig) -> OpenApi {
        OpenApi {
            host: Host::new(&cfg.open_api_base, &cfg.open_api_fallback_base),
            client_id: cfg.client_id.clone(),
            names: Mutex::new(None),
        }
    }

    fn fresh_names(&self) -> Option<Arc<HashMap<String, String>>> {
        let names = self.names.lock().unwrap_or_else(|e| e.into_inner());
        names
            .as_ref()
            .filter(|(at, _)| at.elapsed() < NAMES_TTL)
            .map(|(_, n)| Arc::clone(n))
    }

    /// `message` with the id replaced: SOOP's error text might quote what it refused.
    fn scrub(&self, message: &str) -> String {
        let id = self.client_id.expose().trim();
        if id.is_empty() {
            message.to_string()
        } else {
            message.replace(id, "<redacted>")
        }
    }
}

impl SoopAdapter {
    /// GET an Open API path; a refusal of the id becomes [`AdapterError::Unauthorized`].
    async fn open_get<T>(
        &self,
        open: &OpenApi,
        path: &str,
        query: &[(&str, String)],
        parse: impl Fn(&[u8]) -> Result<T, ParseFailure>,
    ) -> Result<T, AdapterError> {
        if !open.client_id.is_set() {
            tracing::error!(
                platform = "soop",
                key = CLIENT_ID_KEY,
                "SOOP is set to the Open API but has no client id."
            );
            return Err(AdapterError::Unauthorized {
                platform: Platform::Soop,
            });
        }
        let (reply, url) = self
            .fetch_as(&open.host, path, query, Some(&open.client_id))
            .await
            .inspect_err(|e| {
                if matches!(e, AdapterError::Unauthorized { .. }) {
                    tracing::warn!(
                        platform = "soop",
                        key = CLIENT_ID_KEY,
                        "SOOP's Open API refused the client id (HTTP 401/403)."
                    );
                }
            })?;
        match parse(&reply.body) {
            Ok(v) => Ok(v),
            Err(ParseFailure::Api { code, message }) => {
                tracing::warn!(platform = "soop", key = CLIENT_ID_KEY, code, message = %open.scrub(&message), url = %url,
                    "SOOP's Open API refused the client id; check it at developers.sooplive.com.");
                Err(AdapterError::Unauthorized {
                    platform: Platform::Soop,
                })
            }
            Err(e) => Err(e.at(Platform::Soop, &url)),
        }
    }

    /// The live list from `/broad/list`, up to `live_list_depth`, with category names.
    /// Each page goes to `pages` as it comes, named already: the names are read first.
    pub(super) async fn open_top_live(&self, open: &OpenApi, pages: &PageSink) -> ListRead {
        let names = self.category_names(open).await;
        let mut out: Vec<LiveBroadcast> = Vec::new();
        let mut dropped = 0usize;
        let mut page = 1usize;
        let mut listed_ids: HashSet<ChannelId> = HashSet::new();
        let mut cut_short = None;
        while self.cfg.live_list_depth.wants_more(out.len()) {
            let query = [
                ("order_type", "view_cnt".to_string()),
                ("page_no", page.to_string()),
            ];
            let got = match self
                .open_get(open, "/broad/list", &query, parse_open_broad_list)
                .await
            {
                Ok(got) => got,
                Err(e) => {
                    // The pages read still get their category names below.
                    cut_short = Some(e);
                    break;
                }
            };
            // Each page's dropped items were logged and counted as it was decoded.
            dropped += got.dropped;
            // Pages can shift while we read them (viewers change); keep the first sighting.
            let had = out.len();
            for mut item in got.items {
                if listed_ids.insert(item.channel_id.clone()) {
                    if let (None, Some(names)) = (&item.category_name, &names) {
                        item.category_name = item
                            .category_id
                            .as_ref()
                            .and_then(|c| names.get(c).cloned());
                    }
                    out.push(item);
                }
            }
            let depth = self.cfg.live_list_depth.limit();
            pages.send(&out[had.min(depth)..out.len().min(depth)]);
            let listed = got.total_cnt.unwrap_or(u64::MAX);
            if got.served < LIST_PAGE_SIZE || (page * LIST_PAGE_SIZE) as u64 >= listed {
                break;
            }
            page += 1;
        }
        out.truncate(self.cfg.live_list_depth.limit());
        if dropped > 0 {
            tracing::debug!(
                platform = "soop",
                dropped,
                kept = out.len(),
                "SOOP Open API list read with items skipped."
            );
        }
        ListRead {
            items: out,
            cut_short,
        }
    }

    /// The category names, read again when older than [`NAMES_TTL`]; `None` when they cannot
    /// be had (the names stay unknown, the list is not failed for them).
    async fn category_names(&self, open: &OpenApi) -> Option<Arc<HashMap<String, String>>> {
        if let Some(names) = open.fresh_names() {
            return Some(names);
        }
        let query = [("locale", "ko_KR".to_string())];
        match self
            .open_get(open, "/broad/category/list", &query, parse_open_categories)
            .await
        {
            Ok(names) => {
                let names = Arc::new(names);
                *open.names.lock().unwrap_or_else(|e| e.into_inner()) =
                    Some((Instant::now(), Arc::clone(&names)));
                Some(names)
            }
            Err(e) => {
                tracing::warn!(platform = "soop", error = %e, "SOOP Open API categories unavailable; category names stay unknown.");
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_choice_and_missing_id() {
        let mut cfg = SoopConfig::default();
        assert!(!uses_open_api(&cfg), "auto without an id: the web API");
        assert_eq!(config_problem(&cfg), None);
        cfg.client_id = Secret::new("app-id-123");
        assert!(uses_open_api(&cfg), "auto with an id: the Open API");
        cfg.source = ApiSource::Web;
        assert!(!uses_open_api(&cfg));
        cfg.source = ApiSource::OpenApi;
        assert!(uses_open_api(&cfg));
        assert_eq!(config_problem(&cfg), None);
        cfg.client_id = Secret::new("  ");
        let problem = config_problem(&cfg).unwrap();
        assert!(problem.contains("platforms.soop.client_id"), "{problem}");
        cfg.enabled = false;
        assert_eq!(
            config_problem(&cfg),
            None,
            "a disabled platform needs nothing"
        );
    }

    #[test]
    fn refusal_messages_are_scrubbed_of_the_id() {
        let cfg = SoopConfig {
            client_id: Secret::new("app-id-123"),
            ..SoopConfig::default()
        };
        let open = OpenApi::new(&cfg);
        assert_eq!(
            open.scrub("invalid client_id app-id-123"),
            "invalid client_id <redacted>"
        );
    }
}
