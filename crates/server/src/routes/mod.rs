//! The route table.

pub mod channels;
pub mod creators;
pub mod health;
pub mod live;
pub mod metrics;
pub mod openapi;
pub mod stats;
pub mod trends;
pub mod web;

use axum::routing::get;
use axum::Router;

use crate::layers;
use crate::AppState;

/// Every route, without the process-wide middleware (see [`layers::wrap`]).
pub fn router(cors_origins: &[String]) -> Router<AppState> {
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
            get(stats::history),
        )
        .route(
            "/api/v1/channels/{platform}/{channel_id}/stats",
            get(stats::channel),
        )
        .route("/api/v1/creators/{id}/stats", get(stats::creator))
        .route("/api/v1/trends", get(trends::list))
        .route("/api/v1/creators", get(creators::list))
        .route("/api/v1/creators/{id}", get(creators::detail))
        .route("/api/v1/openapi.json", get(openapi::document))
        .layer(layers::api_cors(cors_origins));
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/metrics", get(metrics::metrics))
        .merge(web::router())
        .merge(api)
}
