//! SOOP (숲, formerly AfreecaTV): the facts every crate shares. The adapter is
//! `streamtide-platforms`'s `soop/`, the fake server the simulator's `http/soop/`.

use super::facts::{CategoryRules, DefaultLimits, LanguageHints, PlatformFacts};
use super::Platform;
use crate::ListDepth;

pub(super) const FACTS: PlatformFacts = PlatformFacts {
    platform: Platform::Soop,
    name_en: "SOOP",
    name_ko: "SOOP",
    colour: "#1d4ed8",
    // The platform's former name still appears in rosters and URLs.
    aliases: &["afreeca", "afreecatv"],
    channel_url_examples: &[
        "https://www.sooplive.co.kr/station/phonics1",
        "https://play.sooplive.co.kr/phonics1/281234567",
        "https://bj.afreecatv.com/phonics1",
        "soop:phonics1",
    ],
    roster_labels: &[
        "soop",
        "숲",
        "afreeca",
        "afreecatv",
        "아프리카",
        "아프리카tv",
        "sooplive",
    ],
    roster_header_words: &["soop", "afreeca", "아프리카", "숲"],
    // SOOP sends `lang_tags` only when the streamer sets one; otherwise the adapter's `ko`.
    language: LanguageHints {
        default_hint: Some(("ko", 0.6)),
        hint_weight: 0.75,
    },
    categories: CategoryRules {
        id_shape: "8 digits (broad_cate_no, e.g. 00040019)",
        valid_id: |id| id.len() == 8 && super::facts::digits(id),
        coarse: false,
    },
    limits: DefaultLimits {
        live_list_depth: ListDepth::All,
        videos_per_channel: 20,
        requests_per_second: 2.0,
        burst: 2,
    },
    // liveimg / profile.img / videoimg under both the .co.kr and the 2026 .com domains, and the
    // old afreecatv.com names still seen in 2026.
    image_hosts: &["*.sooplive.co.kr", "*.sooplive.com", "*.afreecatv.com"],
    channel_url: |id, _| Some(format!("https://www.sooplive.co.kr/station/{id}")),
    video_url: |id| format!("https://vod.sooplive.co.kr/player/{id}"),
};
