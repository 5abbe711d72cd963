//! A demo's past: the story's events happen as told, and the live servers continue the history
//! without a jump.

use chrono::{DateTime, Duration, TimeZone, Utc};
use streamtide_core::{LiveState, Platform};
use streamtide_simulator::{SimChannel, SimConfig, World};

fn end() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, 13, 47, 12).unwrap()
}

fn world() -> World {
    World::new(&SimConfig::demo(160, Some(end())))
}

/// The first 40 channels of each platform, as the demo tracks them.
fn roster(w: &World) -> Vec<&SimChannel> {
    Platform::ALL
        .iter()
        .flat_map(|p| w.channels(*p).iter().take(40))
        .collect()
}

/// A channel's followers over time.
type Series = Vec<(DateTime<Utc>, Option<u64>)>;

/// Every channels-round followers figure of the history, per channel id: (time, followers).
fn followers_series(w: &World, days: u32) -> std::collections::HashMap<String, Series> {
    let mut out: std::collections::HashMap<String, Vec<_>> = Default::default();
    for day in w.history(roster(w), end(), days) {
        for tick in day {
            for o in tick.found {
                out.entry(o.info.channel_id.as_str().to_string())
                    .or_default()
                    .push((tick.at, o.stats.followers));
            }
        }
    }
    out
}

#[test]
fn the_live_state_continues_the_history() {
    let w = world();
    let series = followers_series(&w, 3);
    let mut compared = 0;
    for ch in roster(&w) {
        let Some((at, Some(last))) = series[&ch.id].last().copied() else {
            continue;
        };
        assert!(
            end() - at <= Duration::minutes(1),
            "{}: history ends at {at}",
            ch.id
        );
        // What the platform's server answers a minute after the demo started.
        let now = w
            .reported_stats(ch, end() + Duration::minutes(1))
            .followers
            .unwrap();
        let drift = now.abs_diff(last) as f64 / last.max(1) as f64;
        assert!(drift < 0.001, "{}: {last} then {now}", ch.id);
        compared += 1;
    }
    assert!(compared >= 150, "{compared}");
}

