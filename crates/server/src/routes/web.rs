//! The web UI: `GET /` and its static files, compiled into the binary.
//!
//! Plain HTML, CSS and ES modules with no build step and nothing from a CDN. Scripts are separate
//! files so the page works under a `script-src 'self'` content security policy (no inline
//! script). Every file is answered with its content type, `Cache-Control: no-cache` and a weak
//! `ETag` (the same file goes out compressed or not), so a browser or a cache in front
//! revalidates cheaply (304) and never runs a stale module after an upgrade.
//!
//! The browser extension (`streamtide extension pack`) ships the same board modules: [`ASSETS`]
//! marks which files it shares.

use std::sync::OnceLock;

use axum::extract::Path;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::error::ApiError;
use crate::http_cache::{self, ETag};
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
    asset!("app/broadcast.js", JS, false),
    asset!("app/category.js", JS, false),
    asset!("app/channel.js", JS, false),
    asset!("app/chart.js", JS, false),
    asset!("app/creator.js", JS, false),
    asset!("app/creators.js", JS, false),
    asset!("app/daily.js", JS, false),
    asset!("app/dom.js", JS, true),
    asset!("app/format.js", JS, true),
    asset!("app/i18n.js", JS, true),
    asset!("app/market.js", JS, false),
    asset!("app/platforms.js", JS, true),
    asset!("app/prefs.js", JS, true),
    asset!("app/rankings.js", JS, false),
    asset!("manifest.webmanifest", "application/manifest+json", false),
    asset!("sw.js", JS, false),
];

/// The installed board's icons (PNG, generated once from favicon.svg and committed).
const ICONS: &[(&str, &[u8])] = &[
    (
        "icon-192.png",
        include_bytes!("../../web/icons/icon-192.png"),
    ),
    (
        "icon-512.png",
        include_bytes!("../../web/icons/icon-512.png"),
    ),
    (
        "maskable-512.png",
        include_bytes!("../../web/icons/maskable-512.png"),
    ),
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
        .route(
            "/manifest.webmanifest",
            get(|h: HeaderMap| async move { file("manifest.webmanifest", &h) }),
        )
        .route(
            "/sw.js",
            get(|h: HeaderMap| async move { file("sw.js", &h) }),
        )
        .route("/app/{name}", get(module))
        .route("/icons/{name}", get(icon))
}

async fn icon(Path(name): Path<String>, headers: HeaderMap) -> Response {
    static TAGGED: OnceLock<Vec<(&str, &[u8], ETag)>> = OnceLock::new();
    let tagged = TAGGED.get_or_init(|| {
        ICONS
            .iter()
            .map(|(n, b)| (*n, *b, ETag::weak(&[http_cache::hash_bytes(b)])))
            .collect()
    });
    let Some((_, body, etag)) = tagged.iter().find(|(n, _, _)| *n == name) else {
        return ApiError::not_found(format!("no file `/icons/{name}`")).into_response();
    };
    let cache = HeaderValue::from_static(CACHE);
    if let Some(res) = http_cache::not_modified(&headers, etag, &cache) {
        return res;
    }
    let res = (
        [(header::CONTENT_TYPE, HeaderValue::from_static("image/png"))],
        *body,
    )
        .into_response();
    http_cache::stamp(res, etag, &cache)
}

async fn index(headers: HeaderMap) -> Response {
    file("index.html", &headers)
}

async fn module(Path(name): Path<String>, headers: HeaderMap) -> Response {
    file(&format!("app/{name}"), &headers)
}

fn file(path: &str, headers: &HeaderMap) -> Response {
    let Some((asset, etag)) = tagged().iter().find(|(a, _)| a.path == path) else {
        return ApiError::not_found(format!("no file `/{path}`")).into_response();
    };
    let cache = HeaderValue::from_static(CACHE);
    if let Some(res) = http_cache::not_modified(headers, etag, &cache) {
        return res;
    }
    let res = (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(asset.content_type),
        )],
        asset.body,
    )
        .into_response();
    http_cache::stamp(res, etag, &cache)
}

/// Every file with its tag, hashed once per process.
fn tagged() -> &'static [(Asset, ETag)] {
    static TAGGED: OnceLock<Vec<(Asset, ETag)>> = OnceLock::new();
    TAGGED.get_or_init(|| {
        ASSETS
            .iter()
            .map(|a| (*a, ETag::weak(&[http_cache::hash_bytes(a.body.as_bytes())])))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The board opens offline only if its service worker keeps every module the page imports.
    #[test]
    fn the_service_worker_keeps_every_script_and_style() {
        let sw = ASSETS
            .iter()
            .find(|a| a.path == "sw.js")
            .map_or("", |a| a.body);
        for a in ASSETS {
            let page_file = a.path.ends_with(".js") || a.path.ends_with(".css");
            if page_file && a.path != "sw.js" {
                assert!(
                    sw.contains(&format!("\"/{}\"", a.path)),
                    "sw.js does not keep {}",
                    a.path
                );
            }
        }
    }

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
