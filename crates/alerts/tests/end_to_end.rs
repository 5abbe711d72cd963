//! Alerts end to end: the real collector against the platform simulator on a virtual clock, a
//! real SQLite store seeded with 35 days of the simulated world's past, a rule of every kind, and
//! every destination kind on 127.0.0.1 (a signed webhook checked by its HMAC, Discord failing
//! twice first, Slack, Telegram, an SMTP sink, and a webhook that never answers).
//!
//! Over 100 simulated minutes the world does what the rules watch: a channel collapses (the
//! simulator's story), one is renamed, one deleted, one crosses a number, broadcasts start and
//! set records, a creator's new channel on another platform is observed. Halfway the collector
//! restarts; later two collectors share the store. The expected events are computed from the
//! store's raw rows by brute force (not by the engine), and each must have been delivered exactly
//! once per rule and destination; the silent destination must not slow a single round.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use common::{receivers, smtp};
use sqlx::Row;
use streamtide_alerts::{
    AlertsConfig, ChannelConfig, ChannelKind, Direction, Engine, Metric, RuleConfig, RuleKind,
    Window, Worker,
};
use streamtide_collector::{Collector, CollectorConfig, CollectorMetrics};
use streamtide_core::{Clock, ManualClock, Platform, Secret};
use streamtide_platforms::{build_adapters, PlatformsConfig};
use streamtide_simulator::{ChannelChange, SimConfig, Simulator};
use streamtide_storage::{Batch, Job, Store};

const TRACKED: usize = 12;
const STEPS: i64 = 20;
const STEP_MINUTES: i64 = 5;
const TELEGRAM_TOKEN: &str = "123456:TEST-token-never-logged";
const HMAC_KEY: &str = "e2e-hmac-key-never-logged";

/// 20:00 KST on a weekday: broadcasts start all evening.
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 4, 11, 0, 0).unwrap()
}

fn platforms_config(sim: &Simulator) -> PlatformsConfig {
    let mut p = PlatformsConfig::default();
    p.chzzk.api_base = sim.chzzk_base();
    p.chzzk.requests_per_second = 1000.0;
    p.chzzk.burst = 100;
    p.chzzk.respect_poll_hint = false;
    p.chzzk.device_id = "5f0c8a3e-2b1d-4c7a-9e6f-0d1c2b3a4e5f".into();
    p.soop.live_base = sim.soop_base();
    p.soop.chapi_base = sim.soop_base();
    p.soop.live_fallback_base = String::new();
    p.soop.chapi_fallback_base = String::new();
    p.soop.requests_per_second = 1000.0;
    p.soop.burst = 100;
    p.twitch.enabled = false;
    p.youtube.enabled = false;
    p
}

fn http_config() -> streamtide_platforms::HttpConfig {
    streamtide_platforms::HttpConfig {
        timeout: Duration::from_millis(2000),
        max_retries: 2,
        backoff_base: Duration::from_millis(5),
        backoff_max: Duration::from_millis(20),
        max_retry_after: Duration::from_secs(1),
        ..streamtide_platforms::HttpConfig::default()
    }
}

fn channel(name: &str, kind: ChannelKind) -> ChannelConfig {
    ChannelConfig::new(name, kind)
}

fn rule(name: &str, kind: RuleKind, notify: &[&str]) -> RuleConfig {
    RuleConfig {
        name: name.into(),
        kind,
        metric: Metric::Followers,
        notify: notify.iter().map(|s| s.to_string()).collect(),
        creator: None,
        platform: None,
        channel: None,
        milestones: Vec::new(),
        window: Window::Day,
        threshold: None,
        threshold_pct: None,
        direction: Direction::Both,
        score: 6.0,
        min_sessions: 3,
    }
}

struct Destinations {
    hook: receivers::Log,
    discord: receivers::Log,
    slack: receivers::Log,
    telegram: receivers::Log,
    mail: smtp::Captured,
}

