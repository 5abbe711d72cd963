//! What a spreadsheet puts beside a channel: its name, handle (Twitch's login makes its URL) and
//! the creator it is linked to, looked up for many channels at once.

use crate::db::sql;
use std::collections::HashMap;

use streamtide_core::Platform;

use crate::{db, Result, Store};

/// A channel's labels.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChannelLabel {
    pub name: String,
    pub handle: Option<String>,
    /// The creator the channel is linked to, if any.
    pub creator: Option<String>,
}

/// Ids per `IN (…)` list (well under SQLite's parameter limit).
const IN_CHUNK: usize = 500;

impl Store {
    /// The id of the channel of `platform` whose id is `text`, or else whose handle is `text`
    /// (case-insensitive, with or without a leading `@`); tracked channels first.
    pub async fn find_channel(&self, platform: Platform, text: &str) -> Result<Option<String>> {
        let text = text.trim();
        let bare = text.trim_start_matches('@').to_lowercase();
        let at = format!("@{bare}");
        Ok(db::query_scalar::<String>(
            sql!("SELECT platform_id FROM channels
             WHERE platform = " #1 " AND (platform_id = " #2 " OR LOWER(handle) = " #3 " OR LOWER(handle) = " #4 ")
             ORDER BY CASE WHEN platform_id = " #2 " THEN 0 ELSE 1 END, tracked DESC, id LIMIT 1"),
        )
        .bind(platform.as_str())
        .bind(text)
        .bind(bare)
        .bind(at)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The labels of each of `channels` (platform, platform id) the store knows; unknown ones are
    /// absent from the map.
    pub async fn channel_labels(
        &self,
        channels: &[(Platform, String)],
    ) -> Result<HashMap<(Platform, String), ChannelLabel>> {
        let mut ids: Vec<&str> = channels.iter().map(|(_, id)| id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        let wanted: std::collections::HashSet<&(Platform, String)> = channels.iter().collect();
        let mut out = HashMap::with_capacity(channels.len());
        for chunk in ids.chunks(IN_CHUNK) {
            let mut sql = db::built!(self.backend();
                "SELECT c.platform, c.platform_id, c.name, c.handle, cr.name AS creator
                 FROM channels c LEFT JOIN creators cr ON cr.id = c.creator_id
                 WHERE c.platform_id IN ("
            );
            sql.params(1, chunk.len()).push(")");
            let mut q = db::query(sql);
            for id in chunk {
                q = q.bind(*id);
            }
            for row in q.fetch_all(&self.pool).await? {
                let platform = crate::stored_platform(&row.get::<String, _>("platform"))?;
                let key = (platform, row.get::<String, _>("platform_id"));
                if wanted.contains(&key) {
                    out.insert(
                        key,
                        ChannelLabel {
                            name: row.get("name"),
                            handle: row.get("handle"),
                            creator: row.get("creator"),
                        },
                    );
                }
            }
        }
        Ok(out)
    }
}
