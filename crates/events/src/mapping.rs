//! The one place events meet the store's write model: a store [`Batch`] becomes events
//! ([`to_events`]), and events become a batch again ([`add_to_batch`], used by `regroup`).
//!
//! Payloads are converted between the stream's own types ([`crate::payload::v1`]) and the core
//! observation types the store writes; nothing else in the crate knows both.

use chrono::{DateTime, Utc};
use streamtide_core::{
    ChannelId, ChannelInfo, ChannelObservation, ChannelStats, LiveBroadcast, LiveState, Platform,
    VideoKind, VideoObservation,
};
use streamtide_storage::Batch;

use crate::event::{Event, EventData, VERSION};
use crate::payload::v1;

/// The events of one store batch, in the batch's order; a live list ends with its marker.
/// Observations of another platform are left out, as `Store::write_batch` leaves them out.
pub fn to_events(
    platform: Platform,
    round: i64,
    at: DateTime<Utc>,
    collector: &str,
    batch: &Batch,
) -> Vec<Event> {
    let event = |channel_id: Option<&ChannelId>, data: EventData| Event {
        v: VERSION,
        platform,
        channel_id: channel_id.cloned(),
        observed_at: at,
        round,
        collector: collector.to_string(),
        data,
    };
    match batch {
        Batch::LiveList { items, close_after } => {
            let mut out: Vec<Event> = items
                .iter()
                .filter(|i| i.platform == platform)
                .map(|i| event(Some(&i.channel_id), EventData::LiveSample(live_out(i))))
                .collect();
            let samples = out.len() as u64;
            out.push(event(
                None,
                EventData::LiveListEnd {
                    close_after_secs: close_after.num_seconds(),
                    samples,
                },
            ));
            out
        }
        Batch::Channels { found, missing } => found
            .iter()
            .filter(|o| o.info.platform == platform)
            .map(|o| {
                event(
                    Some(&o.info.channel_id),
                    EventData::ChannelSnapshot(channel_out(o)),
                )
            })
            .chain(
                missing
                    .iter()
                    .map(|id| event(Some(id), EventData::ChannelMissing {})),
            )
            .collect(),
        Batch::LiveListEnd {
            close_after,
            samples,
        } => vec![event(
            None,
            EventData::LiveListEnd {
                close_after_secs: close_after.num_seconds(),
                samples: *samples,
            },
        )],
        Batch::Videos { videos } => videos
            .iter()
            .filter(|v| v.platform == platform)
            .map(|v| event(Some(&v.channel_id), EventData::VideoSnapshot(video_out(v))))
            .collect(),
    }
}

/// Add what `data` observed to `batch`, when it is of the batch's kind (a `channel_missing`
/// also needs the event's channel). Returns whether it was added.
pub fn add_to_batch(batch: &mut Batch, data: EventData, channel_id: Option<ChannelId>) -> bool {
    match (batch, data, channel_id) {
        (Batch::LiveList { items, .. }, EventData::LiveSample(b), _) => items.push(live_in(b)),
        (Batch::Channels { found, .. }, EventData::ChannelSnapshot(o), _) => {
            found.push(channel_in(o))
        }
        (Batch::Channels { missing, .. }, EventData::ChannelMissing {}, Some(id)) => {
            missing.push(id)
        }
        (Batch::Videos { videos }, EventData::VideoSnapshot(v), _) => videos.push(video_in(v)),
        _ => return false,
    }
    true
}

fn live_out(b: &LiveBroadcast) -> v1::LiveSample {
    let b = b.clone();
    v1::LiveSample {
        platform: b.platform,
        channel_id: b.channel_id,
        channel_name: b.channel_name,
        channel_avatar_url: b.channel_avatar_url,
        broadcast_id: b.broadcast_id,
        title: b.title,
        viewers: b.viewers,
        category_id: b.category_id,
        category_name: b.category_name,
        tags: b.tags,
        thumbnail_url: b.thumbnail_url,
        started_at: b.started_at,
        adult: b.adult,
        language: b.language,
        url: b.url,
    }
}

