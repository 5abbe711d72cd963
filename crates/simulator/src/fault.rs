//! Injected misbehaviour: what can go wrong, and the per-server book of pending faults.
//!
//! Faults are consumed: each applies to `count` matching requests and then disappears, so a test
//! can say "the next three calls get 429" and then watch the client recover.

use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// One injected fault.
///
/// Over HTTP (`POST /__sim/faults`) it is a flat JSON object, e.g.
/// `{"kind":"status","code":429,"retry_after_secs":1,"count":3,"path_contains":"/lives"}`.
/// `count` defaults to 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "FaultWire", into = "FaultWire")]
pub struct Fault {
    pub kind: FaultKind,
    /// how many matching requests it applies to
    pub count: u32,
    /// only requests whose path (or query string) contains this; None = all
    pub path_contains: Option<String>,
}

impl Fault {
    /// A fault for the next matching request only, on any path.
    pub fn once(kind: FaultKind) -> Fault {
        Fault::times(kind, 1)
    }

    pub fn times(kind: FaultKind, count: u32) -> Fault {
        Fault {
            kind,
            count,
            path_contains: None,
        }
    }

    /// Restrict the fault to requests whose path contains `s`.
    pub fn on_path(mut self, s: impl Into<String>) -> Fault {
        self.path_contains = Some(s.into());
        self
    }

    fn matches(&self, target: &str) -> bool {
        self.path_contains
            .as_deref()
            .is_none_or(|needle| target.contains(needle))
    }
}

/// What a faulted request gets instead of (or on top of) its normal answer.
///
/// JSON form: `{"kind":"status","code":503,"retry_after_secs":null}`, `{"kind":"delay","delay_ms":1500}`,
/// `{"kind":"truncated"}`, `{"kind":"garbage"}`, `{"kind":"reset"}`,
/// `{"kind":"rename_field","from":"followerCount","to":"followers"}`,
/// `{"kind":"number_to_string","field":"concurrentUserCount"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "FaultWire", into = "FaultWire")]
pub enum FaultKind {
    /// Answer with this status (and a small JSON error body), optionally with `Retry-After`.
    Status {
        code: u16,
        retry_after_secs: Option<u64>,
    },
    /// hold the request this long before answering normally (tests use it to exceed client timeouts)
    Delay(Duration),
    /// valid HTTP, body cut in half (Content-Length matches the cut body)
    Truncated,
    /// an HTML error page with status 200
    Garbage,
    /// drop the connection mid-body (a streamed body that errors)
    Reset,
    /// rename a JSON key everywhere in the body (tests "platform changed its JSON")
    RenameField { from: String, to: String },
    /// turn every numeric value of this key into a string
    NumberToString { field: String },
    /// put `items` (raw JSON text, comma-separated) first in the array that follows the key
    /// `field`: hostile items among the good ones, as text so a lone surrogate (`"\ud800"`),
    /// which no Rust string can hold, reaches the client as a platform would send it
    SpliceItems { field: String, items: String },
}

/// The flat JSON both [`Fault`] and [`FaultKind`] travel as. One struct for both means a `Fault`
/// posted to the control surface and a bare `FaultKind` read the same way.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct FaultWire {
    kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    code: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    retry_after_secs: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    delay_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    field: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    items: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    path_contains: Option<String>,
}

fn required<T>(v: Option<T>, kind: &str, name: &str) -> Result<T, String> {
    v.ok_or_else(|| format!("fault kind `{kind}` needs field `{name}`"))
}

impl TryFrom<FaultWire> for FaultKind {
    type Error = String;

    fn try_from(w: FaultWire) -> Result<Self, String> {
        let k = w.kind.as_str();
        Ok(match k {
            "status" => FaultKind::Status {
                code: required(w.code, k, "code")?,
                retry_after_secs: w.retry_after_secs,
            },
            "delay" => {
                FaultKind::Delay(Duration::from_millis(required(w.delay_ms, k, "delay_ms")?))
            }
            "truncated" => FaultKind::Truncated,
            "garbage" => FaultKind::Garbage,
            "reset" => FaultKind::Reset,
            "rename_field" => FaultKind::RenameField {
                from: required(w.from, k, "from")?,
                to: required(w.to, k, "to")?,
            },
            "number_to_string" => FaultKind::NumberToString {
                field: required(w.field, k, "field")?,
            },
            "splice_items" => FaultKind::SpliceItems {
                field: required(w.field, k, "field")?,
                items: required(w.items, k, "items")?,
            },
            other => {
                return Err(format!(
                    "unknown fault kind `{other}` (expected status, delay, truncated, garbage, \
                     reset, rename_field, number_to_string or splice_items)"
                ))
            }
        })
    }
}

impl FaultKind {
    /// The `kind` tag used in JSON.
    pub fn name(&self) -> &'static str {
        match self {
            FaultKind::Status { .. } => "status",
            FaultKind::Delay(_) => "delay",
            FaultKind::Truncated => "truncated",
            FaultKind::Garbage => "garbage",
            FaultKind::Reset => "reset",
            FaultKind::RenameField { .. } => "rename_field",
            FaultKind::NumberToString { .. } => "number_to_string",
            FaultKind::SpliceItems { .. } => "splice_items",
        }
    }
}

