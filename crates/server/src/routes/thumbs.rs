//! `GET /thumbs/{hash}.webp`: our copies of thumbnails and avatars.
//!
//! Names are content hashes, so an answer never changes: it is cached for a year as immutable,
//! with the hash as its ETag, which suits browsers and CDNs alike. With a public bucket URL
//! configured the request is redirected there instead.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use streamtide_thumbs::is_valid_hash;

use crate::error::ApiError;
use crate::AppState;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// One copy, by content hash.
pub async fn get(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let missing = || ApiError::not_found("no such thumbnail");
    let hash = file
        .strip_suffix(".webp")
        .filter(|h| is_valid_hash(h))
        .ok_or_else(missing)?;
    let store = state.thumbs.as_ref().ok_or_else(missing)?;
    if let Some(url) = store.public_url(hash) {
        let location =
            HeaderValue::from_str(&url).map_err(|e| ApiError::Internal(e.to_string()))?;
        return Ok((
            StatusCode::PERMANENT_REDIRECT,
            [
                (header::LOCATION, location),
                (header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE)),
            ],
        )
            .into_response());
    }
    let etag = format!("\"{hash}\"");
    let cached = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let etag_value = HeaderValue::from_str(&etag).map_err(|e| ApiError::Internal(e.to_string()))?;
    if cached {
        return Ok((
            StatusCode::NOT_MODIFIED,
            [
                (header::ETAG, etag_value),
                (header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE)),
            ],
        )
            .into_response());
    }
    let object = store.get(hash).await.map_err(|e| {
        // The store being down must not look like a missing picture to a cache.
        ApiError::Unavailable(format!("thumbnail store {store}: {e}"))
    })?;
    let object = object.ok_or_else(missing)?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("image/webp")),
            (header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE)),
            (header::ETAG, etag_value),
        ],
        object.bytes,
    )
        .into_response())
}
