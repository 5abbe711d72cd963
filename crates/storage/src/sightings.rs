//! Whether a channel sighting needs a write at all.
//!
//! Every channels round sees every tracked channel, and nearly always nothing about it has
//! changed: same name, handle, avatar and description, not missing. Rewriting its `channels` row
//! and its name and handle history rows anyway, only to move `last_seen_at` by one round, was
//! the largest cost of the write path (BENCHMARKS.md, "Sightings that change nothing"). So a
//! sighting that would change nothing but `last_seen_at`, by less than [`LAST_SEEN_RESOLUTION`],
//! writes nothing: the channel's and its current name's and handle's `last_seen_at` are kept to
//! within about that resolution. Where a sighting leaves a snapshot (channels rounds), the
//! exact time is still known, and the channel reads report the later of the two.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sqlx::AnyConnection;
use streamtide_core::Platform;

use crate::db::{self, Backend};
use crate::sessions::{placeholders, ChannelSighting};
use crate::time::from_db_time;
use crate::Result;

/// How stale a channel's stored `last_seen_at` may get before an unchanged sighting refreshes
/// it. An hour: twelve channels rounds at the default 5-minute interval, and finer than anyone
/// reads "last seen" of a channel (a snapshot carries the exact time).
pub(crate) const LAST_SEEN_RESOLUTION: Duration = Duration::hours(1);

/// A stored channel row, as far as a sighting could change it.
#[derive(Debug, Clone)]
pub(crate) struct StoredChannel {
    pub id: i64,
    name: String,
    handle: Option<String>,
    avatar_url: Option<String>,
    description: Option<String>,
    last_seen_at: String,
    missing: bool,
}

impl StoredChannel {
    /// Whether the upsert of `s` seen at `at` (stored form `at_s`) would change nothing but
    /// move `last_seen_at` forward by less than [`LAST_SEEN_RESOLUTION`]. Mirrors
    /// `sessions::CHANNEL_UPSERT` rule by rule; anything else (a sighting older than the stored
    /// one, a missing channel found again, a stored time that does not parse) is a change.
    pub fn unchanged_by(&self, s: &ChannelSighting<'_>, at: DateTime<Utc>, at_s: &str) -> bool {
        if self.missing || at_s < self.last_seen_at.as_str() {
            return false;
        }
        let Some(last) = from_db_time(&self.last_seen_at) else {
            return false;
        };
        if at - last >= LAST_SEEN_RESOLUTION {
            return false;
        }
        // The upsert keeps the stored value where the sighting has none.
        let keeps = |new: Option<&str>, old: Option<&str>| new.is_none_or(|n| Some(n) == old);
        keeps(
            s.name.map(str::trim).filter(|n| !n.is_empty()),
            Some(&self.name),
        ) && keeps(s.handle, self.handle.as_deref())
            && keeps(
                s.avatar_url.filter(|u| !u.is_empty()),
                self.avatar_url.as_deref(),
            )
            && keeps(
                s.description.filter(|d| !d.is_empty()),
                self.description.as_deref(),
            )
    }
}

/// The stored rows of `platform_ids` (at most a statement's worth) that exist, by platform id.
///
/// On PostgreSQL and MariaDB the rows are locked (`FOR UPDATE`) as the upsert would lock them,
/// so that a concurrent writer cannot mark a channel missing between this read and the decision
/// to skip its write. SQLite's write transaction already holds the whole database.
pub(crate) async fn stored_channels(
    conn: &mut AnyConnection,
    platform: Platform,
    platform_ids: &[&str],
) -> Result<HashMap<String, StoredChannel>> {
    if platform_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let lock = match Backend::of(conn) {
        Backend::Sqlite => "",
        Backend::Postgres | Backend::MySql => " FOR UPDATE",
    };
    let sql = format!(
        "SELECT id, platform_id, name, handle, avatar_url, description, last_seen_at, missing_since
         FROM channels WHERE platform = ? AND platform_id IN ({}){lock}",
        placeholders(platform_ids.len(), "?")
    );
    let mut q = db::query_as::<StoredRow>(&sql).bind(platform.as_str());
    for id in platform_ids {
        q = q.bind(*id);
    }
    Ok(q.fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(
            |(id, platform_id, name, handle, avatar_url, description, last_seen_at, missing)| {
                let row = StoredChannel {
                    id,
                    name,
                    handle,
                    avatar_url,
                    description,
                    last_seen_at,
                    missing: missing.is_some(),
                };
                (platform_id, row)
            },
        )
        .collect())
}

type StoredRow = (
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::to_db_time;

    fn stored() -> StoredChannel {
        StoredChannel {
            id: 7,
            name: "이름".into(),
            handle: Some("handle".into()),
            avatar_url: Some("https://a/1".into()),
            description: None,
            last_seen_at: "2026-03-01T12:00:00Z".into(),
            missing: false,
        }
    }

    fn sighting<'a>() -> ChannelSighting<'a> {
        ChannelSighting {
            platform: Platform::Chzzk,
            platform_id: "c1",
            name: Some(" 이름 "),
            handle: Some("handle"),
            avatar_url: Some("https://a/1"),
            description: Some(""),
        }
    }

    fn at(minutes: i64) -> (DateTime<Utc>, String) {
        let t = from_db_time("2026-03-01T12:00:00Z").unwrap() + Duration::minutes(minutes);
        (t, to_db_time(t))
    }

    #[test]
    fn the_same_channel_within_the_resolution_needs_no_write() {
        let (t, s) = at(59);
        assert!(stored().unchanged_by(&sighting(), t, &s));
        // What a sighting lacks is kept, so it changes nothing either.
        let bare = ChannelSighting {
            name: None,
            handle: None,
            avatar_url: None,
            description: None,
            ..sighting()
        };
        assert!(stored().unchanged_by(&bare, t, &s));
    }

    #[test]
    fn any_change_is_written() {
        let (t, s) = at(5);
        let changed = [
            ChannelSighting {
                name: Some("새 이름"),
                ..sighting()
            },
            ChannelSighting {
                handle: Some("renamed"),
                ..sighting()
            },
            ChannelSighting {
                avatar_url: Some("https://a/2"),
                ..sighting()
            },
            ChannelSighting {
                description: Some("about"),
                ..sighting()
            },
        ];
        for c in &changed {
            assert!(!stored().unchanged_by(c, t, &s));
        }
        let missing = StoredChannel {
            missing: true,
            ..stored()
        };
        assert!(!missing.unchanged_by(&sighting(), t, &s), "found again");
        let (t, s) = at(60);
        assert!(!stored().unchanged_by(&sighting(), t, &s), "refresh due");
        let (t, s) = at(-1);
        assert!(
            !stored().unchanged_by(&sighting(), t, &s),
            "an older sighting"
        );
        let broken = StoredChannel {
            last_seen_at: "yesterday".into(),
            ..stored()
        };
        let (t, s) = at(1);
        assert!(!broken.unchanged_by(&sighting(), t, &s));
    }
}
