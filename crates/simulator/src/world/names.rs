//! Korean-looking nicknames, channel descriptions, broadcast titles and tags.
//!
//! Generated from hash keys so they are stable per seed. The word lists are small on purpose: names
//! repeat syllables across channels, which gives channel search something to find.

use super::hash::Key;

const ADJECTIVES: &[&str] = &[
    "졸린",
    "배고픈",
    "행복한",
    "수상한",
    "용감한",
    "느긋한",
    "귀여운",
    "씩씩한",
    "조용한",
    "말랑한",
    "반짝이는",
    "엉뚱한",
    "다정한",
    "까칠한",
    "성실한",
    "게으른",
    "빠른",
    "심심한",
    "똑똑한",
    "시끄러운",
];

const NOUNS: &[&str] = &[
    "고양이",
    "감자",
    "호랑이",
    "여우",
    "펭귄",
    "도사",
    "고래",
    "햄스터",
    "토끼",
    "너구리",
    "다람쥐",
    "곰돌이",
    "치즈",
    "만두",
    "떡볶이",
    "구름",
    "별빛",
    "바다",
    "사자",
    "판다",
];

const SYLLABLES: &[&str] = &[
    "하", "늘", "별", "빛", "달", "콩", "쿠", "키", "민", "지", "수", "아", "라", "루", "나", "다",
    "솔", "잎", "곰", "토", "유", "리", "보", "람", "새", "봄", "결", "윤", "서", "연", "혜", "진",
    "우", "주", "도", "훈", "은", "채", "해", "온",
];

const SUFFIXES: &[&str] = &["", "", "", "", "님", "짱", "TV", "쨩", "_", "99"];

/// A nickname such as "졸린 고양이", "루나짱" or "감자별". Not unique; the caller disambiguates.
pub(crate) fn nickname(k: Key) -> String {
    match k.at(0).int(0, 3) {
        0 => format!("{} {}", k.at(1).pick(ADJECTIVES), k.at(2).pick(NOUNS)),
        1 => format!("{}{}", k.at(2).pick(NOUNS), k.at(3).pick(SYLLABLES)),
        _ => {
            let len = k.at(4).int(2, 3);
            let mut s: String = (0..len).map(|i| k.at(10 + i).pick(SYLLABLES)).collect();
            s.push_str(k.at(5).pick(SUFFIXES));
            s
        }
    }
}

const DESCRIPTIONS: &[&str] = &[
    "{nick}의 방송국입니다. 매일 {hour}시쯤 방송해요!",
    "{cat} 전문 스트리머 {nick}입니다. 팔로우 부탁드려요 :)",
    "소통 좋아하는 {nick}! 편하게 놀다 가세요~",
    "방송 일정은 공지 확인해주세요. 문의는 팬카페로!",
    "{cat} 하는 {nick}. 즐겁게 봐주세요",
    "",
];

pub(crate) fn description(k: Key, nick: &str, category: &str, start_hour: u32) -> String {
    k.pick(DESCRIPTIONS)
        .replace("{nick}", nick)
        .replace("{cat}", category)
        .replace("{hour}", &start_hour.to_string())
}

const TITLES: &[&str] = &[
    "{cat} 달립니다",
    "오늘도 {cat} 한판!",
    "[{cat}] 랭크 올리는 중",
    "소통 방송 ~ {nick}와 함께",
    "새벽 감성 {cat} 힐링 방송",
    "{cat} 초보 탈출기 {n}일차",
    "시청자 참여 {cat} 하실 분!",
    "[생방송] {cat} 정복하기",
    "{nick}의 즐거운 {cat} 시간",
    "오랜만에 {cat} ㅎㅎ",
    "주말 특집 {cat} 장기 방송",
    "내일 합방 있음! 오늘은 {cat}",
];

