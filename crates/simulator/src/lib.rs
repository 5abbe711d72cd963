//! Local fake CHZZK, SOOP, Twitch and YouTube servers for tests and `streamtide demo`.
//!
//! [`Simulator::start`] binds four HTTP servers on `127.0.0.1` (one per platform) that speak the
//! exact wire formats of the platforms' APIs (the KR platforms' unofficial web APIs, Twitch Helix
//! with its OAuth token endpoint, YouTube Data API v3 and channel feeds), over a [`World`]: a
//! population of channels generated from a seed. Everything the servers report is a pure function of
//! `(seed, channel, time)`, so a test holding a `ManualClock` can jump days ahead and ask the
//! world for the very number the server will answer. [`Fault`]s make the servers misbehave the way
//! real ones do (429s, truncated bodies, renamed JSON keys...), either from Rust or over HTTP
//! through `/__sim/faults`.

mod config;
mod fault;
mod http;
mod kst;
mod simulator;
mod world;

pub use config::{ChannelChange, FeedOutage, SimConfig};
pub use fault::{Fault, FaultKind};
pub use http::youtube::{
    hides_subscribers, pacific_day_number, round_subscribers, video_id as youtube_video_id,
    YoutubeSpent,
};
pub use simulator::{SeenRequest, Simulator, SoopOldHosts};
pub use world::{
    FollowerArc, History, HistoryTick, SimCategory, SimChannel, SimCreator, SimLive, SimVideo,
    StartLiveError, World, HISTORY_LIVE_STEP, HISTORY_STATS_EVERY,
};
