//! The route table.

pub mod admin;
pub mod alerts;
pub mod broadcasts;
pub mod channels;
pub mod creators;
pub mod daily;
pub mod health;
pub mod live;
pub mod market;
pub mod metrics;
pub mod openapi;
pub mod platforms;
pub mod stats;
pub mod thumbs;
pub mod trends;
pub mod web;

use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post, put};
use axum::Router;
use tower_http::limit::RequestBodyLimitLayer;

use self::admin as routes_admin;
use crate::admin::require_admin;
use crate::layers;
use crate::AppState;

/// Requests carry no body except admin writes; anything large is a mistake or an attack.
const BODY_LIMIT_BYTES: usize = 64 * 1024;

/// Every route, without the process-wide middleware (see [`layers::wrap`]).
pub fn router(state: &AppState) -> Router<AppState> {
    // Admin methods sit beside the public GETs of the same paths; the token check wraps only
    // them, and runs before the body is read.
    let auth = from_fn_with_state(state.clone(), require_admin);
    // Only the JSON API is open to other origins; the page, health and metrics are not.
    let api = Router::new()
        .route("/api/v1/live", get(live::list))
        .route("/api/v1/platforms", get(platforms::list))
        .route(
            "/api/v1/channels",
            get(channels::list).merge(post(routes_admin::add_channel).route_layer(auth.clone())),
        )
        .route(
            "/api/v1/channels/{platform}/{channel_id}",
            get(channels::detail).merge(
                axum::routing::delete(routes_admin::remove_channel).route_layer(auth.clone()),
            ),
        )
        .route(
            "/api/v1/channels/{platform}/{channel_id}/history",
            get(stats::history),
        )
        .route(
            "/api/v1/channels/{platform}/{channel_id}/daily",
            get(daily::daily),
        )
        .route(
            "/api/v1/channels/{platform}/{channel_id}/videos",
            get(channels::videos),
        )
        .route(
            "/api/v1/channels/{platform}/{channel_id}/stats",
            get(stats::channel),
        )
        .route("/api/v1/creators/{id}/stats", get(stats::creator))
        .route("/api/v1/trends", get(trends::list))
        .route("/api/v1/market", get(market::market))
        .route(
            "/api/v1/broadcasts/{platform}/{id}",
            get(broadcasts::detail),
        )
        .route(
            "/api/v1/channels/{platform}/{channel_id}/broadcasts",
            get(broadcasts::of_channel),
        )
        .route("/api/v1/categories", get(market::categories))
        .route(
            "/api/v1/categories/{tag}/history",
            get(market::category_history),
        )
        .route(
            "/api/v1/creators",
            get(creators::list).merge(post(routes_admin::create_creator).route_layer(auth.clone())),
        )
        .route("/api/v1/creators/{id}", get(creators::detail))
        .route(
            "/api/v1/creators/{id}/channels/{platform}/{channel_id}",
            put(routes_admin::link)
                .delete(routes_admin::unlink)
                .route_layer(auth.clone()),
        )
        .route(
            "/api/v1/alerts/rules",
            get(alerts::list_rules)
                .post(alerts::add_rule)
                .delete(alerts::remove_rule_by_query)
                .route_layer(auth.clone()),
        )
        .route(
            "/api/v1/alerts/rules/{name}",
            axum::routing::delete(alerts::remove_rule).route_layer(auth.clone()),
        )
        .route(
            "/api/v1/alerts/deliveries",
            get(alerts::deliveries).route_layer(auth.clone()),
        )
        .route("/api/v1/openapi.json", get(openapi::document))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT_BYTES))
        .layer(from_fn_with_state(
            state.clone(),
            crate::http_cache::public_reads,
        ))
        // Inside CORS, so a 429 still carries the headers that let an allowed origin read it.
        .layer(from_fn_with_state(
            state.clone(),
            crate::rate_limit::middleware,
        ))
        .layer(layers::api_cors(&state.cors_origins));
    let import = Router::new()
        .route(
            "/api/v1/import",
            post(routes_admin::import).route_layer(auth),
        )
        // axum's extractors stop at 2 MiB unless told otherwise; both limits are the same.
        .layer(DefaultBodyLimit::max(state.import_max_bytes))
        .layer(RequestBodyLimitLayer::new(state.import_max_bytes));
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/metrics", get(metrics::metrics))
        .route("/thumbs/{file}", get(thumbs::get))
        .merge(web::router())
        .merge(api)
        .merge(import)
        .layer(RequestBodyLimitLayer::new(
            state.import_max_bytes.max(BODY_LIMIT_BYTES),
        ))
}