/// A broadcast title; `n` varies it across days ("초보 탈출기 12일차").
pub(crate) fn title(k: Key, nick: &str, category: &str, n: u64) -> String {
    k.pick(TITLES)
        .replace("{cat}", category)
        .replace("{nick}", nick)
        .replace("{n}", &n.to_string())
}

const EXTRA_TAGS: &[&str] = &[
    "소통",
    "한국어",
    "힐링",
    "랭크",
    "합방",
    "신입",
    "버튜버",
    "편방",
];

/// Broadcast tags: never empty, like most real lives, so clients see the array's element type.
pub(crate) fn tags(k: Key, category: &str) -> Vec<String> {
    let mut tags = vec![category.to_string()];
    for i in 0..k.at(0).int(0, 2) {
        let t = k.at(1 + i).pick(EXTRA_TAGS).to_string();
        if !tags.contains(&t) {
            tags.push(t);
        }
    }
    tags
}

/// Titles of the non-Korean minority on Twitch and YouTube, by language (ISO 639-1), so the
/// live list's language filter has something to filter. `{cat}` is the category's English name.
const FOREIGN_TITLES: &[(&str, &[&str])] = &[
    (
        "en",
        &[
            "{cat} ranked grind, come hang out with chat",
            "Chill {cat} stream | !discord !socials",
            "Day {n} of playing {cat} until I get good",
            "Late night {cat} with viewers, everyone welcome",
        ],
    ),
    (
        "ja",
        &[
            "【{cat}】まったり配信！初見さん歓迎",
            "{cat}ランクマッチやります～",
            "【雑談】{cat}しながらおしゃべりしよう",
        ],
    ),
    (
        "es",
        &[
            "Jugando {cat} con la comunidad, pasen a saludar",
            "{cat} en directo: día {n} del reto",
            "Noche de {cat} con los suscriptores",
        ],
    ),
    (
        "zh",
        &[
            "{cat} 直播中 一起来玩吧",
            "今天继续玩{cat} 第{n}天",
            "深夜{cat} 聊天 欢迎新朋友",
        ],
    ),
];

/// A broadcast title in `language`, or `None` for Korean (and languages without templates).
pub(crate) fn foreign_title(k: Key, language: &str, category_en: &str, n: u64) -> Option<String> {
    let (_, titles) = FOREIGN_TITLES.iter().find(|(l, _)| *l == language)?;
    Some(
        k.pick(titles)
            .replace("{cat}", category_en)
            .replace("{n}", &n.to_string()),
    )
}

/// Tags of a non-Korean broadcast: its category and its language, as Twitch streamers tag.
pub(crate) fn foreign_tags(language: &str, category_en: &str) -> Vec<String> {
    let name = match language {
        "en" => "English",
        "ja" => "日本語",
        "es" => "Español",
        "zh" => "中文",
        other => other,
    };
    vec![category_en.to_string(), name.to_string()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nicknames_are_hangul_and_vary() {
        let names: std::collections::HashSet<String> =
            (0..200).map(|i| nickname(Key(1).at(i))).collect();
        assert!(names.len() > 150, "only {} distinct", names.len());
        assert!(names
            .iter()
            .all(|n| n.chars().any(|c| ('가'..='힣').contains(&c))));
    }

    #[test]
    fn foreign_titles_have_no_hangul() {
        for lang in ["en", "ja", "es", "zh"] {
            for i in 0..20 {
                let t = foreign_title(Key(5).at(i), lang, "League of Legends", 3).unwrap();
                assert!(!t.contains('{'), "{t}");
                assert!(!t.chars().any(|c| ('가'..='힣').contains(&c)), "{t}");
            }
        }
        assert_eq!(foreign_title(Key(5), "ko", "x", 1), None);
    }

    #[test]
    fn titles_fill_placeholders() {
        for i in 0..50 {
            let t = title(Key(3).at(i), "감자별", "talk", 7);
            assert!(!t.contains('{'), "{t}");
        }
    }
}
