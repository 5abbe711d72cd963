//! One category vocabulary across platforms, loaded from `data/categories.toml`.
//!
//! The table is a reviewable data file rather than code so it can grow from what the unmapped
//! metric reports. It is compiled in (`include_str!`) and parsed once into hash maps, so mapping
//! a live item costs a few lookups and no allocation beyond one lower-cased key.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use serde::Deserialize;
use streamtide_core::Platform;

const TABLE: &str = include_str!("../data/categories.toml");

/// One normalized category, with its labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryTag {
    pub id: String,
    pub ko: String,
    pub en: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    tag: Vec<RawTag>,
}

/// One `[[tag]]`. Its platform id lists are keyed by platform id (`chzzk = [...]`), so a new
/// platform needs no field here; `parse` rejects any other key (serde's `deny_unknown_fields`
/// does not combine with `flatten`).
#[derive(Debug, Deserialize)]
struct RawTag {
    id: String,
    ko: String,
    en: String,
    #[serde(default)]
    names: Vec<String>,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(flatten)]
    platform_ids: BTreeMap<String, Vec<String>>,
}

/// What the vocabulary makes of a broadcast's category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mapping<'a> {
    /// One of our tags.
    Tag(&'a CategoryTag),
    /// The platform gave a category the table does not know: shown raw, counted.
    Unmapped,
    /// No category at all, and no keyword in the title.
    Absent,
}

/// The id counting a broadcast whose category the vocabulary does not know (the market's).
pub const OTHER_ID: &str = "other";
/// The id counting a broadcast without a category or a keyword in its title (the market's).
pub const NONE_ID: &str = "none";

impl<'a> Mapping<'a> {
    pub fn tag(self) -> Option<&'a CategoryTag> {
        match self {
            Mapping::Tag(t) => Some(t),
            _ => None,
        }
    }

    /// The id a broadcast is counted under: its tag's, [`OTHER_ID`] or [`NONE_ID`].
    pub fn id(self) -> &'a str {
        match self {
            Mapping::Tag(t) => &t.id,
            Mapping::Unmapped => OTHER_ID,
            Mapping::Absent => NONE_ID,
        }
    }
}

/// A title keyword, lower-cased, and the tag it stands for.
#[derive(Debug)]
struct Keyword {
    word: String,
    ascii: bool,
    tag: usize,
}

/// The parsed table with its lookup maps.
#[derive(Debug)]
pub struct Vocabulary {
    tags: Vec<CategoryTag>,
    by_platform_id: HashMap<(Platform, String), usize>,
    by_name: HashMap<String, usize>,
    by_tag_id: HashMap<String, usize>,
    keywords: Vec<Keyword>,
}

