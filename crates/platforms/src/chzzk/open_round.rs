//! A channels round through the CHZZK Open API: figures from `/open/v1/channels` (20 ids a
//! call), live state from one walk of `/open/v1/lives` shared by the round's calls.
//!
//! The walk is the live round's census when that read the whole list at most three minutes ago
//! (the channels round then costs ⌈N/20⌉ calls); else the round walks the list itself.
//!
//! The Open API has no per-channel live status. A channel found in the walk is live with the
//! list's broadcast (liveId and thumbnail included); one absent from a walk that reached the last
//! page is offline; when the walk stopped early, the state of those not seen is unknown. A
//! channel that was live in the previous walk and is absent now is confirmed on the web API's
//! live-status first: the list moves while it is paged, and a channel skipped by the cursor must
//! not have its session closed.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use streamtide_core::{ChannelId, ChannelObservation, LiveState};

use super::open_api::{LiveWalk, OpenApi};
use super::open_parse::{OpenChannel, OPEN_CHANNELS_MAX_IDS};
use super::ChzzkAdapter;
use crate::{AdapterError, ChannelsOutcome};

/// How long one walk of the live list answers for: the calls of one channels round run
/// concurrently within seconds of each other and share it, while the next round walks anew.
/// Measured on the adapter's clock, so a round on a virtual clock shares its walk the same way.
const WALK_FRESH: chrono::Duration = chrono::Duration::seconds(30);

/// How old the live round's census (its list read to the end) may be for the channels round to
/// take it as its walk: the default live interval (2 minutes, ±10 %) and a round's own time. The
/// Open API gives no per-channel "live now" flag to check it against, so this stays tight; a
/// longer `live_interval` walks the list here instead.
const CENSUS_REUSE: chrono::Duration = chrono::Duration::minutes(3);

/// What the Open API side remembers between calls.
#[derive(Debug, Default)]
pub(super) struct OpenState {
    /// The last walk and when it finished; the async lock makes concurrent calls wait for one
    /// walk instead of each starting its own.
    walk: tokio::sync::Mutex<Option<(chrono::DateTime<chrono::Utc>, Arc<LiveWalk>)>>,
    /// Channels that were live in a walk, until a later call finds them offline.
    live: Mutex<HashSet<String>>,
}

impl ChzzkAdapter {
    /// The live list: the live round's census when it is at most [`CENSUS_REUSE`] old, else
    /// walked here, at most once per [`WALK_FRESH`].
    async fn live_walk(&self, open: &OpenApi) -> Result<Arc<LiveWalk>, AdapterError> {
        let mut memo = self.open_state.walk.lock().await;
        if let Some((at, walk)) = memo.as_ref() {
            let age = self.clock.now() - *at;
            if age >= chrono::Duration::zero() && age < WALK_FRESH {
                return Ok(Arc::clone(walk));
            }
        }
        if let Some(census) = self.census.fresh_within(self.clock.as_ref(), CENSUS_REUSE) {
            let walk = Arc::new(LiveWalk {
                by_channel: (*census).clone(),
                complete: true,
            });
            *memo = Some((self.clock.now(), Arc::clone(&walk)));
            return Ok(walk);
        }
        let walk = Arc::new(open.walk_lives(&self.client).await?);
        *memo = Some((self.clock.now(), Arc::clone(&walk)));
        Ok(walk)
    }

    fn remember_live(&self, id: &str, live: bool) -> bool {
        let mut set = self
            .open_state
            .live
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if live {
            !set.insert(id.to_string())
        } else {
            set.remove(id)
        }
    }

    /// One channel's live state from the walk (see the module header).
    async fn open_live_state(&self, walk: &LiveWalk, ch: &OpenChannel) -> LiveState {
        let id = ch.info.channel_id.as_str();
        if let Some(b) = walk.by_channel.get(id) {
            self.remember_live(id, true);
            let mut b = b.clone();
            b.channel_name = b.channel_name.or_else(|| Some(ch.info.name.clone()));
            b.channel_avatar_url = b.channel_avatar_url.or_else(|| ch.info.avatar_url.clone());
            return LiveState::Live(Box::new(b));
        }
        if !walk.complete {
            return LiveState::Unknown;
        }
        if !self.remember_live(id, false) {
            return LiveState::Offline;
        }
        match self.live_status(id).await {
            Ok(LiveState::Live(mut b)) => {
                self.remember_live(id, true);
                b.channel_name = b.channel_name.or_else(|| Some(ch.info.name.clone()));
                b.channel_avatar_url = b.channel_avatar_url.or_else(|| ch.info.avatar_url.clone());
                self.complete_from_detail(id, &mut b).await;
                LiveState::Live(b)
            }
            Ok(other) => other,
            Err(e) => {
                tracing::warn!(platform = "chzzk", channel_id = %id, error = %e, "Live status unavailable; the live state of a channel that left the Open API list is unknown this round.");
                // Ask again next round.
                self.remember_live(id, true);
                LiveState::Unknown
            }
        }
    }

    /// Figures of `ids` in ⌈len/20⌉ `/open/v1/channels` calls; live state from the shared walk.
    pub(super) async fn channels_open(
        &self,
        open: &OpenApi,
        ids: &[ChannelId],
    ) -> Result<ChannelsOutcome, AdapterError> {
        let mut outcome = ChannelsOutcome::default();
        let mut known = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(OPEN_CHANNELS_MAX_IDS) {
            let mut by_id: HashMap<String, OpenChannel> = open
                .channels(&self.client, chunk)
                .await?
                .into_iter()
                .map(|c| (c.info.channel_id.as_str().to_string(), c))
                .collect();
            for id in chunk {
                match by_id.remove(id.as_str()) {
                    Some(c) => known.push(c),
                    // The Open API leaves unknown ids out: deleted or never existed.
                    None => outcome.missing.push(id.clone()),
                }
            }
        }
        if known.is_empty() {
            return Ok(outcome);
        }
        let walk = self.live_walk(open).await?;
        for ch in known {
            let live = self.open_live_state(&walk, &ch).await;
            outcome.found.push(ChannelObservation {
                info: ch.info,
                stats: ch.stats,
                live,
            });
        }
        Ok(outcome)
    }
}
