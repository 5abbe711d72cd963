//! The event schema: JSON round trip, the golden v1 sample, version refusal, and the proof that
//! events regrouped by ingest leave the store exactly as the collector's direct write does.

use chrono::{DateTime, Duration, Utc};
use streamtide_core::{
    ChannelId, ChannelInfo, ChannelObservation, ChannelStats, LiveBroadcast, LiveState, Platform,
    VideoKind, VideoObservation,
};
use streamtide_events::{regroup, to_events, Apply, Event, EventData, EventError};
use streamtide_storage::{Batch, Job, LiveFilter, Store};

const GOLDEN: &str = "tests/fixtures/events_v1.jsonl";

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn live(i: usize, viewers: u64) -> LiveBroadcast {
    LiveBroadcast {
        platform: Platform::Chzzk,
        channel_id: ChannelId::new(format!("ch{i}")),
        channel_name: Some(format!("채널 {i}")),
        channel_avatar_url: None,
        broadcast_id: Some(format!("b{i}")),
        title: format!("오늘은 같이 게임하면서 이야기 나눠요 {i}"),
        viewers,
        category_id: Some("GAME".into()),
        category_name: None,
        tags: vec!["talk".into()],
        thumbnail_url: Some(format!("https://t.example/{i}.jpg")),
        started_at: Some(t("2026-03-01T00:00:00Z")),
        adult: false,
        language: Some("ko".into()),
        url: format!("https://chzzk.naver.com/live/ch{i}"),
    }
}

fn observation(i: usize, state: LiveState) -> ChannelObservation {
    ChannelObservation {
        info: ChannelInfo {
            platform: Platform::Chzzk,
            channel_id: ChannelId::new(format!("ch{i}")),
            name: format!("채널 {i}"),
            handle: None,
            avatar_url: Some(format!("https://a.example/{i}.png")),
            description: None,
        },
        stats: ChannelStats {
            followers: Some(1000 + i as u64),
            total_views: None,
            video_count: Some(3),
        },
        live: state,
    }
}

fn video(i: usize) -> VideoObservation {
    VideoObservation {
        platform: Platform::Chzzk,
        channel_id: ChannelId::new(format!("ch{i}")),
        video_id: format!("v{i}"),
        title: format!("다시보기 {i}"),
        kind: VideoKind::Replay,
        published_at: Some(t("2026-02-28T12:00:00Z")),
        duration_secs: Some(3600),
        views: Some(10 * i as u64),
        likes: None,
        comments: None,
        thumbnail_url: None,
        adult: false,
        category_name: Some("Talk".into()),
    }
}

/// One small batch of each kind, the golden sample's source.
fn sample_events() -> Vec<Event> {
    let at = t("2026-03-01T00:05:00Z");
    let mut out = to_events(
        Platform::Chzzk,
        7,
        at,
        "host-1",
        &Batch::LiveList {
            items: vec![live(1, 120)],
            close_after: Duration::minutes(11),
        },
    );
    out.extend(to_events(
        Platform::Chzzk,
        8,
        at,
        "host-1",
        &Batch::Channels {
            found: vec![observation(2, LiveState::Offline)],
            missing: vec![ChannelId::new("gone")],
        },
    ));
    out.extend(to_events(
        Platform::Chzzk,
        9,
        at,
        "host-1",
        &Batch::Videos {
            videos: vec![video(3)],
        },
    ));
    out
}

#[test]
fn golden_v1_sample_is_what_this_build_writes_and_reads() {
    let events = sample_events();
    let written: String = events
        .iter()
        .map(|e| String::from_utf8(e.to_json()).unwrap() + "\n")
        .collect();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(GOLDEN);
    if std::env::var_os("STREAMTIDE_UPDATE_FIXTURES").is_some() {
        std::fs::write(&path, &written).unwrap();
    }
    let golden = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        written, golden,
        "the v1 schema changed: bump VERSION instead"
    );
    let read: Vec<Event> = golden
        .lines()
        .map(|l| Event::from_json(l.as_bytes()).unwrap())
        .collect();
    assert_eq!(read, events);
    let kinds: Vec<&str> = read.iter().map(|e| e.data.kind()).collect();
    assert_eq!(
        kinds,
        [
            "live_sample",
            "live_list_end",
            "channel_snapshot",
            "channel_missing",
            "video_snapshot"
        ]
    );
    assert_eq!(read[0].key(), "chzzk:ch1");
    assert_eq!(
        read[1].key(),
        "chzzk",
        "a list's marker is keyed by platform"
    );
    assert_eq!(
        read[1].data,
        EventData::LiveListEnd {
            close_after_secs: 660,
            samples: 1
        }
    );
}

/// Captured from the build that wrote v1 before the event payload had types of its own (the
/// observation types of `streamtide-core` serialised as they were): every kind, every live state,
/// every optional field both set and unset. Events already in a topic look like this.
const CAPTURED_V1: &str = "tests/fixtures/events_v1_captured.jsonl";

