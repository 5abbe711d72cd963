//! The whole configuration tree and how it is loaded.
//!
//! Order (later wins): built-in defaults → TOML file (`--config`, `$STREAMTIDE_CONFIG`, or
//! `./streamtide.toml` if present) → environment `STREAMTIDE__SECTION__KEY`. Every section denies
//! unknown keys, so a typo fails at startup naming the key instead of being silently ignored.
//! Loading has no side effects.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};
use streamtide_collector::CollectorConfig;
use streamtide_platforms::{HttpConfig, PlatformsConfig};

/// The annotated default configuration, printed by `streamtide config default`.
pub const EXAMPLE_CONFIG: &str = include_str!("../config/example.toml");

/// `[storage]`
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct StorageConfig {
    /// Where data lives. `sqlite://PATH` (created if missing).
    pub url: String,
}

impl Default for StorageConfig {
    fn default() -> Self {
        StorageConfig {
            url: "sqlite://streamtide.db".into(),
        }
    }
}

/// `[server]`
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Address the API and web UI listen on.
    pub bind: String,
    /// Web origins (besides browser extensions) allowed to call the API from a browser (CORS),
    /// exactly as browsers send them, e.g. `https://dashboard.example`.
    pub cors_origins: Vec<String>,
    /// Image origins besides HTTPS hosts the web UI may show pictures from (its
    /// Content-Security-Policy `img-src`), each `http(s)://host[:port]`: e.g. a plain-HTTP
    /// image server on your network. The demo adds its simulator's.
    pub image_sources: Vec<String>,
    /// Bearer token of the admin endpoints (adding channels, imports, creator links). Empty turns
    /// those endpoints off. Prefer the environment: STREAMTIDE__SERVER__ADMIN_TOKEN.
    pub admin_token: streamtide_platforms::Secret,
    /// Reads of the public API (`GET /api/v1/...`) each client may make per second on average;
    /// more answer 429 with `Retry-After`. 0 turns the limit off.
    pub rate_limit_per_second: u32,
    /// Requests a client may make at once before the per-second rate applies.
    pub rate_limit_burst: u32,
    /// Reverse proxies (addresses or CIDR ranges) whose `X-Forwarded-For` names the client.
    /// Empty: the client is the TCP peer and the header is ignored.
    pub trusted_proxies: Vec<String>,
    /// Connections served at once; more wait in the kernel's accept queue. Keep it under the
    /// process's open-file limit (`LimitNOFILE` in deploy/).
    pub max_connections: usize,
    /// A connection that has not sent a whole request head within this long is closed.
    #[serde(with = "humantime_serde")]
    pub header_timeout: std::time::Duration,
    /// A connection idle this long between requests (or a request body this slow) is closed.
    #[serde(with = "humantime_serde")]
    pub idle_timeout: std::time::Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            bind: "127.0.0.1:8080".into(),
            cors_origins: Vec::new(),
            image_sources: Vec::new(),
            admin_token: streamtide_platforms::Secret::default(),
            rate_limit_per_second: 20,
            rate_limit_burst: 60,
            trusted_proxies: Vec::new(),
            max_connections: 512,
            header_timeout: std::time::Duration::from_secs(10),
            idle_timeout: std::time::Duration::from_secs(60),
        }
    }
}

/// `[analytics]`
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct AnalyticsConfig {
    /// IANA time zone of the daily rollups' day boundaries. Changing it rebuilds the rollups.
    pub timezone: String,
    /// Raw snapshots and live samples are kept in full for this many days, then thinned to
    /// hourly (0: never thin).
    pub keep_raw_days: u32,
    /// Beyond this many days, snapshots are thinned to daily (the closing values).
    pub keep_hourly_days: u32,
    /// The live market's per-round rows (`/api/v1/market?resolution=round`) are kept this many
    /// days; its hourly rows, which days and rankings are read from, for good (0: never thin).
    pub keep_market_round_days: u32,
}

impl Default for AnalyticsConfig {
    fn default() -> Self {
        AnalyticsConfig {
            timezone: streamtide_analytics::DEFAULT_TIMEZONE.into(),
            keep_raw_days: 90,
            keep_hourly_days: 400,
            keep_market_round_days: 7,
        }
    }
}

/// `[import]`: how large a roster file (CLI `import` and `POST /api/v1/import`) may be.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ImportConfig {
    /// Bytes of the file as uploaded or on disk (also the body limit of `POST /api/v1/import`).
    pub max_file_bytes: u64,
    /// Bytes a spreadsheet (a zip of XML) may inflate to, all entries together.
    pub max_uncompressed_bytes: u64,
    /// Inflated bytes per compressed byte of one zip entry (a zip bomb is ~1000:1).
    pub max_compression_ratio: u64,
    /// Rows of the first sheet (declared or seen) or of a CSV.
    pub max_rows: u64,
    /// Columns.
    pub max_columns: u64,
    /// Non-empty cells.
    pub max_cells: u64,
    /// Characters of one cell.
    pub max_cell_chars: usize,
    /// Wall time of reading the file (resolving its channels is not counted).
    #[serde(with = "humantime_serde")]
    pub time_budget: std::time::Duration,
}

