//! Reading observations for the API and the CLI: the live list, channels, sessions, history,
//! counts.

use crate::db::sql;
use crate::db::{self, Backend};
use crate::staging;
use chrono::{DateTime, Utc};
use streamtide_core::Platform;

use crate::{
    ChannelRow, LiveFilter, LiveItem, Metric, Point, Result, SessionRecord, Store, TableCounts,
};

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

pub(crate) fn time(row: &db::Row, col: &str) -> DateTime<Utc> {
    row.get(col)
}

pub(crate) fn opt_time(row: &db::Row, col: &str) -> Option<DateTime<Utc>> {
    row.get(col)
}

pub(crate) fn opt_u64(row: &db::Row, col: &str) -> Option<u64> {
    row.get::<Option<i64>, _>(col).map(|v| v.max(0) as u64)
}

pub(crate) fn platform(row: &db::Row, col: &str) -> Result<Platform> {
    // Rows are only ever written with `Platform::as_str`; a value that does not parse (a
    // hand-edited row, a newer build's platform) is an error, never another platform.
    crate::stored_platform(&row.get::<String, _>(col))
}

fn live_item(row: &db::Row) -> Result<LiveItem> {
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

    /// Row counts of the main tables.
    pub async fn counts(&self) -> Result<TableCounts> {
        let row = db::query(sql!(
            "SELECT (SELECT COUNT(*) FROM channels) AS channels,
                    (SELECT COUNT(*) FROM channels WHERE tracked = 1) AS tracked,
                    (SELECT COUNT(*) FROM channel_snapshots) AS snaps,
                    (SELECT COUNT(*) FROM live_sessions) AS sessions,
                    (SELECT COUNT(*) FROM live_sessions WHERE ended_at IS NULL) AS open,
                    (SELECT COUNT(*) FROM live_samples) AS samples,
                    (SELECT COUNT(*) FROM videos) AS videos,
                    (SELECT COUNT(*) FROM video_snapshots) AS vsnaps"
        ))
        .fetch_one(&self.pool)
        .await?;
        let n = |c: &str| opt_u64(&row, c).unwrap_or(0);
        Ok(TableCounts {
            channels: n("channels"),
            tracked_channels: n("tracked"),
            channel_snapshots: n("snaps"),
            live_sessions: n("sessions"),
            open_sessions: n("open"),
            live_samples: n("samples"),
            videos: n("videos"),
            video_snapshots: n("vsnaps"),
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

/// (session id, sample_count, samples, viewer_sum, Σ sample viewers, peak, max sample).
type SessionAudit = (i64, i64, i64, i64, i64, i64, Option<i64>);

impl Store {
    /// Invariants a torn write would break: every session's aggregates equal its samples. Returns
    /// one line per violation (empty when consistent).
    pub async fn consistency_violations(&self) -> Result<Vec<String>> {
        let rows: Vec<SessionAudit> = db::query_as(
            sql! {
                sqlite, postgres: ("SELECT s.id, s.sample_count, COALESCE(x.c, 0), s.viewer_sum, COALESCE(x.v, 0), s.peak_viewers, x.m
             FROM live_sessions s
             LEFT JOIN (SELECT session_id, COUNT(*) AS c, CAST(SUM(viewers) AS BIGINT) AS v, MAX(viewers) AS m
                        FROM live_samples GROUP BY session_id) x ON x.session_id = s.id
             WHERE s.sample_count <> COALESCE(x.c, 0) OR s.viewer_sum <> COALESCE(x.v, 0)
                OR (x.m IS NOT NULL AND s.peak_viewers < x.m)");
                mysql: ("SELECT s.id, s.sample_count, COALESCE(x.c, 0), s.viewer_sum, COALESCE(x.v, 0), s.peak_viewers, x.m
             FROM live_sessions s
             LEFT JOIN (SELECT session_id, COUNT(*) AS c, CAST(SUM(viewers) AS SIGNED) AS v, MAX(viewers) AS m
                        FROM live_samples GROUP BY session_id) x ON x.session_id = s.id
             WHERE s.sample_count <> COALESCE(x.c, 0) OR s.viewer_sum <> COALESCE(x.v, 0)
                OR (x.m IS NOT NULL AND s.peak_viewers < x.m)");
            },
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, count, samples, sum, sample_sum, peak, max)| {
                format!("session {id}: count {count} vs {samples} samples, sum {sum} vs {sample_sum}, peak {peak} vs max {max:?}")
            })
            .collect())
    }
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
