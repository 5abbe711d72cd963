//! Importing a roster: every entry recognised, resolved to the platform's stable id, tracked, and
//! linked to its creator.
//!
//! Each entry stands alone: an unknown platform or a dead channel becomes an "unresolved" line
//! with its reason, and the rest is imported. An entry whose platform could not be reached
//! (timeouts, 5xx, 429) is "pending": kept in the store (`pending_imports`) and tried again by
//! [`retry_pending`] (`streamtide import --retry`, and `streamtide run`), never lost. Importing
//! the same file again finds everything already present and changes nothing.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;
use streamtide_core::{ChannelInfo, ChannelRef, Platform, RefKind};
use streamtide_platforms::PlatformAdapter;
use streamtide_roster::{Entry, Roster};
use streamtide_storage::{NewPendingImport, Store};

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
    /// Not imported for now: the platform could not be reached. Kept in the store and retried.
    Pending { reason: String },
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportLine {
    /// The file the row came from, when a report covers several (a retry).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
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
    /// Kept for a retry (their platform was unreachable).
    pub pending: usize,
    pub creators_created: usize,
    pub lines: Vec<ReportLine>,
}

impl ImportReport {
    /// Rows that were not imported (failed, or kept for a retry).
    pub fn failed(&self) -> usize {
        self.unresolved + self.pending
    }

    /// Count the lines' outcomes.
    fn count_outcomes(&mut self) {
        for l in &self.lines {
            match l.outcome {
                Outcome::Imported { .. } => self.imported += 1,
                Outcome::AlreadyPresent { .. } => self.already_present += 1,
                Outcome::Duplicate { .. } => self.duplicates += 1,
                Outcome::Unresolved { .. } => self.unresolved += 1,
                Outcome::Pending { .. } => self.pending += 1,
            }
        }
    }

    fn absorb(&mut self, other: ImportReport) {
        self.imported += other.imported;
        self.already_present += other.already_present;
        self.duplicates += other.duplicates;
        self.unresolved += other.unresolved;
        self.pending += other.pending;
        self.creators_created += other.creators_created;
        self.lines.extend(other.lines);
    }
}

