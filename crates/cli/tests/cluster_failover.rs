//! Three `streamtide run` collectors share one store through leases (issue 6): they split the
//! roster without overlap, and when one is killed (SIGKILL, no goodbye) the survivors take its
//! share over within one channels interval. Prints the measured figures.
//!
//! The store is a temporary SQLite file, or the database at `STREAMTIDE_TEST_PG_URL` when set.
//! Each collector logs the id of every roster round it runs, so every snapshot in the store is
//! attributed to exactly one collector process.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use streamtide_core::{ChannelId, ChannelInfo, Platform};
use streamtide_simulator::Simulator;
use streamtide_storage::Store;

const INTERVAL: Duration = Duration::from_secs(6);
const TTL: &str = "2s";
const SHARDS: u32 = 32;
const PER_PLATFORM: usize = 150;
const PLATFORMS: [Platform; 2] = [Platform::Chzzk, Platform::Soop];

struct Proc {
    id: String,
    child: Child,
    log: PathBuf,
}

/// A failed assertion must not leave collectors running (they would keep claiming leases in a
/// shared database): whatever is still running when its `Proc` goes away is killed.
impl Drop for Proc {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn start(dir: &Path, sim: &Simulator, db: &str, id: &str) -> Proc {
    let log = dir.join(format!("{id}.log"));
    let mut c = common::streamtide(dir);
    let port = common::free_port();
    let secs = format!("{}s", INTERVAL.as_secs());
    c.env("RUST_LOG", "warn,streamtide_collector::cluster=info")
        .env("NO_COLOR", "1")
        .env("STREAMTIDE__STORAGE__URL", db)
        .env("STREAMTIDE__SERVER__BIND", format!("127.0.0.1:{port}"))
        .env("STREAMTIDE__CLUSTER__ENABLED", "true")
        .env("STREAMTIDE__CLUSTER__COLLECTOR_ID", id)
        .env("STREAMTIDE__CLUSTER__SHARDS", SHARDS.to_string())
        .env("STREAMTIDE__CLUSTER__LEASE_TTL", TTL)
        .env("STREAMTIDE__COLLECTOR__CHANNELS_INTERVAL", &secs)
        .env("STREAMTIDE__COLLECTOR__LIVE_INTERVAL", &secs)
        .env("STREAMTIDE__COLLECTOR__VIDEOS", "false")
        .env("STREAMTIDE__THUMBNAILS__ENABLED", "false")
        .env("STREAMTIDE__PLATFORMS__TWITCH__ENABLED", "false")
        .env("STREAMTIDE__PLATFORMS__YOUTUBE__ENABLED", "false");
    common::simulated_platforms(&mut c, &sim.chzzk_base(), &sim.soop_base(), 1000)
        .env("STREAMTIDE__PLATFORMS__CHZZK__BURST", "50")
        .env("STREAMTIDE__PLATFORMS__SOOP__BURST", "50")
        .arg("run")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap());
    Proc {
        id: id.to_string(),
        child: c.spawn().unwrap(),
        log,
    }
}

/// Round ids a collector logged as its own roster rounds.
fn rounds_of(p: &Proc) -> BTreeSet<i64> {
    let text = std::fs::read_to_string(&p.log).unwrap_or_default();
    text.lines()
        .filter(|l| l.contains("share of the roster"))
        .filter_map(|l| {
            l.split_whitespace()
                .find_map(|w| w.strip_prefix("round="))
                .and_then(|r| r.parse().ok())
        })
        .collect()
}

/// round id → collector id, from every log.
fn attribution(procs: &[Proc]) -> HashMap<i64, String> {
    procs
        .iter()
        .flat_map(|p| rounds_of(p).into_iter().map(|r| (r, p.id.clone())))
        .collect()
}

