//! Counting and checking the store: row counts of the main tables (`streamtide status`,
//! `/healthz`) and the invariants a consistent store keeps.

use crate::db;
use crate::db::sql;
use crate::rows::opt_u64;

use crate::{Result, Store, TableCounts};

impl Store {
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
