//! Which language a live broadcast is in, from its title, tags and channel description plus the
//! platform's own hint.
//!
//! The board's default is "Korean broadcasts only", so what matters most is telling Korean from
//! everything else. Script evidence decides that better than any statistical model: Hangul is
//! used by Korean alone, kana by Japanese alone. Only text without such a script (Latin,
//! Devanagari, Arabic …) goes to `whatlang`, restricted to the languages that actually appear in
//! live lists, which keeps it from guessing Esperanto for a three-word English title.
//!
//! Platform hints are weighed rather than trusted: Twitch's `language` is chosen by the streamer
//! (usually right, sometimes left at a default), CHZZK carries no language at all and SOOP only
//! sometimes (its 2026 list's `lang_tags`), so their adapters fill in `ko` when there is none; a
//! KR hint other than `ko` is therefore one the streamer declared and weighs like Twitch's.
//! YouTube's `defaultAudioLanguage` is often absent.
//! Text evidence overrides a hint when it is strong; a short Latin-script title such as
//! "LCK Finals" does not turn a SOOP broadcast English.

use std::sync::OnceLock;

use streamtide_core::Platform;
use whatlang::{Detector, Lang};

// The types are core's, so the store can be given `detect` without depending on this crate.
pub use streamtide_core::language::{Detection, Evidence};

/// How much a hint is worth, by where it comes from (the platform's facts: CHZZK and SOOP send
/// none, so their adapters' `ko` is only the service's audience and yields to clear text
/// evidence; a hint declared by a streamer weighs more).
fn hint_weight(platform: Platform, hint: &str) -> f32 {
    platform.facts().language.weight(hint)
}

/// Description characters considered: the first lines say what the channel is about; the rest
/// tends to be links and sponsor boilerplate.
const DESCRIPTION_CHARS: usize = 300;

/// Letters per script, title and tags counted twice as much as the description.
#[derive(Debug, Default, Clone, Copy)]
struct ScriptCounts {
    hangul: f32,
    kana: f32,
    han: f32,
    latin: f32,
    /// Any other script with letters (Devanagari, Arabic, Thai, Cyrillic, Tamil …).
    other: f32,
}

impl ScriptCounts {
    fn add(&mut self, text: &str, weight: f32) {
        for c in text.chars() {
            let slot = match c {
                '\u{AC00}'..='\u{D7A3}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}' => {
                    &mut self.hangul
                }
                '\u{3040}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}' => &mut self.kana,
                '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' => &mut self.han,
                c if c.is_ascii_alphabetic() => &mut self.latin,
                c if c.is_alphabetic() && (c as u32) < 0x0250 => &mut self.latin,
                c if c.is_alphabetic() => &mut self.other,
                _ => continue,
            };
            *slot += weight;
        }
    }

    fn non_latin(&self) -> f32 {
        self.hangul + self.kana + self.han + self.other
    }
}

/// ISO 639-1 for the languages we let whatlang choose from. Restricting the candidates to the
/// languages of real live lists removes most confusions on short titles.
fn iso639_1(lang: Lang) -> Option<&'static str> {
    Some(match lang {
        Lang::Eng => "en",
        Lang::Kor => "ko",
        Lang::Jpn => "ja",
        Lang::Cmn => "zh",
        Lang::Spa => "es",
        Lang::Por => "pt",
        Lang::Fra => "fr",
        Lang::Deu => "de",
        Lang::Ita => "it",
        Lang::Rus => "ru",
        Lang::Ukr => "uk",
        Lang::Pol => "pl",
        Lang::Tur => "tr",
        Lang::Vie => "vi",
        Lang::Ind => "id",
        Lang::Tgl => "tl",
        Lang::Tha => "th",
        Lang::Ara => "ar",
        Lang::Urd => "ur",
        Lang::Pes => "fa",
        Lang::Heb => "he",
        Lang::Hin => "hi",
        Lang::Mar => "mr",
        Lang::Ben => "bn",
        Lang::Tam => "ta",
        Lang::Tel => "te",
        Lang::Kan => "kn",
        Lang::Mal => "ml",
        Lang::Guj => "gu",
        Lang::Pan => "pa",
        _ => return None,
    })
}

fn detector() -> &'static Detector {
    static DETECTOR: OnceLock<Detector> = OnceLock::new();
    DETECTOR.get_or_init(|| {
        let allow = Lang::all()
            .iter()
            .copied()
            .filter(|l| iso639_1(*l).is_some())
            .collect();
        Detector::with_allowlist(allow)
    })
}

/// A platform's language field as an ISO 639-1 code we know: `en-US` → `en`; `other`, `und`,
/// `zxx` and unknown codes → `None`.
pub fn normalize_hint(hint: &str) -> Option<&'static str> {
    let primary = hint.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    KNOWN_CODES.iter().copied().find(|c| *c == primary)
}