#[test]
fn the_story_happens() {
    let w = world();
    let series = followers_series(&w, 90);
    let at = |id: &str, days_ago: i64| -> u64 {
        let t = end() - Duration::days(days_ago);
        series[id]
            .iter()
            .rev()
            .find(|(a, _)| *a <= t)
            .and_then(|(_, f)| *f)
            .unwrap_or_else(|| panic!("{id} has no followers {days_ago} days ago"))
    };
    let chzzk = w.channels(Platform::Chzzk);
    let soop = w.channels(Platform::Soop);
    let twitch = w.channels(Platform::Twitch);
    let youtube = w.channels(Platform::Youtube);

    // The collapse: nearly half its followers gone within days, three weeks ago.
    let collapsed = &chzzk[3].id;
    assert!(
        at(collapsed, 14) * 10 < at(collapsed, 28) * 6,
        "{} {}",
        at(collapsed, 28),
        at(collapsed, 14)
    );
    // The viral riser: more than tripled in six weeks.
    let viral = &soop[8].id;
    assert!(at(viral, 0) > 3 * at(viral, 45));
    // Milestones: 100,000 on CHZZK and 1,000,000 on YouTube, crossed inside the history.
    assert!(at(&chzzk[2].id, 60) < 100_000 && at(&chzzk[2].id, 0) >= 100_000);
    let million = youtube
        .iter()
        .take(10)
        .find(|c| {
            let s = &series[&c.id];
            s.first()
                .is_some_and(|(_, f)| f.is_some_and(|f| f < 1_000_000))
                && s.last()
                    .is_some_and(|(_, f)| f.is_some_and(|f| f >= 1_000_000))
        })
        .expect("a YouTube channel crosses a million");
    // YouTube's counts are rounded to three significant figures.
    for (_, f) in &series[&million.id] {
        let f = f.unwrap();
        let p = 10u64.pow(f.ilog10() - 2);
        assert_eq!(f % p, 0, "{f}");
    }
    // The rename: the old name before, the new one after, and the new one is what servers say.
    let renamed = &twitch[7];
    let (old, when) = renamed.former_name.clone().expect("Twitch #7 was renamed");
    assert_ne!(old, renamed.name);
    assert_eq!(renamed.name_at(when - Duration::hours(1)), old);
    assert_eq!(renamed.name_at(end()), renamed.name);
    // The move: the Twitch channel never goes live after it, the CHZZK one only after it, and
    // the CHZZK channel's history starts on the day of the move.
    let (old, new) = (&twitch[13], &chzzk[13]);
    let moved = old.retired_at.expect("Twitch #13 moved");
    assert_eq!(new.joined_at, moved);
    let mut old_after = 0;
    let mut new_live = 0;
    let mut t = moved;
    while t < end() {
        old_after += usize::from(w.live_at(old, t).is_some_and(|l| l.started_at >= moved));
        new_live += usize::from(w.live_at(new, t).is_some());
        t += Duration::minutes(30);
    }
    assert_eq!(old_after, 0);
    assert!(new_live > 100, "{new_live}");
    assert!(series[&new.id].first().unwrap().0 >= moved);
    assert!(at(&old.id, 0) < at(&old.id, 41));
    assert!(at(&new.id, 0) > 2 * at(&new.id, 39));
    // Creators on two and three platforms.
    let creators = w.creators();
    assert!(creators.iter().any(|c| c.channels.len() == 3));
    assert!(creators.iter().any(|c| c.channels
        == vec![
            (Platform::Chzzk, new.id.clone()),
            (Platform::Twitch, old.id.clone())
        ]));
    // A spread: over the last 30 days, risers and fallers both.
    let changes: Vec<i64> = roster(&w)
        .iter()
        .filter(|c| c.joined_at < end() - Duration::days(30))
        .filter_map(|c| {
            let s = series.get(&c.id)?;
            let first = s
                .iter()
                .find(|(a, _)| *a >= end() - Duration::days(30))?
                .1?;
            let last = s.last()?.1?;
            Some(last as i64 - first as i64)
        })
        .collect();
    assert!(
        changes.iter().filter(|c| **c > 0).count() >= 40,
        "{changes:?}"
    );
    assert!(
        changes.iter().filter(|c| **c < 0).count() >= 20,
        "{changes:?}"
    );
}

#[test]
fn ticks_carry_viewer_curves_and_end_broadcasts() {
    let w = world();
    let (mut live, mut ended, mut rounds_of_everyone) = (0, 0, 0);
    let mut last_live: std::collections::HashMap<String, bool> = Default::default();
    for day in w.history(roster(&w), end(), 2) {
        for tick in day {
            let n = roster(&w)
                .iter()
                .filter(|c| c.platform == tick.platform)
                .count();
            rounds_of_everyone += usize::from(tick.found.len() == n);
            for o in &tick.found {
                let id = o.info.channel_id.as_str().to_string();
                match &o.live {
                    LiveState::Live(b) => {
                        assert!(b.viewers > 0 && b.broadcast_id.is_some());
                        live += 1;
                        last_live.insert(id, true);
                    }
                    LiveState::Offline => {
                        ended += usize::from(last_live.insert(id, false) == Some(true));
                    }
                    LiveState::Unknown => panic!("the history knows who is live"),
                }
                assert!(o.stats.followers.is_some() || tick.platform == Platform::Youtube);
            }
        }
    }
    assert!(live > 1_000, "{live}");
    assert!(ended > 20, "{ended}");
    // Two days of rounds of everyone every six hours, on each of four platforms.
    assert!(rounds_of_everyone >= 2 * 4 * 4, "{rounds_of_everyone}");
}