/// The batches behind [`CAPTURED_V1`], in its order (round 21 live list, 22 channels, 23 videos).
fn captured_batches() -> Vec<(i64, Batch)> {
    let mut rich = live(4, 4321);
    rich.platform = Platform::Soop;
    rich.channel_id = ChannelId::new("soopbj");
    rich.channel_avatar_url = Some("https://a.example/soop.png".into());
    rich.category_name = Some("토크/캠방".into());
    rich.tags = vec![];
    rich.adult = true;
    rich.language = None;
    rich.started_at = None;
    let mut on_air = live(5, 77);
    on_air.platform = Platform::Soop;
    on_air.channel_id = ChannelId::new("bj5");
    let soop = |mut o: ChannelObservation, id: &str, handle: Option<&str>| {
        o.info.platform = Platform::Soop;
        o.info.channel_id = ChannelId::new(id);
        o.info.handle = handle.map(str::to_string);
        o.info.description = Some("소개 \"따옴표\"\n줄바꿈".into());
        o
    };
    let mut clip = video(6);
    clip.platform = Platform::Soop;
    clip.channel_id = ChannelId::new("bj5");
    clip.kind = VideoKind::Clip;
    clip.published_at = None;
    clip.likes = Some(0);
    clip.comments = Some(12);
    clip.thumbnail_url = Some("https://t.example/v6.jpg".into());
    clip.adult = true;
    clip.category_name = None;
    vec![
        (
            21,
            Batch::LiveList {
                items: vec![rich],
                close_after: Duration::seconds(90),
            },
        ),
        (
            22,
            Batch::Channels {
                found: vec![
                    soop(
                        observation(5, LiveState::Live(Box::new(on_air))),
                        "bj5",
                        Some("bj5handle"),
                    ),
                    soop(observation(6, LiveState::Unknown), "bj6", None),
                    soop(observation(7, LiveState::Offline), "bj7", None),
                ],
                missing: vec![ChannelId::new("bj8"), ChannelId::new("bj9")],
            },
        ),
        (23, Batch::Videos { videos: vec![clip] }),
    ]
}

fn captured_events() -> Vec<Event> {
    let at = t("2026-03-02T10:00:00.123456Z");
    captured_batches()
        .iter()
        .flat_map(|(round, batch)| to_events(Platform::Soop, *round, at, "host-77", batch))
        .collect()
}

#[test]
fn captured_v1_events_stay_readable() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(CAPTURED_V1);
    if std::env::var_os("STREAMTIDE_CAPTURE_V1").is_some() {
        let written: String = captured_events()
            .iter()
            .map(|e| String::from_utf8(e.to_json()).unwrap() + "\n")
            .collect();
        std::fs::write(&path, written).unwrap();
    }
    let captured = std::fs::read_to_string(&path).unwrap();
    let read: Vec<Event> = captured
        .lines()
        .map(|l| Event::from_json(l.as_bytes()).unwrap())
        .collect();
    assert_eq!(read, captured_events());
    // Written again, byte for byte what the old build wrote.
    let again: Vec<String> = read
        .iter()
        .map(|e| String::from_utf8(e.to_json()).unwrap())
        .collect();
    assert_eq!(again, captured.lines().collect::<Vec<_>>());
}

#[test]
fn other_versions_and_garbage_are_refused_with_a_clear_error() {
    let mut v: serde_json::Value = serde_json::from_slice(&sample_events()[0].to_json()).unwrap();
    v["v"] = 2.into();
    let err = Event::from_json(v.to_string().as_bytes()).unwrap_err();
    assert!(
        matches!(err, EventError::UnsupportedVersion { found: 2 }),
        "{err}"
    );
    assert!(
        err.to_string().contains("version 2 is not supported"),
        "{err}"
    );
    v.as_object_mut().unwrap().remove("v");
    assert!(matches!(
        Event::from_json(v.to_string().as_bytes()),
        Err(EventError::Missing("v"))
    ));
    assert!(matches!(
        Event::from_json(b"not json"),
        Err(EventError::Malformed(_))
    ));
    let unknown_kind = r#"{"v":1,"kind":"weather","platform":"chzzk","channel_id":null,"observed_at":"2026-03-01T00:00:00Z","round":1,"collector":"x","data":{}}"#;
    assert!(matches!(
        Event::from_json(unknown_kind.as_bytes()),
        Err(EventError::Malformed(_))
    ));
}

#[test]
fn regrouping_rebuilds_the_batches_and_leaves_closing_to_the_marker() {
    let at = t("2026-03-01T00:05:00Z");
    let items: Vec<LiveBroadcast> = (0..5).map(|i| live(i, 100 + i as u64)).collect();
    let mut events = to_events(
        Platform::Chzzk,
        1,
        at,
        "c",
        &Batch::LiveList {
            items: items.clone(),
            close_after: Duration::minutes(11),
        },
    );
    // Partitions interleave events; the marker may even arrive first.
    events.rotate_right(1);
    events.swap(1, 3);
    let ops = regroup(events);
    assert_eq!(ops.len(), 2, "{ops:?}");
    match &ops[0] {
        Apply::Write {
            batch:
                Batch::LiveList {
                    items: got,
                    close_after,
                },
            at: a,
            round: 1,
            ..
        } => {
            let mut got = got.clone();
            got.sort_by(|a, b| a.channel_id.cmp(&b.channel_id));
            assert_eq!(got, items);
            assert_eq!(*a - *close_after, DateTime::<Utc>::UNIX_EPOCH);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        &ops[1],
        Apply::CloseStale { samples: 5, close_after, .. } if *close_after == Duration::minutes(11)
    ));
}

