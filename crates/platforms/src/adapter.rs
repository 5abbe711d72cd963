//! The contract every platform adapter fulfils.
//!
//! An adapter owns its endpoints, wire structs and parse functions; the collector owns scheduling,
//! storage and the clock. Adapters are held as `Arc<dyn PlatformAdapter>`, so the trait stays
//! object-safe (hence `async_trait`).

use std::sync::Arc;

use async_trait::async_trait;
use streamtide_core::{
    ChannelId, ChannelInfo, ChannelObservation, ChannelRef, LiveBroadcast, Platform,
    VideoObservation,
};

use crate::http::HttpStats;
use crate::AdapterError;

/// What one per-channel batch fetch found.
#[derive(Debug, Default)]
pub struct ChannelsOutcome {
    pub found: Vec<ChannelObservation>,
    /// Ids the platform does not know (deleted or never existed): data, not an error.
    pub missing: Vec<ChannelId>,
}

/// What a live round got from the platform.
///
/// A list that was not fetched is not an empty list: only a fetched one says that what is absent
/// from it is no longer live (and lets the collector close those sessions).
#[derive(Debug, Clone, PartialEq)]
pub enum LiveList {
    /// The platform's list as it is now.
    Fetched(Vec<LiveBroadcast>),
    /// The list as far as it was read before a page failed: what it holds is live, but nothing
    /// is known about the broadcasts on the pages not reached, so nothing may be closed because
    /// of them.
    Partial {
        items: Vec<LiveBroadcast>,
        error: String,
    },
    /// No new list this round (an allowance is spent or the pacing says wait): nothing is known
    /// about what is live, so nothing may be closed or dropped because of it.
    NotFetched { reason: String },
}

/// Where a paging adapter hands over each page of its live list the moment it is read, so the
/// collector stores it while the next page is fetched: a list of a hundred pages read at the
/// polite rate takes minutes, and a round stopped midway (shutdown, a deadline) keeps every page
/// it read. A sink nobody listens to, or [`PageSink::none`], drops the pages.
#[derive(Debug, Clone, Default)]
pub struct PageSink(Option<tokio::sync::mpsc::UnboundedSender<Vec<LiveBroadcast>>>);

impl PageSink {
    /// A sink that keeps nothing (a caller that wants the whole list at once).
    pub fn none() -> Self {
        PageSink(None)
    }

    /// A sink and the receiver its pages arrive on, in the order they were read. The receiver
    /// ends once every clone of the sink is dropped (the read is over).
    pub fn channel() -> (
        Self,
        tokio::sync::mpsc::UnboundedReceiver<Vec<LiveBroadcast>>,
    ) {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        (PageSink(Some(tx)), rx)
    }

    /// Hand over one page (what of it the list keeps: within the depth, first sightings only).
    pub fn send(&self, page: &[LiveBroadcast]) {
        if let (Some(tx), false) = (&self.0, page.is_empty()) {
            // A receiver gone means nobody stores pages any more; the read goes on regardless.
            let _ = tx.send(page.to_vec());
        }
    }
}

/// A paged live list as far as it was read: to its end or its depth, or up to a failing page.
#[derive(Debug)]
pub struct ListRead {
    pub items: Vec<LiveBroadcast>,
    /// The failure that ended the read before the end or the depth.
    pub cut_short: Option<AdapterError>,
}

impl ListRead {
    /// A read that ended where it should.
    pub fn whole(items: Vec<LiveBroadcast>) -> Self {
        ListRead {
            items,
            cut_short: None,
        }
    }

    /// A read that `error` ended after the pages holding `items`.
    pub fn cut_short(items: Vec<LiveBroadcast>, error: AdapterError) -> Self {
        ListRead {
            items,
            cut_short: Some(error),
        }
    }

    /// The whole list, or the failure (what `top_live` answers).
    pub fn into_result(self) -> Result<Vec<LiveBroadcast>, AdapterError> {
        match self.cut_short {
            None => Ok(self.items),
            Some(e) => Err(e),
        }
    }

    /// What the live round writes: the whole list; the pages read before a failure (kept, and
    /// closing nothing); or, when not even the first page came, the failure.
    pub fn into_live_list(self) -> Result<LiveList, AdapterError> {
        match self.cut_short {
            None => Ok(LiveList::Fetched(self.items)),
            Some(e) if self.items.is_empty() => Err(e),
            Some(e) => Ok(LiveList::Partial {
                items: self.items,
                error: e.to_string(),
            }),
        }
    }
}

/// One external platform.
#[async_trait]
pub trait PlatformAdapter: Send + Sync + 'static {
    fn platform(&self) -> Platform;

    /// Recognise a pasted URL, handle or id. Pure; `None` when it is not this platform's.
    fn parse_channel_ref(&self, input: &str) -> Option<ChannelRef>;

    /// Largest number of channels one `channels` call may carry.
    fn batch_size(&self) -> usize {
        1
    }

    /// Resolve a reference to the channel's stable id and description; `Ok(None)` = no such channel.
    async fn resolve(&self, channel: &ChannelRef) -> Result<Option<ChannelInfo>, AdapterError>;

    /// Resolve many references; one result per input, in order. The default asks one at a time;
    /// platforms whose API looks up many names in one call (Twitch: 100 logins) override it.
    async fn resolve_many(
        &self,
        channels: &[ChannelRef],
    ) -> Vec<Result<Option<ChannelInfo>, AdapterError>> {
        let mut out = Vec::with_capacity(channels.len());
        for c in channels {
            out.push(self.resolve(c).await);
        }
        out
    }

    /// The platform's most watched live broadcasts, sorted by viewers, up to its configured depth.
    async fn top_live(&self) -> Result<Vec<LiveBroadcast>, AdapterError>;

    /// The live list as far as it could be read: adapters that page a directory override this
    /// to keep the pages read before a failing one. The default is [`top_live`](Self::top_live)
    /// whole or not at all.
    async fn read_live_list(&self) -> ListRead {
        match self.top_live().await {
            Ok(items) => ListRead::whole(items),
            Err(e) => ListRead::cut_short(Vec::new(), e),
        }
    }

    /// The live round's list: [`read_live_list`](Self::read_live_list), unless the platform
    /// paces its list calls (YouTube) and may have no new list to give.
    async fn live_list(&self) -> Result<LiveList, AdapterError> {
        self.read_live_list().await.into_live_list()
    }

    /// [`live_list`](Self::live_list), handing each page to `pages` as it is read. Adapters that
    /// page a directory override it; the default hands over the list in one piece when it has
    /// one, so a caller may rely on `pages` carrying every item the answer holds.
    async fn live_list_paged(&self, pages: PageSink) -> Result<LiveList, AdapterError> {
        let list = self.live_list().await;
        if let Ok(LiveList::Fetched(items) | LiveList::Partial { items, .. }) = &list {
            pages.send(items);
        }
        list
    }

    /// Current figures and live state of up to `batch_size` channels.
    async fn channels(&self, ids: &[ChannelId]) -> Result<ChannelsOutcome, AdapterError>;

    /// Recent videos of one channel with their counters, newest first.
    async fn videos(&self, id: &ChannelId) -> Result<Vec<VideoObservation>, AdapterError>;

    /// The counters of this adapter's HTTP client.
    fn http_stats(&self) -> Arc<HttpStats>;

    /// Whether a whole live list is the platform's whole live directory (`live_list_depth =
    /// "all"` on a platform that lists every broadcast): only then is it the market, which the
    /// collector tallies per category. A list capped at a depth, or YouTube's most popular, is
    /// not.
    fn lists_every_live(&self) -> bool {
        false
    }
}
