//! Which images a written batch carries, for the thumbnail copier.

use streamtide_core::{LiveBroadcast, LiveState};
use streamtide_storage::Batch;
use streamtide_thumbs::{ImageKind, ThumbJob};

fn live_jobs(b: &LiveBroadcast, out: &mut Vec<ThumbJob>) {
    if let Some(url) = &b.thumbnail_url {
        out.push(ThumbJob {
            kind: ImageKind::Live,
            url: url.clone(),
            weight: b.viewers,
            platform: Some(b.platform),
        });
    }
    if let Some(url) = &b.channel_avatar_url {
        out.push(ThumbJob {
            kind: ImageKind::Avatar,
            url: url.clone(),
            weight: b.viewers,
            platform: Some(b.platform),
        });
    }
}

/// Live thumbnails and avatars in `batch`, weighted by viewers (or followers for channels not
/// live), so the copier spends its budget on what the board shows first. Videos carry none we
/// copy.
pub(crate) fn thumb_jobs(batch: &Batch) -> Vec<ThumbJob> {
    let mut out = Vec::new();
    match batch {
        Batch::LiveList { items, .. } => items.iter().for_each(|b| live_jobs(b, &mut out)),
        Batch::Channels { found, .. } => {
            for obs in found {
                match &obs.live {
                    LiveState::Live(b) => live_jobs(b, &mut out),
                    LiveState::Offline | LiveState::Unknown => {}
                }
                if let Some(url) = &obs.info.avatar_url {
                    out.push(ThumbJob {
                        kind: ImageKind::Avatar,
                        url: url.clone(),
                        weight: obs.stats.followers.unwrap_or(0) / 1000,
                        platform: Some(obs.info.platform),
                    });
                }
            }
        }
        Batch::LiveListEnd { .. } | Batch::Videos { .. } => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use streamtide_core::{ChannelId, Platform};

    fn live(viewers: u64, thumb: Option<&str>, avatar: Option<&str>) -> LiveBroadcast {
        LiveBroadcast {
            platform: Platform::Chzzk,
            channel_id: ChannelId::new("c"),
            channel_name: None,
            channel_avatar_url: avatar.map(Into::into),
            broadcast_id: None,
            title: "t".into(),
            viewers,
            category_id: None,
            category_name: None,
            tags: vec![],
            thumbnail_url: thumb.map(Into::into),
            started_at: None,
            adult: false,
            language: None,
            url: "u".into(),
        }
    }

    #[test]
    fn live_lists_give_thumbnails_and_avatars_weighted_by_viewers() {
        let batch = Batch::LiveList {
            items: vec![live(7, Some("t1"), Some("a1")), live(3, None, None)],
            close_after: chrono::Duration::minutes(15),
        };
        let jobs = thumb_jobs(&batch);
        assert_eq!(jobs.len(), 2);
        assert_eq!(
            (jobs[0].kind, jobs[0].url.as_str(), jobs[0].weight),
            (ImageKind::Live, "t1", 7)
        );
        assert_eq!(
            (jobs[1].kind, jobs[1].url.as_str()),
            (ImageKind::Avatar, "a1")
        );
        assert!(thumb_jobs(&Batch::Videos { videos: vec![] }).is_empty());
    }
}
