//! Daily rollups and the analytics queries over them, against a real SQLite file.

mod common;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use streamtide_core::{
    ChannelId, ChannelInfo, ChannelObservation, ChannelStats, LiveBroadcast, LiveState, Platform,
};
use streamtide_storage::{Batch, Job, Store, TrendMetric, TrendQuery, TrendSort};

/// 03:00 KST on 2026-03-01 plus `hours`.
fn t(hours: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 2, 28, 18, 0, 0).unwrap() + Duration::hours(hours)
}

fn day(n: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, n).unwrap()
}

fn info(platform: Platform, id: &str) -> ChannelInfo {
    ChannelInfo {
        platform,
        channel_id: ChannelId::new(id),
        name: format!("name-{id}"),
        handle: None,
        avatar_url: Some(format!("https://img/{id}.png")),
        description: None,
    }
}

fn obs(
    platform: Platform,
    id: &str,
    followers: u64,
    live: Option<(u64, i64)>,
) -> ChannelObservation {
    ChannelObservation {
        info: info(platform, id),
        stats: ChannelStats {
            followers: Some(followers),
            total_views: Some(followers * 10),
            video_count: None,
        },
        live: match live {
            Some((viewers, broadcast)) => LiveState::Live(Box::new(LiveBroadcast {
                platform,
                channel_id: ChannelId::new(id),
                channel_name: None,
                channel_avatar_url: None,
                broadcast_id: Some(format!("b-{id}-{broadcast}")),
                title: "t".into(),
                viewers,
                category_id: Some("talk".into()),
                category_name: Some("Talk".into()),
                tags: vec![],
                thumbnail_url: None,
                started_at: None,
                adult: false,
                language: None,
                url: "https://x".into(),
            })),
            None => LiveState::Offline,
        },
    }
}

async fn write(s: &Store, at: DateTime<Utc>, found: Vec<ChannelObservation>) {
    let round = s
        .start_round(Platform::Chzzk, Job::Channels, at)
        .await
        .unwrap();
    let batch = Batch::Channels {
        found,
        missing: vec![],
    };
    s.write_batch(round, Platform::Chzzk, at, &batch)
        .await
        .unwrap();
    s.update_rollups(Platform::Chzzk, at, &batch).await.unwrap();
}

