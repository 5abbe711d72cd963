//! The collection part: one live round and one channels round of every platform against the
//! in-process simulator, timed against the bound the rate limits allow (see the crate's header).

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{ensure, Context};
use chrono::Utc;
use serde_json::{json, Value};
use streamtide_collector::{Collector, CollectorConfig, CollectorMetrics, StoredLedger};
use streamtide_core::{Platform, Secret, SystemClock};
use streamtide_platforms::youtube::QuotaLedger;
use streamtide_platforms::{HttpConfig, PlatformsConfig};
use streamtide_simulator::{SimConfig, Simulator};
use streamtide_storage::{Job, Store};
use tokio_util::sync::CancellationToken;

use crate::machine::{cpu_secs, f, peak_rss_mib, TempDir};

/// Simulated network latency of every platform request (a Seoul–US round trip and then some).
const LATENCY: (Duration, Duration) = (Duration::from_millis(80), Duration::from_millis(150));

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

/// One live round and one channels round of every platform for `n` tracked channels, limits
/// `speedup` times faster; the worker's answer. In the `market` (the Korean market at its real
/// size) the `n` are the first channels of each platform's population; else they are all of it.
pub async fn collection(n: usize, speedup: f64, market: bool) -> anyhow::Result<Value> {
    ensure!(n >= 4 && speedup >= 1.0, "need n >= 4 and speedup >= 1");
    let sizes = split(n);
    let mut sim_cfg = sim_config(&sizes, speedup);
    if market {
        sim_cfg = sim_cfg.full_market();
    }
    let sim = Simulator::start(sim_cfg.clone(), Arc::new(SystemClock))
        .await
        .context("starting the simulator")?;
    let dir = TempDir::new(&format!("collection-{n}"))?;
    let db = format!("sqlite://{}", dir.path.join("bench.db").display());
    let mut platforms = platforms_for(&sim, &sim_cfg);
    let limits = speed_up(&mut platforms, speedup);
    // The real configuration otherwise (concurrency 4, batches of 50); videos are a 6-hourly job
    // and not part of the round measured here.
    let config = CollectorConfig {
        videos: false,
        ..Default::default()
    };

    // The product's store: curate decides the language (as `streamtide`'s `wiring::open_store`).
    let store = Store::open(&db)
        .await?
        .with_language_detector(streamtide_curate::language::detect);
    let now = Utc::now();
    for (platform, _) in sizes {
        for info in sim.world().roster(platform, size_of(&sizes, platform)) {
            store.track_channel(&info, now).await?;
        }
    }
    let collector = collector(&platforms, store.clone(), config.clone()).await?;

    let cpu_before = cpu_secs();
    let started = Instant::now();
    let mut rounds = run_rounds(&collector, &sim, &sizes, &limits, speedup).await?;
    let wall = started.elapsed().as_secs_f64();
    let cpu = cpu_secs() - cpu_before;
    rounds
        .per_platform
        .sort_by_key(|v| v["platform"].as_str().unwrap_or_default().to_string());
    // Broadcasts in each directory the live round reads (Twitch: its Korean streams).
    let live: Vec<(String, usize)> = [Platform::Chzzk, Platform::Soop, Platform::Twitch]
        .into_iter()
        .map(|p| {
            let listed = sim.world().live_list_at(p, Utc::now());
            let n = listed
                .iter()
                .filter(|(c, _)| p != Platform::Twitch || c.language == "ko")
                .count();
            (p.as_str().to_string(), n)
        })
        .collect();
    let counts = store.counts().await?;
    store.close().await;
    sim.shutdown().await;
    Ok(json!({
        "channels": n,
        "market": market,
        "live": live,
        "speedup": speedup,
        "concurrency": config.concurrency,
        "wall_secs": wall,
        "bound_secs": rounds.bound,
        "ratio": wall / rounds.bound,
        "cpu_secs": cpu,
        "peak_rss_mib": peak_rss_mib(),
        "snapshots": counts.channel_snapshots,
        "tracked": counts.tracked_channels,
        "failures": rounds.failures,
        "platforms": rounds.per_platform,
    }))
}

/// The channels `sizes` gives `platform`.
fn size_of(sizes: &[(Platform, usize); 4], platform: Platform) -> usize {
    sizes
        .iter()
        .find(|(q, _)| *q == platform)
        .map_or(0, |s| s.1)
}

/// The simulator for `sizes`, its latency and Twitch's bucket `speedup` times faster.
fn sim_config(sizes: &[(Platform, usize); 4], speedup: f64) -> SimConfig {
    SimConfig {
        chzzk_channels: size_of(sizes, Platform::Chzzk),
        soop_channels: size_of(sizes, Platform::Soop),
        twitch_channels: size_of(sizes, Platform::Twitch),
        youtube_channels: size_of(sizes, Platform::Youtube),
        latency: Some((LATENCY.0.div_f64(speedup), LATENCY.1.div_f64(speedup))),
        // Helix's 800 points a minute, on the compressed clock.
        twitch_bucket_window: Duration::from_secs(60).div_f64(speedup),
        ..SimConfig::default()
    }
}

/// Each platform's real request rate `speedup` times faster; the limits (rate, burst) now set.
fn speed_up(platforms: &mut PlatformsConfig, speedup: f64) -> [(Platform, f64, u32); 4] {
    let real = PlatformsConfig::default();
    let p = platforms;
    p.chzzk.requests_per_second = real.chzzk.requests_per_second * speedup;
    p.soop.requests_per_second = real.soop.requests_per_second * speedup;
    p.twitch.requests_per_second = real.twitch.requests_per_second * speedup;
    p.youtube.requests_per_second = real.youtube.requests_per_second * speedup;
    [
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
    ]
}

