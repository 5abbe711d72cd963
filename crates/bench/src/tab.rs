//! The new tab of the API part: what one open of the board costs on the wire and in time — the pages of
//! `/api/v1/live` the board walks (`limit=200`, following `next_cursor` up to 1,000 items, as
//! `app/api.js` does) — uncompressed as before, gzip, brotli, and revalidated with the tags of
//! the last open (`If-None-Match` → 304, a tab opened again within a round).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::Context;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT_ENCODING, ETAG, IF_NONE_MATCH};

/// How the load generator or a tab asks.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// `Accept-Encoding`; none: uncompressed.
    pub encoding: Option<String>,
    /// Send the answer's tag back.
    pub revalidate: bool,
}

impl Request {
    pub fn label(&self) -> String {
        let enc = self.encoding.as_deref().unwrap_or("plain");
        if self.revalidate {
            format!("{enc}, If-None-Match → 304")
        } else {
            enc.to_string()
        }
    }

    /// The headers every request sends; revalidating asks `url` once for its tag.
    pub async fn headers(&self, url: &str) -> anyhow::Result<HeaderMap> {
        let mut h = HeaderMap::new();
        if let Some(e) = &self.encoding {
            h.insert(ACCEPT_ENCODING, HeaderValue::from_str(e)?);
        }
        if self.revalidate {
            let res = reqwest::Client::new()
                .get(url)
                .headers(h.clone())
                .send()
                .await?
                .error_for_status()?;
            let tag = res
                .headers()
                .get(ETAG)
                .cloned()
                .with_context(|| format!("{url}: no ETag"))?;
            h.insert(IF_NONE_MATCH, tag);
        }
        Ok(h)
    }
}

/// One open of the board: bytes of every answer body, requests, time.
struct Open {
    bytes: u64,
    requests: u32,
    took: Duration,
}

/// The board's pages of the bench's 1,000 live items: `limit=200`, then `next_cursor` (`o200` …
/// `o800`, see `paging.rs`), five requests.
const PAGES: [&str; 5] = [
    "",
    "&cursor=o200",
    "&cursor=o400",
    "&cursor=o600",
    "&cursor=o800",
];

/// Walk the board's pages; with `tags`, send each page's last tag and keep the new ones.
async fn open(
    client: &reqwest::Client,
    base: &str,
    encoding: Option<&str>,
    mut tags: Option<&mut HashMap<String, HeaderValue>>,
) -> anyhow::Result<Open> {
    let started = Instant::now();
    let (mut bytes, mut requests) = (0u64, 0u32);
    for page in PAGES {
        let url = format!("{base}/api/v1/live?lang=ko&limit=200{page}");
        let mut req = client.get(&url);
        if let Some(e) = encoding {
            req = req.header(ACCEPT_ENCODING, e);
        }
        if let Some(tag) = tags.as_ref().and_then(|t| t.get(&url)) {
            req = req.header(IF_NONE_MATCH, tag.clone());
        }
        let res = req.send().await?;
        requests += 1;
        let status = res.status();
        anyhow::ensure!(
            status.is_success() || status.as_u16() == 304,
            "{url}: HTTP {status}"
        );
        if let (Some(t), Some(tag)) = (tags.as_mut(), res.headers().get(ETAG)) {
            t.insert(url.clone(), tag.clone());
        }
        bytes += res.bytes().await?.len() as u64;
    }
    Ok(Open {
        bytes,
        requests,
        took: started.elapsed(),
    })
}

/// The new-tab table: `n` opens per way of asking, median time.
pub async fn new_tab_table(base: &str, n: usize) -> anyhow::Result<String> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()?;
    let mut rows = Vec::new();
    let ways: [(&str, Option<&str>, bool); 4] = [
        ("first open, uncompressed (before)", None, false),
        ("first open, gzip", Some("gzip"), false),
        ("first open, brotli", Some("br"), false),
        (
            "open again within the round (brotli, If-None-Match)",
            Some("br"),
            true,
        ),
    ];
    for (name, encoding, again) in ways {
        let mut tags = HashMap::new();
        if again {
            open(&client, base, encoding, Some(&mut tags)).await?;
        }
        let mut times = Vec::new();
        let mut last = None;
        for _ in 0..n.max(1) {
            let o = open(&client, base, encoding, again.then_some(&mut tags)).await?;
            times.push(o.took);
            last = Some(o);
        }
        times.sort_unstable();
        let o = last.context("no open")?;
        rows.push((name, o.bytes, o.requests, times[times.len() / 2]));
    }
    let plain = rows.first().map_or(1, |r| r.1.max(1));
    let mut s = format!(
        "### One new tab: the board's `/api/v1/live` pages (1,000 items, 5 × 200), median of {n}\n\n\
         | way | requests | bytes | vs. before | time ms |\n|---|---:|---:|---:|---:|\n"
    );
    for (name, bytes, requests, took) in rows {
        s.push_str(&format!(
            "| {name} | {requests} | {bytes} | {:.3} | {:.2} |\n",
            bytes as f64 / plain as f64,
            took.as_secs_f64() * 1000.0
        ));
    }
    s.push_str(
        "\nBytes are answer bodies as sent (headers not counted); times are on loopback, so they \
         show the server's and client's work, not a phone network's. Within `max-age` a browser \
         or a cache in front answers a new tab without asking the server at all.\n\n",
    );
    Ok(s)
}
