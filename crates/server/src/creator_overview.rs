//! The creators overview behind `GET /api/v1/creators`: every creator with their follower
//! changes, filtered by a search and a platform and sorted by a column, before paging.
//!
//! Sorting by a change needs every creator's change, so the whole list is computed once (the
//! creator statistics of each, summed across their channels) and cached like a ranking.

use std::cmp::Ordering;

use streamtide_core::Platform;
use streamtide_storage::{CreatorRow, Store};

use crate::dto_analytics::{ChangeDto, ChangesDto};
use crate::error::ApiError;

/// A creator and their follower changes (`None` changes: the statistics could not be read).
#[derive(Debug, Clone)]
pub struct CreatorSummary {
    pub row: CreatorRow,
    pub changes: ChangesDto,
}

/// The column a creator list is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreatorSort {
    Name,
    Followers,
    /// Absolute follower change over 1, 7 or 30 days.
    Change(u32),
    /// Percent follower change over 1, 7 or 30 days.
    Pct(u32),
}

impl CreatorSort {
    /// `name` (default), `followers`, `change_1d|7d|30d` or `pct_1d|7d|30d`.
    pub fn parse(raw: Option<&str>) -> Result<CreatorSort, ApiError> {
        let raw = raw.map(str::trim).unwrap_or("");
        let days = |s: &str| match s {
            "1d" => Some(1),
            "7d" => Some(7),
            "30d" => Some(30),
            _ => None,
        };
        let sort = match raw {
            "" | "name" => Some(CreatorSort::Name),
            "followers" => Some(CreatorSort::Followers),
            _ => raw
                .strip_prefix("change_")
                .and_then(days)
                .map(CreatorSort::Change)
                .or_else(|| {
                    raw.strip_prefix("pct_")
                        .and_then(days)
                        .map(CreatorSort::Pct)
                }),
        };
        sort.ok_or_else(|| {
            ApiError::bad_request(format!(
                "unknown sort `{raw}` (expected name, followers, change_1d, change_7d, change_30d, pct_1d, pct_7d or pct_30d)"
            ))
        })
    }

    /// Names ascend; figures descend (the largest first), unless `order` says otherwise.
    pub fn default_descending(self) -> bool {
        self != CreatorSort::Name
    }
}

/// Every creator with their changes, by name.
pub async fn load_all(store: &Store) -> Result<Vec<CreatorSummary>, ApiError> {
    let (rows, _) = store.creators(u32::MAX, 0).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let changes = match store.creator_stats(row.id).await? {
            Some(s) => crate::dto_analytics::CreatorStatsDto::from(s).changes,
            None => no_changes(),
        };
        out.push(CreatorSummary { row, changes });
    }
    Ok(out)
}

/// Every period unknown.
pub fn no_changes() -> ChangesDto {
    let none = ChangeDto {
        abs: None,
        pct: None,
        rounded: false,
        available_from: None,
    };
    ChangesDto {
        d1: none.clone(),
        d7: none.clone(),
        d30: none.clone(),
        d90: none,
    }
}

/// The change of a period in `changes`.
fn period(changes: &ChangesDto, days: u32) -> &ChangeDto {
    match days {
        1 => &changes.d1,
        7 => &changes.d7,
        30 => &changes.d30,
        _ => &changes.d90,
    }
}

/// Does the creator match the search: their name, or a channel's name or handle, contains `q`
/// (case-insensitive)?
fn matches(c: &CreatorRow, q: &str) -> bool {
    let hit = |s: &str| s.to_lowercase().contains(q);
    hit(&c.name)
        || c.channels
            .iter()
            .any(|ch| hit(&ch.name) || ch.handle.as_deref().is_some_and(hit))
}

/// `all` filtered by `q` and `platform` (a creator with a channel there) and sorted by `sort`.
/// Unknown figures (`null`) come last in either order; ties go by name, then id.
pub fn select<'a>(
    all: &'a [CreatorSummary],
    q: Option<&str>,
    platform: Option<Platform>,
    sort: CreatorSort,
    descending: bool,
) -> Vec<&'a CreatorSummary> {
    let q = q.map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty());
    let mut out: Vec<&CreatorSummary> = all
        .iter()
        .filter(|c| q.as_deref().is_none_or(|q| matches(&c.row, q)))
        .filter(|c| platform.is_none_or(|p| c.row.channels.iter().any(|ch| ch.platform == p)))
        .collect();
    let key = |c: &CreatorSummary| -> Option<f64> {
        match sort {
            CreatorSort::Name => None,
            CreatorSort::Followers => c.row.followers_total.map(|v| v as f64),
            CreatorSort::Change(d) => period(&c.changes, d).abs.map(|v| v as f64),
            CreatorSort::Pct(d) => period(&c.changes, d).pct,
        }
    };
    let by_name = |a: &CreatorSummary, b: &CreatorSummary| {
        a.row
            .name
            .cmp(&b.row.name)
            .then_with(|| a.row.id.cmp(&b.row.id))
    };
    out.sort_by(|a, b| {
        let ord = if sort == CreatorSort::Name {
            by_name(a, b)
        } else {
            match (key(a), key(b)) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                // Unknown last whatever the order: reversed below, so pre-invert.
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            }
        };
        let known = |c: &CreatorSummary| sort == CreatorSort::Name || key(c).is_some();
        let ord = if descending && known(a) && known(b) {
            ord.reverse()
        } else {
            ord
        };
        ord.then_with(|| by_name(a, b))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn creator(id: i64, name: &str, followers: Option<u64>, d7: Option<i64>) -> CreatorSummary {
        let mut changes = no_changes();
        changes.d7.abs = d7;
        CreatorSummary {
            row: CreatorRow {
                id,
                name: name.into(),
                created_at: Utc::now(),
                channels: Vec::new(),
                followers_total: followers,
            },
            changes,
        }
    }

    #[test]
    fn unknown_changes_sort_last_both_ways() {
        let all = vec![
            creator(1, "가", Some(10), None),
            creator(2, "나", Some(20), Some(-5)),
            creator(3, "다", None, Some(7)),
        ];
        let ids = |v: Vec<&CreatorSummary>| v.iter().map(|c| c.row.id).collect::<Vec<_>>();
        let s = CreatorSort::Change(7);
        assert_eq!(ids(select(&all, None, None, s, true)), [3, 2, 1]);
        assert_eq!(ids(select(&all, None, None, s, false)), [2, 3, 1]);
        let f = CreatorSort::Followers;
        assert_eq!(ids(select(&all, None, None, f, true)), [2, 1, 3]);
        assert_eq!(ids(select(&all, None, None, f, false)), [1, 2, 3]);
        assert_eq!(ids(select(&all, Some(" 나 "), None, f, true)), [2]);
    }

    #[test]
    fn sort_names_parse() {
        assert_eq!(CreatorSort::parse(None).unwrap(), CreatorSort::Name);
        assert_eq!(
            CreatorSort::parse(Some("pct_30d")).unwrap(),
            CreatorSort::Pct(30)
        );
        assert!(CreatorSort::parse(Some("change_90d")).is_err());
    }
}
