//! When channels are live, and with how many viewers.
//!
//! Each KST day, a channel rolls (by hash) whether it streams that day; if it does, it starts near
//! its usual start time and runs near its usual length. A broadcast may cross midnight, so the
//! broadcast covering an instant belongs either to that instant's KST day or to the day before.

use chrono::{DateTime, Duration, Utc};
use streamtide_core::Platform;

use super::category::SimCategory;
use super::category::CATEGORIES;
use super::hash::Key;
use super::names;
use super::types::{SimChannel, SimLive};
use crate::kst;

mod tag {
    pub const DAY: u64 = 0x0D;
    pub const STREAMS: u64 = 1;
    pub const START_JITTER: u64 = 2;
    pub const LENGTH: u64 = 3;
    pub const OTHER_CATEGORY: u64 = 4;
    pub const CATEGORY: u64 = 5;
    pub const TITLE: u64 = 6;
    pub const AUDIENCE: u64 = 7;
    pub const TAGS: u64 = 8;
    pub const SLOW_NOISE: u64 = 9;
    pub const FAST_NOISE: u64 = 10;
}

/// Day numbers in ids count from 2020-01-01 so they stay small but positive.
const ID_DAY_ORIGIN: i64 = 18_262;
/// Ids are `base + day * STRIDE + channel index`, unique while a platform has < STARTED_IDS
/// channels.
const ID_STRIDE: u64 = 100_000;
/// A broadcast started on request is numbered `STARTED_IDS` above the scheduled one of its day,
/// so it never shares a number with a broadcast the day already had (a platform numbers every
/// broadcast anew).
const STARTED_IDS: u64 = ID_STRIDE / 2;
/// Where each platform's broadcast ids start (its shape's `live_id_base`).
fn live_id_base(platform: Platform) -> u64 {
    super::shape::shape(platform).live_id_base
}

/// A channel's broadcasts of one KST day, by start: the scheduled one, a started one, or a
/// scheduled one that had ended before a started one.
pub(crate) type DayBroadcasts = Vec<Broadcast>;

/// One broadcast: the fixed facts about it (viewers are computed per instant).
#[derive(Debug, Clone)]
pub(crate) struct Broadcast {
    pub live_id: u64,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub category: SimCategory,
    pub title: String,
    pub tags: Vec<String>,
    /// Multiplies the channel's usual audience for this broadcast (good days and bad days).
    pub audience: f64,
    pub key: Key,
}

/// The broadcast channel `ch` starts on KST day `day`, if it streams that day.
pub(crate) fn broadcast_on(ch: &SimChannel, day: i64) -> Option<Broadcast> {
    let k = ch.key.at(tag::DAY).at_i(day);
    if k.at(tag::STREAMS).unit() >= ch.stream_prob {
        return None;
    }
    let jitter = k.at(tag::START_JITTER).int(0, 80) as i64 - 40;
    // A restream goes live a little after the main channel, as a second encoder would.
    let restream_delay = if ch.simulcast_mirror { 2 } else { 0 };
    let start =
        kst::day_start(day) + Duration::minutes(ch.start_minute as i64 + jitter + restream_delay);
    broadcast_from(ch, day, start)
}

/// A broadcast of `ch` starting at `start` (an unscheduled one, started through the control
/// surface): it takes the title and category `ch`'s broadcast of that KST day would have, whether
/// or not the channel streams that day by its schedule, and a number of its own (the day's number
/// plus [`STARTED_IDS`]). `None` where the channel cannot stream then (not yet joined, moved away,
/// deleted).
pub(crate) fn broadcast_starting(ch: &SimChannel, start: DateTime<Utc>) -> Option<Broadcast> {
    let mut b = broadcast_from(ch, kst::day_of(start), start)?;
    b.live_id += STARTED_IDS;
    Some(b)
}

/// The broadcast of `ch` for KST day `day` starting at `start`, if the channel can stream then.
fn broadcast_from(ch: &SimChannel, day: i64, start: DateTime<Utc>) -> Option<Broadcast> {
    let k = ch.key.at(tag::DAY).at_i(day);
    if start < ch.joined_at
        || ch.retired_at.is_some_and(|r| start >= r)
        || ch.deleted_at.is_some_and(|d| start >= d)
    {
        return None;
    }
    let minutes = (ch.duration_minutes as f64 * k.at(tag::LENGTH).range(0.8, 1.2)).round();
    let end = start + Duration::minutes(minutes.clamp(60.0, 480.0) as i64);
    // A deleted channel's broadcast ends with it.
    let end = ch.deleted_at.map_or(end, |d| end.min(d));

    let category = if k.at(tag::OTHER_CATEGORY).unit() < 0.2 {
        k.at(tag::CATEGORY).pick(CATEGORIES)
    } else {
        ch.category
    };
    let day_count = (day - kst::day_of(ch.joined_at)).max(1) as u64;
    let day_id = (day - ID_DAY_ORIGIN).max(0) as u64;
    Some(Broadcast {
        live_id: live_id_base(ch.platform) + day_id * ID_STRIDE + ch.index as u64,
        start,
        end,
        category,
        title: title(ch, k, category, day_count),
        tags: if ch.language == "ko" {
            names::tags(k.at(tag::TAGS), category.name_ko)
        } else {
            names::foreign_tags(ch.language, &category.english())
        },
        audience: k.at(tag::AUDIENCE).range(0.8, 1.2),
        key: k,
    })
}

