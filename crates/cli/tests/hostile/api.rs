//! Reading the daemon under test: its API, `/metrics` samples, and deadlines.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use streamtide_core::Platform;

/// The sum of a metric's samples whose line contains every one of `labels`.
pub fn metric_sum(metrics: &str, name: &str, labels: &[&str]) -> f64 {
    metrics
        .lines()
        .filter(|l| l.starts_with(name) && labels.iter().all(|x| l.contains(x)))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

pub struct Api {
    pub base: String,
    pub client: reqwest::Client,
}

impl Api {
    pub async fn get(&self, path: &str) -> (u16, String) {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        (r.status().as_u16(), r.text().await.unwrap_or_default())
    }

    pub async fn json(&self, path: &str) -> serde_json::Value {
        let (status, body) = self.get(path).await;
        assert_eq!(status, 200, "GET {path}: {body}");
        serde_json::from_str(&body).unwrap()
    }

    pub async fn metrics(&self) -> String {
        self.get("/metrics").await.1
    }

    /// The live items of `platform`, by channel id (every language, up to 200).
    pub async fn live(&self, platform: Platform) -> Vec<serde_json::Value> {
        tokio::time::sleep(streamtide_server::LIVE_CACHE_TTL + Duration::from_millis(50)).await;
        let v = self
            .json(&format!(
                "/api/v1/live?platform={platform}&lang=all&limit=200"
            ))
            .await;
        v["items"].as_array().cloned().unwrap_or_default()
    }
}

pub fn ids(items: &[serde_json::Value]) -> BTreeSet<String> {
    items
        .iter()
        .filter_map(|i| i["channel_id"].as_str().map(str::to_string))
        .collect()
}

/// Panics with `what` once `deadline` has passed.
pub fn before(deadline: Instant, what: &str) {
    assert!(Instant::now() < deadline, "timed out waiting for {what}");
}

/// `streamtide_collector_rounds_total` of live rounds with `outcome`, every platform.
pub fn live_rounds(metrics: &str, outcome: &str) -> f64 {
    metric_sum(
        metrics,
        "streamtide_collector_rounds_total",
        &["job=\"live\"", &format!("outcome=\"{outcome}\"")],
    )
}
