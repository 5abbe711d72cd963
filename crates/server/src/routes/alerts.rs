//! Admin routes of alerts (bearer token): the rules in force, adding and removing rules, and the
//! delivery log. Destinations are configuration only (their URLs and tokens are secrets); the
//! API names them and their kinds, never their addresses.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use streamtide_alerts::{AlertsConfig, RuleConfig};
use utoipa::{IntoParams, ToSchema};

use crate::dto::ErrorBody;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::AppState;

/// A rule in force and where it comes from.
#[derive(Debug, Serialize, ToSchema)]
pub struct RuleDto {
    /// `config` (the configuration file; removed there) or `api` (added here).
    pub source: String,
    /// The rule exactly as `[[alerts.rules]]` spells it.
    #[schema(value_type = Object)]
    pub rule: serde_json::Value,
}

/// A configured destination, without its address or token.
#[derive(Debug, Serialize, ToSchema)]
pub struct DestinationDto {
    pub name: String,
    /// webhook, discord, slack, telegram or email.
    pub kind: String,
}

/// The rules and the destinations they may name.
#[derive(Debug, Serialize, ToSchema)]
pub struct RulesDto {
    pub rules: Vec<RuleDto>,
    pub channels: Vec<DestinationDto>,
}

fn config(state: &AppState) -> Arc<AlertsConfig> {
    state.alerts.clone().unwrap_or_default()
}

async fn stored_rules(state: &AppState) -> Result<Vec<RuleConfig>, ApiError> {
    Ok(state
        .store
        .alert_rules()
        .await?
        .iter()
        .filter_map(|r| serde_json::from_str::<RuleConfig>(&r.spec).ok())
        .collect())
}

/// The alert rules in force.
#[utoipa::path(get, operation_id = "alert_rules", path = "/api/v1/alerts/rules", tag = "admin",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Configured and added rules, and the destinations", body = RulesDto),
        (status = 401, description = "Missing or wrong token", body = ErrorBody),
        (status = 403, description = "Admin endpoints are off", body = ErrorBody),
    ))]
pub async fn list_rules(State(state): State<AppState>) -> Result<Json<RulesDto>, ApiError> {
    let cfg = config(&state);
    let mut rules: Vec<RuleDto> = cfg
        .rules
        .iter()
        .map(|r| RuleDto {
            source: "config".into(),
            rule: serde_json::to_value(r).unwrap_or_default(),
        })
        .collect();
    for r in stored_rules(&state).await? {
        if cfg.rules.iter().any(|c| c.name == r.name) {
            continue;
        }
        rules.push(RuleDto {
            source: "api".into(),
            rule: serde_json::to_value(&r).unwrap_or_default(),
        });
    }
    let channels = cfg
        .channels
        .iter()
        .map(|c| DestinationDto {
            name: c.name.clone(),
            kind: c.kind.as_str().into(),
        })
        .collect();
    Ok(Json(RulesDto { rules, channels }))
}

/// Add a rule. It applies to the collectors within seconds (they re-read rules), and survives
/// restarts.
#[utoipa::path(post, operation_id = "add_alert_rule", path = "/api/v1/alerts/rules", tag = "admin",
    request_body(content = Object, description = "A rule as `[[alerts.rules]]` spells it: name, kind, notify, …"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Added", body = RuleDto),
        (status = 400, description = "Not a valid rule (the message lists every problem)", body = ErrorBody),
        (status = 401, description = "Missing or wrong token", body = ErrorBody),
        (status = 403, description = "Admin endpoints are off", body = ErrorBody),
        (status = 409, description = "A rule of that name exists", body = ErrorBody),
    ))]
pub async fn add_rule(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<(StatusCode, Json<RuleDto>), ApiError> {
    let rule: RuleConfig = serde_json::from_value(body)
        .map_err(|e| ApiError::bad_request(format!("not a valid rule: {e}")))?;
    let cfg = config(&state);
    let names: Vec<&str> = cfg.channels.iter().map(|c| c.name.as_str()).collect();
    if names.is_empty() {
        return Err(ApiError::bad_request(
            "no [[alerts.channels]] is configured: a rule would have nowhere to deliver",
        ));
    }
    let problems = rule.problems(&names);
    if !problems.is_empty() {
        return Err(ApiError::bad_request(problems.join("; ")));
    }
    if cfg.rules.iter().any(|c| c.name == rule.name) {
        return Err(ApiError::Conflict(format!(
            "a configured rule is named `{}`",
            rule.name
        )));
    }
    let spec = serde_json::to_string(&rule).map_err(|e| ApiError::Internal(e.to_string()))?;
    if !state
        .store
        .add_alert_rule(&rule.name, &spec, chrono::Utc::now())
        .await?
    {
        return Err(ApiError::Conflict(format!(
            "a rule named `{}` exists",
            rule.name
        )));
    }
    Ok((
        StatusCode::CREATED,
        Json(RuleDto {
            source: "api".into(),
            rule: serde_json::to_value(&rule).unwrap_or_default(),
        }),
    ))
}

/// The rule to remove.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct RuleName {
    /// The rule's name.
    pub name: String,
}

