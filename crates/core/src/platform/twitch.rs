//! Twitch: the facts every crate shares. The adapter is `streamtide-platforms`'s `twitch/`,
//! the fake server the simulator's `http/twitch.rs`.

use super::facts::{digits, CategoryRules, DefaultLimits, LanguageHints, PlatformFacts};
use super::Platform;
use crate::ListDepth;

pub(super) const FACTS: PlatformFacts = PlatformFacts {
    platform: Platform::Twitch,
    name_en: "Twitch",
    name_ko: "Twitch",
    colour: "#7c3aed",
    aliases: &[],
    channel_url_examples: &["https://www.twitch.tv/twitchdev", "twitch:id:141981764"],
    roster_labels: &["twitch", "트위치"],
    roster_header_words: &["twitch", "트위치"],
    // `language` is chosen by the streamer.
    language: LanguageHints {
        default_hint: None,
        hint_weight: 0.7,
    },
    categories: CategoryRules {
        id_shape: "a Helix game_id (digits)",
        valid_id: digits,
        coarse: false,
    },
    limits: DefaultLimits {
        live_list_depth: ListDepth::All,
        videos_per_channel: 20,
        requests_per_second: 10.0,
        burst: 10,
    },
    image_hosts: &["static-cdn.jtvnw.net"],
    // Twitch addresses channels by login only: without the handle there is no URL.
    channel_url: |_, handle| {
        handle
            .map(|h| h.trim().trim_start_matches('@'))
            .filter(|h| !h.is_empty())
            .map(|login| format!("https://www.twitch.tv/{login}"))
    },
    video_url: |id| format!("https://www.twitch.tv/videos/{id}"),
};
