//! The closed set of platforms streamtide knows.
//!
//! `as_str()` is used verbatim as config section name, database column value, metric label and
//! fixture directory name, so it must never change for an existing variant.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A streaming platform. Adding a variant makes the compiler list every `match` that must learn it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    Youtube,
    Twitch,
    Chzzk,
    Soop,
}

impl Platform {
    /// Every platform, in a stable order.
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

    /// Where a viewer watches the video (VOD, upload, clip) with the platform's id `video_id`.
    pub fn video_url(self, video_id: &str) -> String {
        match self {
            Platform::Youtube => format!("https://www.youtube.com/watch?v={video_id}"),
            Platform::Twitch => format!("https://www.twitch.tv/videos/{video_id}"),
            Platform::Chzzk => format!("https://chzzk.naver.com/video/{video_id}"),
            Platform::Soop => format!("https://vod.sooplive.co.kr/player/{video_id}"),
        }
    }

    /// The page of the channel with the platform's id `channel_id`, as a viewer would open it
    /// (and as `channels add` accepts it). Twitch addresses channels by login only: without the
    /// `handle` (the login) there is no URL.
    pub fn channel_url(self, channel_id: &str, handle: Option<&str>) -> Option<String> {
        let id = channel_id.trim();
        if id.is_empty() {
            return None;
        }
        match self {
            Platform::Youtube => Some(format!("https://www.youtube.com/channel/{id}")),
            Platform::Twitch => handle
                .map(|h| h.trim().trim_start_matches('@'))
                .filter(|h| !h.is_empty())
                .map(|login| format!("https://www.twitch.tv/{login}")),
            Platform::Chzzk => Some(format!("https://chzzk.naver.com/{id}")),
            Platform::Soop => Some(format!("https://www.sooplive.co.kr/station/{id}")),
        }
    }

    /// Human-facing name (badges, tables).
    pub const fn display_name(self) -> &'static str {
        match self {
            Platform::Youtube => "YouTube",
            Platform::Twitch => "Twitch",
            Platform::Chzzk => "CHZZK",
            Platform::Soop => "SOOP",
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that names no platform.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown platform `{0}` (expected one of: chzzk, soop, twitch, youtube)")]
pub struct UnknownPlatform(pub String);

impl FromStr for Platform {
    type Err = UnknownPlatform;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "youtube" => Ok(Platform::Youtube),
            "twitch" => Ok(Platform::Twitch),
            "chzzk" => Ok(Platform::Chzzk),
            // The platform's former name still appears in rosters and URLs.
            "soop" | "afreeca" | "afreecatv" => Ok(Platform::Soop),
            _ => Err(UnknownPlatform(s.to_string())),
        }
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

    fn serde_json_like(p: Platform) -> String {
        // serde's lowercase rename must agree with as_str (no serde_json dependency in core).
        format!("\"{}\"", p.as_str())
    }
}
