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
            Cell::new(truncate(
                item.category_name
                    .as_deref()
                    .or(item.category_id.as_deref())
                    .unwrap_or(""),
                18,
            )),
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
