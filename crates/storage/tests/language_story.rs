//! The store keeps a live session's language; it does not decide it. It asks the detector it was
//! given (`streamtide_curate::language::detect` in the product) with the evidence it holds after
//! a sighting, writes the answer as given, and asks again only when the broadcast is retitled.
//! Given no detector, the language stays unknown.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use streamtide_core::language::{Detection, Evidence};
use streamtide_core::{
    ChannelId, ChannelInfo, ChannelObservation, ChannelStats, LiveBroadcast, LiveState, Platform,
};
use streamtide_storage::{Batch, Job, LiveFilter, LiveItem, Store};

fn t(min: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap() + Duration::minutes(min)
}

/// A stand-in detector whose answer can be read back to the evidence it was asked with: the code
/// names the channel description it saw, the confidence counts the title's characters, the tags
/// and the hint. No language rule at all, so whatever the store holds came from here.
fn echo(e: &Evidence<'_>) -> Option<Detection> {
    let code = match e.description {
        None => "zz",
        Some(d) if d.contains("first") => "d1",
        Some(_) => "d2",
    };
    let hint = if e.hint == Some("en") { 100 } else { 0 };
    let n = e.title.chars().count() + 10 * e.tags.len() + hint;
    Some(Detection {
        code,
        confidence: n as f32 / 1000.0,
    })
}

fn broadcast(title: &str) -> LiveBroadcast {
    LiveBroadcast {
        platform: Platform::Twitch,
        channel_id: ChannelId::new("tw1"),
        channel_name: Some("streamer".into()),
        channel_avatar_url: None,
        broadcast_id: Some("b1".into()),
        title: title.into(),
        viewers: 100,
        category_id: None,
        category_name: None,
        tags: vec!["one".into(), "two".into()],
        thumbnail_url: None,
        started_at: Some(t(-30)),
        adult: false,
        language: Some("en".into()),
        url: "https://www.twitch.tv/tw1".into(),
    }
}

/// A per-channel observation: the channel's description, and the broadcast.
fn observed(description: &str, b: LiveBroadcast) -> Batch {
    Batch::Channels {
        found: vec![ChannelObservation {
            info: ChannelInfo {
                platform: Platform::Twitch,
                channel_id: ChannelId::new("tw1"),
                name: "streamer".into(),
                handle: None,
                avatar_url: None,
                description: Some(description.into()),
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

async fn write(s: &Store, at: DateTime<Utc>, batch: &Batch) {
    let round = s
        .start_round(Platform::Twitch, Job::Channels, at)
        .await
        .unwrap();
    s.write_batch(round, Platform::Twitch, at, batch)
        .await
        .unwrap();
}

async fn item(s: &Store) -> LiveItem {
    let (mut items, _) = s
        .live_now(&LiveFilter {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(items.len(), 1, "{items:?}");
    items.remove(0)
}

/// `i`'s stored language is exactly what `echo` answers for this evidence.
fn assert_answer(i: &LiveItem, title: &str, description: &str) {
    let tags = ["one".to_string(), "two".to_string()];
    let want = echo(&Evidence {
        platform: Platform::Twitch,
        title,
        tags: &tags,
        description: Some(description),
        hint: Some("en"),
    })
    .unwrap();
    assert_eq!(i.detected_language.as_deref(), Some(want.code), "{i:?}");
    let got = i.language_confidence.unwrap();
    assert!(
        (got - want.confidence).abs() < 1e-6,
        "{got} ≠ {}",
        want.confidence
    );
}

contract!(without_a_detector_the_language_stays_unknown);
async fn without_a_detector_the_language_stays_unknown(s: Store) {
    write(
        &s,
        t(0),
        &observed("first words", broadcast("Chill stream")),
    )
    .await;
    let i = item(&s).await;
    assert_eq!(i.detected_language, None, "unknown, not guessed");
    assert_eq!(i.language_confidence, None);
    assert_eq!(
        i.language.as_deref(),
        Some("en"),
        "the hint is kept as sent"
    );
}

contract!(the_store_writes_what_its_detector_answers);
async fn the_store_writes_what_its_detector_answers(s: Store) {
    let s = s.with_language_detector(echo);
    write(
        &s,
        t(0),
        &observed("first words", broadcast("Chill stream")),
    )
    .await;
    let i = item(&s).await;
    assert_answer(&i, "Chill stream", "first words");
    assert_eq!(
        i.language.as_deref(),
        Some("en"),
        "the hint is kept as sent"
    );
}

contract!(asked_once_per_broadcast_and_again_when_retitled);
async fn asked_once_per_broadcast_and_again_when_retitled(s: Store) {
    let s = s.with_language_detector(echo);
    write(
        &s,
        t(0),
        &observed("first words", broadcast("Chill stream")),
    )
    .await;
    // The description changes, the title does not: the detector is not asked again (its answer
    // would now name the new description).
    write(
        &s,
        t(1),
        &observed("later words", broadcast("Chill stream")),
    )
    .await;
    assert_answer(&item(&s).await, "Chill stream", "first words");
    // A top-list sighting of the same broadcast without a title asks nothing either.
    let untitled = Batch::LiveList {
        items: vec![broadcast("")],
        close_after: Duration::minutes(10),
    };
    write(&s, t(2), &untitled).await;
    assert_answer(&item(&s).await, "Chill stream", "first words");
    // Retitled: asked again, with what the store holds now.
    write(
        &s,
        t(3),
        &observed("later words", broadcast("오늘은 한국어 방송")),
    )
    .await;
    assert_answer(&item(&s).await, "오늘은 한국어 방송", "later words");
}