fn live_in(b: v1::LiveSample) -> LiveBroadcast {
    LiveBroadcast {
        platform: b.platform,
        channel_id: b.channel_id,
        channel_name: b.channel_name,
        channel_avatar_url: b.channel_avatar_url,
        broadcast_id: b.broadcast_id,
        title: b.title,
        viewers: b.viewers,
        category_id: b.category_id,
        category_name: b.category_name,
        tags: b.tags,
        thumbnail_url: b.thumbnail_url,
        started_at: b.started_at,
        adult: b.adult,
        language: b.language,
        url: b.url,
    }
}

fn channel_out(o: &ChannelObservation) -> v1::ChannelSnapshot {
    let info = o.info.clone();
    v1::ChannelSnapshot {
        info: v1::ChannelInfo {
            platform: info.platform,
            channel_id: info.channel_id,
            name: info.name,
            handle: info.handle,
            avatar_url: info.avatar_url,
            description: info.description,
        },
        stats: v1::ChannelStats {
            followers: o.stats.followers,
            total_views: o.stats.total_views,
            video_count: o.stats.video_count,
        },
        live: match &o.live {
            LiveState::Live(b) => v1::LiveState::Live(Box::new(live_out(b))),
            LiveState::Offline => v1::LiveState::Offline,
            LiveState::Unknown => v1::LiveState::Unknown,
        },
    }
}

fn channel_in(o: v1::ChannelSnapshot) -> ChannelObservation {
    ChannelObservation {
        info: ChannelInfo {
            platform: o.info.platform,
            channel_id: o.info.channel_id,
            name: o.info.name,
            handle: o.info.handle,
            avatar_url: o.info.avatar_url,
            description: o.info.description,
        },
        stats: ChannelStats {
            followers: o.stats.followers,
            total_views: o.stats.total_views,
            video_count: o.stats.video_count,
        },
        live: match o.live {
            v1::LiveState::Live(b) => LiveState::Live(Box::new(live_in(*b))),
            v1::LiveState::Offline => LiveState::Offline,
            v1::LiveState::Unknown => LiveState::Unknown,
        },
    }
}

fn video_out(v: &VideoObservation) -> v1::VideoSnapshot {
    let v = v.clone();
    v1::VideoSnapshot {
        platform: v.platform,
        channel_id: v.channel_id,
        video_id: v.video_id,
        title: v.title,
        kind: match v.kind {
            VideoKind::Replay => v1::VideoKind::Replay,
            VideoKind::Upload => v1::VideoKind::Upload,
            VideoKind::Clip => v1::VideoKind::Clip,
            VideoKind::Other => v1::VideoKind::Other,
        },
        published_at: v.published_at,
        duration_secs: v.duration_secs,
        views: v.views,
        likes: v.likes,
        comments: v.comments,
        thumbnail_url: v.thumbnail_url,
        adult: v.adult,
        category_name: v.category_name,
    }
}

