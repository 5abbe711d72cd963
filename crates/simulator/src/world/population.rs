//! Generating a platform's channels from the seed.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use streamtide_core::Platform;

use super::category::{CATEGORIES, MAIN_WEIGHTED};
use super::hash::Key;
use super::names;
use super::shape::shape;
use super::types::SimChannel;

/// Hash-domain tags for each per-channel attribute, so attributes stay independent.
mod tag {
    pub const ID: u64 = 1;
    pub const POPULARITY: u64 = 2;
    pub const ADULT: u64 = 3;
    pub const CATEGORY: u64 = 4;
    pub const GROWTH_CLASS: u64 = 5;
    pub const GROWTH: u64 = 6;
    pub const FOLLOWERS: u64 = 7;
    pub const STREAMS: u64 = 8;
    pub const START: u64 = 9;
    pub const DURATION: u64 = 10;
    pub const PEAK: u64 = 11;
    pub const JOINED: u64 = 12;
    pub const NAME: u64 = 13;
    pub const DESCRIPTION: u64 = 14;
    pub const VERIFIED: u64 = 15;
    pub const DORMANT: u64 = 16;
    pub const LANGUAGE: u64 = 17;
}

/// Languages of the non-Korean minority (on the platforms whose shape has one).
const OTHER_LANGUAGES: &[&str] = &["en", "ja", "es", "zh"];

pub(crate) fn platform_key(seed: u64, platform: Platform) -> Key {
    Key(seed).at(0x5754_4944_4500).at(shape(platform).key_tag)
}

/// `count` channels for `platform`, deterministic in `(seed, platform, index)`.
pub(crate) fn generate(
    seed: u64,
    platform: Platform,
    count: usize,
    adult_fraction: f64,
) -> Vec<SimChannel> {
    let pk = platform_key(seed, platform);
    let mut taken_names = HashSet::new();
    (0..count)
        .map(|i| {
            channel(
                pk.at(i as u64),
                platform,
                i,
                adult_fraction,
                &mut taken_names,
            )
        })
        .collect()
}

fn channel(
    k: Key,
    platform: Platform,
    index: usize,
    adult_fraction: f64,
    taken_names: &mut HashSet<String>,
) -> SimChannel {
    let shape = shape(platform);
    let id = (shape.channel_id)(k.at(tag::ID), index);

    // Heavy-tailed popularity: a handful of big channels and a long tail of small ones.
    let popularity = k.at(tag::POPULARITY).unit().powf(2.5).max(0.0005);
    let peak_viewers =
        (3.0 + popularity * 40_000.0 * k.at(tag::PEAK).range(0.6, 1.4)).round() as u64;
    let base_followers =
        (30.0 + peak_viewers as f64 * k.at(tag::FOLLOWERS).range(15.0, 65.0)).round() as u64;
    let (daily_growth, base_followers) = match growth(k) {
        Growth::Normal(g) => (g, base_followers),
        Growth::Rocket(g) => (g, base_followers.min(ROCKET_MAX_BASE)),
    };

    let category = CATEGORIES[k.at(tag::CATEGORY).pick(MAIN_WEIGHTED)];
    let adult = k.at(tag::ADULT).unit() < adult_fraction;

    // Long-ish broadcasts on most days keep ~19% of channels live on a day's average, whatever
    // the start times; those put more of them live in the evening (see `usual_start_minute`).
    let stream_prob = if k.at(tag::DORMANT).unit() < 0.03 {
        0.0
    } else {
        k.at(tag::STREAMS).range(0.6, 0.98)
    };
    let language = if k.at(tag::LANGUAGE).unit() < shape.other_languages {
        k.at(tag::LANGUAGE).at(1).pick(OTHER_LANGUAGES)
    } else {
        "ko"
    };
    let start_minute = usual_start_minute(k.at(tag::START), language, popularity);
    let duration_minutes = (120.0 + 360.0 * k.at(tag::DURATION).unit().sqrt()).round() as u32;

    let joined_at = joined(k, platform);
    let mut name = names::nickname(k.at(tag::NAME));
    if !taken_names.insert(name.clone()) {
        name = format!("{name}{index}");
        taken_names.insert(name.clone());
    }
    let description = names::description(
        k.at(tag::DESCRIPTION),
        &name,
        category.spoken(),
        start_minute / 60,
    );
    let station_no = 20_000_000 + (k.bits() % 9_000_000);
    let image_url = (shape.image_url)(&id);
    let handle = (shape.handle)(&id, index);

    SimChannel {
        platform,
        id,
        name,
        description,
        base_followers,
        daily_growth,
        popularity,
        adult,
        category,
        index,
        stream_prob,
        start_minute,
        duration_minutes,
        peak_viewers,
        joined_at,
        image_url,
        verified: popularity > 0.3 && k.at(tag::VERIFIED).unit() < 0.7,
        station_no,
        handle,
        language,
        creator: None,
        simulcast_mirror: false,
        former_name: None,
        retired_at: None,
        deleted_at: None,
        arc: None,
        key: k,
    }
}

