//! A demo's story: the events a real roster lives through, placed in the months before the demo
//! starts, so its first screen has something to tell.
//!
//! The generated population already has steady growers, slow decliners and fast risers (see
//! `population::growth`). On top of those, a few channels among the first 40 of each platform (the
//! ones a demo tracks) get a past:
//!
//! - a collapse (CHZZK #3): a scandal three weeks ago costs it 45% of its followers in two days;
//! - a viral riser (SOOP #8): its followers multiply by 3.5 over a month;
//! - milestones: CHZZK #2 crosses 100,000 followers and a YouTube channel 1,000,000 subscribers
//!   (shown by YouTube as 1.00M: counts are rounded to three significant figures);
//! - a rename (Twitch #7), a month ago;
//! - a move (Twitch #13 → CHZZK #13): the creator stops streaming on Twitch 40 days ago and
//!   starts a new CHZZK channel, whose audience grows fast while the Twitch one drains;
//! - a creator on three platforms (SOOP #19 with YouTube #19 and Twitch #19), besides the
//!   simulcasting pairs of `simulcast`.
//!
//! Everything is a pure function of the seed and the story's end, like the rest of the world: the
//! servers answer from the same channels, so the live state continues the past without a jump.

use chrono::{DateTime, Duration, Utc};
use streamtide_core::Platform;

use super::names;
use super::simulcast::SimCreator;
use super::types::{FollowerArc, SimChannel};

/// Channel indices of the story's parts (all below 40 and clear of the simulcast pairs).
pub(crate) const COLLAPSE: usize = 3;
pub(crate) const VIRAL: usize = 8;
pub(crate) const HUNDRED_K: usize = 2;
pub(crate) const RENAMED: usize = 7;
pub(crate) const MOVED: usize = 13;
pub(crate) const THREE_PLATFORMS: usize = 19;
/// YouTube channels tried, in order, for the million (one that shows its subscriber count).
const MILLION_CANDIDATES: [usize; 4] = [1, 4, 6, 9];

/// A story's world compounds follower growth from this many days before the story's end (the
/// plain world's fixed epoch would leave a demo months later with inflated counts).
pub(crate) const GROWTH_DAYS: i64 = 120;

/// Set `ch` on a course through `followers` at `at` with compound growth `growth` a day, growth
/// compounding from `from`.
fn aim(ch: &mut SimChannel, followers: f64, at: DateTime<Utc>, growth: f64, from: DateTime<Utc>) {
    let days = (at - from).num_seconds() as f64 / 86_400.0;
    ch.daily_growth = growth;
    ch.base_followers = (followers / (1.0 + growth).powf(days)).round() as u64;
}

/// Play the story ending at `end` on the channels (CHZZK's, SOOP's, Twitch's and YouTube's, in
/// that order); returns the creators it links.
pub(crate) fn play(
    channels: [&mut Vec<SimChannel>; 4],
    end: DateTime<Utc>,
    growth_from: DateTime<Utc>,
    hides_subscribers: impl Fn(&SimChannel) -> bool,
) -> Vec<SimCreator> {
    let aim = |ch: &mut SimChannel, followers: f64, at: DateTime<Utc>, growth: f64| {
        aim(ch, followers, at, growth, growth_from)
    };
    let [chzzk, soop, twitch, youtube] = channels;
    let day = |n: i64| end - Duration::days(n);
    let mut creators = Vec::new();

    if let Some(ch) = chzzk.get_mut(COLLAPSE) {
        aim(ch, 180_000.0, day(21), 0.003);
        ch.arc = Some(FollowerArc::Collapse {
            at: day(21),
            keep: 0.55,
        });
    }
    if let Some(ch) = soop.get_mut(VIRAL) {
        aim(ch, 12_000.0, day(45), 0.002);
        ch.arc = Some(FollowerArc::Surge {
            from: day(45),
            until: day(12),
            factor: 3.5,
        });
    }
    if let Some(ch) = chzzk.get_mut(HUNDRED_K) {
        aim(ch, 90_000.0, day(50), 0.0025);
    }
    if let Some(ch) = MILLION_CANDIDATES
        .iter()
        .find(|&&i| youtube.get(i).is_some_and(|c| !hides_subscribers(c)))
        .and_then(|&i| youtube.get_mut(i))
    {
        aim(ch, 930_000.0, day(60), 0.0015);
    }
    if let Some(ch) = twitch.get_mut(RENAMED) {
        let former = names::nickname(ch.key.at(0x5E4A_4D45));
        if former != ch.name {
            ch.former_name = Some((former, day(30)));
        }
    }

    // The move: the creator stops on Twitch and starts over on CHZZK, same schedule and name.
    let moved_at = day(40);
    if let (Some(old), Some(new)) = (twitch.get_mut(MOVED), chzzk.get_mut(MOVED)) {
        old.retired_at = Some(moved_at);
        old.arc = Some(FollowerArc::Exodus { at: moved_at });
        aim(old, 60_000.0, moved_at, 0.001);
        old.language = "ko";
        new.name = old.name.clone();
        new.creator = Some(old.name.clone());
        old.creator = Some(old.name.clone());
        new.joined_at = moved_at;
        new.stream_prob = old.stream_prob.max(0.8);
        new.start_minute = old.start_minute;
        new.duration_minutes = old.duration_minutes;
        new.category = old.category;
        new.peak_viewers = old.peak_viewers.max(200);
        new.adult = false;
        // A fresh channel: a fifth of the old audience follows at once, then word spreads.
        aim(new, 12_000.0, moved_at, 0.004);
        new.arc = Some(FollowerArc::Surge {
            from: moved_at,
            until: moved_at + Duration::days(35),
            factor: 3.0,
        });
        creators.push(SimCreator {
            name: old.name.clone(),
            channels: vec![
                (Platform::Chzzk, new.id.clone()),
                (Platform::Twitch, old.id.clone()),
            ],
        });
    }

    // A creator on three platforms: the SOOP station, a YouTube channel and a Twitch channel.
    if let Some(main) = soop.get(THREE_PLATFORMS).cloned() {
        let mut linked = vec![(Platform::Soop, main.id.clone())];
        for (platform, list) in [
            (Platform::Youtube, &mut *youtube),
            (Platform::Twitch, &mut *twitch),
        ] {
            if let Some(ch) = list.get_mut(THREE_PLATFORMS) {
                ch.creator = Some(main.name.clone());
                linked.push((platform, ch.id.clone()));
            }
        }
        if let Some(ch) = soop.get_mut(THREE_PLATFORMS) {
            ch.creator = Some(main.name.clone());
        }
        if linked.len() > 1 {
            creators.push(SimCreator {
                name: main.name,
                channels: linked,
            });
        }
    }
    creators
}
