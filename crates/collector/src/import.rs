//! Importing a roster: every entry recognised, resolved to the platform's stable id, tracked, and
//! linked to its creator.
//!
//! Each entry stands alone: an unknown platform, a dead channel or a platform that fails becomes
//! an "unresolved" line with its reason, and the rest is imported. Importing the same file again
//! finds everything already present and changes nothing.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;
use streamtide_core::{ChannelInfo, ChannelRef, Platform, RefKind};
use streamtide_platforms::PlatformAdapter;
use streamtide_roster::{Entry, Roster};
use streamtide_storage::Store;

use crate::fanout::fan_out;

/// References resolved per adapter call (Twitch's `/users` takes 100).
const RESOLVE_BATCH: usize = 100;

/// What became of one roster entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum Outcome {
    /// Newly tracked (or newly linked to this creator).
    Imported {
        platform: Platform,
        channel_id: String,
        name: String,
    },
    /// Tracked and linked already: nothing changed.
    AlreadyPresent {
        platform: Platform,
        channel_id: String,
    },
    /// The same channel as an earlier row of the file.
    Duplicate { first_row: usize },
    /// Not imported, and why.
    Unresolved { reason: String },
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportLine {
    pub row: usize,
    pub creator: String,
    pub reference: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// The import report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub imported: usize,
    pub already_present: usize,
    pub duplicates: usize,
    pub unresolved: usize,
    pub creators_created: usize,
    pub lines: Vec<ReportLine>,
}

/// Recognise an entry: a URL says its platform; a bare id or handle needs the row's platform.
pub fn recognise(entry: &Entry) -> Result<ChannelRef, String> {
    let reference = entry.reference.trim();
    if let Some(r) = streamtide_platforms::parse_any_channel_ref(reference) {
        return match entry.platform {
            Some(p) if p != r.platform => Err(format!(
                "the row says {p} but `{reference}` is a {} channel",
                r.platform
            )),
            _ => Ok(r),
        };
    }
    let Some(platform) = entry.platform else {
        return Err(format!(
            "cannot tell the platform of `{reference}`: use a channel URL or fill the platform column"
        ));
    };
    // A bare id or handle in a platform column: let that platform's recogniser try its prefix form.
    let prefixed = format!("{}:{}", platform.as_str(), reference);
    Ok(streamtide_platforms::parse_any_channel_ref(&prefixed)
        .filter(|r| r.platform == platform)
        .unwrap_or_else(|| ChannelRef::handle(platform, reference)))
}

fn key(r: &ChannelRef) -> String {
    match &r.kind {
        RefKind::Id(id) => format!("{}:id:{}", r.platform, id),
        RefKind::Handle(h) => format!("{}:handle:{}", r.platform, h.to_lowercase()),
    }
}

