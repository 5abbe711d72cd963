//! The shared client's reply size cap (`[http] max_response_bytes`, issue 22 item 2): a local
//! server sends a 50 MB body; the call fails fast with the cap error, reading only about the cap.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use streamtide_core::Platform;
use streamtide_platforms::http::{ApiClient, Call};
use streamtide_platforms::{AdapterError, HttpConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const BODY: u64 = 50 * 1024 * 1024;

/// Serves every request with a 50 MB JSON-ish body, chunked (no length announced) or with its
/// `Content-Length`; counts the body bytes the client accepted before it hung up.
async fn big_server(declare_length: bool, sent: Arc<AtomicU64>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let sent = sent.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = sock.read(&mut buf).await;
                let head = if declare_length {
                    format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {BODY}\r\n\r\n")
                } else {
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n".to_string()
                };
                if sock.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = vec![b'a'; 64 * 1024];
                let mut left = BODY;
                while left > 0 {
                    let n = left.min(chunk.len() as u64) as usize;
                    let ok = if declare_length {
                        sock.write_all(&chunk[..n]).await
                    } else {
                        let mut framed = format!("{n:x}\r\n").into_bytes();
                        framed.extend_from_slice(&chunk[..n]);
                        framed.extend_from_slice(b"\r\n");
                        sock.write_all(&framed).await
                    };
                    if ok.is_err() {
                        return;
                    }
                    sent.fetch_add(n as u64, Ordering::SeqCst);
                    left -= n as u64;
                }
                if !declare_length {
                    let _ = sock.write_all(b"0\r\n\r\n").await;
                }
            });
        }
    });
    format!("http://{addr}")
}

async fn call_capped(declare_length: bool) {
    let sent = Arc::new(AtomicU64::new(0));
    let base = big_server(declare_length, sent.clone()).await;
    let cfg = HttpConfig {
        timeout: Duration::from_secs(30),
        max_retries: 3,
        backoff_base: Duration::from_millis(1),
        ..HttpConfig::default()
    };
    assert_eq!(
        cfg.max_response_bytes,
        4 * 1024 * 1024,
        "the documented default"
    );
    let client = ApiClient::new(Platform::Chzzk, &cfg, 100.0, 10).unwrap();
    let started = Instant::now();
    let err = match client
        .send(&Call::get(format!("{base}/service/v1/lives")))
        .await
    {
        Ok(r) => panic!(
            "a 50 MB reply must fail; it was read whole: {} bytes",
            r.body.len()
        ),
        Err(e) => e,
    };
    let took = started.elapsed();
    // Give the server a moment to notice the hang-up, then read how much it got rid of.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let read = sent.load(Ordering::SeqCst);
    let stats = client.stats().snapshot();
    println!(
        "50 MB reply ({}): failed in {took:?} with `{err}`; server wrote {:.1} MB before the client hung up; requests {}",
        if declare_length { "content-length" } else { "chunked" },
        read as f64 / 1e6,
        stats.requests,
    );
    assert!(
        matches!(err, AdapterError::TooLarge { limit, .. } if limit == cfg.max_response_bytes),
        "{err:?}"
    );
    assert_eq!(err.kind(), "too_large");
    assert!(!err.is_retryable());
    assert_eq!(stats.requests, 1, "not retried");
    assert_eq!(stats.failures, 1, "counted as a failed call");
    assert!(took < Duration::from_secs(5), "fails fast: {took:?}");
    // What was read is the cap plus what sat in socket buffers, far from 50 MB.
    assert!(read < 16 * 1024 * 1024, "read {read} bytes");
}

#[tokio::test]
async fn a_chunked_50_mb_reply_fails_with_the_cap_error() {
    call_capped(false).await;
}

#[tokio::test]
async fn a_declared_50_mb_reply_fails_before_reading() {
    call_capped(true).await;
}

#[tokio::test]
async fn a_reply_under_the_cap_is_read_whole() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut sock, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 4096];
        let _ = sock.read(&mut buf).await;
        let body = vec![b'x'; 1000];
        let head = format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n", body.len());
        sock.write_all(head.as_bytes()).await.unwrap();
        sock.write_all(&body).await.unwrap();
    });
    let cfg = HttpConfig {
        max_response_bytes: 1000,
        ..HttpConfig::default()
    };
    let client = ApiClient::new(Platform::Soop, &cfg, 100.0, 10).unwrap();
    let reply = client
        .send(&Call::get(format!("http://{addr}/x")))
        .await
        .unwrap();
    assert_eq!(reply.body.len(), 1000, "exactly the cap is allowed");
}
