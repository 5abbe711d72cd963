//! Writing observations: atomic batches of a round (`rounds` registers and closes the round).

use crate::db;
use crate::db::sql;
use chrono::{DateTime, Utc};
use streamtide_core::language::DetectLanguage;
use streamtide_core::{ChannelObservation, LiveBroadcast, LiveState, Platform, VideoObservation};

use crate::sessions::{self, ChannelSighting};
use crate::sightings;
use crate::staging;
use crate::time::truncate_to_second;
use crate::{retry_conflicts, Backend, Batch, Result, Store, WriteStats};
use std::collections::HashMap;

impl Store {
    /// Commit one batch of observations made at `observed_at`, all or nothing.
    ///
    /// On PostgreSQL and MySQL two writers (a live list and a channels batch, two collectors, two
    /// ingest workers) can deadlock on the same channel rows; the database aborts one, and the
    /// whole transaction is retried (`retry_conflicts`). Rows are written in channel-id order to
    /// make that rare.
    pub async fn write_batch(
        &self,
        round: i64,
        platform: Platform,
        observed_at: DateTime<Utc>,
        batch: &Batch,
    ) -> Result<WriteStats> {
        let mut rejected = 0;
        let clean = sanitized(batch, &mut rejected);
        let mut stats =
            retry_conflicts(|| self.write_batch_once(round, platform, observed_at, &clean)).await?;
        stats.values_rejected = rejected;
        if rejected > 0 {
            tracing::warn!(
                platform = platform.as_str(),
                rejected,
                "absurd or unsafe figures/URLs in a batch were stored as unknown"
            );
        }
        self.fold_snapshots_if_due(observed_at).await;
        Ok(stats)
    }

    /// Commit many batches in one transaction, all or nothing: each written exactly as
    /// [`Store::write_batch`] writes it, in order. For a backfill (a demo's past, an import of
    /// history), where a transaction per batch would be the bottleneck on SQLite.
    pub async fn write_batches(
        &self,
        batches: &[(i64, Platform, DateTime<Utc>, &Batch)],
    ) -> Result<WriteStats> {
        let Some(last) = batches.iter().map(|b| b.2).max() else {
            return Ok(WriteStats::default());
        };
        // The same store boundary as `write_batch`: every batch cleaned before it is written.
        let mut rejected = 0;
        let clean: Vec<Clean> = batches
            .iter()
            .map(|(_, _, _, batch)| sanitized(batch, &mut rejected))
            .collect();
        let mut stats = retry_conflicts(|| async {
            let mut tx = self.write_tx().await?;
            let mut stats = WriteStats::default();
            for ((round, platform, observed_at, _), batch) in batches.iter().zip(&clean) {
                stats.add(
                    &write_in(&mut tx, *round, *platform, *observed_at, batch, self.detect).await?,
                );
            }
            tx.commit().await?;
            Ok(stats)
        })
        .await?;
        stats.values_rejected = rejected;
        self.fold_snapshots_if_due(last).await;
        Ok(stats)
    }

    async fn write_batch_once(
        &self,
        round: i64,
        platform: Platform,
        observed_at: DateTime<Utc>,
        batch: &Clean,
    ) -> Result<WriteStats> {
        let mut tx = self.write_tx().await?;
        let stats = write_in(&mut tx, round, platform, observed_at, batch, self.detect).await?;
        tx.commit().await?;
        Ok(stats)
    }
}