/// The collectors that wrote each channel's roster snapshots since `since` (and before
/// `until`), keyed by `platform:id`; `unattributed` counts snapshots of unknown rounds.
async fn writers(
    store: &Store,
    who: &HashMap<i64, String>,
    since: DateTime<Utc>,
    until: Option<DateTime<Utc>>,
) -> (BTreeMap<String, BTreeSet<String>>, usize) {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut unattributed = 0;
    for c in store.collected_since(since).await.unwrap() {
        if c.job.as_deref() != Some("channels") || until.is_some_and(|u| c.observed_at >= u) {
            continue;
        }
        match c.round_id.and_then(|r| who.get(&r)) {
            Some(w) => {
                out.entry(format!("{}:{}", c.platform, c.channel_id))
                    .or_default()
                    .insert(w.clone());
            }
            None => unattributed += 1,
        }
    }
    (out, unattributed)
}

/// Unexpired owner of every lease.
async fn owners(store: &Store) -> BTreeMap<String, String> {
    let now = Utc::now();
    store
        .leases()
        .await
        .unwrap()
        .into_iter()
        .filter(|l| l.expires_at.is_some_and(|e| e > now))
        .filter_map(|l| Some((l.name, l.owner?)))
        .collect()
}

fn lease_names() -> BTreeSet<String> {
    let mut v = BTreeSet::new();
    for p in PLATFORMS {
        v.insert(format!("live:{p}"));
        v.extend((0..SHARDS).map(|s| format!("channels:{p}:{s}")));
    }
    v
}

