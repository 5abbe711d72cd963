//! Turning consumed events back into the store batches the collector would have written.
//!
//! Ingest then calls the same `Store::write_batch` and `update_rollups` the collector calls
//! without Kafka, so both paths store exactly the same rows: events of one (platform, job,
//! observed_at, round) become one batch again. Writes are idempotent (rows are keyed by entity
//! and `observed_at`), so a redelivered event changes nothing.
//!
//! The one thing a part of a live list cannot decide is which of the platform's open sessions
//! ended: that needs the whole list, whose samples are spread over partitions (and maybe over
//! ingest workers). So samples are written with closing turned off, and each list's
//! `live_list_end` becomes a separate [`Apply::CloseStale`] that the consumer applies once the
//! list's samples are stored.

use chrono::{DateTime, Duration, Utc};
use std::borrow::Cow;
use streamtide_core::Platform;

use streamtide_storage::{Batch, Store, WriteStats};

use crate::event::{Event, EventData};

/// One store operation rebuilt from events.
#[derive(Debug, Clone)]
pub enum Apply {
    /// `Store::write_batch` then `Store::update_rollups`.
    Write {
        platform: Platform,
        round: i64,
        at: DateTime<Utc>,
        batch: Batch,
    },
    /// Close `platform`'s open sessions unseen since `at - close_after`, once the `samples`
    /// samples of the list observed at `at` are in the store.
    CloseStale {
        platform: Platform,
        round: i64,
        at: DateTime<Utc>,
        close_after: Duration,
        samples: u64,
    },
}

impl Apply {
    /// The platform, round id and observation time the operation writes under.
    pub fn coordinates(&self) -> (Platform, i64, DateTime<Utc>) {
        match self {
            Apply::Write {
                platform,
                round,
                at,
                ..
            }
            | Apply::CloseStale {
                platform,
                round,
                at,
                ..
            } => (*platform, *round, *at),
        }
    }

    /// The batch `Store::write_batch` takes for this operation (a write's own, borrowed).
    pub fn batch(&self) -> Cow<'_, Batch> {
        match self {
            Apply::Write { batch, .. } => Cow::Borrowed(batch),
            Apply::CloseStale {
                close_after,
                samples,
                ..
            } => Cow::Owned(Batch::LiveListEnd {
                close_after: *close_after,
                samples: *samples,
            }),
        }
    }

    /// Write the operation with `Store::write_batch` (rollups are the caller's).
    pub async fn write_to(&self, store: &Store) -> streamtide_storage::Result<WriteStats> {
        let (platform, round, at) = self.coordinates();
        store.write_batch(round, platform, at, &self.batch()).await
    }
}

/// A `close_after` that closes nothing: the cutoff `at - close_after` is the Unix epoch, before
/// any session was seen.
pub fn never_close(at: DateTime<Utc>) -> Duration {
    at - DateTime::<Utc>::UNIX_EPOCH
}

/// The close operation of a `live_list_end` marker; `None` for any other event.
pub fn close_of(e: &Event) -> Option<Apply> {
    match &e.data {
        EventData::LiveListEnd {
            close_after_secs,
            samples,
        } => Some(Apply::CloseStale {
            platform: e.platform,
            round: e.round,
            at: e.observed_at,
            close_after: Duration::seconds(*close_after_secs),
            samples: *samples,
        }),
        _ => None,
    }
}

/// Events of one store batch share these: observed at, round, platform, job.
type GroupKey = (DateTime<Utc>, i64, Platform, u8);

#[derive(Clone, Copy, PartialEq, Eq)]
enum Group {
    Live,
    Channels,
    Videos,
}

/// Regroup events into store operations: data writes first, ordered by observation time (so one
/// channel's observations apply in the order they were made), then the lists' close markers.
pub fn regroup(events: impl IntoIterator<Item = Event>) -> Vec<Apply> {
    let mut writes: Vec<(GroupKey, Apply)> = Vec::new();
    let mut closes: Vec<Apply> = Vec::new();
    for e in events {
        let group = match &e.data {
            EventData::LiveSample(_) => Group::Live,
            EventData::ChannelSnapshot(_) | EventData::ChannelMissing {} => Group::Channels,
            EventData::VideoSnapshot(_) => Group::Videos,
            EventData::LiveListEnd { .. } => {
                closes.extend(close_of(&e));
                continue;
            }
        };
        let key = (e.observed_at, e.round, e.platform, group as u8);
        let slot = match writes.iter().position(|(k, _)| *k == key) {
            Some(i) => &mut writes[i].1,
            None => {
                let batch = match group {
                    Group::Live => Batch::LiveList {
                        items: Vec::new(),
                        close_after: never_close(e.observed_at),
                    },
                    Group::Channels => Batch::Channels {
                        found: Vec::new(),
                        missing: Vec::new(),
                    },
                    Group::Videos => Batch::Videos { videos: Vec::new() },
                };
                writes.push((
                    key,
                    Apply::Write {
                        platform: e.platform,
                        round: e.round,
                        at: e.observed_at,
                        batch,
                    },
                ));
                &mut writes.last_mut().expect("just pushed").1
            }
        };
        let Apply::Write { batch, .. } = slot else {
            unreachable!("only writes are grouped")
        };
        // A channel_missing without a channel names nothing to mark: not added.
        crate::mapping::add_to_batch(batch, e.data, e.channel_id);
    }
    // Stable: equal times keep their order of arrival.
    writes.sort_by_key(|(k, _)| k.0);
    writes.into_iter().map(|(_, a)| a).chain(closes).collect()
}
