//! Pictures for the simulated platforms: with `SimConfig::serve_images`, image URLs in every
//! reply point at this server (`/__sim/img/{cdn-host}/{path}`) and are answered with a small
//! generated JPEG, so the thumbnail copier can be exercised end to end without the real CDNs.
//!
//! Off by default: the replies then carry the real CDN URLs, exactly as the captures do.

use axum::body::{to_bytes, Body};
use axum::extract::{Path, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use image::{ImageFormat, Rgb, RgbImage};

use super::AppState;

/// The CDN hosts the simulated replies name (see the renderers).
const IMAGE_HOSTS: &[&str] = &[
    "livecloud-thumb.akamaized.net",
    "nng-phinf.pstatic.net",
    "video-phinf.pstatic.net",
    "static-cdn.jtvnw.net",
    "i.ytimg.com",
    "i1.ytimg.com",
    "yt3.ggpht.com",
    "liveimg.sooplive.co.kr",
    "profile.img.sooplive.co.kr",
    "videoimg.sooplive.com",
];

/// Replies larger than this are passed through untouched (no simulated reply is near it).
const MAX_REWRITE_BYTES: usize = 16 * 1024 * 1024;

pub(crate) const ROUTE: &str = "/__sim/img/{*path}";

/// Rewrite CDN image URLs in a reply body to this server's `/__sim/img/` route.
pub(crate) async fn rewrite_middleware(
    State(s): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let res = next.run(req).await;
    if !s.cfg.serve_images {
        return res;
    }
    let textual = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.contains("json") || ct.contains("xml") || ct.starts_with("text/"));
    if !textual {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_REWRITE_BYTES).await else {
        return (parts.status, "simulator: reply too large to rewrite").into_response();
    };
    let mut text = String::from_utf8_lossy(&bytes).into_owned();
    for host in IMAGE_HOSTS {
        let ours = format!("{}/__sim/img/{host}/", s.base);
        text = text.replace(&format!("https://{host}/"), &ours);
        text = text.replace(&format!("\"//{host}/"), &format!("\"{ours}"));
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(text))
}

/// A generated picture: its colours derive from the path, avatars are square.
pub(crate) async fn image(Path(path): Path<String>) -> Response {
    let seed = path.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let square = ["profile", "ggpht", "nng-phinf"]
        .iter()
        .any(|k| path.contains(k));
    let (w, h) = if square { (160, 160) } else { (640, 360) };
    let [r, g, b, ..] = seed.to_le_bytes();
    let img = RgbImage::from_fn(w, h, |x, y| {
        let band = ((x + y) / 24) % 2 == 0;
        let shade = (x * 255 / w) as u8;
        if band {
            Rgb([r, g.wrapping_add(shade / 2), b])
        } else {
            Rgb([r / 2, g / 2, b.wrapping_add(shade / 3)])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    if img.write_to(&mut out, ImageFormat::Jpeg).is_err() {
        return (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "encode").into_response();
    }
    ([(header::CONTENT_TYPE, "image/jpeg")], out.into_inner()).into_response()
}
