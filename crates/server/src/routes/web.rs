//! The web UI: `GET /` and its static files, compiled into the binary.
//!
//! Plain HTML, CSS and ES modules with no build step and nothing from a CDN. Scripts are separate
//! files so the page works under a `script-src 'self'` content security policy (no inline
//! script). Every file is answered with its content type, `Cache-Control: no-cache` and a strong
//! `ETag`, so a browser revalidates cheaply (304) and never runs a stale module after an upgrade.
//!
//! The browser extension (`streamtide extension pack`) ships the same board modules: [`ASSETS`]
//! marks which files it shares.

use axum::extract::Path;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::error::ApiError;
use crate::AppState;

/// One static file of the web UI.
#[derive(Debug, Clone, Copy)]
pub struct Asset {
    /// URL path below `/` (also its path inside the extension).
    pub path: &'static str,
    pub content_type: &'static str,
    pub body: &'static str,
    /// Also part of the browser extension.
    pub shared_with_extension: bool,
}

macro_rules! asset {
    ($path:literal, $ct:expr, $shared:literal) => {
        Asset {
            path: $path,
            content_type: $ct,
            body: include_str!(concat!("../../web/", $path)),
            shared_with_extension: $shared,
        }
    };
}

const JS: &str = "text/javascript; charset=utf-8";

/// Every file of the web UI.
pub const ASSETS: &[Asset] = &[
    asset!("index.html", "text/html; charset=utf-8", false),
    asset!("app.css", "text/css; charset=utf-8", true),
    asset!("app.js", JS, false),
    asset!("favicon.svg", "image/svg+xml", true),
    asset!("app/api.js", JS, true),
    asset!("app/board.js", JS, true),
    asset!("app/category.js", JS, false),
    asset!("app/channel.js", JS, false),
    asset!("app/chart.js", JS, false),
    asset!("app/creator.js", JS, false),
    asset!("app/creators.js", JS, false),
    asset!("app/daily.js", JS, false),
    asset!("app/dom.js", JS, true),
    asset!("app/format.js", JS, true),
    asset!("app/i18n.js", JS, true),
    asset!("app/platforms.js", JS, true),
    asset!("app/prefs.js", JS, true),
    asset!("app/rankings.js", JS, false),
];

/// Revalidate on every load: the files change with each release and are small.
const CACHE: &str = "no-cache";

/// The page and its files.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(index))
        .route(
            "/app.js",
            get(|h: HeaderMap| async move { file("app.js", &h) }),
        )
        .route(
            "/app.css",
            get(|h: HeaderMap| async move { file("app.css", &h) }),
        )
        .route(
            "/favicon.svg",
            get(|h: HeaderMap| async move { file("favicon.svg", &h) }),
        )
        .route("/app/{name}", get(module))
}

async fn index(headers: HeaderMap) -> Response {
    file("index.html", &headers)
}

async fn module(Path(name): Path<String>, headers: HeaderMap) -> Response {
    file(&format!("app/{name}"), &headers)
}

fn file(path: &str, headers: &HeaderMap) -> Response {
    let Some(asset) = ASSETS.iter().find(|a| a.path == path) else {
        return ApiError::not_found(format!("no file `/{path}`")).into_response();
    };
    let etag = format!("\"{:016x}\"", fnv1a(asset.body.as_bytes()));
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut res = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(asset.content_type),
            )],
            asset.body,
        )
            .into_response()
    };
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    res
}

/// 64-bit FNV-1a: a stable content hash for the ETag (not a security boundary).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_module_the_page_imports_is_served() {
        for asset in ASSETS.iter().filter(|a| a.path.ends_with(".js")) {
            for line in asset.body.lines() {
                let line = line.trim();
                if !(line.starts_with("import ") || line.starts_with("} from ")) {
                    continue;
                }
                let Some(spec) = line.split('"').nth(1) else {
                    continue;
                };
                let base = asset.path.rsplit_once('/').map_or("", |(d, _)| d);
                let target = spec.strip_prefix("./").map_or_else(
                    || spec.trim_start_matches('/').to_string(),
                    |rest| {
                        if base.is_empty() {
                            rest.to_string()
                        } else {
                            format!("{base}/{rest}")
                        }
                    },
                );
                assert!(
                    ASSETS.iter().any(|a| a.path == target),
                    "{} imports {spec} ({target}), which is not served",
                    asset.path
                );
            }
        }
    }

    #[test]
    fn shared_modules_import_only_shared_modules() {
        for asset in ASSETS
            .iter()
            .filter(|a| a.shared_with_extension && a.path.ends_with(".js"))
        {
            for line in asset.body.lines().filter(|l| l.contains(" from \"")) {
                let spec = line.split('"').nth(1).unwrap_or_default();
                let target = format!("app/{}", spec.trim_start_matches("./"));
                assert!(
                    ASSETS
                        .iter()
                        .any(|a| a.path == target && a.shared_with_extension),
                    "{} imports {spec}, which the extension does not ship",
                    asset.path
                );
            }
        }
    }
}
