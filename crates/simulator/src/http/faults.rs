//! The middleware that counts requests, adds configured latency and applies injected faults.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use streamtide_core::Platform;
use tokio_util::io::ReaderStream;

use super::control;
use super::reply;
use super::transform::{self, DyingBody};
use super::ServerShared;
use crate::FaultKind;

pub(crate) async fn middleware(
    State(shared): State<Arc<ServerShared>>,
    req: Request,
    next: Next,
) -> Response {
    if req.uri().path().starts_with(control::PREFIX) {
        return next.run(req).await;
    }
    shared.requests.fetch_add(1, Ordering::Relaxed);
    if let Some((lo, hi)) = shared.latency {
        tokio::time::sleep(random_between(lo, hi)).await;
    }
    let target = req
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str().to_owned())
        .unwrap_or_default();
    match shared.faults.take(&target) {
        None => next.run(req).await,
        Some(kind) => {
            tracing::debug!(platform = %shared.platform, %target, fault = kind.name(), "applying fault");
            apply(shared.platform, kind, req, next).await
        }
    }
}

fn random_between(lo: Duration, hi: Duration) -> Duration {
    let (lo, hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
    let lo_ns = u64::try_from(lo.as_nanos()).unwrap_or(u64::MAX);
    let hi_ns = u64::try_from(hi.as_nanos()).unwrap_or(u64::MAX);
    Duration::from_nanos(rand::random_range(lo_ns..=hi_ns))
}

async fn apply(platform: Platform, kind: FaultKind, req: Request, next: Next) -> Response {
    match kind {
        FaultKind::Status {
            code,
            retry_after_secs,
        } => status(platform, code, retry_after_secs),
        FaultKind::Delay(d) => {
            tokio::time::sleep(d).await;
            next.run(req).await
        }
        FaultKind::Garbage => garbage(),
        FaultKind::Truncated => {
            let (mut parts, body) = buffer(next.run(req).await).await;
            let cut = body.slice(..body.len() / 2);
            parts
                .headers
                .insert(header::CONTENT_LENGTH, HeaderValue::from(cut.len()));
            Response::from_parts(parts, Body::from(cut))
        }
        FaultKind::Reset => {
            let (mut parts, body) = buffer(next.run(req).await).await;
            // Announce the whole length, deliver half, then die: a connection dropped mid-body.
            parts
                .headers
                .insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
            let half = body.slice(..body.len() / 2);
            let stream = ReaderStream::new(DyingBody::new(half));
            Response::from_parts(parts, Body::from_stream(stream))
        }
        FaultKind::RenameField { from, to } => {
            rewrite_json(next.run(req).await, |v| {
                transform::rename_key(v, &from, &to)
            })
            .await
        }
        FaultKind::NumberToString { field } => {
            rewrite_json(next.run(req).await, |v| {
                transform::numbers_to_strings(v, &field)
            })
            .await
        }
        FaultKind::SpliceItems { field, items } => {
            let (mut parts, bytes) = buffer(next.run(req).await).await;
            let body = Bytes::from(transform::splice_items(&bytes, &field, &items));
            parts
                .headers
                .insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
            Response::from_parts(parts, Body::from(body))
        }
    }
}

fn status(platform: Platform, code: u16, retry_after_secs: Option<u64>) -> Response {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let message = status.canonical_reason().unwrap_or("Error");
    let body = match platform {
        Platform::Chzzk => json!({"code": code, "message": message, "content": null}),
        _ => json!({"code": code, "message": message}),
    };
    let mut resp = reply::json(status, body);
    if let Some(secs) = retry_after_secs {
        resp.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    resp
}

/// What a CDN or maintenance page looks like to a JSON client: HTML with a cheerful 200.
fn garbage() -> Response {
    const PAGE: &str = "<!DOCTYPE html>\n<html lang=\"ko\"><head><meta charset=\"utf-8\">\
        <title>서비스 점검 안내</title></head><body><h1>서비스 점검 중입니다</h1>\
        <p>보다 나은 서비스를 위해 점검을 진행하고 있습니다. 잠시 후 다시 이용해 주세요.</p>\
        </body></html>\n";
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        PAGE,
    )
        .into_response()
}

/// The handler's response with its body read into memory (our handlers' bodies are small).
async fn buffer(resp: Response) -> (axum::http::response::Parts, Bytes) {
    let (parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    (parts, bytes)
}

/// Applies `edit` to a JSON body; non-JSON bodies pass through untouched.
async fn rewrite_json(resp: Response, edit: impl FnOnce(&mut serde_json::Value)) -> Response {
    let (mut parts, bytes) = buffer(resp).await;
    let body = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(mut v) => {
            edit(&mut v);
            Bytes::from(serde_json::to_vec(&v).unwrap_or_else(|_| bytes.to_vec()))
        }
        Err(_) => bytes,
    };
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
    Response::from_parts(parts, Body::from(body))
}