/// Everything a store holds that a batch can change, as comparable text.
async fn picture(store: &Store) -> String {
    let counts = store.counts().await.unwrap();
    let (live, total) = store
        .live_now(&LiveFilter {
            limit: 1000,
            ..LiveFilter::default()
        })
        .await
        .unwrap();
    let live: Vec<String> = live
        .iter()
        .map(|l| {
            format!(
                "{} {} {} {}",
                l.channel_id, l.viewers, l.peak_viewers, l.started_at
            )
        })
        .collect();
    let (channels, _) = store.channels(None, false, 1000, 0).await.unwrap();
    let channels: Vec<String> = channels
        .iter()
        .map(|c| {
            format!(
                "{} {:?} {:?} {:?}",
                c.channel_id, c.followers, c.missing_since, c.last_seen_at
            )
        })
        .collect();
    format!("{counts:?}\n{total} {live:?}\n{channels:?}")
}

/// Rounds of every kind, with sessions opening, continuing and going stale: the direct path and
/// the event path (events shuffled like partitions, delivered twice) store the same.
#[tokio::test]
async fn events_regrouped_store_exactly_what_the_direct_write_stores() {
    let dir = tempfile::tempdir().unwrap();
    let direct = Store::open(&format!("sqlite://{}", dir.path().join("d.db").display()))
        .await
        .unwrap();
    let via = Store::open(&format!("sqlite://{}", dir.path().join("e.db").display()))
        .await
        .unwrap();
    let t0 = t("2026-03-01T00:00:00Z");
    for step in 0..8i64 {
        let at = t0 + Duration::minutes(4 * step);
        // Channels come and go from the list; the rest go stale and are closed.
        let items: Vec<LiveBroadcast> = (0..6)
            .filter(|i| !(i + step as usize).is_multiple_of(3))
            .map(|i| {
                // A new broadcast every few steps: sessions end and new ones open.
                let mut b = live(i, 50 + (step as u64) * 7 + i as u64);
                b.broadcast_id = Some(format!("b{i}-{}", step / 3));
                b
            })
            .collect();
        let batches = vec![
            (
                Job::Live,
                Batch::LiveList {
                    items,
                    close_after: Duration::minutes(6),
                },
            ),
            (
                Job::Channels,
                Batch::Channels {
                    found: (0..4)
                        .map(|i| {
                            let state = match (i + step as usize) % 3 {
                                0 => LiveState::Offline,
                                1 => {
                                    let mut b = live(i, 77);
                                    b.broadcast_id = Some(format!("b{i}-{}", step / 3));
                                    LiveState::Live(Box::new(b))
                                }
                                _ => LiveState::Unknown,
                            };
                            observation(i, state)
                        })
                        .collect(),
                    missing: vec![ChannelId::new(format!("ch{}", 5 - step % 2))],
                },
            ),
            (
                Job::Videos,
                Batch::Videos {
                    videos: (0..3).map(video).collect(),
                },
            ),
        ];
        for (job, batch) in batches {
            let at = at + Duration::seconds(job as i64 * 20);
            let round = direct.start_round(Platform::Chzzk, job, at).await.unwrap();
            direct
                .write_batch(round, Platform::Chzzk, at, &batch)
                .await
                .unwrap();
            direct
                .update_rollups(Platform::Chzzk, at, &batch)
                .await
                .unwrap();

            let round = via.start_round(Platform::Chzzk, job, at).await.unwrap();
            let mut events = to_events(Platform::Chzzk, round, at, "c", &batch);
            events.reverse();
            let wire: Vec<Vec<u8>> = events.iter().map(Event::to_json).collect();
            for _delivery in 0..2 {
                let read: Vec<Event> = wire.iter().map(|b| Event::from_json(b).unwrap()).collect();
                for op in regroup(read) {
                    op.write_to(&via).await.unwrap();
                    if let Apply::Write {
                        platform,
                        at,
                        batch,
                        ..
                    } = &op
                    {
                        via.update_rollups(*platform, *at, batch).await.unwrap();
                    }
                }
            }
        }
        assert_eq!(picture(&direct).await, picture(&via).await, "step {step}");
    }
    let counts = via.counts().await.unwrap();
    assert!(
        counts.live_sessions > 6 && counts.open_sessions < counts.live_sessions,
        "{counts:?}"
    );
    assert!(counts.video_snapshots == 24 && counts.channel_snapshots == 32);
    assert!(via.consistency_violations().await.unwrap().is_empty());
}