/// A category name as a lookup key: lower case, letters and digits only, so "League of Legends",
/// "League_of_Legends" and "league-of-legends" meet.
pub fn name_key(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

impl Vocabulary {
    /// The compiled-in table, parsed on first use. Its tests parse the same text, so this cannot
    /// fail in a build whose tests pass.
    pub fn global() -> &'static Vocabulary {
        static VOCABULARY: OnceLock<Vocabulary> = OnceLock::new();
        VOCABULARY.get_or_init(|| {
            Vocabulary::parse(TABLE).unwrap_or_else(|e| panic!("data/categories.toml: {e}"))
        })
    }

    /// Parse and check a table: unique tag ids, labels present, no platform id on two tags.
    pub fn parse(text: &str) -> Result<Vocabulary, String> {
        let raw: RawTable = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut v = Vocabulary {
            tags: Vec::with_capacity(raw.tag.len()),
            by_platform_id: HashMap::new(),
            by_name: HashMap::new(),
            by_tag_id: HashMap::new(),
            keywords: Vec::new(),
        };
        for (i, t) in raw.tag.into_iter().enumerate() {
            let valid_id = !t.id.is_empty()
                && t.id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !valid_id {
                return Err(format!("tag id `{}` must be snake_case ASCII", t.id));
            }
            if t.ko.trim().is_empty() || t.en.trim().is_empty() {
                return Err(format!("tag `{}` needs both labels", t.id));
            }
            if v.by_tag_id.insert(t.id.clone(), i).is_some() {
                return Err(format!("tag `{}` appears twice", t.id));
            }
            for (key, list) in &t.platform_ids {
                let platform: Platform = key
                    .parse()
                    .ok()
                    .filter(|p: &Platform| p.as_str() == key)
                    .ok_or_else(|| format!("tag `{}`: unknown key `{key}`", t.id))?;
                let rules = platform.facts().categories;
                for id in list {
                    if !(rules.valid_id)(id) {
                        return Err(format!(
                            "{} category `{id}` is not {}",
                            platform.display_name(),
                            rules.id_shape
                        ));
                    }
                    if let Some(other) = v.by_platform_id.insert((platform, id.to_lowercase()), i) {
                        return Err(format!(
                            "{platform} category `{id}` is on tags `{}` and `{}`",
                            v.tags[other].id, t.id
                        ));
                    }
                }
            }
            // Labels are names too: a platform that names a category "음악" needs no extra entry.
            for name in t.names.iter().chain([&t.ko, &t.en]) {
                let key = name_key(name);
                match v.by_name.get(&key) {
                    Some(&other) if other != i => {
                        return Err(format!(
                            "name `{name}` is on tags `{}` and `{}`",
                            v.tags[other].id, t.id
                        ))
                    }
                    _ => {
                        v.by_name.insert(key, i);
                    }
                }
            }
            for k in &t.keywords {
                let word = k.trim().to_lowercase();
                if word.is_empty() {
                    return Err(format!("tag `{}` has an empty keyword", t.id));
                }
                v.keywords.push(Keyword {
                    ascii: word.is_ascii(),
                    word,
                    tag: i,
                });
            }
            v.tags.push(CategoryTag {
                id: t.id,
                ko: t.ko,
                en: t.en,
            });
        }
        Ok(v)
    }

    /// Every tag, in table order (the board's category filter lists them).
    pub fn tags(&self) -> &[CategoryTag] {
        &self.tags
    }

    /// Whether the table maps any of `platform`'s own category ids (the registry test asks it
    /// of every platform).
    pub fn knows_platform(&self, platform: Platform) -> bool {
        self.by_platform_id.keys().any(|(p, _)| *p == platform)
    }

    /// The tag with this id (`?category=league_of_legends`).
    pub fn by_id(&self, id: &str) -> Option<&CategoryTag> {
        self.by_tag_id.get(id).map(|&i| &self.tags[i])
    }

    /// Map a broadcast's category. Order: the platform's own id, then its category name, then
    /// (YouTube, whose categories are coarse, or a broadcast without category) title keywords.
    /// On YouTube a keyword beats the category id: "Gaming" + "롤 솔랭" is League of Legends.
    pub fn map(
        &self,
        platform: Platform,
        category_id: Option<&str>,
        category_name: Option<&str>,
        title: &str,
    ) -> Mapping<'_> {
        let category_id = category_id.map(str::trim).filter(|s| !s.is_empty());
        let category_name = category_name.map(str::trim).filter(|s| !s.is_empty());
        let by_id = category_id.and_then(|id| {
            self.by_platform_id
                .get(&(platform, id.to_lowercase()))
                .copied()
        });
        let by_name = || {
            // CHZZK ids are names too ("League_of_Legends"); numeric ids never are.
            [category_name, category_id]
                .into_iter()
                .flatten()
                .find_map(|n| self.by_name.get(&name_key(n)).copied())
        };
        let has_category = category_id.is_some() || category_name.is_some();
        if platform.facts().categories.coarse || !has_category {
            if let Some(i) = self.keyword(title) {
                return Mapping::Tag(&self.tags[i]);
            }
        }
        match by_id.or_else(by_name) {
            Some(i) => Mapping::Tag(&self.tags[i]),
            None if has_category => Mapping::Unmapped,
            None => Mapping::Absent,
        }
    }

    /// The first tag (in table order) with a keyword that starts a word of `title`.
    fn keyword(&self, title: &str) -> Option<usize> {
        if title.is_empty() {
            return None;
        }
        let lower = title.to_lowercase();
        self.keywords
            .iter()
            .filter(|k| contains_word(&lower, &k.word, k.ascii))
            .map(|k| k.tag)
            .min()
    }
}

