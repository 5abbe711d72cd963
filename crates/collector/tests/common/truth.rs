//! The simulated world's broadcasts over a stretch of time, and how the store's sessions compare
//! with them: one session per broadcast, with the broadcast's start and end, nothing extra.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use streamtide_core::Platform;
use streamtide_simulator::World;
use streamtide_storage::SessionRecord;

/// One broadcast as the world ran it.
#[derive(Debug, Clone)]
pub struct TrueBroadcast {
    pub channel_id: String,
    pub live_id: u64,
    /// The broadcast's language (Twitch's live list is asked for Korean streams only).
    pub language: &'static str,
    pub start: DateTime<Utc>,
    /// When it ended (a deleted channel's broadcast ends with the channel).
    pub end: DateTime<Utc>,
}

/// Every broadcast of `platform` live at some moment of `[from, to]`, found by looking every
/// `step` (shorter than any broadcast) and at `to` itself: a broadcast that began in the last
/// step is live at `to`, and the collector may have seen it.
pub fn broadcasts(
    world: &World,
    platform: Platform,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    step: Duration,
) -> Vec<TrueBroadcast> {
    let mut found: BTreeMap<(String, u64), TrueBroadcast> = BTreeMap::new();
    let mut t = from;
    loop {
        for (ch, live) in world.live_list_at(platform, t) {
            let end = ch.deleted_at.map_or(live.ends_at, |d| live.ends_at.min(d));
            found
                .entry((ch.id.clone(), live.live_id))
                .or_insert(TrueBroadcast {
                    channel_id: ch.id.clone(),
                    live_id: live.live_id,
                    language: ch.language,
                    start: live.started_at,
                    end,
                });
        }
        if t >= to {
            break;
        }
        t = (t + step).min(to);
    }
    found.into_values().collect()
}

/// How the sessions of one platform compare with its broadcasts.
#[derive(Debug, Default)]
pub struct SessionCheck {
    /// Broadcasts in the world.
    pub broadcasts: usize,
    /// Of those, ended while the platform could not be asked (their end is not judged).
    pub blind: usize,
    /// Sessions in the store.
    pub sessions: usize,
    /// Sessions closed in the store.
    pub closed: usize,
    /// Broadcasts that ended before the run did (so their session must be closed).
    pub ended_in_world: usize,
    /// What is wrong, one line each.
    pub problems: Vec<String>,
}

/// By when the collector must have caught up with the world: broadcasts that started before
/// `found_by` must have a session, and those that ended before `closed_by` a closed one. What
/// starts or ends later may still be on its way (a search not yet run, a grace not yet over).
#[derive(Debug, Clone, Copy)]
pub struct Horizon {
    pub found_by: DateTime<Utc>,
    pub closed_by: DateTime<Utc>,
}

/// Judge `sessions` against `truth`: each judged broadcast (`tolerance` gives how closely the
/// collector can know it, `None` when it cannot see it at all) has exactly one session
/// overlapping it, starting within its tolerance of its start and (if it ended before
/// `horizon.closed_by`) closed within its tolerance of its end; every session belongs to some
/// broadcast. Broadcasts for which `blind` is true (ended while the platform could not be asked)
/// are not judged on their end.
pub fn check(
    truth: &[TrueBroadcast],
    sessions: &[SessionRecord],
    horizon: Horizon,
    tolerance: impl Fn(&TrueBroadcast) -> Option<Duration>,
    blind: impl Fn(&TrueBroadcast) -> bool,
) -> SessionCheck {
    let widest = truth
        .iter()
        .filter_map(&tolerance)
        .max()
        .unwrap_or(Duration::zero());
    let mut c = SessionCheck {
        broadcasts: truth.len(),
        sessions: sessions.len(),
        closed: sessions.iter().filter(|s| s.ended_at.is_some()).count(),
        ..SessionCheck::default()
    };
    let session_end = |s: &SessionRecord| s.ended_at.unwrap_or(s.last_seen_at);
    let overlaps = |b: &TrueBroadcast, s: &SessionRecord| {
        s.channel_id == b.channel_id && s.started_at < b.end && session_end(s) + widest > b.start
    };
    for b in truth {
        let Some(tolerance) = tolerance(b) else {
            continue;
        };
        let mine: Vec<&SessionRecord> = sessions.iter().filter(|s| overlaps(b, s)).collect();
        let ended = b.end < horizon.closed_by;
        if ended {
            c.ended_in_world += 1;
            if blind(b) {
                c.blind += 1;
            }
        }
        let s = match mine.as_slice() {
            [] if b.start >= horizon.found_by => continue,
            [] => {
                c.problems.push(format!(
                    "lost: broadcast {} of {} ({} – {}) has no session",
                    b.live_id, b.channel_id, b.start, b.end
                ));
                continue;
            }
            [s] => *s,
            many => {
                c.problems.push(format!(
                    "duplicated: {b:?} has {} sessions: {many:?}",
                    many.len()
                ));
                continue;
            }
        };
        if (s.started_at - b.start).abs() > tolerance {
            c.problems
                .push(format!("wrong start: {b:?} vs session {s:?}"));
        }
        if ended && !blind(b) {
            match s.ended_at {
                None => c.problems.push(format!("never closed: {b:?} vs {s:?}")),
                Some(e) if (e - b.end).abs() > tolerance => c
                    .problems
                    .push(format!("wrong end: {b:?} vs session {s:?}")),
                Some(_) => {}
            }
        }
    }
    for s in sessions {
        if !truth.iter().any(|b| overlaps(b, s)) {
            c.problems
                .push(format!("phantom: session {s:?} matches no broadcast"));
        }
    }
    c
}
