//! The server's admin operations, done with the platform adapters the binary owns.

use std::sync::Arc;

use streamtide_collector::import::import_roster_from;
use streamtide_core::{Platform, RefKind};
use streamtide_platforms::{AdapterError, PlatformAdapter};
use streamtide_server::{AddedChannel, AdminError, AdminOps};
use streamtide_storage::Store;

use super::recognise;

/// Adds channels and imports rosters for `POST /api/v1/channels` and `POST /api/v1/import`.
pub struct CliAdmin {
    pub store: Store,
    pub adapters: Vec<Arc<dyn PlatformAdapter>>,
    pub concurrency: usize,
    /// `[import]`: how large a roster may be.
    pub limits: streamtide_roster::ReadLimits,
}

fn upstream(e: AdapterError) -> AdminError {
    AdminError::Upstream(format!("lookup failed: {e}"))
}

#[async_trait::async_trait]
impl AdminOps for CliAdmin {
    async fn add_channel(
        &self,
        input: &str,
        platform: Option<Platform>,
    ) -> Result<AddedChannel, AdminError> {
        let reference =
            recognise(input, platform).map_err(|e| AdminError::BadRequest(format!("{e:#}")))?;
        let Some(adapter) = self
            .adapters
            .iter()
            .find(|a| a.platform() == reference.platform)
        else {
            return Err(AdminError::BadRequest(format!(
                "{} is not enabled (or has no credentials) on this server",
                reference.platform
            )));
        };
        let info = adapter
            .resolve(&reference)
            .await
            .map_err(upstream)?
            .ok_or_else(|| {
                let what = match &reference.kind {
                    RefKind::Id(id) => id.to_string(),
                    RefKind::Handle(h) => h.clone(),
                };
                AdminError::NotFound(format!("{} has no channel `{what}`", reference.platform))
            })?;
        let newly_tracked = self
            .store
            .track_channel(&info, chrono::Utc::now())
            .await
            .map_err(|e| AdminError::Upstream(format!("store: {e}")))?;
        Ok(AddedChannel {
            info,
            newly_tracked,
        })
    }

    async fn import_roster(
        &self,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Result<serde_json::Value, AdminError> {
        // Off the async workers: a spreadsheet is parsed on a blocking thread, within the limits
        // and time budget, so a hostile file can slow nothing else.
        let limits = self.limits.clone();
        let name = file_name.to_string();
        let roster = tokio::task::spawn_blocking(move || {
            streamtide_roster::read_bytes_limited(&name, &bytes, &limits)
        })
        .await
        .map_err(|e| AdminError::Upstream(format!("reading the file failed: {e}")))?
        .map_err(|e| match e {
            streamtide_roster::RosterError::TooLarge(_)
            | streamtide_roster::RosterError::TimeBudget(_) => AdminError::TooLarge(e.to_string()),
            other => AdminError::BadRequest(other.to_string()),
        })?;
        let report = import_roster_from(
            &roster,
            file_name,
            &self.adapters,
            &self.store,
            chrono::Utc::now(),
            self.concurrency,
            |_, _| {},
        )
        .await
        .map_err(|e| AdminError::Upstream(format!("store: {e}")))?;
        serde_json::to_value(&report).map_err(|e| AdminError::Upstream(e.to_string()))
    }
}
