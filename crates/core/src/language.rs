//! The vocabulary of language detection, shared by the crate that decides (`curate`) and the
//! crate that keeps the answer (`storage`): neither depends on the other, both speak these.

use crate::Platform;

/// What is known about a broadcast's language.
#[derive(Debug, Clone, Copy)]
pub struct Evidence<'a> {
    pub platform: Platform,
    pub title: &'a str,
    pub tags: &'a [String],
    /// The channel's description; weighs less than the title (it is often boilerplate).
    pub description: Option<&'a str>,
    /// The platform's language field (`ko`, `en-US`, `zh-Hant` …), if any.
    pub hint: Option<&'a str>,
}

/// A detected language: ISO 639-1 code and a confidence in `[0, 1]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detection {
    pub code: &'static str,
    pub confidence: f32,
}

/// A language detector: `streamtide_curate::language::detect`, or a test's stand-in. The store
/// is given one and asks it when a live session's evidence changed; it holds no rule itself.
pub type DetectLanguage = fn(&Evidence<'_>) -> Option<Detection>;