impl From<FaultKind> for FaultWire {
    fn from(kind: FaultKind) -> Self {
        let mut w = FaultWire {
            kind: kind.name().to_string(),
            ..FaultWire::default()
        };
        match kind {
            FaultKind::Status {
                code,
                retry_after_secs,
            } => {
                w.code = Some(code);
                w.retry_after_secs = retry_after_secs;
            }
            FaultKind::Delay(d) => {
                w.delay_ms = Some(u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
            }
            FaultKind::Truncated | FaultKind::Garbage | FaultKind::Reset => {}
            FaultKind::RenameField { from, to } => {
                w.from = Some(from);
                w.to = Some(to);
            }
            FaultKind::NumberToString { field } => w.field = Some(field),
            FaultKind::SpliceItems { field, items } => {
                w.field = Some(field);
                w.items = Some(items);
            }
        }
        w
    }
}

impl TryFrom<FaultWire> for Fault {
    type Error = String;

    fn try_from(w: FaultWire) -> Result<Self, String> {
        let count = w.count.unwrap_or(1);
        let path_contains = w.path_contains.clone();
        Ok(Fault {
            kind: FaultKind::try_from(w)?,
            count,
            path_contains,
        })
    }
}

impl From<Fault> for FaultWire {
    fn from(f: Fault) -> Self {
        let mut w = FaultWire::from(f.kind);
        w.count = Some(f.count);
        w.path_contains = f.path_contains;
        w
    }
}

/// The pending faults of one server, oldest first.
#[derive(Debug, Default)]
pub(crate) struct FaultBook(Mutex<Vec<Fault>>);

impl FaultBook {
    pub(crate) fn push(&self, fault: Fault) {
        if fault.count > 0 {
            self.lock().push(fault);
        }
    }

    pub(crate) fn clear(&self) {
        self.lock().clear();
    }

    pub(crate) fn pending(&self) -> usize {
        self.lock().len()
    }

    /// Consume one use of the oldest fault matching `target` (path plus query) and return its kind.
    pub(crate) fn take(&self, target: &str) -> Option<FaultKind> {
        let mut faults = self.lock();
        let i = faults.iter().position(|f| f.matches(target))?;
        let f = &mut faults[i];
        f.count -= 1;
        let kind = f.kind.clone();
        if f.count == 0 {
            faults.remove(i);
        }
        Some(kind)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Fault>> {
        // A panic while holding this lock cannot leave the Vec inconsistent, so keep going.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_control_surface_json() {
        let f: Fault = serde_json::from_str(
            r#"{"kind":"status","code":429,"retry_after_secs":1,"count":3,"path_contains":"/lives"}"#,
        )
        .unwrap();
        assert_eq!(
            f,
            Fault::times(
                FaultKind::Status {
                    code: 429,
                    retry_after_secs: Some(1)
                },
                3
            )
            .on_path("/lives")
        );
        let d: Fault = serde_json::from_str(r#"{"kind":"delay","delay_ms":250}"#).unwrap();
        assert_eq!(d, Fault::once(FaultKind::Delay(Duration::from_millis(250))));
        let k: FaultKind =
            serde_json::from_str(r#"{"kind":"rename_field","from":"a","to":"b"}"#).unwrap();
        assert_eq!(
            k,
            FaultKind::RenameField {
                from: "a".into(),
                to: "b".into()
            }
        );
        assert!(serde_json::from_str::<Fault>(r#"{"kind":"status"}"#).is_err());
        assert!(serde_json::from_str::<Fault>(r#"{"kind":"meteor"}"#).is_err());
    }

    #[test]
    fn round_trips_through_json() {
        for kind in [
            FaultKind::Truncated,
            FaultKind::Garbage,
            FaultKind::Reset,
            FaultKind::NumberToString { field: "x".into() },
            FaultKind::Delay(Duration::from_millis(1500)),
        ] {
            let f = Fault::times(kind, 2).on_path("/api");
            let json = serde_json::to_string(&f).unwrap();
            assert_eq!(serde_json::from_str::<Fault>(&json).unwrap(), f, "{json}");
        }
    }

    #[test]
    fn book_consumes_counts_in_order_and_filters_paths() {
        let book = FaultBook::default();
        book.push(Fault::times(FaultKind::Garbage, 2).on_path("/lives"));
        book.push(Fault::once(FaultKind::Reset));
        assert_eq!(book.take("/channels/x"), Some(FaultKind::Reset));
        assert_eq!(book.take("/channels/x"), None);
        assert_eq!(
            book.take("/service/v1/lives?size=5"),
            Some(FaultKind::Garbage)
        );
        assert_eq!(book.take("/service/v1/lives"), Some(FaultKind::Garbage));
        assert_eq!(book.take("/service/v1/lives"), None);
        assert_eq!(book.pending(), 0);
    }
}
