//! `alerts list` (rules, destinations, recent deliveries) and `alerts test CHANNEL` (a sample
//! message to one destination, sent now, outside the delivery log).

use std::process::ExitCode;

use anyhow::bail;
use chrono::Utc;
use serde_json::json;
use streamtide_alerts::{deliver, render, AlertEvent, Facts, RuleConfig, RuleKind};
use streamtide_core::Platform;

use crate::settings::Settings;
use crate::wiring;

/// Print the destinations (names and kinds only), the rules in force and the latest deliveries.
pub async fn list(settings: Settings, json_out: bool) -> anyhow::Result<ExitCode> {
    let cfg = &settings.alerts;
    // Rules added through the API and the delivery log live in the database; without one yet,
    // the configured part is still worth showing.
    let (stored, deliveries, no_db) = match wiring::open_store_for_reading(&settings).await {
        Ok(store) => {
            let stored: Vec<RuleConfig> = store
                .alert_rules()
                .await?
                .iter()
                .filter_map(|r| serde_json::from_str(&r.spec).ok())
                .filter(|r: &RuleConfig| !cfg.rules.iter().any(|c| c.name == r.name))
                .collect();
            let deliveries = store.deliveries(None, None, 20).await?;
            store.close().await;
            (stored, deliveries, None)
        }
        Err(e) => (Vec::new(), Vec::new(), Some(format!("{e:#}"))),
    };
    if json_out {
        let out = json!({
            "channels": cfg.channels.iter().map(|c| json!({"name": c.name, "kind": c.kind.as_str()})).collect::<Vec<_>>(),
            "rules": cfg.rules.iter().map(|r| json!({"source": "config", "rule": r}))
                .chain(stored.iter().map(|r| json!({"source": "api", "rule": r}))).collect::<Vec<_>>(),
            "deliveries": deliveries,
            "database": no_db.as_ref().map_or("ok".to_string(), |e| format!("not read: {e}")),
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(ExitCode::SUCCESS);
    }
    if cfg.channels.is_empty() {
        println!("No [[alerts.channels]] configured: alerts are off (see `streamtide config default`, section [alerts]).");
    } else {
        println!("Channels:");
        for c in &cfg.channels {
            println!("  {:<16} {}", c.name, c.kind.as_str());
        }
    }
    let all: Vec<(&str, &RuleConfig)> = cfg
        .rules
        .iter()
        .map(|r| ("config", r))
        .chain(stored.iter().map(|r| ("api", r)))
        .collect();
    if all.is_empty() {
        println!("No rules.");
    } else {
        println!("Rules:");
        for (source, r) in all {
            let scope = [
                r.platform.map(|p| format!("platform={p}")),
                r.creator.as_ref().map(|c| format!("creator={c}")),
                r.channel.as_ref().map(|c| format!("channel={c}")),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
            let metric = if r.kind.has_metric() {
                r.metric.as_str()
            } else {
                ""
            };
            println!(
                "  {:<16} {:<12} {:<12} → {:<20} {} ({source})",
                r.name,
                r.kind.as_str(),
                metric,
                r.notify.join(","),
                if scope.is_empty() {
                    "all tracked".to_string()
                } else {
                    scope
                },
            );
        }
    }
    if let Some(e) = &no_db {
        let first = e.lines().next().unwrap_or_default();
        println!("(Rules added through the API and the delivery log are in the database, which was not read: {first})");
    }
    if !deliveries.is_empty() {
        println!("Latest deliveries:");
        for d in &deliveries {
            println!(
                "  {} {:<8} {:<12} {:<12} {}{}",
                d.created_at
                    .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                    .unwrap_or_default(),
                d.status,
                d.rule,
                d.destination,
                d.title,
                d.last_error
                    .as_deref()
                    .map(|e| format!(" ({e})"))
                    .unwrap_or_default(),
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Send a sample alert to the destination named `channel`.
pub async fn test(settings: Settings, channel: &str) -> anyhow::Result<ExitCode> {
    let cfg = &settings.alerts;
    let Some(dest) = cfg.channel(channel) else {
        let names: Vec<&str> = cfg.channels.iter().map(|c| c.name.as_str()).collect();
        if names.is_empty() {
            bail!("no [[alerts.channels]] is configured; add one to the config file (see `streamtide config default`)");
        }
        bail!(
            "no [[alerts.channels]] named `{channel}`; configured: {}",
            names.join(", ")
        );
    };
    let event = AlertEvent {
        rule: "streamtide-test".into(),
        kind: RuleKind::Milestone,
        key: format!("test:{}", Utc::now().timestamp()),
        platform: Platform::Chzzk,
        channel_id: "test".into(),
        channel_name: "streamtide".into(),
        creator: None,
        at: Utc::now(),
        url: (!cfg.public_url.is_empty()).then(|| cfg.public_url.clone()),
        facts: Facts::Milestone {
            metric: streamtide_alerts::Metric::Followers,
            milestone: 1_000_000,
            value: 1_000_000,
            rounded: false,
        },
    };
    let mut msg = render(&event, dest.language_or(cfg.language));
    msg.title = format!("[TEST] {}", msg.title);
    let http = streamtide_alerts::worker::http_client();
    match deliver::send(&http, dest, &msg, cfg.timeout).await {
        Ok(()) => {
            println!(
                "Sent a test message to `{}` ({}).",
                dest.name,
                dest.kind.as_str()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!(
                "error: the test message to `{}` ({}) failed{}: {e}",
                dest.name,
                dest.kind.as_str(),
                if e.retryable {
                    " (a later attempt may work)"
                } else {
                    ""
                }
            );
            Ok(ExitCode::from(2))
        }
    }
}
