//! The object store holding the copies, named `{prefix}/{hash[0..2]}/{hash}.webp`.
//!
//! Built on the `object_store` crate, so a local folder, S3 (and anything S3-compatible) and an
//! in-memory store behave the same to the rest of the program.

use std::sync::Arc;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::{ClientOptions, ObjectStore, ObjectStoreExt, PutPayload, RetryConfig};

use crate::{Result, ThumbsConfig, ThumbsError};

/// One stored copy, as read back.
#[derive(Debug, Clone)]
pub struct ThumbObject {
    pub bytes: Bytes,
    pub last_modified: DateTime<Utc>,
}

/// Where copies are kept.
#[derive(Clone)]
pub struct ThumbStore {
    inner: Arc<dyn ObjectStore>,
    prefix: Path,
    /// What the store is, for logs (never credentials).
    describe: String,
    public_base_url: Option<String>,
}

impl std::fmt::Debug for ThumbStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe)
    }
}

/// Object names are lowercase hex SHA-256; anything else is not ours (and never reaches the
/// store, so a request cannot walk the bucket).
pub fn is_valid_hash(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl ThumbStore {
    /// Open the store `cfg.url` names. A local folder is created if missing.
    pub fn open(cfg: &ThumbsConfig) -> Result<ThumbStore> {
        let url = cfg.url.trim();
        let public = Some(cfg.public_base_url.trim().trim_end_matches('/').to_string())
            .filter(|s| !s.is_empty());
        if url == "memory://" {
            return Ok(ThumbStore::from_parts(
                Arc::new(InMemory::new()),
                "",
                "memory://".into(),
                public,
            ));
        }
        if let Some(rest) = url.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(ThumbsError::Config(format!("no bucket in `{url}`")));
            }
            let s3 = &cfg.s3;
            // Few, quick retries: a copy that cannot be stored is simply not used (the platform's
            // URL stays), and a store that is down must not hold the copier for minutes.
            let retry = RetryConfig {
                max_retries: 2,
                retry_timeout: cfg.timeout.saturating_mul(3),
                ..RetryConfig::default()
            };
            let client = ClientOptions::new()
                .with_timeout(cfg.timeout)
                .with_connect_timeout(cfg.timeout.min(std::time::Duration::from_secs(5)))
                .with_allow_http(s3.allow_http);
            let mut b = AmazonS3Builder::from_env()
                .with_bucket_name(bucket)
                .with_region(&s3.region)
                .with_allow_http(s3.allow_http)
                .with_retry(retry)
                .with_client_options(client);
            if !s3.endpoint.trim().is_empty() {
                // Local and self-hosted servers speak path-style (`endpoint/bucket/key`).
                b = b
                    .with_endpoint(s3.endpoint.trim())
                    .with_virtual_hosted_style_request(false);
            }
            if !s3.access_key_id.trim().is_empty() {
                b = b.with_access_key_id(s3.access_key_id.trim());
            }
            if s3.secret_access_key.is_set() {
                b = b.with_secret_access_key(s3.secret_access_key.expose());
            }
            let store = b
                .build()
                .map_err(|e| ThumbsError::Config(format!("s3 store: {e}")))?;
            let endpoint = if s3.endpoint.trim().is_empty() {
                "aws".to_string()
            } else {
                s3.endpoint.trim().to_string()
            };
            return Ok(ThumbStore::from_parts(
                Arc::new(store),
                prefix,
                format!("s3://{bucket}/{prefix} at {endpoint}"),
                public,
            ));
        }
        let dir = url.strip_prefix("file://").unwrap_or(url);
        if dir.is_empty() || url.contains("://") && !url.starts_with("file://") {
            return Err(ThumbsError::Config(format!(
                "unsupported thumbnails url `{url}`: expected a folder, file://PATH, s3://BUCKET/PREFIX or memory://"
            )));
        }
        std::fs::create_dir_all(dir)
            .map_err(|e| ThumbsError::Config(format!("cannot create folder `{dir}`: {e}")))?;
        let store = LocalFileSystem::new_with_prefix(dir)
            .map_err(|e| ThumbsError::Config(format!("folder `{dir}`: {e}")))?;
        Ok(ThumbStore::from_parts(
            Arc::new(store),
            "",
            format!("folder {dir}"),
            public,
        ))
    }

    fn from_parts(
        inner: Arc<dyn ObjectStore>,
        prefix: &str,
        describe: String,
        public_base_url: Option<String>,
    ) -> ThumbStore {
        ThumbStore {
            inner,
            prefix: Path::from(prefix.trim_matches('/')),
            describe,
            public_base_url,
        }
    }

    fn key_path(&self, hash: &str) -> Path {
        let name = format!("{}/{hash}.webp", &hash[..2]);
        if self.prefix.as_ref().is_empty() {
            Path::from(name)
        } else {
            Path::from(format!("{}/{name}", self.prefix))
        }
    }

    /// The public URL of a copy when the bucket is served directly (`public_base_url`).
    pub fn public_url(&self, hash: &str) -> Option<String> {
        let base = self.public_base_url.as_deref()?;
        is_valid_hash(hash).then(|| format!("{base}/{}/{hash}.webp", &hash[..2]))
    }

    /// Store a copy. Idempotent: the name is the content's hash.
    pub async fn put(&self, hash: &str, webp: Vec<u8>) -> Result<()> {
        if !is_valid_hash(hash) {
            return Err(ThumbsError::Config(format!("not an object name: {hash}")));
        }
        self.inner
            .put(&self.key_path(hash), PutPayload::from(webp))
            .await?;
        Ok(())
    }

    /// A copy, or `None` if there is none under that name.
    pub async fn get(&self, hash: &str) -> Result<Option<ThumbObject>> {
        if !is_valid_hash(hash) {
            return Ok(None);
        }
        match self.inner.get(&self.key_path(hash)).await {
            Ok(r) => {
                let last_modified = r.meta.last_modified;
                Ok(Some(ThumbObject {
                    bytes: r.bytes().await?,
                    last_modified,
                }))
            }
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Delete a copy; deleting a missing one is not an error.
    pub async fn delete(&self, hash: &str) -> Result<()> {
        if !is_valid_hash(hash) {
            return Ok(());
        }
        match self.inner.delete(&self.key_path(hash)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Every copy in the store with when it was written (for the orphan sweep).
    pub async fn list(&self) -> Result<Vec<(String, DateTime<Utc>)>> {
        let prefix = (!self.prefix.as_ref().is_empty()).then_some(&self.prefix);
        let mut stream = self.inner.list(prefix);
        let mut out = Vec::new();
        while let Some(meta) = stream.next().await {
            let meta = meta?;
            let name = meta.location.filename().unwrap_or_default();
            if let Some(hash) = name.strip_suffix(".webp").filter(|h| is_valid_hash(h)) {
                out.push((hash.to_string(), meta.last_modified));
            }
        }
        Ok(out)
    }
}

impl std::fmt::Display for ThumbStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn hashes_are_checked() {
        assert!(is_valid_hash(H));
        assert!(!is_valid_hash(&H.to_uppercase()));
        assert!(!is_valid_hash("../../etc/passwd"));
        assert!(!is_valid_hash(&H[..63]));
    }

    #[tokio::test]
    async fn local_folder_round_trip_and_listing() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = ThumbsConfig {
            url: dir.path().join("t").display().to_string(),
            ..ThumbsConfig::default()
        };
        let store = ThumbStore::open(&cfg).unwrap();
        assert!(store.get(H).await.unwrap().is_none());
        store.put(H, b"RIFF....WEBP".to_vec()).await.unwrap();
        let got = store.get(H).await.unwrap().unwrap();
        assert_eq!(&got.bytes[..], b"RIFF....WEBP");
        assert!(dir.path().join("t/01").join(format!("{H}.webp")).exists());
        assert_eq!(store.list().await.unwrap().len(), 1);
        store.delete(H).await.unwrap();
        store.delete(H).await.unwrap();
        assert!(store.get(H).await.unwrap().is_none());
        assert!(store.get("not-a-hash").await.unwrap().is_none());
    }

    #[test]
    fn bad_urls_are_reported_and_public_urls_built() {
        let bad = ThumbsConfig {
            url: "ftp://x/y".into(),
            ..ThumbsConfig::default()
        };
        assert!(matches!(
            ThumbStore::open(&bad),
            Err(ThumbsError::Config(_))
        ));
        let mem = ThumbsConfig {
            url: "memory://".into(),
            public_base_url: "https://cdn.example/t/".into(),
            ..ThumbsConfig::default()
        };
        let s = ThumbStore::open(&mem).unwrap();
        assert_eq!(
            s.public_url(H).as_deref(),
            Some(format!("https://cdn.example/t/01/{H}.webp").as_str())
        );
        assert_eq!(s.public_url("nope"), None);
    }
}
