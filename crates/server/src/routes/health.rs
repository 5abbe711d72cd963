//! `GET /healthz`: is the process up, can it read its database, and how is each platform.
//!
//! `starting` until every enabled platform has had a first successful round; `degraded` when a
//! job failed several rounds in a row, a platform answers only on a fallback host or path
//! version (it has moved; the API keeps serving what it has, 200), or a job's rounds take longer
//! than its interval (`overrun`); `failing` with
//! 503 when every enabled platform is failing, so a load balancer can act on it. Platforms the
//! configuration does not collect (disabled, no credentials) are listed under `skipped`. A
//! database that cannot be read is a 503 error body.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use streamtide_core::Platform;
use utoipa::ToSchema;

use crate::dto::{
    ErrorBody, HealthDto, HealthStatus, JobHealthDto, PlatformHealthDto, PlatformState,
    SkippedPlatformDto, YoutubeHealthDto,
};
use crate::error::ApiError;
use crate::{AppState, PlatformSetup};
use chrono::Utc;

/// What a 503 of `/healthz` holds: the health (every platform failing) or an error (the
/// database cannot be read).
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)] // only its schema is used
pub enum Health503 {
    Health(HealthDto),
    Error(ErrorBody),
}

/// The state of `platform` from its jobs. The live job is the platform's heartbeat: it asks the
/// platform every round, while a channels or videos round over an empty roster succeeds without
/// asking anything. So the platform is failing when its live job is, and starting until its live
/// job has succeeded once (judged on all its jobs when no live round has run).
fn judge(platform: Platform, jobs: &[JobHealthDto]) -> PlatformHealthDto {
    let mine: Vec<&JobHealthDto> = jobs.iter().filter(|j| j.platform == platform).collect();
    let live: Vec<&JobHealthDto> = mine.iter().copied().filter(|j| j.job == "live").collect();
    let heartbeat = if live.is_empty() { &mine } else { &live };
    let failing = !heartbeat.is_empty() && heartbeat.iter().all(|j| !j.healthy);
    let started = heartbeat.iter().any(|j| j.last_success_at.is_some());
    let last_success_at = mine.iter().filter_map(|j| j.last_success_at).max();
    let fallback = mine
        .iter()
        .filter_map(|j| j.fallback.as_ref())
        .min_by_key(|f| f.since)
        .cloned();
    let overrun = mine
        .iter()
        .filter_map(|j| j.overrun.as_ref())
        .min_by_key(|o| o.since)
        .cloned();
    let state = if failing {
        PlatformState::Failing
    } else if !started {
        PlatformState::Starting
    } else if mine.iter().any(|j| !j.healthy) || fallback.is_some() || overrun.is_some() {
        PlatformState::Degraded
    } else {
        PlatformState::Ok
    };
    let last_error = mine
        .iter()
        .filter(|j| j.consecutive_failures > 0)
        .max_by_key(|j| j.last_error_at)
        .and_then(|j| j.last_error.clone());
    PlatformHealthDto {
        platform,
        state,
        last_success_at,
        last_error,
        fallback,
        overrun,
    }
}

/// Failing channel feeds make an otherwise working YouTube `degraded` (its live state then comes
/// from the fallbacks, and some of it stays unknown), with the feed fault as its last error.
fn feeds_into_summary(yt: &YoutubeHealthDto, summary: &mut [PlatformHealthDto]) {
    if !yt.feeds.failing {
        return;
    }
    if let Some(p) = summary.iter_mut().find(|p| p.platform == Platform::Youtube) {
        if p.state == PlatformState::Ok {
            p.state = PlatformState::Degraded;
        }
        if p.last_error.is_none() {
            p.last_error = Some(format!(
                "channel feeds failing: {}",
                yt.feeds.last_fault.as_deref().unwrap_or("no feed")
            ));
        }
    }
}

