//! `import FILE`: a roster spreadsheet into the store, with a report of every row.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use streamtide_collector::import::{import_roster, Outcome};

use super::wire;
use crate::settings::Settings;

pub async fn run(settings: Settings, file: &Path, json: bool) -> anyhow::Result<ExitCode> {
    let roster = streamtide_roster::read_path(file)
        .with_context(|| format!("reading {}", file.display()))?;
    let store = wire::open_store(&settings).await?;
    let adapters = wire::adapters(&settings, &store).await?;
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
    let report = import_roster(
        &roster,
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
    .await?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    store.close().await;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        let unresolved: Vec<_> = report
            .lines
            .iter()
            .filter_map(|l| match &l.outcome {
                Outcome::Unresolved { reason } => Some((l.row, &l.creator, &l.reference, reason)),
                _ => None,
            })
            .collect();
        if !unresolved.is_empty() {
            let mut t = comfy_table::Table::new();
            t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
            t.set_header(vec!["row", "creator", "reference", "why not imported"]);
            for (row, creator, reference, reason) in unresolved {
                t.add_row(vec![
                    row.to_string(),
                    creator.clone(),
                    reference.clone(),
                    reason.clone(),
                ]);
            }
            println!("{t}");
        }
        println!(
            "{}: {} rows; imported {}, already present {}, duplicates {}, unresolved {}; {} new creator(s).",
            file.display(),
            roster.rows,
            report.imported,
            report.already_present,
            report.duplicates,
            report.unresolved,
            report.creators_created
        );
    }
    // Partial success is success: the report says what was left out.
    Ok(ExitCode::SUCCESS)
}
