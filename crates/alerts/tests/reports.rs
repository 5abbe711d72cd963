//! The scheduled digests on a virtual clock over simulated days, against a SQLite store seeded
//! with a few creators' channels: when they are queued (never before 09:00 KST, once a day per
//! destination, the weekly only on Monday, not again after a restart, late only the same day),
//! what they say (the top riser and faller checked against a brute-force computation from the
//! seeded figures), and an e-mailed weekly digest arriving with its workbook.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration as StdDuration, Instant};

use async_trait::async_trait;
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Asia::Seoul;
use common::smtp;
use mail_parser::{MessageParser, MimeHeaders};
use streamtide_alerts::digest::StoredDigest;
use streamtide_alerts::reports::{BoxError, Reports, WorkbookSource};
use streamtide_alerts::{AlertEvent, AlertsConfig, Engine, Facts, Metric, RuleKind, Worker};
use streamtide_core::{
    ChannelId, ChannelInfo, ChannelObservation, ChannelStats, Clock, LiveState, ManualClock,
    Platform,
};
use streamtide_storage::{Batch, DeliveryRow, Job, NewDelivery, Store};
use tokio_util::sync::CancellationToken;

/// Channels: (platform, id, creator).
const CHANNELS: [(Platform, &str, Option<&str>); 6] = [
    (Platform::Chzzk, "a", Some("Alpha")),
    (Platform::Chzzk, "b", Some("Bravo")),
    (Platform::Chzzk, "c", Some("Charlie")),
    (Platform::Chzzk, "d", None),
    (Platform::Soop, "e", Some("Alpha")),
    (Platform::Soop, "f", Some("Bravo")),
];

fn kst(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Seoul
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .unwrap()
        .with_timezone(&Utc)
}

fn date(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

/// The seeded history: per channel, followers observed every 6 hours (03, 09, 15, 21 KST) from
/// 2026-11-10 to 2026-12-03, moving by pseudo-random steps of both signs.
struct History {
    series: HashMap<&'static str, Vec<(DateTime<Utc>, u64)>>,
}

impl History {
    fn new() -> History {
        let mut seed: u64 = 0x5eed_1234_abcd;
        let mut next = move || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as i64
        };
        let mut series = HashMap::new();
        for (i, (_, id, _)) in CHANNELS.iter().enumerate() {
            let mut v: i64 = 10_000 * (i as i64 + 1);
            let mut points = Vec::new();
            let mut t = kst(2026, 11, 10, 3, 0);
            while t < kst(2026, 12, 4, 0, 0) {
                // Each channel leans its own way, and the lean turns every few days.
                let lean = ((t.timestamp() / 86_400 + i as i64 * 2) % 5 - 2) * 60;
                v = (v + lean + next() % 301 - 150).max(0);
                points.push((t, v as u64));
                t += Duration::hours(6);
            }
            series.insert(*id, points);
        }
        History { series }
    }

    /// The close of a local day: the last observation on it.
    fn close(&self, id: &str, day: NaiveDate) -> Option<i64> {
        self.series[id]
            .iter()
            .rev()
            .find(|(t, _)| t.with_timezone(&Seoul).date_naive() == day)
            .map(|(_, v)| *v as i64)
    }

    /// Each channel's change from the close of `from` to the close of `to`.
    fn changes(&self, from: NaiveDate, to: NaiveDate) -> HashMap<&'static str, i64> {
        CHANNELS
            .iter()
            .map(|(_, id, _)| {
                (
                    *id,
                    self.close(id, to).unwrap() - self.close(id, from).unwrap(),
                )
            })
            .collect()
    }
}

/// The unique best of `changes` in one direction, or `None` when the best is tied or there is
/// no change that way.
fn best(changes: &BTreeMap<String, i64>, up: bool) -> Option<(String, i64)> {
    let mut v: Vec<(&String, i64)> = changes
        .iter()
        .map(|(k, c)| (k, *c))
        .filter(|(_, c)| if up { *c > 0 } else { *c < 0 })
        .collect();
    v.sort_by_key(|(_, c)| if up { -c } else { *c });
    match v.as_slice() {
        [] => None,
        [(k, c)] => Some(((*k).clone(), *c)),
        [(k, c), (_, c2), ..] => (c != c2).then(|| ((*k).clone(), *c)),
    }
}

