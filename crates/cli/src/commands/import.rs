//! `import FILE` / `import --retry`: a roster into the store, with a report of every row.
//!
//! Every row that was not imported is listed with its creator, reference and reason; rows whose
//! platform was unreachable are kept in the store and retried (`--retry`, and by `run`). The
//! exit code is 1 when any row was not imported, and the last line gives the counts.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use streamtide_collector::import::{import_roster_from, retry_pending, ImportReport, Outcome};

use crate::settings::Settings;
use crate::wiring;

pub async fn run(
    settings: Settings,
    file: &Path,
    encoding: Option<&str>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let encoding = encoding
        .map(streamtide_roster::encoding_for_label)
        .transpose()?;
    if !file.exists() {
        anyhow::bail!("no such file: {}", file.display());
    }
    // A blocking thread: reading is CPU work, bounded by `[import]`'s limits and time budget.
    let limits = settings.import.limits();
    let path = file.to_path_buf();
    let roster = tokio::task::spawn_blocking(move || {
        streamtide_roster::read_path_limited(&path, encoding, &limits)
    })
    .await
    .context("reading the roster")?
    .with_context(|| format!("reading {}", file.display()))?;
    let store = wiring::open_store(&settings).await?;
    let adapters = wiring::adapters(&settings, &store).await?;
    // A bar on a terminal; nothing on a pipe or in CI.
    let bar = if std::io::stderr().is_terminal() && !json {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} resolving {pos}/{len} channels {wide_bar} {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Some(bar)
    } else {
        None
    };
    let tick = bar.clone();
    let source = file.display().to_string();
    let report = import_roster_from(
        &roster,
        &source,
        &adapters,
        &store,
        chrono::Utc::now(),
        settings.collector.concurrency,
        move |done, total| {
            if let Some(b) = &tick {
                b.set_length(total as u64);
                b.set_position(done as u64);
            }
        },
    )
    .await;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    store.close().await;
    let report = report?;
    let read_as = roster
        .encoding
        .as_deref()
        .map_or_else(String::new, |e| format!(" (read as {e})"));
    let summary = format!(
        "{source}{read_as}: {} rows; {}",
        roster.rows,
        counts(&report)
    );
    print_report(&report, &summary, json)
}

pub async fn retry(settings: Settings, json: bool) -> anyhow::Result<ExitCode> {
    let store = wiring::open_existing_store(&settings).await?;
    let adapters = wiring::adapters(&settings, &store).await?;
    let report = retry_pending(
        &adapters,
        &store,
        chrono::Utc::now(),
        settings.collector.concurrency,
    )
    .await;
    store.close().await;
    match report? {
        None => {
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&ImportReport::default())?
                );
            } else {
                println!("No roster rows are waiting for a retry.");
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(report) => {
            let summary = format!(
                "Retried {} kept row(s); {}",
                report.lines.len(),
                counts(&report)
            );
            print_report(&report, &summary, json)
        }
    }
}

/// The counts of a report, as the last line says them.
fn counts(r: &ImportReport) -> String {
    let mut s = format!(
        "imported {}, already present {}, duplicates {}, unresolved {}, kept for retry {}; {} new creator(s).",
        r.imported, r.already_present, r.duplicates, r.unresolved, r.pending, r.creators_created
    );
    if r.pending > 0 {
        s.push_str(
            " Kept rows are retried by `streamtide run`, or now with `streamtide import --retry`.",
        );
    }
    s
}

/// The rows not imported as a table, then `summary` as the last line (JSON: the whole report).
/// Exit 1 when any row was not imported.
fn print_report(report: &ImportReport, summary: &str, json: bool) -> anyhow::Result<ExitCode> {
    if json {
        println!("{}", serde_json::to_string_pretty(report)?);
    } else {
        let with_source = report.lines.iter().any(|l| l.source.is_some());
        let not_imported: Vec<_> = report
            .lines
            .iter()
            .filter_map(|l| match &l.outcome {
                Outcome::Unresolved { reason } => Some((l, "unresolved", reason)),
                Outcome::Pending { reason } => Some((l, "kept for retry", reason)),
                _ => None,
            })
            .collect();
        if !not_imported.is_empty() {
            let mut t = comfy_table::Table::new();
            t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
            let mut header = vec!["row", "creator", "reference", "status", "why not imported"];
            if with_source {
                header.insert(0, "file");
            }
            t.set_header(header);
            for (l, status, reason) in not_imported {
                let mut row = vec![
                    l.row.to_string(),
                    l.creator.clone(),
                    l.reference.clone(),
                    status.to_string(),
                    reason.clone(),
                ];
                if with_source {
                    row.insert(0, l.source.clone().unwrap_or_default());
                }
                t.add_row(row);
            }
            println!("{t}");
        }
        println!("{summary}");
    }
    Ok(if report.failed() > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// `run`'s part: retry the roster rows kept by earlier imports now, then every `interval` while
/// any remain, until `token` is cancelled. Uses the collector's adapters (and so its polite
/// rates).
pub async fn retry_loop(
    store: streamtide_storage::Store,
    adapters: Vec<std::sync::Arc<dyn streamtide_platforms::PlatformAdapter>>,
    interval: std::time::Duration,
    concurrency: usize,
    token: tokio_util::sync::CancellationToken,
) {
    loop {
        match store.count_pending_imports().await {
            Ok(0) => {}
            Ok(n) => {
                tracing::info!(rows = n, "Retrying roster rows kept by an earlier import.");
                match retry_pending(&adapters, &store, chrono::Utc::now(), concurrency).await {
                    Ok(Some(r)) => tracing::info!(
                        imported = r.imported + r.already_present,
                        failed = r.unresolved,
                        still_kept = r.pending,
                        "Retried kept roster rows."
                    ),
                    Ok(None) => {}
                    Err(e) => tracing::warn!(error = %e, "Retrying kept roster rows failed."),
                }
            }
            Err(e) => tracing::warn!(error = %e, "Could not count kept roster rows."),
        }
        tokio::select! {
            _ = token.cancelled() => return,
            _ = tokio::time::sleep(interval.max(std::time::Duration::from_secs(30))) => {}
        }
    }
}
