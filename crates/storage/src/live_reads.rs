//! Reading live broadcasts: the live list (`/api/v1/live`, the board and the extension) and
//! every session of a platform.

use crate::db;
use crate::db::sql;
use crate::rows::{opt_time, opt_u64, platform, time};
use streamtide_core::Platform;

use crate::{LiveFilter, LiveItem, Result, SessionRecord, Store};

/// [`sql!`] for a statement that selects a live item's columns (joined from sessions and
/// channels, as `live_item` reads them), then `rest`, in `sql!`'s notation.
macro_rules! select_live_item {
    ($($rest:tt)+) => {
        sql!("SELECT c.platform, c.platform_id, c.name, c.avatar_url, s.broadcast_id, s.title, s.last_viewers,
    s.peak_viewers, s.category_id, s.category_name, s.tags, s.thumbnail_url, s.started_at, s.last_seen_at, s.url,
    s.adult, s.language, c.creator_id, s.detected_language, s.language_confidence,
    (SELECT t.hash FROM thumb_sources t WHERE t.source_url = s.thumbnail_url) AS thumbnail_hash,
    (SELECT t.hash FROM thumb_sources t WHERE t.source_url = c.avatar_url) AS avatar_hash
    " $($rest)+)
    };
}
pub(crate) use select_live_item;

pub(crate) fn live_item(row: &db::Row) -> Result<LiveItem> {
    Ok(LiveItem {
        platform: platform(row, "platform")?,
        channel_id: row.get("platform_id"),
        channel_name: row.get("name"),
        channel_avatar_url: row.get("avatar_url"),
        broadcast_id: row.get("broadcast_id"),
        title: row.get("title"),
        viewers: opt_u64(row, "last_viewers").unwrap_or(0),
        peak_viewers: opt_u64(row, "peak_viewers").unwrap_or(0),
        category_id: row.get("category_id"),
        category_name: row.get("category_name"),
        tags: serde_json::from_str(&row.get::<String, _>("tags")).unwrap_or_default(),
        thumbnail_url: row.get("thumbnail_url"),
        started_at: time(row, "started_at"),
        last_seen_at: time(row, "last_seen_at"),
        url: row.get("url"),
        adult: db::flag(row, "adult"),
        language: row.get("language"),
        creator_id: row.get("creator_id"),
        detected_language: row.get("detected_language"),
        language_confidence: row
            .get::<Option<f64>, _>("language_confidence")
            .map(|c| c as f32),
        thumbnail_hash: row.get("thumbnail_hash"),
        avatar_hash: row.get("avatar_hash"),
    })
}

impl Store {
    /// Broadcasts live now across platforms, most viewers first, and how many match in total.
    pub async fn live_now(&self, f: &LiveFilter) -> Result<(Vec<LiveItem>, u64)> {
        // Every filter is always in the SQL (a NULL parameter disables it), so both statements
        // take the same parameters whatever the filter.
        let list = select_live_item!("FROM live_sessions s JOIN channels c ON c.id = s.channel_id
             WHERE s.ended_at IS NULL
               AND (" #1 " IS NULL OR c.platform = " #1 ")
               AND (" #2 " IS NULL OR LOWER(s.category_id) = LOWER(" #2 ") OR LOWER(s.category_name) = LOWER(" #2 "))
               AND (" #3 " IS NULL OR s.adult = " #3 ")
               AND (" #4 " IS NULL OR s.last_seen_at >= " #4 ")
             ORDER BY s.last_viewers DESC, c.platform, c.platform_id LIMIT " #5 " OFFSET " #6);
        // The list's filters, and its limit and offset bound too.
        let count = sql!("SELECT COUNT(*) FROM live_sessions s JOIN channels c ON c.id = s.channel_id
             WHERE s.ended_at IS NULL
               AND (" #1 " IS NULL OR c.platform = " #1 ")
               AND (" #2 " IS NULL OR LOWER(s.category_id) = LOWER(" #2 ") OR LOWER(s.category_name) = LOWER(" #2 "))
               AND (" #3 " IS NULL OR s.adult = " #3 ")
               AND (" #4 " IS NULL OR s.last_seen_at >= " #4 ")
               AND " #5 " IS NOT NULL AND " #6 " IS NOT NULL");
        let platform = f.platform.map(|p| p.as_str());
        let seen_after = f.seen_after;
        let rows = db::query(list)
            .bind(platform)
            .bind(f.category.as_deref())
            .bind(f.adult.map(i64::from))
            .bind(seen_after)
            .bind(f.limit as i64)
            .bind(f.offset as i64)
            .fetch_all(&self.pool)
            .await?;
        let total: i64 = db::query_scalar(count)
            .bind(platform)
            .bind(f.category.as_deref())
            .bind(f.adult.map(i64::from))
            .bind(seen_after)
            .bind(f.limit as i64)
            .bind(f.offset as i64)
            .fetch_one(&self.pool)
            .await?;
        Ok((
            rows.iter().map(live_item).collect::<Result<_>>()?,
            total.max(0) as u64,
        ))
    }

    /// Every live session of `platform`, open or closed, by channel and start: what a check of
    /// the sessions against a known truth (a simulated world, an audit) reads.
    pub async fn sessions(&self, platform: Platform) -> Result<Vec<SessionRecord>> {
        let rows = db::query(
            sql!("SELECT c.platform_id, s.broadcast_id, s.started_at, s.ended_at, s.last_seen_at
             FROM live_sessions s JOIN channels c ON c.id = s.channel_id
             WHERE c.platform = " #1 " ORDER BY c.platform_id, s.started_at"),
        )
        .bind(platform.as_str())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| SessionRecord {
                channel_id: r.get("platform_id"),
                broadcast_id: r.get("broadcast_id"),
                started_at: time(r, "started_at"),
                ended_at: opt_time(r, "ended_at"),
                last_seen_at: time(r, "last_seen_at"),
            })
            .collect())
    }
}
