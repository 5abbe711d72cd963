//! CHZZK (치지직, NAVER): the facts every crate shares. The adapter is `streamtide-platforms`'s
//! `chzzk/`, the fake server the simulator's `http/chzzk/`.

use super::facts::{any_token, CategoryRules, DefaultLimits, LanguageHints, PlatformFacts};
use super::Platform;
use crate::ListDepth;

pub(super) const FACTS: PlatformFacts = PlatformFacts {
    platform: Platform::Chzzk,
    name_en: "CHZZK",
    name_ko: "치지직",
    colour: "#00804f",
    aliases: &[],
    channel_url_examples: &[
        "https://chzzk.naver.com/live/0123456789abcdef0123456789abcdef",
        "https://chzzk.naver.com/0123456789abcdef0123456789abcdef",
        "chzzk:0123456789abcdef0123456789abcdef",
    ],
    roster_labels: &["chzzk", "치지직", "naverchzzk"],
    roster_header_words: &["chzzk", "치지직"],
    // CHZZK sends no language: the adapter's `ko` is only the service's audience.
    language: LanguageHints {
        default_hint: Some(("ko", 0.6)),
        hint_weight: 0.75,
    },
    // `liveCategory` ids are names ("League_of_Legends", "talk").
    categories: CategoryRules {
        id_shape: "a liveCategory name such as League_of_Legends",
        valid_id: any_token,
        coarse: false,
    },
    limits: DefaultLimits {
        live_list_depth: ListDepth::All,
        videos_per_channel: 24,
        requests_per_second: 5.0,
        burst: 5,
    },
    // Avatars and VOD pictures on Naver's image CDN (nng-phinf / video-phinf), live
    // thumbnails on livecloud-thumb.akamaized.net (captures, docs/platforms-kr.md).
    image_hosts: &[
        "*.pstatic.net",
        "livecloud-thumb.akamaized.net",
        "livecloud.akamaized.net",
    ],
    channel_url: |id, _| Some(format!("https://chzzk.naver.com/{id}")),
    video_url: |id| format!("https://chzzk.naver.com/video/{id}"),
};
