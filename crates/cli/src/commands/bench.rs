//! `bench`: the figures of BENCHMARKS.md, measured on this machine.
//!
//! Three parts, each in its own child process (this binary again, hidden `bench-worker`
//! subcommand) so CPU time and peak memory belong to that part alone:
//! - **collection**: one live round and one channels round of every platform, platforms in
//!   parallel, for N tracked channels against the in-process simulator with 80–150 ms latency
//!   per request and each platform's real rate limit. Large N would take hours at the real limits
//!   (SOOP allows 2 requests a second), so a run may compress time by a factor K: every rate and
//!   Twitch's bucket K times faster, every latency K times shorter. The round is then the same
//!   round played K times faster, and its ratio to the bound carries over (CPU work does not
//!   shrink, so a compressed run is if anything pessimistic).
//!   The lower bound is what the rate limits allow: per platform, (requests − burst) ÷ rate plus
//!   the minimum latency of each job's last request; platforms run in parallel, so the slowest
//!   one is the bound.
//! - **writes**: channel snapshots per second through `Store::write_batch`, by batch size.
//! - **api**: `/api/v1/live` with 1,000 live items and `/api/v1/trends` served by this process,
//!   loaded from a separate process over keep-alive connections (requests/s, p50, p99).
//!
//! `--quick` runs small sizes in well under a minute and fails on an implausible figure; CI runs
//! it on the debug build.

use std::process::{Command, ExitCode, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context};
use chrono::Utc;
use serde_json::{json, Value};
use streamtide_core::{
    ChannelId, ChannelInfo, ChannelObservation, ChannelStats, LiveState, Platform, SystemClock,
};
use streamtide_platforms::PlatformsConfig;
use streamtide_server::{AppState, Metrics};
use streamtide_simulator::{SimConfig, Simulator};
use streamtide_storage::workload::{self, WriteWorkload};
use streamtide_storage::{Batch, Job, Store};
use tokio_util::sync::CancellationToken;

use super::demo;
use crate::settings::Settings;
use crate::wiring;

/// Simulated network latency of every platform request (a Seoul–US round trip and then some).
const LATENCY: (Duration, Duration) = (Duration::from_millis(80), Duration::from_millis(150));
/// Linux reports process CPU time in these ticks per second (USER_HZ, fixed at 100 on x86-64).
const TICKS_PER_SEC: f64 = 100.0;

/// `streamtide bench`
#[derive(clap::Args, Debug)]
pub struct BenchArgs {
    /// Small sizes, under a minute even in a debug build; exits non-zero on an implausible figure.
    #[arg(long)]
    pub quick: bool,
    /// Collection runs as NxK: N tracked channels (all four platforms together) with time
    /// compressed K times (rates ×K, latency ÷K; 1 = the real limits).
    /// Default: 1566x1,1566x10,10000x10,100000x100.
    #[arg(long, value_delimiter = ',')]
    pub collection: Vec<String>,
    /// Seconds of load per API endpoint.
    #[arg(long, default_value_t = 10)]
    pub load_secs: u64,
    /// Concurrent keep-alive connections of the load generator.
    #[arg(long, default_value_t = 16)]
    pub connections: usize,
    /// Snapshots written per batch size in the write benchmark.
    #[arg(long, default_value_t = 200_000)]
    pub rows: u64,
    /// Database servers the write benchmark also runs on, besides SQLite: `postgres://…` and
    /// `mysql://…` URLs. Each run drops and creates a database `streamtide_bench` there.
    #[arg(long, value_delimiter = ',')]
    pub write_servers: Vec<String>,
    /// Skip parts: any of collection, writes, api.
    #[arg(long, value_delimiter = ',')]
    pub skip: Vec<String>,
}

