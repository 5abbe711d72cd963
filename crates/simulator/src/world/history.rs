//! A demo's past: what the collector would have recorded for the tracked channels over the days
//! before the demo starts, tick by tick.
//!
//! The figures are the servers' own answers at past instants (followers as each platform reports
//! them, YouTube's rounded; SOOP's view count; YouTube's views and video count from the replays),
//! so the history ends exactly where the live servers continue. Each tick is a channels round of
//! one platform, as the collector's channels job writes it: every [`LIVE_STEP`] (every 30
//! minutes before the last [`FINE_DAYS`] days) the tracked channels that are live (their viewer
//! curves) or have just stopped (which ends their broadcast), and every [`STATS_EVERY`] ticks
//! every tracked channel, live or not.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use streamtide_core::{
    ChannelId, ChannelInfo, ChannelObservation, ChannelStats, LiveBroadcast, LiveState, Platform,
};

use super::schedule::{self, Broadcast};
use super::shape::shape;
use super::types::SimChannel;
use super::{kst_day, vod, World};

/// Time between two ticks of the last [`FINE_DAYS`] days: the live samples of the history.
pub const LIVE_STEP: Duration = Duration::minutes(10);
/// Ticks between two rounds of every tracked channel (6 hours).
pub const STATS_EVERY: i64 = 36;
/// The last days are sampled every [`LIVE_STEP`]; earlier ones every [`COARSE`] steps (30
/// minutes), which keeps the viewer curves' shape and the daily figures (time-weighted) at a
/// third of the rows, so a 90-day past is written in seconds.
pub const FINE_DAYS: i64 = 7;
const COARSE: i64 = 3;

/// What one tick of the past recorded for one platform: a channels round.
#[derive(Debug, Clone)]
pub struct HistoryTick {
    pub platform: Platform,
    pub at: DateTime<Utc>,
    pub found: Vec<ChannelObservation>,
}

/// The past of a set of channels, one KST-independent 24-hour chunk at a time, oldest first.
pub struct History<'w> {
    world: &'w World,
    channels: Vec<&'w SimChannel>,
    end: DateTime<Utc>,
    /// The next live tick's number, counted back from `end` (tick 0 is `end` itself).
    next: i64,
    /// Each channel's broadcasts by KST day (computed once: a YouTube channel's replays are asked
    /// for at every channels round).
    broadcasts: Vec<HashMap<i64, Option<Broadcast>>>,
}

impl World {
    /// The history of `channels` over the `days` days that end at `end` (see the module
    /// documentation). A channel has no ticks before it joined its platform.
    pub fn history<'w>(
        &'w self,
        channels: Vec<&'w SimChannel>,
        end: DateTime<Utc>,
        days: u32,
    ) -> History<'w> {
        let ticks_per_day = Duration::days(1).num_seconds() / LIVE_STEP.num_seconds();
        History {
            world: self,
            broadcasts: vec![HashMap::new(); channels.len()],
            channels,
            end,
            next: i64::from(days) * ticks_per_day,
        }
    }

    /// The counters a platform reports for `ch` at `t`, as its adapter reads them (its shape's
    /// `stats`): followers everywhere (YouTube's rounded to three significant figures, or
    /// hidden); SOOP's total views; views and video count over the replays it lists where the
    /// shape says `lists_replays` (YouTube).
    pub fn reported_stats(&self, ch: &SimChannel, t: DateTime<Utc>) -> ChannelStats {
        let videos = shape(ch.platform)
            .lists_replays
            .then(|| self.videos_at(ch, t));
        stats(
            self,
            ch,
            t,
            videos.map(|v| (v.iter().map(|v| v.views).sum(), v.len())),
        )
    }

    /// The broadcast of `ch` live at `t`, as the platform's adapter parses it.
    pub fn observed_live(&self, ch: &SimChannel, t: DateTime<Utc>) -> Option<LiveBroadcast> {
        self.broadcast_at(ch, t).map(|b| live_broadcast(ch, &b, t))
    }
}

fn stats(
    world: &World,
    ch: &SimChannel,
    t: DateTime<Utc>,
    replays: Option<(u64, usize)>,
) -> ChannelStats {
    (shape(ch.platform).stats)(ch, world.followers_at(ch, t), replays)
}

