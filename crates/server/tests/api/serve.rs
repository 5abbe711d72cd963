//! The real server on a real socket, called with an HTTP client, then shut down gracefully.

use std::time::Duration;

use serde_json::Value;
use streamtide_server::serve;

use crate::common::seeded;

#[tokio::test]
async fn serves_over_tcp_and_shuts_down_gracefully() {
    let f = seeded().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, f.state.clone(), async {
        let _ = stopped.await;
    }));

    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    let base = format!("http://{addr}");
    let live: Value = client
        .get(format!("{base}/api/v1/live?limit=2"))
        .send()
        .await
        .expect("live")
        .error_for_status()
        .expect("200")
        .json()
        .await
        .expect("json");
    assert_eq!(live["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(live["total"], 5);
    assert_eq!(live["items"][0]["channel_id"], "ca");

    let health = client
        .get(format!("{base}/healthz"))
        .send()
        .await
        .expect("healthz");
    assert_eq!(health.status(), reqwest::StatusCode::OK);
    assert_eq!(health.json::<Value>().await.expect("json")["status"], "ok");

    let missing = client
        .get(format!("{base}/api/v1/channels/chzzk/nobody"))
        .send()
        .await
        .expect("404");
    assert_eq!(missing.status(), reqwest::StatusCode::NOT_FOUND);
    assert_eq!(
        missing.json::<Value>().await.expect("json")["error"],
        "not_found"
    );

    stop.send(()).expect("server still running");
    let result = tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("shut down in time")
        .expect("task");
    assert!(result.is_ok(), "{result:?}");
}

#[tokio::test]
async fn silent_connections_are_closed_and_do_not_starve_healthz() {
    use streamtide_server::{serve_with, ServerLimits};
    let f = seeded().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let limits = ServerLimits {
        max_connections: 512,
        header_timeout: Duration::from_secs(1),
        idle_timeout: Duration::from_secs(2),
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve_with(listener, f.state.clone(), limits, async {
        let _ = stopped.await;
    }));
    // A silent connection is closed once the header timeout passes.
    let silent = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let mut buf = [0u8; 64];
    let closed = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let _ = silent.readable().await;
            match silent.try_read(&mut buf) {
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
                _ => break,
            }
        }
    })
    .await;
    assert!(
        closed.is_ok(),
        "a silent connection was still open after 5 s (header timeout 1 s)"
    );
    // 1,100 silent connections, then /healthz.
    let mut flood = Vec::new();
    for _ in 0..1_100 {
        if let Ok(s) = tokio::net::TcpStream::connect(addr).await {
            flood.push(s);
        }
    }
    let started = std::time::Instant::now();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .build()
        .expect("client");
    let health = client
        .get(format!("http://{addr}/healthz"))
        .send()
        .await
        .expect("healthz answers despite 1,100 silent connections");
    assert_eq!(health.status(), reqwest::StatusCode::OK);
    println!(
        "silent connections: {} open, /healthz answered in {:?}",
        flood.len(),
        started.elapsed()
    );
    drop(flood);
    stop.send(()).expect("server still running");
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("graceful shutdown")
        .expect("join")
        .expect("serve");
}
