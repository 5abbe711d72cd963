//! The route table.

pub mod channels;
pub mod health;
pub mod live;
pub mod metrics;
pub mod openapi;
pub mod web;

use axum::routing::get;
use axum::Router;

use crate::layers;
use crate::AppState;

/// Every route, without the process-wide middleware (see [`layers::wrap`]).
pub fn router() -> Router<AppState> {
    // Only the JSON API is open to other origins; the page, health and metrics are not.
    let api = Router::new()
        .route("/api/v1/live", get(live::list))
        .route("/api/v1/channels", get(channels::list))
        .route(
            "/api/v1/channels/{platform}/{channel_id}",
            get(channels::detail),
        )
        .route(
            "/api/v1/channels/{platform}/{channel_id}/history",
            get(channels::history),
        )
        .route("/api/v1/openapi.json", get(openapi::document))
        .layer(layers::api_cors());
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/metrics", get(metrics::metrics))
        .route("/", get(web::index))
        .route("/app.js", get(web::script))
        .route("/app.css", get(web::style))
        .merge(api)
}