/// The hidden `bench-worker` subcommand: one measured part, its result as one JSON line.
#[derive(clap::Subcommand, Debug)]
pub enum Worker {
    Collection {
        #[arg(long)]
        channels: usize,
        #[arg(long)]
        speedup: f64,
    },
    Writes {
        #[arg(long)]
        rows: u64,
        #[arg(long)]
        batch: usize,
        /// One channel in this many is live (0: none).
        #[arg(long, default_value_t = 10)]
        live_every: usize,
        /// Seconds between rounds (the collector's default channels interval).
        #[arg(long, default_value_t = 300)]
        interval_secs: u64,
        /// A database server to write to instead of a temporary SQLite file.
        #[arg(long)]
        server: Option<String>,
    },
    Load {
        #[arg(long)]
        url: String,
        #[arg(long)]
        connections: usize,
        #[arg(long)]
        secs: f64,
        /// `Accept-Encoding` to send (gzip, br); none: uncompressed answers.
        #[arg(long)]
        encoding: Option<String>,
        /// Send the answer's `ETag` back (`If-None-Match`): a tab revalidating within a round.
        #[arg(long)]
        revalidate: bool,
    },
}

/// Run one worker and print its JSON result on stdout.
pub async fn worker(w: Worker) -> anyhow::Result<()> {
    let v = match w {
        Worker::Collection { channels, speedup } => collection(channels, speedup).await?,
        Worker::Writes {
            rows,
            batch,
            live_every,
            interval_secs,
            server,
        } => writes(rows, batch, live_every, interval_secs, server.as_deref()).await?,
        Worker::Load {
            url,
            connections,
            secs,
            encoding,
            revalidate,
        } => {
            let how = super::bench_tab::Request {
                encoding,
                revalidate,
            };
            load(&url, connections, Duration::from_secs_f64(secs), &how).await?
        }
    };
    println!("{v}");
    Ok(())
}

