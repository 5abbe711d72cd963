//! Store-writes throughput: the workload of `streamtide-bench` (part `writes`,
//! `streamtide_bench::workload`) alone. Ignored by default; run it optimised:
//!
//! `cargo test -p streamtide-bench --release --test write_bench -- --ignored --nocapture`
//!
//! `BENCH_ROWS` (default 100,000) sets the snapshots per run, `BENCH_INTERVAL_SECS` (default 300,
//! the collector's channels interval) the time between rounds, `BENCH_PREFILL_ROUNDS` (default 0)
//! untimed rounds written first (snapshots per channel already in the table).

use chrono::Duration;
use streamtide_bench::workload::WriteWorkload;
use streamtide_storage::Store;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: run with --release --ignored"]
async fn write_throughput() {
    let rows = env("BENCH_ROWS", 100_000);
    let interval = Duration::seconds(env("BENCH_INTERVAL_SECS", 300) as i64);
    let prefill_rounds = env("BENCH_PREFILL_ROUNDS", 0);
    for (batch, live_every) in [(50, 10), (500, 10), (500, 0), (5000, 10)] {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("bench.db").display());
        let store = Store::open(&url)
            .await
            .unwrap()
            .with_language_detector(streamtide_curate::language::detect);
        let workload = WriteWorkload {
            rows,
            batch,
            live_every,
            interval,
            prefill_rounds,
        };
        let prepared = workload.prepare(&store).await.unwrap();
        let figures = prepared.run(&store).await.unwrap();
        let live = (0..5_000.min(rows))
            .filter(|i| live_every > 0 && i % live_every == 0)
            .count() as u64;
        assert_eq!(
            figures.live_samples,
            figures.snapshots / 5_000.min(rows) as u64 * live
        );
        assert!(store.consistency_violations().await.unwrap().is_empty());
        store.close().await;
        let live = if live_every > 0 {
            format!("1 in {live_every}")
        } else {
            "none".into()
        };
        println!(
            "writes: batch {batch:>4}, live {live:>8}: {:>9.0} snapshots/s",
            figures.snapshots as f64 / figures.secs
        );
    }
}
