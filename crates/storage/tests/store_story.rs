//! The storage contract, told as one story, against every backend (see common/mod.rs).

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use streamtide_core::{
    ChannelId, ChannelInfo, ChannelObservation, ChannelStats, LiveBroadcast, LiveState, Platform,
    VideoKind, VideoObservation,
};
use streamtide_storage::{Batch, Job, LiveFilter, Metric, Store};

fn t(min: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap() + Duration::minutes(min)
}

fn live(platform: Platform, id: &str, bid: &str, viewers: u64, at_min: i64) -> LiveBroadcast {
    LiveBroadcast {
        platform,
        channel_id: ChannelId::new(id),
        channel_name: Some(format!("name-{id}")),
        channel_avatar_url: None,
        broadcast_id: Some(bid.to_string()),
        title: format!("title {bid}"),
        viewers,
        category_id: Some("talk".into()),
        category_name: Some("토크".into()),
        tags: vec!["a\"b".into()],
        thumbnail_url: None,
        started_at: Some(t(at_min)),
        adult: false,
        language: Some("ko".into()),
        url: format!("https://example/{id}"),
    }
}

fn info(platform: Platform, id: &str, name: &str) -> ChannelInfo {
    ChannelInfo {
        platform,
        channel_id: ChannelId::new(id),
        name: name.into(),
        handle: None,
        avatar_url: None,
        description: None,
    }
}

contract!(migrations_go_down_and_up_again);
async fn migrations_go_down_and_up_again(s: Store) {
    s.migrate_down_all().await.unwrap();
    let dir = format!(
        "{}/migrations/{}",
        env!("CARGO_MANIFEST_DIR"),
        s.backend().as_str()
    );
    let files = std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".up.sql")
        })
        .count();
    assert_eq!(
        s.migrate().await.unwrap(),
        files,
        "every migration went down and up again"
    );
    assert_eq!(s.counts().await.unwrap().channels, 0);
}

#[tokio::test]
async fn unsupported_urls_are_refused_without_leaking_passwords() {
    let err = Store::open("redis://u:hunter2@localhost/db")
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("redis://u:***@localhost/db"), "{err}");
    assert!(!err.contains("hunter2"));
    // A server that refuses the connection: the error names the failure, not the password.
    for url in [
        "postgres://u:hunter2@127.0.0.1:9/db",
        "mysql://u:hunter2@127.0.0.1:9/db",
    ] {
        let err = Store::open(url).await.unwrap_err().to_string();
        assert!(!err.contains("hunter2"), "{err}");
    }
}