/// Run every part, print the report as Markdown, and (with `--quick`) check it is sane.
pub async fn run(args: BenchArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let skip = |part: &str| args.skip.iter().any(|s| s == part);
    let mut report = String::new();
    let mut problems = Vec::new();
    report.push_str(&format!(
        "Machine: {} CPU(s), {}; build: {}.\n\n",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        cpu_model(),
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    ));

    if !skip("collection") {
        let runs = if !args.collection.is_empty() {
            args.collection
                .iter()
                .map(|s| parse_run(s))
                .collect::<Result<Vec<_>, _>>()?
        } else if args.quick {
            vec![(200, 20.0)]
        } else {
            vec![(1566, 1.0), (1566, 10.0), (10_000, 10.0), (100_000, 100.0)]
        };
        let mut results = Vec::new();
        for (n, k) in runs {
            eprintln!("bench: collection round, {n} channels, limits x{k} ...");
            let v = child(&[
                "collection",
                "--channels",
                &n.to_string(),
                "--speedup",
                &k.to_string(),
            ])?;
            check_collection(&v, &mut problems);
            results.push(v);
        }
        report.push_str(&collection_table(&results));
    }

    if !skip("writes") {
        let rows = if args.quick { 20_000 } else { args.rows };
        let mut results = Vec::new();
        let stores = std::iter::once(None).chain(args.write_servers.iter().map(Some));
        for server in stores {
            // Batch sizes with a tenth of the channels live, then an all-offline roster.
            for (batch, live_every) in [
                (1usize, 10usize),
                (50, 10),
                (500, 10),
                (5000, 10),
                (50, 0),
                (500, 0),
            ] {
                let rows = if batch == 1 { rows / 10 } else { rows };
                let backend = server.map_or("sqlite", |u| u.split(':').next().unwrap_or("?"));
                eprintln!("bench: writes ({backend}), {rows} snapshots in batches of {batch} ...");
                let (rows, batch, live_every) =
                    (rows.to_string(), batch.to_string(), live_every.to_string());
                let mut a = vec![
                    "writes",
                    "--rows",
                    &rows,
                    "--batch",
                    &batch,
                    "--live-every",
                    &live_every,
                ];
                if let Some(url) = server {
                    a.extend(["--server", url.as_str()]);
                }
                let v = child(&a)?;
                if v["rows_per_sec"].as_f64().unwrap_or(0.0) <= 0.0 {
                    problems.push(format!("writes: no rows per second: {v}"));
                }
                results.push(v);
            }
        }
        report.push_str(&writes_table(&results));
    }

    if !skip("api") {
        let secs = if args.quick { 2 } else { args.load_secs };
        let connections = if args.quick { 4 } else { args.connections };
        let (results, new_tab) = api(args.quick, connections, secs as f64).await?;
        for v in &results {
            if v["requests_per_sec"].as_f64().unwrap_or(0.0) <= 0.0 || v["errors"] != 0 {
                problems.push(format!("api: {v}"));
            }
        }
        report.push_str(&api_table(&results, connections));
        report.push_str(&new_tab);
    }

    println!("{report}");
    eprintln!("bench: done in {:.0} s", started.elapsed().as_secs_f64());
    if args.quick && !problems.is_empty() {
        for p in &problems {
            eprintln!("bench: FAILED: {p}");
        }
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

fn parse_run(s: &str) -> anyhow::Result<(usize, f64)> {
    let (n, k) = s.split_once('x').unwrap_or((s, "1"));
    Ok((
        n.trim()
            .parse()
            .with_context(|| format!("channels in `{s}`"))?,
        k.trim()
            .parse()
            .with_context(|| format!("speed-up in `{s}`"))?,
    ))
}

/// Run `bench-worker ARGS` and parse the JSON line it prints.
fn child(args: &[&str]) -> anyhow::Result<Value> {
    let exe = std::env::current_exe().context("locating this binary")?;
    let out = Command::new(exe)
        .arg("bench-worker")
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .context("starting a bench worker")?;
    ensure!(
        out.status.success(),
        "bench worker {args:?} failed: {}",
        out.status
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().last().unwrap_or_default();
    serde_json::from_str(line).with_context(|| format!("worker output: {text}"))
}

// ---- collection ------------------------------------------------------------------------------

/// N channels shared out over the four platforms (the remainder goes to CHZZK).
fn split(n: usize) -> [(Platform, usize); 4] {
    let q = n / 4;
    [
        (Platform::Chzzk, n - 3 * q),
        (Platform::Soop, q),
        (Platform::Twitch, q),
        (Platform::Youtube, q),
    ]
}

async fn collection(n: usize, speedup: f64) -> anyhow::Result<Value> {
    ensure!(n >= 4 && speedup >= 1.0, "need n >= 4 and speedup >= 1");
    let sizes = split(n);
    let size = |p: Platform| sizes.iter().find(|(q, _)| *q == p).map_or(0, |s| s.1);
    let real = PlatformsConfig::default();
    let sim_cfg = SimConfig {
        chzzk_channels: size(Platform::Chzzk),
        soop_channels: size(Platform::Soop),
        twitch_channels: size(Platform::Twitch),
        youtube_channels: size(Platform::Youtube),
        latency: Some((LATENCY.0.div_f64(speedup), LATENCY.1.div_f64(speedup))),
        // Helix's 800 points a minute, on the compressed clock.
        twitch_bucket_window: Duration::from_secs(60).div_f64(speedup),
        ..SimConfig::default()
    };
    let sim = Simulator::start(sim_cfg.clone(), Arc::new(SystemClock))
        .await
        .context("starting the simulator")?;
    let dir = TempDir::new(&format!("collection-{n}"))?;
    let db = format!("sqlite://{}", dir.path.join("bench.db").display());
    let mut settings = demo::settings_for_simulator(Settings::default(), &sim, &sim_cfg, db);
    let p = &mut settings.platforms;
    p.chzzk.requests_per_second = real.chzzk.requests_per_second * speedup;
    p.soop.requests_per_second = real.soop.requests_per_second * speedup;
    p.twitch.requests_per_second = real.twitch.requests_per_second * speedup;
    p.youtube.requests_per_second = real.youtube.requests_per_second * speedup;
    let limits = [
        (Platform::Chzzk, p.chzzk.requests_per_second, p.chzzk.burst),
        (Platform::Soop, p.soop.requests_per_second, p.soop.burst),
        (
            Platform::Twitch,
            p.twitch.requests_per_second,
            p.twitch.burst,
        ),
        (
            Platform::Youtube,
            p.youtube.requests_per_second,
            p.youtube.burst,
        ),
    ];
    // The real configuration otherwise (concurrency 4, batches of 50); videos are a 6-hourly job
    // and not part of the round measured here.
    settings.collector = streamtide_collector::CollectorConfig {
        videos: false,
        ..Default::default()
    };

    let store = wiring::open_store(&settings).await?;
    let now = Utc::now();
    for (platform, _) in sizes {
        for info in sim.world().roster(platform, usize::MAX) {
            store.track_channel(&info, now).await?;
        }
    }
    let metrics = Metrics::new();
    let collector = wiring::collector(&settings, store.clone(), &metrics).await?;

    let cpu_before = cpu_secs();
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for platform in collector.platforms() {
        let c = Arc::clone(&collector);
        tasks.spawn(async move {
            let never = CancellationToken::new();
            let t = Instant::now();
            let live = c.run_round(platform, Job::Live, &never).await;
            let channels = c.run_round(platform, Job::Channels, &never).await;
            (platform, live, channels, t.elapsed())
        });
    }
    let mut per_platform = Vec::new();
    let mut bound: f64 = 0.0;
    let mut failures = Vec::new();
    while let Some(r) = tasks.join_next().await {
        let (platform, live, channels, took) = r.context("round task")?;
        let (_, rate, burst) = limits
            .iter()
            .find(|l| l.0 == platform)
            .copied()
            .context("limits")?;
        let requests = live.requests + channels.requests;
        // Two jobs one after the other: each waits at least the minimum latency for its last reply.
        let b = requests.saturating_sub(u64::from(burst)) as f64 / rate
            + 2.0 * LATENCY.0.as_secs_f64() / speedup;
        bound = bound.max(b);
        for s in [&live, &channels] {
            if let Some(f) = &s.failure {
                failures.push(format!("{platform} {:?}: {f}", s.job));
            }
        }
        per_platform.push(json!({
            "platform": platform.as_str(),
            "channels": size(platform),
            "rate": rate,
            "burst": burst,
            "requests_live": live.requests,
            "requests_channels": channels.requests,
            "served": sim.requests(platform),
            "errors": live.errors + channels.errors,
            "secs": took.as_secs_f64(),
            "bound_secs": b,
        }));
    }
    let wall = started.elapsed().as_secs_f64();
    let cpu = cpu_secs() - cpu_before;
    per_platform.sort_by_key(|v| v["platform"].as_str().unwrap_or_default().to_string());
    let counts = store.counts().await?;
    store.close().await;
    sim.shutdown().await;
    Ok(json!({
        "channels": n,
        "speedup": speedup,
        "concurrency": settings.collector.concurrency,
        "wall_secs": wall,
        "bound_secs": bound,
        "ratio": wall / bound,
        "cpu_secs": cpu,
        "peak_rss_mib": peak_rss_mib(),
        "snapshots": counts.channel_snapshots,
        "tracked": counts.tracked_channels,
        "failures": failures,
        "platforms": per_platform,
    }))
}

fn check_collection(v: &Value, problems: &mut Vec<String>) {
    let n = v["channels"].as_u64().unwrap_or(0);
    if v["snapshots"].as_u64() != Some(n) {
        problems.push(format!(
            "collection: {} of {n} channels observed",
            v["snapshots"]
        ));
    }
    if v["failures"].as_array().is_some_and(|f| !f.is_empty()) {
        problems.push(format!("collection: failed rounds {}", v["failures"]));
    }
    for p in v["platforms"].as_array().into_iter().flatten() {
        if p["requests_channels"].as_u64().unwrap_or(0) == 0 || p["errors"] != 0 {
            problems.push(format!("collection: {p}"));
        }
    }
    // Below 1 the bound is wrong; far above it the collector no longer keeps up with the limits
    // (generous: a debug build on a busy machine).
    if !v["ratio"]
        .as_f64()
        .is_some_and(|r| r.is_finite() && (0.9..3.0).contains(&r))
    {
        problems.push(format!(
            "collection: wall time {} times the bound",
            v["ratio"]
        ));
    }
}

fn collection_table(results: &[Value]) -> String {
    let mut s = String::from(
        "### Collection: one live + one channels round, all four platforms in parallel\n\n\
         | channels | time compressed | wall s | bound s | wall / bound | same at real limits s | requests / channel | CPU s | peak RSS MiB |\n\
         |---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for v in results {
        let n = v["channels"].as_f64().unwrap_or(1.0);
        let req: u64 = v["platforms"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| p["requests_channels"].as_u64().unwrap_or(0))
            .sum();
        s.push_str(&format!(
            "| {} | x{} | {:.1} | {:.1} | {:.2} | {:.0} | {:.2} | {:.1} | {:.0} |\n",
            v["channels"],
            v["speedup"],
            f(v, "wall_secs"),
            f(v, "bound_secs"),
            f(v, "ratio"),
            f(v, "wall_secs") * f(v, "speedup"),
            req as f64 / n,
            f(v, "cpu_secs"),
            f(v, "peak_rss_mib"),
        ));
    }
    s.push_str(
        "\n| channels | time compressed | platform | channels | rate/s | requests (live + channels) | requests / channel | platform s | bound s |\n\
         |---:|---:|---|---:|---:|---:|---:|---:|---:|\n",
    );
    for v in results {
        for p in v["platforms"].as_array().into_iter().flatten() {
            let ch = p["channels"].as_f64().unwrap_or(1.0).max(1.0);
            s.push_str(&format!(
                "| {} | x{} | {} | {} | {} | {} + {} | {:.2} | {:.1} | {:.1} |\n",
                v["channels"],
                v["speedup"],
                p["platform"].as_str().unwrap_or_default(),
                p["channels"],
                p["rate"],
                p["requests_live"],
                p["requests_channels"],
                p["requests_channels"].as_f64().unwrap_or(0.0) / ch,
                f(p, "secs"),
                f(p, "bound_secs"),
            ));
        }
    }
    s.push('\n');
    s
}

// ---- writes ----------------------------------------------------------------------------------

/// `rows` channel snapshots (one channel in `live_every` live) in batches of `batch`, rounds
/// `interval_secs` apart (`streamtide_storage::workload`).
async fn writes(
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
    // The product's write path: curate decides the language (`wiring::open_store`).
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

fn writes_table(results: &[Value]) -> String {
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

// ---- api -------------------------------------------------------------------------------------

/// Seed 1,000 live broadcasts (250 a platform) and daily history, serve, and load each endpoint
/// from a child process.
async fn api(quick: bool, connections: usize, secs: f64) -> anyhow::Result<(Vec<Value>, String)> {
    let dir = TempDir::new("api")?;
    let store = Store::open(&format!("sqlite://{}", dir.path.join("bench.db").display()))
        .await?
        .with_language_detector(streamtide_curate::language::detect);
    let now = Utc::now();
    let days = if quick { 8 } else { 31 };
    eprintln!("bench: api, seeding 1,000 live channels with {days} days of history ...");
    for (pi, platform) in Platform::ALL.into_iter().enumerate() {
        let ids: Vec<String> = (0..250)
            .map(|i| format!("{platform}-{pi}-{i:04}"))
            .collect();
        for d in (0..days).rev() {
            let at = now - chrono::Duration::days(d) - chrono::Duration::minutes(1);
            let round = store.start_round(platform, Job::Channels, at).await?;
            let found = ids
                .iter()
                .enumerate()
                .map(|(i, id)| ChannelObservation {
                    info: ChannelInfo {
                        platform,
                        channel_id: ChannelId::new(id.clone()),
                        name: format!("채널 {id}"),
                        handle: None,
                        avatar_url: None,
                        description: None,
                    },
                    stats: ChannelStats {
                        // Different growth per channel, so rankings have something to rank.
                        followers: Some(10_000 + (i as u64 * 37 % 500) * (days - d) as u64),
                        total_views: Some(1_000_000 + (i as u64 % 97) * 1_000 * (days - d) as u64),
                        video_count: Some(20),
                    },
                    live: LiveState::Unknown,
                })
                .collect();
            store
                .write_batch(
                    round,
                    platform,
                    at,
                    &Batch::Channels {
                        found,
                        missing: Vec::new(),
                    },
                )
                .await?;
        }
        let round = store.start_round(platform, Job::Live, now).await?;
        let items = ids
            .iter()
            .enumerate()
            .map(|(i, id)| workload::broadcast(platform, id, i, now))
            .collect();
        store
            .write_batch(
                round,
                platform,
                now,
                &Batch::LiveList {
                    items,
                    close_after: chrono::Duration::minutes(10),
                },
            )
            .await?;
    }
    store.rebuild_rollups().await?;

    let state = AppState::new(
        store.clone(),
        chrono::Duration::minutes(10),
        Arc::new(Metrics::new()),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let stop = CancellationToken::new();
    let token = stop.clone();
    let server = tokio::spawn(streamtide_server::serve(listener, state, async move {
        token.cancelled().await
    }));
    // The new tab first (one board's page walk, uncompressed, gzip, brotli, revalidated), then
    // the load: `/live` with and without compression and revalidating, side by side.
    let new_tab =
        super::bench_tab::new_tab_table(&format!("http://{addr}"), if quick { 5 } else { 30 })
            .await?;
    let none = super::bench_tab::Request::default();
    let enc = |e: &str| super::bench_tab::Request {
        encoding: Some(e.to_string()),
        revalidate: false,
    };
    let revalidating = super::bench_tab::Request {
        encoding: Some("br".into()),
        revalidate: true,
    };
    let endpoints = [
        ("/api/v1/live?limit=200", "live, 200 of 1,000", none.clone()),
        ("/api/v1/live?limit=200", "live, 200, gzip", enc("gzip")),
        ("/api/v1/live?limit=200", "live, 200, brotli", enc("br")),
        ("/api/v1/live?limit=200", "live, 200, 304", revalidating),
        ("/api/v1/live?limit=50", "live, 50 of 1,000", none.clone()),
        ("/api/v1/live?limit=50", "live, 50, brotli", enc("br")),
        (
            "/api/v1/trends?metric=followers&period=7d&limit=50",
            "trends followers 7d",
            none.clone(),
        ),
        (
            "/api/v1/trends?metric=views&period=1d&limit=50&group=channel",
            "trends views 1d",
            none,
        ),
    ];
    let mut results = Vec::new();
    for (path, name, how) in endpoints {
        let url = format!("http://{addr}{path}");
        // The answer must be real before it is worth measuring.
        let text = reqwest::get(&url).await?.error_for_status()?.text().await?;
        let body: Value = serde_json::from_str(&text)?;
        let items = body["items"].as_array().map_or(0, Vec::len);
        if path.contains("/live") {
            ensure!(body["total"] == 1000, "{path}: total {}", body["total"]);
        }
        ensure!(items > 0, "{path}: no items: {body}");
        eprintln!("bench: api, {name}: {connections} connections for {secs} s ...");
        let cpu_before = cpu_secs();
        let mut v = tokio::task::spawn_blocking({
            let url = url.clone();
            let how = how.clone();
            move || {
                let (connections, secs) = (connections.to_string(), secs.to_string());
                let mut a = vec![
                    "load",
                    "--url",
                    &url,
                    "--connections",
                    &connections,
                    "--secs",
                    &secs,
                ];
                if let Some(e) = &how.encoding {
                    a.extend(["--encoding", e]);
                }
                if how.revalidate {
                    a.push("--revalidate");
                }
                child(&a)
            }
        })
        .await??;
        v["server_cpu_secs"] = json!(cpu_secs() - cpu_before);
        v["endpoint"] = json!(path);
        v["how"] = json!(how.label());
        v["items"] = json!(items);
        results.push(v);
    }
    stop.cancel();
    let _ = server.await;
    store.close().await;
    Ok((results, new_tab))
}

/// The load generator: `connections` keep-alive clients in a loop for `secs`.
async fn load(
    url: &str,
    connections: usize,
    secs: Duration,
    how: &super::bench_tab::Request,
) -> anyhow::Result<Value> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .timeout(Duration::from_secs(30))
        .default_headers(how.headers(url).await?)
        .build()?;
    let started = Instant::now();
    let deadline = started + secs;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..connections.max(1) {
        let client = client.clone();
        let url = url.to_string();
        tasks.spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0u64;
            let mut bytes = 0u64;
            while Instant::now() < deadline {
                let t = Instant::now();
                match client.get(&url).send().await {
                    Ok(r) if r.status().is_success() || r.status().as_u16() == 304 => {
                        match r.bytes().await {
                            Ok(b) => bytes += b.len() as u64,
                            Err(_) => errors += 1,
                        }
                    }
                    _ => errors += 1,
                }
                lat.push(t.elapsed().as_micros() as u64);
            }
            (lat, errors, bytes)
        });
    }
    let mut lat = Vec::new();
    let (mut errors, mut bytes) = (0u64, 0u64);
    while let Some(r) = tasks.join_next().await {
        let (l, e, b) = r?;
        lat.extend(l);
        errors += e;
        bytes += b;
    }
    let took = started.elapsed().as_secs_f64();
    if lat.is_empty() {
        bail!("no request completed");
    }
    lat.sort_unstable();
    let pct = |p: f64| lat[((lat.len() - 1) as f64 * p).round() as usize] as f64 / 1000.0;
    Ok(json!({
        "requests": lat.len(),
        "errors": errors,
        "secs": took,
        "requests_per_sec": lat.len() as f64 / took,
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "max_ms": pct(1.0),
        "bytes_per_response": bytes / lat.len() as u64,
        "client_cpu_secs": cpu_secs(),
    }))
}

fn api_table(results: &[Value], connections: usize) -> String {
    let mut s = format!(
        "### API under load from a separate process ({connections} keep-alive connections)\n\n\
         | endpoint | answer | items | bytes | requests / s | p50 ms | p99 ms | max ms | server CPU s | client CPU s | errors |\n\
         |---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    );
    for v in results {
        s.push_str(&format!(
            "| `{}` | {} | {} | {} | {:.0} | {:.2} | {:.2} | {:.1} | {:.1} | {:.1} | {} |\n",
            v["endpoint"].as_str().unwrap_or_default(),
            v["how"].as_str().unwrap_or("plain"),
            v["items"],
            v["bytes_per_response"],
            f(v, "requests_per_sec"),
            f(v, "p50_ms"),
            f(v, "p99_ms"),
            f(v, "max_ms"),
            f(v, "server_cpu_secs"),
            f(v, "client_cpu_secs"),
            v["errors"],
        ));
    }
    s.push('\n');
    s
}

// ---- helpers ---------------------------------------------------------------------------------

fn f(v: &Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or(f64::NAN)
}

/// User + system CPU seconds of this process so far (`/proc/self/stat`; 0 where there is none).
fn cpu_secs() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which may contain spaces) start at ") ".
    let rest = stat.rsplit_once(") ").map_or("", |r| r.1);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|s| s.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / TICKS_PER_SEC
}

/// Peak resident memory of this process (`VmHWM`), MiB.
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

/// A scratch directory removed on drop (the CLI has no tempfile dependency outside tests).
struct TempDir {
    path: std::path::PathBuf,
}

impl TempDir {
    fn new(name: &str) -> anyhow::Result<TempDir> {
        let path =
            std::env::temp_dir().join(format!("streamtide-bench-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).with_context(|| format!("creating {}", path.display()))?;
        Ok(TempDir { path })
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
