//! Per-item decoding of platform lists: one bad item is dropped and counted, never the page.
//!
//! A list reply is first split into its items as raw JSON (skipping a value does not decode its
//! strings, so a lone surrogate or a wrong type in one item cannot fail the others), then each item
//! is decoded and normalised on its own. A dropped item is logged (platform, list, reason, JSON
//! path; never a header or a key) and counted in [`rejected_counts`], which the collector exposes
//! at `/metrics` as `streamtide_collector_items_rejected_total{platform,reason}`.
//!
//! Only when *every* item of a non-empty page is bad does the page fail: that is what a renamed
//! field looks like, and an empty list would wrongly say that nobody is live.
//!
//! Numbers inside a kept item are checked against the ceilings of [`streamtide_core::sanitize`]
//! (the one place they are stated): one outside is `None` for that field and counted as
//! `field_out_of_range`. Live viewer counts are the exception: [`viewers`] keeps the figure so the
//! store can record the sighting without a viewer sample (a channel that is live stays live), and
//! counts it here.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::sync::Mutex;

use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use streamtide_core::sanitize::{MAX_COUNT, MAX_DURATION_SECS, MAX_VIEWERS};
use streamtide_core::Platform;

use crate::ParseFailure;

/// One list item as the platform sent it, not decoded yet.
pub type RawItem = Box<RawValue>;

/// Why an item (or a field of a kept item) was refused: a bounded set of metric labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rejection {
    /// The item does not decode: a wrong JSON type, invalid text (a lone surrogate), not JSON.
    Malformed,
    /// A field the item cannot be used without (id, viewer count) is absent or null.
    MissingField,
    /// A required number is negative, beyond u64 or not a number at all: the item is dropped.
    OutOfRange,
    /// A number of a kept item is outside its range: that field is unknown, the item is kept.
    FieldOutOfRange,
}

impl Rejection {
    /// The metric label.
    pub fn label(self) -> &'static str {
        match self {
            Rejection::Malformed => "malformed",
            Rejection::MissingField => "missing_field",
            Rejection::OutOfRange => "out_of_range",
            Rejection::FieldOutOfRange => "field_out_of_range",
        }
    }
}

static REJECTED: Mutex<BTreeMap<(Platform, Rejection), u64>> = Mutex::new(BTreeMap::new());

thread_local! {
    /// Numbers refused while the current item was decoded and normalised (see [`note_bad_number`]).
    static BAD_NUMBERS: Cell<u64> = const { Cell::new(0) };
}

/// Count `n` rejections of `reason` for `platform`.
pub fn count(platform: Platform, reason: Rejection, n: u64) {
    if n == 0 {
        return;
    }
    let mut map = REJECTED.lock().unwrap_or_else(|e| e.into_inner());
    *map.entry((platform, reason)).or_default() += n;
}

/// Every rejection counted since start-up, by platform and reason (for `/metrics`).
pub fn rejected_counts() -> Vec<(Platform, Rejection, u64)> {
    let map = REJECTED.lock().unwrap_or_else(|e| e.into_inner());
    map.iter().map(|(&(p, r), &n)| (p, r, n)).collect()
}

/// One rejection count (tests and the hostile-input suite read it).
pub fn rejected(platform: Platform, reason: Rejection) -> u64 {
    let map = REJECTED.lock().unwrap_or_else(|e| e.into_inner());
    map.get(&(platform, reason)).copied().unwrap_or(0)
}

/// Note a number that was present but unusable (negative, beyond u64, above its ceiling).
/// Called by the lenient decoders and the ceiling helpers below; [`decode_each`] and
/// [`with_fields_counted`] turn the notes into counts for their platform.
pub fn note_bad_number() {
    BAD_NUMBERS.with(|c| c.set(c.get() + 1));
}

fn take_bad_numbers() -> u64 {
    BAD_NUMBERS.with(|c| c.replace(0))
}

/// `v` if it is at most `max`, else `None` (noted).
pub fn bounded(v: Option<u64>, max: u64) -> Option<u64> {
    match v {
        Some(x) if x > max => {
            note_bad_number();
            None
        }
        other => other,
    }
}

/// Followers, views, likes, comments, video counts: at most [`MAX_COUNT`].
pub fn count_field(v: Option<u64>) -> Option<u64> {
    bounded(v, MAX_COUNT)
}

/// A duration in seconds: at most [`MAX_DURATION_SECS`].
pub fn duration_field(v: Option<u64>) -> Option<u64> {
    bounded(v, MAX_DURATION_SECS)
}

/// A live viewer count, kept as sent; one above [`MAX_VIEWERS`] is noted (the store then records
/// the sighting without a viewer sample rather than losing the channel's live session).
pub fn viewers(v: u64) -> u64 {
    if v > MAX_VIEWERS {
        note_bad_number();
    }
    v
}

/// Run a single-object parse (a channel page, a station) counting the numbers it refused as
/// `field_out_of_range` for `platform`.
pub fn with_fields_counted<T>(platform: Platform, parse: impl FnOnce() -> T) -> T {
    take_bad_numbers();
    let out = parse();
    count(platform, Rejection::FieldOutOfRange, take_bad_numbers());
    out
}

/// Cut a decoder message for a log line (it may quote a piece of the item).
fn short(message: &str) -> String {
    const MAX: usize = 160;
    match message.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}…", &message[..at]),
        None => message.to_string(),
    }
}

/// The first dropped item of a page, for the log line.
struct FirstDrop {
    index: usize,
    reason: Rejection,
    failure: ParseFailure,
}

