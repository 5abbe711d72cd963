//! No secret leaks from a running `streamtide demo`: with the admin token, a Twitch client secret
//! and a YouTube API key configured, CHZZK on its Open API (and the simulator's own credentials,
//! the CHZZK client secret among them, in use), none of them
//! appears in the process's trace-level logs (stdout and stderr), `/healthz`, `/metrics`, the
//! OpenAPI document, any page or script of the web UI, an admin answer, or `config show`.

mod common;

use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use common::free_port;
use streamtide_simulator::SimConfig;

const ADMIN_TOKEN: &str = "admin-token-7f3a9c1e5b-0d4e8a2c6f";
const TWITCH_SECRET: &str = "twitch-secret-4d8e2a6c0f";
const YOUTUBE_KEY: &str = "AIzaYouTubeKey9b1d3f5h7j";
const HOOK_SECRET: &str = "hmac-key-3e5c7a9b1d";
const DISCORD_TOKEN: &str = "discord-webhook-token-8f2b4d6a";
const TELEGRAM_TOKEN: &str = "777000:telegram-bot-token-5a7c9e";
const SMTP_PASSWORD: &str = "smtp-password-1c3e5g7i";

/// Alert destinations with every kind of alert secret, all on `receiver` (which answers 200)
/// but the mail server (nothing listens there: the failure must not name the password).
fn alerts_config(receiver: &str, closed_port: u16) -> String {
    format!(
        r#"
[[alerts.channels]]
name = "hook"
kind = "webhook"
url = "{receiver}/hook"
secret = "{HOOK_SECRET}"

[[alerts.channels]]
name = "discord"
kind = "discord"
url = "{receiver}/api/webhooks/1/{DISCORD_TOKEN}"

[[alerts.channels]]
name = "tg"
kind = "telegram"
token = "{TELEGRAM_TOKEN}"
chat_id = "-100"
api_base = "{receiver}"

[[alerts.channels]]
name = "mail"
kind = "email"
smtp_host = "127.0.0.1"
smtp_port = {closed_port}
smtp_tls = "none"
username = "ops"
password = "{SMTP_PASSWORD}"
from = "streamtide <alerts@example.kr>"
to = ["ops@example.kr"]

[[alerts.rules]]
name = "on-air"
kind = "live"
notify = ["hook", "discord", "tg", "mail"]
"#
    )
}

/// The binary with a clean environment, the three secrets configured the recommended way.
fn cmd(dir: &Path) -> Command {
    let mut c = common::streamtide(dir);
    c.env_remove("RUST_LOG")
        .env("STREAMTIDE__SERVER__ADMIN_TOKEN", ADMIN_TOKEN)
        .env("STREAMTIDE__PLATFORMS__TWITCH__CLIENT_ID", "my-client-id")
        .env(
            "STREAMTIDE__PLATFORMS__TWITCH__CLIENT_SECRET",
            TWITCH_SECRET,
        )
        .env("STREAMTIDE__PLATFORMS__YOUTUBE__API_KEY", YOUTUBE_KEY)
        // The demo then fills in its simulator's Open API credentials.
        .env("STREAMTIDE__PLATFORMS__CHZZK__SOURCE", "open_api");
    c
}

/// Every secret the process knows: the configured ones and the simulator's demo credentials
/// (which the demo's adapters really send).
fn secrets() -> Vec<String> {
    let sim = SimConfig::default();
    vec![
        ADMIN_TOKEN.to_string(),
        TWITCH_SECRET.to_string(),
        YOUTUBE_KEY.to_string(),
        HOOK_SECRET.to_string(),
        DISCORD_TOKEN.to_string(),
        TELEGRAM_TOKEN.to_string(),
        SMTP_PASSWORD.to_string(),
        sim.twitch_client_secret,
        sim.youtube_api_key,
        sim.chzzk_client_secret,
    ]
}

fn assert_clean(what: &str, text: &str) {
    for s in secrets() {
        assert!(!text.contains(&s), "a secret appears in {what}");
    }
}

fn stop(mut child: Child) {
    let pid = child.id().to_string();
    let _ = Command::new("kill").args(["-TERM", &pid]).status();
    let Some(status) = common::wait_within(&mut child, Duration::from_secs(20)) else {
        let _ = child.kill();
        panic!("the demo did not stop within 20 s of SIGTERM");
    };
    assert!(status.success(), "demo exit status {status}");
}