/// Why a reference did not resolve.
#[derive(Debug, Clone)]
enum Failure {
    /// It never will as it stands (no such channel, platform off, unrecognisable).
    Permanent(String),
    /// The platform could not be reached; try again later.
    ForNow(String),
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

/// Import `roster` (from a file called `roster`). `progress(done, total)` is called as entries
/// are resolved.
pub async fn import_roster(
    roster: &Roster,
    adapters: &[Arc<dyn PlatformAdapter>],
    store: &Store,
    now: DateTime<Utc>,
    concurrency: usize,
    progress: impl Fn(usize, usize) + Send + Sync + 'static,
) -> Result<ImportReport, streamtide_storage::StoreError> {
    import_roster_from(
        roster,
        "roster",
        adapters,
        store,
        now,
        concurrency,
        progress,
    )
    .await
}

/// Import `roster`, read from the file `source` (named in the rows kept for a retry).
pub async fn import_roster_from(
    roster: &Roster,
    source: &str,
    adapters: &[Arc<dyn PlatformAdapter>],
    store: &Store,
    now: DateTime<Utc>,
    concurrency: usize,
    progress: impl Fn(usize, usize) + Send + Sync + 'static,
) -> Result<ImportReport, streamtide_storage::StoreError> {
    let mut report = ImportReport::default();
    report
        .lines
        .extend(roster.errors.iter().map(|e| ReportLine {
            source: None,
            row: e.row,
            creator: e.creator.clone(),
            reference: e.reference.clone(),
            outcome: Outcome::Unresolved {
                reason: e.message.clone(),
            },
        }));
    // Rows kept by an earlier import leave the table once they resolve (or never can).
    let kept: HashSet<(String, String)> = store
        .pending_imports()
        .await?
        .into_iter()
        .map(|p| (p.creator, p.reference))
        .collect();
    // Recognise everything first; resolve each distinct reference once.
    let recognised: Vec<Result<ChannelRef, String>> =
        roster.entries.iter().map(recognise).collect();
    let (distinct, seen) = distinct_refs(&recognised);
    let resolved = resolve_refs(distinct, adapters, concurrency, progress).await;

    let mut writer = RosterWriter {
        store,
        source,
        now,
        kept,
        creators: HashMap::new(),
        placed: HashMap::new(),
        creators_created: 0,
    };
    for (entry, rec) in roster.entries.iter().zip(&recognised) {
        let outcome = match rec {
            Err(reason) => Outcome::Unresolved {
                reason: reason.clone(),
            },
            Ok(r) => writer.place(entry, &resolved[seen[&key(r)]]).await?,
        };
        writer.settle_pending(entry, &outcome).await?;
        report.lines.push(ReportLine {
            source: None,
            row: entry.row,
            creator: entry.creator.clone(),
            reference: entry.reference.clone(),
            outcome,
        });
    }
    report.creators_created = writer.creators_created;
    report.lines.sort_by_key(|l| l.row);
    report.count_outcomes();
    Ok(report)
}

/// The distinct references among `recognised` (in first-seen order), and where each key's
/// reference sits in that list.
fn distinct_refs(
    recognised: &[Result<ChannelRef, String>],
) -> (Vec<ChannelRef>, HashMap<String, usize>) {
    let mut distinct: Vec<ChannelRef> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for r in recognised.iter().flatten() {
        seen.entry(key(r)).or_insert_with(|| {
            distinct.push(r.clone());
            distinct.len() - 1
        });
    }
    (distinct, seen)
}

/// Resolve every reference of `distinct`; the answer at `i` is `distinct[i]`'s.
async fn resolve_refs(
    distinct: Vec<ChannelRef>,
    adapters: &[Arc<dyn PlatformAdapter>],
    concurrency: usize,
    progress: impl Fn(usize, usize) + Send + Sync + 'static,
) -> Vec<Result<ChannelInfo, Failure>> {
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
            let mut out: Vec<(usize, Result<ChannelInfo, Failure>)> =
                Vec::with_capacity(refs.len());
            for batch in refs.chunks(RESOLVE_BATCH) {
                out.extend(resolve_batch(adapter.as_ref(), batch).await);
                let n =
                    done.fetch_add(batch.len(), std::sync::atomic::Ordering::Relaxed) + batch.len();
                progress(n, total);
            }
            out
        }
    })
    .await;
    let mut resolved: Vec<Result<ChannelInfo, Failure>> = vec![
        Err(Failure::ForNow(
            "not resolved (the lookup task failed)".to_string()
        ));
        total
    ];
    for (i, res) in answered.into_iter().flatten() {
        resolved[i] = res;
    }
    resolved
}

/// What an adapter said of one reference; `None` when no adapter serves its platform.
type Answer = Option<Result<Option<ChannelInfo>, streamtide_platforms::AdapterError>>;

/// Resolve one batch of a platform's references with one adapter call (none without an adapter).
async fn resolve_batch(
    adapter: Option<&Arc<dyn PlatformAdapter>>,
    batch: &[(usize, ChannelRef)],
) -> Vec<(usize, Result<ChannelInfo, Failure>)> {
    let results: Vec<Answer> = match adapter {
        None => batch.iter().map(|_| None).collect(),
        Some(a) => {
            let refs: Vec<ChannelRef> = batch.iter().map(|(_, r)| r.clone()).collect();
            a.resolve_many(&refs).await.into_iter().map(Some).collect()
        }
    };
    batch
        .iter()
        .zip(results)
        .map(|((i, r), res)| (*i, judge(r, res)))
        .collect()
}

/// The channel `r` resolved to, or why it did not (for good, or for now).
fn judge(r: &ChannelRef, res: Answer) -> Result<ChannelInfo, Failure> {
    match res {
        None => Err(Failure::Permanent(format!(
            "{} is not enabled (or has no credentials) in this configuration",
            r.platform
        ))),
        Some(Ok(Some(info))) => Ok(info),
        Some(Ok(None)) => Err(Failure::Permanent(format!(
            "{} has no such channel",
            r.platform
        ))),
        Some(Err(e)) if e.is_retryable() => {
            Err(Failure::ForNow(format!("{} unreachable: {e}", r.platform)))
        }
        Some(Err(e)) => Err(Failure::Permanent(format!("lookup failed: {e}"))),
    }
}

