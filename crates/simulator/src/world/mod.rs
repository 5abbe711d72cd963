//! The simulated population and its ground truth.
//!
//! A [`World`] is generated once from a [`SimConfig`]: followers, live state, viewers and replays
//! are pure functions of `(seed, channel, time)`. The HTTP servers render these answers in each
//! platform's wire format, and tests ask the same functions for the expected values. The one
//! exception is a broadcast a test starts on request ([`World::start_live`], `started`), which
//! every endpoint then shows: a new broadcast, after the day's scheduled one if that one had ended,
//! else in its place.

mod category;
mod hash;
mod history;
mod names;
mod population;
mod schedule;
mod shape;
mod simulcast;
mod started;
mod story;
mod types;
mod vod;

use std::collections::HashMap;

use chrono::{DateTime, TimeZone, Utc};
use streamtide_core::Platform;

use crate::SimConfig;

pub use category::SimCategory;
pub(crate) use category::CATEGORIES;
pub use history::{
    History, HistoryTick, LIVE_STEP as HISTORY_LIVE_STEP, STATS_EVERY as HISTORY_STATS_EVERY,
};
pub use simulcast::SimCreator;
pub use started::StartLiveError;
pub use types::{FollowerArc, SimChannel, SimLive, SimVideo};

pub(crate) use hash::Key;
pub(crate) use schedule::Broadcast;
pub(crate) use shape::SimShape;

use crate::kst::day_of as kst_day;

/// How many platforms the world holds: one list of channels each.
const PLATFORMS: usize = Platform::ALL.len();

/// Ground truth for every simulated channel. Deterministic from the config's seed.
#[derive(Debug, Clone)]
pub struct World {
    /// Each platform's channels, in [`Platform::ALL`] order ([`Platform::order`]).
    channels: [Vec<SimChannel>; PLATFORMS],
    /// Per platform, the position of each channel id in `channels`.
    index: [HashMap<String, usize>; PLATFORMS],
    creators: Vec<SimCreator>,
    /// Where follower growth compounds from: [`World::epoch`], or for a story four months before
    /// its end, so that a demo on the wall clock shows counts of a plausible size.
    growth_from: DateTime<Utc>,
    /// Broadcasts started on request, over the schedule.
    started: started::Started,
}

impl World {
    pub fn new(cfg: &SimConfig) -> World {
        let adult = cfg.adult_fraction.clamp(0.0, 1.0);
        let mut lists = Platform::ALL
            .map(|p| population::generate(cfg.seed, p, (shape::shape(p).channels)(cfg), adult));
        let mut creators = simulcast::pair(lists.each_mut());
        let mut growth_from = Self::epoch();
        if let Some(end) = cfg.story_end {
            growth_from = end - chrono::Duration::days(story::GROWTH_DAYS);
            creators.extend(story::play(
                lists.each_mut(),
                end,
                growth_from,
                crate::hides_subscribers,
            ));
        }
        for change in &cfg.channel_changes {
            apply_change(&mut lists, change);
        }
        let index = lists.each_ref().map(|chs| {
            chs.iter()
                .enumerate()
                .map(|(i, c)| (c.id.clone(), i))
                .collect()
        });
        World {
            channels: lists,
            index,
            creators,
            growth_from,
            started: started::Started::default(),
        }
    }

    /// Creators with channels linked across platforms that simulcast (a demo links them as a
    /// user would with `creators link`).
    pub fn creators(&self) -> &[SimCreator] {
        &self.creators
    }

