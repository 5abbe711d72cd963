//! The Kafka event stream end to end, on a real Kafka-protocol broker: the collector (`run`)
//! publishes to a fresh topic, two `ingest` workers of one group write to the store, one of them
//! is SIGKILLed mid-stream and the other takes its partitions over. Every event must land exactly
//! once: snapshots are checked against the collector's published counts, live samples against a
//! third ingest worker (own group, never killed) writing to a reference store.
//!
//! Needs STREAMTIDE_TEST_KAFKA_BROKERS (`.ci/run` starts tansu and sets it); the store is
//! STREAMTIDE_TEST_PG_URL when set, else a temporary SQLite file.

// Without the feature only the refusal test below is built; the rig is then unused.
#![cfg_attr(not(feature = "kafka"), allow(dead_code, unused_imports))]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::free_port;
use streamtide_core::Platform;
use streamtide_storage::{Store, TableCounts};
/// Roster channels per platform (channel and video snapshots come from these).
const TRACK: usize = 8;
/// How long the collector publishes.
const COLLECT_FOR: Duration = Duration::from_secs(24);
/// When the first worker is killed, after the collector started.
const KILL_AFTER: Duration = Duration::from_secs(8);

struct Env {
    brokers: String,
    topic: String,
    sim_chzzk: String,
    sim_soop: String,
}

fn cmd(dir: &Path, env: &Env, db: &str) -> Command {
    let mut c = common::streamtide(dir);
    c.env("RUST_LOG", "info,sqlx=warn,rdkafka=warn")
        .env("STREAMTIDE__STORAGE__URL", db)
        .env("STREAMTIDE__THUMBNAILS__ENABLED", "false");
    common::simulated_platforms(&mut c, &env.sim_chzzk, &env.sim_soop, 200);
    c
}

fn with_kafka(c: &mut Command, env: &Env, group: &str) {
    c.env("STREAMTIDE__EVENTS__KAFKA__BROKERS", &env.brokers)
        .env("STREAMTIDE__EVENTS__KAFKA__TOPIC", &env.topic)
        .env("STREAMTIDE__EVENTS__KAFKA__GROUP", group)
        .env("STREAMTIDE__EVENTS__KAFKA__PARTITIONS", "6")
        .env("STREAMTIDE__EVENTS__KAFKA__BATCH_MAX", "200")
        .env("STREAMTIDE__EVENTS__KAFKA__BATCH_LINGER", "200ms")
        .env("STREAMTIDE__EVENTS__KAFKA__SESSION_TIMEOUT", "6s");
}

