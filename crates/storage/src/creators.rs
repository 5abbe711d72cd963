//! Creators: the people behind channels, linking one person's channels across platforms.

use crate::db;
use crate::db::sql;
use chrono::{DateTime, Utc};
use serde::Serialize;
use streamtide_core::{ChannelId, Platform};

use crate::{ChannelRow, Result, Store, StoreError};

/// A creator with their channels and the totals across them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CreatorRow {
    pub id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub channels: Vec<ChannelRow>,
    /// Sum of the channels' latest follower counts; `None` if no channel has one.
    pub followers_total: Option<u64>,
}

impl Store {
    /// The creator called `name`, created if new. Returns `(id, created)`.
    pub async fn upsert_creator(&self, name: &str, at: DateTime<Utc>) -> Result<(i64, bool)> {
        let name = name.trim();
        if let Some(id) = db::query_scalar::<i64>(sql!("SELECT id FROM creators WHERE name = " #1))
            .bind(name)
            .fetch_optional(&self.pool)
            .await?
        {
            return Ok((id, false));
        }
        let id: i64 = db::query_scalar(sql! {
            sqlite, postgres: ("INSERT INTO creators (name, created_at) VALUES (" #1 ", " #2 ")
         ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id");
            mysql: ("INSERT INTO creators (name, created_at) VALUES (" #1 ", " #2 ")
         ON DUPLICATE KEY UPDATE name = VALUES(name) RETURNING id");
        })
        .bind(name)
        .bind(at)
        .fetch_one(&self.pool)
        .await?;
        Ok((id, true))
    }

    /// Link a channel to a creator. Returns `false` if it already was; `NotFound` if either is unknown.
    pub async fn link_channel(
        &self,
        platform: Platform,
        id: &ChannelId,
        creator: i64,
    ) -> Result<bool> {
        let exists: Option<i64> = db::query_scalar(sql!("SELECT id FROM creators WHERE id = " #1))
            .bind(creator)
            .fetch_optional(&self.pool)
            .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound);
        }
        let current: Option<Option<i64>> = db::query_scalar(
            sql!("SELECT creator_id FROM channels WHERE platform = " #1 " AND platform_id = " #2),
        )
        .bind(platform.as_str())
        .bind(id.as_str())
        .fetch_optional(&self.pool)
        .await?;
        match current {
            None => Err(StoreError::NotFound),
            Some(Some(c)) if c == creator => Ok(false),
            Some(_) => {
                db::query(
                    sql!("UPDATE channels SET creator_id = " #3 " WHERE platform = " #1 " AND platform_id = " #2),
                )
                .bind(platform.as_str())
                .bind(id.as_str())
                .bind(creator)
                .execute(&self.pool)
                .await?;
                Ok(true)
            }
        }
    }

    /// Detach a channel from its creator. Returns `false` if it had none.
    pub async fn unlink_channel(&self, platform: Platform, id: &ChannelId) -> Result<bool> {
        Ok(db::query(
            sql!("UPDATE channels SET creator_id = NULL WHERE platform = " #1 " AND platform_id = " #2 " AND creator_id IS NOT NULL"),
        )
        .bind(platform.as_str())
        .bind(id.as_str())
        .execute(&self.pool)
        .await?
        .rows_affected()
            > 0)
    }

    /// The creator a channel belongs to, if any.
    pub async fn channel_creator(&self, platform: Platform, id: &ChannelId) -> Result<Option<i64>> {
        Ok(db::query_scalar::<Option<i64>>(
            sql!("SELECT creator_id FROM channels WHERE platform = " #1 " AND platform_id = " #2),
        )
        .bind(platform.as_str())
        .bind(id.as_str())
        .fetch_optional(&self.pool)
        .await?
        .flatten())
    }

    /// Creators by name, with their channels.
    pub async fn creators(&self, limit: u32, offset: u32) -> Result<(Vec<CreatorRow>, u64)> {
        let ids: Vec<i64> = db::query_scalar(
            sql!("SELECT id FROM creators ORDER BY name, id LIMIT " #1 " OFFSET " #2),
        )
        .bind(limit as i64)
        .bind(offset as i64)
        .fetch_all(&self.pool)
        .await?;
        let total: i64 = db::query_scalar(sql!("SELECT COUNT(*) FROM creators"))
            .fetch_one(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(c) = self.creator(id).await? {
                out.push(c);
            }
        }
        Ok((out, total.max(0) as u64))
    }

    /// One creator with their channels and latest figures.
    pub async fn creator(&self, id: i64) -> Result<Option<CreatorRow>> {
        let Some(row) = db::query(sql!("SELECT id, name, created_at FROM creators WHERE id = " #1))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
        else {
            return Ok(None);
        };
        let members: Vec<(String, String)> = db::query_as(
            sql!("SELECT platform, platform_id FROM channels WHERE creator_id = " #1 " ORDER BY platform, platform_id"),
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let mut channels = Vec::with_capacity(members.len());
        for (platform, pid) in members {
            let p = crate::stored_platform(&platform)?;
            if let Some(ch) = self.channel(p, &pid).await? {
                channels.push(ch);
            }
        }
        let followers: Vec<u64> = channels.iter().filter_map(|c| c.followers).collect();
        Ok(Some(CreatorRow {
            id: row.get("id"),
            name: row.get("name"),
            created_at: row
                .get::<Option<DateTime<Utc>>, _>("created_at")
                .unwrap_or(DateTime::<Utc>::UNIX_EPOCH),
            followers_total: (!followers.is_empty()).then(|| followers.iter().sum()),
            channels,
        }))
    }
}