/// The overall status of the enabled platforms' states.
fn overall(summary: &[PlatformHealthDto]) -> HealthStatus {
    let all = |s: PlatformState| summary.iter().all(|p| p.state == s);
    let any = |s: PlatformState| summary.iter().any(|p| p.state == s);
    if summary.is_empty() {
        // Nothing is collected: the API serves what the store has, but nothing moves.
        HealthStatus::Degraded
    } else if all(PlatformState::Failing) {
        HealthStatus::Failing
    } else if any(PlatformState::Starting) {
        HealthStatus::Starting
    } else if any(PlatformState::Failing) || any(PlatformState::Degraded) {
        HealthStatus::Degraded
    } else {
        HealthStatus::Ok
    }
}

/// Health of the process and of each platform.
#[utoipa::path(
    get,
    operation_id = "get_health",
    path = "/healthz",
    tag = "operations",
    responses(
        (status = 200, description = "The process and its database work; `status` is `ok`, `starting` (an enabled platform has not collected yet) or `degraded` (a job keeps failing, a platform answers only on a fallback, or nothing is enabled)", body = HealthDto),
        (status = 503, description = "Every enabled platform is failing (`status` = `failing`), or the database cannot be read (an error body)", body = Health503),
    )
)]
pub async fn healthz(State(state): State<AppState>) -> Result<Response, ApiError> {
    let statuses = state
        .store
        .job_statuses()
        .await
        .map_err(|e| ApiError::Unavailable(format!("healthz: {e}")))?;
    let jobs: Vec<JobHealthDto> = statuses.into_iter().map(JobHealthDto::from).collect();
    let (enabled, skipped): (Vec<Platform>, Vec<SkippedPlatformDto>) = match &state.platforms {
        Some(setup) => {
            let enabled = setup
                .iter()
                .filter(|(_, s)| *s == PlatformSetup::Enabled)
                .map(|(p, _)| *p)
                .collect();
            let skipped = setup
                .iter()
                .filter_map(|(p, s)| match s {
                    PlatformSetup::Skipped(reason) => Some(SkippedPlatformDto {
                        platform: *p,
                        reason: reason.clone(),
                    }),
                    PlatformSetup::Enabled => None,
                })
                .collect();
            (enabled, skipped)
        }
        None => {
            let mut seen: Vec<Platform> = jobs.iter().map(|j| j.platform).collect();
            seen.dedup();
            (seen, Vec::new())
        }
    };
    let youtube: Option<YoutubeHealthDto> = state
        .store
        .load_quota(
            Platform::Youtube,
            Utc::now().date_naive().succ_opt().unwrap_or_default(),
        )
        .await
        .map_err(|e| ApiError::Unavailable(format!("healthz: {e}")))?
        .map(YoutubeHealthDto::from);
    let mut summary: Vec<PlatformHealthDto> = enabled.iter().map(|p| judge(*p, &jobs)).collect();
    if let Some(yt) = &youtube {
        feeds_into_summary(yt, &mut summary);
    }
    let status = if state.platforms.is_none() && summary.is_empty() {
        // Not told what is enabled, and nothing has run yet.
        HealthStatus::Starting
    } else {
        overall(&summary)
    };
    let code = if status == HealthStatus::Failing {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    let body = HealthDto {
        status,
        platforms: jobs,
        summary,
        skipped,
        youtube,
    };
    Ok((code, Json(body)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(platform: Platform, ok: bool, failures: u64) -> JobHealthDto {
        job_of(platform, "live", ok, failures)
    }

    fn job_of(platform: Platform, name: &str, ok: bool, failures: u64) -> JobHealthDto {
        JobHealthDto {
            platform,
            job: name.into(),
            last_success_at: ok.then(chrono::Utc::now),
            last_error_at: (failures > 0).then(chrono::Utc::now),
            last_error: (failures > 0).then(|| "HTTP 503".to_string()),
            consecutive_failures: failures,
            healthy: failures < crate::dto::UNHEALTHY_AFTER,
            fallback: None,
            overrun: None,
        }
    }

    #[test]
    fn platform_states_and_the_overall_status() {
        use Platform::*;
        let s = |jobs: &[JobHealthDto], enabled: &[Platform]| {
            let summary: Vec<_> = enabled.iter().map(|p| judge(*p, jobs)).collect();
            (
                summary.iter().map(|p| p.state).collect::<Vec<_>>(),
                overall(&summary),
            )
        };
        // Nothing ran yet.
        assert_eq!(
            s(&[], &[Chzzk, Soop]),
            (
                vec![PlatformState::Starting, PlatformState::Starting],
                HealthStatus::Starting
            )
        );
        // One collected, the other has failed once: still starting.
        assert_eq!(
            s(&[job(Chzzk, true, 0), job(Soop, false, 1)], &[Chzzk, Soop]).1,
            HealthStatus::Starting
        );
        // Both collected.
        assert_eq!(
            s(&[job(Chzzk, true, 0), job(Soop, true, 0)], &[Chzzk, Soop]).1,
            HealthStatus::Ok
        );
        // One failing for good: degraded.
        assert_eq!(
            s(&[job(Chzzk, true, 0), job(Soop, true, 3)], &[Chzzk, Soop]),
            (
                vec![PlatformState::Ok, PlatformState::Failing],
                HealthStatus::Degraded
            )
        );
        // Every platform failing, even one that never succeeded: failing.
        assert_eq!(
            s(&[job(Chzzk, true, 5), job(Soop, false, 3)], &[Chzzk, Soop]).1,
            HealthStatus::Failing
        );
        // A job of a platform that is not enabled any more does not count.
        assert_eq!(
            s(&[job(Chzzk, true, 0), job(Twitch, false, 9)], &[Chzzk]).1,
            HealthStatus::Ok
        );
        assert_eq!(s(&[], &[]).1, HealthStatus::Degraded);
        // A channels round over an empty roster "succeeds" without asking the platform: it
        // neither ends the start nor hides a failing live list.
        let empty_roster = |live_failures| {
            vec![
                job_of(Chzzk, "channels", true, 0),
                job_of(Chzzk, "live", false, live_failures),
            ]
        };
        assert_eq!(
            s(&empty_roster(1), &[Chzzk]),
            (vec![PlatformState::Starting], HealthStatus::Starting)
        );
        assert_eq!(
            s(&empty_roster(3), &[Chzzk]),
            (vec![PlatformState::Failing], HealthStatus::Failing)
        );
        // Live fine, channels failing: degraded, not failing.
        assert_eq!(
            s(
                &[
                    job_of(Chzzk, "channels", true, 4),
                    job_of(Chzzk, "live", true, 0)
                ],
                &[Chzzk]
            ),
            (vec![PlatformState::Degraded], HealthStatus::Degraded)
        );
        // Working, but only on a fallback host or path version: degraded, with the earliest
        // `since` of its jobs.
        let t0 = chrono::Utc::now() - chrono::Duration::hours(2);
        let mut live = job(Soop, true, 0);
        live.fallback = Some(crate::dto::FallbackDto::since(
            t0 + chrono::Duration::hours(1),
        ));
        let mut channels = job_of(Soop, "channels", true, 0);
        channels.fallback = Some(crate::dto::FallbackDto::since(t0));
        let jobs = [live, channels, job(Chzzk, true, 0)];
        assert_eq!(
            s(&jobs, &[Chzzk, Soop]),
            (
                vec![PlatformState::Ok, PlatformState::Degraded],
                HealthStatus::Degraded
            )
        );
        assert_eq!(judge(Soop, &jobs).fallback.map(|f| f.since), Some(t0));
        assert_eq!(judge(Chzzk, &jobs).fallback, None);
        // Working, but its live rounds take longer than their interval: degraded, saying since
        // when.
        let mut live = job(Chzzk, true, 0);
        live.overrun = Some(crate::dto::OverrunDto::since(t0));
        let jobs = [live, job(Soop, true, 0)];
        assert_eq!(
            s(&jobs, &[Chzzk, Soop]),
            (
                vec![PlatformState::Degraded, PlatformState::Ok],
                HealthStatus::Degraded
            )
        );
        assert_eq!(judge(Chzzk, &jobs).overrun.map(|o| o.since), Some(t0));
    }
}
