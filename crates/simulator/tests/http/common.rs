//! Helpers shared by the HTTP tests: starting a simulator on a manual clock, fetching JSON, and the
//! "shape contains" comparison against the real captures.

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::Value;
use streamtide_core::ManualClock;
use streamtide_simulator::{SimConfig, Simulator};

/// 2026-03-02 21:00 KST, prime time, two months after the world epoch.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 12, 0, 0).unwrap()
}

pub async fn start(cfg: SimConfig) -> (Simulator, ManualClock) {
    let clock = ManualClock::new(t0());
    let sim = Simulator::start(cfg, Arc::new(clock.clone()))
        .await
        .expect("simulator starts");
    (sim, clock)
}

pub async fn start_default() -> (Simulator, ManualClock) {
    start(SimConfig::default()).await
}

pub fn client() -> reqwest::Client {
    reqwest::Client::new()
}

/// GET `url`, require HTTP 200 and a JSON body.
pub async fn get_json(client: &reqwest::Client, url: &str) -> Value {
    let resp = client.get(url).send().await.expect("request sent");
    let status = resp.status();
    let text = resp.text().await.expect("body read");
    assert_eq!(status, 200, "GET {url} -> {status}: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("GET {url}: not JSON ({e}): {text}"))
}

/// A verbatim capture from the workspace `fixtures/` directory.
pub fn fixture(rel: &str) -> Value {
    let path = format!("{}/../../fixtures/{rel}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every key path of `capture` must exist in `actual` with the same JSON type. A null in the
/// capture matches anything; integers must stay integers; for arrays, the capture's first element
/// is compared against every element of `actual`, which must not be empty if the capture is not.
/// Returns the mismatches, one line each.
pub fn shape_mismatches(capture: &Value, actual: &Value) -> Vec<String> {
    let mut out = Vec::new();
    walk("$", capture, actual, &mut out);
    out
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn walk(path: &str, capture: &Value, actual: &Value, out: &mut Vec<String>) {
    match (capture, actual) {
        (Value::Null, _) => {}
        (Value::Object(c), Value::Object(a)) => {
            for (k, cv) in c {
                match a.get(k) {
                    Some(av) => walk(&format!("{path}.{k}"), cv, av, out),
                    None => out.push(format!("{path}.{k}: missing")),
                }
            }
        }
        (Value::Array(c), Value::Array(a)) => {
            if let Some(first) = c.first() {
                if a.is_empty() {
                    out.push(format!("{path}: empty array, capture has elements"));
                }
                for (i, av) in a.iter().enumerate() {
                    walk(&format!("{path}[{i}]"), first, av, out);
                }
            }
        }
        // A float in the capture accepts any number; an integer requires an integer.
        (Value::Number(c), Value::Number(_)) if c.is_f64() => {}
        (c, a) if type_name(c) == type_name(a) => {}
        (c, a) => out.push(format!(
            "{path}: capture has {}, simulator has {} ({a})",
            type_name(c),
            type_name(a)
        )),
    }
}

pub fn assert_shape(what: &str, capture: &Value, actual: &Value) {
    let bad = shape_mismatches(capture, actual);
    assert!(
        bad.is_empty(),
        "{what}: {} shape mismatches:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn shape_helper_catches_missing_keys_and_type_changes() {
    use serde_json::json;
    let capture = json!({"a": 1, "b": null, "c": [{"x": "s"}], "d": {"e": true}, "f": 1.5});
    let good = json!({"a": 2, "b": {"any": 1}, "c": [{"x": "t", "y": 0}, {"x": "u"}], "d": {"e": false}, "f": 3, "extra": 0});
    assert!(shape_mismatches(&capture, &good).is_empty());

    let bad = json!({"a": "2", "c": [{"x": 1}], "d": {}, "f": "1.5"});
    let errs = shape_mismatches(&capture, &bad);
    assert!(errs.iter().any(|e| e.starts_with("$.a:")), "{errs:?}");
    assert!(errs.iter().any(|e| e.starts_with("$.c[0].x:")), "{errs:?}");
    assert!(errs.iter().any(|e| e == "$.d.e: missing"), "{errs:?}");
    assert!(errs.iter().any(|e| e.starts_with("$.f:")), "{errs:?}");
    assert!(!shape_mismatches(&json!({"n": 1}), &json!({"n": 1.5})).is_empty());
    assert!(!shape_mismatches(&json!({"c": [1]}), &json!({"c": []})).is_empty());
}

#[test]
fn public_types_can_cross_threads() {
    // Other crates hold these in shared state (the demo's axum app, test fixtures).
    fn assert_thread_safe<T: Send + Sync + 'static>() {}
    assert_thread_safe::<Simulator>();
    assert_thread_safe::<streamtide_simulator::World>();
    assert_thread_safe::<streamtide_simulator::Fault>();
    assert_thread_safe::<SimConfig>();
}