fn group(n: i64) -> String {
    streamtide_alerts::message::group(n)
}

fn signed(n: i64) -> String {
    if n > 0 {
        format!("+{}", group(n))
    } else {
        group(n)
    }
}

async fn seeded_store(dir: &tempfile::TempDir, history: &History) -> Store {
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let store = Store::open(&url).await.unwrap();
    let times: Vec<DateTime<Utc>> = history.series["a"].iter().map(|(t, _)| *t).collect();
    for (k, at) in times.iter().enumerate() {
        for platform in [Platform::Chzzk, Platform::Soop] {
            let found: Vec<ChannelObservation> = CHANNELS
                .iter()
                .filter(|(p, _, _)| *p == platform)
                .map(|(p, id, _)| obs(*p, id, history.series[id][k].1))
                .collect();
            let round = store
                .start_round(platform, Job::Channels, *at)
                .await
                .unwrap();
            let batch = Batch::Channels {
                found,
                missing: vec![],
            };
            store
                .write_batch(round, platform, *at, &batch)
                .await
                .unwrap();
            store.update_rollups(platform, *at, &batch).await.unwrap();
        }
    }
    for (p, id, creator) in CHANNELS {
        if let Some(name) = creator {
            let (cid, _) = store.upsert_creator(name, times[0]).await.unwrap();
            store
                .link_channel(p, &ChannelId::new(id), cid)
                .await
                .unwrap();
        }
    }
    store
}

fn obs(platform: Platform, id: &str, followers: u64) -> ChannelObservation {
    ChannelObservation {
        info: ChannelInfo {
            platform,
            channel_id: ChannelId::new(id),
            name: format!("name-{id}"),
            handle: None,
            avatar_url: None,
            description: None,
        },
        stats: ChannelStats {
            followers: Some(followers),
            total_views: None,
            video_count: None,
        },
        live: LiveState::Offline,
    }
}

fn config(extra: &str) -> Arc<AlertsConfig> {
    let cfg: AlertsConfig = toml::from_str(&format!(
        r#"
language = "en"
public_url = "https://live.example.kr/"
[[channels]]
name = "hook"
kind = "webhook"
url = "http://127.0.0.1:9/hook"
[[channels]]
name = "mail"
kind = "email"
smtp_host = "127.0.0.1"
smtp_port = 9
smtp_tls = "none"
from = "streamtide <alerts@streamtide.test>"
to = ["ops@streamtide.test"]
{extra}
"#
    ))
    .unwrap();
    cfg.validate().unwrap();
    Arc::new(cfg)
}

const SCHEDULE: &str = "[reports]\ndaily = [\"hook\", \"mail\"]\nweekly = [\"mail\"]\n";

/// A stand-in for `streamtide report`'s workbook: records what it was asked for.
#[derive(Default)]
struct FakeWorkbook {
    asked: Mutex<Vec<(u32, NaiveDate)>>,
}

const FAKE_XLSX: &[u8] = b"PK\x03\x04 a stand-in workbook \x00\xff";

#[async_trait]
impl WorkbookSource for FakeWorkbook {
    async fn workbook(
        &self,
        days: u32,
        last_day: NaiveDate,
        _at: DateTime<Utc>,
    ) -> Result<Vec<u8>, BoxError> {
        self.asked.lock().unwrap().push((days, last_day));
        Ok(FAKE_XLSX.to_vec())
    }
}

fn reports(
    store: &Store,
    cfg: &Arc<AlertsConfig>,
    clock: &ManualClock,
    workbook: &Arc<FakeWorkbook>,
    dir: &tempfile::TempDir,
) -> (Arc<Engine>, Reports) {
    let engine = Arc::new(Engine::new(
        store.clone(),
        Arc::clone(cfg),
        Arc::new(clock.clone()),
    ));
    let source: Arc<dyn WorkbookSource> = workbook.clone();
    let r = Reports::new(
        Arc::clone(&engine),
        Some(source),
        dir.path().join("reports"),
    )
    .unwrap();
    (engine, r)
}

async fn log(store: &Store) -> Vec<DeliveryRow> {
    let mut rows = store.deliveries(None, None, 10_000).await.unwrap();
    rows.sort_by_key(|r| r.id);
    rows
}

