//! Every absurd figure and string a platform could send, through the normal write path, then
//! every read path: no panic, no error, on every backend (issue 22 item 1).
//!
//! Numbers arrive as the parsers hand them over: a `u64`, so a negative count is already wrapped
//! or saturated (`-5 as u64`), `1e300`/`inf` saturate to `u64::MAX`, `NaN` becomes 0. A lone
//! surrogate arrives as U+FFFD (UTF-16 lossy decoding) — Rust strings cannot hold one.

mod common;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use streamtide_core::{
    ChannelId, ChannelInfo, ChannelObservation, ChannelStats, LiveBroadcast, LiveState, Platform,
    VideoKind, VideoObservation,
};
use streamtide_storage::{
    Batch, Job, LiveFilter, Metric, Store, TrendMetric, TrendQuery, TrendSort,
};

fn t(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 3, 0, 0).unwrap() + Duration::minutes(minutes)
}

/// The absurd counts, by the id of the channel that reports them.
fn absurd_counts() -> Vec<(&'static str, u64)> {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let float = |f: f64| f as u64; // what `as` does to a JSON float on its way to a u64
    vec![
        ("zero", 0),
        ("pow53", 1 << 53),
        ("i64max", i64::MAX as u64),
        ("u64max", u64::MAX),
        ("negative", (-5i64) as u64),
        ("nan", float(f64::NAN)),
        ("inf", float(f64::INFINITY)),
        ("e300", float(1e300)),
    ]
}

fn hostile_title() -> String {
    let mut s = String::from("\u{202E}evil\0title\u{1b}[2J\u{FFFD}");
    s.push_str(&"長".repeat(2_000_000)); // ~6 MB
    s
}

fn live(id: &str, viewers: u64) -> LiveBroadcast {
    LiveBroadcast {
        platform: Platform::Chzzk,
        channel_id: ChannelId::new(id),
        channel_name: Some(format!("\u{2066}name\0{id}\u{2069}")),
        channel_avatar_url: Some("javascript:alert(1)".into()),
        broadcast_id: Some(format!("b-{id}\0")),
        title: hostile_title(),
        viewers,
        category_id: Some("talk\0".into()),
        category_name: Some("Talk\u{202E}".into()),
        tags: vec!["\0".into(), "ok".into(), "x".repeat(100_000)],
        thumbnail_url: Some("data:image/png;base64,AAAA".into()),
        started_at: Some(t(-30)),
        adult: false,
        language: Some("ko\0".into()),
        url: "//evil.example/live".into(),
    }
}

fn channel(id: &str, n: u64, live_now: bool) -> ChannelObservation {
    ChannelObservation {
        info: ChannelInfo {
            platform: Platform::Chzzk,
            channel_id: ChannelId::new(id),
            name: format!("name\0{id}\u{1b}]0;pwned\u{7}"),
            handle: Some("\u{202E}handle".into()),
            avatar_url: Some("//cdn.example/a.png".into()),
            description: Some(format!("line\nline\0{}", "d".repeat(3_000_000))),
        },
        stats: ChannelStats {
            followers: Some(n),
            total_views: Some(n),
            video_count: Some(n),
        },
        live: if live_now {
            LiveState::Live(Box::new(live(id, n)))
        } else {
            LiveState::Offline
        },
    }
}

fn video(id: &str, n: u64) -> VideoObservation {
    VideoObservation {
        platform: Platform::Chzzk,
        channel_id: ChannelId::new(id),
        video_id: format!("v-{id}\0"),
        title: hostile_title(),
        kind: VideoKind::Replay,
        published_at: Some(t(-600)),
        duration_secs: Some(n),
        views: Some(n),
        likes: Some(n),
        comments: Some(n),
        thumbnail_url: Some("JAVASCRIPT:alert(1)".into()),
        adult: false,
        category_name: Some("\0".into()),
    }
}

async fn write(s: &Store, job: Job, at: DateTime<Utc>, batch: Batch) {
    let round = s.start_round(Platform::Chzzk, job, at).await.unwrap();
    s.write_batch(round, Platform::Chzzk, at, &batch)
        .await
        .unwrap_or_else(|e| panic!("write {job:?} at {at}: {e}"));
    s.update_rollups(Platform::Chzzk, at, &batch)
        .await
        .unwrap_or_else(|e| panic!("rollups {job:?} at {at}: {e}"));
    s.finish_round(round, at, 1, 0, None, false).await.unwrap();
}

