//! Simulcast merge: one creator live on several platforms at once shows as one item.
//!
//! Two live items are one simulcast when their channels are linked to the same creator, they are
//! on different platforms, they started within [`START_TOLERANCE_MINUTES`] of each other and their
//! titles are similar. The creator link alone is not enough: a creator may run a game stream on
//! one platform and a separate talk stream on another, and those are two broadcasts.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use streamtide_core::Platform;

/// Simulcast starts differ by a few minutes (one platform's stream key is started first).
pub const START_TOLERANCE_MINUTES: i64 = 10;

/// Titles at least this similar (Dice coefficient over character bigrams) count as the same.
pub const TITLE_SIMILARITY: f64 = 0.5;

/// What the merge needs to know about a live item.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    pub creator_id: Option<i64>,
    pub platform: Platform,
    pub title: &'a str,
    pub started_at: DateTime<Utc>,
    pub viewers: u64,
}

/// Group items into broadcasts. Returns groups of indices into `items`; every index appears in
/// exactly one group. Each group's first index is its most watched part (the card's main
/// platform), the rest follow by viewers; groups keep the order of their first index's item, so
/// a list sorted by viewers stays sorted by its main parts.
pub fn merge(items: &[Candidate<'_>]) -> Vec<Vec<usize>> {
    let mut by_creator: HashMap<i64, Vec<usize>> = HashMap::new();
    for (i, c) in items.iter().enumerate() {
        if let Some(creator) = c.creator_id {
            by_creator.entry(creator).or_default().push(i);
        }
    }
    // `owner[i]` = the group leader of item i (itself when alone).
    let mut owner: Vec<usize> = (0..items.len()).collect();
    let norm: HashMap<usize, String> = by_creator
        .values()
        .filter(|v| v.len() > 1)
        .flatten()
        .map(|&i| (i, normalize_title(items[i].title)))
        .collect();
    for members in by_creator.values().filter(|v| v.len() > 1) {
        // Most watched first: it leads, and later parts join the first group they fit.
        let mut members = members.clone();
        members.sort_by(|&a, &b| items[b].viewers.cmp(&items[a].viewers).then(a.cmp(&b)));
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for &i in &members {
            let fits = groups.iter_mut().find(|g| {
                g.iter().all(|&j| items[j].platform != items[i].platform)
                    && g.iter()
                        .any(|&j| same_broadcast(&items[i], &norm[&i], &items[j], &norm[&j]))
            });
            match fits {
                Some(g) => g.push(i),
                None => groups.push(vec![i]),
            }
        }
        for g in groups {
            for &i in &g {
                owner[i] = g[0];
            }
        }
    }
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut slot: HashMap<usize, usize> = HashMap::new();
    // Visit in the input order, but place each group where its leader is, so a part with fewer
    // viewers listed before its leader (input not sorted) does not pull the card up.
    let mut leaders: Vec<usize> = (0..items.len()).filter(|&i| owner[i] == i).collect();
    leaders.sort_unstable();
    for l in leaders {
        slot.insert(l, out.len());
        out.push(vec![l]);
    }
    for (i, &o) in owner.iter().enumerate() {
        if o != i {
            out[slot[&o]].push(i);
        }
    }
    for g in &mut out {
        g[1..].sort_by(|&a, &b| items[b].viewers.cmp(&items[a].viewers).then(a.cmp(&b)));
    }
    out
}

fn same_broadcast(a: &Candidate<'_>, an: &str, b: &Candidate<'_>, bn: &str) -> bool {
    (a.started_at - b.started_at).num_minutes().abs() <= START_TOLERANCE_MINUTES
        && title_similarity(an, bn) >= TITLE_SIMILARITY
}

/// A title reduced to what identifies it: lower case, letters and digits, single spaces. Platform
/// decorations ("[LIVE]", "🔴", "| YouTube") mostly vanish with the punctuation.
pub fn normalize_title(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with(' ') && !out.is_empty() {
            out.push(' ');
        }
    }
    out.trim_end().to_string()
}

