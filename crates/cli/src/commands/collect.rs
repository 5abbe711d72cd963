//! `collect --once`: one round of each job, a summary, and an exit code that says whether
//! anything worked.

use std::process::ExitCode;

use streamtide_core::Platform;
use streamtide_server::Metrics;
use streamtide_storage::Job;

use crate::output;
use crate::settings::Settings;
use crate::wiring;

pub async fn once(
    settings: Settings,
    platform: Option<Platform>,
    job: Option<Job>,
) -> anyhow::Result<ExitCode> {
    let store = wiring::open_store(&settings).await?;
    let metrics = Metrics::new();
    let token = tokio_util::sync::CancellationToken::new();
    let (collector, thumbs) =
        wiring::collector_with_thumbs(&settings, store.clone(), &metrics, token).await?;
    if let Some(p) = platform {
        if collector.adapter(p).is_none() {
            anyhow::bail!("platform {p} is not enabled or not supported by this build");
        }
    }
    let jobs = match job {
        Some(j) => vec![j],
        None => collector.jobs(),
    };
    let summaries = collector.collect_once(platform, &jobs).await;
    println!("{}", output::round_table(&summaries));
    // A cron-style user gets the alerts of this run's writes too.
    if let Some(engine) = collector.alerts() {
        wiring::alerts::drain(engine, std::time::Duration::from_secs(30)).await;
    }
    // The copier finishes the images this run queued once the collector (its queue) is gone.
    drop(collector);
    if let Some(t) = thumbs {
        let _ = t.await;
    }
    store.close().await;
    let all_failed = !summaries.is_empty() && summaries.iter().all(|s| s.failure.is_some());
    Ok(if all_failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
