//! Collector leases: fair shares among live collectors, takeover after expiry, release on
//! shutdown, and never one lease held by two collectors, even under concurrent heartbeats.
//! Runs against every configured backend (see common/mod.rs): on PostgreSQL and MariaDB the
//! concurrent heartbeats exercise `FOR UPDATE SKIP LOCKED`.

mod common;

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use chrono::{DateTime, Utc};
use streamtide_storage::Store;

const TTL: Duration = Duration::from_secs(10);

fn t(secs: i64) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-01T00:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
        + chrono::Duration::seconds(secs)
}

fn names() -> Vec<String> {
    let mut v: Vec<String> = (0..32).map(|i| format!("channels:chzzk:{i}")).collect();
    v.extend((0..32).map(|i| format!("channels:soop:{i}")));
    v.push("live:chzzk".into());
    v.push("live:soop".into());
    v
}

/// Owner of every work lease that is unexpired at `now`.
async fn owners(s: &Store, now: DateTime<Utc>) -> BTreeMap<String, String> {
    s.leases()
        .await
        .unwrap()
        .into_iter()
        .filter(|l| l.expires_at.is_some_and(|e| e > now))
        .filter_map(|l| Some((l.name, l.owner?)))
        .collect()
}

fn count(owners: &BTreeMap<String, String>, who: &str, prefix: &str) -> usize {
    owners
        .iter()
        .filter(|(n, o)| o.as_str() == who && n.starts_with(prefix))
        .count()
}

async fn three_collectors_split_fairly_take_over_and_release(s: Store) {
    let all = names();

    // Alone, a collector holds everything.
    let a = s.lease_heartbeat("a", &all, TTL, t(0)).await.unwrap();
    assert_eq!(a.held.len(), all.len());
    assert_eq!(a.members, 1);

    // Newcomers are counted through their membership rows even while they hold nothing, so the
    // incumbent gives back work and the newcomers pick it up.
    let b = s.lease_heartbeat("b", &all, TTL, t(1)).await.unwrap();
    let c = s.lease_heartbeat("c", &all, TTL, t(1)).await.unwrap();
    assert!(b.held.is_empty() && c.held.is_empty());
    assert_eq!(c.members, 3);
    for step in 2..5 {
        for who in ["a", "b", "c"] {
            s.lease_heartbeat(who, &all, TTL, t(step)).await.unwrap();
        }
    }
    let o = owners(&s, t(5)).await;
    assert_eq!(o.len(), all.len(), "every lease is held");
    for who in ["a", "b", "c"] {
        // 32 shards of a platform over 3: 11, 11, 10. Live lists: 2 over 3, at most one each.
        for platform in ["chzzk", "soop"] {
            let n = count(&o, who, &format!("channels:{platform}:"));
            assert!((10..=11).contains(&n), "{who} holds {n} {platform} shards");
        }
        assert!(count(&o, who, "live:") <= 1, "{who}: {o:?}");
    }

    // `c` dies (stops renewing). Until its leases expire nobody touches them; at the first
    // heartbeat after, the survivors split them.
    let held_by_c: HashSet<String> = o
        .iter()
        .filter(|(_, w)| w.as_str() == "c")
        .map(|(n, _)| n.clone())
        .collect();
    for who in ["a", "b"] {
        let before = s.lease_heartbeat(who, &all, TTL, t(13)).await.unwrap();
        assert!(before.claimed.is_empty(), "c's leases are still valid");
        assert_eq!(before.members, 3);
    }
    let dead_at = t(4) + chrono::Duration::from_std(TTL).unwrap();
    let mut taken = HashSet::new();
    for who in ["a", "b", "a", "b"] {
        let hb = s.lease_heartbeat(who, &all, TTL, dead_at).await.unwrap();
        assert_eq!(hb.members, 2);
        taken.extend(hb.taken_over);
    }
    assert_eq!(taken, held_by_c, "exactly c's leases were taken over");
    let o = owners(&s, dead_at).await;
    assert_eq!(o.len(), all.len());
    assert_eq!(count(&o, "a", "channels:chzzk:"), 16);
    assert_eq!(count(&o, "b", "channels:chzzk:"), 16);

    // A graceful stop gives everything back at once; the survivor takes it at its next beat.
    let released = s.release_all("b").await.unwrap();
    assert_eq!(released as usize, count(&o, "b", ""));
    let hb = s
        .lease_heartbeat("a", &all, TTL, dead_at + chrono::Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(hb.members, 1);
    assert_eq!(hb.held.len(), all.len());
    assert!(
        hb.taken_over.is_empty(),
        "released leases are claims, not takeovers"
    );

    // Leases that are no longer work (fewer shards configured) are given back.
    let fewer: Vec<String> = all.iter().take(10).cloned().collect();
    let hb = s
        .lease_heartbeat("a", &fewer, TTL, dead_at + chrono::Duration::seconds(2))
        .await
        .unwrap();
    assert_eq!(hb.held, {
        let mut f = fewer.clone();
        f.sort();
        f
    });
}

async fn concurrent_heartbeats_never_share_a_lease(s: Store) {
    let all = names();
    let start = Utc::now();
    let ttl = Duration::from_secs(3);
    // Each owner's last answer: (simulated second, leases held), valid until second + ttl.
    let mut last: BTreeMap<&str, (i64, HashSet<String>)> = BTreeMap::new();
    for step in 0..25i64 {
        // `c` stops after a while: its share must move to the others once it expires.
        let alive: Vec<&str> = ["a", "b", "c"]
            .into_iter()
            .filter(|w| *w != "c" || step < 8)
            .collect();
        let mut beats = tokio::task::JoinSet::new();
        for who in alive {
            let (s, all) = (s.clone(), all.clone());
            let now = start + chrono::Duration::seconds(step);
            beats.spawn(async move { (who, s.lease_heartbeat(who, &all, ttl, now).await) });
        }
        while let Some(r) = beats.join_next().await {
            let (who, hb) = r.unwrap();
            last.insert(who, (step, hb.unwrap().held.into_iter().collect()));
        }
        let mut seen: HashSet<&String> = HashSet::new();
        for (who, (at, held)) in &last {
            if step >= at + ttl.as_secs() as i64 {
                continue; // expired: the owner itself must not act on it any more
            }
            for n in held {
                assert!(
                    seen.insert(n),
                    "{n} held twice at second {step} (one by {who})"
                );
            }
        }
    }
    let o = owners(&s, start + chrono::Duration::seconds(24)).await;
    assert_eq!(o.len(), all.len(), "every lease is held at the end");
    assert!(
        o.values().all(|w| w != "c"),
        "the stopped collector's share moved"
    );
    assert_eq!(count(&o, "a", "channels:soop:"), 16);
}

contract!(three_collectors_split_fairly_take_over_and_release);
contract!(concurrent_heartbeats_never_share_a_lease);