fn video_in(v: v1::VideoSnapshot) -> VideoObservation {
    VideoObservation {
        platform: v.platform,
        channel_id: v.channel_id,
        video_id: v.video_id,
        title: v.title,
        kind: match v.kind {
            v1::VideoKind::Replay => VideoKind::Replay,
            v1::VideoKind::Upload => VideoKind::Upload,
            v1::VideoKind::Clip => VideoKind::Clip,
            v1::VideoKind::Other => VideoKind::Other,
        },
        published_at: v.published_at,
        duration_secs: v.duration_secs,
        views: v.views,
        likes: v.likes,
        comments: v.comments,
        thumbnail_url: v.thumbnail_url,
        adult: v.adult,
        category_name: v.category_name,
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    fn live(id: &str) -> LiveBroadcast {
        LiveBroadcast {
            platform: Platform::Soop,
            channel_id: ChannelId::new(id),
            channel_name: Some("이름".into()),
            channel_avatar_url: Some("https://a.example/x.png".into()),
            broadcast_id: Some("123".into()),
            title: "제목".into(),
            viewers: 42,
            category_id: Some("00040019".into()),
            category_name: Some("토크".into()),
            tags: vec!["a".into(), "b".into()],
            thumbnail_url: None,
            started_at: DateTime::from_timestamp(1_780_000_000, 0),
            adult: true,
            language: Some("ko".into()),
            url: format!("https://play.sooplive.co.kr/{id}"),
        }
    }

    fn rebuild(events: Vec<Event>, mut batch: Batch) -> Batch {
        for e in events {
            if !matches!(e.data, EventData::LiveListEnd { .. }) {
                assert!(add_to_batch(&mut batch, e.data, e.channel_id));
            }
        }
        batch
    }

    /// The end of a list written page by page is its close marker alone, and ingest turns the
    /// marker back into the same end, waiting for as many samples as the pages carried.
    #[test]
    fn a_list_end_travels_as_its_marker() {
        let at = DateTime::from_timestamp(1_780_000_100, 0).unwrap();
        let end = Batch::LiveListEnd {
            close_after: Duration::minutes(15),
            samples: 240,
        };
        let events = to_events(Platform::Chzzk, 7, at, "c", &end);
        assert_eq!(events.len(), 1);
        assert!(matches!(
            events[0].data,
            EventData::LiveListEnd {
                close_after_secs: 900,
                samples: 240
            }
        ));
        let close = crate::regroup::close_of(&events[0]).unwrap();
        assert_eq!(close.coordinates(), (Platform::Chzzk, 7, at));
        assert!(matches!(
            *close.batch(),
            Batch::LiveListEnd { close_after, samples: 240 } if close_after == Duration::minutes(15)
        ));
    }

    /// Every field of every observation kind survives the trip batch -> events -> batch.
    #[test]
    fn batches_round_trip_through_events() {
        let at = DateTime::from_timestamp(1_780_000_100, 0).unwrap();
        let items = vec![live("a"), live("b")];
        let events = to_events(
            Platform::Soop,
            1,
            at,
            "c",
            &Batch::LiveList {
                items: items.clone(),
                close_after: Duration::minutes(3),
            },
        );
        let Batch::LiveList { items: back, .. } = rebuild(
            events,
            Batch::LiveList {
                items: vec![],
                close_after: Duration::zero(),
            },
        ) else {
            unreachable!()
        };
        assert_eq!(back, items);

        let found: Vec<ChannelObservation> = [
            LiveState::Live(Box::new(live("a"))),
            LiveState::Offline,
            LiveState::Unknown,
        ]
        .into_iter()
        .enumerate()
        .map(|(i, live)| ChannelObservation {
            info: ChannelInfo {
                platform: Platform::Soop,
                channel_id: ChannelId::new(format!("c{i}")),
                name: "n".into(),
                handle: Some("h".into()),
                avatar_url: None,
                description: Some("d".into()),
            },
            stats: ChannelStats {
                followers: Some(i as u64),
                total_views: None,
                video_count: Some(0),
            },
            live,
        })
        .collect();
        let missing = vec![ChannelId::new("gone")];
        let events = to_events(
            Platform::Soop,
            2,
            at,
            "c",
            &Batch::Channels {
                found: found.clone(),
                missing: missing.clone(),
            },
        );
        let Batch::Channels {
            found: f,
            missing: m,
        } = rebuild(
            events,
            Batch::Channels {
                found: vec![],
                missing: vec![],
            },
        )
        else {
            unreachable!()
        };
        assert_eq!((f, m), (found, missing));

        let videos: Vec<VideoObservation> = [
            VideoKind::Replay,
            VideoKind::Upload,
            VideoKind::Clip,
            VideoKind::Other,
        ]
        .into_iter()
        .map(|kind| VideoObservation {
            platform: Platform::Soop,
            channel_id: ChannelId::new("a"),
            video_id: kind.as_str().into(),
            title: "t".into(),
            kind,
            published_at: Some(at),
            duration_secs: Some(1),
            views: None,
            likes: Some(2),
            comments: None,
            thumbnail_url: Some("u".into()),
            adult: false,
            category_name: None,
        })
        .collect();
        let events = to_events(
            Platform::Soop,
            3,
            at,
            "c",
            &Batch::Videos {
                videos: videos.clone(),
            },
        );
        let Batch::Videos { videos: back } = rebuild(events, Batch::Videos { videos: vec![] })
        else {
            unreachable!()
        };
        assert_eq!(back, videos);
    }

    #[test]
    fn an_event_of_another_kind_is_not_added() {
        let mut batch = Batch::Videos { videos: vec![] };
        assert!(!add_to_batch(
            &mut batch,
            EventData::LiveSample(live_out(&live("a"))),
            None
        ));
        let mut channels = Batch::Channels {
            found: vec![],
            missing: vec![],
        };
        assert!(
            !add_to_batch(&mut channels, EventData::ChannelMissing {}, None),
            "a channel_missing without a channel names nothing"
        );
    }
}
