//! Platform adapters and the shared polite HTTP client.
//!
//! One module per platform (`chzzk`, `soop`), each with its endpoints, private wire structs, pure
//! parse functions tested on real captures, and an adapter implementing [`PlatformAdapter`].
//! [`build_adapters`] lists the enabled adapters by hand: the set of platforms is closed and small.

mod adapter;
pub mod chzzk;
pub mod config;
mod error;
pub mod http;
pub mod lenient;
mod secret;
pub mod soop;

use std::sync::Arc;

pub use adapter::{ChannelsOutcome, PlatformAdapter};
pub use config::{ChzzkConfig, HttpConfig, PlatformsConfig, SoopConfig};
pub use error::{AdapterError, ParseFailure};
pub use secret::Secret;
use streamtide_core::{ChannelRef, Platform};

/// Build the adapters of every enabled platform.
pub fn build_adapters(
    platforms: &PlatformsConfig,
    http: &HttpConfig,
) -> Result<Vec<Arc<dyn PlatformAdapter>>, reqwest::Error> {
    let mut adapters: Vec<Arc<dyn PlatformAdapter>> = Vec::new();
    if platforms.chzzk.enabled {
        adapters.push(Arc::new(chzzk::ChzzkAdapter::new(&platforms.chzzk, http)?));
    }
    if platforms.soop.enabled {
        adapters.push(Arc::new(soop::SoopAdapter::new(&platforms.soop, http)?));
    }
    Ok(adapters)
}

/// Recognise any platform's URL or id. Tries every platform's pure recogniser, so it works without
/// building adapters (e.g. `channels add` with a platform disabled).
pub fn parse_any_channel_ref(input: &str) -> Option<ChannelRef> {
    chzzk::parse_channel_ref(input).or_else(|| soop::parse_channel_ref(input))
}

/// The platforms this build has adapters for.
pub const SUPPORTED: [Platform; 2] = [Platform::Chzzk, Platform::Soop];
