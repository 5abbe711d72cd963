//! The roster: which channels are tracked (collected every channels round).

use crate::db;
use crate::db::sql;
use chrono::{DateTime, Utc};
use streamtide_core::{ChannelId, ChannelInfo, Platform};

use crate::sessions::{self, ChannelSighting};
use crate::time::truncate_to_second;
use crate::{Result, Store};

impl Store {
    /// Track a channel (creating it if new). Returns `true` if it was not tracked before.
    pub async fn track_channel(&self, info: &ChannelInfo, at: DateTime<Utc>) -> Result<bool> {
        let info = &streamtide_core::sanitize::channel_info(info, &mut 0);
        let mut tx = self.write_tx().await?;
        let before: Option<i64> = db::query_scalar(
            sql!("SELECT tracked FROM channels WHERE platform = " #1 " AND platform_id = " #2),
        )
        .bind(info.platform.as_str())
        .bind(info.channel_id.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        let id = sessions::upsert_channel(
            &mut tx,
            &ChannelSighting::from_info(info),
            truncate_to_second(at),
            true,
        )
        .await?;
        db::query(sql!("UPDATE channels SET tracked = 1 WHERE id = " #1))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(before != Some(1))
    }

    /// Stop tracking a channel; its history stays. Returns `false` if it was not tracked.
    pub async fn untrack_channel(&self, platform: Platform, id: &ChannelId) -> Result<bool> {
        Ok(db::query(sql!("UPDATE channels SET tracked = 0 WHERE platform = " #1 " AND platform_id = " #2 " AND tracked = 1"))
            .bind(platform.as_str())
            .bind(id.as_str())
            .execute(&self.pool)
            .await?
            .rows_affected()
            > 0)
    }

    /// Tracked channel ids of one platform, in a stable order.
    pub async fn tracked_ids(&self, platform: Platform) -> Result<Vec<ChannelId>> {
        let ids: Vec<String> = db::query_scalar(
            sql!("SELECT platform_id FROM channels WHERE platform = " #1 " AND tracked = 1 ORDER BY platform_id"),
        )
        .bind(platform.as_str())
        .fetch_all(&self.pool)
        .await?;
        Ok(ids.into_iter().map(ChannelId).collect())
    }
}
