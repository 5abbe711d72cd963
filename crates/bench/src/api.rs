//! The API part: 1,000 live broadcasts and their history served by this process, each endpoint
//! loaded from a separate process (`load`, the worker) over keep-alive connections, and what one
//! new tab of the board costs (`crate::tab`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure};
use chrono::Utc;
use serde_json::{json, Value};
use streamtide_core::{
    ChannelId, ChannelInfo, ChannelObservation, ChannelStats, LiveState, Platform,
};
use streamtide_server::{AppState, Metrics};
use streamtide_storage::{Batch, Job, Store};
use tokio_util::sync::CancellationToken;

use crate::machine::{cpu_secs, f, TempDir};

/// Seed 1,000 live broadcasts (250 a platform) and daily history, serve, and load each endpoint
/// from a child process.
pub async fn api(
    quick: bool,
    connections: usize,
    secs: f64,
) -> anyhow::Result<(Vec<Value>, String)> {
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
        seed_history(&store, platform, &ids, days, now).await?;
        seed_live(&store, platform, &ids, now).await?;
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
    // the load.
    let new_tab =
        crate::tab::new_tab_table(&format!("http://{addr}"), if quick { 5 } else { 30 }).await?;
    let mut results = Vec::new();
    for (path, name, how) in endpoints() {
        results.push(load_endpoint(addr, path, name, how, connections, secs).await?);
    }
    stop.cancel();
    let _ = server.await;
    store.close().await;
    Ok((results, new_tab))
}

/// One channels round a day for `days` days for `ids` of `platform`.
async fn seed_history(
    store: &Store,
    platform: Platform,
    ids: &[String],
    days: i64,
    now: chrono::DateTime<Utc>,
) -> anyhow::Result<()> {
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
    Ok(())
}

/// A live round with every one of `ids` broadcasting.
async fn seed_live(
    store: &Store,
    platform: Platform,
    ids: &[String],
    now: chrono::DateTime<Utc>,
) -> anyhow::Result<()> {
    let round = store.start_round(platform, Job::Live, now).await?;
    let items = ids
        .iter()
        .enumerate()
        .map(|(i, id)| crate::workload::broadcast(platform, id, i, now))
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
    Ok(())
}

/// The endpoints loaded (path, name, how): `/live` with and without compression and
/// revalidating, side by side, and the trends.
fn endpoints() -> [(&'static str, &'static str, crate::tab::Request); 8] {
    let none = crate::tab::Request::default();
    let enc = |e: &str| crate::tab::Request {
        encoding: Some(e.to_string()),
        revalidate: false,
    };
    let revalidating = crate::tab::Request {
        encoding: Some("br".into()),
        revalidate: true,
    };
    [
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
    ]
}

/// Check that `path` answers with items, then load it from a child process (`load`).
async fn load_endpoint(
    addr: std::net::SocketAddr,
    path: &str,
    name: &str,
    how: crate::tab::Request,
    connections: usize,
    secs: f64,
) -> anyhow::Result<Value> {
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
            crate::run::child(&a)
        }
    })
    .await??;
    v["server_cpu_secs"] = json!(cpu_secs() - cpu_before);
    v["endpoint"] = json!(path);
    v["how"] = json!(how.label());
    v["items"] = json!(items);
    Ok(v)
}

/// The load generator: `connections` keep-alive clients in a loop for `secs`.
pub async fn load(
    url: &str,
    connections: usize,
    secs: Duration,
    how: &crate::tab::Request,
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

/// The report's API table.
pub fn api_table(results: &[Value], connections: usize) -> String {
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
