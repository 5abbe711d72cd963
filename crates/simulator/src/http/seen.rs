//! What the KR servers were asked, with the headers that identify a browser, so tests can check
//! that the adapters send what the platforms' own web pages send (and nothing of ours leaks).

use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use super::control::PREFIX;
use super::AppState;

/// Most requests kept; older ones are dropped first.
const KEEP: usize = 20_000;

/// Headers recorded (lower case). Anything else is not kept.
const HEADERS: &[&str] = &[
    "origin",
    "referer",
    "user-agent",
    "front-client-platform-type",
    "front-client-product-type",
    "deviceid",
    "accept",
];

/// One request a server received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenRequest {
    /// The path as sent (e.g. `/co.kr/api/main_broad_list_api.php`).
    pub path: String,
    /// The raw query string ("" when none).
    pub query: String,
    /// The recorded headers present on the request, by lower-case name.
    pub headers: BTreeMap<String, String>,
}

impl SeenRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
}

#[derive(Debug, Default)]
pub(crate) struct SeenLog {
    log: Mutex<VecDeque<SeenRequest>>,
}

impl SeenLog {
    fn push(&self, r: SeenRequest) {
        let mut log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        if log.len() >= KEEP {
            log.pop_front();
        }
        log.push_back(r);
    }

    pub(crate) fn all(&self) -> Vec<SeenRequest> {
        let log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        log.iter().cloned().collect()
    }
}

/// Record every platform request (not `/__sim/*`).
pub(crate) async fn middleware(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if !path.starts_with(PREFIX) {
        let headers = HEADERS
            .iter()
            .filter_map(|h| {
                let v = req.headers().get(*h)?.to_str().ok()?;
                Some((h.to_string(), v.to_string()))
            })
            .collect();
        s.shared.seen.push(SeenRequest {
            path,
            query: req.uri().query().unwrap_or("").to_string(),
            headers,
        });
    }
    next.run(req).await
}
