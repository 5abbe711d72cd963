//! `GET /healthz`: is the process up, can it read its database, and how is each collection job.
//!
//! A failing platform is reported (`degraded`), not turned into a 5xx: the API keeps serving what
//! it has, and a load balancer should not pull it for an upstream's outage. Only a database that
//! cannot be read makes this endpoint fail.

use axum::extract::State;
use axum::Json;

use crate::dto::{ErrorBody, HealthDto, HealthStatus, JobHealthDto};
use crate::error::ApiError;
use crate::AppState;

/// Health of the process and of each platform job.
#[utoipa::path(
    get,
    operation_id = "get_health",
    path = "/healthz",
    tag = "operations",
    responses(
        (status = 200, description = "The process and its database work; `status` says whether every job is healthy", body = HealthDto),
        (status = 503, description = "The database cannot be read", body = ErrorBody),
    )
)]
pub async fn healthz(State(state): State<AppState>) -> Result<Json<HealthDto>, ApiError> {
    let statuses = state
        .store
        .job_statuses()
        .await
        .map_err(|e| ApiError::Unavailable(format!("healthz: {e}")))?;
    let platforms: Vec<JobHealthDto> = statuses.into_iter().map(JobHealthDto::from).collect();
    let status = if platforms.iter().all(|p| p.healthy) {
        HealthStatus::Ok
    } else {
        HealthStatus::Degraded
    };
    Ok(Json(HealthDto { status, platforms }))
}