impl Default for ImportConfig {
    fn default() -> Self {
        let l = streamtide_roster::ReadLimits::default();
        ImportConfig {
            max_file_bytes: l.max_file_bytes,
            max_uncompressed_bytes: l.max_uncompressed_bytes,
            max_compression_ratio: l.max_compression_ratio,
            max_rows: l.max_rows,
            max_columns: l.max_columns,
            max_cells: l.max_cells,
            max_cell_chars: l.max_cell_chars,
            time_budget: l.time_budget,
        }
    }
}

impl ImportConfig {
    pub fn limits(&self) -> streamtide_roster::ReadLimits {
        streamtide_roster::ReadLimits {
            max_file_bytes: self.max_file_bytes,
            max_uncompressed_bytes: self.max_uncompressed_bytes,
            max_compression_ratio: self.max_compression_ratio,
            max_rows: self.max_rows,
            max_columns: self.max_columns,
            max_cells: self.max_cells,
            max_cell_chars: self.max_cell_chars,
            time_budget: self.time_budget,
        }
    }
}

/// Everything, as one typed tree.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub storage: StorageConfig,
    pub server: ServerConfig,
    pub http: HttpConfig,
    pub collector: CollectorConfig,
    pub analytics: AnalyticsConfig,
    pub import: ImportConfig,
    pub platforms: PlatformsConfig,
    pub thumbnails: streamtide_thumbs::ThumbsConfig,
    pub events: streamtide_events::EventsConfig,
    pub cluster: streamtide_collector::ClusterConfig,
    pub alerts: streamtide_alerts::AlertsConfig,
}

/// The config file to read: the explicit one (which must exist), else `./streamtide.toml` if any.
fn config_path(explicit: Option<&Path>) -> anyhow::Result<Option<PathBuf>> {
    if let Some(p) = explicit {
        if !p.exists() {
            bail!("config file {} does not exist", p.display());
        }
        return Ok(Some(p.to_path_buf()));
    }
    let default = PathBuf::from("streamtide.toml");
    Ok(default.exists().then_some(default))
}

impl Settings {
    /// Load defaults, the file, then the environment.
    pub fn load(explicit: Option<&Path>) -> anyhow::Result<Settings> {
        Settings::load_from(explicit, Env::prefixed("STREAMTIDE__").split("__"))
    }

    fn load_from(explicit: Option<&Path>, env: Env) -> anyhow::Result<Settings> {
        let mut fig = Figment::from(Serialized::defaults(Settings::default()));
        let path = config_path(explicit)?;
        if let Some(path) = &path {
            fig = fig.merge(Toml::file_exact(path));
        }
        let settings = fig
            .merge(env)
            .extract::<Settings>()
            .map_err(|e| {
                // figment lists every error; each names its key path.
                let msgs: Vec<String> = e.into_iter().map(|e| e.to_string()).collect();
                anyhow::anyhow!("{}", msgs.join("; "))
            })
            .with_context(|| match &path {
                Some(p) => format!(
                    "invalid configuration (file {} and STREAMTIDE__* environment)",
                    p.display()
                ),
                None => "invalid configuration (STREAMTIDE__* environment)".to_string(),
            })?;
        crate::validate::validate(&settings).context("invalid configuration")?;
        Ok(settings)
    }
}

#[cfg(test)]
// figment's Jail closures return its (large) error type by design.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;
    use streamtide_core::Platform;

    #[test]
    fn example_config_is_exactly_the_defaults() {
        let parsed: Settings =
            toml::from_str(EXAMPLE_CONFIG).expect("example.toml parses with deny_unknown_fields");
        assert_eq!(parsed, Settings::default());
    }

    #[test]
    fn example_config_has_a_section_for_every_platform() {
        for p in Platform::ALL {
            assert!(
                EXAMPLE_CONFIG.contains(&format!("[platforms.{}]", p.as_str())),
                "{p}"
            );
        }
    }

    #[test]
    fn file_then_env_overlay_and_unknown_keys_fail() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "streamtide.toml",
                "[platforms.chzzk]\napi_base = \"http://file\"\n[collector]\nlive_interval = \"30s\"\n",
            )?;
            jail.set_env("STREAMTIDE__PLATFORMS__CHZZK__API_BASE", "http://env");
            jail.set_env("STREAMTIDE__PLATFORMS__SOOP__REQUESTS_PER_SECOND", "0.5");
            let s = Settings::load(None).map_err(|e| e.to_string())?;
            assert_eq!(s.platforms.chzzk.api_base, "http://env");
            assert_eq!(s.platforms.soop.requests_per_second, 0.5);
            assert_eq!(
                s.collector.live_interval,
                std::time::Duration::from_secs(30)
            );

            jail.set_env("STREAMTIDE__PLATFORMS__CHZZK__API_BASSE", "typo");
            let err = Settings::load(None).unwrap_err();
            let msg = format!("{err:#}");
            assert!(msg.contains("api_basse"), "{msg}");
            Ok(())
        });
    }

    #[test]
    fn unknown_file_key_names_the_key() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("my.toml", "[server]\nbindd = \"x\"\n")?;
            let err = Settings::load(Some(Path::new("my.toml"))).unwrap_err();
            assert!(format!("{err:#}").contains("bindd"), "{err:#}");
            assert!(Settings::load(Some(Path::new("absent.toml"))).is_err());
            Ok(())
        });
    }
}
