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
use streamtide_core::Platform;

use crate::db::{self, Backend};
use crate::sessions::ChannelSighting;
use crate::Result;

/// How stale a channel's stored `last_seen_at` may get before an unchanged sighting refreshes
/// it. An hour: twelve channels rounds at the default 5-minute interval, and finer than anyone
/// reads "last seen" of a channel (a snapshot carries the exact time).
pub(crate) const LAST_SEEN_RESOLUTION: Duration = Duration::hours(1);

/// A stored channel row that a sighting at some time may leave alone: not missing, and seen
/// last at or before that time but less than [`LAST_SEEN_RESOLUTION`] before it
/// ([`fresh_channels`] finds them). Whether it does depends on what the sighting says.
#[derive(Debug, Clone)]
pub(crate) struct FreshChannel {
    pub id: i64,
    name: String,
    handle: Option<String>,
    avatar_url: Option<String>,
    description: Option<String>,
}

impl FreshChannel {
    /// Whether the upsert of `s` would change nothing here but move `last_seen_at` (mirrors
    /// `sessions::channel_upsert` rule by rule, on the values the upsert binds).
    pub fn unchanged_by(&self, s: &ChannelSighting<'_>) -> bool {
        // The upsert keeps the stored value where the sighting has none.
        let keeps = |new: Option<&str>, old: Option<&str>| new.is_none_or(|n| Some(n) == old);
        keeps(s.written_name(), Some(&self.name))
            && keeps(s.handle, self.handle.as_deref())
            && keeps(s.written_avatar_url(), self.avatar_url.as_deref())
            && keeps(s.written_description(), self.description.as_deref())
    }
}

/// The rows of `platform_ids` (at most a statement's worth) that a sighting at `at` may leave
/// alone, by platform id. The others (new, missing, due for a refresh, or seen later than `at`)
/// must be written whatever the sighting says; leaving them out keeps this read cheap in the
/// round where every row is due.
///
/// On PostgreSQL and MariaDB the rows are locked (`FOR UPDATE`) as the upsert would lock them,
/// so that a concurrent writer cannot mark a channel missing between this read and the decision
/// to skip its write. SQLite's write transaction already holds the whole database.
pub(crate) async fn fresh_channels(
    conn: &mut db::Conn,
    platform: Platform,
    platform_ids: &[&str],
    at: DateTime<Utc>,
) -> Result<HashMap<String, FreshChannel>> {
    if platform_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let lock = match conn.backend() {
        Backend::Sqlite => "",
        Backend::Postgres | Backend::MySql => " FOR UPDATE",
    };
    let mut sql = db::built!(conn.backend();
        "SELECT id, platform_id, name, handle, avatar_url, description FROM channels
         WHERE platform = " #1 " AND missing_since IS NULL AND last_seen_at > " #2 " AND last_seen_at <= " #3 "
           AND platform_id IN ("
    );
    sql.params(4, platform_ids.len()).push(")").push(lock);
    let mut q = db::query_as::<FreshRow>(sql)
        .bind(platform.as_str())
        .bind(at - LAST_SEEN_RESOLUTION)
        .bind(at);
    for id in platform_ids {
        q = q.bind(*id);
    }
    Ok(q.fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|(id, platform_id, name, handle, avatar_url, description)| {
            let row = FreshChannel {
                id,
                name,
                handle,
                avatar_url,
                description,
            };
            (platform_id, row)
        })
        .collect())
}

type FreshRow = (
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

#[cfg(test)]
mod tests {
    use super::*;

    fn stored() -> FreshChannel {
        FreshChannel {
            id: 7,
            name: "이름".into(),
            handle: Some("handle".into()),
            avatar_url: Some("https://a/1".into()),
            description: None,
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

    #[test]
    fn the_same_channel_needs_no_write() {
        assert!(stored().unchanged_by(&sighting()));
        // What a sighting lacks is kept, so it changes nothing either.
        let bare = ChannelSighting {
            name: None,
            handle: None,
            avatar_url: None,
            description: None,
            ..sighting()
        };
        assert!(stored().unchanged_by(&bare));
    }

    #[test]
    fn any_change_is_written() {
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
            assert!(!stored().unchanged_by(c), "{:?}", c.name);
        }
    }
}
