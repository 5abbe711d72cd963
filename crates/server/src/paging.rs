//! Validation of the parameters list endpoints share: `limit`, `cursor`, `platform`.
//!
//! A cursor is opaque to clients. Today it encodes an offset as `o<decimal>`; the prefix leaves
//! room for a keyset cursor later without breaking clients that only pass it back.

use streamtide_core::Platform;

use crate::error::ApiError;

/// Page size of list endpoints when `limit` is absent.
pub const DEFAULT_LIMIT: u32 = 50;
/// Largest page of list endpoints.
pub const MAX_LIMIT: u32 = 200;

/// `limit`, defaulted and checked against `max` (too large is an error, not silently clamped, so
/// a client never mistakes a short page for the end).
pub fn limit(raw: Option<u32>, default: u32, max: u32) -> Result<u32, ApiError> {
    match raw {
        None => Ok(default),
        Some(n) if (1..=max).contains(&n) => Ok(n),
        Some(n) => Err(ApiError::bad_request(format!(
            "limit must be between 1 and {max} (got {n})"
        ))),
    }
}

/// The offset a cursor stands for; no cursor is the first page.
pub fn decode_cursor(raw: Option<&str>) -> Result<u32, ApiError> {
    let Some(raw) = raw.filter(|s| !s.is_empty()) else {
        return Ok(0);
    };
    raw.strip_prefix('o')
        .filter(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|digits| digits.parse::<u32>().ok())
        .ok_or_else(|| {
            ApiError::bad_request(
                "malformed cursor: pass back a `next_cursor` value exactly as received",
            )
        })
}

/// The cursor of the page after `returned` items at `offset`, or `None` at the end.
pub fn next_cursor(offset: u32, returned: usize, total: u64) -> Option<String> {
    let next = u64::from(offset) + returned as u64;
    if returned == 0 || next >= total {
        return None;
    }
    u32::try_from(next).ok().map(|n| format!("o{n}"))
}

/// A platform named in a query or path; empty means "not given".
pub fn platform_param(raw: Option<&str>) -> Result<Option<Platform>, ApiError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => parse_platform(s).map(Some),
    }
}

/// The `platform` query parameter, exactly as the OpenAPI document says: absent is "every
/// platform", a value must be one of the enum's names; an empty value (`?platform=`) is an error,
/// not a silent "every platform".
pub fn platform_query(raw: Option<&str>) -> Result<Option<Platform>, ApiError> {
    match raw {
        None => Ok(None),
        Some(s) => parse_platform(s).map(Some),
    }
}

/// A platform that must be given (path segments), spelt exactly as the OpenAPI enum does:
/// `chzzk`, `soop`, `twitch` or `youtube`. The friendly aliases the CLI and rosters take
/// (`afreeca`, `CHZZK`) are not API values: a client that sends one gets a 400 naming the allowed
/// values rather than an answer the document does not promise.
pub fn parse_platform(raw: &str) -> Result<Platform, ApiError> {
    Platform::ALL
        .into_iter()
        .find(|p| p.as_str() == raw)
        .ok_or_else(|| {
            let allowed: Vec<&str> = Platform::ALL.iter().map(|p| p.as_str()).collect();
            ApiError::bad_request(format!(
                "unknown platform `{raw}`; allowed values: {}",
                allowed.join(", ")
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platforms_are_the_openapi_enum_exactly() {
        for p in Platform::ALL {
            assert_eq!(parse_platform(p.as_str()).ok(), Some(p));
        }
        for alias in ["afreeca", "afreecatv", "CHZZK", " soop", "Twitch", ""] {
            assert!(parse_platform(alias).is_err(), "{alias}");
        }
    }

    #[test]
    fn cursors_round_trip_and_reject_junk() {
        assert_eq!(decode_cursor(None).ok(), Some(0));
        assert_eq!(decode_cursor(Some("")).ok(), Some(0));
        let c = next_cursor(50, 50, 120).expect("more pages");
        assert_eq!(decode_cursor(Some(&c)).ok(), Some(100));
        assert_eq!(next_cursor(100, 20, 120), None);
        assert_eq!(next_cursor(0, 0, 10), None);
        for bad in ["o", "o-1", "x12", "o1a", "o99999999999", "12", "o+1"] {
            assert!(decode_cursor(Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn limits() {
        assert_eq!(limit(None, 50, 200).ok(), Some(50));
        assert_eq!(limit(Some(200), 50, 200).ok(), Some(200));
        assert!(limit(Some(201), 50, 200).is_err());
        assert!(limit(Some(0), 50, 200).is_err());
    }

    #[test]
    fn platforms() {
        assert_eq!(platform_param(Some("")).ok(), Some(None));
        assert!(platform_query(Some("")).is_err());
        assert_eq!(platform_query(None).ok(), Some(None));
        assert_eq!(
            platform_query(Some("soop")).ok(),
            Some(Some(Platform::Soop))
        );
        // The OpenAPI enum exactly: no other spelling.
        assert!(platform_param(Some("SOOP")).is_err());
        let err = platform_param(Some("kick")).err().map(|e| format!("{e:?}"));
        assert!(err.is_some_and(|e| e.contains("unknown platform `kick`")));
    }
}
