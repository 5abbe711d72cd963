//! The adapter error type: what can go wrong between us and a platform.
//!
//! "Offline" and "channel deleted" are not errors: they are `LiveState::Offline` and a missing
//! channel. Errors are for a platform that refuses, fails or changed its replies.

use std::time::Duration;

use streamtide_core::Platform;

/// Why a platform call failed. URLs carried here never contain secrets (the KR platforms need
/// none, and adapters that do use keys send them in headers or redact them before building this).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AdapterError {
    /// 429 (or an envelope saying so), still failing after the polite retries.
    #[error("rate limited by {platform} at {url}")]
    RateLimited {
        platform: Platform,
        url: String,
        retry_after: Option<Duration>,
    },
    /// Timeouts, connection failures, 5xx: worth trying again later.
    #[error("transient failure from {platform} at {url}: {message}")]
    Transient {
        platform: Platform,
        url: String,
        message: String,
    },
    /// The reply does not have the shape we know: the platform changed its API (a bug to fix).
    #[error("unexpected response shape from {platform} at {url}: `{path}`: {message}")]
    Schema {
        platform: Platform,
        url: String,
        path: String,
        message: String,
    },
    /// A non-retryable HTTP status.
    #[error("unexpected status {status} from {platform} at {url}")]
    Status {
        platform: Platform,
        url: String,
        status: u16,
    },
    /// The platform's envelope carried an error code (e.g. CHZZK 9004 "update the app").
    #[error("{platform} answered error code {code} at {url}: {message}")]
    Api {
        platform: Platform,
        url: String,
        code: i64,
        message: String,
    },
    /// The reply was larger than `[http] max_response_bytes`; the rest was not read.
    #[error(
        "reply from {platform} at {url} exceeds the {limit}-byte cap ([http] max_response_bytes)"
    )]
    TooLarge {
        platform: Platform,
        url: String,
        limit: u64,
    },
    /// Credentials missing or rejected.
    #[error("credentials rejected by {platform}")]
    Unauthorized { platform: Platform },
}

impl AdapterError {
    /// Whether the same request may succeed later without any change on our side.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            AdapterError::Transient { .. } | AdapterError::RateLimited { .. }
        )
    }

    /// A short, bounded label for metrics (`outcome="schema"` ...).
    pub fn kind(&self) -> &'static str {
        match self {
            AdapterError::RateLimited { .. } => "rate_limited",
            AdapterError::Transient { .. } => "transient",
            AdapterError::Schema { .. } => "schema",
            AdapterError::Status { .. } => "status",
            AdapterError::Api { .. } => "api",
            AdapterError::TooLarge { .. } => "too_large",
            AdapterError::Unauthorized { .. } => "unauthorized",
        }
    }
}

/// Why a pure parse function rejected a body; the adapter adds platform and URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseFailure {
    /// The JSON does not have the shape we know (or is not JSON at all).
    #[error("`{path}`: {message}")]
    Schema { path: String, message: String },
    /// The platform's envelope reports an error code.
    #[error("error code {code}: {message}")]
    Api { code: i64, message: String },
}

impl ParseFailure {
    /// Decode `body` as `T`, naming the JSON path of the first mismatch.
    pub fn decode<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ParseFailure> {
        let de = &mut serde_json::Deserializer::from_slice(body);
        serde_path_to_error::deserialize(de).map_err(|e| ParseFailure::Schema {
            path: e.path().to_string(),
            message: e.inner().to_string(),
        })
    }

    /// A required field that is absent or null.
    pub fn missing(path: &str) -> ParseFailure {
        ParseFailure::Schema {
            path: path.to_string(),
            message: "required field is missing or null".to_string(),
        }
    }

    pub fn at(self, platform: Platform, url: &str) -> AdapterError {
        match self {
            ParseFailure::Schema { path, message } => AdapterError::Schema {
                platform,
                url: url.to_string(),
                path,
                message,
            },
            ParseFailure::Api { code, message } => AdapterError::Api {
                platform,
                url: url.to_string(),
                code,
                message,
            },
        }
    }
}