async fn destinations() -> (Vec<ChannelConfig>, Destinations) {
    let (hook_url, hook) = receivers::start_webhook(Some(HMAC_KEY)).await;
    let (discord_url, discord) = receivers::start_discord(2).await;
    let (slack_url, slack) = receivers::start_slack(0).await;
    let (tg_base, telegram) = receivers::start_telegram(TELEGRAM_TOKEN, 0).await;
    let (smtp_port, mail) = smtp::start_sink().await;
    let silent = receivers::start_silent().await;
    let mut c_hook = channel("hook", ChannelKind::Webhook);
    c_hook.url = Secret::new(hook_url);
    c_hook.secret = Secret::new(HMAC_KEY);
    let mut c_discord = channel("discord", ChannelKind::Discord);
    c_discord.url = Secret::new(discord_url);
    let mut c_slack = channel("slack", ChannelKind::Slack);
    c_slack.url = Secret::new(slack_url);
    c_slack.language = Some(streamtide_alerts::Language::En);
    let mut c_tg = channel("tg", ChannelKind::Telegram);
    c_tg.token = Secret::new(TELEGRAM_TOKEN);
    c_tg.chat_id = "-100200300".into();
    c_tg.api_base = tg_base;
    let mut c_mail = channel("mail", ChannelKind::Email);
    c_mail.smtp_host = "127.0.0.1".into();
    c_mail.smtp_port = smtp_port;
    c_mail.smtp_tls = streamtide_alerts::config::SmtpTls::None;
    c_mail.from = "streamtide <alerts@example.kr>".into();
    c_mail.to = vec!["ops@example.kr".into()];
    let mut c_slow = channel("slow", ChannelKind::Webhook);
    c_slow.url = Secret::new(silent);
    (
        vec![c_hook, c_discord, c_slack, c_tg, c_mail, c_slow],
        Destinations {
            hook,
            discord,
            slack,
            telegram,
            mail,
        },
    )
}

/// A collector with its own alert engine and sender on `store`, as `streamtide run` wires them.
fn collector(
    sim: &Simulator,
    store: &Store,
    clock: &ManualClock,
    cfg: &Arc<AlertsConfig>,
    name: &str,
) -> (Arc<Collector>, Worker) {
    let engine = Arc::new(Engine::new(
        store.clone(),
        Arc::clone(cfg),
        Arc::new(clock.clone()),
    ));
    let collector = Collector::new(
        store.clone(),
        build_adapters(&platforms_config(sim), &http_config()).unwrap(),
        Arc::new(clock.clone()),
        CollectorConfig::default(),
        Arc::new(CollectorMetrics::default()),
    )
    .with_alerts(Some(Arc::clone(&engine)));
    (Arc::new(collector), Worker::new(engine, name))
}

/// The delivery log as (rule, destination) → event keys, and each row's status.
async fn log(
    store: &Store,
) -> (
    BTreeMap<(String, String), Vec<String>>,
    Vec<(String, String, u32)>,
) {
    let mut by = BTreeMap::new();
    let mut rows = Vec::new();
    for d in store.deliveries(None, None, 1000).await.unwrap() {
        by.entry((d.rule.clone(), d.destination.clone()))
            .or_insert_with(Vec::new)
            .push(d.event_key.clone());
        rows.push((d.destination, d.status, d.attempts));
    }
    (by, rows)
}

fn keys(log: &BTreeMap<(String, String), Vec<String>>, rule: &str, dest: &str) -> BTreeSet<String> {
    let v = log
        .get(&(rule.to_string(), dest.to_string()))
        .cloned()
        .unwrap_or_default();
    let set: BTreeSet<String> = v.iter().cloned().collect();
    assert_eq!(
        set.len(),
        v.len(),
        "{rule} → {dest}: an event queued twice: {v:?}"
    );
    set
}