/// Decode the items of one list: each raw item as `W`, then `build` (which may return `Ok(None)`
/// for an item that is simply not wanted, e.g. a channel among video search results). A bad item
/// is dropped, logged and counted; the others are kept in order. `list` is the JSON path of the
/// array (`content.data`), used in errors and logs.
pub fn decode_each<W, T>(
    platform: Platform,
    list: &str,
    raw: Vec<RawItem>,
    mut build: impl FnMut(W, usize) -> Result<Option<T>, ParseFailure>,
) -> Result<Vec<T>, ParseFailure>
where
    W: DeserializeOwned,
{
    let total = raw.len();
    let mut out = Vec::with_capacity(total);
    let mut dropped: BTreeMap<Rejection, u64> = BTreeMap::new();
    let mut first: Option<FirstDrop> = None;
    for (i, item) in raw.into_iter().enumerate() {
        take_bad_numbers();
        let decoded = ParseFailure::decode::<W>(item.get().as_bytes())
            .map_err(|e| (Rejection::Malformed, e))
            .and_then(|w| build(w, i).map_err(|e| (Rejection::MissingField, e)));
        let bad_numbers = take_bad_numbers();
        match decoded {
            Ok(Some(t)) => {
                out.push(t);
                count(platform, Rejection::FieldOutOfRange, bad_numbers);
            }
            Ok(None) => {}
            Err((reason, failure)) => {
                // A required number that was there but unusable is a range problem, not a
                // missing field.
                let reason = if reason == Rejection::MissingField && bad_numbers > 0 {
                    Rejection::OutOfRange
                } else {
                    reason
                };
                *dropped.entry(reason).or_default() += 1;
                let failure = at_item(failure, list, i);
                if first.is_none() {
                    first = Some(FirstDrop {
                        index: i,
                        reason,
                        failure,
                    });
                }
            }
        }
    }
    let Some(first) = first else {
        return Ok(out);
    };
    let n_dropped: u64 = dropped.values().sum();
    if n_dropped as usize == total {
        // Nothing usable at all: the platform changed its replies; say where.
        return Err(first.failure);
    }
    for (&reason, &n) in &dropped {
        count(platform, reason, n);
    }
    let (path, message) = match &first.failure {
        ParseFailure::Schema { path, message } => (path.clone(), short(message)),
        ParseFailure::Api { code, message } => (format!("code {code}"), short(message)),
    };
    tracing::warn!(
        platform = %platform, list, dropped = n_dropped, kept = out.len(),
        first_index = first.index, first_reason = first.reason.label(), first_path = %path,
        first_error = %message,
        "Dropped list items the platform sent malformed or out of range; the rest of the page is kept."
    );
    Ok(out)
}

/// Prefix a path relative to an item with the item's place in the reply.
fn at_item(failure: ParseFailure, list: &str, i: usize) -> ParseFailure {
    match failure {
        ParseFailure::Schema { path, message } => {
            let inner = if path == "." || path.is_empty() {
                String::new()
            } else if path.starts_with(&format!("{list}[")) {
                // `build` already named the full path.
                return ParseFailure::Schema { path, message };
            } else {
                format!(".{path}")
            };
            ParseFailure::Schema {
                path: format!("{list}[{i}]{inner}"),
                message,
            }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Item {
        id: String,
        #[serde(default, deserialize_with = "crate::lenient::de_opt_u64")]
        n: Option<u64>,
    }

    #[derive(Deserialize)]
    struct Page {
        items: Vec<RawItem>,
    }

    fn run(body: &str) -> Result<Vec<(String, Option<u64>)>, ParseFailure> {
        let page: Page = ParseFailure::decode(body.as_bytes())?;
        decode_each(Platform::Twitch, "items", page.items, |w: Item, i| {
            let n =
                w.n.ok_or_else(|| ParseFailure::missing(&format!("items[{i}].n")))?;
            Ok(Some((w.id, bounded(Some(n), 1000))))
        })
    }

    #[test]
    fn bad_items_are_dropped_and_counted_not_the_page() {
        let malformed = rejected(Platform::Twitch, Rejection::Malformed);
        let range = rejected(Platform::Twitch, Rejection::OutOfRange);
        let field = rejected(Platform::Twitch, Rejection::FieldOutOfRange);
        let kept = run(
            r#"{"items":[{"id":"a","n":1},{"id":"\ud800","n":2},{"id":7,"n":3},{"id":"d","n":-4},
            {"id":"e","n":"99999999999999999999999"},{"id":"f","n":5000},{"id":"g","n":6}]}"#,
        )
        .unwrap();
        assert_eq!(
            kept,
            vec![
                ("a".to_string(), Some(1)),
                ("f".to_string(), None),
                ("g".to_string(), Some(6))
            ]
        );
        // Other tests of this binary may count too: at least ours are there.
        assert!(rejected(Platform::Twitch, Rejection::Malformed) >= malformed + 2);
        assert!(rejected(Platform::Twitch, Rejection::OutOfRange) >= range + 2);
        assert!(rejected(Platform::Twitch, Rejection::FieldOutOfRange) > field);
    }

    #[test]
    fn a_page_of_only_bad_items_fails_with_the_path() {
        match run(r#"{"items":[{"id":"a"},{"id":"b"}]}"#) {
            Err(ParseFailure::Schema { path, .. }) => assert_eq!(path, "items[0].n"),
            other => panic!("{other:?}"),
        }
        match run(r#"{"items":[{"id":5,"n":1}]}"#) {
            Err(ParseFailure::Schema { path, .. }) => assert_eq!(path, "items[0].id"),
            other => panic!("{other:?}"),
        }
        assert_eq!(run(r#"{"items":[]}"#).unwrap(), vec![]);
    }
}