fn ok(c: &mut Command) -> String {
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{c:?}: {:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A background process whose stdout and stderr go to files in `dir`.
struct Proc {
    child: Child,
    out: PathBuf,
    err: PathBuf,
}

impl Proc {
    fn spawn(mut c: Command, dir: &Path, name: &str) -> Proc {
        let out = dir.join(format!("{name}.out"));
        let err = dir.join(format!("{name}.err"));
        let child = c
            .stdout(Stdio::from(std::fs::File::create(&out).unwrap()))
            .stderr(Stdio::from(std::fs::File::create(&err).unwrap()))
            .spawn()
            .unwrap();
        Proc { child, out, err }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.err).unwrap_or_default()
    }

    /// "Partitions assigned: [...]" lines with at least one partition.
    fn assignments(&self) -> usize {
        self.log()
            .lines()
            .filter(|l| l.contains("Partitions assigned: [") && !l.contains("assigned: []"))
            .count()
    }

    fn signal(&self, sig: &str) {
        common::signal(&self.child, sig);
    }

    /// SIGTERM, wait, and return stdout.
    fn stop(mut self) -> String {
        self.signal("-TERM");
        let Some(status) = common::wait_within(&mut self.child, Duration::from_secs(30)) else {
            let _ = self.child.kill();
            panic!("did not stop within 30 s of SIGTERM:\n{}", self.log());
        };
        assert!(status.success(), "{status:?}\n{}", self.log());
        std::fs::read_to_string(&self.out).unwrap()
    }
}

/// The last `n` lines of `text`.
fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn wait_until(what: &str, timeout: Duration, mut cond: impl FnMut() -> bool) -> Duration {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    start.elapsed()
}

/// The counts of the collector's "Event stream closed: published kind=N … failed=N" line.
fn published(log: &str) -> BTreeMap<String, u64> {
    let line = log
        .lines()
        .rfind(|l| l.contains("Event stream closed: published"))
        .unwrap_or_else(|| panic!("no closing line in the collector's log:\n{log}"));
    let (_, figures) = line.split_once("published").unwrap();
    figures
        .split_whitespace()
        .filter_map(|kv| kv.split_once('='))
        .filter(|(k, _)| *k != "failed")
        .map(|(k, v)| (k.to_string(), v.parse().unwrap()))
        .collect()
}

fn minus(a: TableCounts, b: TableCounts) -> [u64; 3] {
    [
        a.channel_snapshots - b.channel_snapshots,
        a.live_samples - b.live_samples,
        a.video_snapshots - b.video_snapshots,
    ]
}

fn counts3(c: TableCounts) -> [u64; 3] {
    [c.channel_snapshots, c.live_samples, c.video_snapshots]
}

#[cfg(feature = "kafka")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collector_to_kafka_to_two_ingest_workers_one_killed() {
    let Ok(brokers) = std::env::var("STREAMTIDE_TEST_KAFKA_BROKERS") else {
        eprintln!("kafka e2e: skipped (STREAMTIDE_TEST_KAFKA_BROKERS is not set; .ci/run starts a broker and sets it)");
        return;
    };
    let sim = common::simulator(120).await;
    let dir = tempfile::tempdir().unwrap();
    // A database of its own on the PostgreSQL server when there is one.
    let db = common::database("st_kafka_e2e", &dir.path().join("main.db")).await;
    let ref_db = format!("sqlite://{}", dir.path().join("reference.db").display());
    let run_id = format!(
        "{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis()
    );
    let env = Env {
        brokers,
        topic: format!("streamtide.e2e.{run_id}"),
        sim_chzzk: sim.chzzk_base(),
        sim_soop: sim.soop_base(),
    };
    let (group, ref_group) = (format!("e2e-{run_id}"), format!("e2e-ref-{run_id}"));

    // The schema, then a roster (without the stream: these write to the store directly).
    for store in [&db, &ref_db] {
        ok(cmd(dir.path(), &env, store).arg("migrate"));
    }
    for p in [Platform::Chzzk, Platform::Soop] {
        for ch in sim.world().channels(p).iter().take(TRACK) {
            ok(cmd(dir.path(), &env, &db).args(["channels", "add", &format!("{p}:{}", ch.id)]));
        }
    }
    let before = Store::connect(&db).await.unwrap().counts().await.unwrap();

    // A and B apply an alert rule to what they write (ingest writes, the collector only
    // publishes): every broadcast first seen, to a signed webhook. R has no alerts.
    let (hook, received) = common::alert_receiver().await;
    let alerts = dir.path().join("alerts.toml");
    std::fs::write(
        &alerts,
        format!(
            "[alerts]\nlive_max_age = \"7d\"\n[[alerts.channels]]\nname = \"hook\"\nkind = \"webhook\"\nurl = \"{hook}/hook\"\nsecret = \"kafka-e2e\"\n[[alerts.rules]]\nname = \"on-air\"\nkind = \"live\"\nnotify = [\"hook\"]\n"
        ),
    )
    .unwrap();

    // Ingest: workers A and B share the group; R is the reference.
    let ingest = |name: &str, store: &str, group: &str| {
        let mut c = cmd(dir.path(), &env, store);
        with_kafka(&mut c, &env, group);
        if name != "ingest-ref" {
            c.env("STREAMTIDE_CONFIG", &alerts);
        }
        c.arg("ingest");
        Proc::spawn(c, dir.path(), name)
    };
    let a = ingest("ingest-a", &db, &group);
    wait_until("worker A's partitions", Duration::from_secs(60), || {
        a.assignments() > 0
    })
    .await;
    let b = ingest("ingest-b", &db, &group);
    let r = ingest("ingest-ref", &ref_db, &ref_group);
    wait_until("worker B's partitions", Duration::from_secs(60), || {
        b.assignments() > 0
    })
    .await;
    wait_until("the reference worker", Duration::from_secs(60), || {
        r.assignments() > 0
    })
    .await;
    // A was re-assigned its share when B joined.
    wait_until("worker A's share", Duration::from_secs(60), || {
        a.assignments() > 1
    })
    .await;

    // The collector publishes for a while.
    let mut c = cmd(dir.path(), &env, &db);
    with_kafka(&mut c, &env, &group);
    c.env(
        "STREAMTIDE__SERVER__BIND",
        format!("127.0.0.1:{}", free_port()),
    )
    .env("STREAMTIDE__COLLECTOR__LIVE_INTERVAL", "2s")
    .env("STREAMTIDE__COLLECTOR__CHANNELS_INTERVAL", "3s")
    .env("STREAMTIDE__COLLECTOR__VIDEOS_INTERVAL", "5s")
    .env("STREAMTIDE__COLLECTOR__JITTER", "0")
    .arg("run");
    let collector = Proc::spawn(c, dir.path(), "collector");
    let started = Instant::now();

    tokio::time::sleep(KILL_AFTER).await;
    let b_assignments = b.assignments();
    a.signal("-KILL");
    drop(a);
    let takeover = wait_until(
        "B to take A's partitions over",
        Duration::from_secs(90),
        || b.assignments() > b_assignments,
    )
    .await;

    if let Some(rest) = COLLECT_FOR.checked_sub(started.elapsed()) {
        tokio::time::sleep(rest).await;
    }
    let collector_log = {
        let log_of = collector.err.clone();
        collector.stop();
        std::fs::read_to_string(log_of).unwrap()
    };
    // The totals the collector logs when it closes the stream, after its last round.
    let published = published(&collector_log);
    assert!(
        !collector_log.contains("Publishing failed"),
        "batches fell back to the store:\n{collector_log}"
    );
    let events: u64 = published.values().sum();
    let want_snapshots = published.get("channel_snapshot").copied().unwrap_or(0);
    let want_videos = published.get("video_snapshot").copied().unwrap_or(0);
    assert!(
        want_snapshots > 0
            && want_videos > 0
            && published.get("live_sample").copied().unwrap_or(0) > 0,
        "{published:?}\n{collector_log}"
    );

    // Wait until both stores hold everything published, then a little longer for strays.
    let main_store = Store::connect(&db).await.unwrap();
    let ref_store = Store::connect(&ref_db).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    let (mut got, mut reference);
    loop {
        got = minus(main_store.counts().await.unwrap(), before);
        reference = counts3(ref_store.counts().await.unwrap());
        let complete = |c: [u64; 3]| c[0] >= want_snapshots && c[2] >= want_videos;
        if complete(got) && complete(reference) && got[1] == reference[1] {
            tokio::time::sleep(Duration::from_secs(2)).await;
            let again = minus(main_store.counts().await.unwrap(), before);
            let ref_again = counts3(ref_store.counts().await.unwrap());
            if again == got && ref_again == reference {
                break;
            }
            continue;
        }
        if Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    // Every broadcast the stream opened is announced once, through a killed worker's
    // redelivered batches too: the log holds one delivery per broadcast, all sent, each once.
    let alert_deadline = Instant::now() + Duration::from_secs(30);
    let sent = loop {
        let pending = main_store
            .deliveries(Some("pending"), None, 1000)
            .await
            .unwrap();
        let sent = main_store
            .deliveries(Some("sent"), None, 1000)
            .await
            .unwrap();
        if (pending.is_empty() && !sent.is_empty()) || Instant::now() > alert_deadline {
            break sent;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let keys: Vec<String> = received
        .lock()
        .unwrap()
        .iter()
        .filter_map(|r| r.key.clone())
        .collect();
    let unique: std::collections::BTreeSet<&String> = keys.iter().collect();
    println!(
        "kafka e2e: alerts sent={} received={} unique={}",
        sent.len(),
        keys.len(),
        unique.len()
    );
    assert!(!sent.is_empty(), "ingest raised no alert");
    assert_eq!(unique.len(), keys.len(), "an alert arrived twice: {keys:?}");
    assert_eq!(keys.len(), sent.len());
    // What B logged, kept for a failure's message: a stalled takeover shows only there.
    let b_log = b.log();
    let b_out = b.stop();
    let r_out = r.stop();

    let expected = [want_snapshots, reference[1], want_videos];
    let lost: u64 = expected
        .iter()
        .zip(got)
        .map(|(e, g)| e.saturating_sub(g))
        .sum();
    let duplicates: u64 = expected
        .iter()
        .zip(got)
        .map(|(e, g)| g.saturating_sub(*e))
        .sum();
    let ingested: u64 = got.iter().sum();
    let markers = published.get("live_list_end").copied().unwrap_or(0);
    println!(
        "kafka e2e: events={events} (live_list_end markers={markers}) ingested={ingested} duplicates={duplicates} lost={lost} workers=2 killed=1 takeover={:.1}s",
        takeover.as_secs_f64()
    );
    println!("kafka e2e: published={published:?} rows(channel_snapshots, live_samples, video_snapshots)={got:?} reference={reference:?}");
    println!(
        "kafka e2e: worker B {}kafka e2e: reference {}",
        b_out, r_out
    );
    assert_eq!(
        (duplicates, lost),
        (0, 0),
        "published {published:?}, stored {got:?}, reference {reference:?}\nworker B's log, last 80 lines:\n{}",
        tail(&b_log, 80)
    );
    assert_eq!(
        reference[0], want_snapshots,
        "the reference got every snapshot"
    );
    assert_eq!(reference[2], want_videos);
    {
        // A fresh main store: the sessions derived from the events match the reference's too.
        let (m, r) = (
            main_store.counts().await.unwrap(),
            ref_store.counts().await.unwrap(),
        );
        assert_eq!(
            (m.live_sessions, m.open_sessions),
            (r.live_sessions, r.open_sessions)
        );
    }
    assert!(main_store
        .consistency_violations()
        .await
        .unwrap()
        .is_empty());
    assert!(ref_store.consistency_violations().await.unwrap().is_empty());
}

/// Needs no broker: `ingest` without brokers says what to set, and the SASL password appears
/// nowhere: not in `config show`, not in the logs of an ingest worker whose broker is down.
#[cfg(feature = "kafka")]
#[test]
fn ingest_needs_brokers_and_never_shows_the_sasl_password() {
    const PASSWORD: &str = "kafka-pass-5e7c9a1b3d";
    let dir = tempfile::tempdir().unwrap();
    let env = Env {
        brokers: String::new(),
        topic: "streamtide.secret-test".into(),
        sim_chzzk: "http://127.0.0.1:1".into(),
        sim_soop: "http://127.0.0.1:1".into(),
    };
    let db = format!("sqlite://{}", dir.path().join("s.db").display());
    let out = cmd(dir.path(), &env, &db).arg("ingest").output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("STREAMTIDE__EVENTS__KAFKA__BROKERS"), "{err}");

    let secret_env = |c: &mut Command| {
        c.env(
            "STREAMTIDE__EVENTS__KAFKA__BROKERS",
            format!("127.0.0.1:{}", free_port()),
        )
        .env(
            "STREAMTIDE__EVENTS__KAFKA__SECURITY_PROTOCOL",
            "sasl_plaintext",
        )
        .env("STREAMTIDE__EVENTS__KAFKA__SASL_USERNAME", "streamtide")
        .env("STREAMTIDE__EVENTS__KAFKA__SASL_PASSWORD", PASSWORD)
        .env("RUST_LOG", "trace");
    };
    let mut c = cmd(dir.path(), &env, &db);
    secret_env(&mut c);
    let shown = ok(c.args(["config", "show"]));
    assert!(shown.contains("sasl_password = \"<redacted>\""), "{shown}");
    assert!(!shown.contains(PASSWORD));

    let mut c = cmd(dir.path(), &env, &db);
    secret_env(&mut c);
    c.env("STREAMTIDE__EVENTS__KAFKA__SESSION_TIMEOUT", "6s")
        .arg("ingest");
    let worker = Proc::spawn(c, dir.path(), "secret-ingest");
    std::thread::sleep(Duration::from_secs(3));
    let out = worker.stop();
    let log = std::fs::read_to_string(dir.path().join("secret-ingest.err")).unwrap();
    assert!(
        log.contains("Ingesting observations from Kafka") || log.contains("event topic"),
        "{log}"
    );
    assert!(
        !log.contains(PASSWORD) && !out.contains(PASSWORD),
        "the password leaked:\n{log}"
    );
}

/// A build without the `kafka` feature says so instead of failing obscurely.
#[cfg(not(feature = "kafka"))]
#[test]
fn without_the_feature_ingest_and_brokers_are_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let env = Env {
        brokers: String::new(),
        topic: String::new(),
        sim_chzzk: "http://127.0.0.1:1".into(),
        sim_soop: "http://127.0.0.1:1".into(),
    };
    let db = format!("sqlite://{}", dir.path().join("s.db").display());
    let out = cmd(dir.path(), &env, &db).arg("ingest").output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cargo feature `kafka`"), "{err}");
    let out = cmd(dir.path(), &env, &db)
        .env("STREAMTIDE__EVENTS__KAFKA__BROKERS", "127.0.0.1:9092")
        .args(["collect", "--once"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cargo feature `kafka`"), "{err}");
}
