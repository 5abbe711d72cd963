//! The live board: what the live route shows, curated from the store's live items.
//!
//! [`curate`] drops items their platform's recent polls no longer vouch for (see
//! [`crate::freshness`]), maps each item's category onto the vocabulary once, and merges one
//! creator's simulcast into one card (see [`crate::simulcast`]). It is generic over the item type
//! so the store's row type never has to come here and the server's answer type never has to go
//! to the store: an item only has to say what curation reads ([`BoardEntry`]).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use streamtide_core::Platform;

use crate::categories::{CategoryTag, Mapping, Vocabulary};
use crate::simulcast::{self, Candidate};

/// What curation reads of a live item.
pub trait BoardEntry {
    fn platform(&self) -> Platform;
    fn channel_id(&self) -> &str;
    /// The creator the channel is linked to: simulcasts are merged by it.
    fn creator_id(&self) -> Option<i64>;
    fn title(&self) -> &str;
    fn started_at(&self) -> DateTime<Utc>;
    /// When a collection round last saw it live.
    fn last_seen_at(&self) -> DateTime<Utc>;
    fn viewers(&self) -> u64;
    fn adult(&self) -> bool;
    fn category_id(&self) -> Option<&str>;
    fn category_name(&self) -> Option<&str>;
}

/// How to curate.
#[derive(Debug, Clone, Copy)]
pub struct BoardOptions<'a> {
    /// Per platform, the oldest `last_seen_at` still shown (from
    /// [`crate::freshness::FreshnessPolicy::cutoffs`]); a platform not listed keeps every item.
    pub cutoffs: &'a HashMap<Platform, DateTime<Utc>>,
    /// The category vocabulary (in production [`Vocabulary::global`]).
    pub vocabulary: &'a Vocabulary,
}

/// One item of a card, with its category in the vocabulary (`None`: unmapped or absent).
#[derive(Debug, Clone)]
pub struct Part<'v, T> {
    pub item: T,
    pub tag: Option<&'v CategoryTag>,
}

/// One card of the board: one broadcast, on one platform or simulcast on several.
#[derive(Debug, Clone)]
pub struct Card<'v, T> {
    /// The most watched part first (the card's own platform), the others by viewers. One part
    /// when the broadcast is on one platform only.
    pub parts: Vec<Part<'v, T>>,
    /// The sum of the parts' viewers.
    pub viewers: u64,
    /// Any part flagged adult makes the card adult.
    pub adult: bool,
}

impl<T> Card<'_, T> {
    /// Whether one creator is live with this broadcast on several platforms.
    pub fn is_simulcast(&self) -> bool {
        self.parts.len() > 1
    }
}

/// The curated board.
#[derive(Debug, Clone)]
pub struct Board<'v, T> {
    /// Most viewers first (a merged card counts the sum of its parts); ties by platform, then
    /// channel id.
    pub cards: Vec<Card<'v, T>>,
    /// Per platform, the raw categories (id, else name) the vocabulary does not know.
    pub unmapped: HashMap<Platform, HashSet<String>>,
}

