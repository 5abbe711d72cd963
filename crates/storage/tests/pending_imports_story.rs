//! Roster rows kept for a retry, channel labels for spreadsheets, and whether a channel's live
//! state is known: the storage contract on every configured backend (see common/mod.rs).

mod common;

use chrono::{DateTime, Utc};
use streamtide_core::{
    ChannelId, ChannelInfo, ChannelObservation, ChannelStats, LiveState, Platform,
};
use streamtide_storage::{Batch, Job, NewPendingImport, Store};

fn t(secs: i64) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-01T00:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
        + chrono::Duration::seconds(secs)
}

fn info(platform: Platform, id: &str, name: &str, handle: Option<&str>) -> ChannelInfo {
    ChannelInfo {
        platform,
        channel_id: ChannelId::new(id),
        name: name.into(),
        handle: handle.map(str::to_string),
        avatar_url: None,
        description: None,
    }
}

async fn kept_rows_are_counted_updated_and_forgotten(s: Store) {
    assert_eq!(s.count_pending_imports().await.unwrap(), 0);
    let row = |reference, reason| NewPendingImport {
        creator: "햇살가득",
        platform: Some(Platform::Soop),
        reference,
        source: "명단.csv",
        source_row: 3,
        reason,
    };
    s.keep_pending_import(&row("soop:sun", "soop unreachable: timeout"), t(0))
        .await
        .unwrap();
    s.keep_pending_import(&row("soop:moon", "soop unreachable: 503"), t(1))
        .await
        .unwrap();
    // The same creator and reference again: one row, one more attempt, the latest reason.
    s.keep_pending_import(&row("soop:sun", "soop unreachable: 429"), t(60))
        .await
        .unwrap();
    let kept = s.pending_imports().await.unwrap();
    assert_eq!(kept.len(), 2);
    let sun = &kept[0];
    assert_eq!(
        (sun.creator.as_str(), sun.reference.as_str(), sun.platform),
        ("햇살가득", "soop:sun", Some(Platform::Soop))
    );
    assert_eq!((sun.source.as_str(), sun.source_row), ("명단.csv", 3));
    assert_eq!(sun.attempts, 2);
    assert_eq!(sun.reason, "soop unreachable: 429");
    assert_eq!((sun.first_failed_at, sun.last_tried_at), (t(0), t(60)));
    assert!(s
        .forget_pending_import("햇살가득", "soop:sun")
        .await
        .unwrap());
    assert!(!s
        .forget_pending_import("햇살가득", "soop:sun")
        .await
        .unwrap());
    assert_eq!(s.count_pending_imports().await.unwrap(), 1);
    // Long text is cut to what every backend stores, not refused.
    let long = "가".repeat(5000);
    s.keep_pending_import(
        &NewPendingImport {
            creator: &long,
            platform: None,
            reference: &long,
            source: &long,
            source_row: 1,
            reason: &long,
        },
        t(2),
    )
    .await
    .unwrap();
    assert_eq!(s.count_pending_imports().await.unwrap(), 2);
}
contract!(kept_rows_are_counted_updated_and_forgotten);

async fn labels_name_creators_and_handles(s: Store) {
    s.track_channel(
        &info(
            Platform::Twitch,
            "141981764",
            "TwitchDev",
            Some("twitchdev"),
        ),
        t(0),
    )
    .await
    .unwrap();
    s.track_channel(
        &info(Platform::Youtube, "UCx", "유튜브 채널", Some("@Somebody")),
        t(0),
    )
    .await
    .unwrap();
    let (c, _) = s.upsert_creator("=크리에이터", t(0)).await.unwrap();
    s.link_channel(Platform::Twitch, &ChannelId::new("141981764"), c)
        .await
        .unwrap();
    let labels = s
        .channel_labels(&[
            (Platform::Twitch, "141981764".to_string()),
            (Platform::Youtube, "UCx".to_string()),
            // Same id, other platform: not this channel.
            (Platform::Chzzk, "UCx".to_string()),
        ])
        .await
        .unwrap();
    assert_eq!(labels.len(), 2, "{labels:?}");
    let tw = &labels[&(Platform::Twitch, "141981764".to_string())];
    assert_eq!(tw.creator.as_deref(), Some("=크리에이터"));
    assert_eq!(tw.handle.as_deref(), Some("twitchdev"));
    let yt = &labels[&(Platform::Youtube, "UCx".to_string())];
    assert_eq!(
        (yt.name.as_str(), yt.creator.as_deref()),
        ("유튜브 채널", None)
    );
    // A channel is found by id, or by its handle in any case, with or without `@`.
    for text in ["141981764", "TwitchDev", "@twitchdev"] {
        assert_eq!(
            s.find_channel(Platform::Twitch, text)
                .await
                .unwrap()
                .as_deref(),
            Some("141981764"),
            "{text}"
        );
    }
    assert_eq!(
        s.find_channel(Platform::Youtube, "somebody")
            .await
            .unwrap()
            .as_deref(),
        Some("UCx")
    );
    assert_eq!(s.find_channel(Platform::Chzzk, "UCx").await.unwrap(), None);
}
contract!(labels_name_creators_and_handles);

async fn a_channel_never_observed_is_of_unknown_live_state(s: Store) {
    s.track_channel(&info(Platform::Chzzk, "new", "새 채널", None), t(0))
        .await
        .unwrap();
    let row = s.channel(Platform::Chzzk, "new").await.unwrap().unwrap();
    assert!(
        row.live.is_none() && !row.live_known,
        "tracked, never observed"
    );
    // A channels round that could not tell (live Unknown) still does not know.
    let observe = |live: LiveState, at| {
        let s = s.clone();
        async move {
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
                        info: info(Platform::Chzzk, "new", "새 채널", None),
                        stats: ChannelStats {
                            followers: Some(10),
                            total_views: None,
                            video_count: None,
                        },
                        live,
                    }],
                    missing: vec![],
                },
            )
            .await
            .unwrap();
        }
    };
    observe(LiveState::Unknown, t(10)).await;
    let row = s.channel(Platform::Chzzk, "new").await.unwrap().unwrap();
    assert!(!row.live_known, "followers known, live state not");
    observe(LiveState::Offline, t(20)).await;
    observe(LiveState::Unknown, t(30)).await;
    let row = s.channel(Platform::Chzzk, "new").await.unwrap().unwrap();
    assert!(
        row.live_known,
        "observed offline once: offline, not unknown"
    );
    assert!(row.live.is_none());
}
contract!(a_channel_never_observed_is_of_unknown_live_state);