    /// Follower growth is compounded from this instant: 2026-01-01 00:00 KST (in a world without a
    /// story).
    pub fn epoch() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 12, 31, 15, 0, 0)
            .single()
            .unwrap_or_default()
    }

    /// All channels of a platform (empty for platforms the simulator does not serve).
    pub fn channels(&self, platform: Platform) -> &[SimChannel] {
        self.channels
            .get(platform.order())
            .map_or(&[], Vec::as_slice)
    }

    /// The first `n` channels of a platform as a roster would name them (id, name, handle):
    /// what a user adding them would give the store.
    pub fn roster(&self, platform: Platform, n: usize) -> Vec<streamtide_core::ChannelInfo> {
        self.channels(platform)
            .iter()
            .take(n)
            .map(|ch| streamtide_core::ChannelInfo {
                platform,
                channel_id: streamtide_core::ChannelId::new(ch.id.clone()),
                name: ch.name.clone(),
                handle: ch.handle.clone(),
                avatar_url: None,
                description: None,
            })
            .collect()
    }

    pub fn channel(&self, platform: Platform, id: &str) -> Option<&SimChannel> {
        let i = *self.index.get(platform.order())?.get(id)?;
        self.channels(platform).get(i)
    }

    /// `base_followers * (1 + daily_growth) ^ days_since_epoch`, times the channel's story arc if
    /// it has one, rounded. Days are fractional, so
    /// the count moves a little every hour rather than jumping at midnight.
    pub fn followers_at(&self, ch: &SimChannel, t: DateTime<Utc>) -> u64 {
        let days = (t - self.growth_from).num_seconds() as f64 / 86_400.0;
        let arc = ch.arc.map_or(1.0, |a| a.factor(t));
        let f = ch.base_followers as f64 * (1.0 + ch.daily_growth).powf(days) * arc;
        if f.is_finite() {
            f.round().max(0.0) as u64
        } else {
            0
        }
    }

    pub fn live_at(&self, ch: &SimChannel, t: DateTime<Utc>) -> Option<SimLive> {
        self.broadcast_at(ch, t)
            .map(|b| schedule::to_live(ch, &b, t))
    }

    /// Start a broadcast of `platform`'s channel `id` at `t` (a test's "this channel goes live
    /// now"), unless it is live then. It is a new broadcast with a number of its own; it follows
    /// the channel's scheduled broadcast of that KST day if that one had ended, else replaces it;
    /// it runs the channel's usual length, and every server answers it from then on.
    pub fn start_live(
        &self,
        platform: Platform,
        id: &str,
        t: DateTime<Utc>,
    ) -> Result<SimLive, StartLiveError> {
        let ch = self
            .channel(platform, id)
            .ok_or_else(|| StartLiveError::UnknownChannel {
                platform,
                channel_id: id.to_string(),
            })?;
        let b = self
            .started
            .start(ch, t, self.broadcast_at(ch, t).is_some())?;
        Ok(schedule::to_live(ch, &b, t.max(b.start)))
    }

    /// The broadcasts of `ch` on KST day `day`, by start: the schedule's; or a started one, after
    /// the schedule's if that one had ended before it started (else the started one replaces it).
    fn broadcasts_on(&self, ch: &SimChannel, day: i64) -> schedule::DayBroadcasts {
        let scheduled = schedule::broadcast_on(ch, day);
        match self.started.on(ch, day) {
            None => scheduled.into_iter().collect(),
            Some(started) => scheduled
                .filter(|s| s.end <= started.start)
                .into_iter()
                .chain([started])
                .collect(),
        }
    }

    /// The broadcast of `ch` in progress at `t`, if any.
    pub(crate) fn broadcast_at(&self, ch: &SimChannel, t: DateTime<Utc>) -> Option<Broadcast> {
        schedule::broadcast_at(|d| self.broadcasts_on(ch, d), t)
    }

    /// Every live broadcast of a platform at `t`, by viewers descending, ties by `live_id`
    /// descending (the order of CHZZK's `POPULAR` cursor).
    pub fn live_list_at(
        &self,
        platform: Platform,
        t: DateTime<Utc>,
    ) -> Vec<(&SimChannel, SimLive)> {
        let mut list: Vec<_> = self
            .channels(platform)
            .iter()
            .filter_map(|ch| self.live_at(ch, t).map(|l| (ch, l)))
            .collect();
        list.sort_by(|a, b| {
            b.1.viewers
                .cmp(&a.1.viewers)
                .then(b.1.live_id.cmp(&a.1.live_id))
        });
        list
    }

    /// Replays of broadcasts that ended by `t` (the last 60 days), newest first; each one's views
    /// grow with its age.
    pub fn videos_at(&self, ch: &SimChannel, t: DateTime<Utc>) -> Vec<SimVideo> {
        schedule::past_broadcasts(|d| self.broadcasts_on(ch, d), t)
            .map(|b| vod::video(ch, &b, t))
            .collect()
    }

    /// The broadcast running at `t`, or else the most recent one that ended (within 60 days).
    pub(crate) fn current_or_last_broadcast(
        &self,
        ch: &SimChannel,
        t: DateTime<Utc>,
    ) -> Option<(Broadcast, bool)> {
        if let Some(b) = self.broadcast_at(ch, t) {
            return Some((b, true));
        }
        schedule::past_broadcasts(|d| self.broadcasts_on(ch, d), t)
            .next()
            .map(|b| (b, false))
    }

    /// The broadcast numbered `live_id` on `platform`, with its channel, if it exists.
    pub(crate) fn broadcast_by_id(
        &self,
        platform: Platform,
        live_id: u64,
    ) -> Option<(&SimChannel, Broadcast)> {
        let (index, day) = schedule::locate(platform, live_id)?;
        let ch = self.channels(platform).get(index)?;
        self.broadcasts_on(ch, day)
            .into_iter()
            .find(|b| b.live_id == live_id)
            .map(|b| (ch, b))
    }

    /// The replay of a finished broadcast, as [`World::videos_at`] would list it at `t`.
    pub(crate) fn video_of(&self, ch: &SimChannel, b: &Broadcast, t: DateTime<Utc>) -> SimVideo {
        vod::video(ch, b, t)
    }

    /// A channel by its handle (Twitch login, YouTube `@handle`), case-insensitively.
    pub fn channel_by_handle(&self, platform: Platform, handle: &str) -> Option<&SimChannel> {
        self.channels(platform).iter().find(|c| {
            c.handle
                .as_deref()
                .is_some_and(|h| h.eq_ignore_ascii_case(handle))
        })
    }

    pub(crate) fn viewers_of(&self, ch: &SimChannel, b: &Broadcast, t: DateTime<Utc>) -> u64 {
        schedule::viewers(ch, b, t)
    }

    pub(crate) fn total_viewers_of(&self, ch: &SimChannel, b: &Broadcast) -> u64 {
        schedule::total_viewers(ch, b)
    }
}

#[cfg(test)]
mod tests;

/// Apply one of `SimConfig::channel_changes` to the generated population.
fn apply_change(platforms: &mut [Vec<SimChannel>; PLATFORMS], change: &crate::ChannelChange) {
    let (platform, index) = match change {
        crate::ChannelChange::Rename {
            platform, index, ..
        }
        | crate::ChannelChange::Delete {
            platform, index, ..
        } => (*platform, *index),
    };
    let Some(ch) = platforms
        .get_mut(platform.order())
        .and_then(|list| list.get_mut(index))
    else {
        return;
    };
    match change {
        crate::ChannelChange::Rename { name, at, .. } => {
            let old = std::mem::replace(&mut ch.name, name.clone());
            ch.former_name = Some((old, *at));
        }
        crate::ChannelChange::Delete { at, .. } => ch.deleted_at = Some(*at),
    }
}
