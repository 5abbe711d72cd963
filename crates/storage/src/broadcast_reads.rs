//! Reading broadcasts (live sessions) one by one: a broadcast with its viewer curve and its
//! title and category over time (the broadcast page), and a channel's past broadcasts.
//!
//! A broadcast is named by the platform's own id for it (CHZZK `liveId`, SOOP `broad_no`, a
//! Twitch stream id, a YouTube video id) or, for a session whose sightings never carried one,
//! by `s` and the session's number.

use chrono::{DateTime, Utc};
use streamtide_core::Platform;

use crate::db::{self, sql};
use crate::rows::{opt_time, platform as row_platform, time, u64_of};
use crate::{Result, Store};

/// One broadcast as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct BroadcastRecord {
    pub session_id: i64,
    pub platform: Platform,
    pub channel_id: String,
    pub channel_name: String,
    pub channel_avatar_url: Option<String>,
    pub broadcast_id: Option<String>,
    pub title: String,
    pub category_id: Option<String>,
    pub category_name: Option<String>,
    pub thumbnail_url: Option<String>,
    pub url: String,
    pub started_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// None while it is live.
    pub ended_at: Option<DateTime<Utc>>,
    pub peak_viewers: u64,
    /// Over the samples taken; None without any.
    pub avg_viewers: Option<f64>,
    pub samples: u64,
}

impl BroadcastRecord {
    /// How the API names it: the platform's id, or `s` and the session's number.
    pub fn key(&self) -> String {
        match &self.broadcast_id {
            Some(id) => id.clone(),
            None => format!("s{}", self.session_id),
        }
    }
}

/// The title and category a broadcast had from `at` on.
#[derive(Debug, Clone, PartialEq)]
pub struct BroadcastCourse {
    pub at: DateTime<Utc>,
    pub title: String,
    pub category_id: Option<String>,
    pub category_name: Option<String>,
}

fn record(r: &db::Row) -> Result<BroadcastRecord> {
    let samples = u64_of(r, "sample_count");
    let sum = u64_of(r, "viewer_sum") as f64;
    Ok(BroadcastRecord {
        session_id: r.get("id"),
        platform: row_platform(r, "platform")?,
        channel_id: r.get("platform_id"),
        channel_name: r.get("name"),
        channel_avatar_url: r.get("avatar_url"),
        broadcast_id: r.get("broadcast_id"),
        title: r.get("title"),
        category_id: r.get("category_id"),
        category_name: r.get("category_name"),
        thumbnail_url: r.get("thumbnail_url"),
        url: r.get("url"),
        started_at: time(r, "started_at"),
        last_seen_at: time(r, "last_seen_at"),
        ended_at: opt_time(r, "ended_at"),
        peak_viewers: u64_of(r, "peak_viewers"),
        avg_viewers: (samples > 0).then(|| sum / samples as f64),
        samples,
    })
}

impl Store {
    /// The broadcast `key` names on `platform` (see the module's header), if stored.
    pub async fn broadcast(
        &self,
        platform: Platform,
        key: &str,
    ) -> Result<Option<BroadcastRecord>> {
        let by_id = db::query(sql!(
            "SELECT s.id, c.platform, c.platform_id, c.name, c.avatar_url, s.broadcast_id, s.title,
                    s.category_id, s.category_name, s.thumbnail_url, s.url, s.started_at, s.last_seen_at,
                    s.ended_at, s.peak_viewers, s.viewer_sum, s.sample_count
             FROM live_sessions s JOIN channels c ON c.id = s.channel_id
             WHERE c.platform = " #1 " AND s.broadcast_id = " #2 "
             ORDER BY s.id DESC LIMIT 1"
        ))
        .bind(platform.as_str())
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        if let Some(r) = by_id {
            return record(&r).map(Some);
        }
        let Some(session) = key.strip_prefix('s').and_then(|n| n.parse::<i64>().ok()) else {
            return Ok(None);
        };
        let row = db::query(sql!(
            "SELECT s.id, c.platform, c.platform_id, c.name, c.avatar_url, s.broadcast_id, s.title,
                    s.category_id, s.category_name, s.thumbnail_url, s.url, s.started_at, s.last_seen_at,
                    s.ended_at, s.peak_viewers, s.viewer_sum, s.sample_count
             FROM live_sessions s JOIN channels c ON c.id = s.channel_id
             WHERE c.platform = " #1 " AND s.id = " #2 " AND s.broadcast_id IS NULL"
        ))
        .bind(platform.as_str())
        .bind(session)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(record).transpose()
    }

    /// A broadcast's viewer samples, oldest first (thinned to the peak and last of each hour
    /// once older than `analytics.keep_raw_days`).
    pub async fn broadcast_curve(&self, session_id: i64) -> Result<Vec<(DateTime<Utc>, u64)>> {
        let rows = db::query(sql!(
            "SELECT observed_at, viewers FROM live_samples WHERE session_id = " #1 "
             ORDER BY observed_at"
        ))
        .bind(session_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| (time(r, "observed_at"), u64_of(r, "viewers")))
            .collect())
    }

    /// A broadcast's title and category from its start, with each change, oldest first.
    pub async fn broadcast_course(&self, session_id: i64) -> Result<Vec<BroadcastCourse>> {
        let rows = db::query(sql!(
            "SELECT observed_at, title, category_id, category_name FROM live_session_changes
             WHERE session_id = " #1 " ORDER BY observed_at"
        ))
        .bind(session_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| BroadcastCourse {
                at: time(r, "observed_at"),
                title: r.get("title"),
                category_id: r.get("category_id"),
                category_name: r.get("category_name"),
            })
            .collect())
    }

    /// A channel's broadcasts, newest first, at most `limit` from `offset`, and how many it has.
    pub async fn channel_broadcasts(
        &self,
        platform: Platform,
        channel_id: &str,
        limit: u32,
        offset: u32,
    ) -> Result<(Vec<BroadcastRecord>, u64)> {
        let rows = db::query(sql!(
            "SELECT s.id, c.platform, c.platform_id, c.name, c.avatar_url, s.broadcast_id, s.title,
                    s.category_id, s.category_name, s.thumbnail_url, s.url, s.started_at, s.last_seen_at,
                    s.ended_at, s.peak_viewers, s.viewer_sum, s.sample_count
             FROM live_sessions s JOIN channels c ON c.id = s.channel_id
             WHERE c.platform = " #1 " AND c.platform_id = " #2 "
             ORDER BY s.started_at DESC, s.id DESC LIMIT " #3 " OFFSET " #4
        ))
        .bind(platform.as_str())
        .bind(channel_id)
        .bind(i64::from(limit))
        .bind(i64::from(offset))
        .fetch_all(&self.pool)
        .await?;
        let total: i64 = db::query_scalar(sql!(
            "SELECT COUNT(*) FROM live_sessions s JOIN channels c ON c.id = s.channel_id
             WHERE c.platform = " #1 " AND c.platform_id = " #2
        ))
        .bind(platform.as_str())
        .bind(channel_id)
        .fetch_one(&self.pool)
        .await?;
        let list = rows.iter().map(record).collect::<Result<Vec<_>>>()?;
        Ok((list, total.max(0) as u64))
    }
}
