//! Terminal tables. Korean names are double-width; comfy-table measures display width.

use comfy_table::{presets::UTF8_FULL_CONDENSED, Cell, CellAlignment, Table};
use streamtide_collector::RoundSummary;
use streamtide_storage::{ChannelRow, LiveItem};

fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    t.set_header(header.iter().map(Cell::new));
    t
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

fn opt(v: Option<u64>) -> String {
    v.map_or_else(|| "—".to_string(), |n| n.to_string())
}

/// A broadcast's category as a person reads it: the shared vocabulary's Korean label, else the
/// platform's category name; a bare platform id (SOOP's `00040003`, Twitch's numeric ids) is not
/// a label and is left out.
pub fn category_label(item: &LiveItem) -> String {
    use streamtide_curate::categories::Vocabulary;
    let mapped = Vocabulary::global().map(
        item.platform,
        item.category_id.as_deref(),
        item.category_name.as_deref(),
        &item.title,
    );
    if let Some(tag) = mapped.tag() {
        return tag.ko.clone();
    }
    match item.category_name.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => name.replace('_', " "),
        _ => match item.category_id.as_deref().map(str::trim) {
            // CHZZK's ids are names ("League_of_Legends"); digits name nothing.
            Some(id) if !id.is_empty() && !id.bytes().all(|b| b.is_ascii_digit()) => {
                id.replace('_', " ")
            }
            _ => String::new(),
        },
    }
}

pub fn live_table(items: &[LiveItem]) -> Table {
    let mut t = table(&[
        "#",
        "platform",
        "viewers",
        "channel",
        "title",
        "category",
        "live since (UTC)",
    ]);
    for (i, item) in items.iter().enumerate() {
        t.add_row(vec![
            Cell::new(i + 1).set_alignment(CellAlignment::Right),
            Cell::new(item.platform.display_name()),
            Cell::new(item.viewers).set_alignment(CellAlignment::Right),
            Cell::new(truncate(&item.channel_name, 16)),
            Cell::new(format!(
                "{}{}",
                if item.adult { "[19] " } else { "" },
                truncate(&item.title, 40)
            )),
            Cell::new(truncate(&category_label(item), 18)),
            Cell::new(item.started_at.format("%m-%d %H:%M")),
        ]);
    }
    t
}

pub fn channel_table(rows: &[ChannelRow]) -> Table {
    let mut t = table(&[
        "platform",
        "id",
        "name",
        "followers",
        "views",
        "live",
        "tracked",
    ]);
    for r in rows {
        t.add_row(vec![
            Cell::new(r.platform.display_name()),
            Cell::new(&r.channel_id),
            Cell::new(truncate(&r.name, 20)),
            Cell::new(opt(r.followers)).set_alignment(CellAlignment::Right),
            Cell::new(opt(r.total_views)).set_alignment(CellAlignment::Right),
            // A channel nothing has observed yet is of unknown state, not offline.
            Cell::new(match (&r.live, r.live_known) {
                (Some(l), _) => l.viewers.to_string(),
                (None, true) => "offline".to_string(),
                (None, false) => "unknown".to_string(),
            }),
            Cell::new(if r.tracked { "yes" } else { "" }),
        ]);
    }
    t
}

pub fn round_table(summaries: &[RoundSummary]) -> Table {
    let mut t = table(&[
        "platform",
        "job",
        "requests",
        "rows written",
        "sessions +/-",
        "errors",
        "status",
    ]);
    for s in summaries {
        let status = match (&s.failure, s.errors) {
            (Some(f), _) => format!("FAILED: {}", truncate(f, 60)),
            (None, 0) => "ok".to_string(),
            (None, n) => format!(
                "partial ({n} failed): {}",
                truncate(s.first_error.as_deref().unwrap_or(""), 50)
            ),
        };
        t.add_row(vec![
            Cell::new(s.platform.map_or("?", |p| p.as_str())),
            Cell::new(s.job.map_or("?", |j| j.as_str())),
            Cell::new(s.requests).set_alignment(CellAlignment::Right),
            Cell::new(s.written.rows()).set_alignment(CellAlignment::Right),
            Cell::new(format!(
                "+{} / -{}",
                s.written.sessions_opened, s.written.sessions_closed
            )),
            Cell::new(s.errors).set_alignment(CellAlignment::Right),
            Cell::new(status),
        ]);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use streamtide_core::Platform;

    fn item(platform: Platform, id: Option<&str>, name: Option<&str>) -> LiveItem {
        LiveItem {
            platform,
            channel_id: "c".into(),
            channel_name: "채널".into(),
            channel_avatar_url: None,
            broadcast_id: None,
            title: "방송".into(),
            viewers: 1,
            peak_viewers: 1,
            category_id: id.map(Into::into),
            category_name: name.map(Into::into),
            tags: vec![],
            thumbnail_url: None,
            started_at: Utc::now(),
            last_seen_at: Utc::now(),
            url: String::new(),
            adult: false,
            language: None,
            creator_id: None,
            detected_language: None,
            language_confidence: None,
            thumbnail_hash: None,
            avatar_hash: None,
        }
    }

    #[test]
    fn categories_show_labels_never_bare_ids() {
        let soop_lol = item(Platform::Soop, Some("00040019"), None);
        assert_eq!(category_label(&soop_lol), "리그 오브 레전드");
        let unknown = item(Platform::Soop, Some("00049999"), None);
        assert_eq!(category_label(&unknown), "");
        let twitch = item(Platform::Twitch, Some("20"), None);
        assert_eq!(category_label(&twitch), "");
        let named = item(Platform::Twitch, Some("509658"), Some("Just Chatting"));
        assert!(!category_label(&named).chars().all(|c| c.is_ascii_digit()));
        let chzzk = item(Platform::Chzzk, Some("Some_New_Game"), None);
        assert_eq!(category_label(&chzzk), "Some New Game");
    }
}
