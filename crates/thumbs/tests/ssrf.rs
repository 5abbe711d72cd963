//! The copier against SSRF (issue 22 item 4): an internal "victim" server on loopback must get
//! no connection at all while the copier is handed every way of naming it, directly and through
//! redirects from an allowed host.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::Query;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use streamtide_core::Platform;
use streamtide_thumbs::{Fetcher, ImageHosts, ThumbsConfig, ThumbsError};
use tokio::io::AsyncWriteExt;

/// Counts every TCP connection it accepts (a request needs one), on 127.0.0.1 and, where the
/// host has IPv6 loopback, on [::1] at the same port.
async fn victim(hits: Arc<AtomicUsize>) -> u16 {
    let v4 = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = v4.local_addr().unwrap().port();
    let v6 = tokio::net::TcpListener::bind(("::1", port)).await.ok();
    for l in std::iter::once(v4).chain(v6) {
        let hits = hits.clone();
        tokio::spawn(async move {
            while let Ok((mut s, _)) = l.accept().await {
                hits.fetch_add(1, Ordering::SeqCst);
                let _ = s
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 6\r\n\r\nsecret")
                    .await;
            }
        });
    }
    port
}

fn jpeg() -> Vec<u8> {
    let img = image::RgbImage::from_fn(32, 32, |x, y| image::Rgb([x as u8 * 8, y as u8 * 8, 9]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

/// An allowed image host (trusted, as the simulator is in tests): `/img` is a picture,
/// `/redirect?to=URL` a 302 to anywhere.
async fn cdn() -> String {
    let app = Router::new()
        .route(
            "/img",
            get(|| async { ([(header::CONTENT_TYPE, "image/jpeg")], jpeg()) }),
        )
        .route(
            "/redirect",
            get(|Query(q): Query<HashMap<String, String>>| async move {
                (
                    StatusCode::FOUND,
                    [(header::LOCATION, q.get("to").cloned().unwrap_or_default())],
                )
                    .into_response()
            }),
        );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    format!("http://{addr}")
}

#[tokio::test]
async fn the_victim_on_loopback_gets_no_request() {
    let hits = Arc::new(AtomicUsize::new(0));
    let vp = victim(hits.clone()).await;
    let cdn = cdn().await;
    let cfg = ThumbsConfig {
        timeout: Duration::from_secs(2),
        trusted_origins: vec![cdn.clone()],
        // `localhost` as if it were a CDN name that resolves to loopback (DNS rebinding, a
        // poisoned record): the name passes the allow-list, the address must not.
        image_hosts: {
            let mut hosts = ImageHosts::default();
            hosts.set(
                Platform::Youtube,
                vec!["*.ytimg.com".into(), "localhost".into()],
            );
            hosts
        },
        ..ThumbsConfig::default()
    };
    let fetcher = Fetcher::new(&cfg).unwrap();

    // The positive control: the trusted origin is fetched.
    let img = fetcher
        .get(&format!("{cdn}/img"), Some(Platform::Chzzk))
        .await;
    assert!(
        img.is_ok_and(|b| b.len() > 100),
        "the trusted origin serves"
    );

    let direct = [
        format!("http://127.0.0.1:{vp}/x.jpg"),
        format!("http://localhost:{vp}/x.jpg"),
        format!("http://LOCALHOST.:{vp}/x.jpg"),
        format!("http://2130706433:{vp}/x.jpg"),
        format!("http://0x7f000001:{vp}/x.jpg"),
        format!("http://0177.0.0.1:{vp}/x.jpg"),
        format!("http://127.1:{vp}/x.jpg"),
        format!("http://0.0.0.0:{vp}/x.jpg"),
        format!("http://[::1]:{vp}/x.jpg"),
        format!("http://[::ffff:127.0.0.1]:{vp}/x.jpg"),
        format!("http://[::ffff:7f00:1]:{vp}/x.jpg"),
        format!("https://127.0.0.1:{vp}/x.jpg"),
        format!("//127.0.0.1:{vp}/x.jpg"),
        format!("http://user@127.0.0.1:{vp}/x.jpg"),
        format!("http://i.ytimg.com@127.0.0.1:{vp}/x.jpg"),
        "http://10.0.0.1/x.jpg".into(),
        "http://172.16.0.1/x.jpg".into(),
        "http://192.168.0.1/x.jpg".into(),
        "http://169.254.169.254/latest/meta-data/".into(),
        "http://[fe80::1]/x.jpg".into(),
        "http://[fd00::1]/x.jpg".into(),
        "http://224.0.0.1/x.jpg".into(),
        "http://100.64.0.1/x.jpg".into(),
    ];
    let redirected: Vec<String> = [
        format!("http://127.0.0.1:{vp}/x.jpg"),
        format!("http://localhost:{vp}/x.jpg"),
        format!("http://2130706433:{vp}/x.jpg"),
        format!("http://[::1]:{vp}/x.jpg"),
        "http://169.254.169.254/latest/meta-data/".into(),
        format!("{cdn}/redirect?to=http://127.0.0.1:{vp}/twice.jpg"),
    ]
    .iter()
    .map(|to| format!("{cdn}/redirect?to={}", urlencode(to)))
    .collect();

    let mut refused = 0;
    for (url, platform) in direct
        .iter()
        .flat_map(|u| [(u.clone(), Some(Platform::Youtube)), (u.clone(), None)])
        .chain(
            redirected
                .iter()
                .map(|u| (u.clone(), Some(Platform::Chzzk))),
        )
    {
        let started = std::time::Instant::now();
        let r = fetcher.get(&url, platform).await;
        let e = r.expect_err(&url);
        assert!(
            matches!(e, ThumbsError::Refused(_) | ThumbsError::Download(_)),
            "{url}: {e}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{url}: refused quickly"
        );
        refused += 1;
        assert_eq!(hits.load(Ordering::SeqCst), 0, "{url} reached the victim");
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let n = hits.load(Ordering::SeqCst);
    println!("SSRF: {refused} hostile URLs refused; requests to victim: {n}");
    assert_eq!(n, 0);
}

/// The guard's reason reaches the error (and so the thumbnail index and the logs).
#[tokio::test]
async fn refusals_say_why() {
    let cdn = cdn().await;
    let cfg = ThumbsConfig {
        trusted_origins: vec![cdn.clone()],
        ..ThumbsConfig::default()
    };
    let fetcher = Fetcher::new(&cfg).unwrap();
    let e = fetcher
        .get("http://2130706433:1/x", Some(Platform::Soop))
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("127.0.0.1") && e.contains("internal"), "{e}");
    let e = fetcher
        .get("https://evil.example/x.jpg", Some(Platform::Soop))
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("not an image host"), "{e}");
    let e = fetcher
        .get(
            &format!("{cdn}/redirect?to=http%3A%2F%2F127.0.0.1%3A1%2Fx"),
            Some(Platform::Soop),
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("redirect refused"), "{e}");
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
