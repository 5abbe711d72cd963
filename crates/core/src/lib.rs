//! Domain types shared by every streamtide crate.
//!
//! Nothing here does IO: the platform enum, the id newtypes, the normalised observations adapters
//! produce and the store keeps, and the injectable clock. Adapters, storage, collector and server all
//! speak these types, so a platform quirk never leaks past its adapter.

mod clock;
mod ids;
mod observation;
mod platform;
pub mod sanitize;

pub use clock::{Clock, ClockWait, ManualClock, SystemClock};
pub use ids::{ChannelId, ChannelRef, RefKind};
pub use observation::{
    ChannelInfo, ChannelObservation, ChannelStats, LiveBroadcast, LiveState, VideoKind,
    VideoObservation,
};
pub use platform::{
    CategoryRules, DefaultLimits, LanguageHints, Platform, PlatformFacts, UnknownPlatform,
};