/// Every code [`detect`] can answer.
pub const KNOWN_CODES: &[&str] = &[
    "ko", "en", "ja", "zh", "es", "pt", "fr", "de", "it", "ru", "uk", "pl", "tr", "vi", "id", "tl",
    "th", "ar", "ur", "fa", "he", "hi", "mr", "bn", "ta", "te", "kn", "ml", "gu", "pa",
];

/// What the text alone says, and how strongly (`confidence` doubles as strength).
fn from_text(e: &Evidence<'_>) -> Option<Detection> {
    let mut counts = ScriptCounts::default();
    counts.add(e.title, 2.0);
    for t in e.tags {
        counts.add(t, 2.0);
    }
    let description: String = e
        .description
        .unwrap_or("")
        .chars()
        .take(DESCRIPTION_CHARS)
        .collect();
    counts.add(&description, 1.0);

    let non_latin = counts.non_latin();
    let letters = non_latin + counts.latin;
    if letters == 0.0 {
        return None;
    }
    // A script only Korean uses; two weighted letters (one in the title) already count, because
    // Korean titles are short and mix in Latin game names ("[LoL] 솔랭 ㄱㄱ").
    if counts.hangul >= 2.0
        && counts.hangul >= counts.kana + counts.han
        && counts.hangul >= counts.other
    {
        let share = counts.hangul / (non_latin + 0.25 * counts.latin);
        return Some(Detection {
            code: "ko",
            confidence: (0.7 + 0.3 * share).min(1.0),
        });
    }
    if counts.kana >= 2.0 && counts.kana + counts.han >= counts.other {
        let share = (counts.kana + counts.han) / (non_latin + 0.25 * counts.latin);
        return Some(Detection {
            code: "ja",
            confidence: (0.7 + 0.3 * share).min(1.0),
        });
    }
    if counts.han >= 2.0 && counts.han >= counts.other {
        let share = counts.han / (non_latin + 0.25 * counts.latin);
        return Some(Detection {
            code: "zh",
            confidence: (0.6 + 0.3 * share).min(1.0),
        });
    }

    // The rest is for whatlang. Feed it the script that carries the language: a Hindi news title
    // is half English ("LIVE", "News"), and its Devanagari part is what tells Hindi from Marathi.
    let mut text = String::with_capacity(e.title.len() + description.len() + 16);
    text.push_str(e.title);
    for t in e.tags {
        text.push(' ');
        text.push_str(t);
    }
    text.push(' ');
    text.push_str(&description);
    let latin_script = counts.other < 2.0;
    if !latin_script {
        // Only the non-Latin letters: whatlang decides by the majority script first, and the
        // English half of a mixed title would make it guess among Latin-script languages.
        text = text
            .chars()
            .map(|c| {
                if c.is_alphabetic() && (c as u32) < 0x0250 {
                    ' '
                } else {
                    c
                }
            })
            .collect();
    }
    let info = detector().detect(&text)?;
    let code = iso639_1(info.lang())?;
    let confidence = if latin_script {
        // Latin-script guesses on a few words are weak whatever whatlang says: scale by length.
        let words = text.split_whitespace().filter(|w| w.len() > 1).count() as f32;
        (info.confidence() as f32) * (words / 8.0).min(1.0)
    } else {
        // A non-Latin script narrows the candidates to one or two languages.
        0.75 + 0.25 * info.confidence() as f32
    };
    Some(Detection { code, confidence })
}

