//! `[thumbnails]`: where copies go, how big they are, how often they are refreshed and kept.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use streamtide_core::Secret;

/// The thumbnail copier's settings.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ThumbsConfig {
    /// Copy thumbnails and avatars at all. Off: the API serves the platforms' URLs.
    pub enabled: bool,
    /// Where copies go: a folder path (relative to the working directory), `file:///abs/path`,
    /// `s3://bucket/prefix` (see `[thumbnails.s3]`), or `memory://` (lost on exit; for tests).
    pub url: String,
    /// If the bucket is public (or behind a CDN), its base URL: `/thumbs/…` then redirects there.
    /// Empty: this server serves the objects itself.
    pub public_base_url: String,
    /// Width of the copies in pixels (height keeps the aspect ratio).
    pub width: u32,
    /// WebP quality, 0–100.
    pub quality: f32,
    /// A live thumbnail is fetched again after this long (the picture changes during a broadcast).
    #[serde(with = "humantime_serde")]
    pub live_refresh: Duration,
    /// An avatar is fetched again after this long.
    #[serde(with = "humantime_serde")]
    pub avatar_refresh: Duration,
    /// Copies no round has referred to for this long are deleted.
    #[serde(with = "humantime_serde")]
    pub keep: Duration,
    /// At most this many images per round (the most-watched first).
    pub max_per_round: usize,
    /// Downloads at once.
    pub concurrency: usize,
    /// Per download.
    #[serde(with = "humantime_serde")]
    pub timeout: Duration,
    /// Larger downloads are refused.
    pub max_download_bytes: u64,
    /// Pictures claiming more pixels than this are refused before decoding.
    pub max_source_pixels: u64,
    /// One picture's decode and re-encode; beyond it the image is given up.
    #[serde(with = "humantime_serde")]
    pub decode_timeout: Duration,
    /// Pictures decoded at once (a bounded share of the blocking threads).
    pub decode_threads: usize,
    /// Per platform, the host patterns images may come from (`guard`).
    pub image_hosts: crate::ImageHosts,
    /// Origins (`http://127.0.0.1:8181`) fetched even though they are loopback or private: the
    /// simulator in the demo and in tests. Empty by default; never a real installation's.
    pub trusted_origins: Vec<String>,
    pub s3: S3Config,
}

impl Default for ThumbsConfig {
    fn default() -> Self {
        ThumbsConfig {
            enabled: true,
            url: "thumbs".into(),
            public_base_url: String::new(),
            width: 320,
            quality: 70.0,
            live_refresh: Duration::from_secs(10 * 60),
            avatar_refresh: Duration::from_secs(24 * 3600),
            keep: Duration::from_secs(2 * 24 * 3600),
            max_per_round: 200,
            concurrency: 4,
            timeout: Duration::from_secs(10),
            max_download_bytes: 4 * 1024 * 1024,
            max_source_pixels: 16_000_000,
            decode_timeout: Duration::from_secs(5),
            decode_threads: 2,
            image_hosts: crate::ImageHosts::default(),
            trusted_origins: Vec::new(),
            s3: S3Config::default(),
        }
    }
}

/// `[thumbnails.s3]`: an S3-compatible store (AWS, MinIO, Ceph, R2, …).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct S3Config {
    /// Empty for AWS; e.g. `http://127.0.0.1:9000` for a local server (path-style addressing).
    pub endpoint: String,
    pub region: String,
    /// Empty: taken from the usual AWS environment variables.
    pub access_key_id: String,
    /// Prefer the environment: STREAMTIDE__THUMBNAILS__S3__SECRET_ACCESS_KEY.
    pub secret_access_key: Secret,
    /// Allow a plain-HTTP endpoint (local servers only).
    pub allow_http: bool,
}

impl Default for S3Config {
    fn default() -> Self {
        S3Config {
            endpoint: String::new(),
            region: "us-east-1".into(),
            access_key_id: String::new(),
            secret_access_key: Secret::default(),
            allow_http: false,
        }
    }
}