/// The title of a broadcast, in the channel's language; a creator's linked channels share the creator's name and schedule
/// key, so a simulcast has the same title on both, the restream marked as such.
fn title(ch: &SimChannel, k: Key, category: SimCategory, day_count: u64) -> String {
    if let Some(t) = names::foreign_title(
        k.at(tag::TITLE),
        ch.language,
        &category.english(),
        day_count,
    ) {
        return t;
    }
    let nick = ch.creator.as_deref().unwrap_or(&ch.name);
    let t = names::title(k.at(tag::TITLE), nick, category.spoken(), day_count);
    if ch.simulcast_mirror {
        format!("[동시송출] {t}")
    } else {
        t
    }
}

/// The channel index and KST day of the broadcast numbered `live_id` on `platform`, if the number
/// is in that platform's range (the inverse of the numbering in [`broadcast_on`]).
pub(crate) fn locate(platform: Platform, live_id: u64) -> Option<(usize, i64)> {
    let rel = live_id.checked_sub(live_id_base(platform))?;
    let index = usize::try_from(rel % ID_STRIDE % STARTED_IDS).ok()?;
    let day = i64::try_from(rel / ID_STRIDE).ok()? + ID_DAY_ORIGIN;
    Some((index, day))
}

/// The broadcast in progress at `t`, if any, of the channel whose broadcasts of each KST day `on`
/// answers ([`broadcast_on`], or the world's with the broadcasts started through the control
/// surface).
pub(crate) fn broadcast_at(
    on: impl Fn(i64) -> DayBroadcasts,
    t: DateTime<Utc>,
) -> Option<Broadcast> {
    let today = kst::day_of(t);
    // Consecutive days' broadcasts never overlap (start jitter is ±40 min, length ≤ 8 h), nor do
    // one day's, so at most one of the candidates covers `t`.
    [today, today - 1]
        .into_iter()
        .flat_map(on)
        .find(|b| b.start <= t && t < b.end)
}

/// How far back we look for past broadcasts (replays, last-broadcast info).
pub(crate) const HISTORY_DAYS: i64 = 60;

/// Broadcasts that ended at or before `t`, newest first, within [`HISTORY_DAYS`] (`on` as for
/// [`broadcast_at`]).
pub(crate) fn past_broadcasts(
    on: impl Fn(i64) -> DayBroadcasts,
    t: DateTime<Utc>,
) -> impl Iterator<Item = Broadcast> {
    let today = kst::day_of(t);
    (today - HISTORY_DAYS..=today)
        .rev()
        .flat_map(move |d| on(d).into_iter().rev())
        .filter(move |b| b.end <= t)
}

/// Concurrent viewers of `b` at `t`: the channel's usual peak, scaled by this broadcast's audience,
/// the hour's audience (Korean channels), a ramp-up over the first 20 minutes, and smooth noise
/// that changes once a minute.
pub(crate) fn viewers(ch: &SimChannel, b: &Broadcast, t: DateTime<Utc>) -> u64 {
    let minute = t.timestamp().div_euclid(60);
    let elapsed = (t - b.start).num_minutes().max(0) as f64;
    let ramp = 0.3 + 0.7 * (elapsed / 20.0).min(1.0);
    let slow = 0.75 + 0.4 * b.key.at(tag::SLOW_NOISE).smooth(minute as f64 / 15.0);
    let fast = 0.97 + 0.06 * b.key.at(tag::FAST_NOISE).at_i(minute).unit();
    let hour = if ch.language == "ko" {
        prime_time(t)
    } else {
        1.0
    };
    let v = ch.peak_viewers as f64 * b.audience * hour * ramp * slow * fast;
    (v.round() as u64).max(1)
}

/// How many of a Korean broadcast's usual viewers are watching at `t`: 1.15 at 22:00 KST, 0.85 at
/// 10:00, 1 on a day's average, moving smoothly between (more people are free to watch in the
/// evening, on top of more channels being live then).
fn prime_time(t: DateTime<Utc>) -> f64 {
    let day_start = kst::day_start(kst::day_of(t));
    let hours = (t - day_start).num_seconds() as f64 / 3_600.0;
    1.0 + PRIME_TIME_SWING * (std::f64::consts::TAU * (hours - PRIME_TIME_HOUR) / 24.0).cos()
}

/// The KST hour when a broadcast's audience is largest, and how far it swings either way.
const PRIME_TIME_HOUR: f64 = 22.0;
const PRIME_TIME_SWING: f64 = 0.15;

/// Total distinct viewers over a whole broadcast (CHZZK `livePv`/`accumulateCount`).
pub(crate) fn total_viewers(ch: &SimChannel, b: &Broadcast) -> u64 {
    let hours = (b.end - b.start).num_minutes() as f64 / 60.0;
    (ch.peak_viewers as f64 * b.audience * (1.5 + 0.4 * hours)).round() as u64
}

pub(crate) fn to_live(ch: &SimChannel, b: &Broadcast, t: DateTime<Utc>) -> SimLive {
    SimLive {
        live_id: b.live_id,
        title: b.title.clone(),
        viewers: viewers(ch, b, t),
        started_at: b.start,
        category: b.category,
        adult: ch.adult,
        ends_at: b.end,
        tags: b.tags.clone(),
    }
}
