//! Platform adapters and the shared polite HTTP client.
//!
//! One module per platform (`chzzk`, `soop`, `twitch`, `youtube`), each with its endpoints,
//! private wire structs, pure parse functions tested on real captures, and an adapter
//! implementing [`PlatformAdapter`].
//! [`build_adapters`] walks [`Platform::ALL`] (the one list of platforms) and asks each platform's
//! builder for its adapter; what every crate shares about a platform (names, colour, roster
//! labels, default limits) is in its facts in `streamtide-core`.

mod adapter;
mod availability;
pub mod census;
pub mod chzzk;
pub mod config;
mod error;
pub mod http;
pub mod items;
pub mod lenient;
pub mod soop;
pub mod twitch;
pub mod youtube;

use std::sync::Arc;

pub use adapter::{ChannelsOutcome, ListRead, LiveList, PageSink, PlatformAdapter};
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
    build_adapters_with_ledger(
        platforms,
        http,
        None,
        Arc::new(streamtide_core::SystemClock),
    )
}

/// [`build_adapters`], with YouTube spending from `youtube_ledger` (e.g. one persisted in the
/// store so a restart does not forget the day's spending) instead of a fresh in-memory one, and
/// every adapter telling time by `clock` (YouTube's Pacific days and search schedule, CHZZK's
/// poll hint): the collector's clock, so a test on a virtual clock runs them all on it.
pub fn build_adapters_with_ledger(
    platforms: &PlatformsConfig,
    http: &HttpConfig,
    youtube_ledger: Option<Arc<dyn youtube::QuotaLedger>>,
    clock: Arc<dyn streamtide_core::Clock>,
) -> Result<Vec<Arc<dyn PlatformAdapter>>, reqwest::Error> {
    let mut adapters: Vec<Arc<dyn PlatformAdapter>> = Vec::new();
    for platform in Platform::ALL {
        let ledger = youtube_ledger.clone();
        if let Some(adapter) = build_adapter(platform, platforms, http, ledger, Arc::clone(&clock))?
        {
            adapters.push(adapter);
        }
    }
    Ok(adapters)
}

/// The adapter of `platform` if its section enables it and it has what it needs (`None`
/// otherwise, logged with the names of the missing keys, never values).
fn build_adapter(
    platform: Platform,
    platforms: &PlatformsConfig,
    http: &HttpConfig,
    youtube_ledger: Option<Arc<dyn youtube::QuotaLedger>>,
    clock: Arc<dyn streamtide_core::Clock>,
) -> Result<Option<Arc<dyn PlatformAdapter>>, reqwest::Error> {
    let missing = platforms.missing_credentials(platform);
    if !platforms.enabled(platform) {
        return Ok(None);
    }
    if !missing.is_empty() {
        tracing::info!(%platform, missing = ?missing, "{} is enabled but has no credentials; skipping it.", platform.display_name());
        return Ok(None);
    }
    let adapter: Arc<dyn PlatformAdapter> = match platform {
        Platform::Chzzk => Arc::new(chzzk::ChzzkAdapter::with_clock(
            &platforms.chzzk,
            http,
            clock,
        )?),
        Platform::Soop => Arc::new(soop::SoopAdapter::new(&platforms.soop, http)?),
        Platform::Twitch => Arc::new(twitch::TwitchAdapter::new(&platforms.twitch, http)?),
        Platform::Youtube => {
            let ledger = youtube_ledger.unwrap_or_else(|| {
                Arc::new(youtube::InMemoryLedger::from_config(&platforms.youtube))
            });
            Arc::new(youtube::YoutubeAdapter::with_ledger(
                &platforms.youtube,
                http,
                ledger,
                clock,
            )?)
        }
    };
    Ok(Some(adapter))
}

/// Recognise any platform's URL or id. Tries every platform's pure recogniser, so it works without
/// building adapters (e.g. `channels add` with a platform disabled).
pub fn parse_any_channel_ref(input: &str) -> Option<ChannelRef> {
    Platform::ALL
        .into_iter()
        .find_map(|p| channel_ref_parser(p)(input))
}

/// The pure recogniser of `platform`'s channel URLs and ids.
pub fn channel_ref_parser(platform: Platform) -> fn(&str) -> Option<ChannelRef> {
    match platform {
        Platform::Chzzk => chzzk::parse_channel_ref,
        Platform::Soop => soop::parse_channel_ref,
        Platform::Twitch => twitch::parse_channel_ref,
        Platform::Youtube => youtube::parse_channel_ref,
    }
}

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

    #[test]
    fn every_url_example_in_the_facts_is_recognised_as_its_platform() {
        for platform in Platform::ALL {
            for example in platform.facts().channel_url_examples {
                let own = channel_ref_parser(platform)(example).map(|r| r.platform);
                assert_eq!(own, Some(platform), "{example}");
                let any = parse_any_channel_ref(example).map(|r| r.platform);
                assert_eq!(any, Some(platform), "{example}");
            }
        }
    }
}
