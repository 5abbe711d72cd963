//! The `streamtide` binary end to end: configuration, roster commands, `collect --once` against
//! the simulator, `live`, and `run`/`demo` serving a live board and stopping cleanly on SIGTERM.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{free_port, ok, simulator};
use streamtide_core::Platform;
use streamtide_simulator::{SimConfig, Simulator};

/// A command with a clean environment: no stray STREAMTIDE__ variables from the caller.
fn cmd(dir: &Path) -> Command {
    let mut c = common::streamtide(dir);
    c.env("RUST_LOG", "warn");
    c
}

fn sim_env(c: &mut Command, sim: &Simulator, db: &str) {
    c.env("STREAMTIDE__STORAGE__URL", db);
    common::simulated_platforms(c, &sim.chzzk_base(), &sim.soop_base(), 100);
}

async fn get_json(url: &str) -> Option<serde_json::Value> {
    let resp = reqwest::get(url).await.ok()?;
    serde_json::from_str(&resp.text().await.ok()?).ok()
}

/// Poll `url` until `pred` holds or `timeout` passes (the process starts asynchronously).
async fn wait_for(
    url: &str,
    timeout: Duration,
    pred: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let end = Instant::now() + timeout;
    loop {
        if let Some(v) = get_json(url).await {
            if pred(&v) {
                return v;
            }
        }
        assert!(Instant::now() < end, "timed out waiting for {url}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

fn sigterm_and_wait(mut child: Child) -> std::process::ExitStatus {
    common::signal(&child, "-TERM");
    common::wait_within(&mut child, Duration::from_secs(20)).unwrap_or_else(|| {
        let _ = child.kill();
        panic!("did not stop within 20 s of SIGTERM");
    })
}

#[test]
fn config_default_is_valid_toml_and_unknown_keys_fail() {
    let dir = tempfile::tempdir().unwrap();
    let out = ok(cmd(dir.path())
        .args(["config", "default"])
        .output()
        .unwrap());
    let parsed: toml::Value = toml::from_str(&out).unwrap();
    assert!(parsed
        .get("platforms")
        .and_then(|p| p.get("chzzk"))
        .is_some());

    let out = cmd(dir.path())
        .args(["config", "show"])
        .env("STREAMTIDE__PLATFORMS__SOOP__LIVE_BAS", "x")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("live_bas"), "{err}");

    let out = ok(cmd(dir.path())
        .args(["config", "show"])
        .env("STREAMTIDE__COLLECTOR__LIVE_INTERVAL", "45s")
        .output()
        .unwrap());
    assert!(out.contains("live_interval = \"45s\""), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roster_collect_once_and_live_against_the_simulator() {
    let sim = simulator(80).await;
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("e2e.db").display());
    let world = sim.world();
    let chzzk = &world.channels(Platform::Chzzk)[0];
    let chzzk2 = &world.channels(Platform::Chzzk)[1];
    let soop = &world.channels(Platform::Soop)[0];

    let run = |args: &[&str]| {
        let mut c = cmd(dir.path());
        sim_env(&mut c, &sim, &db);
        c.args(args).output().unwrap()
    };
    let out = ok(run(&[
        "channels",
        "add",
        &format!("https://chzzk.naver.com/live/{}", chzzk.id),
    ]));
    assert!(
        out.contains("Tracking") && out.contains(&chzzk.name),
        "{out}"
    );
    ok(run(&[
        "channels",
        "add",
        &format!("https://ch.sooplive.co.kr/{}", soop.id),
    ]));
    ok(run(&[
        "channels",
        "add",
        "--platform",
        "chzzk",
        &chzzk2.name,
    ]));
    let again = ok(run(&["channels", "add", &format!("soop:{}", soop.id)]));
    assert!(again.contains("Already tracking"), "{again}");
    let bad = run(&["channels", "add", "https://example.com/whoever"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("cannot tell which platform"));
    let missing = run(&["channels", "add", "chzzk:0123456789abcdef0123456789abcdef"]);
    assert!(!missing.status.success(), "an unknown channel is refused");

    let summary = ok(run(&["collect", "--once"]));
    for needle in ["chzzk", "soop", "live", "channels", "videos", "ok"] {
        assert!(
            summary.contains(needle),
            "{needle} missing from:\n{summary}"
        );
    }
    assert!(!summary.contains("FAILED"), "{summary}");

    let live: serde_json::Value =
        serde_json::from_str(&ok(run(&["live", "--json", "--limit", "15"]))).unwrap();
    let items = live["items"].as_array().unwrap();
    assert_eq!(items.len(), 15);
    let viewers: Vec<u64> = items
        .iter()
        .map(|i| i["viewers"].as_u64().unwrap())
        .collect();
    assert!(viewers.windows(2).all(|w| w[0] >= w[1]), "{viewers:?}");
    let table = ok(run(&["live", "--limit", "5"]));
    assert!(
        table.contains("viewers") && table.contains("of "),
        "{table}"
    );

    let channels: serde_json::Value =
        serde_json::from_str(&ok(run(&["channels", "list", "--json"]))).unwrap();
    let rows = channels.as_array().unwrap();
    assert_eq!(rows.len(), 3, "only the roster");
    assert!(
        rows.iter().all(|r| r["followers"].as_u64().is_some()),
        "{rows:?}"
    );

    ok(run(&["channels", "remove", &format!("soop:{}", soop.id)]));
    let channels: serde_json::Value =
        serde_json::from_str(&ok(run(&["channels", "list", "--json"]))).unwrap();
    assert_eq!(channels.as_array().unwrap().len(), 2);

    // One platform only, and a platform that is down: exit code 2 and a FAILED row.
    let only = ok(run(&[
        "collect",
        "--once",
        "--platform",
        "soop",
        "--job",
        "live",
    ]));
    assert!(only.contains("soop") && !only.contains("chzzk"), "{only}");
    let mut c = cmd(dir.path());
    sim_env(&mut c, &sim, &db);
    let down = c
        .env(
            "STREAMTIDE__PLATFORMS__CHZZK__API_BASE",
            format!("http://127.0.0.1:{}", free_port()),
        )
        .env("STREAMTIDE__HTTP__MAX_RETRIES", "0")
        .args(["collect", "--once", "--platform", "chzzk", "--job", "live"])
        .output()
        .unwrap();
    assert_eq!(down.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&down.stdout).contains("FAILED"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_serves_the_board_and_stops_cleanly_on_sigterm() {
    let sim = simulator(60).await;
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("run.db");
    let db = format!("sqlite://{}", db_path.display());
    let port = free_port();
    let mut c = cmd(dir.path());
    sim_env(&mut c, &sim, &db);
    let child = c
        .env("STREAMTIDE__SERVER__BIND", format!("127.0.0.1:{port}"))
        .arg("run")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let live = wait_for(
        &format!("http://127.0.0.1:{port}/api/v1/live?limit=200"),
        Duration::from_secs(30),
        |v| {
            let items = v["items"]
                .as_array()
                .map(|a| a.as_slice())
                .unwrap_or_default();
            items.iter().any(|i| i["platform"] == "chzzk")
                && items.iter().any(|i| i["platform"] == "soop")
        },
    )
    .await;
    assert!(live["total"].as_u64().unwrap() > 10);
    // The product's store is given curate's language detector: the simulator's Korean titles
    // come back detected (a store without one leaves every language unknown).
    let items = live["items"].as_array().unwrap();
    assert!(
        items.iter().any(|i| i["detected_language"]["code"] == "ko"),
        "{live}"
    );
    // A round's items are readable as soon as its batch is written; the round itself is marked
    // done (and the platform healthy) in the step after, a moment later on a loaded machine.
    let health = wait_for(
        &format!("http://127.0.0.1:{port}/healthz"),
        Duration::from_secs(30),
        |h| h["status"] == "ok",
    )
    .await;
    assert_eq!(health["status"], "ok", "{health}");
    let status = sigterm_and_wait(child);
    assert!(status.success(), "{status:?}");

    let store = streamtide_storage::Store::connect(&db).await.unwrap();
    assert_eq!(store.integrity_check().await.unwrap(), "ok");
    let rounds = store.recent_rounds(50).await.unwrap();
    assert!(
        rounds.iter().all(|r| r.finished_at.is_some()),
        "every round was closed: {rounds:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_shows_all_platforms_within_a_minute_and_logs_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let started = Instant::now();
    let log = std::fs::File::create(dir.path().join("demo.log")).unwrap();
    let child = cmd(dir.path())
        .env("STREAMTIDE__SERVER__BIND", format!("127.0.0.1:{port}"))
        // Everything the daemon does, including debug lines, goes into the log we grep below.
        .env("RUST_LOG", "debug")
        .args([
            "demo",
            // The live board from nothing: the demo's past is checked by demo_history.rs.
            "--history",
            "0",
            "--db",
            &format!("sqlite://{}", dir.path().join("demo.db").display()),
        ])
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let live = wait_for(
        &format!("http://127.0.0.1:{port}/api/v1/live?limit=200"),
        Duration::from_secs(60),
        |v| {
            let items = v["items"]
                .as_array()
                .map(|a| a.as_slice())
                .unwrap_or_default();
            ["chzzk", "soop", "twitch", "youtube"]
                .iter()
                .all(|p| items.iter().any(|i| i["platform"] == *p))
        },
    )
    .await;
    assert!(started.elapsed() < Duration::from_secs(60));
    let page = reqwest::get(format!("http://127.0.0.1:{port}/"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("<html"), "the web page is served");
    // Every platform has collected (its live list is on the board), none is skipped.
    let health = wait_for(
        &format!("http://127.0.0.1:{port}/healthz"),
        Duration::from_secs(30),
        |v| v["status"] != "starting",
    )
    .await;
    assert_eq!(health["status"], "ok", "{health}");
    assert_eq!(health["skipped"], serde_json::json!([]), "{health}");
    assert_eq!(health["summary"].as_array().unwrap().len(), 4, "{health}");
    let health = health.to_string();
    assert!(sigterm_and_wait(child).success());

    // The read commands read the demo's database when told to.
    let demo_db = format!("sqlite://{}", dir.path().join("demo.db").display());
    let listed: serde_json::Value = serde_json::from_str(&ok(cmd(dir.path())
        .args(["live", "--json", "--db", &demo_db])
        .output()
        .unwrap()))
    .unwrap();
    assert!(listed["total"].as_u64().unwrap() > 10, "{listed}");
    let tracked = ok(cmd(dir.path())
        .args(["channels", "list", "--db", &demo_db])
        .output()
        .unwrap());
    assert!(tracked.contains("CHZZK"), "{tracked}");

    // The simulator's demo credentials are real secrets as far as the code knows: none may leak.
    let defaults = SimConfig::default();
    let logs = std::fs::read_to_string(dir.path().join("demo.log")).unwrap();
    assert!(logs.contains("Round finished"), "the log has content");
    for secret in [
        defaults.twitch_client_secret.as_str(),
        defaults.youtube_api_key.as_str(),
    ] {
        assert!(!logs.contains(secret), "secret in the logs");
        assert!(!health.contains(secret), "secret in /healthz");
        assert!(!live.to_string().contains(secret), "secret in /api/v1/live");
    }
}

#[test]
fn config_show_redacts_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let out = ok(cmd(dir.path())
        .args(["config", "show"])
        .env(
            "STREAMTIDE__PLATFORMS__TWITCH__CLIENT_SECRET",
            "tw-very-secret",
        )
        .env("STREAMTIDE__PLATFORMS__YOUTUBE__API_KEY", "yt-very-secret")
        .env(
            "STREAMTIDE__STORAGE__URL",
            "postgres://streamtide:db-very-secret@db.internal:5432/streamtide",
        )
        .output()
        .unwrap());
    assert!(!out.contains("very-secret"), "{out}");
    assert!(out.contains("<redacted>"), "{out}");
    assert!(
        out.contains("postgres://streamtide:***@db.internal:5432/streamtide"),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_a_csv_roster_twice_and_link_creators() {
    let sim = simulator(20).await;
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("import.db").display());
    let w = sim.world();
    let csv = format!(
        "이름,플랫폼,채널\n하나,치지직,https://chzzk.naver.com/live/{}\n하나,SOOP,{}\n둘,kick,someone\n",
        w.channels(Platform::Chzzk)[0].id,
        w.channels(Platform::Soop)[0].id
    );
    std::fs::write(dir.path().join("roster.csv"), csv).unwrap();
    let run = |args: &[&str]| {
        let mut c = cmd(dir.path());
        sim_env(&mut c, &sim, &db);
        c.args(args).output().unwrap()
    };
    // A row was not imported: exit 1, the counts on the last line.
    let first = run(&["import", "roster.csv"]);
    assert_eq!(first.status.code(), Some(1));
    let first = String::from_utf8_lossy(&first.stdout).into_owned();
    assert_eq!(
        first.lines().last().unwrap(),
        "roster.csv (read as UTF-8): 3 rows; imported 2, already present 0, duplicates 0, unresolved 1, kept for retry 0; 1 new creator(s).",
        "{first}"
    );
    assert!(first.contains("unknown platform `kick`"), "{first}");
    let second = run(&["import", "roster.csv"]);
    assert_eq!(second.status.code(), Some(1));
    let second = String::from_utf8_lossy(&second.stdout).into_owned();
    assert!(second.contains("imported 0, already present 2"), "{second}");

    let creators: serde_json::Value =
        serde_json::from_str(&ok(run(&["creators", "list", "--json"]))).unwrap();
    assert_eq!(creators[0]["name"], "하나");
    assert_eq!(creators[0]["channels"].as_array().unwrap().len(), 2);
    ok(run(&[
        "creators",
        "unlink",
        &format!("soop:{}", w.channels(Platform::Soop)[0].id),
    ]));
    ok(run(&[
        "creators",
        "link",
        "셋",
        &format!("soop:{}", w.channels(Platform::Soop)[0].id),
    ]));
    let creators: serde_json::Value =
        serde_json::from_str(&ok(run(&["creators", "list", "--json"]))).unwrap();
    let names: Vec<&str> = creators
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["셋", "하나"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_api_adds_channels_and_imports_rosters_with_the_token_only() {
    let sim = simulator(20).await;
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("admin.db").display());
    let port = free_port();
    let token = "admin-token-e2e-123-long-enough";
    let log = std::fs::File::create(dir.path().join("serve.log")).unwrap();
    let mut c = cmd(dir.path());
    sim_env(&mut c, &sim, &db);
    let child = c
        .env("STREAMTIDE__SERVER__BIND", format!("127.0.0.1:{port}"))
        .env("STREAMTIDE__SERVER__ADMIN_TOKEN", token)
        .env("RUST_LOG", "debug")
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    wait_for(&format!("{base}/healthz"), Duration::from_secs(20), |v| {
        v["status"].is_string()
    })
    .await;
    let http = reqwest::Client::new();
    let w = sim.world();
    let chzzk = &w.channels(Platform::Chzzk)[3];

    let body =
        serde_json::json!({ "channel": format!("https://chzzk.naver.com/live/{}", chzzk.id) })
            .to_string();
    let denied = http
        .post(format!("{base}/api/v1/channels"))
        .header("content-type", "application/json")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status(), 401);
    let added = http
        .post(format!("{base}/api/v1/channels"))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), 201);
    let added: serde_json::Value = serde_json::from_str(&added.text().await.unwrap()).unwrap();
    assert_eq!(
        added["name"],
        chzzk.name.as_str(),
        "resolved through the platform"
    );

    let csv = format!(
        "name,url\n넷,soop:{}\n다섯,soop:nosuchbj\n",
        w.channels(Platform::Soop)[4].id
    );
    let report = http
        .post(format!("{base}/api/v1/import?filename=roster.csv"))
        .bearer_auth(token)
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(report.status(), 200);
    let report: serde_json::Value = serde_json::from_str(&report.text().await.unwrap()).unwrap();
    assert_eq!(
        (report["imported"].as_u64(), report["unresolved"].as_u64()),
        (Some(1), Some(1)),
        "{report}"
    );

    let roster = get_json(&format!("{base}/api/v1/channels?tracked=true"))
        .await
        .unwrap();
    assert_eq!(roster["total"], 2);
    assert!(sigterm_and_wait(child).success());
    let logs = std::fs::read_to_string(dir.path().join("serve.log")).unwrap();
    assert!(!logs.contains(token), "the admin token reached the log");
}
