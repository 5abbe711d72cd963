//! Channel upserts and live-session bookkeeping inside a write transaction.
//!
//! A channel has at most one open session (enforced by a partial unique index). A sighting
//! continues the open session when it is the same broadcast (same broadcast id, or starts within
//! two minutes when ids are unknown), and otherwise closes it and opens a new one. A session is
//! closed at its last sighting: the broadcast ended somewhere between that and the next look, and
//! we never claim more than we saw.

use crate::db;
use crate::db::sql;
use crate::sightings;
use crate::Backend;
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use streamtide_core::language::DetectLanguage;
use streamtide_core::{ChannelInfo, LiveBroadcast, Platform};

use crate::{Result, WriteStats};

/// Two sightings without broadcast ids belong to one broadcast if their starts differ this little.
const SAME_START_TOLERANCE_SECS: i64 = 120;

/// What is known about a channel at a sighting.
pub(crate) struct ChannelSighting<'a> {
    pub platform: Platform,
    pub platform_id: &'a str,
    pub name: Option<&'a str>,
    pub handle: Option<&'a str>,
    pub avatar_url: Option<&'a str>,
    pub description: Option<&'a str>,
}

impl<'a> ChannelSighting<'a> {
    pub fn from_info(info: &'a ChannelInfo) -> Self {
        ChannelSighting {
            platform: info.platform,
            platform_id: info.channel_id.as_str(),
            name: Some(info.name.as_str()),
            handle: info.handle.as_deref(),
            avatar_url: info.avatar_url.as_deref(),
            description: info.description.as_deref(),
        }
    }

    /// The name the channel upsert writes: trimmed, `None` when blank (the stored name stays).
    pub fn written_name(&self) -> Option<&'a str> {
        self.name.map(str::trim).filter(|n| !n.is_empty())
    }

    /// The avatar the channel upsert writes: `None` when blank (the stored one stays).
    pub fn written_avatar_url(&self) -> Option<&'a str> {
        self.avatar_url.filter(|u| !u.is_empty())
    }

    /// The description the channel upsert writes: `None` when blank (the stored one stays).
    pub fn written_description(&self) -> Option<&'a str> {
        self.description.filter(|d| !d.is_empty())
    }

    pub fn from_live(b: &'a LiveBroadcast) -> Self {
        ChannelSighting {
            platform: b.platform,
            platform_id: b.channel_id.as_str(),
            name: b.channel_name.as_deref(),
            handle: None,
            avatar_url: b.channel_avatar_url.as_deref(),
            description: None,
        }
    }
}

/// How a sighting updates a known channel, shared by the one-row and the multi-row writes: a
/// newer non-empty name or handle wins, avatar and description are kept when a sighting lacks
/// them, the seen-range widens, and a sighted channel is no longer missing. A sighting this would
/// leave unchanged but for `last_seen_at` is not written at all (`sightings::FreshChannel`, which
/// mirrors these rules).
pub(crate) fn channel_upsert(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "ON CONFLICT (platform, platform_id) DO UPDATE SET
           name = CASE WHEN excluded.name <> '' AND excluded.last_seen_at >= channels.last_seen_at
                       THEN excluded.name ELSE channels.name END,
           handle = CASE WHEN excluded.handle IS NOT NULL AND excluded.last_seen_at >= channels.last_seen_at
                         THEN excluded.handle ELSE channels.handle END,
           avatar_url = COALESCE(excluded.avatar_url, channels.avatar_url),
           description = COALESCE(excluded.description, channels.description),
           first_seen_at = MIN(channels.first_seen_at, excluded.first_seen_at),
           last_seen_at = MAX(channels.last_seen_at, excluded.last_seen_at),
           missing_since = NULL",
        Backend::Postgres => "ON CONFLICT (platform, platform_id) DO UPDATE SET
           name = CASE WHEN excluded.name <> '' AND excluded.last_seen_at >= channels.last_seen_at
                       THEN excluded.name ELSE channels.name END,
           handle = CASE WHEN excluded.handle IS NOT NULL AND excluded.last_seen_at >= channels.last_seen_at
                         THEN excluded.handle ELSE channels.handle END,
           avatar_url = COALESCE(excluded.avatar_url, channels.avatar_url),
           description = COALESCE(excluded.description, channels.description),
           first_seen_at = LEAST(channels.first_seen_at, excluded.first_seen_at),
           last_seen_at = GREATEST(channels.last_seen_at, excluded.last_seen_at),
           missing_since = NULL",
        Backend::MySql => "ON DUPLICATE KEY UPDATE
           name = CASE WHEN VALUES(name) <> '' AND VALUES(last_seen_at) >= channels.last_seen_at
                       THEN VALUES(name) ELSE channels.name END,
           handle = CASE WHEN VALUES(handle) IS NOT NULL AND VALUES(last_seen_at) >= channels.last_seen_at
                         THEN VALUES(handle) ELSE channels.handle END,
           avatar_url = COALESCE(VALUES(avatar_url), channels.avatar_url),
           description = COALESCE(VALUES(description), channels.description),
           first_seen_at = LEAST(channels.first_seen_at, VALUES(first_seen_at)),
           last_seen_at = GREATEST(channels.last_seen_at, VALUES(last_seen_at)),
           missing_since = NULL",
    }
}

