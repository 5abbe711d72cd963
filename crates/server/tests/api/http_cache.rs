//! Answers that travel light, over a real socket: gzip and brotli, `ETag` → 304, and the
//! `Cache-Control` a cache in front needs.

use std::io::Read;
use std::time::Duration;

use chrono::Duration as Span;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, ETAG, IF_NONE_MATCH, VARY,
};
use reqwest::StatusCode;
use serde_json::Value;
use streamtide_core::Platform;
use streamtide_server::serve;

use crate::common::{broadcast, empty, live_round, seeded};

/// 250 broadcasts with varied titles, names and viewer counts, across two platforms.
async fn busy() -> crate::common::Fixture {
    let f = empty().await;
    let mut rng = StdRng::seed_from_u64(21);
    const SYLLABLES: &[&str] = &[
        "롤", "랭크", "듀오", "저챗", "소통", "노래", "먹방", "합방", "게임", "공포", "마크",
        "발로", "배그", "스타", "토크", "ASMR", "just", "chatting", "ranked", "grind", "!", "~",
    ];
    let cats = [
        (Some("lol"), Some("리그 오브 레전드")),
        (Some("talk"), Some("토크")),
        (Some("valorant"), Some("발로란트")),
        (Some("mc"), Some("마인크래프트")),
    ];
    for (platform, n) in [(Platform::Chzzk, 150), (Platform::Soop, 100)] {
        let items = (0..n)
            .map(|_| {
                let id: String = (0..12)
                    .map(|_| char::from(b"0123456789abcdef"[rng.random_range(0..16)]))
                    .collect();
                let mut b = broadcast(
                    platform,
                    &id,
                    rng.random_range(10..50_000),
                    cats[rng.random_range(0..cats.len())],
                    false,
                    f.now - Span::minutes(rng.random_range(1..600)),
                );
                let words = rng.random_range(3..9);
                b.title = (0..words)
                    .map(|_| SYLLABLES[rng.random_range(0..SYLLABLES.len())])
                    .collect::<Vec<_>>()
                    .join(" ");
                b
            })
            .collect();
        live_round(&f.store, platform, f.now, items).await;
    }
    f
}

struct Server {
    base: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

async fn start(state: streamtide_server::AppState) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(serve(listener, state, async {
        let _ = stopped.await;
    }));
    Server {
        base: format!("http://{addr}"),
        stop: Some(stop),
    }
}

/// A client that decodes nothing: the bytes counted are the bytes on the wire.
fn raw_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

fn decode(encoding: &str, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match encoding {
        "gzip" => flate2::read::GzDecoder::new(body)
            .read_to_end(&mut out)
            .expect("gunzip"),
        "br" => brotli_decompressor::Decompressor::new(body, 4096)
            .read_to_end(&mut out)
            .expect("unbrotli"),
        other => panic!("unexpected encoding {other}"),
    };
    out
}

#[tokio::test]
async fn live_200_compresses_to_a_fifth_or_less_with_gzip_and_brotli() {
    let f = busy().await;
    let server = start(f.state.clone()).await;
    let client = raw_client();
    let url = format!("{}/api/v1/live?limit=200", server.base);

    let plain = client.get(&url).send().await.expect("plain");
    assert_eq!(plain.status(), StatusCode::OK);
    assert!(plain.headers().get(CONTENT_ENCODING).is_none());
    let plain = plain.bytes().await.expect("body");
    let plain_json: Value = serde_json::from_slice(&plain).expect("json");
    assert_eq!(plain_json["items"].as_array().map(Vec::len), Some(200));

    for encoding in ["gzip", "br"] {
        let res = client
            .get(&url)
            .header(ACCEPT_ENCODING, encoding)
            .send()
            .await
            .expect("compressed");
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()[CONTENT_ENCODING], encoding);
        let vary = res
            .headers()
            .get_all(VARY)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join(", ")
            .to_lowercase();
        assert!(vary.contains("accept-encoding"), "{vary}");
        let wire = res.bytes().await.expect("body");
        assert!(
            wire.len() * 5 <= plain.len(),
            "{encoding}: {} bytes on the wire for {} plain",
            wire.len(),
            plain.len()
        );
        let decoded: Value = serde_json::from_slice(&decode(encoding, &wire)).expect("json");
        assert_eq!(decoded, plain_json, "{encoding} decodes to the same answer");
    }
}

