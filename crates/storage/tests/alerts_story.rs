//! The alerts' rows on every configured backend (see common/mod.rs): what rules compare before
//! and after a write, the once-only delivery log and its claims, and rules added through the API.

mod common;

use chrono::{DateTime, Utc};
use streamtide_core::{
    ChannelId, ChannelInfo, ChannelObservation, ChannelStats, LiveState, Platform,
};
use streamtide_storage::{Batch, DeliveryOutcome, Job, NewDelivery, Store};

fn t(secs: i64) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-01T00:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
        + chrono::Duration::seconds(secs)
}

fn info(id: &str, name: &str) -> ChannelInfo {
    ChannelInfo {
        platform: Platform::Chzzk,
        channel_id: ChannelId::new(id),
        name: name.into(),
        handle: None,
        avatar_url: None,
        description: None,
    }
}

async fn observe(s: &Store, id: &str, name: &str, followers: u64, at: DateTime<Utc>) {
    let round = s
        .start_round(Platform::Chzzk, Job::Channels, at)
        .await
        .unwrap();
    s.write_batch(
        round,
        Platform::Chzzk,
        at,
        &Batch::Channels {
            found: vec![ChannelObservation {
                info: info(id, name),
                stats: ChannelStats {
                    followers: Some(followers),
                    ..ChannelStats::default()
                },
                live: LiveState::Offline,
            }],
            missing: vec![],
        },
    )
    .await
    .unwrap();
}

async fn states_compare_before_and_after(s: Store) {
    s.track_channel(&info("a", "하나"), t(0)).await.unwrap();
    s.track_channel(&info("b", "둘"), t(0)).await.unwrap();
    let ids = vec!["a".to_string(), "b".to_string(), "untracked".to_string()];
    let before = s.alert_states(Platform::Chzzk, &ids).await.unwrap();
    assert_eq!(before.len(), 2, "tracked channels only");
    assert!(before.iter().all(|c| !c.observed && c.followers.is_none()));
    observe(&s, "a", "하나", 999, t(60)).await;
    observe(&s, "a", "하나둘", 1_000, t(120)).await;
    let after = s.alert_states(Platform::Chzzk, &ids).await.unwrap();
    let a = after.iter().find(|c| c.channel_id == "a").unwrap();
    assert_eq!(
        (a.followers, a.observed, a.name.as_str()),
        (Some(1_000), true, "하나둘")
    );
    assert_eq!(
        s.alert_value_at(a.pk, "followers", t(90)).await.unwrap(),
        Some((999, t(60)))
    );
    assert_eq!(
        s.alert_value_at(a.pk, "followers", t(30)).await.unwrap(),
        None
    );
}
contract!(states_compare_before_and_after);

async fn a_delivery_is_queued_once_and_claimed_by_one(s: Store) {
    let d = NewDelivery {
        rule: "million",
        destination: "ops",
        event_key: "chzzk:a:milestone:followers:1000000",
        kind: "milestone",
        platform: Some(Platform::Chzzk),
        channel_id: Some("a"),
        title: "하나 팔로워 1,000,000 돌파",
        payload: "{}",
    };
    assert!(s.queue_delivery(&d, t(0)).await.unwrap());
    assert!(
        !s.queue_delivery(&d, t(5)).await.unwrap(),
        "the same event again"
    );
    let other = NewDelivery {
        destination: "mail",
        ..d.clone()
    };
    assert!(
        s.queue_delivery(&other, t(0)).await.unwrap(),
        "another destination"
    );

    let first = s.claim_deliveries("x", t(10), t(40), 10).await.unwrap();
    assert_eq!(first.len(), 2);
    assert!(
        s.claim_deliveries("y", t(11), t(41), 10)
            .await
            .unwrap()
            .is_empty(),
        "claimed by x"
    );
    let ops = first.iter().find(|r| r.destination == "ops").unwrap();
    let mail = first.iter().find(|r| r.destination == "mail").unwrap();
    s.finish_delivery(ops.id, t(12), DeliveryOutcome::Sent)
        .await
        .unwrap();
    s.finish_delivery(
        mail.id,
        t(12),
        DeliveryOutcome::Retry {
            at: t(100),
            error: "500",
        },
    )
    .await
    .unwrap();
    assert!(
        s.claim_deliveries("y", t(50), t(80), 10)
            .await
            .unwrap()
            .is_empty(),
        "not due yet"
    );
    let again = s.claim_deliveries("y", t(100), t(130), 10).await.unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(
        (again[0].attempts, again[0].last_error.as_deref()),
        (1, Some("500"))
    );
    s.finish_delivery(
        again[0].id,
        t(101),
        DeliveryOutcome::Failed { error: "400 bad" },
    )
    .await
    .unwrap();
    // A claim that runs out (its holder died) is taken over.
    let late = NewDelivery {
        event_key: "k2",
        ..d.clone()
    };
    s.queue_delivery(&late, t(200)).await.unwrap();
    assert_eq!(
        s.claim_deliveries("x", t(200), t(230), 10)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        s.claim_deliveries("y", t(231), t(260), 10)
            .await
            .unwrap()
            .len(),
        1
    );

    let sent = s.deliveries(Some("sent"), None, 10).await.unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].sent_at, Some(t(12)));
    assert_eq!(
        s.deliveries(Some("failed"), Some("million"), 10)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(s.deliveries(None, None, 10).await.unwrap().len(), 3);
    assert_eq!(
        s.deliveries(None, Some("other"), 10).await.unwrap().len(),
        0
    );
}
contract!(a_delivery_is_queued_once_and_claimed_by_one);

async fn rules_added_and_removed(s: Store) {
    assert!(s
        .add_alert_rule("on-air", r#"{"name":"on-air"}"#, t(0))
        .await
        .unwrap());
    assert!(!s.add_alert_rule("on-air", "{}", t(1)).await.unwrap());
    let rules = s.alert_rules().await.unwrap();
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0].created_at, Some(t(0)));
    assert!(s.delete_alert_rule("on-air").await.unwrap());
    assert!(!s.delete_alert_rule("on-air").await.unwrap());
}
contract!(rules_added_and_removed);
