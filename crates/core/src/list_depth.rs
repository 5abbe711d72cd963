//! How deep a platform's live list is read each round: the whole directory, or its first items.
//!
//! Written in the configuration as `live_list_depth = "all"` or `live_list_depth = 200`. "all"
//! pages to the end of the list (the census: every live broadcast, whatever the roster); a number
//! caps it. An adapter pages while [`ListDepth::wants_more`] and, whatever the depth, never more
//! than [`ListDepth::MAX_ITEMS`] items, so a list that never ends (a cursor that cycles) ends.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How deep a live list is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListDepth {
    /// To the end of the list.
    All,
    /// The first `n` items (n ≥ 1).
    Top(usize),
}

impl ListDepth {
    /// No list is read past this many items, "all" included: ten times the largest live directory
    /// (SOOP's, several thousand concurrent broadcasts), so only a list that never ends meets it.
    pub const MAX_ITEMS: usize = 100_000;

    /// The most items to read: `n`, or [`ListDepth::MAX_ITEMS`] for "all".
    pub fn limit(self) -> usize {
        match self {
            ListDepth::All => Self::MAX_ITEMS,
            ListDepth::Top(n) => n.min(Self::MAX_ITEMS),
        }
    }

    /// Whether a reader holding `have` items reads another page.
    pub fn wants_more(self, have: usize) -> bool {
        have < self.limit()
    }
}

/// Why a depth was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected \"all\" or a number of items of at least 1, got {0:?}")]
pub struct BadListDepth(pub String);

impl std::str::FromStr for ListDepth {
    type Err = BadListDepth;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("all") {
            return Ok(ListDepth::All);
        }
        match t.parse::<usize>() {
            Ok(n) if n >= 1 => Ok(ListDepth::Top(n)),
            _ => Err(BadListDepth(s.to_string())),
        }
    }
}

impl Serialize for ListDepth {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ListDepth::All => s.serialize_str("all"),
            ListDepth::Top(n) => s.serialize_u64(*n as u64),
        }
    }
}

impl<'de> Deserialize<'de> for ListDepth {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct DepthVisitor;
        impl Visitor<'_> for DepthVisitor {
            type Value = ListDepth;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("\"all\" or a number of items of at least 1")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ListDepth, E> {
                match usize::try_from(v) {
                    Ok(n) if n >= 1 => Ok(ListDepth::Top(n)),
                    _ => Err(E::custom(BadListDepth(v.to_string()))),
                }
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ListDepth, E> {
                match u64::try_from(v) {
                    Ok(n) => self.visit_u64(n),
                    Err(_) => Err(E::custom(BadListDepth(v.to_string()))),
                }
            }
            // Environment variables arrive as text ("all", "500").
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ListDepth, E> {
                v.parse().map_err(E::custom)
            }
        }
        d.deserialize_any(DepthVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_or_a_positive_number_and_nothing_else() {
        let parse = |json: &str| serde_json::from_str::<ListDepth>(json);
        assert_eq!(parse("\"all\"").unwrap(), ListDepth::All);
        assert_eq!(parse("\"ALL\"").unwrap(), ListDepth::All);
        assert_eq!(parse("200").unwrap(), ListDepth::Top(200));
        assert_eq!(parse("\"500\"").unwrap(), ListDepth::Top(500));
        for bad in ["0", "-3", "\"some\"", "\"\"", "1.5", "null"] {
            let err = parse(bad).unwrap_err().to_string();
            assert!(err.contains("\"all\" or a number"), "{bad}: {err}");
        }
        assert_eq!(serde_json::to_string(&ListDepth::All).unwrap(), "\"all\"");
        assert_eq!(serde_json::to_string(&ListDepth::Top(7)).unwrap(), "7");
    }

    #[test]
    fn every_depth_ends() {
        assert!(ListDepth::All.wants_more(ListDepth::MAX_ITEMS - 1));
        assert!(!ListDepth::All.wants_more(ListDepth::MAX_ITEMS));
        assert!(ListDepth::Top(2).wants_more(1) && !ListDepth::Top(2).wants_more(2));
        assert_eq!(ListDepth::Top(usize::MAX).limit(), ListDepth::MAX_ITEMS);
    }
}