contract!(live_lists_sessions_and_idempotent_retries);
async fn live_lists_sessions_and_idempotent_retries(s: Store) {
    let round = s
        .start_round(Platform::Chzzk, Job::Live, t(0))
        .await
        .unwrap();
    let batch = Batch::LiveList {
        items: vec![
            live(Platform::Chzzk, "a", "1", 100, -30),
            live(Platform::Chzzk, "b", "2", 500, -10),
        ],
        close_after: Duration::minutes(5),
    };
    let w = s
        .write_batch(round, Platform::Chzzk, t(0), &batch)
        .await
        .unwrap();
    assert_eq!((w.live_samples, w.sessions_opened), (2, 2));
    // The same batch again (a retried round) writes nothing new.
    let w = s
        .write_batch(round, Platform::Chzzk, t(0), &batch)
        .await
        .unwrap();
    assert_eq!(
        (w.live_samples, w.sessions_opened, w.sessions_closed),
        (0, 0, 0)
    );

    let soop_round = s
        .start_round(Platform::Soop, Job::Live, t(0))
        .await
        .unwrap();
    let soop = Batch::LiveList {
        items: vec![live(Platform::Soop, "c", "9", 300, -5)],
        close_after: Duration::minutes(5),
    };
    s.write_batch(soop_round, Platform::Soop, t(0), &soop)
        .await
        .unwrap();

    let (items, total) = s
        .live_now(&LiveFilter {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(total, 3);
    let order: Vec<(&str, u64)> = items
        .iter()
        .map(|i| (i.channel_id.as_str(), i.viewers))
        .collect();
    assert_eq!(
        order,
        vec![("b", 500), ("c", 300), ("a", 100)],
        "merged across platforms by viewers"
    );
    assert_eq!(items[0].tags, vec!["a\"b".to_string()]);
    assert_eq!(items[0].started_at, t(-10));

    let only_soop = LiveFilter {
        platform: Some(Platform::Soop),
        limit: 10,
        ..Default::default()
    };
    assert_eq!(s.live_now(&only_soop).await.unwrap().1, 1);
    let by_category = LiveFilter {
        category: Some("TALK".into()),
        limit: 1,
        offset: 1,
        ..Default::default()
    };
    let (page, total) = s.live_now(&by_category).await.unwrap();
    assert_eq!((page.len(), total), (1, 3));
    assert_eq!(page[0].channel_id, "c");

    // Ten minutes later only `a` is still in the list, with more viewers: `b` is closed as stale.
    let r2 = s
        .start_round(Platform::Chzzk, Job::Live, t(10))
        .await
        .unwrap();
    let w = s
        .write_batch(
            r2,
            Platform::Chzzk,
            t(10),
            &Batch::LiveList {
                items: vec![live(Platform::Chzzk, "a", "1", 300, -30)],
                close_after: Duration::minutes(5),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (w.live_samples, w.sessions_opened, w.sessions_closed),
        (1, 0, 1)
    );
    let a = s.channel(Platform::Chzzk, "a").await.unwrap().unwrap();
    let session = a.live.unwrap();
    assert_eq!((session.viewers, session.peak_viewers), (300, 300));
    let b = s.channel(Platform::Chzzk, "b").await.unwrap().unwrap();
    assert!(b.live.is_none(), "b's session was closed");
    // SOOP's session is not touched by CHZZK's round.
    assert!(s
        .channel(Platform::Soop, "c")
        .await
        .unwrap()
        .unwrap()
        .live
        .is_some());

    // A new broadcast id on `a` closes the old session and opens a new one.
    let r3 = s
        .start_round(Platform::Chzzk, Job::Live, t(12))
        .await
        .unwrap();
    let w = s
        .write_batch(
            r3,
            Platform::Chzzk,
            t(12),
            &Batch::LiveList {
                items: vec![live(Platform::Chzzk, "a", "77", 50, 11)],
                close_after: Duration::minutes(5),
            },
        )
        .await
        .unwrap();
    assert_eq!((w.sessions_opened, w.sessions_closed), (1, 1));
    let counts = s.counts().await.unwrap();
    assert_eq!(
        (
            counts.live_sessions,
            counts.open_sessions,
            counts.live_samples
        ),
        (4, 2, 5)
    );

    let viewers = s
        .history(Platform::Chzzk, "a", Metric::Viewers, t(-60), t(60), 100)
        .await
        .unwrap();
    let values: Vec<u64> = viewers.iter().map(|p| p.value).collect();
    assert_eq!(values, vec![100, 300, 50]);
    assert_eq!(s.integrity_check().await.unwrap(), "ok");
}

contract!(roster_channels_snapshots_offline_and_missing);
async fn roster_channels_snapshots_offline_and_missing(s: Store) {
    assert!(s
        .track_channel(&info(Platform::Soop, "abc", "첫이름"), t(0))
        .await
        .unwrap());
    assert!(
        !s.track_channel(&info(Platform::Soop, "abc", "첫이름"), t(0))
            .await
            .unwrap(),
        "already tracked"
    );
    s.track_channel(&info(Platform::Soop, "gone", "x"), t(0))
        .await
        .unwrap();
    assert_eq!(s.tracked_ids(Platform::Soop).await.unwrap().len(), 2);

    let obs = |followers: u64, live: LiveState, name: &str| ChannelObservation {
        info: info(Platform::Soop, "abc", name),
        stats: ChannelStats {
            followers: Some(followers),
            total_views: Some(10),
            video_count: None,
        },
        live,
    };
    let round = s
        .start_round(Platform::Soop, Job::Channels, t(0))
        .await
        .unwrap();
    let batch = Batch::Channels {
        found: vec![obs(
            1000,
            LiveState::Live(Box::new(live(Platform::Soop, "abc", "5", 40, -3))),
            "첫이름",
        )],
        missing: vec![ChannelId::new("gone")],
    };
    let w = s
        .write_batch(round, Platform::Soop, t(0), &batch)
        .await
        .unwrap();
    assert_eq!(
        (w.channel_snapshots, w.live_samples, w.channels_missing),
        (1, 1, 1)
    );
    let w = s
        .write_batch(round, Platform::Soop, t(0), &batch)
        .await
        .unwrap();
    assert_eq!(w.channel_snapshots, 0, "retry is idempotent");
    s.finish_round(round, t(1), 3, 0, None, false)
        .await
        .unwrap();

    let r2 = s
        .start_round(Platform::Soop, Job::Channels, t(5))
        .await
        .unwrap();
    let w = s
        .write_batch(
            r2,
            Platform::Soop,
            t(5),
            &Batch::Channels {
                found: vec![obs(1100, LiveState::Offline, "새이름")],
                missing: vec![],
            },
        )
        .await
        .unwrap();
    assert_eq!(w.sessions_closed, 1);
    s.finish_round(r2, t(6), 2, 1, Some("transient failure"), false)
        .await
        .unwrap();

    let ch = s.channel(Platform::Soop, "abc").await.unwrap().unwrap();
    assert_eq!(ch.name, "새이름", "renames follow the id");
    assert_eq!(ch.followers, Some(1100));
    assert_eq!(ch.video_count, None, "unknown stays unknown");
    assert!(ch.live.is_none());
    let gone = s.channel(Platform::Soop, "gone").await.unwrap().unwrap();
    assert_eq!(gone.missing_since, Some(t(0)));

    let followers = s
        .history(Platform::Soop, "abc", Metric::Followers, t(-1), t(10), 10)
        .await
        .unwrap();
    assert_eq!(
        followers.iter().map(|p| p.value).collect::<Vec<_>>(),
        vec![1000, 1100]
    );

    let status = s.job_statuses().await.unwrap();
    assert_eq!(status.len(), 1);
    assert_eq!(status[0].consecutive_failures, 1);
    assert_eq!(status[0].last_success_at, Some(t(1)));
    assert_eq!(status[0].last_error.as_deref(), Some("transient failure"));
    assert_eq!(status[0].fallback_since, None);
    // Answered only on a fallback host: since the first such round, kept while it lasts (a
    // failed round included), cleared by a round answered on the first configured host.
    for (at, error, on_fallback, since) in [
        (7, None, true, Some(t(7))),
        (8, Some("HTTP 503"), true, Some(t(7))),
        (9, None, true, Some(t(7))),
        (10, None, false, None),
    ] {
        let r = s
            .start_round(Platform::Soop, Job::Channels, t(at))
            .await
            .unwrap();
        s.finish_round(r, t(at), 1, 0, error, on_fallback)
            .await
            .unwrap();
        let status = s.job_statuses().await.unwrap();
        assert_eq!(status[0].fallback_since, since, "round at {at}");
    }
    // Rounds longer than the job's interval: since the first, kept while they last, cleared by
    // one in time; the fallback mark is its own.
    assert_eq!(s.job_statuses().await.unwrap()[0].overrun_since, None);
    for (at, overran, since) in [
        (11, true, Some(t(11))),
        (12, true, Some(t(11))),
        (13, false, None),
    ] {
        let r = s
            .start_round(Platform::Soop, Job::Channels, t(at))
            .await
            .unwrap();
        s.finish_round(r, t(at), 1, 0, None, at == 12)
            .await
            .unwrap();
        s.record_overrun(Platform::Soop, Job::Channels, t(at), overran)
            .await
            .unwrap();
        let status = s.job_statuses().await.unwrap();
        assert_eq!(status[0].overrun_since, since, "round at {at}");
        assert_eq!(status[0].fallback_since, (at == 12).then(|| t(12)));
    }

    assert!(s
        .untrack_channel(Platform::Soop, &ChannelId::new("abc"))
        .await
        .unwrap());
    assert_eq!(
        s.tracked_ids(Platform::Soop).await.unwrap(),
        vec![ChannelId::new("gone")]
    );
    let (rows, total) = s
        .channels(Some(Platform::Soop), false, 10, 0)
        .await
        .unwrap();
    assert_eq!((rows.len(), total), (2, 2));
}

contract!(videos_and_their_snapshots);
async fn videos_and_their_snapshots(s: Store) {
    let v = VideoObservation {
        platform: Platform::Chzzk,
        channel_id: ChannelId::new("a"),
        video_id: "1978".into(),
        title: "vod".into(),
        kind: VideoKind::Replay,
        published_at: Some(t(-100)),
        duration_secs: Some(60),
        views: Some(10),
        likes: None,
        comments: None,
        thumbnail_url: None,
        adult: false,
        category_name: None,
    };
    let round = s
        .start_round(Platform::Chzzk, Job::Videos, t(0))
        .await
        .unwrap();
    let batch = Batch::Videos {
        videos: vec![v.clone()],
    };
    assert_eq!(
        s.write_batch(round, Platform::Chzzk, t(0), &batch)
            .await
            .unwrap()
            .video_snapshots,
        1
    );
    assert_eq!(
        s.write_batch(round, Platform::Chzzk, t(0), &batch)
            .await
            .unwrap()
            .video_snapshots,
        0
    );
    let later = Batch::Videos {
        videos: vec![VideoObservation {
            views: Some(20),
            ..v
        }],
    };
    assert_eq!(
        s.write_batch(round, Platform::Chzzk, t(60), &later)
            .await
            .unwrap()
            .video_snapshots,
        1
    );
    let c = s.counts().await.unwrap();
    assert_eq!((c.videos, c.video_snapshots), (1, 2));
}

contract!(creators_link_channels_across_platforms);
async fn creators_link_channels_across_platforms(s: Store) {
    s.track_channel(&info(Platform::Chzzk, "a", "랄로"), t(0))
        .await
        .unwrap();
    s.track_channel(&info(Platform::Soop, "b", "랄로"), t(0))
        .await
        .unwrap();
    let (id, created) = s.upsert_creator("랄로", t(0)).await.unwrap();
    assert!(created);
    assert_eq!(
        s.upsert_creator(" 랄로 ", t(1)).await.unwrap(),
        (id, false),
        "one creator per name"
    );
    assert!(s
        .link_channel(Platform::Chzzk, &ChannelId::new("a"), id)
        .await
        .unwrap());
    assert!(
        !s.link_channel(Platform::Chzzk, &ChannelId::new("a"), id)
            .await
            .unwrap(),
        "already linked"
    );
    assert!(s
        .link_channel(Platform::Soop, &ChannelId::new("b"), id)
        .await
        .unwrap());
    assert!(s
        .link_channel(Platform::Soop, &ChannelId::new("nope"), id)
        .await
        .is_err());
    assert!(s
        .link_channel(Platform::Soop, &ChannelId::new("b"), id + 99)
        .await
        .is_err());

    let round = s
        .start_round(Platform::Soop, Job::Channels, t(2))
        .await
        .unwrap();
    let obs = ChannelObservation {
        info: info(Platform::Soop, "b", "랄로"),
        stats: ChannelStats {
            followers: Some(70),
            total_views: None,
            video_count: None,
        },
        live: LiveState::Offline,
    };
    s.write_batch(
        round,
        Platform::Soop,
        t(2),
        &Batch::Channels {
            found: vec![obs],
            missing: vec![],
        },
    )
    .await
    .unwrap();

    let c = s.creator(id).await.unwrap().unwrap();
    assert_eq!(c.channels.len(), 2);
    assert_eq!(
        c.followers_total,
        Some(70),
        "unknown figures are not summed as 0"
    );
    assert_eq!(
        s.channel_creator(Platform::Chzzk, &ChannelId::new("a"))
            .await
            .unwrap(),
        Some(id)
    );
    assert!(s
        .unlink_channel(Platform::Chzzk, &ChannelId::new("a"))
        .await
        .unwrap());
    assert!(!s
        .unlink_channel(Platform::Chzzk, &ChannelId::new("a"))
        .await
        .unwrap());
    let (all, total) = s.creators(10, 0).await.unwrap();
    assert_eq!((all.len(), total, all[0].channels.len()), (1, 1, 1));
}

contract!(a_renamed_twitch_login_keeps_its_history);
async fn a_renamed_twitch_login_keeps_its_history(s: Store) {
    // Twitch user 141981764: login `twitchdev` (display name TwitchDev), later renamed to
    // `twitchdev_kr` (트위치개발). The id never changes.
    let tw = |login: &str, name: &str, followers: u64| ChannelObservation {
        info: ChannelInfo {
            platform: Platform::Twitch,
            channel_id: ChannelId::new("141981764"),
            name: name.into(),
            handle: Some(login.into()),
            avatar_url: None,
            description: None,
        },
        stats: ChannelStats {
            followers: Some(followers),
            total_views: None,
            video_count: None,
        },
        live: LiveState::Offline,
    };
    for (min, login, name, followers) in [
        (0, "twitchdev", "TwitchDev", 100),
        (60, "twitchdev", "TwitchDev", 110),
        (120, "twitchdev_kr", "트위치개발", 120),
        (180, "twitchdev_kr", "트위치개발", 130),
    ] {
        let r = s
            .start_round(Platform::Twitch, Job::Channels, t(min))
            .await
            .unwrap();
        s.write_batch(
            r,
            Platform::Twitch,
            t(min),
            &Batch::Channels {
                found: vec![tw(login, name, followers)],
                missing: vec![],
            },
        )
        .await
        .unwrap();
    }
    let ch = s
        .channel(Platform::Twitch, "141981764")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (ch.name.as_str(), ch.handle.as_deref()),
        ("트위치개발", Some("twitchdev_kr"))
    );
    let hist = s
        .history(
            Platform::Twitch,
            "141981764",
            Metric::Followers,
            t(-1),
            t(200),
            10,
        )
        .await
        .unwrap();
    assert_eq!(
        hist.iter().map(|p| p.value).collect::<Vec<_>>(),
        vec![100, 110, 120, 130],
        "one continuous history"
    );
    let aliases = s
        .channel_aliases(Platform::Twitch, "141981764")
        .await
        .unwrap();
    let seen: Vec<(&str, &str, DateTime<Utc>, DateTime<Utc>)> = aliases
        .iter()
        .map(|a| (a.kind, a.value.as_str(), a.first_seen_at, a.last_seen_at))
        .collect();
    assert_eq!(
        seen,
        vec![
            ("handle", "twitchdev", t(0), t(60)),
            ("name", "TwitchDev", t(0), t(60)),
            ("handle", "twitchdev_kr", t(120), t(180)),
            ("name", "트위치개발", t(120), t(180)),
        ]
    );
    assert_eq!(
        s.counts().await.unwrap().channels,
        1,
        "a rename is not a new channel"
    );
}

contract!(a_sighting_that_changes_nothing_writes_nothing);
async fn a_sighting_that_changes_nothing_writes_nothing(s: Store) {
    // Every channels round sees every channel; nearly always nothing about it changed. Such a
    // sighting leaves the channel row and its name history alone for up to an hour (the
    // aliases' `last_seen_at` shows it), while the channel's own `last_seen_at` stays exact
    // through its latest snapshot. Any change is written at once.
    let id = "0f8e7d6c5b4a39281706f5e4d3c2b1a0";
    let write = |min: i64, avatar: &'static str, found: bool| {
        let s = &s;
        async move {
            let obs = ChannelObservation {
                info: ChannelInfo {
                    avatar_url: Some(avatar.into()),
                    ..info(Platform::Chzzk, id, "치지직 채널")
                },
                stats: ChannelStats {
                    followers: Some(1000 + min as u64),
                    total_views: None,
                    video_count: None,
                },
                live: LiveState::Offline,
            };
            let r = s
                .start_round(Platform::Chzzk, Job::Channels, t(min))
                .await
                .unwrap();
            let batch = if found {
                Batch::Channels {
                    found: vec![obs],
                    missing: vec![],
                }
            } else {
                Batch::Channels {
                    found: vec![],
                    missing: vec![ChannelId::new(id)],
                }
            };
            s.write_batch(r, Platform::Chzzk, t(min), &batch)
                .await
                .unwrap();
            let ch = s.channel(Platform::Chzzk, id).await.unwrap().unwrap();
            let aliases = s.channel_aliases(Platform::Chzzk, id).await.unwrap();
            assert_eq!(aliases.len(), 1, "{aliases:?}");
            (ch, aliases[0].first_seen_at, aliases[0].last_seen_at)
        }
    };
    let (ch, first, last) = write(0, "https://a/1", true).await;
    assert_eq!((ch.last_seen_at, first, last), (t(0), t(0), t(0)));
    // Unchanged, 5 minutes on: the row is left alone, the snapshot tells the time.
    let (ch, first, last) = write(5, "https://a/1", true).await;
    assert_eq!((ch.last_seen_at, first, last), (t(5), t(0), t(0)));
    assert_eq!(
        (ch.followers, ch.stats_observed_at),
        (Some(1005), Some(t(5)))
    );
    // A new avatar is written at once, and so is the sighting.
    let (ch, _, last) = write(30, "https://a/2", true).await;
    assert_eq!(
        (ch.avatar_url.as_deref(), ch.last_seen_at, last),
        (Some("https://a/2"), t(30), t(30))
    );
    // Missing, then found again within the hour: no longer missing.
    let (ch, _, last) = write(40, "https://a/2", false).await;
    assert_eq!((ch.missing_since, last), (Some(t(40)), t(30)));
    let (ch, _, last) = write(45, "https://a/2", true).await;
    assert_eq!(
        (ch.missing_since, ch.last_seen_at, last),
        (None, t(45), t(45))
    );
    // Unchanged within the hour, then unchanged an hour after the last write: refreshed.
    let (ch, _, last) = write(100, "https://a/2", true).await;
    assert_eq!((ch.last_seen_at, last), (t(100), t(45)));
    let (_, _, last) = write(106, "https://a/2", true).await;
    assert_eq!(last, t(106), "over an hour after t(45): refreshed");
    let (ch, _, last) = write(150, "https://a/2", true).await;
    assert_eq!((ch.last_seen_at, last), (t(150), t(106)));
    let history = s
        .history(Platform::Chzzk, id, Metric::Followers, t(-1), t(200), 100)
        .await
        .unwrap();
    assert_eq!(
        history.iter().map(|p| p.value).collect::<Vec<_>>(),
        vec![1000, 1005, 1030, 1045, 1100, 1106, 1150],
        "every sighting left its snapshot"
    );
}
