//! The `[server]` rate-limit settings reach the server: `streamtide serve` with a small limit
//! answers a burst with 429 and `Retry-After`, and an invalid `trusted_proxies` entry stops
//! startup with a message naming the setting.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::free_port;

fn cmd(dir: &Path) -> Command {
    let mut c = common::streamtide(dir);
    c.env("RUST_LOG", "warn").env(
        "STREAMTIDE__STORAGE__URL",
        format!("sqlite://{}", dir.join("rl.db").display()),
    );
    c
}

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_applies_the_configured_rate_limit() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let _server = Running(
        cmd(dir.path())
            .env("STREAMTIDE__SERVER__BIND", format!("127.0.0.1:{port}"))
            .env("STREAMTIDE__SERVER__RATE_LIMIT_PER_SECOND", "1")
            .env("STREAMTIDE__SERVER__RATE_LIMIT_BURST", "3")
            .arg("serve")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    // /healthz is not limited: poll it until the server is up.
    let end = Instant::now() + Duration::from_secs(30);
    while client.get(format!("{base}/healthz")).send().await.is_err() {
        assert!(Instant::now() < end, "serve did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut statuses = Vec::new();
    let mut retry_after = None;
    for _ in 0..5 {
        let r = client
            .get(format!("{base}/api/v1/live"))
            .send()
            .await
            .unwrap();
        if r.status() == 429 {
            retry_after = r
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let body = r.text().await.unwrap();
            assert!(body.contains("\"rate_limited\""), "{body}");
            statuses.push(429);
        } else {
            statuses.push(r.status().as_u16());
        }
    }
    // The burst passes; beyond it (unless a slow machine took a whole second to refill) 429.
    assert_eq!(statuses[..3], [200, 200, 200], "{statuses:?}");
    assert!(statuses[3..].contains(&429), "{statuses:?}");
    assert!(retry_after.is_some_and(|s| s.parse::<u64>().is_ok_and(|n| n >= 1)));
}

#[test]
fn an_invalid_trusted_proxy_stops_startup() {
    let dir = tempfile::tempdir().unwrap();
    let out = cmd(dir.path())
        .env(
            "STREAMTIDE__SERVER__BIND",
            format!("127.0.0.1:{}", free_port()),
        )
        .env("STREAMTIDE__SERVER__TRUSTED_PROXIES", "[\"10.0.0.0/40\"]")
        .arg("serve")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("trusted_proxies") && err.contains("10.0.0.0/40"),
        "{err}"
    );
}
