//! `GET /metrics`: the Prometheus exposition.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use chrono::Utc;

use crate::AppState;

/// prometheus-client writes the OpenMetrics text format; Prometheus negotiates it by this type.
const OPENMETRICS_CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Metrics in the OpenMetrics text format: everything registered, plus gauges read from the
/// store at scrape time.
#[utoipa::path(
    get,
    operation_id = "get_metrics",
    path = "/metrics",
    tag = "operations",
    responses(
        (status = 200, description = "OpenMetrics text exposition", content_type = "application/openmetrics-text", body = String),
    )
)]
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let body = state
        .metrics
        .scrape(&state.store, state.seen_after(Utc::now()))
        .await;
    ([(header::CONTENT_TYPE, OPENMETRICS_CONTENT_TYPE)], body)
}
