//! Replays: every finished broadcast becomes a VOD published when it ends.

use chrono::{DateTime, Utc};

use super::schedule::{self, Broadcast};
use super::types::{SimChannel, SimVideo};

mod tag {
    pub const APPEAL: u64 = 0x70D;
    pub const LIKES: u64 = 1;
    pub const COMMENTS: u64 = 2;
}

/// VOD numbers are the broadcast id shifted into a separate range, so a video and the live it
/// records are easy to tell apart yet stay linked.
const VIDEO_NO_OFFSET: u64 = 1_000_000_000;

/// The replay's views at `t`: they approach a ceiling with a ~1.5-day time constant, fast at
/// first, then slowly.
pub(crate) fn views(ch: &SimChannel, b: &Broadcast, t: DateTime<Utc>) -> u64 {
    let live_pv = schedule::total_viewers(ch, b);
    let age_hours = (t - b.end).num_minutes().max(0) as f64 / 60.0;
    let ceiling = live_pv as f64 * b.key.at(tag::APPEAL).range(0.3, 1.2);
    (ceiling * (1.0 - (-age_hours / 36.0).exp())).round() as u64
}

pub(crate) fn video(ch: &SimChannel, b: &Broadcast, t: DateTime<Utc>) -> SimVideo {
    let live_pv = schedule::total_viewers(ch, b);
    let views = views(ch, b, t);
    let likes = (views as f64 * b.key.at(tag::APPEAL).at(tag::LIKES).range(0.005, 0.03)) as u64;
    let comments =
        (views as f64 * b.key.at(tag::APPEAL).at(tag::COMMENTS).range(0.001, 0.006)) as u64;
    SimVideo {
        video_no: VIDEO_NO_OFFSET + b.live_id,
        title: b.title.clone(),
        published_at: b.end,
        duration_secs: (b.end - b.start).num_seconds().max(0) as u64,
        views,
        likes,
        comments,
        live_id: b.live_id,
        started_at: b.start,
        live_pv,
        category: b.category,
        adult: ch.adult,
        tags: b.tags.clone(),
    }
}
