//! Importing rosters (xlsx and csv, made here) against the simulator: good rows, duplicates,
//! unknown platforms, dead channels and mixed URL forms; a second import changes nothing.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use streamtide_collector::import::{import_roster, Outcome};
use streamtide_core::{ChannelId, ManualClock, Platform};
use streamtide_platforms::{build_adapters, HttpConfig, PlatformsConfig};
use streamtide_simulator::{SimConfig, Simulator};
use streamtide_storage::Store;

#[path = "common/sim.rs"]
mod sim_support;

use sim_support::korean_platforms;

async fn setup() -> (
    Simulator,
    Store,
    Vec<Arc<dyn streamtide_platforms::PlatformAdapter>>,
    tempfile::TempDir,
) {
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 4, 12, 0, 0).unwrap());
    let sim = Simulator::start(
        SimConfig {
            chzzk_channels: 30,
            soop_channels: 30,
            ..SimConfig::default()
        },
        Arc::new(clock),
    )
    .await
    .unwrap();
    let p = korean_platforms(&sim, 500.0);
    let adapters = build_adapters(
        &p,
        &HttpConfig {
            max_retries: 0,
            ..HttpConfig::default()
        },
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}", dir.path().join("i.db").display()))
        .await
        .unwrap();
    (sim, store, adapters, dir)
}

#[tokio::test]
async fn xlsx_and_csv_rosters_import_once() {
    let (sim, store, adapters, dir) = setup().await;
    let w = sim.world();
    let c0 = &w.channels(Platform::Chzzk)[0];
    let c1 = &w.channels(Platform::Chzzk)[1];
    let s0 = &w.channels(Platform::Soop)[0];
    let s1 = &w.channels(Platform::Soop)[1];

    let path = dir.path().join("roster.xlsx");
    let rows: Vec<Vec<String>> = vec![
        vec![
            "크리에이터".into(),
            "치지직".into(),
            "SOOP".into(),
            "비고".into(),
        ],
        // One creator on two platforms, mixed URL forms.
        vec![
            "가".into(),
            format!("https://chzzk.naver.com/live/{}", c0.id),
            format!("https://play.sooplive.co.kr/{}/123", s0.id),
            "팀A".into(),
        ],
        // Bare ids in platform columns.
        vec![
            "나".into(),
            c1.id.clone(),
            format!("bj.afreecatv.com/{}", s1.id),
            String::new(),
        ],
        // The same channel again under another name: a duplicate, not a steal.
        vec![
            "다".into(),
            format!("chzzk.naver.com/{}", c0.id),
            String::new(),
            String::new(),
        ],
        // A dead channel and a reference for the wrong column.
        vec![
            "라".into(),
            "0123456789abcdef0123456789abcdef".into(),
            "https://chzzk.naver.com/live/ffffffffffffffffffffffffffffffff".into(),
            String::new(),
        ],
        // No reference at all.
        vec!["마".into(), String::new(), String::new(), "메모".into()],
    ];
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                sheet.write_string(r as u32, c as u16, cell).unwrap();
            }
        }
    }
    book.save(&path).unwrap();

    let roster = streamtide_roster::read_path(&path).unwrap();
    let now = Utc::now();
    let report = import_roster(&roster, &adapters, &store, now, 4, |_, _| {})
        .await
        .unwrap();
    assert_eq!(report.imported, 4, "{report:#?}");
    assert_eq!(report.duplicates, 1);
    assert_eq!(
        report.unresolved, 3,
        "dead channel, wrong column, no reference: {report:#?}"
    );
    assert_eq!(
        report.creators_created, 3,
        "가, 나, 라 (다 only duplicated)"
    );
    let reasons: Vec<&str> = report
        .lines
        .iter()
        .filter_map(|l| match &l.outcome {
            Outcome::Unresolved { reason } => Some(reason.as_str()),
            _ => None,
        })
        .collect();
    assert!(
        reasons.iter().any(|r| r.contains("no such channel")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("the row says soop")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("no channel URL")),
        "{reasons:?}"
    );

    let (creators, _) = store.creators(10, 0).await.unwrap();
    let ga = creators.iter().find(|c| c.name == "가").unwrap();
    assert_eq!(ga.channels.len(), 2, "one creator, two platforms");
    assert_eq!(store.tracked_ids(Platform::Chzzk).await.unwrap().len(), 2);
    assert_eq!(store.tracked_ids(Platform::Soop).await.unwrap(), {
        let mut v = vec![ChannelId::new(s0.id.clone()), ChannelId::new(s1.id.clone())];
        v.sort();
        v
    });

    // The same file again changes nothing.
    let before = store.counts().await.unwrap();
    let again = import_roster(&roster, &adapters, &store, now, 4, |_, _| {})
        .await
        .unwrap();
    assert_eq!(
        (
            again.imported,
            again.already_present,
            again.creators_created
        ),
        (0, 4, 0),
        "{again:#?}"
    );
    assert_eq!(store.counts().await.unwrap(), before);

    // A CSV with a platform column: a new creator, an unknown platform, a bare SOOP id.
    let s2 = &w.channels(Platform::Soop)[2];
    let csv = format!(
        "name,platform,channel\n바,SOOP,{}\n사,kick,whoever\n가,chzzk,{}\n",
        s2.id, c0.id
    );
    let roster = streamtide_roster::read_csv(csv.as_bytes()).unwrap();
    let report = import_roster(&roster, &adapters, &store, now, 4, |_, _| {})
        .await
        .unwrap();
    assert_eq!(
        (report.imported, report.already_present, report.unresolved),
        (1, 1, 1),
        "{report:#?}"
    );
}

#[tokio::test]
async fn twitch_logins_resolve_one_hundred_per_call() {
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 4, 12, 0, 0).unwrap());
    let sim_cfg = SimConfig {
        twitch_channels: 250,
        chzzk_channels: 1,
        soop_channels: 1,
        ..SimConfig::default()
    };
    let sim = Simulator::start(sim_cfg.clone(), Arc::new(clock))
        .await
        .unwrap();
    let mut p = PlatformsConfig::default();
    p.chzzk.enabled = false;
    p.soop.enabled = false;
    p.youtube.enabled = false;
    p.twitch.api_base = format!("{}/helix", sim.twitch_base());
    p.twitch.auth_base = sim.twitch_base();
    p.twitch.client_id = "test".into();
    p.twitch.client_secret =
        streamtide_platforms::Secret::new(sim_cfg.twitch_client_secret.clone());
    p.twitch.requests_per_second = 500.0;
    let adapters = build_adapters(&p, &HttpConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}", dir.path().join("t.db").display()))
        .await
        .unwrap();

    let mut csv = String::from("name,url\n");
    for ch in sim.world().channels(Platform::Twitch) {
        csv.push_str(&format!(
            "{},https://www.twitch.tv/{}\n",
            ch.name,
            ch.handle.as_deref().unwrap()
        ));
    }
    csv.push_str("유령,https://www.twitch.tv/no_such_login_xyz\n");
    let roster = streamtide_roster::read_csv(csv.as_bytes()).unwrap();
    let report = import_roster(&roster, &adapters, &store, Utc::now(), 4, |_, _| {})
        .await
        .unwrap();
    assert_eq!(
        (report.imported, report.unresolved),
        (250, 1),
        "{:?}",
        report.lines.last()
    );
    // 251 logins: three /users calls, not 251.
    assert_eq!(sim.twitch_requests_to("/helix/users"), 3);
}
