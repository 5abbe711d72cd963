//! Recognising the header row: which column holds what.

use streamtide_core::Platform;

/// What a column holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Column {
    Creator,
    /// References of any platform (URLs say which; bare ids need the platform column).
    Reference,
    /// References of one platform.
    PlatformReference(Platform),
    /// The platform of the row's generic references.
    Platform,
    /// Kept as a note under this header.
    Note(String),
}

/// The columns of a roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub columns: Vec<Column>,
}

fn normalise(s: &str) -> String {
    s.trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

const CREATOR: &[&str] = &[
    "name",
    "creator",
    "creatorname",
    "streamer",
    "streamername",
    "nickname",
    "displayname",
    "이름",
    "크리에이터",
    "크리에이터명",
    "스트리머",
    "스트리머명",
    "닉네임",
    "방송인",
    "채널명",
    "bj",
    "bj명",
];
const REFERENCE: &[&str] = &[
    "url",
    "link",
    "channel",
    "channelurl",
    "channellink",
    "channelid",
    "id",
    "handle",
    "login",
    "주소",
    "링크",
    "채널",
    "채널주소",
    "채널url",
    "채널링크",
    "아이디",
    "채널id",
];
const PLATFORM: &[&str] = &["platform", "플랫폼", "service", "site", "서비스"];

/// A platform named by a label: `YouTube`, `유튜브`, `치지직`, `아프리카TV`, `SOOP` …
pub fn platform_from_label(label: &str) -> Option<Platform> {
    let n = normalise(label);
    if n.is_empty() {
        return None;
    }
    // Each platform's labels are in its facts (`core/src/platform/<id>.rs`).
    Platform::ALL
        .into_iter()
        .find(|p| p.facts().roster_labels.contains(&n.as_str()))
}

/// The platform a column header names, allowing decorations (`YouTube URL`, `치지직 채널`).
fn platform_in_header(label: &str) -> Option<Platform> {
    let n = normalise(label);
    Platform::ALL.into_iter().find(|p| {
        p.facts()
            .roster_header_words
            .iter()
            .any(|word| n.contains(word))
    })
}

impl Header {
    /// Classify a row as a header; `None` unless it has a creator column and a reference column.
    pub fn recognise(cells: &[String]) -> Option<Header> {
        let columns: Vec<Column> = cells
            .iter()
            .map(|c| {
                let n = normalise(c);
                if CREATOR.contains(&n.as_str()) {
                    Column::Creator
                } else if PLATFORM.contains(&n.as_str()) {
                    Column::Platform
                } else if REFERENCE.contains(&n.as_str()) {
                    Column::Reference
                } else if let Some(p) = platform_in_header(c) {
                    Column::PlatformReference(p)
                } else {
                    Column::Note(c.trim().to_string())
                }
            })
            .collect();
        let has_creator = columns.contains(&Column::Creator);
        let has_reference = columns
            .iter()
            .any(|c| matches!(c, Column::Reference | Column::PlatformReference(_)));
        (has_creator && has_reference).then_some(Header { columns })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn recognises_english_korean_and_platform_columns() {
        let h = Header::recognise(&cells(&["Name", "Platform", "Channel URL", "Team"])).unwrap();
        assert_eq!(
            h.columns,
            vec![
                Column::Creator,
                Column::Platform,
                Column::Reference,
                Column::Note("Team".into())
            ]
        );
        let h = Header::recognise(&cells(&[
            "크리에이터",
            "유튜브 채널",
            "치지직",
            "SOOP 주소",
        ]))
        .unwrap();
        assert_eq!(
            h.columns,
            vec![
                Column::Creator,
                Column::PlatformReference(Platform::Youtube),
                Column::PlatformReference(Platform::Chzzk),
                Column::PlatformReference(Platform::Soop)
            ]
        );
        assert!(Header::recognise(&cells(&["Name", "Team"])).is_none());
        assert!(Header::recognise(&cells(&["url"])).is_none());
    }

    #[test]
    fn platform_labels() {
        assert_eq!(platform_from_label("아프리카TV"), Some(Platform::Soop));
        assert_eq!(platform_from_label(" YouTube "), Some(Platform::Youtube));
        assert_eq!(platform_from_label("kick"), None);
        assert_eq!(platform_from_label(""), None);
    }
}
