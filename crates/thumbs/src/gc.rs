//! Garbage collection: delete copies no round has referred to for `keep`, and orphans (objects
//! written but never indexed, e.g. after a crash between the two writes).

use std::time::Duration;

use chrono::{DateTime, Utc};
use streamtide_storage::Store;

use crate::{Result, ThumbMetrics, ThumbStore};

/// What one collection did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GcStats {
    pub deleted: usize,
    pub orphans_deleted: usize,
    pub remaining: u64,
}

/// Delete what nothing refers to any more, as of `now`.
pub async fn collect_garbage(
    db: &Store,
    objects: &ThumbStore,
    keep: Duration,
    now: DateTime<Utc>,
    metrics: &ThumbMetrics,
) -> Result<GcStats> {
    let cutoff = now - chrono::Duration::from_std(keep).unwrap_or(chrono::Duration::days(2));
    let mut stats = GcStats::default();
    let unreferenced = db.unreferenced_thumbs(cutoff).await?;
    for hash in &unreferenced {
        objects.delete(hash).await?;
    }
    // The index forgets an object only after the object is gone, so a failure above leaves it
    // listed and the next run tries again.
    db.forget_thumbs(&unreferenced).await?;
    stats.deleted = unreferenced.len();
    for (hash, written) in objects.list().await? {
        if written < cutoff && !db.thumb_known(&hash).await? {
            objects.delete(&hash).await?;
            stats.orphans_deleted += 1;
        }
    }
    let (count, _) = db.thumb_totals().await?;
    stats.remaining = count;
    metrics
        .gc_deleted
        .inc_by((stats.deleted + stats.orphans_deleted) as u64);
    metrics.objects.set(count as i64);
    if stats.deleted + stats.orphans_deleted > 0 {
        tracing::info!(
            deleted = stats.deleted,
            orphans = stats.orphans_deleted,
            remaining = count,
            "Thumbnail garbage collected."
        );
    }
    Ok(stats)
}