async fn text(client: &reqwest::Client, url: &str) -> (u16, String) {
    let r = client.get(url).send().await.expect("request");
    (r.status().as_u16(), r.text().await.expect("body"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_demo_never_shows_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let (receiver_url, received) = common::alert_receiver().await;
    std::fs::write(
        dir.path().join("streamtide.toml"),
        alerts_config(&receiver_url, free_port()),
    )
    .unwrap();
    let stdout = std::fs::File::create(dir.path().join("stdout.log")).unwrap();
    let stderr = std::fs::File::create(dir.path().join("stderr.log")).unwrap();
    let child = cmd(dir.path())
        .env("STREAMTIDE__SERVER__BIND", format!("127.0.0.1:{port}"))
        // Every line every crate can log, HTTP clients and servers included.
        .env("RUST_LOG", "trace")
        .args([
            "demo",
            "--channels",
            "60",
            "--track",
            "8",
            "--db",
            &format!("sqlite://{}", dir.path().join("demo.db").display()),
        ])
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .unwrap();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();

    // Wait until every platform (Twitch and YouTube with their credentials) has had a round.
    let end = Instant::now() + Duration::from_secs(90);
    loop {
        if let Ok(r) = client.get(format!("{base}/healthz")).send().await {
            let v: serde_json::Value =
                serde_json::from_str(&r.text().await.unwrap_or_default()).unwrap_or_default();
            let jobs = v["platforms"].as_array().cloned().unwrap_or_default();
            let done = |p: &str| {
                jobs.iter().any(|j| {
                    j["platform"] == p && j["job"] == "channels" && !j["last_success_at"].is_null()
                })
            };
            if ["chzzk", "soop", "twitch", "youtube"]
                .iter()
                .all(|p| done(p))
            {
                break;
            }
        }
        assert!(Instant::now() < end, "the demo never became healthy");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }

    let mut answers = Vec::new();
    for path in [
        "/healthz",
        "/metrics",
        "/api/v1/openapi.json",
        "/api/v1/live?limit=200",
        "/api/v1/channels?limit=200",
        "/api/v1/trends",
        "/",
    ] {
        let (status, body) = text(&client, &format!("{base}{path}")).await;
        assert_eq!(status, 200, "{path}: {body}");
        answers.push((path.to_string(), body));
    }
    // Every script and style the page loads, and the modules they import.
    let mut assets: Vec<String> = Vec::new();
    let page = answers.last().map(|a| a.1.clone()).unwrap_or_default();
    for attr in ["src=\"", "href=\""] {
        for part in page.split(attr).skip(1) {
            let url = part.split('"').next().unwrap_or_default();
            if url.starts_with('/') && !url.starts_with("//") {
                assets.push(url.to_string());
            }
        }
    }
    assert!(
        assets.iter().any(|a| a.ends_with(".js")),
        "the page loads a script: {assets:?}"
    );
    let mut seen = std::collections::HashSet::new();
    while let Some(asset) = assets.pop() {
        if !seen.insert(asset.clone()) {
            continue;
        }
        let (status, body) = text(&client, &format!("{base}{asset}")).await;
        assert_eq!(status, 200, "{asset}");
        // ES module imports are relative to the importing module.
        let dir = asset.rsplit_once('/').map_or("", |d| d.0).to_string();
        for part in body.split("from \"./").skip(1) {
            let module = part.split('"').next().unwrap_or_default();
            assets.push(format!("{dir}/{module}"));
        }
        answers.push((asset, body));
    }
    // An admin call, authorised and refused: the token is used, and never echoed.
    let ok = client
        .post(format!("{base}/api/v1/creators"))
        .bearer_auth(ADMIN_TOKEN)
        .header("content-type", "application/json")
        .body(r#"{"name": "보안 점검"}"#)
        .send()
        .await
        .unwrap();
    assert!(ok.status().is_success(), "{}", ok.status());
    answers.push(("admin answer".into(), ok.text().await.unwrap()));
    let refused = client
        .post(format!("{base}/api/v1/creators"))
        .bearer_auth(format!("{ADMIN_TOKEN}x"))
        .header("content-type", "application/json")
        .body(r#"{"name": "x"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 401);
    answers.push(("refused admin answer".into(), refused.text().await.unwrap()));
    // The alert secrets in use: a tracked CHZZK channel goes live in the demo's simulator, the
    // next live round sees it, and the webhook gets the alert signed.
    let printed = std::fs::read_to_string(dir.path().join("stdout.log")).unwrap();
    let chzzk = printed
        .split("chzzk=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the demo prints its simulator's CHZZK address")
        .to_string();
    let (_, tracked) = text(
        &client,
        &format!("{base}/api/v1/channels?platform=chzzk&tracked=true&limit=50"),
    )
    .await;
    let tracked: serde_json::Value = serde_json::from_str(&tracked).unwrap();
    let mut started = false;
    for ch in tracked["items"].as_array().cloned().unwrap_or_default() {
        let id = ch["channel_id"].as_str().unwrap_or_default();
        let r = client
            .post(format!("{chzzk}/__sim/start-live?channel={id}"))
            .send()
            .await
            .unwrap();
        if r.status().is_success() {
            started = true;
            break;
        }
    }
    assert!(started, "a tracked CHZZK channel could be started");
    let end = Instant::now() + Duration::from_secs(90);
    while received.lock().unwrap().iter().all(|r| !r.signed) {
        assert!(Instant::now() < end, "no signed alert reached the webhook");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let deliveries = client
        .get(format!("{base}/api/v1/alerts/deliveries"))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert!(deliveries.status().is_success());
    answers.push((
        "the alert delivery log".into(),
        deliveries.text().await.unwrap(),
    ));
    let rules = client
        .get(format!("{base}/api/v1/alerts/rules"))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    answers.push(("the alert rules".into(), rules.text().await.unwrap()));
    stop(child);

    for (what, body) in &answers {
        assert_clean(what, body);
    }
    let stdout = std::fs::read_to_string(dir.path().join("stdout.log")).unwrap();
    let stderr = std::fs::read_to_string(dir.path().join("stderr.log")).unwrap();
    // The logs are really at trace level and cover the platform calls, or the check proves little.
    assert!(stderr.contains("TRACE"), "trace lines in the log");
    assert!(stderr.contains("Round finished"), "rounds in the log");
    assert!(
        stderr.contains("twitch") && stderr.contains("youtube"),
        "the credentialed platforms ran"
    );
    assert!(stdout.contains("live board at"), "{stdout}");
    assert_clean("stdout", &stdout);
    assert_clean("the trace log", &stderr);

    let shown = cmd(dir.path()).args(["config", "show"]).output().unwrap();
    assert!(shown.status.success());
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(shown.contains("<redacted>"), "{shown}");
    assert_clean("config show", &shown);
}