/// The broadcast's language, or `None` when there is neither text nor a usable hint.
pub fn detect(e: &Evidence<'_>) -> Option<Detection> {
    let text = from_text(e);
    let hint = e.hint.and_then(normalize_hint);
    let weight = hint_weight(e.platform, hint.unwrap_or(""));
    let out = match (text, hint) {
        (Some(t), Some(h)) if t.code == h => Detection {
            code: h,
            confidence: 1.0 - (1.0 - t.confidence) * (1.0 - weight),
        },
        (Some(t), Some(h)) => {
            if t.confidence > weight {
                Detection {
                    code: t.code,
                    confidence: t.confidence * (1.0 - 0.5 * weight),
                }
            } else {
                Detection {
                    code: h,
                    confidence: weight * (1.0 - 0.5 * t.confidence),
                }
            }
        }
        (Some(t), None) => t,
        (None, Some(h)) => Detection {
            code: h,
            confidence: weight,
        },
        (None, None) => return None,
    };
    Some(Detection {
        code: out.code,
        // Two decimals: it is stored and shown, and more digits would only suggest precision.
        confidence: (out.confidence.clamp(0.0, 1.0) * 100.0).round() / 100.0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ev<'a>(platform: Platform, title: &'a str, hint: Option<&'a str>) -> Evidence<'a> {
        Evidence {
            platform,
            title,
            tags: &[],
            description: None,
            hint,
        }
    }

    #[test]
    fn a_declared_kr_language_outweighs_a_guess_the_default_would_yield_to() {
        // SOOP's `lang_tags: ["일본어"]` arrives as `ja`; a short English title is a guess of
        // middling strength (five words) that beat the old flat 0.6 weight of every KR hint.
        let title = "hello everyone lets play tonight";
        let guess = from_text(&ev(Platform::Soop, title, None)).unwrap();
        assert_ne!(guess.code, "ja", "{guess:?}");
        assert!(
            guess.confidence > 0.6 && guess.confidence < 0.75,
            "{guess:?}"
        );
        let d = detect(&ev(Platform::Soop, title, Some("ja"))).unwrap();
        assert_eq!(d.code, "ja", "{d:?}");
        // The adapters' default `ko` is still only a weak prior.
        let d = detect(&ev(Platform::Soop, title, Some("ko"))).unwrap();
        assert_eq!(d.code, guess.code, "{d:?}");
        // And Hangul in the title still says Korean whatever the tag.
        let d = detect(&ev(Platform::Soop, "롤 솔랭 같이 해요", Some("en"))).unwrap();
        assert_eq!(d.code, "ko");
    }

    #[test]
    fn hangul_makes_korean_even_with_a_foreign_hint() {
        let d = detect(&ev(
            Platform::Twitch,
            "[LoL] 솔랭 다이아 가즈아",
            Some("en"),
        ))
        .unwrap();
        assert_eq!(d.code, "ko");
        assert!(d.confidence >= 0.5, "{d:?}");
    }

    #[test]
    fn a_short_latin_title_on_a_korean_platform_stays_korean() {
        let d = detect(&ev(Platform::Soop, "LCK Finals T1 vs GEN", Some("ko"))).unwrap();
        assert_eq!(d.code, "ko", "{d:?}");
    }

    #[test]
    fn a_long_english_title_beats_the_korean_default() {
        let d = detect(&ev(
            Platform::Chzzk,
            "Chill english stream, playing ranked games with viewers and talking about the new patch",
            Some("ko"),
        ))
        .unwrap();
        assert_eq!(d.code, "en", "{d:?}");
    }

    #[test]
    fn scripts_other_than_hangul() {
        let ja = detect(&ev(
            Platform::Youtube,
            "【雑談】まったりおしゃべり配信",
            None,
        ))
        .unwrap();
        assert_eq!(ja.code, "ja");
        let zh = detect(&ev(Platform::Youtube, "民視新聞直播 台灣新聞", None)).unwrap();
        assert_eq!(zh.code, "zh");
        let hi = detect(&ev(
            Platform::Youtube,
            "हिंदी समाचार LIVE: देखिये आज की बड़ी खबरें",
            None,
        ))
        .unwrap();
        assert_eq!(hi.code, "hi");
        let ar = detect(&ev(
            Platform::Youtube,
            "بث مباشر الآن أخبار اليوم من القاهرة",
            None,
        ))
        .unwrap();
        assert_eq!(ar.code, "ar");
    }

    #[test]
    fn tags_and_description_count() {
        let tags = vec!["한국어".to_string()];
        let d = detect(&Evidence {
            platform: Platform::Twitch,
            title: "Valorant ranked grind",
            tags: &tags,
            description: None,
            hint: Some("en"),
        })
        .unwrap();
        assert_eq!(d.code, "ko", "the 한국어 tag is Hangul evidence: {d:?}");
        let d = detect(&Evidence {
            platform: Platform::Youtube,
            title: "LIVE",
            tags: &[],
            description: Some("매일 저녁 8시에 방송하는 게임 채널입니다"),
            hint: None,
        })
        .unwrap();
        assert_eq!(d.code, "ko");
    }

    #[test]
    fn hints_are_normalised() {
        assert_eq!(normalize_hint("en-US"), Some("en"));
        assert_eq!(normalize_hint("zh-Hant"), Some("zh"));
        assert_eq!(normalize_hint("KO"), Some("ko"));
        assert_eq!(normalize_hint("other"), None);
        assert_eq!(normalize_hint(""), None);
        let d = detect(&ev(Platform::Twitch, "", Some("es"))).unwrap();
        assert_eq!((d.code, d.confidence), ("es", 0.7));
        assert_eq!(detect(&ev(Platform::Twitch, "", None)), None);
        assert_eq!(
            detect(&ev(Platform::Twitch, "!!! 123", Some("other"))),
            None
        );
    }

    proptest! {
        #[test]
        fn confidence_is_bounded_and_codes_known(title in "\\PC{0,60}", hint in "[a-z]{0,3}") {
            for p in Platform::ALL {
                if let Some(d) = detect(&ev(p, &title, Some(&hint))) {
                    prop_assert!((0.0..=1.0).contains(&d.confidence));
                    prop_assert!(KNOWN_CODES.contains(&d.code));
                }
            }
        }

        #[test]
        fn mostly_hangul_is_always_korean(words in proptest::collection::vec("[가-힣]{2,6}", 2..8), latin in "[A-Za-z ]{0,12}") {
            let title = format!("{} {latin}", words.join(" "));
            let d = detect(&ev(Platform::Youtube, &title, Some("en"))).unwrap();
            prop_assert_eq!(d.code, "ko");
        }
    }
}