/// One batch of [`Store::write_batch`], inside the caller's transaction.
async fn write_in(
    tx: &mut db::Conn,
    round: i64,
    platform: Platform,
    observed_at: DateTime<Utc>,
    batch: &Clean,
    detect: Option<DetectLanguage>,
) -> Result<WriteStats> {
    let at = truncate_to_second(observed_at);
    let mut stats = WriteStats::default();
    match batch {
        Clean::LiveList { items, close_after } => {
            let mut items: Vec<&(LiveBroadcast, bool)> = items
                .iter()
                .filter(|(i, _)| i.platform == platform)
                .collect();
            items.sort_by(|(a, _), (b, _)| a.channel_id.as_str().cmp(b.channel_id.as_str()));
            for (item, viewers_known) in items {
                let channel =
                    sessions::upsert_channel(tx, &ChannelSighting::from_live(item), at, false)
                        .await?;
                // An absurd viewer count is unknown: the channel was seen, but no sample
                // (and no session aggregate) is made from it.
                if *viewers_known {
                    sessions::observe_live(tx, channel, item, at, detect, &mut stats).await?;
                }
            }
            sessions::close_stale(tx, platform, at - *close_after, &mut stats).await?;
        }
        Clean::LiveListEnd { close_after } => {
            sessions::close_stale(tx, platform, at - *close_after, &mut stats).await?;
        }
        Clean::Channels { found, missing } => {
            let mut found: Vec<&ChannelObservation> = found
                .iter()
                .filter(|o| o.info.platform == platform)
                .collect();
            if has_repeats(&found) {
                // A channel twice in one batch: its observations must apply in order, which
                // only the one-at-a-time path keeps.
                for obs in found {
                    write_channel_observation(tx, round, obs, at, detect, &mut stats).await?;
                }
            } else {
                found.sort_by(|a, b| a.info.channel_id.as_str().cmp(b.info.channel_id.as_str()));
                for chunk in found.chunks(ROWS_PER_STATEMENT) {
                    write_channel_observations(tx, round, platform, chunk, at, detect, &mut stats)
                        .await?;
                }
            }
            for id in missing {
                stats.channels_missing += db::query(
                    sql!("UPDATE channels SET missing_since = COALESCE(missing_since, " #3 ")
                     WHERE platform = " #1 " AND platform_id = " #2),
                )
                .bind(platform.as_str())
                .bind(id.as_str())
                .bind(at)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            }
        }
        Clean::Videos { videos } => {
            for v in videos.iter().filter(|v| v.platform == platform) {
                write_video(tx, v, at, &mut stats).await?;
            }
        }
    }
    db::query(sql!("UPDATE collection_rounds SET written = written + " #2 " WHERE id = " #1))
        .bind(round)
        .bind(stats.rows() as i64)
        .execute(&mut *tx)
        .await?;
    Ok(stats)
}

/// A batch after the store boundary's rules (`streamtide_core::sanitize`): every figure within
/// its ceiling or unknown, text clean, URLs safe. A live item carries whether its viewer count
/// was kept.
pub(crate) enum Clean {
    LiveList {
        items: Vec<(LiveBroadcast, bool)>,
        close_after: chrono::Duration,
    },
    LiveListEnd {
        close_after: chrono::Duration,
    },
    Channels {
        found: Vec<ChannelObservation>,
        missing: Vec<streamtide_core::ChannelId>,
    },
    Videos {
        videos: Vec<VideoObservation>,
    },
}

/// `batch` as the store keeps it; `rejected` counts the figures and URLs refused.
pub(crate) fn sanitized(batch: &Batch, rejected: &mut u64) -> Clean {
    use streamtide_core::sanitize;
    match batch {
        Batch::LiveList { items, close_after } => Clean::LiveList {
            items: items
                .iter()
                .map(|b| sanitize::live_broadcast(b, rejected))
                .collect(),
            close_after: *close_after,
        },
        Batch::LiveListEnd { close_after, .. } => Clean::LiveListEnd {
            close_after: *close_after,
        },
        Batch::Channels { found, missing } => Clean::Channels {
            found: found
                .iter()
                .map(|o| sanitize::channel_observation(o, rejected))
                .collect(),
            missing: missing
                .iter()
                .map(|id| streamtide_core::ChannelId::new(sanitize::name(id.as_str())))
                .collect(),
        },
        Batch::Videos { videos } => Clean::Videos {
            videos: videos
                .iter()
                .map(|v| sanitize::video(v, rejected))
                .collect(),
        },
    }
}

/// Rows per multi-row statement: at most 12 parameters a row (the live-session update) stays far
/// below SQLite's 32,766.
const ROWS_PER_STATEMENT: usize = 500;

/// Whether a channel occurs more than once.
fn has_repeats(found: &[&ChannelObservation]) -> bool {
    let mut seen = std::collections::HashSet::with_capacity(found.len());
    !found
        .iter()
        .all(|o| seen.insert(o.info.channel_id.as_str()))
}

/// [`write_channel_observation`] for many distinct channels at once, with the same effect: a
/// handful of multi-row statements instead of five or so per channel. Each statement is a round
/// trip to SQLite's worker thread, which is what bounds the one-at-a-time path; different
/// channels touch different rows, so doing each step for all of them before the next is
/// equivalent. Live channels go through `sessions::observe_live_many`, multi-row as well.
async fn write_channel_observations(
    conn: &mut db::Conn,
    round: i64,
    platform: Platform,
    found: &[&ChannelObservation],
    at: DateTime<Utc>,
    detect: Option<DetectLanguage>,
    stats: &mut WriteStats,
) -> Result<()> {
    if found.is_empty() {
        return Ok(());
    }
    let at_s = at;
    let sightings: Vec<ChannelSighting<'_>> = found
        .iter()
        .map(|o| ChannelSighting::from_info(&o.info))
        .collect();
    // Channels that a sighting leaves as they are need no write, only their id (`sightings`).
    let platform_ids: Vec<&str> = sightings.iter().map(|s| s.platform_id).collect();
    let fresh = sightings::fresh_channels(conn, platform, &platform_ids, at).await?;
    let mut ids: Vec<Option<i64>> = vec![None; found.len()];
    let mut changed: Vec<(&ChannelObservation, &ChannelSighting<'_>)> = Vec::new();
    for ((o, s), id) in found.iter().zip(&sightings).zip(ids.iter_mut()) {
        match fresh.get(s.platform_id) {
            Some(known) if known.unchanged_by(s) => *id = Some(known.id),
            _ => changed.push((*o, s)),
        }
    }
    if !changed.is_empty() {
        let written = write_channel_rows(conn, platform, &changed, at_s).await?;
        for (o, id) in found.iter().zip(ids.iter_mut()) {
            if id.is_none() {
                *id = written.get(o.info.channel_id.as_str()).copied();
            }
        }
    }
    let mut rows: Vec<(i64, &ChannelObservation)> = Vec::with_capacity(found.len());
    for (o, id) in found.iter().zip(ids) {
        let id = id.ok_or_else(|| {
            crate::StoreError::Database(sqlx::Error::Protocol(
                "the channel upsert returned no id for a channel".into(),
            ))
        })?;
        rows.push((id, *o));
    }

    // The snapshots.
    let sql = staging::insert_snapshots_sql(conn.backend(), rows.len());
    let mut q = db::query(sql);
    for (id, o) in &rows {
        q = staging::bind_snapshot(q, *id, at_s, o, round);
    }
    stats.channel_snapshots += q.execute(&mut *conn).await?.rows_affected();

    // Offline channels close their open session (as `sessions::observe_offline`), all at once.
    let offline: Vec<i64> = rows
        .iter()
        .filter(|(_, o)| matches!(o.live, LiveState::Offline))
        .map(|(id, _)| *id)
        .collect();
    if !offline.is_empty() {
        let mut sql = db::built!(conn.backend();
            "UPDATE live_sessions SET ended_at = last_seen_at WHERE channel_id IN ("
        );
        sql.params(1, offline.len())
            .push(") AND ended_at IS NULL AND last_seen_at <= ")
            .param(offline.len() + 1);
        let mut q = db::query(sql);
        for id in &offline {
            q = q.bind(*id);
        }
        stats.sessions_closed += q.bind(at_s).execute(&mut *conn).await?.rows_affected();
    }
    let live: Vec<(i64, &LiveBroadcast)> = rows
        .iter()
        .filter_map(|(id, o)| match &o.live {
            LiveState::Live(b) => Some((*id, &**b)),
            _ => None,
        })
        .collect();
    sessions::observe_live_many(conn, &live, at, detect, stats).await?;
    Ok(())
}

/// Upsert the channel rows of `changed` sightings, as `sessions::upsert_channel` does, with
/// their name and handle history; returns their ids by platform id.
async fn write_channel_rows(
    conn: &mut db::Conn,
    platform: Platform,
    changed: &[(&ChannelObservation, &ChannelSighting<'_>)],
    at_s: DateTime<Utc>,
) -> Result<HashMap<String, i64>> {
    let backend = conn.backend();
    let mut sql = db::built!(backend;
        "INSERT INTO channels (platform, platform_id, name, handle, avatar_url, description, tracked, first_seen_at, last_seen_at)
         VALUES "
    );
    for row in 0..changed.len() {
        let p = row * 8;
        db::built_push!(sql;
            {if row == 0 { "" } else { ", " }}
            "(" #(p + 1) ", " #(p + 2) ", COALESCE(" #(p + 3) ", ''), " #(p + 4) ", " #(p + 5) ", "
            #(p + 6) ", 0, " #(p + 7) ", " #(p + 8) ")"
        );
    }
    sql.push(" ")
        .push(sessions::channel_upsert(backend))
        .push(" RETURNING platform_id, id");
    let mut q = db::query_as::<(String, i64)>(sql);
    for (_, s) in changed {
        q = q
            .bind(platform.as_str())
            .bind(s.platform_id)
            .bind(s.written_name())
            .bind(s.handle)
            .bind(s.written_avatar_url())
            .bind(s.written_description())
            .bind(at_s)
            .bind(at_s);
    }
    let ids: HashMap<String, i64> = q.fetch_all(&mut *conn).await?.into_iter().collect();

    // Handle and name history.
    for (table, column, pick) in [
        (
            "channel_handles",
            "handle",
            (|o: &ChannelObservation| o.info.handle.as_deref())
                as fn(&ChannelObservation) -> Option<&str>,
        ),
        ("channel_names", "name", |o: &ChannelObservation| {
            Some(o.info.name.as_str())
        }),
    ] {
        let with: Vec<(i64, &str)> = changed
            .iter()
            .filter_map(|(o, _)| {
                let id = *ids.get(o.info.channel_id.as_str())?;
                pick(o)
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(|v| (id, v))
            })
            .collect();
        if with.is_empty() {
            continue;
        }
        // The history tables' upsert, as `sessions::upsert_channel` writes it for one channel.
        let mut sql = db::built!(backend;
            "INSERT INTO " {table} " (channel_id, " {column} ", first_seen_at, last_seen_at) VALUES "
        );
        sql.rows(1, with.len(), 4);
        match backend {
            Backend::Sqlite => {
                db::built_push!(sql;
                    " ON CONFLICT (channel_id, " {column} ") DO UPDATE SET
                       first_seen_at = MIN(" {table} ".first_seen_at, excluded.first_seen_at),
                       last_seen_at = MAX(" {table} ".last_seen_at, excluded.last_seen_at)"
                );
            }
            Backend::Postgres => {
                db::built_push!(sql;
                    " ON CONFLICT (channel_id, " {column} ") DO UPDATE SET
                       first_seen_at = LEAST(" {table} ".first_seen_at, excluded.first_seen_at),
                       last_seen_at = GREATEST(" {table} ".last_seen_at, excluded.last_seen_at)"
                );
            }
            Backend::MySql => {
                db::built_push!(sql;
                    " ON DUPLICATE KEY UPDATE
                       first_seen_at = LEAST(" {table} ".first_seen_at, VALUES(first_seen_at)),
                       last_seen_at = GREATEST(" {table} ".last_seen_at, VALUES(last_seen_at))"
                );
            }
        }
        let mut q = db::query(sql);
        for (id, v) in &with {
            q = q.bind(*id).bind(*v).bind(at_s).bind(at_s);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(ids)
}

async fn write_channel_observation(
    conn: &mut db::Conn,
    round: i64,
    obs: &ChannelObservation,
    at: DateTime<Utc>,
    detect: Option<DetectLanguage>,
    stats: &mut WriteStats,
) -> Result<()> {
    let channel =
        sessions::upsert_channel(conn, &ChannelSighting::from_info(&obs.info), at, false).await?;
    let at_s = at;
    let sql = staging::insert_snapshots_sql(conn.backend(), 1);
    stats.channel_snapshots += staging::bind_snapshot(db::query(sql), channel, at_s, obs, round)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    match &obs.live {
        LiveState::Live(b) => sessions::observe_live(conn, channel, b, at, detect, stats).await?,
        LiveState::Offline => sessions::observe_offline(conn, channel, at, stats).await?,
        LiveState::Unknown => {}
    }
    Ok(())
}

async fn write_video(
    conn: &mut db::Conn,
    v: &VideoObservation,
    at: DateTime<Utc>,
    stats: &mut WriteStats,
) -> Result<()> {
    let at_s = at;
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
    let video: i64 = db::query_scalar(
        sql! {
            sqlite: ("INSERT INTO videos (channel_id, platform_video_id, title, kind, published_at, duration_secs, thumbnail_url,
            adult, category, first_seen_at, last_seen_at)
         VALUES (" #1 ", " #2 ", " #3 ", " #4 ", " #5 ", " #6 ", " #7 ", " #8 ", " #9 ", " #10 ", " #10 ")
         ON CONFLICT (channel_id, platform_video_id) DO UPDATE SET
           title = CASE WHEN excluded.title <> '' THEN excluded.title ELSE videos.title END,
           duration_secs = COALESCE(excluded.duration_secs, videos.duration_secs),
           thumbnail_url = COALESCE(excluded.thumbnail_url, videos.thumbnail_url),
           adult = excluded.adult,
           category = COALESCE(excluded.category, videos.category),
           last_seen_at = MAX(videos.last_seen_at, excluded.last_seen_at)
         RETURNING id");
            postgres: ("INSERT INTO videos (channel_id, platform_video_id, title, kind, published_at, duration_secs, thumbnail_url,
            adult, category, first_seen_at, last_seen_at)
         VALUES (" #1 ", " #2 ", " #3 ", " #4 ", " #5 ", " #6 ", " #7 ", " #8 ", " #9 ", " #10 ", " #10 ")
         ON CONFLICT (channel_id, platform_video_id) DO UPDATE SET
           title = CASE WHEN excluded.title <> '' THEN excluded.title ELSE videos.title END,
           duration_secs = COALESCE(excluded.duration_secs, videos.duration_secs),
           thumbnail_url = COALESCE(excluded.thumbnail_url, videos.thumbnail_url),
           adult = excluded.adult,
           category = COALESCE(excluded.category, videos.category),
           last_seen_at = GREATEST(videos.last_seen_at, excluded.last_seen_at)
         RETURNING id");
            mysql: ("INSERT INTO videos (channel_id, platform_video_id, title, kind, published_at, duration_secs, thumbnail_url,
            adult, category, first_seen_at, last_seen_at)
         VALUES (" #1 ", " #2 ", " #3 ", " #4 ", " #5 ", " #6 ", " #7 ", " #8 ", " #9 ", " #10 ", " #10 ")
         ON DUPLICATE KEY UPDATE
           title = CASE WHEN VALUES(title) <> '' THEN VALUES(title) ELSE videos.title END,
           duration_secs = COALESCE(VALUES(duration_secs), videos.duration_secs),
           thumbnail_url = COALESCE(VALUES(thumbnail_url), videos.thumbnail_url),
           adult = VALUES(adult),
           category = COALESCE(VALUES(category), videos.category),
           last_seen_at = GREATEST(videos.last_seen_at, VALUES(last_seen_at))
         RETURNING id");
        },
    )
    .bind(channel)
    .bind(v.video_id.as_str())
    .bind(v.title.as_str())
    .bind(v.kind.as_str())
    .bind(v.published_at)
    .bind(v.duration_secs.map(|d| d as i64))
    .bind(v.thumbnail_url.as_deref())
    .bind(i64::from(v.adult))
    .bind(v.category_name.as_deref())
    .bind(at_s)
    .fetch_one(&mut *conn)
    .await?;
    stats.video_snapshots += db::query(
        sql! {
            sqlite, postgres: ("INSERT INTO video_snapshots (video_id, observed_at, views, likes, comments) VALUES (" #1 ", " #2 ", " #3 ", " #4 ", " #5 ")
         ON CONFLICT (video_id, observed_at) DO NOTHING");
            mysql: ("INSERT IGNORE INTO video_snapshots (video_id, observed_at, views, likes, comments) VALUES (" #1 ", " #2 ", " #3 ", " #4 ", " #5 ")");
        },
    )
    .bind(video)
    .bind(at_s)
    .bind(v.views.map(|x| x as i64))
    .bind(v.likes.map(|x| x as i64))
    .bind(v.comments.map(|x| x as i64))
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(())
}

#[cfg(test)]
mod tests {
    use streamtide_core::{ChannelId, ChannelInfo, ChannelStats, LiveBroadcast};

    use super::*;
    use crate::Job;

    fn live_item(id: &str, viewers: u64) -> LiveBroadcast {
        LiveBroadcast {
            platform: Platform::Chzzk,
            channel_id: ChannelId::new(id),
            channel_name: Some(id.into()),
            channel_avatar_url: Some("javascript:alert(1)".into()),
            broadcast_id: Some(format!("b-{id}")),
            title: "t".into(),
            viewers,
            category_id: None,
            category_name: None,
            tags: vec![],
            thumbnail_url: Some("https://nng-phinf.pstatic.net/x.png".into()),
            started_at: None,
            adult: false,
            language: None,
            url: "https://chzzk.naver.com/live/x".into(),
        }
    }

    async fn write_live(store: &Store, at: DateTime<Utc>, items: Vec<LiveBroadcast>) -> WriteStats {
        let r = store
            .start_round(Platform::Chzzk, Job::Live, at)
            .await
            .unwrap();
        let batch = Batch::LiveList {
            items,
            close_after: chrono::Duration::minutes(30),
        };
        let stats = store
            .write_batch(r, Platform::Chzzk, at, &batch)
            .await
            .unwrap();
        store
            .update_rollups(Platform::Chzzk, at, &batch)
            .await
            .unwrap();
        stats
    }

    /// What the store refuses is counted (the collector adds it to `/metrics`).
    #[tokio::test]
    async fn refused_figures_and_urls_are_counted() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&format!("sqlite://{}", dir.path().join("t.db").display()))
            .await
            .unwrap();
        let at = "2026-03-01T00:00:00Z".parse::<DateTime<Utc>>().unwrap();
        let stats = write_live(
            &store,
            at,
            vec![live_item("ok", 10), live_item("huge", u64::MAX)],
        )
        .await;
        // Two javascript: avatars and one viewer count.
        assert_eq!(stats.values_rejected, 3);
        assert_eq!(stats.live_samples, 1, "no sample from an absurd count");
    }

    /// A session sum already at the top of `i64` (rows written before figures were bounded):
    /// further samples saturate, and rollups and /stats read it without panicking.
    #[tokio::test]
    async fn a_stored_sum_at_the_top_saturates_and_reads() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&format!("sqlite://{}", dir.path().join("t.db").display()))
            .await
            .unwrap();
        let at = "2026-03-01T00:00:00Z".parse::<DateTime<Utc>>().unwrap();
        write_live(&store, at, vec![live_item("x", 5)]).await;
        db::query(sql!(
            "UPDATE live_sessions SET viewer_sum = 9223372036854775807"
        ))
        .execute(&store.pool)
        .await
        .unwrap();
        for m in 1..4 {
            write_live(
                &store,
                at + chrono::Duration::minutes(m),
                vec![live_item("x", 7)],
            )
            .await;
        }
        let sum: i64 = db::query_scalar(sql!("SELECT viewer_sum FROM live_sessions"))
            .fetch_one(&store.pool)
            .await
            .unwrap();
        assert_eq!(sum, i64::MAX);
        // Legacy rows on SQLite may even hold the REAL an overflow made.
        db::query(sql!("UPDATE live_sessions SET viewer_sum = 1.8e19"))
            .execute(&store.pool)
            .await
            .unwrap();
        store.rebuild_rollups().await.unwrap();
        store.channel_stats(Platform::Chzzk, "x").await.unwrap();
        write_live(
            &store,
            at + chrono::Duration::minutes(5),
            vec![live_item("x", 7)],
        )
        .await;
    }

    fn obs(i: usize, round: usize) -> ChannelObservation {
        let id = format!("ch{i}");
        // Every kind of change: names and handles that change, blanks, live → offline → live
        // with a new broadcast, and unknown states.
        let live = match (i + round) % 4 {
            0 | 1 => LiveState::Live(Box::new(LiveBroadcast {
                platform: Platform::Chzzk,
                channel_id: ChannelId::new(id.clone()),
                channel_name: Some(format!("name {i}")),
                channel_avatar_url: None,
                broadcast_id: Some(format!("b{i}-{}", round / 4)),
                // Some titles the language detector recognises, so that a continued session
                // needs no detection (the multi-row live path); some retitled mid-broadcast.
                title: match i % 3 {
                    0 => format!("오늘은 같이 게임하면서 이야기 나눠요 {i}"),
                    1 => format!("title {i}"),
                    _ => format!("함께 노래 부르는 방송입니다 {i} {}", round % 3),
                },
                viewers: (i * 10 + round) as u64,
                category_id: (!i.is_multiple_of(2)).then(|| format!("c{}", round % 2)),
                category_name: i.is_multiple_of(4).then(|| format!("cat {round}")),
                tags: if i.is_multiple_of(2) {
                    vec![format!("t{round}")]
                } else {
                    Vec::new()
                },
                thumbnail_url: i.is_multiple_of(3).then(|| format!("https://t/{round}")),
                started_at: None,
                adult: (i + round).is_multiple_of(5),
                language: i.is_multiple_of(3).then(|| "ko".to_string()),
                url: String::new(),
            })),
            2 => LiveState::Offline,
            _ => LiveState::Unknown,
        };
        ChannelObservation {
            info: ChannelInfo {
                platform: Platform::Chzzk,
                channel_id: ChannelId::new(id),
                name: if i.is_multiple_of(5) {
                    " ".into()
                } else {
                    format!("name {i} r{}", round / 2)
                },
                handle: i
                    .is_multiple_of(3)
                    .then(|| format!("handle{i}-{}", round / 3)),
                avatar_url: i.is_multiple_of(2).then(|| format!("https://a/{i}")),
                description: i.is_multiple_of(4).then(String::new),
            },
            stats: ChannelStats {
                followers: (!i.is_multiple_of(7)).then_some((1000 + i * round) as u64),
                total_views: Some(5),
                video_count: None,
            },
            live,
        }
    }

    async fn dump(store: &Store) -> Vec<String> {
        let mut out = Vec::new();
        for sql in [
            sql!("SELECT platform_id, name, handle, avatar_url, description, tracked, first_seen_at, last_seen_at, missing_since FROM channels ORDER BY platform_id"),
            sql!("SELECT c.platform_id, n.name, n.first_seen_at, n.last_seen_at FROM channel_names n JOIN channels c ON c.id = n.channel_id ORDER BY 1, 2"),
            sql!("SELECT c.platform_id, h.handle, h.first_seen_at, h.last_seen_at FROM channel_handles h JOIN channels c ON c.id = h.channel_id ORDER BY 1, 2"),
            sql!("SELECT c.platform_id, s.observed_at, s.followers, s.total_views, s.video_count, s.live, s.viewers FROM channel_snapshots s JOIN channels c ON c.id = s.channel_id ORDER BY 1, 2"),
            sql!("SELECT c.platform_id, l.broadcast_id, l.started_at, l.ended_at, l.last_seen_at, l.peak_viewers, l.title,
               l.category_id, l.category_name, l.tags, l.thumbnail_url, l.adult, l.language, l.last_viewers,
               l.viewer_sum, l.sample_count, l.detected_language, l.language_confidence
             FROM live_sessions l JOIN channels c ON c.id = l.channel_id ORDER BY 1, 3"),
            sql!("SELECT c.platform_id, l.broadcast_id, m.observed_at, m.viewers FROM live_samples m
             JOIN live_sessions l ON l.id = m.session_id JOIN channels c ON c.id = l.channel_id ORDER BY 1, 3"),
        ] {
            let rows: Vec<db::Row> =
                db::query(sql).fetch_all(&store.pool).await.unwrap();
            for r in rows {
                let cells: Vec<String> = (0..r.len())
                    .map(|i| {
                        if r.is_null(i) {
                            "NULL".to_string()
                        } else {
                            r.try_get::<String, _>(i)
                                .or_else(|_| r.try_get::<i64, _>(i).map(|v| v.to_string()))
                                .or_else(|_| r.try_get::<f64, _>(i).map(|v| v.to_string()))
                                .unwrap_or_default()
                        }
                    })
                    .collect();
                out.push(cells.join("|"));
            }
        }
        out
    }

    /// A stand-in for the product's detector: a title in Hangul is Korean, else the hint, else
    /// nothing (which leaves the session to be asked again).
    fn hangul_or_hint(
        e: &streamtide_core::language::Evidence<'_>,
    ) -> Option<streamtide_core::language::Detection> {
        let code = if e.title.chars().any(|c| ('가'..='힣').contains(&c)) {
            "ko"
        } else {
            e.hint.filter(|h| *h == "ko").map(|_| "ko")?
        };
        Some(streamtide_core::language::Detection {
            code,
            confidence: 0.75,
        })
    }

    /// The multi-row path leaves exactly what the one-channel-at-a-time path leaves.
    #[tokio::test]
    async fn multi_row_writes_equal_one_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let bulk = Store::open(&format!("sqlite://{}", dir.path().join("a.db").display()))
            .await
            .unwrap()
            .with_language_detector(hangul_or_hint);
        let single = Store::open(&format!("sqlite://{}", dir.path().join("b.db").display()))
            .await
            .unwrap();
        let t0 = chrono::DateTime::parse_from_rfc3339("2026-03-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let (mut s_bulk, mut s_single) = (WriteStats::default(), WriteStats::default());
        // 80 minutes of rounds: unchanged sightings are skipped, then refreshed after an hour.
        for round in 0..17 {
            let at = t0 + chrono::Duration::minutes(5 * round as i64);
            let found: Vec<ChannelObservation> = (0..37).map(|i| obs(i, round)).collect();
            let r = bulk
                .start_round(Platform::Chzzk, Job::Channels, at)
                .await
                .unwrap();
            let batch = Batch::Channels {
                found: found.clone(),
                missing: Vec::new(),
            };
            s_bulk.add(
                &bulk
                    .write_batch(r, Platform::Chzzk, at, &batch)
                    .await
                    .unwrap(),
            );
            // A retried batch changes nothing on either path.
            s_bulk.add(
                &bulk
                    .write_batch(r, Platform::Chzzk, at, &batch)
                    .await
                    .unwrap(),
            );

            let r = single
                .start_round(Platform::Chzzk, Job::Channels, at)
                .await
                .unwrap();
            for _ in 0..2 {
                let mut tx = single.write_tx().await.unwrap();
                for o in &found {
                    write_channel_observation(
                        &mut tx,
                        r,
                        o,
                        at,
                        Some(hangul_or_hint),
                        &mut s_single,
                    )
                    .await
                    .unwrap();
                }
                tx.commit().await.unwrap();
            }
        }
        assert!(s_bulk.channel_snapshots > 0 && s_bulk.sessions_closed > 0);
        assert!(s_bulk.live_samples > 0 && s_bulk.sessions_opened > 0);
        // The multi-row live path had sessions to continue: some were detected already.
        let detected: i64 = db::query_scalar(
            sql!("SELECT COUNT(*) FROM live_sessions WHERE detected_language IS NOT NULL AND sample_count > 1"),
        )
        .fetch_one(&bulk.pool)
        .await
        .unwrap();
        assert!(detected > 5, "{detected}");
        // Unchanged sightings were skipped: rows seen in the last round that still say earlier.
        let lagging: i64 =
            db::query_scalar(sql!("SELECT COUNT(*) FROM channels WHERE last_seen_at < " #1))
                .bind(t0 + chrono::Duration::minutes(80))
                .fetch_one(&bulk.pool)
                .await
                .unwrap();
        assert!(lagging > 3, "{lagging}");
        assert!(bulk.consistency_violations().await.unwrap().is_empty());
        assert!(single.consistency_violations().await.unwrap().is_empty());
        assert_eq!(s_bulk, s_single);
        let (a, b) = (dump(&bulk).await, dump(&single).await);
        assert!(a.len() > 300, "{}", a.len());
        assert_eq!(a, b);
    }

    /// `write_batches` leaves exactly what `write_batch` leaves, batch by batch.
    #[tokio::test]
    async fn many_batches_in_one_transaction_equal_one_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let many = Store::open(&format!("sqlite://{}", dir.path().join("a.db").display()))
            .await
            .unwrap();
        let single = Store::open(&format!("sqlite://{}", dir.path().join("b.db").display()))
            .await
            .unwrap();
        let t0 = chrono::DateTime::parse_from_rfc3339("2026-03-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let at = |round: usize| t0 + chrono::Duration::minutes(5 * round as i64);
        let batches: Vec<Batch> = (0..17)
            .map(|round| Batch::Channels {
                found: (0..37).map(|i| obs(i, round)).collect(),
                missing: Vec::new(),
            })
            .collect();
        let r = many
            .start_round(Platform::Chzzk, Job::Channels, t0)
            .await
            .unwrap();
        let refs: Vec<_> = batches
            .iter()
            .enumerate()
            .map(|(round, b)| (r, Platform::Chzzk, at(round), b))
            .collect();
        let s_many = many.write_batches(&refs).await.unwrap();
        let r = single
            .start_round(Platform::Chzzk, Job::Channels, t0)
            .await
            .unwrap();
        let mut s_single = WriteStats::default();
        for (round, b) in batches.iter().enumerate() {
            s_single.add(
                &single
                    .write_batch(r, Platform::Chzzk, at(round), b)
                    .await
                    .unwrap(),
            );
        }
        assert!(s_many.channel_snapshots > 500 && s_many.sessions_opened > 0);
        assert_eq!(s_many, s_single);
        let (a, b) = (dump(&many).await, dump(&single).await);
        assert!(a.len() > 300, "{}", a.len());
        assert_eq!(a, b);
    }
}
