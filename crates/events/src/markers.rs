//! Live-list close markers waiting for their lists.
//!
//! A live list is published as one event per broadcast (keyed by channel, so spread over the
//! partitions) and a `live_list_end` marker (keyed by platform, so one partition carries all of a
//! platform's markers, in order). The marker closes the platform's sessions the list no longer
//! shows, which is only right once the list's samples are stored: it waits until as many open
//! sessions were seen at the list's time or later as the list had samples, or for
//! [`MARKER_WAIT`] (a sample may never come, e.g. when its channel went offline in a channels
//! round since).
//!
//! A platform's markers apply in the order they came. A later list's marker applied while an
//! earlier list's samples are still in flight would find nothing to close; the earlier samples
//! would then open a session that list no longer shows, left open until the next list.

use std::time::{Duration, Instant};

use streamtide_core::Platform;
use streamtide_storage::{truncate_to_second, LiveFilter, Store, WriteStats};

use crate::regroup::Apply;

/// How long a close marker waits for its list's samples before it is applied anyway.
pub(crate) const MARKER_WAIT: Duration = Duration::from_secs(60);

/// A close marker waiting for its list.
struct Pending {
    partition: i32,
    offset: i64,
    close: Apply,
    since: Instant,
}

/// The markers consumed and not yet applied, in the order they came.
#[derive(Default)]
pub(crate) struct Markers {
    pending: Vec<Pending>,
    wait: Option<Duration>,
}

impl Markers {
    /// Markers that wait `wait` at most (instead of [`MARKER_WAIT`]).
    #[cfg(test)]
    fn waiting_at_most(wait: Duration) -> Markers {
        Markers {
            pending: Vec::new(),
            wait: Some(wait),
        }
    }

    /// A marker read at `offset` of `partition`.
    pub fn push(&mut self, partition: i32, offset: i64, close: Apply) {
        self.pending.push(Pending {
            partition,
            offset,
            close,
            since: Instant::now(),
        });
    }

