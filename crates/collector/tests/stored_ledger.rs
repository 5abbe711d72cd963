//! The YouTube quota ledger survives a restart: spending is saved in the store and reloaded.

use std::time::Duration;

use chrono::{DateTime, Utc};
use streamtide_collector::StoredLedger;
use streamtide_core::Platform;
use streamtide_platforms::youtube::quota::pacific_day;
use streamtide_platforms::youtube::{Endpoint, QuotaLedger, QuotaRefusal};
use streamtide_platforms::YoutubeConfig;
use streamtide_storage::Store;

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// Wait until the background writer has saved `units` for the day of `now`.
async fn saved(store: &Store, now: DateTime<Utc>, units: u64) {
    for _ in 0..200 {
        if let Some(q) = store
            .load_quota(Platform::Youtube, pacific_day(now))
            .await
            .unwrap()
        {
            if q.day == pacific_day(now) && q.units_used == units {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("ledger never saved {units} units");
}

#[tokio::test]
async fn spending_and_exhaustion_survive_a_restart_and_reset_at_pacific_midnight() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}", dir.path().join("q.db").display()))
        .await
        .unwrap();
    let cfg = YoutubeConfig {
        daily_budget: 10,
        floor: 4,
        ..YoutubeConfig::default()
    };
    // 10:00 in Los Angeles (PST, UTC-8).
    let now = at("2026-01-15T18:00:00Z");

    let ledger = StoredLedger::open(store.clone(), &cfg, now).await.unwrap();
    for _ in 0..5 {
        ledger.try_spend(Endpoint::Channels, now).unwrap();
    }
    saved(&store, now, 5).await;
    drop(ledger);

    // A restart continues the day: one more unit reaches the floor (10 - 4 = 6), the next is refused.
    let ledger = StoredLedger::open(store.clone(), &cfg, now).await.unwrap();
    assert_eq!(ledger.snapshot(now).units_used, 5);
    ledger.try_spend(Endpoint::Videos, now).unwrap();
    assert!(matches!(
        ledger.try_spend(Endpoint::Videos, now),
        Err(QuotaRefusal::Floor { .. })
    ));
    saved(&store, now, 6).await;

    // quotaExceeded blocks until the next Pacific midnight, across a restart too.
    ledger.mark_exhausted(now);
    for _ in 0..200 {
        let q = store
            .load_quota(Platform::Youtube, pacific_day(now))
            .await
            .unwrap()
            .unwrap();
        if q.blocked_until.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    drop(ledger);
    let ledger = StoredLedger::open(store.clone(), &cfg, now).await.unwrap();
    assert!(matches!(
        ledger.try_spend(Endpoint::Channels, now),
        Err(QuotaRefusal::Exhausted { .. })
    ));

    // 00:00:01 the next day in Los Angeles (08:00:01 UTC): a fresh day, after a restart as well.
    let tomorrow = at("2026-01-16T08:00:01Z");
    drop(ledger);
    let ledger = StoredLedger::open(store.clone(), &cfg, tomorrow)
        .await
        .unwrap();
    assert_eq!(ledger.snapshot(tomorrow).units_used, 0);
    ledger.try_spend(Endpoint::Channels, tomorrow).unwrap();
}