/// A broadcast as the platform's adapter reports it: its id, category id and name as each
/// platform spells them.
fn live_broadcast(ch: &SimChannel, b: &Broadcast, t: DateTime<Utc>) -> LiveBroadcast {
    let (broadcast_id, category_id, category_name) = (shape(ch.platform).broadcast)(b);
    LiveBroadcast {
        platform: ch.platform,
        channel_id: ChannelId::new(ch.id.clone()),
        channel_name: Some(ch.name_at(t).to_string()),
        channel_avatar_url: None,
        broadcast_id: Some(broadcast_id),
        title: b.title.clone(),
        viewers: schedule::viewers(ch, b, t),
        category_id,
        category_name,
        tags: b.tags.clone(),
        thumbnail_url: None,
        started_at: Some(b.start),
        adult: ch.adult,
        language: Some(ch.language.to_string()),
        url: ch
            .platform
            .channel_url(&ch.id, ch.handle.as_deref())
            .unwrap_or_default(),
    }
}

impl History<'_> {
    fn broadcast_on(&mut self, i: usize, day: i64) -> Option<&Broadcast> {
        let ch = self.channels[i];
        self.broadcasts[i]
            .entry(day)
            .or_insert_with(|| schedule::broadcast_on(ch, day))
            .as_ref()
    }

    /// What `broadcast_at` answers, from the cache.
    fn live_at(&mut self, i: usize, t: DateTime<Utc>) -> Option<Broadcast> {
        let today = kst_day(t);
        for d in [today, today - 1] {
            if let Some(b) = self.broadcast_on(i, d) {
                if b.start <= t && t < b.end {
                    return Some(b.clone());
                }
            }
        }
        None
    }

    /// Views and video count at `t` of a platform that `lists_replays`: the replays `videos_at`
    /// lists, from the cache.
    fn replays(&mut self, i: usize, t: DateTime<Utc>) -> (u64, usize) {
        let ch = self.channels[i];
        let today = kst_day(t);
        let (mut views, mut n) = (0, 0);
        for d in today - schedule::HISTORY_DAYS..=today {
            if let Some(b) = self.broadcast_on(i, d) {
                if b.end <= t {
                    views += vod::views(ch, b, t);
                    n += 1;
                }
            }
        }
        (views, n)
    }

    fn ticks_at(&mut self, k: i64, out: &mut Vec<HistoryTick>) {
        let fine = Duration::days(FINE_DAYS).num_seconds() / LIVE_STEP.num_seconds();
        if k > fine && k % COARSE != 0 {
            return;
        }
        let at = self.end - LIVE_STEP * (k as i32);
        let everyone = k % STATS_EVERY == 0;
        // The tick before this one.
        let before = at - LIVE_STEP * if k >= fine { COARSE as i32 } else { 1 };
        for platform in Platform::ALL {
            let mut found = Vec::new();
            for i in 0..self.channels.len() {
                let ch = self.channels[i];
                if ch.platform != platform || at < ch.joined_at {
                    continue;
                }
                let live = match self.live_at(i, at) {
                    Some(b) => LiveState::Live(Box::new(live_broadcast(ch, &b, at))),
                    // Offline: written when it ends a broadcast, or in a round of everyone.
                    None if everyone || self.live_at(i, before).is_some() => LiveState::Offline,
                    None => continue,
                };
                let replays = shape(platform).lists_replays.then(|| self.replays(i, at));
                found.push(ChannelObservation {
                    info: ChannelInfo {
                        platform,
                        channel_id: ChannelId::new(ch.id.clone()),
                        name: ch.name_at(at).to_string(),
                        handle: ch.handle.clone(),
                        avatar_url: None,
                        description: Some(ch.description.clone()),
                    },
                    stats: stats(self.world, ch, at, replays),
                    live,
                });
            }
            if !found.is_empty() {
                out.push(HistoryTick {
                    platform,
                    at,
                    found,
                });
            }
        }
    }
}

impl Iterator for History<'_> {
    type Item = Vec<HistoryTick>;

    /// The next day's ticks (the last chunk ends at `end` itself), in time order.
    fn next(&mut self) -> Option<Vec<HistoryTick>> {
        if self.next < 0 {
            return None;
        }
        let ticks_per_day = Duration::days(1).num_seconds() / LIVE_STEP.num_seconds();
        let mut out = Vec::new();
        let last = (self.next - ticks_per_day + 1).max(0);
        for k in (last..=self.next).rev() {
            self.ticks_at(k, &mut out);
        }
        self.next = last - 1;
        Some(out)
    }
}
