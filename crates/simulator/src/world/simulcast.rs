//! Creators who simulcast: a few channels linked across platforms that are live at the same time
//! with the same broadcast, so the live list's simulcast merge has something to merge.
//!
//! Each pair is a main channel on a Korean platform and a restream on YouTube or Twitch. The
//! restream takes the main channel's schedule and hash key, so every broadcast (start, length,
//! category, title) is the same on both; it starts two minutes later and its title says
//! "[동시송출]". The pairs' start times are spread four hours apart over the KST day and they
//! stream every day for about eight hours, so at any hour at least one simulcast is live.

use streamtide_core::Platform;

use super::types::SimChannel;

/// (main platform, restream platform, channel index on both). Indices are small so a demo that
/// tracks the first 40 channels of each platform tracks both sides.
const PAIRS: [(Platform, Platform, usize); 6] = [
    (Platform::Chzzk, Platform::Youtube, 5),
    (Platform::Soop, Platform::Twitch, 11),
    (Platform::Chzzk, Platform::Youtube, 17),
    (Platform::Soop, Platform::Twitch, 23),
    (Platform::Chzzk, Platform::Youtube, 29),
    (Platform::Soop, Platform::Twitch, 35),
];

/// One creator with linked channels on several platforms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimCreator {
    pub name: String,
    /// (platform, channel id), the main channel first.
    pub channels: Vec<(Platform, String)>,
}

/// The position of a platform's channels in [`pair`]'s argument: [`Platform::ALL`] order.
fn slot(p: Platform) -> usize {
    p.order()
}

/// Turn the pairs that exist in this world into simulcasting creators; returns them. `channels`
/// are CHZZK's, SOOP's, Twitch's and YouTube's, in that order.
pub(crate) fn pair(channels: [&mut Vec<SimChannel>; 4]) -> Vec<SimCreator> {
    let mut creators = Vec::new();
    for (k, &(main_p, mirror_p, index)) in PAIRS.iter().enumerate() {
        let start_minute = (k as u32) * 240;
        // The main channel is set up whether or not its restream platform has channels in this
        // world, so a world's CHZZK and SOOP do not depend on how many Twitch/YouTube it has.
        let Some(main_ch) = channels[slot(main_p)].get_mut(index) else {
            continue;
        };
        main_ch.stream_prob = 1.0;
        main_ch.start_minute = start_minute;
        main_ch.duration_minutes = 480;
        main_ch.adult = false;
        main_ch.creator = Some(main_ch.name.clone());
        let main = main_ch.clone();
        let Some(mirror) = channels[slot(mirror_p)].get_mut(index) else {
            continue;
        };
        // Restream: the main channel's schedule, key and category, under its own id and name.
        mirror.key = main.key;
        mirror.stream_prob = main.stream_prob;
        mirror.start_minute = main.start_minute;
        mirror.duration_minutes = main.duration_minutes;
        mirror.category = main.category;
        mirror.joined_at = main.joined_at;
        mirror.adult = false;
        mirror.language = "ko";
        // A restream draws fewer viewers than the main channel (its audience is elsewhere), so
        // the main channel always leads the merged item.
        mirror.peak_viewers = (main.peak_viewers / 4).max(1);
        mirror.creator = Some(main.name.clone());
        mirror.simulcast_mirror = true;
        creators.push(SimCreator {
            name: main.name,
            channels: vec![(main_p, main.id), (mirror_p, mirror.id.clone())],
        });
    }
    creators
}