/// Remove a rule added through the API (a configured one is removed from the file).
#[utoipa::path(delete, operation_id = "remove_alert_rule", path = "/api/v1/alerts/rules/{name}",
    tag = "admin", params(RuleName), security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "Missing or wrong token", body = ErrorBody),
        (status = 403, description = "Admin endpoints are off", body = ErrorBody),
        (status = 404, description = "No rule of that name", body = ErrorBody),
        (status = 409, description = "The rule is in the configuration file", body = ErrorBody),
    ))]
pub async fn remove_rule(
    State(state): State<AppState>,
    ApiPath(RuleName { name }): ApiPath<RuleName>,
) -> Result<StatusCode, ApiError> {
    if config(&state).rules.iter().any(|c| c.name == name) {
        return Err(ApiError::Conflict(format!(
            "`{name}` is in the configuration file; remove it there"
        )));
    }
    if state.store.delete_alert_rule(&name).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found(format!("no alert rule named `{name}`")))
    }
}

/// The rule to remove, as a query parameter.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RuleNameQuery {
    /// The rule's name.
    pub name: Option<String>,
}

/// Remove a rule added through the API, named by `?name=` (the same as
/// `DELETE /api/v1/alerts/rules/{name}`).
#[utoipa::path(delete, operation_id = "remove_alert_rule_by_query", path = "/api/v1/alerts/rules",
    tag = "admin", params(RuleNameQuery), security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 400, description = "No `name` given", body = ErrorBody),
        (status = 401, description = "Missing or wrong token", body = ErrorBody),
        (status = 403, description = "Admin endpoints are off", body = ErrorBody),
        (status = 404, description = "No rule of that name", body = ErrorBody),
        (status = 409, description = "The rule is in the configuration file", body = ErrorBody),
    ))]
pub async fn remove_rule_by_query(
    state: State<AppState>,
    ApiQuery(q): ApiQuery<RuleNameQuery>,
) -> Result<StatusCode, ApiError> {
    match q.name.filter(|n| !n.trim().is_empty()) {
        Some(name) => remove_rule(state, ApiPath(RuleName { name })).await,
        None => Err(ApiError::bad_request(
            "name the rule: DELETE /api/v1/alerts/rules?name=NAME or /api/v1/alerts/rules/NAME",
        )),
    }
}

/// Which deliveries to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveriesQuery {
    /// `pending`, `sent` or `failed`.
    pub status: Option<String>,
    /// Only this rule's.
    pub rule: Option<String>,
    /// At most this many, newest first (1–1000, default 100).
    pub limit: Option<u32>,
}

/// One delivery of the log.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryDto {
    pub id: i64,
    pub rule: String,
    /// The `[[alerts.channels]]` name.
    pub destination: String,
    /// What happened (with the rule and destination, the once-only key).
    pub event_key: String,
    pub kind: String,
    pub platform: Option<String>,
    pub channel_id: Option<String>,
    pub title: String,
    /// `pending`, `sent` or `failed`.
    pub status: String,
    pub attempts: u32,
    pub next_attempt_at: Option<chrono::DateTime<chrono::Utc>>,
    pub last_error: Option<String>,
    pub created_at: Option<chrono::DateTime<chrono::Utc>>,
    pub sent_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The delivery log.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveriesDto {
    pub deliveries: Vec<DeliveryDto>,
}

/// The delivery log, newest first.
#[utoipa::path(get, operation_id = "alert_deliveries", path = "/api/v1/alerts/deliveries", tag = "admin",
    params(DeliveriesQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "Deliveries", body = DeliveriesDto),
        (status = 400, description = "Unknown status or limit out of range", body = ErrorBody),
        (status = 401, description = "Missing or wrong token", body = ErrorBody),
        (status = 403, description = "Admin endpoints are off", body = ErrorBody),
    ))]
pub async fn deliveries(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<DeliveriesQuery>,
) -> Result<Json<DeliveriesDto>, ApiError> {
    if let Some(s) = q.status.as_deref() {
        if !matches!(s, "pending" | "sent" | "failed") {
            return Err(ApiError::bad_request(
                "`status` must be pending, sent or failed",
            ));
        }
    }
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::bad_request("`limit` must be 1 to 1000"));
    }
    let rows = state
        .store
        .deliveries(q.status.as_deref(), q.rule.as_deref(), limit)
        .await?;
    Ok(Json(DeliveriesDto {
        deliveries: rows
            .into_iter()
            .map(|d| DeliveryDto {
                id: d.id,
                rule: d.rule,
                destination: d.destination,
                event_key: d.event_key,
                kind: d.kind,
                platform: d.platform,
                channel_id: d.channel_id,
                title: d.title,
                status: d.status,
                attempts: d.attempts,
                next_attempt_at: d.next_attempt_at,
                last_error: d.last_error,
                created_at: d.created_at,
                sent_at: d.sent_at,
            })
            .collect(),
    }))
}