/// Drop stale items, map categories, merge simulcasts. `items` come most viewers first (the
/// store's order); the board is most viewers first again.
pub fn curate<'v, T: BoardEntry>(items: Vec<T>, options: &BoardOptions<'v>) -> Board<'v, T> {
    let items: Vec<T> = items
        .into_iter()
        .filter(|i| {
            options
                .cutoffs
                .get(&i.platform())
                .is_none_or(|c| i.last_seen_at() >= *c)
        })
        .collect();

    // Each item is mapped onto the vocabulary once.
    let mut unmapped: HashMap<Platform, HashSet<String>> = HashMap::new();
    let tags: Vec<Option<&'v CategoryTag>> = items
        .iter()
        .map(|i| {
            let mapping =
                options
                    .vocabulary
                    .map(i.platform(), i.category_id(), i.category_name(), i.title());
            if mapping == Mapping::Unmapped {
                if let Some(raw) = i.category_id().or(i.category_name()) {
                    unmapped
                        .entry(i.platform())
                        .or_default()
                        .insert(raw.to_string());
                }
            }
            mapping.tag()
        })
        .collect();

    let groups = simulcast::merge(
        &items
            .iter()
            .map(|i| Candidate {
                creator_id: i.creator_id(),
                platform: i.platform(),
                title: i.title(),
                started_at: i.started_at(),
                viewers: i.viewers(),
            })
            .collect::<Vec<_>>(),
    );
    let mut slots: Vec<Option<Part<'v, T>>> = items
        .into_iter()
        .zip(tags)
        .map(|(item, tag)| Some(Part { item, tag }))
        .collect();
    let mut cards: Vec<Card<'v, T>> = groups
        .iter()
        .map(|g| {
            let parts: Vec<Part<'v, T>> = g.iter().filter_map(|&i| slots[i].take()).collect();
            Card {
                viewers: parts.iter().map(|p| p.item.viewers()).sum(),
                adult: parts.iter().any(|p| p.item.adult()),
                parts,
            }
        })
        .filter(|c| !c.parts.is_empty())
        .collect();
    // Sums can move a merged card up; ties keep the store's order (platform, then channel id).
    cards.sort_by(|a, b| {
        let (la, lb) = (&a.parts[0].item, &b.parts[0].item);
        b.viewers
            .cmp(&a.viewers)
            .then(la.platform().as_str().cmp(lb.platform().as_str()))
            .then(la.channel_id().cmp(lb.channel_id()))
    });
    Board { cards, unmapped }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    #[derive(Debug, Clone)]
    struct Item {
        platform: Platform,
        channel: &'static str,
        creator: Option<i64>,
        title: &'static str,
        viewers: u64,
        adult: bool,
        category: Option<&'static str>,
        seen: DateTime<Utc>,
    }

    impl BoardEntry for Item {
        fn platform(&self) -> Platform {
            self.platform
        }
        fn channel_id(&self) -> &str {
            self.channel
        }
        fn creator_id(&self) -> Option<i64> {
            self.creator
        }
        fn title(&self) -> &str {
            self.title
        }
        fn started_at(&self) -> DateTime<Utc> {
            t0()
        }
        fn last_seen_at(&self) -> DateTime<Utc> {
            self.seen
        }
        fn viewers(&self) -> u64 {
            self.viewers
        }
        fn adult(&self) -> bool {
            self.adult
        }
        fn category_id(&self) -> Option<&str> {
            None
        }
        fn category_name(&self) -> Option<&str> {
            self.category
        }
    }

    fn t0() -> DateTime<Utc> {
        DateTime::from_timestamp(1_780_000_000, 0).unwrap()
    }

    fn item(platform: Platform, channel: &'static str, viewers: u64) -> Item {
        Item {
            platform,
            channel,
            creator: None,
            title: "오늘도 방송",
            viewers,
            adult: false,
            category: None,
            seen: t0(),
        }
    }

    fn vocab() -> Vocabulary {
        Vocabulary::parse(
            "[[tag]]\nid = \"talk\"\nko = \"토크\"\nen = \"Talk\"\nnames = [\"Just Chatting\"]\n",
        )
        .unwrap()
    }

    #[test]
    fn stale_items_go_simulcasts_merge_and_sums_reorder() {
        let vocabulary = vocab();
        let cutoffs = HashMap::from([(Platform::Soop, t0() - Duration::minutes(1))]);
        let mut stale = item(Platform::Soop, "gone", 900);
        stale.seen = t0() - Duration::minutes(5);
        let mut a = item(Platform::Chzzk, "a", 500);
        a.creator = Some(7);
        a.category = Some("Just Chatting");
        let mut b = item(Platform::Soop, "b", 300);
        b.creator = Some(7);
        b.adult = true;
        b.category = Some("Nobody Knows This");
        let c = item(Platform::Twitch, "c", 600);
        let board = curate(
            vec![stale, c, a, b],
            &BoardOptions {
                cutoffs: &cutoffs,
                vocabulary: &vocabulary,
            },
        );
        let leads: Vec<&str> = board
            .cards
            .iter()
            .map(|c| c.parts[0].item.channel)
            .collect();
        assert_eq!(
            leads,
            ["a", "c"],
            "the stale item is gone, the merged card leads"
        );
        let merged = &board.cards[0];
        assert!(merged.is_simulcast());
        assert_eq!(merged.viewers, 800);
        assert!(merged.adult, "one adult part makes the card adult");
        assert_eq!(merged.parts[0].tag.map(|t| t.id.as_str()), Some("talk"));
        assert_eq!(merged.parts[1].tag, None);
        assert!(!board.cards[1].is_simulcast());
        assert_eq!(
            board.unmapped,
            HashMap::from([(
                Platform::Soop,
                HashSet::from(["Nobody Knows This".to_string()])
            )])
        );
    }

    #[test]
    fn ties_keep_platform_then_channel_order() {
        let vocabulary = vocab();
        let cutoffs = HashMap::new();
        let board = curate(
            vec![
                item(Platform::Twitch, "z", 10),
                item(Platform::Chzzk, "y", 10),
                item(Platform::Chzzk, "x", 10),
            ],
            &BoardOptions {
                cutoffs: &cutoffs,
                vocabulary: &vocabulary,
            },
        );
        let order: Vec<&str> = board
            .cards
            .iter()
            .map(|c| c.parts[0].item.channel)
            .collect();
        assert_eq!(order, ["x", "y", "z"]);
    }
}