fn ok_count(log: &receivers::Log) -> usize {
    log.lock()
        .unwrap()
        .iter()
        .filter(|r| (200..300).contains(&r.status))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_event_is_delivered_once_per_rule_and_destination() {
    let start = t0();
    // The story's collapse (CHZZK #3 keeps 55% over two days) began 20 hours before the run.
    let story_end = start - chrono::Duration::hours(20) + chrono::Duration::days(21);
    let renamed_at = start + chrono::Duration::minutes(30);
    let deleted_at = start + chrono::Duration::minutes(40);
    let sim_cfg = SimConfig {
        story_end: Some(story_end),
        channel_changes: vec![
            ChannelChange::Rename {
                platform: Platform::Chzzk,
                index: 4,
                name: "새 이름의 채널".into(),
                at: renamed_at,
            },
            ChannelChange::Delete {
                platform: Platform::Chzzk,
                index: 5,
                at: deleted_at,
            },
        ],
        ..SimConfig::default()
    };
    let clock = ManualClock::new(start - chrono::Duration::days(36));
    let sim = Simulator::start(sim_cfg, Arc::new(clock.clone()))
        .await
        .unwrap();
    let world = sim.world();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}", dir.path().join("e2e.db").display()))
        .await
        .unwrap();

    // The roster, tracked 36 days ago, and its 35 days of past, as `demo --history` writes it.
    let mut roster = Vec::new();
    for p in [Platform::Chzzk, Platform::Soop] {
        for info in world.roster(p, TRACKED) {
            store.track_channel(&info, clock.now()).await.unwrap();
            roster.push((p, info.channel_id.as_str().to_string()));
        }
    }
    let channels: Vec<_> = roster
        .iter()
        .filter_map(|(p, id)| world.channel(*p, id))
        .collect();
    let round = store
        .start_round(Platform::Chzzk, Job::Channels, clock.now())
        .await
        .unwrap();
    for day in world.history(channels, start - chrono::Duration::minutes(1), 35) {
        let batches: Vec<(i64, Platform, DateTime<Utc>, Batch)> = day
            .into_iter()
            .map(|t| {
                (
                    round,
                    t.platform,
                    t.at,
                    Batch::Channels {
                        found: t.found,
                        missing: Vec::new(),
                    },
                )
            })
            .collect();
        let refs: Vec<_> = batches.iter().map(|(r, p, t, b)| (*r, *p, *t, b)).collect();
        store.write_batches(&refs).await.unwrap();
    }
    store.rebuild_rollups().await.unwrap();
    // A creator on CHZZK whose SOOP channel is added halfway.
    let (creator, _) = store
        .upsert_creator("교차 크리에이터", clock.now())
        .await
        .unwrap();
    let chzzk0 = world.roster(Platform::Chzzk, 1)[0].clone();
    store
        .link_channel(Platform::Chzzk, &chzzk0.channel_id, creator)
        .await
        .unwrap();
    let soop_new = world.roster(Platform::Soop, 21)[20].clone();

    // A channel that grows by at least one follower in the first 45 minutes: its milestone is
    // the count it reaches then.
    let growing = world
        .channels(Platform::Chzzk)
        .iter()
        .take(TRACKED)
        .enumerate()
        .filter(|(i, _)| ![3, 4, 5].contains(i))
        .map(|(_, c)| c)
        .find(|c| {
            world.followers_at(c, start + chrono::Duration::minutes(45))
                > world.followers_at(c, start)
        })
        .expect("a growing channel");
    let milestone = world.followers_at(growing, start + chrono::Duration::minutes(45));
    let collapsing = &world.channels(Platform::Chzzk)[3];
    let renamed = &world.channels(Platform::Chzzk)[4];
    let deleted = &world.channels(Platform::Chzzk)[5];

    // A channel live during the run whose earlier broadcasts drew a crowd of 1 at most: its
    // broadcast now is a record.
    let recorder = world
        .channels(Platform::Soop)
        .iter()
        .take(TRACKED)
        .find(|c| {
            world
                .live_at(c, start + chrono::Duration::minutes(30))
                .is_some()
        })
        .expect("a tracked SOOP channel live in the evening");
    let pool =
        sqlx::SqlitePool::connect(&format!("sqlite://{}", dir.path().join("e2e.db").display()))
            .await
            .unwrap();
    sqlx::query(
        "UPDATE live_sessions SET peak_viewers = 1 WHERE ended_at IS NOT NULL
           AND channel_id = (SELECT id FROM channels WHERE platform = 'soop' AND platform_id = ?1)",
    )
    .bind(&recorder.id)
    .execute(&pool)
    .await
    .unwrap();

    let (dests, got) = destinations().await;
    let all = ["hook", "discord", "slack", "tg", "mail"];
    let mut ms = rule("ms", RuleKind::Milestone, &all);
    ms.channel = Some(format!("chzzk:{}", growing.id));
    ms.milestones = vec![milestone];
    let mut drop = rule("drop", RuleKind::Change, &["hook", "slack"]);
    drop.threshold_pct = Some(10.0);
    drop.direction = Direction::Down;
    let cfg = Arc::new(AlertsConfig {
        channels: dests,
        rules: vec![
            ms,
            drop,
            rule("unusual", RuleKind::Anomaly, &["hook"]),
            rule("live", RuleKind::Live, &["hook", "discord"]),
            rule("record", RuleKind::RecordPeak, &["hook"]),
            rule("renamed", RuleKind::Renamed, &["hook", "tg"]),
            rule("missing", RuleKind::Missing, &["hook", "mail", "slow"]),
            rule("newp", RuleKind::NewPlatform, &["hook", "mail"]),
        ],
        // Well above a round's own time on a loaded 2-core machine (up to ~1 s seen), so a round
        // that waited for the silent destination stands out.
        timeout: Duration::from_secs(2),
        ..AlertsConfig::default()
    });
    assert_eq!(cfg.validate(), Ok(()));

    clock.set(start);
    let (mut a, mut worker_a) = collector(&sim, &store, &clock, &cfg, "a");
    let mut second: Option<(Arc<Collector>, Worker)> = None;
    let mut slowest_round = Duration::ZERO;
    for step in 0..=STEPS {
        clock.set(start + chrono::Duration::minutes(step * STEP_MINUTES));
        if step == 8 {
            store.track_channel(&soop_new, clock.now()).await.unwrap();
            store
                .link_channel(Platform::Soop, &soop_new.channel_id, creator)
                .await
                .unwrap();
        }
        if step == 10 {
            // A restart: a new process with a new engine and sender on the same store.
            (a, worker_a) = collector(&sim, &store, &clock, &cfg, "a-restarted");
        }
        if step == 14 {
            second = Some(collector(&sim, &store, &clock, &cfg, "b"));
        }
        let began = Instant::now();
        let summaries = a.collect_once(None, &[Job::Live, Job::Channels]).await;
        slowest_round = slowest_round.max(began.elapsed());
        assert!(
            summaries.iter().all(|s| s.failure.is_none()),
            "{summaries:?}"
        );
        match &second {
            Some((b, worker_b)) => {
                let began = Instant::now();
                b.collect_once(None, &[Job::Live, Job::Channels]).await;
                slowest_round = slowest_round.max(began.elapsed());
                tokio::join!(worker_a.pass(), worker_b.pass());
            }
            None => {
                worker_a.pass().await;
            }
        }
    }
    // Retries come due on the virtual clock; the silent destination runs out of attempts.
    for _ in 0..8 {
        clock.advance(chrono::Duration::minutes(70));
        match &second {
            Some((_, worker_b)) => {
                tokio::join!(worker_a.pass(), worker_b.pass());
            }
            None => {
                worker_a.pass().await;
            }
        }
    }

    // The oracle, from the raw rows.
    let pool =
        sqlx::SqlitePool::connect(&format!("sqlite://{}", dir.path().join("e2e.db").display()))
            .await
            .unwrap();
    let t0s = streamtide_storage::to_db_time(start);
    // Broadcasts first seen during the run (their first sample), of tracked channels, started
    // within the hour before (`live_max_age`).
    let opened: BTreeSet<String> = sqlx::query(
        "SELECT c.platform, c.platform_id, s.id, s.started_at, MIN(x.observed_at) AS first
         FROM live_sessions s JOIN channels c ON c.id = s.channel_id JOIN live_samples x ON x.session_id = s.id
         WHERE c.tracked = 1 GROUP BY s.id HAVING MIN(x.observed_at) >= ?1",
    )
    .bind(&t0s)
    .fetch_all(&pool)
    .await
    .unwrap()
    .iter()
    .filter(|r| {
        let started = streamtide_storage::from_db_time(&r.get::<String, _>("started_at")).unwrap();
        let first = streamtide_storage::from_db_time(&r.get::<String, _>("first")).unwrap();
        first - started <= chrono::Duration::hours(1)
    })
    .map(|r| format!("{}:{}:live:{}", r.get::<String, _>("platform"), r.get::<String, _>("platform_id"), r.get::<i64, _>("id")))
    .collect();
    // Broadcasts live during the run whose peak beat every earlier broadcast's (3 at least).
    let sessions = sqlx::query(
        "SELECT c.platform, c.platform_id, s.id, s.channel_id, s.peak_viewers,
                (SELECT MAX(x.observed_at) FROM live_samples x WHERE x.session_id = s.id) AS last
         FROM live_sessions s JOIN channels c ON c.id = s.channel_id WHERE c.tracked = 1",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut records = BTreeSet::new();
    for s in &sessions {
        let live_in_run = s.get::<Option<String>, _>("last").is_some_and(|l| l >= t0s);
        if !live_in_run {
            continue;
        }
        let earlier: Vec<i64> = sessions
            .iter()
            .filter(|o| {
                o.get::<i64, _>("channel_id") == s.get::<i64, _>("channel_id")
                    && o.get::<i64, _>("id") < s.get::<i64, _>("id")
            })
            .map(|o| o.get::<i64, _>("peak_viewers"))
            .collect();
        if earlier.len() >= 3 && s.get::<i64, _>("peak_viewers") > *earlier.iter().max().unwrap() {
            records.insert(format!(
                "{}:{}:record_peak:{}",
                s.get::<String, _>("platform"),
                s.get::<String, _>("platform_id"),
                s.get::<i64, _>("id")
            ));
        }
    }

    let (by, rows) = log(&store).await;
    let chzzk = |id: &str, rest: &str| format!("chzzk:{id}:{rest}");
    // live: exactly the broadcasts that opened, to both destinations.
    assert!(
        !opened.is_empty(),
        "broadcasts start during a Korean evening"
    );
    assert_eq!(keys(&by, "live", "hook"), opened);
    assert_eq!(keys(&by, "live", "discord"), opened);
    assert!(
        records
            .iter()
            .any(|k| k.starts_with(&format!("soop:{}:record_peak:", recorder.id))),
        "{records:?}"
    );
    assert_eq!(keys(&by, "record", "hook"), records);
    // milestone: once, to every destination.
    for d in all {
        assert_eq!(
            keys(&by, "ms", d),
            BTreeSet::from([chzzk(
                &growing.id,
                &format!("milestone:followers:{milestone}")
            )]),
            "{d}"
        );
    }
    // The collapse: a change and an anomaly, once each (keys carry the KST day), nobody else.
    let day = "2026-03-04";
    assert_eq!(
        keys(&by, "drop", "slack"),
        BTreeSet::from([chzzk(&collapsing.id, &format!("change:followers:1d:{day}"))])
    );
    assert_eq!(
        keys(&by, "unusual", "hook"),
        BTreeSet::from([chzzk(&collapsing.id, &format!("anomaly:followers:{day}"))])
    );
    let renames = keys(&by, "renamed", "tg");
    assert_eq!(renames.len(), 1, "{renames:?}");
    assert!(
        renames
            .iter()
            .all(|k| k.starts_with(&chzzk(&renamed.id, "renamed:"))
                && k.ends_with(":새 이름의 채널")),
        "{renames:?}"
    );
    let missing = keys(&by, "missing", "mail");
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert!(
        missing
            .iter()
            .all(|k| k.starts_with(&chzzk(&deleted.id, "missing:"))),
        "{missing:?}"
    );
    assert_eq!(
        keys(&by, "newp", "mail"),
        BTreeSet::from([format!(
            "soop:{}:new_platform",
            soop_new.channel_id.as_str()
        )])
    );

    // What arrived: every delivery once, the failing Discord after its retries, the silent
    // destination given up on without holding up a round.
    let count = |dest: &str, status: &str| {
        rows.iter()
            .filter(|(d, s, _)| d == dest && s == status)
            .count()
    };
    for d in ["hook", "discord", "slack", "tg", "mail"] {
        assert_eq!(count(d, "pending") + count(d, "failed"), 0, "{d}: {rows:?}");
    }
    assert_eq!(ok_count(&got.hook), count("hook", "sent"));
    assert_eq!(ok_count(&got.discord), count("discord", "sent"));
    assert_eq!(
        got.discord
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.status == 500)
            .count(),
        2
    );
    assert_eq!(ok_count(&got.slack), count("slack", "sent"));
    assert_eq!(ok_count(&got.telegram), count("tg", "sent"));
    assert_eq!(got.mail.lock().unwrap().len(), count("mail", "sent"));
    let hook_keys: Vec<String> = got
        .hook
        .lock()
        .unwrap()
        .iter()
        .filter(|r| r.problem.is_none())
        .filter_map(|r| {
            r.json
                .as_ref()?
                .pointer("/event/key")
                .map(|k| k.to_string())
        })
        .collect();
    let unique: BTreeSet<&String> = hook_keys.iter().collect();
    assert_eq!(
        unique.len(),
        hook_keys.len(),
        "the webhook got an event twice"
    );
    assert!(
        got.hook.lock().unwrap().iter().all(|r| r.problem.is_none()),
        "every webhook call was signed right"
    );
    assert_eq!(count("slow", "failed"), 1, "{rows:?}");
    assert!(rows
        .iter()
        .any(|(d, s, n)| d == "slow" && s == "failed" && *n == cfg.max_attempts));
    assert!(
        slowest_round < Duration::from_millis(1800),
        "a round took {slowest_round:?}: the silent destination slowed collection"
    );
    eprintln!(
        "alerts e2e: {} deliveries, {} broadcasts opened, {} records, slowest round {:?}",
        rows.len(),
        opened.len(),
        records.len(),
        slowest_round
    );
    sim.shutdown().await;
}
