//! Properties of the generated world, checked without any HTTP.

use std::collections::HashSet;

use chrono::{Duration, TimeZone, Utc};
use streamtide_core::Platform;

use super::*;
use crate::kst;

fn world() -> World {
    World::new(&SimConfig::default())
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 3, 0, 0).unwrap()
}

#[test]
fn same_seed_same_world_other_seed_other_world() {
    let a = world();
    let b = world();
    let c = World::new(&SimConfig {
        seed: 7,
        ..SimConfig::default()
    });
    for p in [Platform::Chzzk, Platform::Soop] {
        assert_eq!(a.channels(p), b.channels(p));
        assert_eq!(a.live_list_at(p, t0()), b.live_list_at(p, t0()));
    }
    assert_ne!(
        a.channels(Platform::Chzzk)[0].id,
        c.channels(Platform::Chzzk)[0].id
    );
}

#[test]
fn ids_have_the_platform_formats_and_are_unique() {
    let w = world();
    let chzzk = w.channels(Platform::Chzzk);
    assert_eq!(chzzk.len(), 300);
    for c in chzzk {
        assert_eq!(c.id.len(), 32);
        assert!(c
            .id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        assert_eq!(w.channel(Platform::Chzzk, &c.id), Some(c));
    }
    assert_eq!(w.channels(Platform::Soop)[42].id, "simbj0042");
    for p in [Platform::Chzzk, Platform::Soop] {
        let ids: HashSet<_> = w.channels(p).iter().map(|c| &c.id).collect();
        let names: HashSet<_> = w.channels(p).iter().map(|c| &c.name).collect();
        assert_eq!(ids.len(), 300);
        assert_eq!(names.len(), 300);
    }
    assert!(w.channel(Platform::Soop, "nobody").is_none());
    assert!(w.channels(Platform::Twitch).is_empty());
}

/// A fifth of the channels or so is live on a day's average; some at every hour, about twice as
/// many in the evening (KST 20–23) as in the morning (KST 8–11), and more viewers still.
#[test]
fn channels_are_live_at_every_hour_and_most_in_the_evening() {
    let w = world();
    for p in [Platform::Chzzk, Platform::Soop] {
        let (mut all, mut evening, mut morning) = (Vec::new(), [0; 2], [0; 2]);
        // Every half hour of two KST days from midnight.
        let midnight = kst::day_start(kst::day_of(t0()));
        for step in 0..96 {
            let t = midnight + Duration::minutes(step * 30 + 7);
            let list = w.live_list_at(p, t);
            let (n, viewers) = (list.len(), list.iter().map(|(_, l)| l.viewers).sum::<u64>());
            assert!(n >= 20, "only {n} live on {p} at {t}");
            all.push(n);
            let part = match (step / 2) % 24 {
                20..=23 => &mut evening,
                8..=11 => &mut morning,
                _ => continue,
            };
            part[0] += n as u64;
            part[1] += viewers;
        }
        let average = all.iter().sum::<usize>() as f64 / all.len() as f64;
        assert!(
            (45.0..=70.0).contains(&average),
            "{average} live on {p} on average"
        );
        let channels = evening[0] as f64 / morning[0] as f64;
        let viewers = evening[1] as f64 / morning[1] as f64;
        println!("{p}: {average:.1} live on average; evening/morning: channels {channels:.2}, viewers {viewers:.2}");
        assert!(
            (1.5..=3.0).contains(&channels),
            "evening/morning channels {channels:.2} on {p}"
        );
        assert!(
            viewers > channels,
            "evening/morning viewers {viewers:.2} on {p}"
        );
    }
}

#[test]
fn live_list_is_sorted_and_ids_unique() {
    let w = world();
    let list = w.live_list_at(Platform::Chzzk, t0());
    for pair in list.windows(2) {
        let (a, b) = (&pair[0].1, &pair[1].1);
        assert!(
            a.viewers > b.viewers || (a.viewers == b.viewers && a.live_id > b.live_id),
            "{a:?} before {b:?}"
        );
    }
    let ids: HashSet<_> = list.iter().map(|(_, l)| l.live_id).collect();
    assert_eq!(ids.len(), list.len());
}

#[test]
fn followers_compound_from_the_epoch_in_both_directions() {
    let w = world();
    let chs = w.channels(Platform::Chzzk);
    for c in chs {
        assert_eq!(w.followers_at(c, World::epoch()), c.base_followers);
    }
    let rising = chs.iter().filter(|c| c.daily_growth > 0.001).count();
    let falling = chs.iter().filter(|c| c.daily_growth < -0.001).count();
    assert!(
        rising > 60 && falling > 60,
        "rising {rising} falling {falling}"
    );
    let c = chs.iter().find(|c| c.daily_growth > 0.004).unwrap();
    let later = World::epoch() + Duration::days(30);
    let expected = (c.base_followers as f64 * (1.0 + c.daily_growth).powi(30)).round() as u64;
    assert_eq!(w.followers_at(c, later), expected);
}

#[test]
fn follower_counts_stay_plausible_a_year_on() {
    let w = world();
    let later = World::epoch() + Duration::days(365);
    for p in [Platform::Chzzk, Platform::Soop] {
        let max = w
            .channels(p)
            .iter()
            .map(|c| w.followers_at(c, later))
            .max()
            .unwrap();
        assert!(max < 50_000_000, "{p}: {max} followers after a year");
    }
}

#[test]
fn broadcasts_are_bounded_and_some_cross_midnight() {
    let w = world();
    let mut crossing = 0;
    let mut never = 0;
    for c in w.channels(Platform::Soop) {
        if c.stream_prob == 0.0 {
            never += 1;
        }
        for d in 0..7 {
            let day = kst::day_of(t0()) + d;
            if let Some(b) = schedule::broadcast_on(c, day) {
                let len = (b.end - b.start).num_minutes();
                assert!((60..=480).contains(&len), "{len}");
                if kst::day_of(b.end - Duration::seconds(1)) != day {
                    crossing += 1;
                }
            }
        }
    }
    assert!(crossing > 10, "{crossing} broadcasts cross midnight");
    assert!(never > 0, "no channel that never streams");
}

#[test]
fn live_at_agrees_across_a_broadcast_and_viewers_move_smoothly() {
    let w = world();
    let c = &w.channels(Platform::Chzzk)[3];
    let day = kst::day_of(t0());
    let b = (day..day + 10)
        .find_map(|d| schedule::broadcast_on(c, d))
        .expect("streams within 10 days");
    assert!(w.live_at(c, b.start - Duration::seconds(1)).is_none());
    assert_eq!(w.live_at(c, b.start).unwrap().live_id, b.live_id);
    assert!(w.live_at(c, b.end).is_none());
    let mid = b.start + Duration::minutes(45);
    let v1 = w.live_at(c, mid).unwrap().viewers as f64;
    let v2 = w.live_at(c, mid + Duration::minutes(1)).unwrap().viewers as f64;
    assert!((v1 - v2).abs() <= v1 * 0.15 + 2.0, "{v1} -> {v2}");
}

#[test]
fn videos_are_newest_first_and_gain_views_with_age() {
    let w = world();
    let c = w
        .channels(Platform::Soop)
        .iter()
        .find(|c| c.stream_prob > 0.9)
        .unwrap();
    let vids = w.videos_at(c, t0());
    assert!(vids.len() > 30, "{}", vids.len());
    for pair in vids.windows(2) {
        assert!(pair[0].published_at > pair[1].published_at);
    }
    assert!(vids.iter().all(|v| v.published_at <= t0()));
    let later = w.videos_at(c, t0() + Duration::days(2));
    let same = later
        .iter()
        .find(|v| v.video_no == vids[0].video_no)
        .unwrap();
    assert!(
        same.views > vids[0].views,
        "{} !> {}",
        same.views,
        vids[0].views
    );
}

#[test]
fn twitch_and_youtube_populations() {
    let cfg = SimConfig {
        twitch_channels: 500,
        youtube_channels: 500,
        ..SimConfig::default()
    };
    let w = World::new(&cfg);
    assert_eq!(
        World::new(&cfg).channels(Platform::Twitch),
        w.channels(Platform::Twitch)
    );
    let tw = w.channels(Platform::Twitch);
    let yt = w.channels(Platform::Youtube);
    assert_eq!((tw.len(), yt.len()), (500, 500));
    for c in tw {
        assert!(c.id.bytes().all(|b| b.is_ascii_digit()), "{}", c.id);
        assert_eq!(
            w.channel_by_handle(Platform::Twitch, c.handle.as_deref().unwrap()),
            Some(c)
        );
    }
    for c in yt {
        assert_eq!(c.id.len(), 24);
        assert!(c.id.starts_with("UC"));
        assert!(c.handle.as_deref().unwrap().starts_with("@simyt"));
    }
    for p in [Platform::Twitch, Platform::Youtube] {
        let ids: HashSet<_> = w.channels(p).iter().map(|c| &c.id).collect();
        assert_eq!(ids.len(), 500);
        let ko = w.channels(p).iter().filter(|c| c.language == "ko").count();
        assert!((350..=450).contains(&ko), "{ko} Korean of 500 on {p}");
        // Broadcast ids lead back to their broadcast.
        let (ch, live) = &w.live_list_at(p, t0())[0];
        let (found, b) = w.broadcast_by_id(p, live.live_id).unwrap();
        assert_eq!(
            (found.id.as_str(), b.start),
            (ch.id.as_str(), live.started_at)
        );
        assert!(w.broadcast_by_id(p, 3).is_none());
    }
    // The KR platforms are unchanged by the new ones.
    assert_eq!(
        w.channels(Platform::Chzzk),
        world().channels(Platform::Chzzk)
    );
}

#[test]
fn linked_creators_simulcast_at_every_hour() {
    let w = World::new(&SimConfig {
        twitch_channels: 100,
        youtube_channels: 100,
        ..SimConfig::default()
    });
    assert_eq!(w.creators().len(), 6);
    for c in w.creators() {
        assert_eq!(c.channels.len(), 2);
        assert_ne!(c.channels[0].0, c.channels[1].0, "two platforms");
    }
    // Every hour of two days, some creator is live on both platforms with the same broadcast.
    for hour in 0..48 {
        let t = t0() + Duration::hours(hour);
        let both: Vec<(SimLive, SimLive)> = w
            .creators()
            .iter()
            .filter_map(|c| {
                let live = |(p, id): &(Platform, String)| w.live_at(w.channel(*p, id)?, t);
                Some((live(&c.channels[0])?, live(&c.channels[1])?))
            })
            .collect();
        assert!(!both.is_empty(), "no simulcast live at {t}");
        for (main, restream) in both {
            assert_eq!(restream.title, format!("[동시송출] {}", main.title));
            assert_eq!(restream.started_at - main.started_at, Duration::minutes(2));
            assert_eq!(restream.category, main.category);
            assert!(restream.viewers < main.viewers, "the main channel leads");
        }
    }
    // Without Twitch and YouTube channels there is no one to pair with, and CHZZK is the same.
    let kr_only = world();
    assert!(kr_only.creators().is_empty());
    assert_eq!(
        kr_only.channels(Platform::Chzzk),
        w.channels(Platform::Chzzk)
    );
}

#[test]
fn every_platform_has_its_own_hash_domain() {
    // Two platforms on one key tag would draw the same channels, schedules and counts.
    let tags: std::collections::HashSet<u64> = Platform::ALL
        .iter()
        .map(|&p| super::shape::shape(p).key_tag)
        .collect();
    assert_eq!(tags.len(), Platform::ALL.len());
}

/// A broadcast started after the day's scheduled one ended is a new broadcast, as on a platform:
/// a number of its own (a collector that saw the earlier one must not take it for that one seen
/// again), and the earlier one stays in the channel's past.
#[test]
fn a_broadcast_started_after_the_days_one_ended_is_another_broadcast() {
    let w = world();
    let day = kst::day_of(t0()) + 1;
    let (ch, earlier, at) = w
        .channels(Platform::Chzzk)
        .iter()
        .find_map(|c| {
            let b = schedule::broadcast_on(c, day)?;
            let at = b.end + Duration::minutes(30);
            (kst::day_of(at) == day && w.live_at(c, at).is_none()).then_some((c, b, at))
        })
        .expect("a channel whose broadcast ends early enough in the KST day");
    let started = w.start_live(Platform::Chzzk, &ch.id, at).unwrap();
    assert_ne!(started.live_id, earlier.live_id, "a new broadcast number");
    assert_eq!(started.started_at, at);
    assert_eq!(w.live_at(ch, at).unwrap().live_id, started.live_id);
    // Both are found by their numbers, each as it was.
    let (_, found) = w.broadcast_by_id(Platform::Chzzk, earlier.live_id).unwrap();
    assert_eq!((found.start, found.end), (earlier.start, earlier.end));
    let (_, found) = w.broadcast_by_id(Platform::Chzzk, started.live_id).unwrap();
    assert_eq!(found.start, at);
    // After both, the replays list both, newest first.
    let after = started.ends_at + Duration::minutes(1);
    let ids: Vec<u64> = w.videos_at(ch, after).iter().map(|v| v.live_id).collect();
    assert_eq!(ids[..2], [started.live_id, earlier.live_id], "{ids:?}");
}

/// `SimConfig::full_market` has the Korean market's real size on a day's average: CHZZK ~3,000
/// broadcasts, SOOP ~6,000, Twitch ~2,000 Korean streams (within a fifth), more in the evening
/// than in the morning.
#[test]
fn the_full_market_has_the_real_markets_size_on_average_and_peaks_in_the_evening() {
    let w = World::new(&SimConfig::default().full_market());
    let midnight = kst::day_start(kst::day_of(t0()));
    let counts = |hour: i64| {
        let t = midnight + Duration::hours(hour) + Duration::minutes(7);
        let twitch_ko = w
            .live_list_at(Platform::Twitch, t)
            .iter()
            .filter(|(c, _)| c.language == "ko")
            .count();
        [
            w.live_list_at(Platform::Chzzk, t).len(),
            w.live_list_at(Platform::Soop, t).len(),
            twitch_ko,
        ]
    };
    // Every third hour of a KST day; 9 and 21 are among them.
    let by_hour: Vec<(i64, [usize; 3])> = (0..24).step_by(3).map(|h| (h, counts(h))).collect();
    println!("live by KST hour (chzzk, soop, twitch ko): {by_hour:?}");
    let at = |hour: i64, i: usize| by_hour.iter().find(|(h, _)| *h == hour).unwrap().1[i];
    for (i, (name, want)) in [("chzzk", 3_000), ("soop", 6_000), ("twitch ko", 2_000)]
        .into_iter()
        .enumerate()
    {
        let average = by_hour.iter().map(|(_, c)| c[i]).sum::<usize>() / by_hour.len();
        let (lo, hi) = (want * 4 / 5, want * 6 / 5);
        assert!(
            (lo..=hi).contains(&average),
            "{name}: {average} live on average"
        );
        let (evening, morning) = (at(21, i), at(9, i));
        assert!(evening > want * 5 / 4, "{name} at 21 KST: {evening} live");
        assert!(morning < want * 17 / 20, "{name} at 9 KST: {morning} live");
    }
}
