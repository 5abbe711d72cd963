//! Writing collection results: rounds, atomic batches of observations, job health.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;
use streamtide_core::{ChannelObservation, LiveState, Platform, VideoObservation};

use crate::sessions::{self, ChannelSighting};
use crate::time::{to_db_time, truncate_to_second};
use crate::{Batch, Job, Result, Store, WriteStats};

impl Store {
    /// Register a round; batches written under it reference its id.
    pub async fn start_round(
        &self,
        platform: Platform,
        job: Job,
        at: DateTime<Utc>,
    ) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO collection_rounds (platform, job, started_at) VALUES (?1, ?2, ?3) RETURNING id",
        )
        .bind(platform.as_str())
        .bind(job.as_str())
        .bind(to_db_time(at))
        .fetch_one(&self.pool)
        .await?)
    }

    /// Commit one batch of observations made at `observed_at`, all or nothing.
    pub async fn write_batch(
        &self,
        round: i64,
        platform: Platform,
        observed_at: DateTime<Utc>,
        batch: &Batch,
    ) -> Result<WriteStats> {
        let at = truncate_to_second(observed_at);
        let mut tx = self.write_tx().await?;
        let mut stats = WriteStats::default();
        match batch {
            Batch::LiveList { items, close_after } => {
                for item in items.iter().filter(|i| i.platform == platform) {
                    let channel = sessions::upsert_channel(
                        &mut tx,
                        &ChannelSighting::from_live(item),
                        at,
                        false,
                    )
                    .await?;
                    sessions::observe_live(&mut tx, channel, item, at, &mut stats).await?;
                }
                sessions::close_stale(&mut tx, platform, at - *close_after, &mut stats).await?;
            }
            Batch::Channels { found, missing } => {
                for obs in found.iter().filter(|o| o.info.platform == platform) {
                    write_channel_observation(&mut tx, round, obs, at, &mut stats).await?;
                }
                for id in missing {
                    stats.channels_missing += sqlx::query(
                        "UPDATE channels SET missing_since = COALESCE(missing_since, ?3)
                         WHERE platform = ?1 AND platform_id = ?2",
                    )
                    .bind(platform.as_str())
                    .bind(id.as_str())
                    .bind(to_db_time(at))
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                }
            }
            Batch::Videos { videos } => {
                for v in videos.iter().filter(|v| v.platform == platform) {
                    write_video(&mut tx, v, at, &mut stats).await?;
                }
            }
        }
        sqlx::query("UPDATE collection_rounds SET written = written + ?2 WHERE id = ?1")
            .bind(round)
            .bind(stats.rows() as i64)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(stats)
    }

    /// Close a round and record the job's health (`error` = `None` means it succeeded).
    pub async fn finish_round(
        &self,
        round: i64,
        at: DateTime<Utc>,
        requests: u64,
        errors: u64,
        error: Option<&str>,
    ) -> Result<()> {
        let at = to_db_time(at);
        let mut tx = self.write_tx().await?;
        let (platform, job): (String, String) = sqlx::query_as(
            "UPDATE collection_rounds SET finished_at = ?2, requests = ?3, errors = ?4, last_error = ?5
             WHERE id = ?1 RETURNING platform, job",
        )
        .bind(round)
        .bind(&at)
        .bind(requests as i64)
        .bind(errors as i64)
        .bind(error)
        .fetch_one(&mut *tx)
        .await?;
        record_health(&mut tx, &platform, &job, &at, error).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Upsert the job's health row: success resets the failure count, failure increments it.
async fn record_health(
    conn: &mut SqliteConnection,
    platform: &str,
    job: &str,
    at: &str,
    error: Option<&str>,
) -> Result<()> {
    match error {
        None => sqlx::query(
            "INSERT INTO platform_status (platform, job, last_success_at, consecutive_failures) VALUES (?1, ?2, ?3, 0)
             ON CONFLICT (platform, job) DO UPDATE SET last_success_at = excluded.last_success_at, consecutive_failures = 0",
        )
        .bind(platform)
        .bind(job)
        .bind(at)
        .execute(&mut *conn)
        .await?,
        Some(err) => sqlx::query(
            "INSERT INTO platform_status (platform, job, last_error_at, last_error, consecutive_failures) VALUES (?1, ?2, ?3, ?4, 1)
             ON CONFLICT (platform, job) DO UPDATE SET last_error_at = excluded.last_error_at,
               last_error = excluded.last_error, consecutive_failures = platform_status.consecutive_failures + 1",
        )
        .bind(platform)
        .bind(job)
        .bind(at)
        .bind(err)
        .execute(&mut *conn)
        .await?,
    };
    Ok(())
}

async fn write_channel_observation(
    conn: &mut SqliteConnection,
    round: i64,
    obs: &ChannelObservation,
    at: DateTime<Utc>,
    stats: &mut WriteStats,
) -> Result<()> {
    let channel =
        sessions::upsert_channel(conn, &ChannelSighting::from_info(&obs.info), at, false).await?;
    let (live, viewers) = match &obs.live {
        LiveState::Live(b) => (Some(true), Some(b.viewers as i64)),
        LiveState::Offline => (Some(false), None),
        LiveState::Unknown => (None, None),
    };
    stats.channel_snapshots += sqlx::query(
        "INSERT INTO channel_snapshots (channel_id, observed_at, followers, total_views, video_count, live, viewers, round_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (channel_id, observed_at) DO NOTHING",
    )
    .bind(channel)
    .bind(to_db_time(at))
    .bind(obs.stats.followers.map(|v| v as i64))
    .bind(obs.stats.total_views.map(|v| v as i64))
    .bind(obs.stats.video_count.map(|v| v as i64))
    .bind(live)
    .bind(viewers)
    .bind(round)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    match &obs.live {
        LiveState::Live(b) => sessions::observe_live(conn, channel, b, at, stats).await?,
        LiveState::Offline => sessions::observe_offline(conn, channel, at, stats).await?,
        LiveState::Unknown => {}
    }
    Ok(())
}

async fn write_video(
    conn: &mut SqliteConnection,
    v: &VideoObservation,
    at: DateTime<Utc>,
    stats: &mut WriteStats,
) -> Result<()> {
    let at_s = to_db_time(at);
    let channel = sessions::upsert_channel(
        conn,
        &ChannelSighting {
            platform: v.platform,
            platform_id: v.channel_id.as_str(),
            name: None,
            handle: None,
            avatar_url: None,
            description: None,
        },
        at,
        false,
    )
    .await?;
    let video: i64 = sqlx::query_scalar(
        "INSERT INTO videos (channel_id, platform_video_id, title, kind, published_at, duration_secs, thumbnail_url,
            adult, category, first_seen_at, last_seen_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)
         ON CONFLICT (channel_id, platform_video_id) DO UPDATE SET
           title = CASE WHEN excluded.title <> '' THEN excluded.title ELSE videos.title END,
           duration_secs = COALESCE(excluded.duration_secs, videos.duration_secs),
           thumbnail_url = COALESCE(excluded.thumbnail_url, videos.thumbnail_url),
           adult = excluded.adult,
           category = COALESCE(excluded.category, videos.category),
           last_seen_at = MAX(videos.last_seen_at, excluded.last_seen_at)
         RETURNING id",
    )
    .bind(channel)
    .bind(v.video_id.as_str())
    .bind(v.title.as_str())
    .bind(v.kind.as_str())
    .bind(v.published_at.map(to_db_time))
    .bind(v.duration_secs.map(|d| d as i64))
    .bind(v.thumbnail_url.as_deref())
    .bind(v.adult)
    .bind(v.category_name.as_deref())
    .bind(&at_s)
    .fetch_one(&mut *conn)
    .await?;
    stats.video_snapshots += sqlx::query(
        "INSERT INTO video_snapshots (video_id, observed_at, views, likes, comments) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (video_id, observed_at) DO NOTHING",
    )
    .bind(video)
    .bind(&at_s)
    .bind(v.views.map(|x| x as i64))
    .bind(v.likes.map(|x| x as i64))
    .bind(v.comments.map(|x| x as i64))
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(())
}
