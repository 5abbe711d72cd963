//! The command line of `streamtide-bench`: which parts run at which sizes, each in a child
//! process, and the Markdown report of their answers.

use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{ensure, Context};
use serde_json::Value;

use crate::{api, census, collection, machine, writes};

/// `streamtide-bench`
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
    /// Collection runs in the Korean market at its real size (`SimConfig::full_market`: ~3,000
    /// CHZZK, ~6,000 SOOP, ~2,000 Korean Twitch broadcasts live), of which the N channels are
    /// tracked; without it every simulated channel is tracked.
    #[arg(long)]
    pub market: bool,
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
    /// Hours of live rounds in the census part (a virtual day on SQLite at the Korean market's
    /// size, `--market`-sized whatever `--market` says); `--quick` runs one hour of the small
    /// market.
    #[arg(long, default_value_t = 24)]
    pub census_hours: u32,
    /// Days of market history the census part adds before its day for the read timings.
    #[arg(long, default_value_t = 30)]
    pub census_history_days: u32,
    /// Skip parts: any of collection, census, writes, api.
    #[arg(long, value_delimiter = ',')]
    pub skip: Vec<String>,
}

/// The hidden `worker` subcommand: one measured part, its result as one JSON line.
#[derive(clap::Subcommand, Debug)]
pub enum Worker {
    Collection {
        #[arg(long)]
        channels: usize,
        #[arg(long)]
        speedup: f64,
        #[arg(long)]
        market: bool,
    },
    Census {
        #[arg(long)]
        hours: u32,
        #[arg(long)]
        history_days: u32,
        #[arg(long)]
        full: bool,
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
        Worker::Collection {
            channels,
            speedup,
            market,
        } => collection::collection(channels, speedup, market).await?,
        Worker::Census {
            hours,
            history_days,
            full,
        } => census::census(hours, history_days, full).await?,
        Worker::Writes {
            rows,
            batch,
            live_every,
            interval_secs,
            server,
        } => writes::writes(rows, batch, live_every, interval_secs, server.as_deref()).await?,
        Worker::Load {
            url,
            connections,
            secs,
            encoding,
            revalidate,
        } => {
            let how = crate::tab::Request {
                encoding,
                revalidate,
            };
            api::load(&url, connections, Duration::from_secs_f64(secs), &how).await?
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
        machine::cpu_model(),
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
            let (n, k) = (n.to_string(), k.to_string());
            let mut worker = vec!["collection", "--channels", &n, "--speedup", &k];
            if args.market {
                worker.push("--market");
            }
            let v = child(&worker)?;
            collection::check_collection(&v, &mut problems);
            results.push(v);
        }
        report.push_str(&collection::collection_table(&results));
    }

    if !skip("census") {
        let (hours, days, full) = if args.quick {
            (1, 2, false)
        } else {
            (args.census_hours, args.census_history_days, true)
        };
        eprintln!("bench: census, {hours} h of live rounds, {days} days of market history ...");
        let (h, d) = (hours.to_string(), days.to_string());
        let mut worker = vec!["census", "--hours", &h, "--history-days", &d];
        if full {
            worker.push("--full");
        }
        let v = child(&worker)?;
        census::check_census(&v, &mut problems);
        report.push_str(&census::census_table(&v));
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
        report.push_str(&writes::writes_table(&results));
    }

    if !skip("api") {
        let secs = if args.quick { 2 } else { args.load_secs };
        let connections = if args.quick { 4 } else { args.connections };
        let (results, new_tab) = api::api(args.quick, connections, secs as f64).await?;
        for v in &results {
            if v["requests_per_sec"].as_f64().unwrap_or(0.0) <= 0.0 || v["errors"] != 0 {
                problems.push(format!("api: {v}"));
            }
        }
        report.push_str(&api::api_table(&results, connections));
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

/// Run `worker ARGS` (this binary again) and parse the JSON line it prints.
pub fn child(args: &[&str]) -> anyhow::Result<Value> {
    let exe = std::env::current_exe().context("locating this binary")?;
    let out = Command::new(exe)
        .arg("worker")
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
