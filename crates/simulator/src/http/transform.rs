//! Body rewrites used by faults: JSON key renames, numbers turned into strings, and a body stream
//! that dies half-way.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Bytes;
use serde_json::Value;
use tokio::io::{AsyncRead, ReadBuf};
use tokio::time::Sleep;

/// Renames every object key `from` to `to`, at any depth.
pub(crate) fn rename_key(v: &mut Value, from: &str, to: &str) {
    match v {
        Value::Object(map) => {
            if let Some(inner) = map.remove(from) {
                map.insert(to.to_string(), inner);
            }
            map.values_mut().for_each(|x| rename_key(x, from, to));
        }
        Value::Array(items) => items.iter_mut().for_each(|x| rename_key(x, from, to)),
        _ => {}
    }
}

/// Replaces every numeric value under key `field`, at any depth, with its decimal string — the way
/// SOOP's PHP endpoints print numbers.
pub(crate) fn numbers_to_strings(v: &mut Value, field: &str) {
    match v {
        Value::Object(map) => {
            for (k, x) in map.iter_mut() {
                if k == field {
                    if let Value::Number(n) = x {
                        *x = Value::String(n.to_string());
                        continue;
                    }
                }
                numbers_to_strings(x, field);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|x| numbers_to_strings(x, field)),
        _ => {}
    }
}

/// `body` with `items` (raw JSON text) put first in the array that follows the key `field`;
/// a body without such an array is returned unchanged. Text, not a `Value`: hostile items may
/// hold what no Rust string can (a lone surrogate escape).
pub(crate) fn splice_items(body: &[u8], field: &str, items: &str) -> Vec<u8> {
    let key = format!("\"{field}\"");
    let Some(at) = find(body, key.as_bytes()) else {
        return body.to_vec();
    };
    let after_key = at + key.len();
    let Some(open) = body[after_key..]
        .iter()
        .position(|b| !b.is_ascii_whitespace() && *b != b':')
        .map(|p| after_key + p)
        .filter(|&p| body[p] == b'[')
    else {
        return body.to_vec();
    };
    let rest = &body[open + 1..];
    let empty = rest
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b']');
    let mut out = Vec::with_capacity(body.len() + items.len() + 1);
    out.extend_from_slice(&body[..=open]);
    out.extend_from_slice(items.as_bytes());
    if !empty {
        out.push(b',');
    }
    out.extend_from_slice(rest);
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// An `AsyncRead` that yields `data`, waits a moment, then fails. Served as a body it makes hyper
/// send the headers and the first part, then abort the connection: the client sees a body error,
/// not a refused request. The pause makes sure the first part is flushed before the abort.
pub(crate) struct DyingBody {
    data: Bytes,
    sleep: Pin<Box<Sleep>>,
}

impl DyingBody {
    pub(crate) fn new(data: Bytes) -> Self {
        DyingBody {
            data,
            sleep: Box::pin(tokio::time::sleep(Duration::from_millis(50))),
        }
    }
}

impl AsyncRead for DyingBody {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if !self.data.is_empty() {
            let n = self.data.len().min(buf.remaining());
            let chunk = self.data.split_to(n);
            buf.put_slice(&chunk);
            return Poll::Ready(Ok(()));
        }
        match self.sleep.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::ConnectionReset,
                "simulated connection reset",
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renames_keys_at_every_depth() {
        let mut v =
            json!({"followerCount": 1, "data": [{"followerCount": 2, "x": {"followerCount": 3}}]});
        rename_key(&mut v, "followerCount", "followers");
        assert_eq!(
            v,
            json!({"followers": 1, "data": [{"followers": 2, "x": {"followers": 3}}]})
        );
    }

    #[test]
    fn stringifies_only_numbers_of_the_field() {
        let mut v =
            json!({"n": 5, "m": 6, "list": [{"n": 7.5}, {"n": "already"}, {"n": {"n": 1}}]});
        numbers_to_strings(&mut v, "n");
        assert_eq!(
            v,
            json!({"n": "5", "m": 6, "list": [{"n": "7.5"}, {"n": "already"}, {"n": {"n": "1"}}]})
        );
    }
}