/// What the rounds of every platform did.
struct Rounds {
    /// One row per platform, in the order they finished.
    per_platform: Vec<Value>,
    /// The longest time any platform's limits allow for its rounds, in seconds.
    bound: f64,
    failures: Vec<String>,
}

/// A live round then a channels round of every platform, the platforms side by side.
async fn run_rounds(
    collector: &Arc<Collector>,
    sim: &Simulator,
    sizes: &[(Platform, usize); 4],
    limits: &[(Platform, f64, u32); 4],
    speedup: f64,
) -> anyhow::Result<Rounds> {
    let mut tasks = tokio::task::JoinSet::new();
    for platform in collector.platforms() {
        let c = Arc::clone(collector);
        tasks.spawn(async move {
            let never = CancellationToken::new();
            let t = Instant::now();
            let live = c.run_round(platform, Job::Live, &never).await;
            let channels = c.run_round(platform, Job::Channels, &never).await;
            (platform, live, channels, t.elapsed())
        });
    }
    let mut rounds = Rounds {
        per_platform: Vec::new(),
        bound: 0.0,
        failures: Vec::new(),
    };
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
        rounds.bound = rounds.bound.max(b);
        for s in [&live, &channels] {
            if let Some(f) = &s.failure {
                rounds.failures.push(format!("{platform} {:?}: {f}", s.job));
            }
        }
        rounds.per_platform.push(json!({
            "platform": platform.as_str(),
            "channels": size_of(sizes, platform),
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
    Ok(rounds)
}

/// What makes a collection run implausible (`--quick` fails on it).
pub fn check_collection(v: &Value, problems: &mut Vec<String>) {
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

/// The report's collection table.
pub fn collection_table(results: &[Value]) -> String {
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
        "\n| channels | time compressed | platform | tracked | live in its directory | rate/s | requests (live + channels) | channels round / tracked | live + channels / tracked | platform s | bound s |\n\
         |---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for v in results {
        let market = if v["market"] == true { " (market)" } else { "" };
        for p in v["platforms"].as_array().into_iter().flatten() {
            let ch = p["channels"].as_f64().unwrap_or(1.0).max(1.0);
            let name = p["platform"].as_str().unwrap_or_default();
            let live = v["live"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|l| l[0] == name)
                .map_or("–".to_string(), |l| l[1].to_string());
            let (live_req, ch_req) = (
                p["requests_live"].as_f64().unwrap_or(0.0),
                p["requests_channels"].as_f64().unwrap_or(0.0),
            );
            s.push_str(&format!(
                "| {}{market} | x{} | {name} | {} | {live} | {} | {} + {} | {:.2} | {:.2} | {:.1} | {:.1} |\n",
                v["channels"],
                v["speedup"],
                p["channels"],
                p["rate"],
                p["requests_live"],
                p["requests_channels"],
                ch_req / ch,
                (live_req + ch_req) / ch,
                f(p, "secs"),
                f(p, "bound_secs"),
            ));
        }
    }
    s.push('\n');
    s
}

/// Every platform's configuration pointed at the simulator, with its demo credentials (the
/// sources stay the defaults: CHZZK's and SOOP's web APIs, Helix, the Data API).
pub(crate) fn platforms_for(sim: &Simulator, sim_cfg: &SimConfig) -> PlatformsConfig {
    let mut p = PlatformsConfig::default();
    p.chzzk.enabled = true;
    p.chzzk.api_base = sim.chzzk_base();
    p.chzzk.open_api_base = sim.chzzk_base();
    p.soop.enabled = true;
    p.soop.live_base = sim.soop_base();
    p.soop.chapi_base = sim.soop_base();
    // Never fall back to the real hosts from a benchmark.
    p.soop.live_fallback_base = String::new();
    p.soop.chapi_fallback_base = String::new();
    p.twitch.enabled = true;
    p.twitch.api_base = format!("{}/helix", sim.twitch_base());
    p.twitch.auth_base = sim.twitch_base();
    p.twitch.client_id = "streamtide-bench".into();
    p.twitch.client_secret = Secret::new(sim_cfg.twitch_client_secret.clone());
    p.youtube.enabled = true;
    p.youtube.api_base = format!("{}/youtube/v3", sim.youtube_base());
    p.youtube.feeds_base = sim.youtube_base();
    p.youtube.api_key = Secret::new(sim_cfg.youtube_api_key.clone());
    p
}

/// The collector over `store`, as the product builds it: every platform's adapter, YouTube
/// spending from the quota ledger kept in the store.
async fn collector(
    platforms: &PlatformsConfig,
    store: Store,
    config: CollectorConfig,
) -> anyhow::Result<Arc<Collector>> {
    let ledger: Arc<dyn QuotaLedger> =
        StoredLedger::open(store.clone(), &platforms.youtube, Utc::now())
            .await
            .context("loading the YouTube quota ledger")?;
    let adapters = streamtide_platforms::build_adapters_with_ledger(
        platforms,
        &HttpConfig::default(),
        Some(ledger),
        Arc::new(SystemClock),
    )
    .context("building the platform HTTP clients")?;
    Ok(Arc::new(Collector::new(
        store,
        adapters,
        Arc::new(SystemClock),
        config,
        Arc::new(CollectorMetrics::default()),
    )))
}
