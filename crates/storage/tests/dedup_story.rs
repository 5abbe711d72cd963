//! One broadcast is one live item, whichever calls saw it: a top-list observation and a
//! per-channel status observation of the same broadcast end in one session that keeps the richer
//! record. (How a session's language is kept: `language_story`.)

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use streamtide_core::{
    ChannelId, ChannelInfo, ChannelObservation, ChannelStats, LiveBroadcast, LiveState, Platform,
};
use streamtide_storage::{Batch, Job, LiveFilter, LiveItem, Store};

fn t(min: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap() + Duration::minutes(min)
}

/// The broadcast as CHZZK's top list shows it: category, tags, thumbnail.
fn from_top_list(viewers: u64) -> LiveBroadcast {
    LiveBroadcast {
        platform: Platform::Chzzk,
        channel_id: ChannelId::new("ch1"),
        channel_name: Some("울프".into()),
        channel_avatar_url: Some("https://img.example/a.png".into()),
        broadcast_id: Some("777".into()),
        title: "[치지직컵] 울프팀 원딜".into(),
        viewers,
        category_id: Some("League_of_Legends".into()),
        category_name: Some("리그 오브 레전드".into()),
        tags: vec!["치지직컵".into()],
        thumbnail_url: Some("https://img.example/t.jpg".into()),
        started_at: Some(t(-30)),
        adult: false,
        language: Some("ko".into()),
        url: "https://chzzk.naver.com/live/ch1".into(),
    }
}

/// The same broadcast from a per-channel status call that knows less.
fn from_status(viewers: u64) -> LiveBroadcast {
    LiveBroadcast {
        category_id: None,
        category_name: None,
        tags: vec![],
        thumbnail_url: None,
        channel_avatar_url: None,
        ..from_top_list(viewers)
    }
}

fn status_batch(b: LiveBroadcast) -> Batch {
    Batch::Channels {
        found: vec![ChannelObservation {
            info: ChannelInfo {
                platform: Platform::Chzzk,
                channel_id: ChannelId::new("ch1"),
                name: "울프".into(),
                handle: None,
                avatar_url: None,
                description: Some("롤 방송합니다".into()),
            },
            stats: ChannelStats {
                followers: Some(10),
                total_views: None,
                video_count: None,
            },
            live: LiveState::Live(Box::new(b)),
        }],
        missing: vec![],
    }
}

fn top_batch(b: LiveBroadcast) -> Batch {
    Batch::LiveList {
        items: vec![b],
        close_after: Duration::minutes(10),
    }
}

async fn write(s: &Store, job: Job, at: DateTime<Utc>, batch: &Batch) {
    let round = s.start_round(Platform::Chzzk, job, at).await.unwrap();
    s.write_batch(round, Platform::Chzzk, at, batch)
        .await
        .unwrap();
    s.finish_round(round, at, 1, 0, None, false).await.unwrap();
}

async fn live(s: &Store) -> Vec<LiveItem> {
    let (items, total) = s
        .live_now(&LiveFilter {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(total as usize, items.len());
    items
}

contract!(top_list_then_status_is_one_item_with_the_richer_record);
async fn top_list_then_status_is_one_item_with_the_richer_record(s: Store) {
    write(&s, Job::Live, t(0), &top_batch(from_top_list(500))).await;
    write(&s, Job::Channels, t(1), &status_batch(from_status(520))).await;

    let items = live(&s).await;
    assert_eq!(items.len(), 1, "one broadcast, one item: {items:?}");
    let i = &items[0];
    assert_eq!(i.viewers, 520, "the latest count");
    assert_eq!(i.peak_viewers, 520);
    assert_eq!(i.category_id.as_deref(), Some("League_of_Legends"));
    assert_eq!(i.category_name.as_deref(), Some("리그 오브 레전드"));
    assert_eq!(i.tags, vec!["치지직컵".to_string()]);
    assert_eq!(
        i.thumbnail_url.as_deref(),
        Some("https://img.example/t.jpg")
    );
    assert_eq!(
        i.channel_avatar_url.as_deref(),
        Some("https://img.example/a.png")
    );
}

contract!(status_then_top_list_fills_in_what_the_status_lacked);
async fn status_then_top_list_fills_in_what_the_status_lacked(s: Store) {
    write(&s, Job::Channels, t(0), &status_batch(from_status(480))).await;
    write(&s, Job::Live, t(1), &top_batch(from_top_list(500))).await;
    let items = live(&s).await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].category_id.as_deref(), Some("League_of_Legends"));
    assert_eq!(items[0].category_name.as_deref(), Some("리그 오브 레전드"));
    assert_eq!(items[0].tags, vec!["치지직컵".to_string()]);
    assert_eq!(items[0].viewers, 500);
}

contract!(a_category_switch_without_a_name_does_not_keep_the_old_name);
async fn a_category_switch_without_a_name_does_not_keep_the_old_name(s: Store) {
    write(&s, Job::Live, t(0), &top_batch(from_top_list(500))).await;
    let switched = LiveBroadcast {
        category_id: Some("talk".into()),
        ..from_status(510)
    };
    write(&s, Job::Channels, t(1), &status_batch(switched)).await;
    let items = live(&s).await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].category_id.as_deref(), Some("talk"));
    assert_eq!(items[0].category_name, None, "not 리그 오브 레전드");
}