/// Wait (in real time) until the loop sleeps on the clock again after it was moved.
async fn settle(clock: &ManualClock, tasks: usize) {
    let deadline = Instant::now() + StdDuration::from_secs(20);
    while clock.waiting() < tasks {
        assert!(Instant::now() < deadline, "the reports loop did not settle");
        tokio::time::sleep(StdDuration::from_millis(2)).await;
    }
}

/// A milestone alert as the engine logs it, on channel `a` at `at`.
async fn log_milestone(store: &Store, at: DateTime<Utc>) {
    let e = AlertEvent {
        rule: "million".into(),
        kind: RuleKind::Milestone,
        key: "milestone:followers:20000".into(),
        platform: Platform::Chzzk,
        channel_id: "a".into(),
        channel_name: "name-a".into(),
        creator: Some("Alpha".into()),
        at,
        url: None,
        facts: Facts::Milestone {
            metric: Metric::Followers,
            milestone: 20_000,
            value: 20_013,
            rounded: false,
        },
    };
    let payload = serde_json::to_string(&e).unwrap();
    let d = NewDelivery {
        rule: "million",
        destination: "hook",
        event_key: "chzzk:a:milestone:followers:20000",
        kind: "milestone",
        platform: Some(Platform::Chzzk),
        channel_id: Some("a"),
        title: "a passed 20,000",
        payload: &payload,
    };
    assert!(store.queue_delivery(&d, at).await.unwrap());
}

fn field<'a>(d: &'a StoredDigest, label: &str) -> &'a str {
    d.en.fields
        .iter()
        .find(|(k, _)| k == label)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no field {label:?} in {:#?}", d.en.fields))
}

/// The digest names the brute-force top riser and faller by creator and on CHZZK over the
/// closes of `from` and `to`. Returns how many of the four were checked (a tie is not).
fn check_content(d: &StoredDigest, history: &History, from: NaiveDate, to: NaiveDate) -> usize {
    let ch = history.changes(from, to);
    let mut creators: BTreeMap<String, i64> = BTreeMap::new();
    for (_, id, creator) in CHANNELS {
        if let Some(c) = creator {
            *creators.entry(c.to_string()).or_default() += ch[id];
        }
    }
    let chzzk: BTreeMap<String, i64> = CHANNELS
        .iter()
        .filter(|(p, _, _)| *p == Platform::Chzzk)
        .map(|(_, id, _)| (format!("name-{id}"), ch[id]))
        .collect();
    let chzzk_label = Platform::Chzzk.facts().name_en;
    let mut checked = 0;
    for (label, values, up, mark) in [
        ("Risers · creators", &creators, true, ""),
        ("Fallers · creators", &creators, false, ""),
        (chzzk_label, &chzzk, true, "▲ "),
        (chzzk_label, &chzzk, false, "▼ "),
    ] {
        let text = field(d, label);
        let first = text
            .lines()
            .find(|l| l.starts_with(&format!("{mark}1. ")))
            .unwrap_or("");
        match best(values, up) {
            Some((name, change)) => {
                let want = format!("{mark}1. {name} {}", signed(change));
                assert!(
                    first.starts_with(&want),
                    "{label} {from}..{to}: want `{want}`, got `{first}` in\n{text}"
                );
                checked += 1;
            }
            // No change that way: no line 1 (the other direction is never padded in).
            None if values.values().all(|c| if up { *c <= 0 } else { *c >= 0 }) => {
                assert!(first.is_empty(), "{label}: {text}")
            }
            None => {}
        }
    }
    checked
}