contract!(absurd_values_never_panic_or_fail_a_read);
async fn absurd_values_never_panic_or_fail_a_read(s: Store) {
    let counts = absurd_counts();
    // Three rounds of each kind, so session sums accumulate (two samples of 2⁶³−1 overflow).
    for round in 0..3 {
        let at = t(round * 5);
        write(
            &s,
            Job::Live,
            at,
            Batch::LiveList {
                items: counts.iter().map(|(id, n)| live(id, *n)).collect(),
                close_after: Duration::minutes(30),
            },
        )
        .await;
        let at = at + Duration::minutes(1);
        write(
            &s,
            Job::Channels,
            at,
            Batch::Channels {
                found: counts
                    .iter()
                    .map(|(id, n)| channel(&format!("c-{id}"), *n, true))
                    .collect(),
                missing: vec![ChannelId::new("gone\0")],
            },
        )
        .await;
        write(
            &s,
            Job::Videos,
            at + Duration::minutes(1),
            Batch::Videos {
                videos: counts.iter().map(|(id, n)| video(id, *n)).collect(),
            },
        )
        .await;
    }

    // Every read path.
    s.rebuild_rollups().await.expect("rollup --rebuild");
    let (items, total) = s
        .live_now(&LiveFilter {
            limit: 100,
            ..LiveFilter::default()
        })
        .await
        .expect("live");
    let (channels, _) = s.channels(None, false, 1000, 0).await.expect("channels");
    assert!(channels.len() >= 2 * counts.len(), "{}", channels.len());
    let days = (
        NaiveDate::from_ymd_opt(2026, 2, 1).unwrap(),
        NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(),
    );
    for c in &channels {
        let id = c.channel_id.as_str();
        s.channel(Platform::Chzzk, id).await.expect("channel");
        s.channel_stats(Platform::Chzzk, id).await.expect("/stats");
        s.channel_daily(Platform::Chzzk, id, days.0, days.1)
            .await
            .expect("daily (exports)");
        for metric in [Metric::Followers, Metric::Views, Metric::Viewers] {
            s.history(Platform::Chzzk, id, metric, t(-1000), t(1000), 1000)
                .await
                .expect("history");
        }
        s.recent_videos(Platform::Chzzk, id, 50)
            .await
            .expect("videos");
        s.channel_aliases(Platform::Chzzk, id)
            .await
            .expect("aliases");
    }
    for metric in [
        TrendMetric::Followers,
        TrendMetric::Views,
        TrendMetric::Viewers,
        TrendMetric::HoursWatched,
    ] {
        for sort in [TrendSort::Change, TrendSort::Pct] {
            for up in [true, false] {
                s.trends(&TrendQuery {
                    metric,
                    period_days: 1,
                    up,
                    platform: None,
                    category: None,
                    limit: 100,
                    sort,
                    as_of: None,
                    by_creator: false,
                    tracked: false,
                })
                .await
                .expect("trends");
            }
        }
    }
    let violations = s.consistency_violations().await.expect("audit");
    assert!(violations.is_empty(), "{violations:?}");

    // What was kept: figures within the ceilings as they were, the rest unknown (never -1 or 0).
    let by_id = |id: &str| channels.iter().find(|c| c.channel_id == id).unwrap();
    assert_eq!(by_id("c-zero").followers, Some(0), "zero is a figure");
    for id in ["pow53", "i64max", "u64max", "negative", "inf", "e300"] {
        let c = by_id(&format!("c-{id}"));
        assert_eq!(
            (c.followers, c.total_views, c.video_count),
            (None, None, None),
            "c-{id}"
        );
    }
    // The live list: 0 viewers (and NaN's 0) is a sighting, 2⁵³ viewers and above are not.
    let live_ids: Vec<&str> = items.iter().map(|i| i.channel_id.as_str()).collect();
    assert!(
        live_ids.contains(&"zero") && live_ids.contains(&"nan"),
        "{live_ids:?}"
    );
    for id in ["pow53", "i64max", "u64max", "negative", "inf", "e300"] {
        assert!(!live_ids.contains(&id), "{id} in {live_ids:?}");
    }
    assert!(total as usize >= items.len());
    for i in &items {
        assert!(i.viewers <= streamtide_core::sanitize::MAX_VIEWERS, "{i:?}");
        assert!(!i.title.contains('\0') && !i.title.contains('\u{202E}'));
        assert!(!i.title.contains('\u{1b}'));
        assert_eq!(
            i.title.chars().count(),
            streamtide_core::sanitize::MAX_TITLE_CHARS
        );
        assert!(
            i.title.contains('\u{FFFD}'),
            "the replacement character is text"
        );
        assert_eq!(i.thumbnail_url, None, "data: URL");
        assert_eq!(i.channel_avatar_url, None, "javascript: URL");
        assert_eq!(i.url, "", "protocol-relative URL");
        assert!(!i.channel_name.contains('\0') && !i.channel_name.contains('\u{2066}'));
        assert_eq!(i.tags.len(), 2, "{:?}", i.tags.len());
    }
    let c = by_id("c-zero");
    assert!(
        !c.name.contains('\0') && !c.name.contains('\u{1b}'),
        "{:?}",
        c.name
    );
    assert_eq!(c.avatar_url, None);
    assert_eq!(c.handle.as_deref(), Some("handle"));
    let d = c.description.as_deref().unwrap();
    assert!(d.starts_with("line\nline") && !d.contains('\0'));
    assert_eq!(d.chars().count(), streamtide_core::sanitize::MAX_TEXT_CHARS);
    let videos = s
        .recent_videos(Platform::Chzzk, "zero", 10)
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(videos.len(), 1, "{videos:?}");
    assert_eq!(videos[0].video_id, "v-zero");
    assert_eq!(videos[0].thumbnail_url, None);
    println!(
        "absurd values: {} live listed, {} channels stored, 0 panics, 0 read errors",
        items.len(),
        channels.len()
    );
}