/// Share of the smallest Korean channels whose usual start clusters around the evening (the rest
/// start at any hour, so some are live at every hour); the biggest are twice as likely to keep
/// prime time (`EVENING_SHARE × (1 + popularity)`), as the platforms' top streamers do.
const EVENING_SHARE: f64 = 0.28;
/// Centre and spread of the evening starts, in KST minutes of the day: 19:00 ± 3.5 h.
const EVENING_START_MEAN: f64 = 19.0 * 60.0;
const EVENING_START_SD: f64 = 3.5 * 60.0;

/// When a channel usually goes live, in minutes after KST midnight. Korean live viewing peaks in
/// the evening (the press's market reports show prime time at 21–23 KST and a trough in the
/// morning), so a share of Korean channels starts around 19:00: over a day the live count runs
/// from ~0.65 of its daily average in the morning to ~1.4 at 21–22 KST. Foreign-language channels
/// follow their own time zones and start at any hour. The daily average does not depend on
/// start times, so the population's sizes keep the market's average size.
fn usual_start_minute(k: Key, language: &str, popularity: f64) -> u32 {
    let any_hour = k.int(0, 24 * 60 - 1) as u32;
    if language != "ko" || k.at(1).unit() >= EVENING_SHARE * (1.0 + popularity) {
        return any_hour;
    }
    // Box–Muller: a normal draw from two uniform ones (the first kept off 0 for the logarithm).
    let (u1, u2) = (k.at(2).unit().max(1e-9), k.at(3).unit());
    let normal = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
    let minute = (EVENING_START_MEAN + EVENING_START_SD * normal).round() as i64;
    minute.rem_euclid(24 * 60) as u32
}

/// A spread of growth rates: clearly falling, roughly flat, rising and a few rockets. Rates stay
/// well under 2%/day because growth compounds from a fixed epoch: a demo on the wall clock months
/// later must still show plausible follower counts.
fn growth(k: Key) -> Growth {
    let g = k.at(tag::GROWTH);
    match k.at(tag::GROWTH_CLASS).unit() {
        c if c < 0.30 => Growth::Normal(-g.range(0.001, 0.006)),
        c if c < 0.45 => Growth::Normal(g.range(-0.0008, 0.0008)),
        c if c < 0.92 => Growth::Normal(g.range(0.001, 0.006)),
        _ => Growth::Rocket(g.range(0.008, 0.015)),
    }
}

enum Growth {
    Normal(f64),
    /// A small channel taking off.
    Rocket(f64),
}

/// Rockets start small, so months of compounding leave them big rather than absurd.
const ROCKET_MAX_BASE: u64 = 5_000;

/// When the channel joined, within its platform's span (SOOP stations date back to the
/// AfreecaTV years; CHZZK opened its beta in December 2023).
fn joined(k: Key, platform: Platform) -> DateTime<Utc> {
    let shape = shape(platform);
    let from: DateTime<Utc> = shape.joined_from.parse().unwrap_or_default();
    let span_days = shape.joined_span_days;
    from + Duration::seconds(k.at(tag::JOINED).int(0, span_days * 86_400) as i64)
}
