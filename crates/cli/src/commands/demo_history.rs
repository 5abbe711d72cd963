//! `demo --history DAYS`: the simulated world's past of every tracked channel, written before the
//! collector starts, so the first screen already has rankings, charts and daily tables.
//!
//! The figures come from the simulator's own world (`World::history`: what its servers would have
//! answered at each past instant) and go through the store's normal write path, the channels
//! batches the collector's channels job writes (`Store::write_batches`: the same code as
//! `write_batch`, a day of batches per transaction). The daily rollups are then rebuilt, as
//! `streamtide rollup --rebuild` does.

use std::time::Instant;

use anyhow::Context;
use chrono::{DateTime, Utc};
use streamtide_core::Platform;
use streamtide_simulator::{SimChannel, World};
use streamtide_storage::{Batch, Job, Store};

/// What seeding wrote.
#[derive(Debug, Default)]
pub struct Seeded {
    pub channels: usize,
    pub snapshots: u64,
    pub live_samples: u64,
    pub sessions: u64,
    pub rollup_days: u64,
    pub seconds: f64,
}

/// The tracked channels of the demo's roster, as the world knows them.
pub fn tracked<'w>(world: &'w World, ids: &[(Platform, String)]) -> Vec<&'w SimChannel> {
    ids.iter()
        .filter_map(|(p, id)| world.channel(*p, id))
        .collect()
}

/// Write the `days` days of `channels`' past that end at `end`, then rebuild the rollups.
pub async fn seed(
    store: &Store,
    world: &World,
    channels: Vec<&SimChannel>,
    end: DateTime<Utc>,
    days: u32,
) -> anyhow::Result<Seeded> {
    let started = Instant::now();
    let mut out = Seeded {
        channels: channels.len(),
        ..Seeded::default()
    };
    let from = end - chrono::Duration::days(i64::from(days));
    // One channels round per platform for the whole past, as a backfill would record it. They
    // stay unfinished: the past is not a success of the platform's job (health waits for the
    // first real round).
    let mut rounds = std::collections::HashMap::new();
    for platform in Platform::ALL {
        rounds.insert(
            platform,
            store.start_round(platform, Job::Channels, from).await?,
        );
    }
    for day in world.history(channels, end, days) {
        let batches: Vec<(i64, Platform, DateTime<Utc>, Batch)> = day
            .into_iter()
            .map(|tick| {
                (
                    rounds[&tick.platform],
                    tick.platform,
                    tick.at,
                    Batch::Channels {
                        found: tick.found,
                        missing: Vec::new(),
                    },
                )
            })
            .collect();
        let refs: Vec<_> = batches.iter().map(|(r, p, t, b)| (*r, *p, *t, b)).collect();
        let stats = store
            .write_batches(&refs)
            .await
            .context("writing the demo's history")?;
        out.snapshots += stats.channel_snapshots;
        out.live_samples += stats.live_samples;
        out.sessions += stats.sessions_opened;
    }
    out.rollup_days = store
        .rebuild_rollups()
        .await
        .context("rolling up the demo's history")?
        .days;
    out.seconds = started.elapsed().as_secs_f64();
    Ok(out)
}
