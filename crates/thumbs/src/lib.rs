//! Our own copies of live thumbnails and channel avatars.
//!
//! Platform image URLs are slow, hot-linked from other people's CDNs, and some expire. The
//! collector hands every image URL it sees to a [`ThumbQueue`]; a background [`ThumbWorker`]
//! downloads the most-watched ones politely, re-encodes them small as WebP and puts them in an
//! object store under their content hash ([`ThumbStore`]: a local folder by default, S3 when
//! configured). The API then points at `/thumbs/{hash}.webp`; where no copy exists it keeps the
//! platform's URL, so a failed download or an unreachable store never blocks collection or
//! empties the live board. [`collect_garbage`] deletes copies nothing refers to any more.

mod config;
mod encode;
mod fetch;
mod gc;
mod guard;
mod metrics;
mod object;
mod worker;

pub use config::{S3Config, ThumbsConfig};
pub use encode::{reencode, reencode_within, Encoded, MAX_SOURCE_PIXELS};
pub use fetch::Fetcher;
pub use gc::{collect_garbage, GcStats};
pub use guard::{is_internal, Guard, ImageHosts};
pub use metrics::ThumbMetrics;
pub use object::{is_valid_hash, ThumbObject, ThumbStore};
pub use worker::{ImageKind, ThumbJob, ThumbQueue, ThumbWorker};

/// What can go wrong with one image or the object store.
#[derive(Debug, thiserror::Error)]
pub enum ThumbsError {
    #[error("invalid thumbnails configuration: {0}")]
    Config(String),
    #[error("download failed: {0}")]
    Download(String),
    /// The URL is not an image host of its platform, or names an internal address.
    #[error("refused: {0}")]
    Refused(String),
    #[error("not an image we can read: {0}")]
    Decode(String),
    #[error("object store: {0}")]
    Store(#[from] object_store::Error),
    #[error("index: {0}")]
    Index(#[from] streamtide_storage::StoreError),
}

pub type Result<T, E = ThumbsError> = std::result::Result<T, E>;
