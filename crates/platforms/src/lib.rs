//! Platform adapters and the shared polite HTTP client.
//!
//! One module per platform (`chzzk`, `soop`, `twitch`, `youtube`), each with its endpoints,
//! private wire structs, pure parse functions tested on real captures, and an adapter
//! implementing [`PlatformAdapter`].
//! [`build_adapters`] lists the enabled adapters by hand: the set of platforms is closed and small.

mod adapter;
mod availability;
pub mod chzzk;
pub mod config;
mod error;
pub mod http;
pub mod lenient;
pub mod soop;
pub mod twitch;
pub mod youtube;

use std::sync::Arc;

pub use adapter::{ChannelsOutcome, LiveList, PlatformAdapter};
pub use availability::skip_reason;
pub use config::{
    ApiSource, ChzzkConfig, HttpConfig, PlatformsConfig, SoopConfig, TwitchConfig, YoutubeConfig,
};
pub use error::{AdapterError, ParseFailure};
/// Re-exported from `streamtide-core`, where crates that do not talk to platforms can use it too.
pub use streamtide_core::Secret;
use streamtide_core::{ChannelRef, Platform};

/// Build the adapters of every enabled platform. Twitch and YouTube also need their credentials;
/// without them they are skipped (logged with the names of the missing keys, never values).
pub fn build_adapters(
    platforms: &PlatformsConfig,
    http: &HttpConfig,
) -> Result<Vec<Arc<dyn PlatformAdapter>>, reqwest::Error> {
    build_adapters_with_ledger(platforms, http, None)
}

/// [`build_adapters`], with YouTube spending from `youtube_ledger` (e.g. one persisted in the
/// store so a restart does not forget the day's spending) instead of a fresh in-memory one.
pub fn build_adapters_with_ledger(
    platforms: &PlatformsConfig,
    http: &HttpConfig,
    youtube_ledger: Option<Arc<dyn youtube::QuotaLedger>>,
) -> Result<Vec<Arc<dyn PlatformAdapter>>, reqwest::Error> {
    let mut adapters: Vec<Arc<dyn PlatformAdapter>> = Vec::new();
    if platforms.chzzk.enabled {
        adapters.push(Arc::new(chzzk::ChzzkAdapter::new(&platforms.chzzk, http)?));
    }
    if platforms.soop.enabled {
        adapters.push(Arc::new(soop::SoopAdapter::new(&platforms.soop, http)?));
    }
    let tw = &platforms.twitch;
    if tw.enabled {
        let mut missing = Vec::new();
        if tw.client_id.trim().is_empty() {
            missing.push("platforms.twitch.client_id");
        }
        if !tw.client_secret.is_set() {
            missing.push("platforms.twitch.client_secret");
        }
        if missing.is_empty() {
            adapters.push(Arc::new(twitch::TwitchAdapter::new(tw, http)?));
        } else {
            tracing::info!(missing = ?missing, "Twitch is enabled but has no credentials; skipping it.");
        }
    }
    if platforms.youtube.enabled {
        if platforms.youtube.api_key.is_set() {
            let adapter = match youtube_ledger {
                Some(ledger) => youtube::YoutubeAdapter::with_ledger(
                    &platforms.youtube,
                    http,
                    ledger,
                    Arc::new(streamtide_core::SystemClock),
                )?,
                None => youtube::YoutubeAdapter::new(&platforms.youtube, http)?,
            };
            adapters.push(Arc::new(adapter));
        } else {
            tracing::info!(missing = ?["platforms.youtube.api_key"], "YouTube is enabled but has no API key; skipping it.");
        }
    }
    Ok(adapters)
}

/// Recognise any platform's URL or id. Tries every platform's pure recogniser, so it works without
/// building adapters (e.g. `channels add` with a platform disabled).
pub fn parse_any_channel_ref(input: &str) -> Option<ChannelRef> {
    chzzk::parse_channel_ref(input)
        .or_else(|| soop::parse_channel_ref(input))
        .or_else(|| twitch::parse_channel_ref(input))
        .or_else(|| youtube::parse_channel_ref(input))
}

/// The platforms this build has adapters for.
pub const SUPPORTED: [Platform; 4] = [
    Platform::Chzzk,
    Platform::Soop,
    Platform::Twitch,
    Platform::Youtube,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_platforms_need_credentials_and_refs_are_recognised() {
        let mut cfg = PlatformsConfig::default();
        let http = HttpConfig::default();
        let names = |cfg: &PlatformsConfig| -> Vec<Platform> {
            build_adapters(cfg, &http)
                .unwrap()
                .iter()
                .map(|a| a.platform())
                .collect()
        };
        assert_eq!(names(&cfg), vec![Platform::Chzzk, Platform::Soop]);
        cfg.twitch.client_id = "id".into();
        assert_eq!(names(&cfg).len(), 2, "a client id alone is not enough");
        cfg.twitch.client_secret = Secret::new("s");
        cfg.youtube.api_key = Secret::new("k");
        assert_eq!(
            names(&cfg),
            vec![
                Platform::Chzzk,
                Platform::Soop,
                Platform::Twitch,
                Platform::Youtube
            ]
        );
        cfg.youtube.enabled = false;
        assert_eq!(names(&cfg).len(), 3);

        let p = |s: &str| parse_any_channel_ref(s).map(|r| r.platform);
        assert_eq!(p("https://www.twitch.tv/twitchdev"), Some(Platform::Twitch));
        assert_eq!(p("twitch:id:141981764"), Some(Platform::Twitch));
        assert_eq!(
            p("https://www.youtube.com/@googledevelopers"),
            Some(Platform::Youtube)
        );
        assert_eq!(
            p("youtube:UC_x5XG1OV2P6uZZ5FSM9Ttw"),
            Some(Platform::Youtube)
        );
        assert_eq!(p("https://youtu.be/V4DDt30Aat4"), None);
    }
}
