//! Domain types shared by every streamtide crate.
//!
//! Nothing here does IO: the platform enum, the id newtypes, the normalised observations adapters
//! produce and the store keeps, the vocabulary of language detection (`language`), the injectable
//! clock, and the [`Secret`] every configuration with a credential uses (platforms, events,
//! thumbs). Adapters, storage, collector and server all
//! speak these types, so a platform quirk never leaks past its adapter.

mod clock;
mod ids;
pub mod language;
mod list_depth;
mod observation;
mod platform;
pub mod sanitize;
mod secret;

pub use clock::{Clock, ClockWait, ManualClock, SystemClock};
pub use ids::{ChannelId, ChannelRef, RefKind};
pub use list_depth::{BadListDepth, ListDepth};
pub use observation::{
    ChannelInfo, ChannelObservation, ChannelStats, LiveBroadcast, LiveState, VideoKind,
    VideoObservation,
};
pub use platform::{
    CategoryRules, DefaultLimits, LanguageHints, Platform, PlatformFacts, UnknownPlatform,
};
pub use secret::Secret;
