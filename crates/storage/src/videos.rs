//! A channel's recent videos with their latest counters, for the channel page.

use crate::db;
use crate::db::sql;
use chrono::{DateTime, Utc};
use streamtide_core::{Platform, VideoKind};

use crate::{Result, Store};

/// A video and its latest figures. Counters the platform does not give are `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VideoRow {
    pub video_id: String,
    pub title: String,
    pub kind: VideoKind,
    pub published_at: Option<DateTime<Utc>>,
    pub duration_secs: Option<u64>,
    pub thumbnail_url: Option<String>,
    pub adult: bool,
    pub views: Option<u64>,
    pub likes: Option<u64>,
    pub comments: Option<u64>,
    /// When the counters were read.
    pub observed_at: Option<DateTime<Utc>>,
}

fn opt_u64(row: &db::Row, col: &str) -> Option<u64> {
    row.get::<Option<i64>, _>(col).map(|v| v.max(0) as u64)
}

impl Store {
    /// The newest `limit` videos of a channel (by publication, then first sighting), or `None`
    /// when the channel is unknown.
    pub async fn recent_videos(
        &self,
        platform: Platform,
        channel_id: &str,
        limit: u32,
    ) -> Result<Option<Vec<VideoRow>>> {
        let pk: Option<i64> = db::query_scalar(
            sql!("SELECT id FROM channels WHERE platform = " #1 " AND platform_id = " #2),
        )
        .bind(platform.as_str())
        .bind(channel_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(pk) = pk else { return Ok(None) };
        let rows = db::query(
            sql!("SELECT v.platform_video_id, v.title, v.kind, v.published_at, v.duration_secs,
                    v.thumbnail_url, v.adult, s.views, s.likes, s.comments, s.observed_at
             FROM videos v
             LEFT JOIN video_snapshots s ON s.video_id = v.id
               AND s.observed_at = (SELECT MAX(observed_at) FROM video_snapshots WHERE video_id = v.id)
             WHERE v.channel_id = " #1 "
             ORDER BY v.published_at IS NULL, v.published_at DESC, v.first_seen_at DESC, v.id DESC
             LIMIT " #2),
        )
        .bind(pk)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        Ok(Some(
            rows.iter()
                .map(|r| VideoRow {
                    video_id: r.get("platform_video_id"),
                    title: r.get("title"),
                    kind: VideoKind::parse(&r.get::<String, _>("kind")),
                    published_at: r.get::<Option<DateTime<Utc>>, _>("published_at"),
                    duration_secs: opt_u64(r, "duration_secs"),
                    thumbnail_url: r.get("thumbnail_url"),
                    adult: db::flag(r, "adult"),
                    views: opt_u64(r, "views"),
                    likes: opt_u64(r, "likes"),
                    comments: opt_u64(r, "comments"),
                    observed_at: r.get::<Option<DateTime<Utc>>, _>("observed_at"),
                })
                .collect(),
        ))
    }
}
