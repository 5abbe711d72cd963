//! The live market's rows on every configured backend (see common/mod.rs): a round kept once
//! however often it is written, its hour and day added up as it arrives, the categories'
//! totals, and round rows thinned while their hours stay.

mod common;

use chrono::{DateTime, Duration, Utc};
use streamtide_core::Platform;
use streamtide_storage::{MarketCell, MarketResolution, Store, MARKET_TOTAL};

/// 2026-03-01 10:00 UTC (19:00 KST) plus `minutes`.
fn t(minutes: i64) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-01T10:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
        + Duration::minutes(minutes)
}

fn cells(lol: u64, talk: u64) -> Vec<MarketCell> {
    vec![
        MarketCell {
            category: "league_of_legends".into(),
            viewers: lol,
            channels: 2,
        },
        MarketCell {
            category: "just_chatting".into(),
            viewers: talk,
            channels: 3,
        },
    ]
}

async fn rounds_hours_and_days(s: Store) {
    let two = Duration::minutes(2);
    assert!(s
        .record_market(Platform::Chzzk, t(0), two, &cells(1000, 500))
        .await
        .unwrap());
    // The same round again (a retried write) changes nothing.
    assert!(!s
        .record_market(Platform::Chzzk, t(0), two, &cells(1000, 500))
        .await
        .unwrap());
    s.record_market(Platform::Chzzk, t(2), two, &cells(3000, 100))
        .await
        .unwrap();
    // The next hour, and another platform.
    s.record_market(Platform::Chzzk, t(60), two, &cells(10, 20))
        .await
        .unwrap();
    s.record_market(Platform::Soop, t(1), two, &cells(7, 0))
        .await
        .unwrap();

    let rounds = s
        .market_series(
            Some(Platform::Chzzk),
            MARKET_TOTAL,
            t(0),
            t(120),
            MarketResolution::Round,
        )
        .await
        .unwrap();
    let totals: Vec<u64> = rounds.iter().map(|p| p.peak_viewers).collect();
    assert_eq!(totals, vec![1500, 3100, 30]);
    assert_eq!(rounds[0].peak_channels, 5);

    let hours = s
        .market_series(
            Some(Platform::Chzzk),
            MARKET_TOTAL,
            t(0),
            t(120),
            MarketResolution::Hour,
        )
        .await
        .unwrap();
    assert_eq!(hours.len(), 2);
    assert_eq!(hours[0].at, t(0));
    assert_eq!(hours[0].rounds, 2, "the retried round counts once");
    assert!((hours[0].avg_viewers - 2300.0).abs() < 1e-9);
    assert_eq!(hours[0].peak_viewers, 3100);
    assert!((hours[0].hours_watched - 4600.0 * 2.0 / 60.0).abs() < 1e-9);

    // 19:00–21:00 KST is one day of the analytics time zone.
    let days = s
        .market_series(
            None,
            "league_of_legends",
            t(0),
            t(120),
            MarketResolution::Day,
        )
        .await
        .unwrap();
    let chzzk: Vec<_> = days
        .iter()
        .filter(|d| d.platform == Platform::Chzzk)
        .collect();
    assert_eq!(chzzk.len(), 1);
    assert_eq!(chzzk[0].rounds, 3);
    assert_eq!(chzzk[0].peak_viewers, 3000);
    assert!((chzzk[0].hours_watched - 4010.0 * 2.0 / 60.0).abs() < 1e-9);
    assert!(days.iter().any(|d| d.platform == Platform::Soop));

    let categories = s.market_categories(None, t(0), t(120)).await.unwrap();
    let lol = categories
        .iter()
        .find(|c| c.platform == Platform::Chzzk && c.category == "league_of_legends")
        .unwrap();
    assert_eq!(
        (lol.rounds, lol.viewer_sum, lol.peak_viewers),
        (3, 4010, 3000)
    );
    assert!(
        categories.iter().all(|c| c.category != MARKET_TOTAL),
        "the platforms' totals are not a category"
    );
    assert_eq!(s.market_latest().await.unwrap(), Some(t(120)));

    // Thinning drops round rows, never their hours.
    assert_eq!(s.thin_market_rounds(t(30)).await.unwrap(), 3 * 3);
    let hours_after = s
        .market_series(
            Some(Platform::Chzzk),
            MARKET_TOTAL,
            t(0),
            t(120),
            MarketResolution::Hour,
        )
        .await
        .unwrap();
    assert_eq!(hours_after, hours);
}
contract!(rounds_hours_and_days);