contract!(rollups_are_incremental_rebuildable_and_rank_movers);
async fn rollups_are_incremental_rebuildable_and_rank_movers(s: Store) {
    // Three channels over 20 days, observed every 6 hours: `up` gains 100 a day, `flat` nothing,
    // `down` loses 50 a day. Day 10 is missing for everyone (the daemon was stopped).
    for h in (0..20 * 24).step_by(6) {
        let at = t(h);
        if (9 * 24..10 * 24).contains(&h) {
            continue;
        }
        let days = h as f64 / 24.0;
        let live = (h % 24 == 6).then_some((100 + h as u64, h / 24));
        write(
            &s,
            at,
            vec![
                obs(Platform::Chzzk, "up", 1000 + (100.0 * days) as u64, live),
                obs(Platform::Chzzk, "flat", 5000, None),
                obs(Platform::Chzzk, "down", 9000 - (50.0 * days) as u64, None),
            ],
        )
        .await;
    }
    // A duplicate write of a past batch changes nothing.
    write(
        &s,
        t(6),
        vec![obs(Platform::Chzzk, "up", 1025, Some((106, 0)))],
    )
    .await;

    let rows = s
        .channel_daily(Platform::Chzzk, "up", day(1), day(31))
        .await
        .unwrap();
    assert_eq!(rows.len(), 19, "20 days less the gap");
    assert_eq!(rows[0].day, day(1));
    assert_eq!(rows[0].followers_delta, None);
    assert_eq!(rows[1].followers_delta, Some(100));
    let after_gap = rows.iter().find(|r| r.day == day(11)).unwrap();
    assert_eq!(after_gap.followers_delta, None, "a gap is not a zero");
    // The 06:00 observation was live (seen once per day: a session of one sighting).
    assert!(rows
        .iter()
        .all(|r| r.streams >= 1 && r.peak_viewers.is_some()));

    // Rebuilding from the raw tables gives exactly the incremental rows.
    let stats = s.rebuild_rollups().await.unwrap();
    assert_eq!(stats.channels, 3);
    let rebuilt = s
        .channel_daily(Platform::Chzzk, "up", day(1), day(31))
        .await
        .unwrap();
    assert_eq!(rebuilt, rows);

    let q = |metric, period_days, up| TrendQuery {
        metric,
        period_days,
        up,
        platform: None,
        category: None,
        limit: 10,
        sort: TrendSort::Change,
        as_of: None,
        by_creator: false,
        tracked: false,
    };
    let top = s.trends(&q(TrendMetric::Followers, 7, true)).await.unwrap();
    assert_eq!(top.as_of, Some(day(20)));
    let ids: Vec<&str> = top.items.iter().map(|i| i.channel_id.as_str()).collect();
    // Gainers gained: `flat` (0) and `down` (-350) are counted, never listed among them.
    assert_eq!(ids, ["up"]);
    assert_eq!(
        (top.qualifying, top.other_direction, top.left_out),
        (1, 2, 0)
    );
    assert_eq!(top.items[0].change, Some(700));
    assert_eq!(top.items[0].rank, 1);
    assert_eq!(top.items[0].previous_rank, Some(1));
    assert_eq!(
        top.items[0].avatar_url.as_deref(),
        Some("https://img/up.png")
    );
    let losers = s
        .trends(&q(TrendMetric::Followers, 7, false))
        .await
        .unwrap();
    let ids: Vec<&str> = losers.items.iter().map(|i| i.channel_id.as_str()).collect();
    assert_eq!(ids, ["down"], "losers lost");
    assert_eq!(losers.items[0].change, Some(-350));
    // The 90-day window starts before any data: nobody is ranked rather than everyone from 0.
    assert!(s
        .trends(&q(TrendMetric::Followers, 90, true))
        .await
        .unwrap()
        .items
        .is_empty());
    // Category of the latest broadcast: only `up` ever streamed.
    let talk = s
        .trends(&TrendQuery {
            category: Some("talk".into()),
            ..q(TrendMetric::Followers, 7, true)
        })
        .await
        .unwrap();
    assert_eq!(talk.items.len(), 1);
    let hw = s
        .trends(&q(TrendMetric::HoursWatched, 7, true))
        .await
        .unwrap();
    // `up` is seen live once a day (sessions of one sighting, no hours watched) in both weeks: a
    // known 0 → 0, so no gainer; `flat` and `down` never broadcast: left out, not ranked from 0.
    assert!(hw.items.is_empty(), "{hw:?}");
    assert_eq!((hw.qualifying, hw.other_direction, hw.left_out), (0, 1, 2));

    // Creators: `up` + `down` are one person (+700 - 350 = +350 over 7 days), `flat` another.
    // A creator ranking sums their channels; channels without a creator are left out.
    let (a, _) = s.upsert_creator("A", t(0)).await.unwrap();
    let (b, _) = s.upsert_creator("B", t(0)).await.unwrap();
    for (id, creator) in [("up", a), ("down", a), ("flat", b)] {
        s.link_channel(
            Platform::Chzzk,
            &streamtide_core::ChannelId::new(id),
            creator,
        )
        .await
        .unwrap();
    }
    let creators = s
        .trends(&TrendQuery {
            by_creator: true,
            ..q(TrendMetric::Followers, 7, true)
        })
        .await
        .unwrap();
    let ranked: Vec<(Option<i64>, &str, Option<i64>)> = creators
        .items
        .iter()
        .map(|i| (i.creator_id, i.channel_name.as_str(), i.change))
        .collect();
    // B did not move: not a gainer.
    assert_eq!(ranked, vec![(Some(a), "A", Some(350))]);
    assert_eq!(
        creators.items[0].channel_id, "down",
        "the creator's largest channel"
    );
    assert_eq!(creators.items[0].previous_rank, Some(1));
    assert!(
        top.items.iter().all(|i| i.creator_id.is_none()),
        "a channel ranking has no creator"
    );

    // Channel statistics.
    let st = s
        .channel_stats(Platform::Chzzk, "up")
        .await
        .unwrap()
        .unwrap();
    let c7 = st.stats.changes.iter().find(|c| c.0 == 7).unwrap().1;
    assert_eq!(c7.abs, Some(700));
    assert_eq!(st.stats.avg_daily_gain_7d, Some(100.0));
    assert_eq!(st.stats.acceleration, Some(0));
    let p = st.stats.projection.unwrap();
    assert!((p.slope_per_day - 100.0).abs() < 1.0, "{p:?}");
    assert_eq!(p.next_milestone, Some(5000));
    assert!(s
        .channel_stats(Platform::Chzzk, "nope")
        .await
        .unwrap()
        .is_none());

    // Creators sum their channels.
    let (cid, _) = s.upsert_creator("both", t(0)).await.unwrap();
    s.link_channel(Platform::Chzzk, &ChannelId::new("up"), cid)
        .await
        .unwrap();
    s.link_channel(Platform::Chzzk, &ChannelId::new("down"), cid)
        .await
        .unwrap();
    let cs = s.creator_stats(cid).await.unwrap().unwrap();
    assert_eq!(cs.channels.len(), 2);
    let c7 = cs.stats.changes.iter().find(|c| c.0 == 7).unwrap().1;
    assert_eq!(c7.abs, Some(350));
    assert_eq!(
        cs.stats.now.followers,
        Some(1000 + 100 * 19 + 75 + 9000 - 50 * 19 - 37)
    );

    // A new time zone rebuilds the days.
    assert!(s
        .set_analytics_timezone("UTC".parse().unwrap())
        .await
        .unwrap());
    assert_eq!(s.analytics_timezone().await.unwrap().name(), "UTC");
    assert!(!s
        .set_analytics_timezone("UTC".parse().unwrap())
        .await
        .unwrap());
}
