//! `demo --history DAYS`: the market's past (the last week of it at most), written before the
//! collector starts, so the 시장 page has days to compare from the first screen.
//!
//! Every hour of the past, each census platform's whole directory as the simulated world
//! had it (Twitch: its Korean streams) is tallied per category and kept as a market round that
//! stands for that hour (`Store::record_market`, the collector's own write). A world
//! category is named by the vocabulary through CHZZK's id for it: the collector's live path names
//! it the same on every platform (`collector/tests/market_day.rs` checks that against the world).

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use streamtide_core::Platform;
use streamtide_curate::categories::Vocabulary;
use streamtide_simulator::World;
use streamtide_storage::Store;

/// The step between two seeded rounds.
const STEP_MINUTES: i64 = 60;
/// The most days of market seeded.
const MAX_DAYS: u32 = 7;

/// Write the market of the `days` (at most a week) before `end`; returns the rounds written.
pub async fn seed(
    store: &Store,
    world: &World,
    end: DateTime<Utc>,
    days: u32,
) -> anyhow::Result<u64> {
    let step = Duration::minutes(STEP_MINUTES);
    let mut at = end - Duration::days(i64::from(days.min(MAX_DAYS)));
    let vocabulary = Vocabulary::global();
    let mut rounds = 0;
    while at < end {
        for platform in [Platform::Chzzk, Platform::Soop, Platform::Twitch] {
            let lives = world.live_list_at(platform, at);
            let tagged = lives
                .iter()
                .filter(|(ch, _)| platform != Platform::Twitch || ch.language == "ko")
                .map(|(_, live)| {
                    let mapping = vocabulary.map(
                        Platform::Chzzk,
                        Some(live.category.chzzk_id),
                        None,
                        &live.title,
                    );
                    (mapping.id(), live.viewers)
                });
            let cells = streamtide_collector::market::tally_tagged(tagged);
            store
                .record_market(platform, at, step, &cells)
                .await
                .context("writing the demo's market")?;
            rounds += 1;
        }
        at += step;
    }
    Ok(rounds)
}