    /// The offset of the oldest marker still waiting in `partition`: its offset must not be
    /// committed past it, so that a crash redelivers it.
    pub fn oldest_offset(&self, partition: i32) -> Option<i64> {
        self.pending
            .iter()
            .filter(|m| m.partition == partition)
            .map(|m| m.offset)
            .min()
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// Apply, per platform in order, the markers whose lists are stored (or that waited long
    /// enough), stopping at a platform's first marker that is not ready or fails to write (it
    /// is retried at the next call). Returns what the applied markers wrote.
    pub async fn apply_ready(&mut self, store: &Store) -> WriteStats {
        let mut written = WriteStats::default();
        let mut blocked: Vec<Platform> = Vec::new();
        let mut i = 0;
        while i < self.pending.len() {
            let (platform, ..) = self.pending[i].close.coordinates();
            if blocked.contains(&platform) || !self.is_ready(store, &self.pending[i]).await {
                blocked.push(platform);
                i += 1;
                continue;
            }
            match self.pending[i].close.write_to(store).await {
                Ok(stats) => {
                    written.add(&stats);
                    self.pending.remove(i);
                }
                Err(e) => {
                    tracing::error!(error = %e, "Could not close stale sessions; will retry.");
                    blocked.push(platform);
                    i += 1;
                }
            }
        }
        written
    }

    async fn is_ready(&self, store: &Store, m: &Pending) -> bool {
        let Apply::CloseStale {
            platform,
            at,
            samples,
            ..
        } = &m.close
        else {
            return true;
        };
        if *samples == 0 || m.since.elapsed() >= self.wait.unwrap_or(MARKER_WAIT) {
            return true;
        }
        // Every sample of the list leaves its channel's open session seen at `at` or later.
        let filter = LiveFilter {
            platform: Some(*platform),
            seen_after: Some(truncate_to_second(*at)),
            limit: 1,
            ..LiveFilter::default()
        };
        match store.live_now(&filter).await {
            Ok((_, n)) => n >= *samples,
            Err(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use streamtide_core::{ChannelId, LiveBroadcast};
    use streamtide_storage::{Batch, Job};

    use super::*;

    fn live(i: usize) -> LiveBroadcast {
        LiveBroadcast {
            platform: Platform::Soop,
            channel_id: ChannelId::new(format!("bj{i}")),
            channel_name: Some(format!("bj {i}")),
            channel_avatar_url: None,
            broadcast_id: Some(format!("{}", 1000 + i)),
            title: format!("방송 {i}"),
            viewers: 100 * i as u64,
            category_id: None,
            category_name: None,
            tags: Vec::new(),
            thumbnail_url: None,
            started_at: None,
            adult: false,
            language: None,
            url: format!("https://play.sooplive.co.kr/bj{i}"),
        }
    }

    async fn store(dir: &tempfile::TempDir) -> Store {
        Store::open(&format!("sqlite://{}", dir.path().join("m.db").display()))
            .await
            .unwrap()
    }

    /// The samples of a list, as ingest writes them (no closing: that is the marker's job).
    async fn samples(store: &Store, at: DateTime<Utc>, items: Vec<LiveBroadcast>) {
        let round = store
            .start_round(Platform::Soop, Job::Live, at)
            .await
            .unwrap();
        let batch = Batch::LiveList {
            items,
            close_after: crate::regroup::never_close(at),
        };
        store
            .write_batch(round, Platform::Soop, at, &batch)
            .await
            .unwrap();
    }

    fn marker(at: DateTime<Utc>, samples: u64) -> Apply {
        Apply::CloseStale {
            platform: Platform::Soop,
            round: 1,
            at,
            close_after: chrono::Duration::minutes(11),
            samples,
        }
    }

    async fn open(store: &Store) -> Vec<String> {
        let all = LiveFilter {
            limit: 100,
            ..LiveFilter::default()
        };
        let mut ids: Vec<String> = store
            .live_now(&all)
            .await
            .unwrap()
            .0
            .into_iter()
            .map(|i| i.channel_id)
            .collect();
        ids.sort();
        ids
    }

    /// Two lists 20 minutes apart; bj1 is only in the first. The second list's samples and
    /// both markers arrive before the first list's bj1 sample (another partition, late).
    #[tokio::test]
    async fn a_later_lists_marker_waits_for_the_earlier_list() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir).await;
        let t0: DateTime<Utc> = "2026-03-04T12:00:00Z".parse().unwrap();
        let t1 = t0 + chrono::Duration::minutes(20);
        let mut markers = Markers::waiting_at_most(Duration::from_secs(3600));
        samples(&store, t0, vec![live(2), live(3)]).await;
        samples(&store, t1, vec![live(2), live(3)]).await;
        markers.push(0, 10, marker(t0, 3));
        markers.push(0, 11, marker(t1, 2));
        // The second list is complete, but the first is not: nothing may close yet.
        let written = markers.apply_ready(&store).await;
        assert_eq!(written.sessions_closed, 0);
        assert_eq!(markers.oldest_offset(0), Some(10));
        // bj1's sample of the first list arrives: both markers apply, in order, and the second
        // closes bj1's session, as the direct writes would have.
        samples(&store, t0, vec![live(1)]).await;
        let written = markers.apply_ready(&store).await;
        assert_eq!(written.sessions_closed, 1);
        assert!(markers.is_empty());
        assert_eq!(open(&store).await, vec!["bj2", "bj3"]);
    }

    /// A marker whose list never completes is applied after the wait, and the ones behind it
    /// follow.
    #[tokio::test]
    async fn a_marker_gives_up_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir).await;
        let t0: DateTime<Utc> = "2026-03-04T12:00:00Z".parse().unwrap();
        let t1 = t0 + chrono::Duration::minutes(20);
        let mut markers = Markers::waiting_at_most(Duration::from_millis(50));
        samples(&store, t0, vec![live(1)]).await;
        samples(&store, t1, vec![live(2)]).await;
        markers.push(0, 1, marker(t0, 5));
        markers.push(0, 2, marker(t1, 1));
        tokio::time::sleep(Duration::from_millis(60)).await;
        let written = markers.apply_ready(&store).await;
        assert_eq!(written.sessions_closed, 1, "bj1, unseen since t0");
        assert!(markers.is_empty());
        assert_eq!(markers.oldest_offset(0), None);
    }
}
