//! The categories simulated broadcasts are filed under, with each platform's own id for them.

/// One category as both platforms name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SimCategory {
    /// CHZZK `liveCategory` / `videoCategory`, e.g. `"League_of_Legends"`.
    pub chzzk_id: &'static str,
    /// CHZZK `categoryType`: `GAME`, `ETC` or `SPORTS`.
    pub chzzk_type: &'static str,
    /// Korean display name (CHZZK `liveCategoryValue`).
    pub name_ko: &'static str,
    /// SOOP `broad_cate_no`: 8 digits, zero-padded.
    pub soop_cate_no: &'static str,
}

impl SimCategory {
    /// How a streamer would write the category in a title: CHZZK's talk category is literally
    /// named "talk", which reads oddly in a Korean sentence.
    pub(crate) fn spoken(&self) -> &'static str {
        match self.chzzk_id {
            "talk" => "토크",
            _ => self.name_ko,
        }
    }

    /// The English name a non-Korean streamer would use (Twitch's names for these categories).
    pub(crate) fn english(&self) -> String {
        match self.chzzk_id {
            "talk" => "Just Chatting".to_string(),
            "eating" => "Food & Drink".to_string(),
            "music" => "Music".to_string(),
            "art" => "Art".to_string(),
            id => id.replace('_', " "),
        }
    }
}

const fn cat(
    chzzk_id: &'static str,
    chzzk_type: &'static str,
    name_ko: &'static str,
    soop_cate_no: &'static str,
) -> SimCategory {
    SimCategory {
        chzzk_id,
        chzzk_type,
        name_ko,
        soop_cate_no,
    }
}

/// Every category in the world. Talk and LoL come first and are picked most, as on the real sites.
pub(crate) const CATEGORIES: &[SimCategory] = &[
    cat("talk", "ETC", "talk", "00130000"),
    cat("League_of_Legends", "GAME", "리그 오브 레전드", "00040019"),
    cat("Battlegrounds", "GAME", "배틀그라운드", "00040067"),
    cat("Lost_Ark", "GAME", "로스트아크", "00040075"),
    cat("VALORANT", "GAME", "발로란트", "00040135"),
    cat("Minecraft", "GAME", "마인크래프트", "00040070"),
    cat("FC_Online", "GAME", "FC 온라인", "00040048"),
    cat(
        "StarCraft_Remastered",
        "GAME",
        "스타크래프트 리마스터",
        "00040001",
    ),
    cat("MapleStory", "GAME", "메이플스토리", "00040003"),
    cat("Rimworld", "GAME", "림월드", "00040211"),
    cat("music", "ETC", "음악/노래", "00150000"),
    cat("eating", "ETC", "먹방/쿡방", "00330000"),
    cat("art", "ETC", "그림/아트", "00170000"),
    cat("Soccer", "SPORTS", "축구", "00100000"),
    cat("Baseball", "SPORTS", "야구", "00100001"),
];

/// Categories weighted towards the popular ones, for a channel's main category.
pub(crate) const MAIN_WEIGHTED: &[usize] = &[
    0, 0, 0, 0, 1, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 11, 12, 13, 14,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_well_formed() {
        for c in CATEGORIES {
            assert_eq!(c.soop_cate_no.len(), 8, "{c:?}");
            assert!(c.soop_cate_no.bytes().all(|b| b.is_ascii_digit()), "{c:?}");
            assert!(["GAME", "ETC", "SPORTS"].contains(&c.chzzk_type), "{c:?}");
        }
        assert!(MAIN_WEIGHTED.iter().all(|&i| i < CATEGORIES.len()));
    }
}