/// Dice coefficient of the two normalized titles' character bigrams, in `[0, 1]`. Bigrams rather
/// than words: Korean titles carry particles ("방송을" vs "방송"), and one platform's title is
/// often the other's with a suffix.
pub fn title_similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let grams = |s: &str| {
        let chars: Vec<char> = s.chars().filter(|c| *c != ' ').collect();
        let mut m: HashMap<(char, char), u32> = HashMap::new();
        for w in chars.windows(2) {
            *m.entry((w[0], w[1])).or_default() += 1;
        }
        m
    };
    let (ga, gb) = (grams(a), grams(b));
    let total: u32 = ga.values().sum::<u32>() + gb.values().sum::<u32>();
    if total == 0 {
        return 0.0;
    }
    let common: u32 = ga
        .iter()
        .map(|(k, n)| (*n).min(gb.get(k).copied().unwrap_or(0)))
        .sum();
    2.0 * f64::from(common) / f64::from(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;
    use proptest::prelude::*;

    fn c(
        creator: Option<i64>,
        platform: Platform,
        title: &str,
        minute: i64,
        viewers: u64,
    ) -> Candidate<'_> {
        Candidate {
            creator_id: creator,
            platform,
            title,
            started_at: DateTime::<Utc>::UNIX_EPOCH + Duration::minutes(1000 + minute),
            viewers,
        }
    }

    #[test]
    fn a_simulcast_is_one_group_led_by_the_bigger_part() {
        let items = [
            c(
                Some(1),
                Platform::Chzzk,
                "[동시송출] 오늘도 롤 한판!",
                0,
                5000,
            ),
            c(None, Platform::Soop, "다른 방송", 0, 3000),
            c(Some(1), Platform::Youtube, "오늘도 롤 한판! 🔴", 4, 800),
        ];
        assert_eq!(merge(&items), vec![vec![0, 2], vec![1]]);
    }

    #[test]
    fn leader_is_the_most_watched_even_if_listed_later() {
        let items = [
            c(Some(1), Platform::Youtube, "같이 보는 LCK 결승", 0, 100),
            c(Some(1), Platform::Twitch, "같이 보는 LCK 결승!!", 2, 900),
        ];
        assert_eq!(merge(&items), vec![vec![1, 0]]);
    }

    #[test]
    fn not_merged_without_all_conditions() {
        // Different creators.
        let items = [
            c(Some(1), Platform::Chzzk, "오늘도 롤 한판!", 0, 10),
            c(Some(2), Platform::Soop, "오늘도 롤 한판!", 0, 10),
        ];
        assert_eq!(merge(&items).len(), 2);
        // No creator.
        let items = [
            c(None, Platform::Chzzk, "오늘도 롤 한판!", 0, 10),
            c(None, Platform::Soop, "오늘도 롤 한판!", 0, 10),
        ];
        assert_eq!(merge(&items).len(), 2);
        // Started too far apart.
        let items = [
            c(Some(1), Platform::Chzzk, "오늘도 롤 한판!", 0, 10),
            c(Some(1), Platform::Soop, "오늘도 롤 한판!", 11, 10),
        ];
        assert_eq!(merge(&items).len(), 2);
        // Different broadcasts.
        let items = [
            c(Some(1), Platform::Chzzk, "오늘도 롤 한판!", 0, 10),
            c(Some(1), Platform::Soop, "새벽 먹방 힐링 방송", 0, 10),
        ];
        assert_eq!(merge(&items).len(), 2);
        // Same platform (two channels of one creator on one platform stay apart).
        let items = [
            c(Some(1), Platform::Chzzk, "오늘도 롤 한판!", 0, 10),
            c(Some(1), Platform::Chzzk, "오늘도 롤 한판!", 0, 10),
        ];
        assert_eq!(merge(&items).len(), 2);
    }

    #[test]
    fn three_platforms_merge() {
        let items = [
            c(Some(7), Platform::Chzzk, "주말 특집 마크 장기 방송", 0, 300),
            c(Some(7), Platform::Soop, "주말 특집 마크 장기방송", 3, 200),
            c(
                Some(7),
                Platform::Youtube,
                "[LIVE] 주말 특집 마크 장기 방송",
                -2,
                100,
            ),
        ];
        assert_eq!(merge(&items), vec![vec![0, 1, 2]]);
    }

    #[test]
    fn similarity() {
        assert_eq!(title_similarity("abc", "abc"), 1.0);
        assert_eq!(title_similarity("", "abc"), 0.0);
        let a = normalize_title("[LIVE] 오늘도 롤 한판! 🔴");
        assert_eq!(a, "live 오늘도 롤 한판");
        assert!(title_similarity(&a, &normalize_title("오늘도 롤 한판")) > 0.7);
        assert!(title_similarity(&a, &normalize_title("새벽 먹방 힐링")) < 0.2);
    }

    proptest! {
        #[test]
        fn every_index_once_and_leaders_in_order(
            spec in proptest::collection::vec((proptest::option::of(0i64..4), 0usize..4, 0usize..3, 0i64..30, 0u64..1000), 0..24)
        ) {
            const TITLES: [&str; 3] = ["오늘도 롤 한판", "새벽 먹방", "Valorant ranked"];
            let items: Vec<Candidate<'_>> = spec
                .iter()
                .map(|&(cr, p, t, m, v)| c(cr, Platform::ALL[p], TITLES[t], m, v))
                .collect();
            let groups = merge(&items);
            let mut seen: Vec<usize> = groups.iter().flatten().copied().collect();
            seen.sort_unstable();
            prop_assert_eq!(seen, (0..items.len()).collect::<Vec<_>>());
            for g in &groups {
                let platforms: std::collections::HashSet<_> = g.iter().map(|&i| items[i].platform).collect();
                prop_assert_eq!(platforms.len(), g.len(), "one part per platform");
                for &i in &g[1..] {
                    prop_assert!(items[i].viewers <= items[g[0]].viewers);
                    prop_assert_eq!(items[i].creator_id, items[g[0]].creator_id);
                }
            }
            let leaders: Vec<usize> = groups.iter().map(|g| g[0]).collect();
            let mut sorted = leaders.clone();
            sorted.sort_unstable();
            prop_assert_eq!(leaders, sorted);
        }
    }
}