/// The write phase of an import: creators, tracked channels and links, and the rows kept for a
/// retry.
struct RosterWriter<'a> {
    store: &'a Store,
    source: &'a str,
    now: DateTime<Utc>,
    /// Rows kept by an earlier import (creator, reference).
    kept: HashSet<(String, String)>,
    /// Creators met so far, by name.
    creators: HashMap<String, i64>,
    /// The row each channel was first placed from.
    placed: HashMap<(Platform, String), usize>,
    creators_created: usize,
}

impl RosterWriter<'_> {
    /// Track and link the channel `entry`'s reference resolved to (or say why not).
    async fn place(
        &mut self,
        entry: &Entry,
        resolved: &Result<ChannelInfo, Failure>,
    ) -> Result<Outcome, streamtide_storage::StoreError> {
        let info = match resolved {
            Err(Failure::Permanent(reason)) => {
                return Ok(Outcome::Unresolved {
                    reason: reason.clone(),
                })
            }
            Err(Failure::ForNow(reason)) => {
                return Ok(Outcome::Pending {
                    reason: reason.clone(),
                })
            }
            Ok(info) => info,
        };
        let creator = self.creator(&entry.creator).await?;
        let pk = (info.platform, info.channel_id.0.clone());
        if let Some(first_row) = self.placed.get(&pk) {
            return Ok(Outcome::Duplicate {
                first_row: *first_row,
            });
        }
        self.placed.insert(pk, entry.row);
        let newly_tracked = self.store.track_channel(info, self.now).await?;
        let newly_linked = self
            .store
            .link_channel(info.platform, &info.channel_id, creator)
            .await?;
        Ok(if newly_tracked || newly_linked {
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
        })
    }

    /// The id of the creator called `name`, created on first sight.
    async fn creator(&mut self, name: &str) -> Result<i64, streamtide_storage::StoreError> {
        if let Some(id) = self.creators.get(name) {
            return Ok(*id);
        }
        let (id, created) = self.store.upsert_creator(name, self.now).await?;
        self.creators_created += usize::from(created);
        self.creators.insert(name.to_string(), id);
        Ok(id)
    }

    /// Keep a pending row for a retry; any other outcome releases a row kept before.
    async fn settle_pending(
        &self,
        entry: &Entry,
        outcome: &Outcome,
    ) -> Result<(), streamtide_storage::StoreError> {
        if let Outcome::Pending { reason } = outcome {
            self.store
                .keep_pending_import(
                    &NewPendingImport {
                        creator: &entry.creator,
                        platform: entry.platform,
                        reference: &entry.reference,
                        source: self.source,
                        source_row: entry.row,
                        reason,
                    },
                    self.now,
                )
                .await?;
        } else {
            let k = (
                entry.creator.trim().to_string(),
                entry.reference.trim().to_string(),
            );
            if self.kept.contains(&k) {
                self.store.forget_pending_import(&k.0, &k.1).await?;
            }
        }
        Ok(())
    }
}

/// Try the rows kept for a retry again (each file's rows as one import). `None` when nothing is
/// kept. Rows that resolve are imported and leave the table; rows that cannot ever resolve leave
/// it as unresolved; rows whose platform is still unreachable stay.
pub async fn retry_pending(
    adapters: &[Arc<dyn PlatformAdapter>],
    store: &Store,
    now: DateTime<Utc>,
    concurrency: usize,
) -> Result<Option<ImportReport>, streamtide_storage::StoreError> {
    let kept = store.pending_imports().await?;
    if kept.is_empty() {
        return Ok(None);
    }
    let mut by_source: Vec<(String, Roster)> = Vec::new();
    for p in kept {
        let entry = Entry {
            row: p.source_row,
            creator: p.creator,
            platform: p.platform,
            reference: p.reference,
            notes: Vec::new(),
        };
        match by_source.iter_mut().find(|(s, _)| *s == p.source) {
            Some((_, roster)) => roster.entries.push(entry),
            None => by_source.push((
                p.source,
                Roster {
                    entries: vec![entry],
                    ..Roster::default()
                },
            )),
        }
    }
    let mut report = ImportReport::default();
    for (source, mut roster) in by_source {
        roster.rows = roster.entries.len();
        let mut part = import_roster_from(
            &roster,
            &source,
            adapters,
            store,
            now,
            concurrency,
            |_, _| {},
        )
        .await?;
        for line in &mut part.lines {
            line.source = Some(source.clone());
        }
        report.absorb(part);
    }
    Ok(Some(report))
}