fn sigterm(mut p: Proc) -> std::process::ExitStatus {
    common::signal(&p.child, "-TERM");
    let status = common::wait_within(&mut p.child, Duration::from_secs(20));
    status.unwrap_or_else(|| panic!("{} did not stop on SIGTERM", p.id))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_collectors_split_the_roster_and_survive_a_kill() {
    let sim = common::simulator(PER_PLATFORM + 20).await;
    let dir = tempfile::tempdir().unwrap();
    // A database of its own on the PostgreSQL server when there is one.
    let db = common::database("st_cluster_failover", &dir.path().join("cluster.db")).await;
    let store = Store::open(&db).await.unwrap();
    let mut tracked = BTreeSet::new();
    for p in PLATFORMS {
        for ch in sim.world().channels(p).iter().take(PER_PLATFORM) {
            let info = ChannelInfo {
                platform: p,
                channel_id: ChannelId(ch.id.clone()),
                name: ch.name.clone(),
                handle: None,
                avatar_url: None,
                description: None,
            };
            store.track_channel(&info, Utc::now()).await.unwrap();
            tracked.insert(format!("{p}:{}", ch.id));
        }
    }

    // Ids unique to this run: a shared PostgreSQL database may hold an earlier run's leases.
    let run = std::process::id();
    let ids: Vec<String> = (1..=3).map(|i| format!("c{i}-{run}")).collect();
    let mut procs: Vec<Proc> = ids
        .iter()
        .map(|id| start(dir.path(), &sim, &db, id))
        .collect();

    // 1. Every lease held, split three ways (per platform: 11/11/10 shards).
    let all = lease_names();
    let end = Instant::now() + Duration::from_secs(60);
    let split = loop {
        let o = owners(&store).await;
        let counts: BTreeMap<&str, usize> = o
            .iter()
            .filter(|(n, w)| n.starts_with("channels:chzzk:") && ids.contains(*w))
            .fold(BTreeMap::new(), |mut m, (_, w)| {
                *m.entry(w.as_str()).or_default() += 1;
                m
            });
        let held_all = all.iter().all(|n| o.contains_key(n));
        if held_all && counts.len() == 3 && counts.values().all(|&c| (10..=11).contains(&c)) {
            break counts
                .values()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join("/");
        }
        for p in &mut procs {
            assert!(
                p.child.try_wait().unwrap().is_none(),
                "{} exited; log:\n{}",
                p.id,
                std::fs::read_to_string(&p.log).unwrap_or_default()
            );
        }
        assert!(Instant::now() < end, "no 3-way split within 60 s: {o:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };

    // 2. A steady window of two intervals after the hand-overs settled: every channel collected,
    //    each by exactly one collector.
    tokio::time::sleep(INTERVAL).await;
    let from = Utc::now();
    tokio::time::sleep(INTERVAL * 2).await;
    let to = Utc::now();
    let (steady, unattributed) = writers(&store, &attribution(&procs), from, Some(to)).await;
    assert_eq!(
        unattributed, 0,
        "every roster snapshot comes from a logged cluster round"
    );
    let overlap = steady.values().filter(|w| w.len() > 1).count();
    let uncovered = tracked.iter().filter(|c| !steady.contains_key(*c)).count();
    assert_eq!(
        overlap,
        0,
        "channels collected by two collectors: {:?}",
        steady
            .iter()
            .filter(|(_, w)| w.len() > 1)
            .take(5)
            .collect::<Vec<_>>()
    );
    assert_eq!(uncovered, 0, "channels nobody collected in two intervals");
    let mut load: BTreeMap<String, usize> = BTreeMap::new();
    for w in steady.values().flatten() {
        *load.entry(w.clone()).or_default() += 1;
    }

    // 3. Kill one collector without warning.
    let victim_id = ids[2].as_str();
    let before = owners(&store).await;
    let victim_leases: BTreeSet<String> = before
        .iter()
        .filter(|(_, w)| w.as_str() == victim_id)
        .map(|(n, _)| n.clone())
        .collect();
    assert!(!victim_leases.is_empty());
    let victim_channels: BTreeSet<String> = steady
        .iter()
        .filter(|(_, w)| w.contains(victim_id))
        .map(|(c, _)| c.clone())
        .collect();
    let pos = procs.iter().position(|p| p.id == victim_id).unwrap();
    let mut victim = procs.remove(pos);
    let killed = Instant::now();
    let killed_at = Utc::now();
    victim.child.kill().unwrap();
    victim.child.wait().unwrap();

    let mut leases_moved: Option<Duration> = None;
    let takeover = loop {
        let o = owners(&store).await;
        if leases_moved.is_none()
            && victim_leases
                .iter()
                .all(|n| o.get(n).is_some_and(|w| w != victim_id))
        {
            leases_moved = Some(killed.elapsed());
        }
        // Fresh = written by a survivor's round after the kill (the victim's own last writes
        // may share the kill's second, so time alone would not tell).
        let (after, _) = writers(&store, &attribution(&procs), killed_at, None).await;
        if leases_moved.is_some() && victim_channels.iter().all(|c| after.contains_key(c)) {
            break killed.elapsed();
        }
        assert!(
            killed.elapsed() < INTERVAL * 4,
            "no takeover within 4 intervals (leases moved: {leases_moved:?})"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };

    // 4. After the takeover, one more interval: everything covered, still without overlap.
    tokio::time::sleep(INTERVAL + Duration::from_secs(1)).await;
    let (after, _) = writers(&store, &attribution(&procs), killed_at, None).await;
    let uncovered_after = tracked.iter().filter(|c| !after.contains_key(*c)).count();
    let overlap_after = after.values().filter(|w| w.len() > 1).count();
    let leases_moved = leases_moved.unwrap();
    // Written to stderr's handle, not with `println!`: the test harness captures the macros'
    // output of passing tests, and these figures belong in every CI log.
    use std::io::Write as _;
    let _ = writeln!(
        std::io::stderr(),
        "cluster failover: collectors=3 killed=1 shards={SHARDS} channels={} leases={} split={split} \
         steady_load={} leases_moved={:.1}s takeover={:.1}s interval={}s ttl={TTL} overlap={overlap} \
         uncovered={uncovered} overlap_after={overlap_after} uncovered_after={uncovered_after}",
        tracked.len(),
        all.len(),
        load.values()
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join("/"),
        leases_moved.as_secs_f64(),
        takeover.as_secs_f64(),
        INTERVAL.as_secs(),
    );
    assert!(
        takeover <= INTERVAL,
        "takeover {takeover:?} is longer than one interval"
    );
    assert_eq!(uncovered_after, 0);
    assert_eq!(overlap_after, 0, "survivors overlapped after the takeover");

    // 5. A graceful stop gives the leases back at once.
    for p in procs {
        let id = p.id.clone();
        assert!(sigterm(p).success(), "{id} exited badly");
    }
    let left: Vec<_> = owners(&store)
        .await
        .into_iter()
        .filter(|(_, w)| ids.contains(w))
        .collect();
    assert!(
        left.is_empty(),
        "leases still held after every collector stopped: {left:?}"
    );
    store.close().await;
    sim.shutdown().await;
}
