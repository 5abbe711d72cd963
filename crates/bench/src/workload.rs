//! A synthetic write workload, written once for the two places that measure the store's write
//! speed: `streamtide-bench` (part `writes`) and this crate's `write_bench` test, which runs it
//! without the other parts.
//!
//! 5,000 channels (fewer if fewer rows are asked for), one snapshot each per round, rounds
//! `interval` apart, one channel in `live_every` live. A first, untimed round creates the
//! channels: the figure is the steady state of a roster polled round after round.

use std::ops::Range;
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use streamtide_core::{
    ChannelId, ChannelInfo, ChannelObservation, ChannelStats, LiveBroadcast, LiveState, Platform,
};

use anyhow::{ensure, Result};
use streamtide_storage::{Batch, Job, Store};

/// What to write.
#[derive(Debug, Clone, Copy)]
pub struct WriteWorkload {
    /// Snapshots in all (rounded up to whole rounds).
    pub rows: usize,
    /// Observations per `write_batch`.
    pub batch: usize,
    /// One channel in this many is live (0: none).
    pub live_every: usize,
    /// Time between rounds. The collector's default channels interval is 5 minutes; since an
    /// unchanged channel is rewritten once an hour (`sightings`), the interval sets how many
    /// rounds refresh every row.
    pub interval: Duration,
    /// Untimed rounds written before the timed ones, so that the timed ones land in a table that
    /// already holds this many snapshots per channel (a database some days old: the write cost
    /// per snapshot grows as each channel's rows spread over pages of their own).
    pub prefill_rounds: usize,
}

/// What a timed run wrote, and how long it took.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WriteFigures {
    pub snapshots: u64,
    pub live_samples: u64,
    pub secs: f64,
}

/// A workload whose channels exist already (the untimed first round is done).
pub struct PreparedWrites {
    batches: Vec<Batch>,
    channels: usize,
    /// The first timed round (`prepare` wrote the rounds before it).
    first: usize,
    rounds: usize,
    start: DateTime<Utc>,
    interval: Duration,
}

impl WriteWorkload {
    /// Create the channels with a first round, and write the prefill rounds; the clock starts
    /// `prefill_rounds` intervals plus a day ago.
    pub async fn prepare(&self, store: &Store) -> Result<PreparedWrites> {
        let channels = 5_000.min(self.rows).max(1);
        let start = Utc::now() - Duration::days(1) - self.interval * self.prefill_rounds as i32;
        let batches: Vec<Batch> = (0..channels)
            .map(|i| observation(i, start, self.live_every))
            .collect::<Vec<_>>()
            .chunks(self.batch.max(1))
            .map(|c| Batch::Channels {
                found: c.to_vec(),
                missing: Vec::new(),
            })
            .collect();
        let prepared = PreparedWrites {
            batches,
            channels,
            first: self.prefill_rounds + 1,
            rounds: self.rows.div_ceil(channels),
            start,
            interval: self.interval,
        };
        // Round 0 creates the channels; the prefill rounds follow it.
        prepared.write_rounds(store, 0..prepared.first).await?;
        Ok(prepared)
    }
}

impl PreparedWrites {
    /// The timed rounds. Fails if a snapshot went missing.
    pub async fn run(&self, store: &Store) -> Result<WriteFigures> {
        self.write_rounds(store, self.first..self.first + self.rounds)
            .await
    }

    /// Rounds number `rounds` (round r at `start + r * interval`), every channel once each.
    async fn write_rounds(&self, store: &Store, rounds: Range<usize>) -> Result<WriteFigures> {
        let started = Instant::now();
        let expected = (rounds.len() * self.channels) as u64;
        let (mut snapshots, mut live_samples) = (0u64, 0u64);
        for r in rounds {
            let at = self.start + self.interval * r as i32;
            let round = store
                .start_round(Platform::Chzzk, Job::Channels, at)
                .await?;
            for b in &self.batches {
                let stats = store.write_batch(round, Platform::Chzzk, at, b).await?;
                snapshots += stats.channel_snapshots;
                live_samples += stats.live_samples;
            }
        }
        let secs = started.elapsed().as_secs_f64();
        ensure!(
            snapshots == expected,
            "the write workload wrote {snapshots} snapshots, expected {expected}"
        );
        Ok(WriteFigures {
            snapshots,
            live_samples,
            secs,
        })
    }
}

/// Channel `i` of the workload, seen at `at`.
pub fn observation(i: usize, at: DateTime<Utc>, live_every: usize) -> ChannelObservation {
    let id = format!("{i:032x}");
    let live = if live_every > 0 && i.is_multiple_of(live_every) {
        LiveState::Live(Box::new(broadcast(Platform::Chzzk, &id, i, at)))
    } else {
        LiveState::Offline
    };
    ChannelObservation {
        info: ChannelInfo {
            platform: Platform::Chzzk,
            channel_id: ChannelId::new(id.clone()),
            name: format!("bench channel {i}"),
            handle: None,
            avatar_url: None,
            description: None,
        },
        stats: ChannelStats {
            followers: Some(1_000 + i as u64),
            total_views: Some(100_000 + i as u64),
            video_count: Some(10),
        },
        live,
    }
}

/// The broadcast of live channel `i` (id `id`) of the workload, seen at `at`.
pub fn broadcast(platform: Platform, id: &str, i: usize, at: DateTime<Utc>) -> LiveBroadcast {
    LiveBroadcast {
        platform,
        channel_id: ChannelId::new(id),
        channel_name: Some(format!("bench channel {i}")),
        channel_avatar_url: Some(format!("https://img.example/{id}.png")),
        broadcast_id: Some(format!("b{i}")),
        title: format!("벤치마크 방송 {i}"),
        viewers: 100_000 / (i as u64 + 1) + 1,
        category_id: Some("talk".into()),
        category_name: Some("Talk".into()),
        tags: vec!["bench".into()],
        thumbnail_url: Some(format!("https://img.example/{id}.jpg")),
        started_at: Some(at - Duration::hours(1)),
        adult: i.is_multiple_of(20),
        language: Some("ko".into()),
        url: format!("https://watch.example/{id}"),
    }
}
