//! Lenient field decoding for platforms whose JSON is loose about types.
//!
//! SOOP sends numbers as strings in some endpoints and as numbers in others, and flags as
//! `"Y"/"N"`, `"0"/"1"`, `19` or real booleans. Both KR platforms send times as KST wall-clock
//! strings without a zone. These helpers turn all of that into plain Rust values and never panic.

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// Korea Standard Time. Korea has no daylight saving time, so a fixed offset is exact.
pub fn kst() -> FixedOffset {
    FixedOffset::east_opt(9 * 3600).expect("+09:00 is a valid offset")
}

/// Parse a KST wall-clock string (`2025-11-26 17:53:01`, also with a `T`) into UTC.
pub fn parse_kst(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    kst()
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// Format a UTC time as a KST wall-clock string (what the platforms send).
pub fn format_kst(t: DateTime<Utc>) -> String {
    t.with_timezone(&kst())
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// A number from a JSON number or a numeric string (`"1,234"` too); `None` for anything else.
pub fn value_to_u64(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64)),
        Value::String(s) => {
            let cleaned: String = s.trim().chars().filter(|c| *c != ',').collect();
            cleaned.parse::<u64>().ok()
        }
        _ => None,
    }
}

/// A flag from `true`, `"Y"`, `"1"`, `1`, `"true"` (true) or their opposites.
pub fn value_to_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => n.as_i64().map(|i| i != 0),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "y" | "yes" | "1" | "true" => Some(true),
            "n" | "no" | "0" | "false" | "" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// A string from a JSON string or number (ids are sometimes either).
pub fn value_to_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// serde helper: optional lenient u64. A value that is there but is no count (negative, beyond
/// u64, not a number) is `None` and noted for the per-item counts ([`crate::items`]); an empty
/// string is simply absent.
pub fn de_opt_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    let Some(v) = v else { return Ok(None) };
    if matches!(&v, Value::String(s) if s.trim().is_empty()) {
        return Ok(None);
    }
    let n = value_to_u64(&v);
    if n.is_none() {
        crate::items::note_bad_number();
    }
    Ok(n)
}

/// serde helper: optional lenient string (numbers become their decimal text).
pub fn de_opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    Ok(v.as_ref().and_then(value_to_string))
}

/// serde helper: optional lenient bool.
pub fn de_opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    Ok(v.as_ref().and_then(value_to_bool))
}

/// Make a protocol-relative URL (`//liveimg...`) absolute; empty strings become `None`.
pub fn absolute_url(u: Option<&str>) -> Option<String> {
    let u = u?.trim();
    if u.is_empty() {
        None
    } else if let Some(rest) = u.strip_prefix("//") {
        Some(format!("https://{rest}"))
    } else {
        Some(u.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kst_strings_become_utc() {
        let t = parse_kst("2025-11-26 17:53:01").unwrap();
        assert_eq!(t.to_rfc3339(), "2025-11-26T08:53:01+00:00");
        assert_eq!(format_kst(t), "2025-11-26 17:53:01");
        assert_eq!(
            parse_kst("2023-12-19T12:03:34").unwrap().to_rfc3339(),
            "2023-12-19T03:03:34+00:00"
        );
        assert!(parse_kst("yesterday").is_none());
        assert!(parse_kst("").is_none());
    }

    #[test]
    fn numbers_and_flags_are_lenient() {
        assert_eq!(value_to_u64(&json!("1234")), Some(1234));
        assert_eq!(value_to_u64(&json!("1,234")), Some(1234));
        assert_eq!(value_to_u64(&json!(77)), Some(77));
        assert_eq!(value_to_u64(&json!(-1)), None);
        assert_eq!(value_to_u64(&json!("abc")), None);
        assert_eq!(value_to_u64(&json!(null)), None);
        assert_eq!(value_to_bool(&json!("Y")), Some(true));
        assert_eq!(value_to_bool(&json!("N")), Some(false));
        assert_eq!(value_to_bool(&json!(0)), Some(false));
        assert_eq!(value_to_bool(&json!(true)), Some(true));
        assert_eq!(value_to_bool(&json!("maybe")), None);
        assert_eq!(value_to_string(&json!(201651295)), Some("201651295".into()));
    }

    #[test]
    fn protocol_relative_urls_get_https() {
        assert_eq!(
            absolute_url(Some("//liveimg.sooplive.co.kr/m/1")).as_deref(),
            Some("https://liveimg.sooplive.co.kr/m/1")
        );
        assert_eq!(absolute_url(Some("")), None);
        assert_eq!(
            absolute_url(Some("https://a/b")).as_deref(),
            Some("https://a/b")
        );
    }
}
