//! Reading channels: the channel list and one channel with its latest figures, a metric's
//! history, and the names and handles a channel has been known by.

use crate::db::sql;
use crate::db::{self, Backend};
use crate::live_reads::{live_item, select_live_item};
use crate::rows::{opt_time, opt_u64, platform, time};
use crate::staging;
use chrono::{DateTime, Utc};
use streamtide_core::Platform;

use crate::{ChannelRow, Metric, Point, Result, Store};

impl Store {
    /// Channels with their latest figures. `tracked_only` limits to the roster.
    pub async fn channels(
        &self,
        platform: Option<Platform>,
        tracked_only: bool,
        limit: u32,
        offset: u32,
    ) -> Result<(Vec<ChannelRow>, u64)> {
        let mut list = channel_select(self.backend());
        db::built_push!(list;
            " WHERE (" #1 " IS NULL OR c.platform = " #1 ") AND (" #2 " = 0 OR c.tracked = 1)
             ORDER BY c.tracked DESC, COALESCE(snap.followers, -1) DESC, c.platform, c.platform_id LIMIT " #3 " OFFSET " #4);
        let rows = db::query(list)
            .bind(platform.map(|p| p.as_str()))
            .bind(i64::from(tracked_only))
            .bind(limit as i64)
            .bind(offset as i64)
            .fetch_all(&self.pool)
            .await?;
        let total: i64 = db::query_scalar(sql!(
            "SELECT COUNT(*) FROM channels c
             WHERE (" #1 " IS NULL OR c.platform = " #1 ") AND (" #2 " = 0 OR c.tracked = 1)
               AND " #3 " IS NOT NULL AND " #4 " IS NOT NULL"
        ))
        .bind(platform.map(|p| p.as_str()))
        .bind(i64::from(tracked_only))
        .bind(limit as i64)
        .bind(offset as i64)
        .fetch_one(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            out.push(self.channel_row(row).await?);
        }
        Ok((out, total.max(0) as u64))
    }

    /// One channel with its latest figures; `None` if unknown.
    pub async fn channel(&self, platform: Platform, id: &str) -> Result<Option<ChannelRow>> {
        let mut sql = channel_select(self.backend());
        db::built_push!(sql; " WHERE c.platform = " #1 " AND c.platform_id = " #2);
        let row = db::query(sql)
            .bind(platform.as_str())
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(row) => Ok(Some(self.channel_row(&row).await?)),
            None => Ok(None),
        }
    }

    /// A channel's time series of `metric` in `[from, to]`, oldest first.
    pub async fn history(
        &self,
        platform: Platform,
        id: &str,
        metric: Metric,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Point>> {
        let sql = match metric {
            Metric::Followers => sql!(
                "SELECT p.observed_at AS at, p.followers AS value FROM channel_snapshots p
                 JOIN channels c ON c.id = p.channel_id
                 WHERE c.platform = " #1 " AND c.platform_id = " #2 " AND p.observed_at >= " #3 " AND p.observed_at <= " #4 "
                   AND p.followers IS NOT NULL
                 ORDER BY p.observed_at LIMIT " #5
            ),
            Metric::Views => sql!(
                "SELECT p.observed_at AS at, p.total_views AS value FROM channel_snapshots p
                 JOIN channels c ON c.id = p.channel_id
                 WHERE c.platform = " #1 " AND c.platform_id = " #2 " AND p.observed_at >= " #3 " AND p.observed_at <= " #4 "
                   AND p.total_views IS NOT NULL
                 ORDER BY p.observed_at LIMIT " #5
            ),
            Metric::Viewers => sql!(
                "SELECT l.observed_at AS at, l.viewers AS value FROM live_samples l
                 JOIN live_sessions s ON s.id = l.session_id JOIN channels c ON c.id = s.channel_id
                 WHERE c.platform = " #1 " AND c.platform_id = " #2 " AND l.observed_at >= " #3 " AND l.observed_at <= " #4 "
                 ORDER BY l.observed_at LIMIT " #5
            ),
        };
        let rows = db::query(sql)
            .bind(platform.as_str())
            .bind(id)
            .bind(from)
            .bind(to)
            .bind(limit as i64)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(|r| Point {
                at: time(r, "at"),
                value: opt_u64(r, "value").unwrap_or(0),
            })
            .collect())
    }

    async fn channel_row(&self, row: &db::Row) -> Result<ChannelRow> {
        let pk: i64 = row.get("id");
        let live = db::query(select_live_item!(
            "FROM live_sessions s JOIN channels c ON c.id = s.channel_id
             WHERE s.channel_id = " #1 " AND s.ended_at IS NULL"
        ))
        .bind(pk)
        .fetch_optional(&self.pool)
        .await?
        .as_ref()
        .map(live_item)
        .transpose()?;
        Ok(ChannelRow {
            platform: platform(row, "platform")?,
            channel_id: row.get("platform_id"),
            name: row.get("name"),
            handle: row.get("handle"),
            avatar_url: row.get("avatar_url"),
            avatar_hash: row.get("avatar_hash"),
            description: row.get("description"),
            tracked: db::flag(row, "tracked"),
            creator_id: row.get("creator_id"),
            first_seen_at: time(row, "first_seen_at"),
            last_seen_at: time(row, "last_seen_at"),
            missing_since: opt_time(row, "missing_since"),
            followers: opt_u64(row, "followers"),
            total_views: opt_u64(row, "total_views"),
            video_count: opt_u64(row, "video_count"),
            stats_observed_at: opt_time(row, "observed_at"),
            live_known: live.is_some() || db::flag(row, "live_known"),
            live,
        })
    }
}

/// A channel joined with its latest snapshot. Its last sighting is the later of the row's
/// `last_seen_at`, which a sighting that changes nothing leaves up to an hour behind
/// (`sightings`), and the latest snapshot's time.
/// The latest snapshot comes from the table that holds every channel's latest (`staging`): on
/// SQLite, joining the two-table view would materialise all of it.
fn channel_select(backend: Backend) -> db::Built {
    let latest = staging::latest_snapshots_table(backend);
    // The later of the row's and the snapshot's time: SQLite's scalar MAX is GREATEST elsewhere.
    let last_seen = match backend {
        Backend::Sqlite => "MAX(c.last_seen_at, COALESCE(snap.observed_at, c.last_seen_at))",
        Backend::Postgres | Backend::MySql => {
            "GREATEST(c.last_seen_at, COALESCE(snap.observed_at, c.last_seen_at))"
        }
    };
    let mut sql = db::built!(backend;
        "SELECT c.id, c.platform, c.platform_id, c.name, c.handle, c.avatar_url, c.description, c.tracked, c.creator_id,
                (SELECT t.hash FROM thumb_sources t WHERE t.source_url = c.avatar_url) AS avatar_hash,
                c.first_seen_at, " {last_seen} " AS last_seen_at,
                c.missing_since,
                snap.followers, snap.total_views, snap.video_count, snap.observed_at,
                CASE WHEN "
    );
    // Whether any observation ever said live or offline: a snapshot with a live flag, or a
    // session. Without one the channel's live state is unknown, not "offline".
    staging::push_latest_snapshot_value(&mut sql, "live", |b| {
        b.push("channel_id = c.id");
    });
    db::built_push!(sql;
        " IS NOT NULL
                       OR EXISTS (SELECT 1 FROM live_sessions ls WHERE ls.channel_id = c.id)
                     THEN 1 ELSE 0 END AS live_known
         FROM channels c
         LEFT JOIN " {latest} " snap ON snap.channel_id = c.id
           AND snap.observed_at = (SELECT MAX(observed_at) FROM " {latest} " WHERE channel_id = c.id)"
    );
    sql
}

/// A name or handle a channel has been known by.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Alias {
    /// `name` (display name) or `handle` (login, @handle).
    pub kind: &'static str,
    pub value: String,
    pub first_seen_at: DateTime<Utc>,
    /// Kept to within about an hour: a sighting that changes nothing about the channel does not
    /// rewrite it (`sightings`).
    pub last_seen_at: DateTime<Utc>,
}

