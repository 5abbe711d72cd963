//! The writes part: channel snapshots per second through `Store::write_batch`, by batch size,
//! on SQLite and on the database servers named (`crate::workload`).

use serde_json::{json, Value};
use streamtide_storage::Store;

use crate::machine::{cpu_secs, f, peak_rss_mib, TempDir};
use crate::workload::WriteWorkload;

/// `rows` channel snapshots (one channel in `live_every` live) in batches of `batch`, rounds
/// `interval_secs` apart (`crate::workload`); the worker's answer.
pub async fn writes(
    rows: u64,
    batch: usize,
    live_every: usize,
    interval_secs: u64,
    server: Option<&str>,
) -> anyhow::Result<Value> {
    let dir = TempDir::new(&format!("writes-{batch}"))?;
    let url = match server {
        Some(server) => streamtide_storage::fresh_database(server, "streamtide_bench").await?,
        None => format!("sqlite://{}", dir.path.join("bench.db").display()),
    };
    // The product's write path: curate decides the language (as `wiring::open_store`).
    let store = Store::open(&url)
        .await?
        .with_language_detector(streamtide_curate::language::detect);
    let prepared = WriteWorkload {
        rows: rows as usize,
        batch,
        live_every,
        interval: chrono::Duration::seconds(interval_secs as i64),
        prefill_rounds: 0,
    }
    .prepare(&store)
    .await?;
    let cpu_before = cpu_secs();
    let figures = prepared.run(&store).await?;
    let cpu = cpu_secs() - cpu_before;
    let backend = store.backend().as_str();
    store.close().await;
    Ok(json!({
        "backend": backend,
        "batch": batch,
        "live_every": live_every,
        "interval_secs": interval_secs,
        "rows": figures.snapshots,
        "live_samples": figures.live_samples,
        "secs": figures.secs,
        "rows_per_sec": figures.snapshots as f64 / figures.secs,
        "cpu_secs": cpu,
        "peak_rss_mib": peak_rss_mib(),
    }))
}

/// The report's writes table.
pub fn writes_table(results: &[Value]) -> String {
    let mut s = String::from(
        "### Writes: channel snapshots through `Store::write_batch`\n\n\
         SQLite in WAL mode; the servers on this machine over loopback. 5,000 channels, one \
         snapshot each per round, rounds 5 minutes apart (the collector's default channels \
         interval: an unchanged channel's row is rewritten once an hour, so one round in twelve \
         rewrites every row). CPU s is the benchmark process only (a server's own CPU time is \
         not in it).\n\n\
         | store | batch | live channels | snapshots | seconds | snapshots / s | CPU s |\n|---|---:|---:|---:|---:|---:|---:|\n",
    );
    for v in results {
        let live = match v["live_every"].as_u64() {
            Some(0) | None => "none".to_string(),
            Some(n) => format!("1 in {n}"),
        };
        s.push_str(&format!(
            "| {} | {} | {live} | {} | {:.2} | {:.0} | {:.1} |\n",
            v["backend"].as_str().unwrap_or("sqlite"),
            v["batch"],
            v["rows"],
            f(v, "secs"),
            f(v, "rows_per_sec"),
            f(v, "cpu_secs")
        ));
    }
    s.push('\n');
    s
}