/// Insert or refresh a channel; returns its row id. `tracked` applies to new rows only. A
/// sighting that changes nothing writes nothing (`sightings`).
pub(crate) async fn upsert_channel(
    conn: &mut db::Conn,
    s: &ChannelSighting<'_>,
    at: DateTime<Utc>,
    tracked: bool,
) -> Result<i64> {
    if let Some(fresh) = sightings::fresh_channels(conn, s.platform, &[s.platform_id], at)
        .await?
        .remove(s.platform_id)
    {
        if fresh.unchanged_by(s) {
            return Ok(fresh.id);
        }
    }
    let name = s.written_name();
    let backend = conn.backend();
    let sql = db::built!(backend;
        "INSERT INTO channels (platform, platform_id, name, handle, avatar_url, description, tracked, first_seen_at, last_seen_at)
         VALUES (" #1 ", " #2 ", COALESCE(" #3 ", ''), " #4 ", " #5 ", " #6 ", " #7 ", " #8 ", " #8 ")
         " {channel_upsert(backend)} "
         RETURNING id"
    );
    let id: i64 = db::query_scalar(sql)
        .bind(s.platform.as_str())
        .bind(s.platform_id)
        .bind(name)
        .bind(s.handle)
        .bind(s.written_avatar_url())
        .bind(s.written_description())
        .bind(i64::from(tracked))
        .bind(at)
        .fetch_one(&mut *conn)
        .await?;
    if let Some(handle) = s.handle.map(str::trim).filter(|h| !h.is_empty()) {
        db::query(
            sql! {
                sqlite: ("INSERT INTO channel_handles (channel_id, handle, first_seen_at, last_seen_at) VALUES (" #1 ", " #2 ", " #3 ", " #3 ")
             ON CONFLICT (channel_id, handle) DO UPDATE SET
               first_seen_at = MIN(channel_handles.first_seen_at, excluded.first_seen_at),
               last_seen_at = MAX(channel_handles.last_seen_at, excluded.last_seen_at)");
                postgres: ("INSERT INTO channel_handles (channel_id, handle, first_seen_at, last_seen_at) VALUES (" #1 ", " #2 ", " #3 ", " #3 ")
             ON CONFLICT (channel_id, handle) DO UPDATE SET
               first_seen_at = LEAST(channel_handles.first_seen_at, excluded.first_seen_at),
               last_seen_at = GREATEST(channel_handles.last_seen_at, excluded.last_seen_at)");
                mysql: ("INSERT INTO channel_handles (channel_id, handle, first_seen_at, last_seen_at) VALUES (" #1 ", " #2 ", " #3 ", " #3 ")
             ON DUPLICATE KEY UPDATE
               first_seen_at = LEAST(channel_handles.first_seen_at, VALUES(first_seen_at)),
               last_seen_at = GREATEST(channel_handles.last_seen_at, VALUES(last_seen_at))");
            },
        )
        .bind(id)
        .bind(handle)
        .bind(at)
        .execute(&mut *conn)
        .await?;
    }
    if let Some(name) = name {
        db::query(
            sql! {
                sqlite: ("INSERT INTO channel_names (channel_id, name, first_seen_at, last_seen_at) VALUES (" #1 ", " #2 ", " #3 ", " #3 ")
             ON CONFLICT (channel_id, name) DO UPDATE SET
               first_seen_at = MIN(channel_names.first_seen_at, excluded.first_seen_at),
               last_seen_at = MAX(channel_names.last_seen_at, excluded.last_seen_at)");
                postgres: ("INSERT INTO channel_names (channel_id, name, first_seen_at, last_seen_at) VALUES (" #1 ", " #2 ", " #3 ", " #3 ")
             ON CONFLICT (channel_id, name) DO UPDATE SET
               first_seen_at = LEAST(channel_names.first_seen_at, excluded.first_seen_at),
               last_seen_at = GREATEST(channel_names.last_seen_at, excluded.last_seen_at)");
                mysql: ("INSERT INTO channel_names (channel_id, name, first_seen_at, last_seen_at) VALUES (" #1 ", " #2 ", " #3 ", " #3 ")
             ON DUPLICATE KEY UPDATE
               first_seen_at = LEAST(channel_names.first_seen_at, VALUES(first_seen_at)),
               last_seen_at = GREATEST(channel_names.last_seen_at, VALUES(last_seen_at))");
            },
        )
        .bind(id)
        .bind(name)
        .bind(at)
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

struct OpenSession {
    id: i64,
    broadcast_id: Option<String>,
    started_at: DateTime<Utc>,
    title: String,
    detected_language: Option<String>,
    category_id: Option<String>,
}

/// Whether a sighting continuing `open` brings another title or category: the broadcast page
/// lists such changes with their times (`live_session_changes`). A sighting without a title or
/// a category (a channel-status call) changes neither.
fn changes_course(open: &OpenSession, b: &LiveBroadcast) -> bool {
    (!b.title.is_empty() && b.title != open.title)
        || b.category_id
            .as_deref()
            .is_some_and(|c| open.category_id.as_deref() != Some(c))
}

fn same_broadcast(open: &OpenSession, b: &LiveBroadcast) -> bool {
    if let (Some(a), Some(c)) = (&open.broadcast_id, &b.broadcast_id) {
        return a == c;
    }
    match b.started_at {
        Some(c) => (open.started_at - c).num_seconds().abs() <= SAME_START_TOLERANCE_SECS,
        None => true,
    }
}

/// Whether a sighting continuing `open` must ask the store's detector (if it was given one) for
/// the session's language: none detected yet, or the broadcast was retitled.
fn needs_detection(detect: Option<DetectLanguage>, open: &OpenSession, b: &LiveBroadcast) -> bool {
    detect.is_some()
        && (open.detected_language.is_none() || (!b.title.is_empty() && open.title != b.title))
}

/// The open sessions of the channels in `live`, by channel.
async fn open_sessions(
    conn: &mut db::Conn,
    live: &[(i64, &LiveBroadcast)],
) -> Result<HashMap<i64, OpenSession>> {
    let mut sql = db::built!(conn.backend();
        "SELECT channel_id, id, broadcast_id, started_at, title, detected_language, category_id FROM live_sessions
         WHERE ended_at IS NULL AND channel_id IN ("
    );
    sql.params(1, live.len()).push(")");
    let mut q = db::query(sql);
    for (channel, _) in live {
        q = q.bind(*channel);
    }
    Ok(q.fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|r| {
            (
                r.get(0),
                OpenSession {
                    id: r.get(1),
                    broadcast_id: r.get(2),
                    started_at: r.get(3),
                    title: r.get(4),
                    detected_language: r.get(5),
                    category_id: r.get(6),
                },
            )
        })
        .collect())
}

/// [`observe_live`] for many distinct channels at once, with the same effect.
///
/// Measured on the bench workload, `observe_live` costs ~140 µs per live channel, almost all of
/// it four round trips to SQLite's worker thread (find the open session, insert the sample,
/// update the aggregates, and the statement overheads around them). The common case by far is a
/// channel still live in the broadcast its open session records, with the language already
/// detected: those take three multi-row statements for all channels together. Everything else
/// (a new or changed broadcast, a session to reopen, a language to detect) goes one at a time
/// through `observe_live`. Distinct channels touch distinct sessions, so the order between the
/// two groups does not matter.
pub(crate) async fn observe_live_many(
    conn: &mut db::Conn,
    live: &[(i64, &LiveBroadcast)],
    at: DateTime<Utc>,
    detect: Option<DetectLanguage>,
    stats: &mut WriteStats,
) -> Result<()> {
    if live.is_empty() {
        return Ok(());
    }
    if conn.backend() == Backend::MySql {
        // MySQL cannot update from a VALUES list with named columns: one channel at a time.
        for (channel, b) in live {
            observe_live(conn, *channel, b, at, detect, stats).await?;
        }
        return Ok(());
    }
    let at_s = at;
    let open = open_sessions(conn, live).await?;
    let mut continuing: Vec<(i64, &LiveBroadcast)> = Vec::with_capacity(live.len());
    for (channel, b) in live {
        match open.get(channel) {
            Some(s)
                if same_broadcast(s, b)
                    && !needs_detection(detect, s, b)
                    && !changes_course(s, b) =>
            {
                continuing.push((s.id, b))
            }
            _ => observe_live(conn, *channel, b, at, detect, stats).await?,
        }
    }
    if continuing.is_empty() {
        return Ok(());
    }

    // The samples; RETURNING names the new ones. A retried sample is not returned and must not
    // move its session's aggregates.
    // (MySQL takes this path no further: see above.)
    let mut sql = db::built!(conn.backend(); "INSERT INTO live_samples (session_id, observed_at, viewers) VALUES ");
    sql.rows(1, continuing.len(), 3)
        .push("\n         ON CONFLICT (session_id, observed_at) DO NOTHING RETURNING session_id");
    let mut q = db::query_scalar::<i64>(sql);
    for (session, b) in &continuing {
        q = q.bind(*session).bind(at_s).bind(b.viewers as i64);
    }
    let inserted: HashSet<i64> = q.fetch_all(&mut *conn).await?.into_iter().collect();
    if inserted.is_empty() {
        return Ok(());
    }
    stats.live_samples += inserted.len() as u64;
    let updates: Vec<&(i64, &LiveBroadcast)> = continuing
        .iter()
        .filter(|(session, _)| inserted.contains(session))
        .collect();

    // The aggregates, exactly as `observe_live` updates them, one row of `v` per session.
    let backend = conn.backend();
    let mut sql = db::built!(backend; "WITH v(id, viewers, broadcast_id, category_id, category_name, started_at, at, title,
                thumbnail_url, tags, adult, language) AS (VALUES ");
    sql.rows(1, updates.len(), 12);
    db::built_push!(sql; ")
         UPDATE live_sessions SET
           viewer_sum = CASE WHEN live_sessions.viewer_sum <= 9223372036854775807 - v.viewers
                             THEN live_sessions.viewer_sum + v.viewers ELSE 9223372036854775807 END,
           sample_count = live_sessions.sample_count + 1,
           peak_viewers = " {sqlite: "MAX", postgres: "GREATEST", mysql: "GREATEST"} "(live_sessions.peak_viewers, v.viewers),
           broadcast_id = COALESCE(live_sessions.broadcast_id, v.broadcast_id),
           category_id = COALESCE(v.category_id, live_sessions.category_id),
           category_name = CASE WHEN v.category_id IS NOT NULL AND v.category_id IS DISTINCT FROM live_sessions.category_id
                                THEN v.category_name
                                ELSE COALESCE(v.category_name, live_sessions.category_name) END,
           started_at = " {sqlite: "MIN", postgres: "LEAST", mysql: "LEAST"} "(live_sessions.started_at, COALESCE(v.started_at, live_sessions.started_at)),
           last_viewers = CASE WHEN v.at >= live_sessions.last_seen_at THEN v.viewers ELSE live_sessions.last_viewers END,
           title = CASE WHEN v.at >= live_sessions.last_seen_at AND v.title <> '' THEN v.title ELSE live_sessions.title END,
           thumbnail_url = CASE WHEN v.at >= live_sessions.last_seen_at
                                THEN COALESCE(v.thumbnail_url, live_sessions.thumbnail_url)
                                ELSE live_sessions.thumbnail_url END,
           tags = CASE WHEN v.at >= live_sessions.last_seen_at AND v.tags <> '[]' THEN v.tags ELSE live_sessions.tags END,
           adult = CASE WHEN v.at >= live_sessions.last_seen_at THEN v.adult ELSE live_sessions.adult END,
           language = COALESCE(live_sessions.language, v.language),
           last_seen_at = " {sqlite: "MAX", postgres: "GREATEST", mysql: "GREATEST"} "(live_sessions.last_seen_at, v.at)
         FROM v WHERE live_sessions.id = v.id");
    let mut q = db::query(sql);
    for (session, b) in updates {
        q = q
            .bind(*session)
            .bind(b.viewers as i64)
            .bind(b.broadcast_id.as_deref())
            .bind(b.category_id.as_deref())
            .bind(b.category_name.as_deref())
            .bind(b.started_at)
            .bind(at_s)
            .bind(b.title.as_str())
            .bind(b.thumbnail_url.as_deref())
            .bind(serde_json_tags(&b.tags))
            .bind(i64::from(b.adult))
            .bind(b.language.as_deref());
    }
    q.execute(&mut *conn).await?;
    Ok(())
}

/// Record that channel `channel` is live with `b` at `at`; `detect` is the store's language
/// detector, if it was given one (without, the session's language stays unknown).
pub(crate) async fn observe_live(
    conn: &mut db::Conn,
    channel: i64,
    b: &LiveBroadcast,
    at: DateTime<Utc>,
    detect: Option<DetectLanguage>,
    stats: &mut WriteStats,
) -> Result<()> {
    let at_s = at;
    let open = db::query(
        sql!("SELECT id, broadcast_id, started_at, title, detected_language, category_id FROM live_sessions
         WHERE channel_id = " #1 " AND ended_at IS NULL"),
    )
    .bind(channel)
    .fetch_optional(&mut *conn)
    .await?
    .map(|r| OpenSession {
        id: r.get(0),
        broadcast_id: r.get(1),
        started_at: r.get(2),
        title: r.get(3),
        detected_language: r.get(4),
        category_id: r.get(5),
    });
    // Detect the language once per broadcast (and again if it is retitled), not per API request.
    let mut redetect = detect.is_some();
    // A session's first title and category, and each change of them, are kept with their time.
    let mut course_changed = true;
    let session = match open {
        Some(s) if same_broadcast(&s, b) => {
            redetect = needs_detection(detect, &s, b);
            course_changed = changes_course(&s, b);
            s.id
        }
        other => {
            if let Some(stale) = other {
                close_session(conn, stale.id).await?;
                stats.sessions_closed += 1;
            }
            match reopenable(conn, channel, b).await? {
                Some(id) => {
                    db::query(sql!("UPDATE live_sessions SET ended_at = NULL WHERE id = " #1))
                        .bind(id)
                        .execute(&mut *conn)
                        .await?;
                    id
                }
                None => {
                    stats.sessions_opened += 1;
                    open_session(conn, channel, b, at).await?
                }
            }
        }
    };
    let inserted = db::query(
        sql! {
            sqlite, postgres: ("INSERT INTO live_samples (session_id, observed_at, viewers) VALUES (" #1 ", " #2 ", " #3 ")
         ON CONFLICT (session_id, observed_at) DO NOTHING");
            mysql: ("INSERT IGNORE INTO live_samples (session_id, observed_at, viewers) VALUES (" #1 ", " #2 ", " #3 ")");
        },
    )
    .bind(session)
    .bind(at_s)
    .bind(b.viewers as i64)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if inserted == 0 {
        // A retried write of a sample we already have: aggregates must not move.
        return Ok(());
    }
    stats.live_samples += 1;
    let tags = serde_json_tags(&b.tags);
    db::query(
        sql!("UPDATE live_sessions SET
           -- Saturating: a sum already at the top (rows from before figures were bounded)
           -- stays there instead of overflowing (an error on PostgreSQL, a REAL on SQLite).
           viewer_sum = CASE WHEN viewer_sum <= 9223372036854775807 - " #2 " THEN viewer_sum + " #2 "
                             ELSE 9223372036854775807 END,
           sample_count = sample_count + 1,
           peak_viewers = " {sqlite: "MAX", postgres: "GREATEST", mysql: "GREATEST"} "(peak_viewers, " #2 "),
           broadcast_id = COALESCE(broadcast_id, " #3 "),
           -- A sighting without a category (a channel-status call) keeps the richer one; a switch
           -- to another category id drops the old id's name rather than pairing them wrongly.
           -- (Before `category_id`: MySQL applies assignments in order, reading updated values.)
           category_name = CASE WHEN " #4 " IS NOT NULL AND (category_id IS NULL OR " #4 " <> category_id) THEN " #5 "
                                ELSE COALESCE(" #5 ", category_name) END,
           category_id = COALESCE(" #4 ", category_id),
           started_at = " {sqlite: "MIN", postgres: "LEAST", mysql: "LEAST"} "(started_at, COALESCE(" #6 ", started_at)),
           last_viewers = CASE WHEN " #7 " >= last_seen_at THEN " #2 " ELSE last_viewers END,
           title = CASE WHEN " #7 " >= last_seen_at AND " #8 " <> '' THEN " #8 " ELSE title END,
           thumbnail_url = CASE WHEN " #7 " >= last_seen_at THEN COALESCE(" #9 ", thumbnail_url) ELSE thumbnail_url END,
           tags = CASE WHEN " #7 " >= last_seen_at AND " #10 " <> '[]' THEN " #10 " ELSE tags END,
           adult = CASE WHEN " #7 " >= last_seen_at THEN " #11 " ELSE adult END,
           language = COALESCE(language, " #12 "),
           last_seen_at = " {sqlite: "MAX", postgres: "GREATEST", mysql: "GREATEST"} "(last_seen_at, " #7 ")
         WHERE id = " #1),
    )
    .bind(session)
    .bind(b.viewers as i64)
    .bind(b.broadcast_id.as_deref())
    .bind(b.category_id.as_deref())
    .bind(b.category_name.as_deref())
    .bind(b.started_at)
    .bind(at_s)
    .bind(b.title.as_str())
    .bind(b.thumbnail_url.as_deref())
    .bind(&tags)
    .bind(i64::from(b.adult))
    .bind(b.language.as_deref())
    .execute(&mut *conn)
    .await?;
    if course_changed {
        record_course(conn, session, at_s).await?;
    }
    if let Some(detect) = detect.filter(|_| redetect) {
        record_language(conn, session, detect).await?;
    }
    Ok(())
}

/// Keep the title and category a session has from `at` on (the session row's after this
/// sighting: a sighting without a category keeps the one the session had).
async fn record_course(conn: &mut db::Conn, session: i64, at: DateTime<Utc>) -> Result<()> {
    db::query(sql! {
        sqlite, postgres: ("INSERT INTO live_session_changes (session_id, observed_at, title, category_id, category_name)
         SELECT id, " #2 ", title, category_id, category_name FROM live_sessions WHERE id = " #1 "
         ON CONFLICT (session_id, observed_at) DO NOTHING");
        mysql: ("INSERT IGNORE INTO live_session_changes (session_id, observed_at, title, category_id, category_name)
         SELECT id, " #2 ", title, category_id, category_name FROM live_sessions WHERE id = " #1);
    })
    .bind(session)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Store the language `detect` answers for a session, from what the store holds after this
/// sighting: its title, tags and platform hint, and its channel's description. The rule is the
/// detector's (`streamtide_curate::language`); the store writes what it is given.
async fn record_language(conn: &mut db::Conn, session: i64, detect: DetectLanguage) -> Result<()> {
    let row = db::query(
        sql!("SELECT c.platform, s.title, s.tags, s.language, c.description
         FROM live_sessions s JOIN channels c ON c.id = s.channel_id WHERE s.id = " #1),
    )
    .bind(session)
    .fetch_one(&mut *conn)
    .await?;
    let platform = crate::stored_platform(&row.get::<String, _>(0))?;
    let title: String = row.get(1);
    let tags: Vec<String> = serde_json::from_str(&row.get::<String, _>(2)).unwrap_or_default();
    let hint: Option<String> = row.get(3);
    let description: Option<String> = row.get(4);
    let found = detect(&streamtide_core::language::Evidence {
        platform,
        title: &title,
        tags: &tags,
        description: description.as_deref(),
        hint: hint.as_deref(),
    });
    db::query(
        sql!("UPDATE live_sessions SET detected_language = " #2 ", language_confidence = " #3 " WHERE id = " #1),
    )
    .bind(session)
    .bind(found.map(|d| d.code))
    .bind(found.map(|d| f64::from(d.confidence)))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A closed session of the same broadcast (closed as stale, then seen again): reopen it rather
/// than count one broadcast twice.
async fn reopenable(conn: &mut db::Conn, channel: i64, b: &LiveBroadcast) -> Result<Option<i64>> {
    let Some(bid) = b.broadcast_id.as_deref() else {
        return Ok(None);
    };
    Ok(db::query_scalar(
        sql!("SELECT id FROM live_sessions WHERE channel_id = " #1 " AND broadcast_id = " #2 " AND ended_at IS NOT NULL
         ORDER BY id DESC LIMIT 1"),
    )
    .bind(channel)
    .bind(bid)
    .fetch_optional(&mut *conn)
    .await?)
}

async fn open_session(
    conn: &mut db::Conn,
    channel: i64,
    b: &LiveBroadcast,
    at: DateTime<Utc>,
) -> Result<i64> {
    let started = b.started_at.map_or(at, |s| s.min(at));
    let at_s = at;
    Ok(db::query_scalar(
        sql!("INSERT INTO live_sessions (channel_id, broadcast_id, title, category_id, category_name, tags, thumbnail_url,
            adult, language, url, started_at, last_seen_at, last_viewers, peak_viewers)
         VALUES (" #1 ", " #2 ", " #3 ", " #4 ", " #5 ", " #6 ", " #7 ", " #8 ", " #9 ", " #10 ", " #11 ", " #12 ", " #13 ", " #13 ")
         RETURNING id"),
    )
    .bind(channel)
    .bind(b.broadcast_id.as_deref())
    .bind(b.title.as_str())
    .bind(b.category_id.as_deref())
    .bind(b.category_name.as_deref())
    .bind(serde_json_tags(&b.tags))
    .bind(b.thumbnail_url.as_deref())
    .bind(i64::from(b.adult))
    .bind(b.language.as_deref())
    .bind(b.url.as_str())
    .bind(started)
    .bind(at_s)
    .bind(b.viewers as i64)
    .fetch_one(&mut *conn)
    .await?)
}

async fn close_session(conn: &mut db::Conn, id: i64) -> Result<()> {
    db::query(
        sql!("UPDATE live_sessions SET ended_at = last_seen_at WHERE id = " #1 " AND ended_at IS NULL"),
    )
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The channel was observed offline at `at`: close its open session unless a later sighting exists.
pub(crate) async fn observe_offline(
    conn: &mut db::Conn,
    channel: i64,
    at: DateTime<Utc>,
    stats: &mut WriteStats,
) -> Result<()> {
    let closed = db::query(sql!("UPDATE live_sessions SET ended_at = last_seen_at
         WHERE channel_id = " #1 " AND ended_at IS NULL AND last_seen_at <= " #2))
    .bind(channel)
    .bind(at)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    stats.sessions_closed += closed;
    Ok(())
}

/// Close open sessions of `platform` last seen before `cutoff`.
pub(crate) async fn close_stale(
    conn: &mut db::Conn,
    platform: Platform,
    cutoff: DateTime<Utc>,
    stats: &mut WriteStats,
) -> Result<()> {
    // The pages of a list written page by page close nothing (`never_close`: the epoch); no
    // statement for them.
    if cutoff <= DateTime::<Utc>::UNIX_EPOCH {
        return Ok(());
    }
    let closed = db::query(sql!("UPDATE live_sessions SET ended_at = last_seen_at
         WHERE ended_at IS NULL AND last_seen_at < " #2 "
           AND channel_id IN (SELECT id FROM channels WHERE platform = " #1 ")"))
    .bind(platform.as_str())
    .bind(cutoff)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    stats.sessions_closed += closed;
    Ok(())
}

/// Tags as stored: a JSON array of strings.
pub(crate) fn serde_json_tags(tags: &[String]) -> String {
    serde_json::to_string(tags).unwrap_or_else(|_| "[]".to_string())
}