impl Store {
    /// Every display name and handle of a channel, oldest first.
    pub async fn channel_aliases(&self, platform: Platform, id: &str) -> Result<Vec<Alias>> {
        let rows: Vec<(String, String, DateTime<Utc>, DateTime<Utc>)> = db::query_as(
            sql!("SELECT 'name', n.name, n.first_seen_at, n.last_seen_at FROM channel_names n
               JOIN channels c ON c.id = n.channel_id WHERE c.platform = " #1 " AND c.platform_id = " #2 "
             UNION ALL
             SELECT 'handle', h.handle, h.first_seen_at, h.last_seen_at FROM channel_handles h
               JOIN channels c ON c.id = h.channel_id WHERE c.platform = " #1 " AND c.platform_id = " #2 "
             ORDER BY 3, 1, 2"),
        )
        .bind(platform.as_str())
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(kind, value, first, last)| Alias {
                kind: if kind == "handle" { "handle" } else { "name" },
                value,
                first_seen_at: first,
                last_seen_at: last,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use streamtide_core::{ChannelId, ChannelInfo};

    /// A row naming a platform this build does not know (a hand-edited row, a newer build's
    /// data) is an error, not silently read as CHZZK.
    #[tokio::test]
    async fn an_unknown_platform_in_a_row_is_an_error_not_chzzk() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("p.db").display());
        let store = Store::open(&url).await.unwrap();
        let info = ChannelInfo {
            platform: Platform::Soop,
            channel_id: ChannelId::new("somebj"),
            name: "some bj".into(),
            handle: None,
            avatar_url: None,
            description: None,
        };
        store.track_channel(&info, Utc::now()).await.unwrap();
        let (rows, _) = store.channels(None, false, 10, 0).await.unwrap();
        assert_eq!(rows[0].platform, Platform::Soop);

        db::query(sql!("UPDATE channels SET platform = 'kick'"))
            .execute(&store.pool)
            .await
            .unwrap();
        match store.channels(None, false, 10, 0).await {
            Err(crate::StoreError::UnknownPlatform(v)) => assert_eq!(v, "kick"),
            other => panic!("expected UnknownPlatform, got {:?}", other.map(|(r, _)| r)),
        }
    }
}