/// Whether `word` occurs in `text` starting a word; an ASCII `word` must also end one. Korean
/// attaches particles to nouns ("롤에서"), so a Hangul keyword may run on; it must still start a
/// word, so "컨트롤" does not contain the keyword "롤".
fn contains_word(text: &str, word: &str, ascii: bool) -> bool {
    let mut from = 0;
    while let Some(pos) = text[from..].find(word) {
        let start = from + pos;
        let end = start + word.len();
        let before_ok = text[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let after_ok = !ascii
            || text[end..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric());
        if before_ok && after_ok {
            return true;
        }
        // Advance by one character, not one byte: `start + 1` may sit inside a Hangul syllable.
        from = start + text[start..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn v() -> &'static Vocabulary {
        Vocabulary::global()
    }

    fn tag_of(p: Platform, id: Option<&str>, name: Option<&str>, title: &str) -> Option<String> {
        v().map(p, id, name, title).tag().map(|t| t.id.clone())
    }

    #[test]
    fn the_table_parses_and_has_labels() {
        let v = Vocabulary::parse(TABLE).unwrap();
        assert!(v.tags().len() >= 15);
        let lol = v.by_id("league_of_legends").unwrap();
        assert_eq!(
            (lol.ko.as_str(), lol.en.as_str()),
            ("리그 오브 레전드", "League of Legends")
        );
        for id in [
            "just_chatting",
            "music",
            "sports",
            "mukbang",
            "virtual",
            "games",
        ] {
            assert!(v.by_id(id).is_some(), "{id}");
        }
    }

    #[test]
    fn chzzk_live_category() {
        assert_eq!(
            tag_of(
                Platform::Chzzk,
                Some("League_of_Legends"),
                Some("리그 오브 레전드"),
                "x"
            ),
            Some("league_of_legends".into())
        );
        assert_eq!(
            tag_of(
                Platform::Chzzk,
                Some("talk"),
                Some("talk"),
                "궤도 님과 누리호"
            ),
            Some("just_chatting".into())
        );
        assert_eq!(
            tag_of(Platform::Chzzk, Some("eating"), None, ""),
            Some("mukbang".into())
        );
    }

    #[test]
    fn soop_broad_cate_no() {
        assert_eq!(
            tag_of(Platform::Soop, Some("00040075"), None, ""),
            Some("lost_ark".into())
        );
        assert_eq!(
            tag_of(Platform::Soop, Some("00130000"), None, ""),
            Some("just_chatting".into())
        );
        assert_eq!(
            tag_of(Platform::Soop, Some("00210000"), None, ""),
            Some("virtual".into())
        );
        // A SOOP number on another platform means nothing.
        assert_eq!(
            v().map(Platform::Twitch, Some("00040075"), None, ""),
            Mapping::Unmapped
        );
    }

    #[test]
    fn twitch_game_id_and_name() {
        assert_eq!(
            tag_of(Platform::Twitch, Some("21779"), None, ""),
            Some("league_of_legends".into())
        );
        assert_eq!(
            tag_of(Platform::Twitch, Some("509658"), Some("Just Chatting"), ""),
            Some("just_chatting".into())
        );
        // The simulator's game ids are hashes; its names are CHZZK ids with spaces.
        assert_eq!(
            tag_of(Platform::Twitch, Some("123456"), Some("Lost Ark"), ""),
            Some("lost_ark".into())
        );
        assert_eq!(
            tag_of(
                Platform::Twitch,
                Some("494131"),
                Some("Little Nightmares"),
                ""
            ),
            None
        );
        assert_eq!(
            v().map(
                Platform::Twitch,
                Some("494131"),
                Some("Little Nightmares"),
                ""
            ),
            Mapping::Unmapped
        );
    }

    #[test]
    fn youtube_category_id_refined_by_keywords() {
        assert_eq!(
            tag_of(Platform::Youtube, Some("10"), None, "Lo-fi beats"),
            Some("music".into())
        );
        assert_eq!(
            tag_of(Platform::Youtube, Some("20"), None, "Speedrun night"),
            Some("games".into())
        );
        assert_eq!(
            tag_of(Platform::Youtube, Some("20"), None, "오늘도 롤 한판!"),
            Some("league_of_legends".into())
        );
        assert_eq!(
            tag_of(
                Platform::Youtube,
                Some("26"),
                None,
                "새벽 먹방/쿡방 힐링 방송"
            ),
            Some("mukbang".into())
        );
        assert_eq!(
            tag_of(
                Platform::Youtube,
                Some("17"),
                None,
                "[생방송] 축구 정복하기"
            ),
            Some("soccer".into())
        );
        assert_eq!(
            tag_of(Platform::Youtube, Some("25"), None, "Watch Sky News live"),
            Some("news".into())
        );
        assert_eq!(
            v().map(Platform::Youtube, Some("99"), None, "nothing"),
            Mapping::Unmapped
        );
        assert_eq!(
            v().map(Platform::Youtube, None, None, "nothing"),
            Mapping::Absent
        );
    }

    #[test]
    fn keywords_start_words() {
        assert!(contains_word("오늘도 롤 한판", "롤", false));
        assert!(contains_word("[롤] 솔랭", "롤", false));
        assert!(contains_word("롤에서 만나요", "롤", false));
        assert!(!contains_word("컨트롤 연습", "롤", false));
        assert!(contains_word("lol ranked", "lol", true));
        assert!(!contains_word("lolly pop", "lol", true));
        assert!(!contains_word("trololo", "lol", true));
        assert!(contains_word("ab lol", "lol", true));
    }

    #[test]
    fn bad_tables_are_rejected() {
        let dup = "[[tag]]\nid='a'\nko='가'\nen='A'\nsoop=['00000001']\n[[tag]]\nid='b'\nko='나'\nen='B'\nsoop=['00000001']\n";
        assert!(Vocabulary::parse(dup).unwrap_err().contains("00000001"));
        let bad_soop = "[[tag]]\nid='a'\nko='가'\nen='A'\nsoop=['123']\n";
        assert!(Vocabulary::parse(bad_soop).is_err());
        let same_id = "[[tag]]\nid='a'\nko='가'\nen='A'\n[[tag]]\nid='a'\nko='나'\nen='B'\n";
        assert!(Vocabulary::parse(same_id).is_err());
        let unknown_field = "[[tag]]\nid='a'\nko='가'\nen='A'\nfoo=1\n";
        assert!(Vocabulary::parse(unknown_field).is_err());
        let unknown_list = "[[tag]]\nid='a'\nko='가'\nen='A'\nkick=['x']\n";
        assert!(Vocabulary::parse(unknown_list)
            .unwrap_err()
            .contains("kick"));
        // An alias names the platform elsewhere, never a key of this table.
        let alias = "[[tag]]\nid='a'\nko='가'\nen='A'\nafreeca=['00000001']\n";
        assert!(Vocabulary::parse(alias).is_err());
    }

    proptest! {
        #[test]
        fn mapping_never_panics(id in proptest::option::of("\\PC{0,12}"), name in proptest::option::of("\\PC{0,12}"), title in "\\PC{0,40}") {
            for p in Platform::ALL {
                let m = v().map(p, id.as_deref(), name.as_deref(), &title);
                let has = id.as_deref().is_some_and(|s| !s.trim().is_empty()) || name.as_deref().is_some_and(|s| !s.trim().is_empty());
                if !has && !p.facts().categories.coarse {
                    prop_assert!(m != Mapping::Unmapped);
                }
                if has {
                    prop_assert!(m != Mapping::Absent);
                }
            }
        }
    }
}
