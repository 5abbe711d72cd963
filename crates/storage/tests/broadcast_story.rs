//! Broadcasts one by one on every configured backend (see common/mod.rs): a broadcast found by
//! the platform's id with its viewer curve and its title and category over time, whether the
//! sightings come from a live list or a channels round (the multi-row path), and a channel's
//! broadcasts newest first.

mod common;

use chrono::{DateTime, Utc};
use streamtide_core::{
    ChannelId, ChannelInfo, ChannelObservation, ChannelStats, LiveBroadcast, LiveState, Platform,
};
use streamtide_storage::{Batch, Job, Store};

fn t(minutes: i64) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-01T10:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
        + chrono::Duration::minutes(minutes)
}

fn live(id: &str, title: &str, category: &str, viewers: u64) -> LiveBroadcast {
    LiveBroadcast {
        platform: Platform::Soop,
        channel_id: ChannelId::new("streamer"),
        channel_name: Some("스트리머".into()),
        channel_avatar_url: None,
        broadcast_id: Some(id.into()),
        title: title.into(),
        viewers,
        category_id: Some(category.into()),
        category_name: Some(format!("name of {category}")),
        tags: vec![],
        thumbnail_url: None,
        started_at: Some(t(0)),
        adult: false,
        language: None,
        url: format!("https://play.sooplive.co.kr/streamer/{id}"),
    }
}

async fn in_live_list(s: &Store, b: LiveBroadcast, at: DateTime<Utc>) {
    let round = s.start_round(Platform::Soop, Job::Live, at).await.unwrap();
    s.write_batch(
        round,
        Platform::Soop,
        at,
        &Batch::LiveList {
            items: vec![b],
            close_after: chrono::Duration::minutes(15),
        },
    )
    .await
    .unwrap();
}

/// Through a channels round, two channels at once (the multi-row path where the engine has one).
async fn in_channels_round(s: &Store, b: LiveBroadcast, at: DateTime<Utc>) {
    let round = s
        .start_round(Platform::Soop, Job::Channels, at)
        .await
        .unwrap();
    let obs = |id: &str, live: LiveState| ChannelObservation {
        info: ChannelInfo {
            platform: Platform::Soop,
            channel_id: ChannelId::new(id),
            name: id.into(),
            handle: None,
            avatar_url: None,
            description: None,
        },
        stats: ChannelStats::default(),
        live,
    };
    s.write_batch(
        round,
        Platform::Soop,
        at,
        &Batch::Channels {
            found: vec![
                obs("streamer", LiveState::Live(Box::new(b))),
                obs("other", LiveState::Offline),
            ],
            missing: vec![],
        },
    )
    .await
    .unwrap();
}

async fn a_broadcast_with_its_curve_and_course(s: Store) {
    in_live_list(&s, live("100", "아침 방송", "00130000", 10), t(0)).await;
    in_live_list(&s, live("100", "아침 방송", "00130000", 30), t(2)).await;
    // Retitled, then another category, each in a channels round's multi-row write.
    in_channels_round(&s, live("100", "점심 방송", "00130000", 50), t(4)).await;
    in_channels_round(&s, live("100", "점심 방송", "00040019", 20), t(6)).await;
    in_channels_round(&s, live("100", "점심 방송", "00040019", 40), t(8)).await;

    let b = s.broadcast(Platform::Soop, "100").await.unwrap().unwrap();
    assert_eq!(b.title, "점심 방송");
    assert_eq!(b.category_id.as_deref(), Some("00040019"));
    assert_eq!((b.peak_viewers, b.samples), (50, 5));
    assert!((b.avg_viewers.unwrap() - 30.0).abs() < 1e-9);
    assert_eq!(b.started_at, t(0));
    assert_eq!(b.ended_at, None);
    assert!(s.broadcast(Platform::Chzzk, "100").await.unwrap().is_none());
    assert!(s.broadcast(Platform::Soop, "101").await.unwrap().is_none());

    let curve = s.broadcast_curve(b.session_id).await.unwrap();
    let viewers: Vec<u64> = curve.iter().map(|c| c.1).collect();
    assert_eq!(viewers, vec![10, 30, 50, 20, 40]);

    let course = s.broadcast_course(b.session_id).await.unwrap();
    let seen: Vec<(DateTime<Utc>, &str, Option<&str>)> = course
        .iter()
        .map(|c| (c.at, c.title.as_str(), c.category_id.as_deref()))
        .collect();
    assert_eq!(
        seen,
        vec![
            (t(0), "아침 방송", Some("00130000")),
            (t(4), "점심 방송", Some("00130000")),
            (t(6), "점심 방송", Some("00040019")),
        ]
    );

    // The next broadcast of the channel; the channel's list is newest first.
    let mut next = live("200", "저녁 방송", "00130000", 70);
    next.started_at = Some(t(60));
    in_live_list(&s, next, t(60)).await;
    let (list, total) = s
        .channel_broadcasts(Platform::Soop, "streamer", 10, 0)
        .await
        .unwrap();
    assert_eq!(total, 2);
    let keys: Vec<String> = list.iter().map(|b| b.key()).collect();
    assert_eq!(keys, vec!["200", "100"]);
    assert!(
        list[1].ended_at.is_some(),
        "a new broadcast ends the one before"
    );
    let (page, _) = s
        .channel_broadcasts(Platform::Soop, "streamer", 1, 1)
        .await
        .unwrap();
    assert_eq!(page[0].key(), "100");
}
contract!(a_broadcast_with_its_curve_and_course);
