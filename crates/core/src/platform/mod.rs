//! The closed set of platforms streamtide knows, and what is known about each.
//!
//! `as_str()` is used verbatim as config section name, database column value, metric label and
//! fixture directory name, so it must never change for an existing variant. Everything else about
//! a platform (names, colour, roster labels, language and category rules, default limits) is in
//! its facts file beside this one, reached through [`Platform::facts`].

mod chzzk;
mod facts;
#[cfg(feature = "openapi")]
mod openapi;
mod soop;
mod twitch;
mod youtube;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use facts::{CategoryRules, DefaultLimits, LanguageHints, PlatformFacts};

/// A streaming platform. Adding a variant makes the compiler list every `match` that must learn
/// it; `docs/adding-a-platform.md` lists the files the compiler cannot see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    Youtube,
    Twitch,
    Chzzk,
    Soop,
}

impl Platform {
    /// Every platform, in display order (board, filters, `/api/v1/platforms`). The one list:
    /// code that needs "every platform" iterates this.
    pub const ALL: [Platform; 4] = [
        Platform::Chzzk,
        Platform::Soop,
        Platform::Twitch,
        Platform::Youtube,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Platform::Youtube => "youtube",
            Platform::Twitch => "twitch",
            Platform::Chzzk => "chzzk",
            Platform::Soop => "soop",
        }
    }

    /// What is known about this platform (its file under `core/src/platform/`).
    pub const fn facts(self) -> &'static PlatformFacts {
        match self {
            Platform::Youtube => &youtube::FACTS,
            Platform::Twitch => &twitch::FACTS,
            Platform::Chzzk => &chzzk::FACTS,
            Platform::Soop => &soop::FACTS,
        }
    }

    /// Position in [`Platform::ALL`] (display order).
    pub fn order(self) -> usize {
        Platform::ALL
            .iter()
            .position(|&p| p == self)
            .unwrap_or(usize::MAX)
    }

    /// Where a viewer watches the video (VOD, upload, clip) with the platform's id `video_id`.
    pub fn video_url(self, video_id: &str) -> String {
        (self.facts().video_url)(video_id)
    }

    /// The page of the channel with the platform's id `channel_id`, as a viewer would open it
    /// (and as `channels add` accepts it). Twitch addresses channels by login only: without the
    /// `handle` (the login) there is no URL.
    pub fn channel_url(self, channel_id: &str, handle: Option<&str>) -> Option<String> {
        let id = channel_id.trim();
        if id.is_empty() {
            return None;
        }
        (self.facts().channel_url)(id, handle)
    }

    /// Human-facing English name (badges, tables).
    pub const fn display_name(self) -> &'static str {
        self.facts().name_en
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that names no platform.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown platform `{0}` (expected one of: {list})", list = expected())]
pub struct UnknownPlatform(pub String);

fn expected() -> String {
    let names: Vec<&str> = Platform::ALL.iter().map(|p| p.as_str()).collect();
    names.join(", ")
}

impl FromStr for Platform {
    type Err = UnknownPlatform;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let name = s.trim().to_ascii_lowercase();
        Platform::ALL
            .into_iter()
            .find(|p| p.as_str() == name || p.facts().aliases.contains(&name.as_str()))
            .ok_or_else(|| UnknownPlatform(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_str_round_trips_and_is_unique_lowercase() {
        let mut seen = std::collections::HashSet::new();
        for p in Platform::ALL {
            let s = p.as_str();
            assert_eq!(s, s.to_ascii_lowercase());
            assert!(seen.insert(s), "duplicate name {s}");
            assert_eq!(s.parse::<Platform>().unwrap(), p);
            assert_eq!(serde_json_like(p), format!("\"{s}\""));
        }
        assert_eq!("AfreecaTV".parse::<Platform>().unwrap(), Platform::Soop);
        assert!("kick".parse::<Platform>().is_err());
    }

    #[test]
    fn facts_belong_to_their_platform_and_are_well_formed() {
        for p in Platform::ALL {
            let f = p.facts();
            assert_eq!(f.platform, p);
            assert!(!f.name_en.is_empty() && !f.name_ko.is_empty());
            let c = f.colour;
            assert!(
                c.len() == 7 && c.starts_with('#') && c[1..].bytes().all(|b| b.is_ascii_hexdigit()),
                "{p}: colour {c}"
            );
            assert!(!f.channel_url_examples.is_empty(), "{p}: no URL example");
            assert!(!f.roster_labels.is_empty() && !f.roster_header_words.is_empty());
            assert!(
                f.roster_labels.contains(&p.as_str()),
                "{p}: its id is a label"
            );
            assert!((0.0..=1.0).contains(&f.language.hint_weight));
            assert!(f.limits.live_list_depth.limit() > 0 && f.limits.burst > 0);
            assert!(p.channel_url("x", Some("x")).is_some());
            assert!(p.video_url("v").contains('v'));
        }
        assert_eq!(Platform::ALL.map(Platform::order), [0, 1, 2, 3]);
        let err = "kick".parse::<Platform>().unwrap_err().to_string();
        assert!(err.contains("chzzk, soop, twitch, youtube"), "{err}");
    }

    fn serde_json_like(p: Platform) -> String {
        // serde's lowercase rename must agree with as_str (no serde_json dependency in core).
        format!("\"{}\"", p.as_str())
    }
}
