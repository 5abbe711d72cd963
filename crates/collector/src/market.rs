//! The live market of one round: a platform's whole live directory tallied per category of the
//! shared vocabulary (`streamtide_curate::categories`), before the store keeps only the top of
//! it. What the market endpoints and the 시장 page are made of.

use std::collections::{BTreeMap, HashSet};

use streamtide_core::sanitize::MAX_VIEWERS;
use streamtide_core::LiveBroadcast;
use streamtide_curate::categories::{Vocabulary, NONE_ID, OTHER_ID};
use streamtide_storage::MarketCell;

/// Viewers and live broadcasts per category (every category of the vocabulary, `other` and
/// `none`). A channel listed twice (a list that shifted while
/// it was paged) counts once, at its first place; an absurd viewer count (past the store's
/// ceiling) counts the broadcast but not its viewers, which are unknown.
pub fn tally(items: &[LiveBroadcast]) -> Vec<MarketCell> {
    let vocabulary = Vocabulary::global();
    let mut seen = HashSet::with_capacity(items.len());
    let tagged = items
        .iter()
        .filter(|b| seen.insert((b.platform, b.channel_id.as_str())))
        .map(|b| {
            let mapping = vocabulary.map(
                b.platform,
                b.category_id.as_deref(),
                b.category_name.as_deref(),
                &b.title,
            );
            (mapping.id(), b.viewers)
        });
    tally_tagged(tagged)
}

/// Viewers and live broadcasts per category from broadcasts already named by their category
/// ([`streamtide_curate::categories::Mapping::id`]), one item per broadcast.
pub fn tally_tagged<'a>(items: impl IntoIterator<Item = (&'a str, u64)>) -> Vec<MarketCell> {
    // Every category has a cell each round, zero or not: the directory was read whole, so a
    // category nobody streamed in had none, measured; and a category's average is over every
    // round of its hour, not only the rounds it had broadcasts in.
    let mut cells: BTreeMap<&str, (u64, u64)> = Vocabulary::global()
        .tags()
        .iter()
        .map(|t| (t.id.as_str(), (0, 0)))
        .chain([(OTHER_ID, (0, 0)), (NONE_ID, (0, 0))])
        .collect();
    for (category, viewers) in items {
        let cell = cells.entry(category).or_default();
        if viewers <= MAX_VIEWERS {
            cell.0 += viewers;
        }
        cell.1 += 1;
    }
    cells
        .into_iter()
        .map(|(category, (viewers, channels))| MarketCell {
            category: category.to_string(),
            viewers,
            channels,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use streamtide_core::{ChannelId, Platform};

    fn live(channel: &str, category: Option<&str>, viewers: u64) -> LiveBroadcast {
        LiveBroadcast {
            platform: Platform::Chzzk,
            channel_id: ChannelId::new(channel),
            channel_name: None,
            channel_avatar_url: None,
            broadcast_id: None,
            title: "방송".into(),
            viewers,
            category_id: category.map(str::to_string),
            category_name: None,
            tags: vec![],
            thumbnail_url: None,
            started_at: None,
            adult: false,
            language: None,
            url: format!("https://chzzk.naver.com/live/{channel}"),
        }
    }

    #[test]
    fn a_directory_tallies_per_category_once_per_channel() {
        let items = [
            live("a", Some("League_of_Legends"), 100),
            live("b", Some("League_of_Legends"), 50),
            live("a", Some("League_of_Legends"), 100),
            live("c", Some("a_game_nobody_mapped"), 7),
            live("d", None, 3),
            live("e", Some("talk"), MAX_VIEWERS + 1),
        ];
        let cells = tally(&items);
        let get = |c: &str| {
            cells
                .iter()
                .find(|x| x.category == c)
                .map(|x| (x.viewers, x.channels))
        };
        assert_eq!(get("league_of_legends"), Some((150, 2)));
        assert_eq!(get(OTHER_ID), Some((7, 1)));
        assert_eq!(get(NONE_ID), Some((3, 1)));
        assert_eq!(get("just_chatting"), Some((0, 1)), "{cells:?}");
        assert_eq!(cells.iter().map(|c| c.channels).sum::<u64>(), 5);
        assert_eq!(
            get("music"),
            Some((0, 0)),
            "a category nobody streamed in is a zero"
        );
        assert_eq!(cells.len(), Vocabulary::global().tags().len() + 2);
    }
}
