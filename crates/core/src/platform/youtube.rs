//! YouTube: the facts every crate shares. The adapter is `streamtide-platforms`'s `youtube/`,
//! the fake server the simulator's `http/youtube.rs`.

use super::facts::{digits, CategoryRules, DefaultLimits, LanguageHints, PlatformFacts};
use super::Platform;
use crate::ListDepth;

pub(super) const FACTS: PlatformFacts = PlatformFacts {
    platform: Platform::Youtube,
    name_en: "YouTube",
    name_ko: "YouTube",
    colour: "#b91c1c",
    aliases: &[],
    channel_url_examples: &[
        "https://www.youtube.com/@googledevelopers",
        "https://www.youtube.com/channel/UC_x5XG1OV2P6uZZ5FSM9Ttw",
        "youtube:UC_x5XG1OV2P6uZZ5FSM9Ttw",
    ],
    roster_labels: &["youtube", "유튜브", "yt"],
    roster_header_words: &["youtube", "유튜브"],
    // `defaultAudioLanguage` / `defaultLanguage`, set by the uploader (often left at a default).
    language: LanguageHints {
        default_hint: None,
        hint_weight: 0.65,
    },
    // videoCategory ids ("20" = Gaming) say little: title keywords decide first.
    categories: CategoryRules {
        id_shape: "a videoCategory id (digits, e.g. 20)",
        valid_id: digits,
        coarse: true,
    },
    limits: DefaultLimits {
        live_list_depth: ListDepth::Top(50),
        videos_per_channel: 20,
        requests_per_second: 5.0,
        burst: 5,
    },
    image_hosts: &["*.ytimg.com", "*.ggpht.com", "*.googleusercontent.com"],
    channel_url: |id, _| Some(format!("https://www.youtube.com/channel/{id}")),
    video_url: |id| format!("https://www.youtube.com/watch?v={id}"),
};
