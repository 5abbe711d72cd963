//! Lenient query-string and form parsing.
//!
//! Handlers parse parameters themselves instead of using axum's typed extractors, so a bad value
//! gets the platform's own error shape (or a plain 400) rather than axum's text rejection.

use std::collections::HashMap;

use axum::response::Response;
use streamtide_core::Platform;

use super::reply;

/// Decoded `name=value` pairs; a repeated name keeps its last value, like PHP.
#[derive(Debug, Default)]
pub(crate) struct Params(HashMap<String, String>);

/// A parameter whose value could not be understood.
#[derive(Debug)]
pub(crate) struct BadParam {
    pub name: String,
    pub value: String,
}

impl BadParam {
    pub(crate) fn message(&self) -> String {
        format!("invalid value for `{}`: {:?}", self.name, self.value)
    }

    /// The 400 the platform's handlers answer with.
    pub(crate) fn reply(self, platform: Platform) -> Response {
        reply::bad_request(platform, &self.message())
    }
}

impl Params {
    pub(crate) fn parse(raw: Option<&str>) -> Params {
        let raw = raw.unwrap_or("");
        Params(
            url::form_urlencoded::parse(raw.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// Adds pairs from a form body; they win over the query string (PHP's `$_REQUEST` order).
    pub(crate) fn merge_form(&mut self, body: &[u8]) {
        for (k, v) in url::form_urlencoded::parse(body) {
            self.0.insert(k.into_owned(), v.into_owned());
        }
    }

    /// A non-empty string value.
    pub(crate) fn str(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|s| !s.is_empty())
    }

    /// An unsigned integer; absent or empty is `Ok(None)`.
    pub(crate) fn u64(&self, name: &str) -> Result<Option<u64>, BadParam> {
        match self.str(name) {
            None => Ok(None),
            Some(v) => v.trim().parse().map(Some).map_err(|_| BadParam {
                name: name.to_string(),
                value: v.to_string(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_decodes_and_rejects() {
        let mut p = Params::parse(Some("size=20&keyword=%EA%B0%90%EC%9E%90&empty=&n=x1"));
        assert_eq!(p.u64("size").unwrap(), Some(20));
        assert_eq!(p.str("keyword"), Some("감자"));
        assert_eq!(p.u64("empty").unwrap(), None);
        assert_eq!(p.u64("missing").unwrap(), None);
        assert!(p.u64("n").is_err());
        p.merge_form(b"size=60");
        assert_eq!(p.u64("size").unwrap(), Some(60));
    }
}
