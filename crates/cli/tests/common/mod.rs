//! What the end-to-end tests of the `streamtide` binary share: the binary with a clean
//! environment, the simulator and the settings that point the platform clients at it, a free
//! port, stopping a child process, and the database a test runs on (a fresh one on the
//! PostgreSQL server named by `STREAMTIDE_TEST_PG_URL`, else a temporary SQLite file).
//!
//! Each `tests/*.rs` file is a crate of its own and includes this module with `mod common;`.

// Every test crate uses only some of these helpers; the rest would warn as unused there.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Child, Command, ExitStatus, Output};
use std::sync::Arc;
use std::time::{Duration, Instant};

use streamtide_core::SystemClock;
use streamtide_simulator::{SimConfig, Simulator};

pub const BIN: &str = env!("CARGO_BIN_EXE_streamtide");

/// The binary, run in `dir`, without the caller's STREAMTIDE* variables (a developer's own
/// configuration must not leak into a test).
pub fn streamtide(dir: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.current_dir(dir);
    for (k, _) in std::env::vars() {
        if k.starts_with("STREAMTIDE") {
            c.env_remove(k);
        }
    }
    c
}

/// A simulator with `channels` CHZZK and `channels` SOOP channels, on the real clock.
pub async fn simulator(channels: usize) -> Simulator {
    Simulator::start(
        SimConfig {
            chzzk_channels: channels,
            soop_channels: channels,
            ..SimConfig::default()
        },
        Arc::new(SystemClock),
    )
    .await
    .unwrap()
}

/// Point the CHZZK and SOOP clients of `c` at a simulator (`chzzk`/`soop` are its base URLs),
/// without fallback hosts, allowing `requests_per_second` on each platform.
pub fn simulated_platforms<'c>(
    c: &'c mut Command,
    chzzk: &str,
    soop: &str,
    requests_per_second: u32,
) -> &'c mut Command {
    let rps = requests_per_second.to_string();
    c.env("STREAMTIDE__PLATFORMS__CHZZK__API_BASE", chzzk)
        .env("STREAMTIDE__PLATFORMS__CHZZK__REQUESTS_PER_SECOND", &rps)
        .env("STREAMTIDE__PLATFORMS__SOOP__LIVE_BASE", soop)
        .env("STREAMTIDE__PLATFORMS__SOOP__CHAPI_BASE", soop)
        .env("STREAMTIDE__PLATFORMS__SOOP__LIVE_FALLBACK_BASE", "")
        .env("STREAMTIDE__PLATFORMS__SOOP__CHAPI_FALLBACK_BASE", "")
        .env("STREAMTIDE__PLATFORMS__SOOP__REQUESTS_PER_SECOND", &rps)
}

/// The stdout of a command that must have succeeded.
pub fn ok(out: Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "exit {:?}\nstdout:\n{stdout}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// A TCP port nobody listens on at the moment.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Send `sig` (`-TERM`, `-KILL`, …) to `child`.
pub fn signal(child: &Child, sig: &str) {
    let pid = child.id().to_string();
    assert!(Command::new("kill")
        .args([sig, &pid])
        .status()
        .unwrap()
        .success());
}

/// `child`'s exit status once it exits, or None when it is still running after `timeout`.
pub fn wait_within(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let end = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        if Instant::now() > end {
            return None;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A fresh database named after `name` on the PostgreSQL server named by
/// `STREAMTIDE_TEST_PG_URL` (via `streamtide_storage::fresh_database`), or None when that is not
/// set.
pub async fn pg_database(name: &str) -> Option<String> {
    let server = std::env::var("STREAMTIDE_TEST_PG_URL")
        .ok()
        .filter(|u| !u.is_empty())?;
    Some(
        streamtide_storage::fresh_database(&server, name)
            .await
            .unwrap(),
    )
}

/// The database a test runs on: a fresh one of its own on the PostgreSQL server when there is
/// one ([`pg_database`]), else the SQLite file `sqlite_file`.
pub async fn database(name: &str, sqlite_file: &Path) -> String {
    match pg_database(name).await {
        Some(url) => url,
        None => format!("sqlite://{}", sqlite_file.display()),
    }
}

/// What an alert destination stand-in received: whether it was signed, and the webhook body's
/// `event.key` (the happening; `None` for the other formats).
#[allow(dead_code)] // not every test binary that includes this file receives alerts
pub struct Received {
    pub signed: bool,
    pub key: Option<String>,
}

/// A stand-in for every HTTP alert destination (webhook, Discord, Telegram): answers 200
/// `{"ok":true}` to whatever is posted and records it.
#[allow(dead_code)] // not every test binary that includes this file receives alerts
pub async fn alert_receiver() -> (String, std::sync::Arc<std::sync::Mutex<Vec<Received>>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let got = log.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let got = got.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                let mut bytes = Vec::new();
                // Read until the head and the announced body are in.
                let (head, body) = loop {
                    let Ok(n) = sock.read(&mut buf).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    bytes.extend_from_slice(&buf[..n]);
                    let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") else {
                        continue;
                    };
                    let head = String::from_utf8_lossy(&bytes[..end]).to_ascii_lowercase();
                    let len = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(0);
                    if bytes.len() >= end + 4 + len {
                        break (head, bytes[end + 4..end + 4 + len].to_vec());
                    }
                };
                let key = serde_json::from_slice::<serde_json::Value>(&body)
                    .ok()
                    .and_then(|v| {
                        v.pointer("/event/key")
                            .and_then(|k| k.as_str())
                            .map(str::to_string)
                    });
                got.lock().unwrap().push(Received {
                    signed: head.contains("x-streamtide-signature: sha256="),
                    key,
                });
                let body = r#"{"ok":true}"#;
                let _ = sock
                    .write_all(
                        format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                            body.len()
                        )
                        .as_bytes(),
                    )
                    .await;
            });
        }
    });
    (url, log)
}
