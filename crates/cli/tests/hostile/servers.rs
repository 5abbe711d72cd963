//! The hostile suite's own servers: the victim that must never be reached, and a trusted
//! origin whose redirects lead to it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A server on 127.0.0.1 (and [::1] at the same port where there is IPv6 loopback) that must
/// never be reached: it counts every connection it accepts.
pub async fn victim(hits: Arc<AtomicUsize>) -> u16 {
    let v4 = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = v4.local_addr().unwrap().port();
    let v6 = TcpListener::bind(("::1", port)).await.ok();
    for l in std::iter::once(v4).chain(v6) {
        let hits = hits.clone();
        tokio::spawn(async move {
            while let Ok((mut s, _)) = l.accept().await {
                hits.fetch_add(1, Ordering::SeqCst);
                let _ = s
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: image/jpeg\r\ncontent-length: 6\r\n\r\nsecret")
                    .await;
            }
        });
    }
    port
}

/// A trusted origin (as the simulator is) on `listener` whose paths answer 302 to the given
/// locations: the copier must re-check where each redirect leads. Counts the requests it answers.
pub fn serve_redirects(
    listener: TcpListener,
    routes: Vec<(String, String)>,
    hits: Arc<AtomicUsize>,
) {
    let routes = Arc::new(routes);
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let routes = routes.clone();
            let hits = hits.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16_384 {
                    match s.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                hits.fetch_add(1, Ordering::SeqCst);
                let text = String::from_utf8_lossy(&head);
                let path = text.split_whitespace().nth(1).unwrap_or("/").to_string();
                let reply = match routes.iter().find(|(p, _)| *p == path) {
                    Some((_, to)) => format!(
                        "HTTP/1.1 302 Found\r\nlocation: {to}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                    ),
                    None => "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                        .to_string(),
                };
                let _ = s.write_all(reply.as_bytes()).await;
            });
        }
    });
}