#[tokio::test]
async fn digests_follow_the_schedule_over_simulated_days_and_name_the_movers() {
    let dir = tempfile::tempdir().unwrap();
    let history = History::new();
    let store = seeded_store(&dir, &history).await;
    // A milestone on Saturday 2026-11-28: in the daily digest of Sunday the 29th and the weekly.
    log_milestone(&store, kst(2026, 11, 28, 15, 0)).await;
    let cfg = config(SCHEDULE);
    // Tuesday 2026-11-24, 00:00 KST: Monday's digests are long past and not sent late.
    let clock = ManualClock::new(kst(2026, 11, 24, 0, 0));
    let workbook = Arc::new(FakeWorkbook::default());
    let (_engine, r) = reports(&store, &cfg, &clock, &workbook, &dir);
    let stop = CancellationToken::new();
    let task = tokio::spawn(r.run(stop.clone()));
    settle(&clock, 1).await;
    assert_eq!(log(&store).await.len(), 1, "only the seeded milestone");

    let end = kst(2026, 12, 2, 0, 0);
    while clock.now() < end {
        clock.advance(Duration::minutes(30));
        settle(&clock, 1).await;
        let now = clock.now();
        let rows = log(&store).await;
        // Every day from the 24th whose 09:00 KST has come: one daily digest per destination.
        let mut want_daily = Vec::new();
        let mut day = date(11, 24);
        while kst(2026, day.month(), day.day(), 9, 0) <= now {
            for dest in ["hook", "mail"] {
                want_daily.push((format!("report:daily:{day}"), dest.to_string()));
            }
            day += Duration::days(1);
        }
        let got = |rule: &str| -> Vec<(String, String)> {
            let mut v: Vec<_> = rows
                .iter()
                .filter(|r| r.rule == rule)
                .map(|r| (r.event_key.clone(), r.destination.clone()))
                .collect();
            v.sort();
            v
        };
        want_daily.sort();
        assert_eq!(got("report:daily"), want_daily, "at {now}");
        let want_weekly = if now >= kst(2026, 11, 30, 9, 0) {
            vec![("report:weekly:2026-11-30".to_string(), "mail".to_string())]
        } else {
            vec![]
        };
        assert_eq!(got("report:weekly"), want_weekly, "at {now}");
    }
    stop.cancel();
    task.await.unwrap();

    // What they say.
    let rows = log(&store).await;
    let digest = |key: &str, dest: &str| -> StoredDigest {
        let row = rows
            .iter()
            .find(|r| r.event_key == key && r.destination == dest)
            .unwrap_or_else(|| panic!("no {key} for {dest}"));
        assert_eq!(row.kind, "digest");
        serde_json::from_str(&row.payload).unwrap()
    };
    let mut checked = 0;
    for d in 24..=31 {
        let due = if d <= 30 { date(11, d) } else { date(12, 1) };
        let key = format!("report:daily:{due}");
        let dg = digest(&key, "hook");
        // Both destinations carry the same figures.
        assert_eq!(dg, digest(&key, "mail"));
        let yesterday = due - Duration::days(1);
        assert_eq!(dg.en.title, format!("Daily report · {yesterday}"));
        assert_eq!(
            dg.url.as_deref(),
            Some("https://live.example.kr/#/rankings")
        );
        assert_eq!(
            dg.attachment_path, None,
            "only the weekly carries the workbook"
        );
        checked += check_content(&dg, &history, yesterday - Duration::days(1), yesterday);
        let milestones = dg.en.fields.iter().find(|(k, _)| k == "Milestones");
        if yesterday == date(11, 28) {
            let (_, m) = milestones.expect("the milestone of the 28th");
            assert!(m.contains("20,000"), "{m}");
        } else {
            assert!(milestones.is_none(), "{key}: {milestones:?}");
        }
    }
    assert!(
        checked >= 24,
        "too many ties to check the rankings: {checked}"
    );

    let weekly = digest("report:weekly:2026-11-30", "mail");
    assert_eq!(
        weekly.en.title,
        "Weekly report · 2026-11-23 ~ 2026-11-29".to_string()
    );
    assert!(check_content(&weekly, &history, date(11, 22), date(11, 29)) >= 3);
    assert!(field(&weekly, "Milestones").contains("20,000"));
    assert_eq!(
        *workbook.asked.lock().unwrap(),
        vec![(7, date(11, 29))],
        "one workbook, of the week that ended on Sunday"
    );
    let path = weekly.attachment_path.as_deref().expect("an attachment");
    assert!(
        path.ends_with("streamtide-weekly-2026-11-30.xlsx"),
        "{path}"
    );
    assert_eq!(std::fs::read(path).unwrap(), FAKE_XLSX);
    assert!(weekly.en.text.contains(".xlsx"));

    // A restart: a new engine and loop on the same store queue nothing again.
    let before = log(&store).await.len();
    let (_engine, r2) = reports(&store, &cfg, &clock, &workbook, &dir);
    assert_eq!(r2.tick().await, 0);
    let stop = CancellationToken::new();
    let task = tokio::spawn(r2.run(stop.clone()));
    settle(&clock, 1).await;
    clock.advance(Duration::hours(1));
    settle(&clock, 1).await;
    stop.cancel();
    task.await.unwrap();
    assert_eq!(log(&store).await.len(), before);
    assert_eq!(workbook.asked.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_late_start_sends_the_same_days_digest_and_skips_older_ones() {
    let dir = tempfile::tempdir().unwrap();
    let history = History::new();
    let store = seeded_store(&dir, &history).await;
    let cfg = config(SCHEDULE);
    let workbook = Arc::new(FakeWorkbook::default());

    // Up at 02:00 on Tuesday: Monday's daily and weekly digests are 17 hours old, another day.
    let clock = ManualClock::new(kst(2026, 12, 1, 2, 0));
    let (_e, r) = reports(&store, &cfg, &clock, &workbook, &dir);
    assert_eq!(r.tick().await, 0);
    // Up at 16:30 on Monday, seven and a half hours late: both still go out, once.
    clock.set(kst(2026, 11, 30, 16, 30));
    let (_e, r) = reports(&store, &cfg, &clock, &workbook, &dir);
    assert_eq!(
        r.tick().await,
        3,
        "daily to two destinations, weekly to one"
    );
    assert_eq!(r.tick().await, 0);
    let keys: Vec<String> = log(&store).await.into_iter().map(|r| r.event_key).collect();
    assert_eq!(
        keys,
        [
            "report:daily:2026-11-30",
            "report:daily:2026-11-30",
            "report:weekly:2026-11-30"
        ]
    );

    // With a 21:00 schedule, 01:00 the next day is four hours late (another day, within six).
    let late = config(&format!("{SCHEDULE}time = \"21:00\"\n"));
    let clock = ManualClock::new(kst(2026, 11, 27, 1, 0));
    let (_e, r) = reports(&store, &late, &clock, &workbook, &dir);
    assert_eq!(r.tick().await, 2);
    assert!(log(&store)
        .await
        .iter()
        .any(|r| r.event_key == "report:daily:2026-11-26"));
    // Seven hours late is too late.
    let clock = ManualClock::new(kst(2026, 11, 28, 4, 0));
    let (_e, r) = reports(&store, &late, &clock, &workbook, &dir);
    assert_eq!(r.tick().await, 0);
}

#[tokio::test]
async fn an_emailed_weekly_digest_arrives_with_the_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let history = History::new();
    let store = seeded_store(&dir, &history).await;
    let (port, captured) = smtp::start_sink().await;
    let cfg: AlertsConfig = toml::from_str(&format!(
        r#"
[[channels]]
name = "mail"
kind = "email"
smtp_host = "127.0.0.1"
smtp_port = {port}
smtp_tls = "none"
from = "streamtide <alerts@streamtide.test>"
to = ["ops@streamtide.test"]
[reports]
weekly = ["mail"]
"#
    ))
    .unwrap();
    cfg.validate().unwrap();
    let cfg = Arc::new(cfg);
    let clock = ManualClock::new(kst(2026, 11, 30, 9, 0));
    let workbook = Arc::new(FakeWorkbook::default());
    let (engine, r) = reports(&store, &cfg, &clock, &workbook, &dir);
    assert_eq!(r.tick().await, 1);
    let stats = Worker::new(engine, "test").pass().await;
    assert_eq!(stats.sent, 1, "{stats:?}");

    let mails = captured.lock().unwrap().clone();
    assert_eq!(mails.len(), 1);
    let parsed = MessageParser::default().parse(&mails[0].data).unwrap();
    // Korean by default.
    assert_eq!(
        parsed.subject(),
        Some("주간 리포트 · 2026-11-23 ~ 2026-11-29")
    );
    let text = parsed.body_text(0).unwrap();
    assert!(text.contains("상승 · 크리에이터"), "{text}");
    assert_eq!(parsed.attachment_count(), 1);
    let att = parsed.attachment(0).unwrap();
    assert_eq!(
        att.attachment_name(),
        Some("streamtide-weekly-2026-11-30.xlsx")
    );
    assert_eq!(att.contents(), FAKE_XLSX);
}