#[tokio::test]
async fn live_trends_and_files_answer_304_to_their_etag() {
    let f = seeded().await;
    let server = start(f.state.clone()).await;
    let client = raw_client();
    for path in [
        "/api/v1/live?limit=2",
        "/api/v1/live?limit=2&lang=all",
        "/api/v1/trends?metric=followers&period=7d",
        "/",
        "/app/board.js",
        "/app.css",
    ] {
        let url = format!("{}{path}", server.base);
        let first = client
            .get(&url)
            .header(ACCEPT_ENCODING, "gzip")
            .send()
            .await
            .expect("first");
        assert_eq!(first.status(), StatusCode::OK, "{path}");
        let etag = first.headers()[ETAG].clone();
        assert!(
            etag.to_str().expect("ascii").starts_with("W/\""),
            "{path}: {etag:?}"
        );
        assert!(first.headers().contains_key(CACHE_CONTROL), "{path}");

        let again = client
            .get(&url)
            .header(ACCEPT_ENCODING, "gzip")
            .header(IF_NONE_MATCH, etag.clone())
            .send()
            .await
            .expect("again");
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
        assert_eq!(again.headers()[ETAG], etag, "{path}");
        assert!(again.bytes().await.expect("body").is_empty(), "{path}");

        let stale = client
            .get(&url)
            .header(IF_NONE_MATCH, "W/\"0000000000000000\"")
            .send()
            .await
            .expect("stale");
        assert_eq!(
            stale.status(),
            StatusCode::OK,
            "{path}: another tag is a full answer"
        );
    }
}

#[tokio::test]
async fn the_tag_follows_the_list_and_the_query() {
    let f = seeded().await;
    let server = start(f.state.clone()).await;
    let client = raw_client();
    let tag = |path: &'static str| {
        let (client, base) = (client.clone(), server.base.clone());
        async move {
            let res = client
                .get(format!("{base}{path}"))
                .send()
                .await
                .expect("get");
            res.headers()[ETAG].to_str().expect("ascii").to_string()
        }
    };
    let a = tag("/api/v1/live?limit=2").await;
    assert_eq!(a, tag("/api/v1/live?limit=2").await, "stable");
    assert_ne!(a, tag("/api/v1/live?limit=3").await, "another page");
    assert_ne!(
        a,
        tag("/api/v1/live?limit=2&platform=soop").await,
        "another filter"
    );
    // A new round changes the list, so the tag.
    live_round(
        &f.store,
        Platform::Chzzk,
        f.now + Span::seconds(1),
        vec![broadcast(
            Platform::Chzzk,
            "ca",
            777,
            (Some("talk"), Some("토크")),
            false,
            f.now - Span::hours(1),
        )],
    )
    .await;
    assert_ne!(a, tag("/api/v1/live?limit=2").await, "a new round");
}

#[tokio::test]
async fn public_reads_may_be_kept_for_a_round_and_others_not() {
    let f = seeded().await;
    let server = start(f.state.clone()).await;
    let client = raw_client();
    let cc = |res: &reqwest::Response| {
        res.headers()
            .get(CACHE_CONTROL)
            .map(|v| v.to_str().expect("ascii").to_string())
    };
    // The test's freshness window is 10 minutes: rounds of (600 - 30) / 2 = 285 s.
    let public = "public, max-age=285, stale-while-revalidate=285";
    for path in [
        "/api/v1/live?limit=1",
        "/api/v1/trends",
        "/api/v1/channels?limit=1",
        "/api/v1/channels/chzzk/z",
    ] {
        let res = client
            .get(format!("{}{path}", server.base))
            .send()
            .await
            .expect("get");
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(cc(&res).as_deref(), Some(public), "{path}");
    }
    let missing = client
        .get(format!("{}/api/v1/channels/chzzk/nobody", server.base))
        .send()
        .await
        .expect("404");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(cc(&missing), None, "an error is not kept");
    let page = client.get(&server.base).send().await.expect("page");
    assert_eq!(cc(&page).as_deref(), Some("no-cache"), "files revalidate");
}