/// Import `roster`. `progress(done, total)` is called as entries are resolved.
pub async fn import_roster(
    roster: &Roster,
    adapters: &[Arc<dyn PlatformAdapter>],
    store: &Store,
    now: DateTime<Utc>,
    concurrency: usize,
    progress: impl Fn(usize, usize) + Send + Sync + 'static,
) -> Result<ImportReport, streamtide_storage::StoreError> {
    let mut report = ImportReport::default();
    for e in &roster.errors {
        report.lines.push(ReportLine {
            row: e.row,
            creator: String::new(),
            reference: String::new(),
            outcome: Outcome::Unresolved {
                reason: e.message.clone(),
            },
        });
    }
    // Recognise everything first; resolve each distinct reference once.
    let recognised: Vec<Result<ChannelRef, String>> =
        roster.entries.iter().map(recognise).collect();
    let mut distinct: Vec<ChannelRef> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for r in recognised.iter().flatten() {
        seen.entry(key(r)).or_insert_with(|| {
            distinct.push(r.clone());
            distinct.len() - 1
        });
    }
    let total = distinct.len();
    let progress = Arc::new(progress);
    let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let by_platform: HashMap<Platform, Arc<dyn PlatformAdapter>> = adapters
        .iter()
        .map(|a| (a.platform(), Arc::clone(a)))
        .collect();
    // One task per platform, resolving its references in batches: platforms whose API looks up
    // many at once (Twitch: 100 logins a call) get one request per batch, not per row.
    let mut per_platform: HashMap<Platform, Vec<(usize, ChannelRef)>> = HashMap::new();
    for (i, r) in distinct.into_iter().enumerate() {
        per_platform.entry(r.platform).or_default().push((i, r));
    }
    let groups: Vec<(Platform, Vec<(usize, ChannelRef)>)> = per_platform.into_iter().collect();
    let answered = fan_out(groups, concurrency, |(platform, refs)| {
        let adapter = by_platform.get(&platform).cloned();
        let progress = Arc::clone(&progress);
        let done = Arc::clone(&done);
        async move {
            let mut out: Vec<(usize, Result<ChannelInfo, String>)> = Vec::with_capacity(refs.len());
            for batch in refs.chunks(RESOLVE_BATCH) {
                type Answer =
                    Option<Result<Option<ChannelInfo>, streamtide_platforms::AdapterError>>;
                let results: Vec<Answer> = match &adapter {
                    None => batch.iter().map(|_| None).collect(),
                    Some(a) => {
                        let refs: Vec<ChannelRef> = batch.iter().map(|(_, r)| r.clone()).collect();
                        a.resolve_many(&refs).await.into_iter().map(Some).collect()
                    }
                };
                for ((i, r), res) in batch.iter().zip(results) {
                    let res = match res {
                        None => Err(format!(
                            "{} is not enabled (or has no credentials) in this configuration",
                            r.platform
                        )),
                        Some(Ok(Some(info))) => Ok(info),
                        Some(Ok(None)) => Err(format!("{} has no such channel", r.platform)),
                        Some(Err(e)) => Err(format!("lookup failed: {e}")),
                    };
                    out.push((*i, res));
                }
                let n =
                    done.fetch_add(batch.len(), std::sync::atomic::Ordering::Relaxed) + batch.len();
                progress(n, total);
            }
            out
        }
    })
    .await;
    let mut resolved: Vec<Result<ChannelInfo, String>> =
        vec![Err("not resolved (the lookup task failed)".to_string()); total];
    for (i, res) in answered.into_iter().flatten() {
        resolved[i] = res;
    }

    let mut creators: HashMap<String, i64> = HashMap::new();
    let mut placed: HashMap<(Platform, String), usize> = HashMap::new();
    for (entry, rec) in roster.entries.iter().zip(&recognised) {
        let outcome = match rec {
            Err(reason) => Outcome::Unresolved {
                reason: reason.clone(),
            },
            Ok(r) => match &resolved[seen[&key(r)]] {
                Err(reason) => Outcome::Unresolved {
                    reason: reason.clone(),
                },
                Ok(info) => {
                    let creator = match creators.get(&entry.creator) {
                        Some(id) => *id,
                        None => {
                            let (id, created) = store.upsert_creator(&entry.creator, now).await?;
                            report.creators_created += usize::from(created);
                            creators.insert(entry.creator.clone(), id);
                            id
                        }
                    };
                    let pk = (info.platform, info.channel_id.0.clone());
                    if let Some(first_row) = placed.get(&pk) {
                        Outcome::Duplicate {
                            first_row: *first_row,
                        }
                    } else {
                        placed.insert(pk, entry.row);
                        let newly_tracked = store.track_channel(info, now).await?;
                        let newly_linked = store
                            .link_channel(info.platform, &info.channel_id, creator)
                            .await?;
                        if newly_tracked || newly_linked {
                            Outcome::Imported {
                                platform: info.platform,
                                channel_id: info.channel_id.0.clone(),
                                name: info.name.clone(),
                            }
                        } else {
                            Outcome::AlreadyPresent {
                                platform: info.platform,
                                channel_id: info.channel_id.0.clone(),
                            }
                        }
                    }
                }
            },
        };
        report.lines.push(ReportLine {
            row: entry.row,
            creator: entry.creator.clone(),
            reference: entry.reference.clone(),
            outcome,
        });
    }
    report.lines.sort_by_key(|l| l.row);
    for l in &report.lines {
        match l.outcome {
            Outcome::Imported { .. } => report.imported += 1,
            Outcome::AlreadyPresent { .. } => report.already_present += 1,
            Outcome::Duplicate { .. } => report.duplicates += 1,
            Outcome::Unresolved { .. } => report.unresolved += 1,
        }
    }
    Ok(report)
}
