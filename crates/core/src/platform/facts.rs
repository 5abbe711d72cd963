//! What streamtide knows about each platform besides its adapter's code: names, badge colour,
//! channel URLs, roster labels, language and category rules, default limits, image hosts.
//!
//! Each platform's values sit in its own file next to this one (`chzzk.rs`, `soop.rs`, …), and
//! [`Platform::facts`] is the one place that maps a variant to them. Every crate reads these
//! instead of keeping its own list (the roster its header aliases, curate its language weights
//! and category id rule, the server `/api/v1/platforms` and through it the web UI's names and
//! colours, the platform configs their default limits), so a new platform is described once.
//! They live in `core` rather than beside the adapters because `roster`, `curate` and `server`
//! must not depend on the HTTP stack of `streamtide-platforms`.

use super::Platform;
use crate::ListDepth;

/// One platform's facts. All `'static`: compiled in, read without locking or parsing.
#[derive(Debug)]
pub struct PlatformFacts {
    pub platform: Platform,
    /// English name (badges, tables, logs): `CHZZK`, `YouTube`.
    pub name_en: &'static str,
    /// Korean name as Korean viewers call the service: `치지직`, `유튜브` would be odd for
    /// YouTube, so it is whatever the Korean UI shows.
    pub name_ko: &'static str,
    /// Badge background, `#rrggbb`; white text on it must stay readable (contrast ≥ 4.5).
    pub colour: &'static str,
    /// Other names `"…".parse::<Platform>()` accepts besides the id (former brand names).
    pub aliases: &'static [&'static str],
    /// Channel references a user may paste (`channels add`, rosters), one per accepted shape.
    /// The adapter's `parse_channel_ref` must recognise every one (a test checks).
    pub channel_url_examples: &'static [&'static str],
    /// Whole cell values of a roster's platform column that name this platform, normalised
    /// (lower case, letters and digits only): `치지직`, `아프리카tv`.
    pub roster_labels: &'static [&'static str],
    /// Words that, contained in a roster column header, make it this platform's reference
    /// column (`YouTube URL`, `치지직 채널`). Normalised like `roster_labels`.
    pub roster_header_words: &'static [&'static str],
    pub language: LanguageHints,
    pub categories: CategoryRules,
    pub limits: DefaultLimits,
    /// Default host patterns the platform's images come from (the thumbnail copier's
    /// `[thumbnails.image_hosts] <id>`): a host name, or `*.` and a domain for any name under it.
    /// From real captures and the platform's documentation.
    pub image_hosts: &'static [&'static str],
    pub(super) channel_url: fn(&str, Option<&str>) -> Option<String>,
    pub(super) video_url: fn(&str) -> String,
}

/// How much the platform's own language field is worth in language detection (0–1), weighed
/// against the title's script.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LanguageHints {
    /// The hint the adapter fills in when the platform sends none (CHZZK and SOOP: `ko`, the
    /// service's audience), and its weaker weight: it yields to clear text evidence.
    pub default_hint: Option<(&'static str, f32)>,
    /// The weight of any other hint (declared by the streamer or the uploader).
    pub hint_weight: f32,
}

impl LanguageHints {
    /// The weight of `hint` coming from this platform.
    pub fn weight(&self, hint: &str) -> f32 {
        match self.default_hint {
            Some((default, weight)) if default == hint => weight,
            _ => self.hint_weight,
        }
    }
}

/// How the platform files broadcasts under categories (see curate's `data/categories.toml`,
/// whose per-platform id lists are keyed by [`Platform::as_str`]).
#[derive(Debug, Clone, Copy)]
pub struct CategoryRules {
    /// What an id of the platform's category scheme looks like, for the table's checks.
    pub id_shape: &'static str,
    /// Whether `id` is a well-formed category id of this platform.
    pub valid_id: fn(&str) -> bool,
    /// The platform's categories are too coarse to name a game ("Gaming"): title keywords
    /// decide first.
    pub coarse: bool,
}

/// Defaults of the platform's `[platforms.<id>]` limits (each overridable in the config).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DefaultLimits {
    /// How deep the live list is read per round: the whole directory where the platform has one
    /// that is cheap to page (the census), else its top.
    pub live_list_depth: ListDepth,
    /// Videos fetched per channel per videos round.
    pub videos_per_channel: usize,
    /// Steady request rate to the platform.
    pub requests_per_second: f64,
    /// Requests allowed back to back before the steady rate applies.
    pub burst: u32,
}

/// Any non-empty id of printable ASCII without spaces (schemes with no stricter shape).
pub(super) fn any_token(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_graphic())
}

/// Decimal digits only.
pub(super) fn digits(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())
}
