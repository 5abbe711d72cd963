//! Excel both ways, out: `export` as .csv (BOM, neutralised formulas) and .xlsx, `--channel` as a
//! URL, `report` as a workbook read back by calamine with Korean names intact; and the errors a
//! new user meets (wrong extension, no channel, no database).

mod common;

use std::io::Cursor;
use std::path::Path;
use std::process::Command;

use calamine::{Data, Reader, Xlsx};
use chrono::{Duration, SubsecRound, Utc};
use streamtide_core::{
    ChannelId, ChannelInfo, ChannelObservation, ChannelStats, LiveState, Platform,
};
use streamtide_storage::{Batch, Job, Store};

use common::ok;

const RISE: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const SINK: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const HOLD: &str = "cccccccccccccccccccccccccccccccc";
/// A name a spreadsheet would run as a formula.
const EVIL: &str = "=HYPERLINK(\"http://evil.example\",\"클릭\")";

fn cmd(dir: &Path, db: &str) -> Command {
    let mut c = common::streamtide(dir);
    c.env("RUST_LOG", "warn").args(["--db", db]);
    c
}

fn fails(out: std::process::Output) -> String {
    assert!(
        !out.status.success(),
        "expected a failure; stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Ten days of three CHZZK channels, two linked to creators (one with a formula-like name).
async fn seed(db: &str) {
    let store = Store::open(db).await.unwrap();
    let now = Utc::now().trunc_subsecs(0);
    let channels = [
        (RISE, "침착한 고양이", 1_000i64, 300i64),
        (SINK, EVIL, 5_000, -40),
        (HOLD, "-가만히", 9_000, 0),
    ];
    for d in 0..10i64 {
        let at = now - Duration::days(9 - d);
        let found = channels
            .iter()
            .map(|(id, name, base, step)| ChannelObservation {
                info: ChannelInfo {
                    platform: Platform::Chzzk,
                    channel_id: ChannelId::new(*id),
                    name: name.to_string(),
                    handle: None,
                    avatar_url: None,
                    description: None,
                },
                stats: ChannelStats {
                    followers: Some((base + step * d) as u64),
                    total_views: None,
                    video_count: None,
                },
                live: LiveState::Offline,
            })
            .collect();
        let round = store
            .start_round(Platform::Chzzk, Job::Channels, at)
            .await
            .unwrap();
        store
            .write_batch(
                round,
                Platform::Chzzk,
                at,
                &Batch::Channels {
                    found,
                    missing: vec![],
                },
            )
            .await
            .unwrap();
    }
    for (id, creator) in [(RISE, "홍길동"), (SINK, "@김치")] {
        let info = ChannelInfo {
            platform: Platform::Chzzk,
            channel_id: ChannelId::new(id),
            name: String::new(),
            handle: None,
            avatar_url: None,
            description: None,
        };
        store.track_channel(&info, now).await.unwrap();
        let (c, _) = store.upsert_creator(creator, now).await.unwrap();
        store
            .link_channel(Platform::Chzzk, &ChannelId::new(id), c)
            .await
            .unwrap();
    }
    store.close().await;
}

fn workbook(path: &Path) -> Xlsx<Cursor<Vec<u8>>> {
    calamine::open_workbook_from_rs(Cursor::new(std::fs::read(path).unwrap())).unwrap()
}

/// The rows of a sheet as text (numbers as written by calamine's Display).
fn rows(book: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str) -> Vec<Vec<String>> {
    book.worksheet_range(sheet)
        .unwrap()
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

fn column(rows: &[Vec<String>], name: &str) -> usize {
    rows[0]
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", rows[0]))
}

#[tokio::test]
async fn exports_and_the_weekly_report_open_in_excel_readers() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = format!("sqlite://{}", d.join("x.db").display());
    seed(&db).await;
    ok(cmd(d, &db).args(["rollup", "--rebuild"]).output().unwrap());

    // A ranking as .xlsx: strings stay strings, Korean intact, creator and URL columns.
    let xlsx = d.join("trends.xlsx");
    let out = ok(cmd(d, &db)
        .args(["export", "--what", "trends", "--out"])
        .arg(&xlsx)
        .output()
        .unwrap());
    assert!(out.contains("Wrote 1 row(s)"), "gainers only: {out}");
    let mut book = workbook(&xlsx);
    let r = rows(&mut book, "trends");
    assert_eq!(r[1][column(&r, "channel_name")], "침착한 고양이");
    assert_eq!(r[1][column(&r, "creator_name")], "홍길동");
    assert_eq!(
        r[1][column(&r, "channel_url")],
        format!("https://chzzk.naver.com/{RISE}")
    );
    let losers = d.join("losers.xlsx");
    ok(cmd(d, &db)
        .args([
            "export",
            "--what",
            "trends",
            "--down",
            "--by-creator",
            "--out",
        ])
        .arg(&losers)
        .output()
        .unwrap());
    let mut book = workbook(&losers);
    let range = book.worksheet_range("trends").unwrap();
    // The formula-like creator is a plain string cell, spelled exactly, with no formula.
    assert_eq!(range.get((1, 4)), Some(&Data::String("@김치".into())));
    assert!(book
        .worksheet_formula("trends")
        .unwrap()
        .used_cells()
        .all(|(_, _, f)| f.is_empty()));

    // The same as CSV: a BOM, the formula-like name neutralised, the negative change a number.
    let csv_path = d.join("losers.csv");
    ok(cmd(d, &db)
        .args(["export", "--what", "trends", "--down", "--out"])
        .arg(&csv_path)
        .output()
        .unwrap());
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    assert!(csv.starts_with('\u{feff}'));
    let line = csv.lines().nth(1).unwrap();
    assert!(
        line.contains(",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"클릭\"\")\",4920,4640,-280,"),
        "{line}"
    );
    assert!(line.contains(",'@김치,"), "{line}");

    // `--channel` takes a URL, as `channels add` does.
    let hist = d.join("hist.xlsx");
    ok(cmd(d, &db)
        .args([
            "export",
            "--what",
            "history",
            "--channel",
            &format!("https://chzzk.naver.com/live/{RISE}"),
            "--out",
        ])
        .arg(&hist)
        .output()
        .unwrap());
    let mut book = workbook(&hist);
    let r = rows(&mut book, "history");
    assert_eq!(r.len(), 11, "header and ten points");
    assert_eq!(r[1][column(&r, "creator_name")], "홍길동");
    assert_eq!(r[10][column(&r, "value")], "3700");
    let daily = d.join("daily.csv");
    ok(cmd(d, &db)
        .args([
            "export",
            "--what",
            "daily",
            "--channel",
            &format!("chzzk:{HOLD}"),
            "--out",
        ])
        .arg(&daily)
        .output()
        .unwrap());
    let csv = std::fs::read_to_string(&daily).unwrap();
    // Not linked to a creator: an empty creator cell; a name starting with `-` is text.
    assert!(
        csv.lines().nth(1).unwrap().starts_with(&format!(
            ",chzzk,{HOLD},'-가만히,https://chzzk.naver.com/{HOLD},"
        )),
        "{csv}"
    );

    // The weekly workbook.
    let weekly = d.join("weekly.xlsx");
    let out = ok(cmd(d, &db)
        .args(["report", "--period", "7d", "--out"])
        .arg(&weekly)
        .output()
        .unwrap());
    assert!(out.contains("weekly.xlsx"), "{out}");
    let mut book = workbook(&weekly);
    assert_eq!(
        book.sheet_names(),
        vec!["Rankings", "Daily", "Platforms", "About"]
    );
    let r = rows(&mut book, "Rankings");
    let list = column(&r, "list");
    let name = column(&r, "channel_name");
    let change = column(&r, "change");
    let risers: Vec<_> = r
        .iter()
        .filter(|x| x[list] == "risers · creators")
        .collect();
    assert_eq!(risers.len(), 1, "{r:?}");
    assert_eq!(risers[0][name], "홍길동");
    let fallers: Vec<_> = r.iter().filter(|x| x[list] == "fallers · CHZZK").collect();
    assert_eq!(fallers[0][name], EVIL, "kept exactly, as text");
    for row in &r[1..] {
        let c: f64 = row[change].parse().unwrap();
        if row[list].starts_with("risers") {
            assert!(c > 0.0, "a riser with {c}: {row:?}");
        } else {
            assert!(c < 0.0, "a faller with {c}: {row:?}");
        }
    }
    // Sheet 2: the daily figures of every tracked channel over the week, creator first.
    let daily = rows(&mut book, "Daily");
    let creator = column(&daily, "creator_name");
    let days_of = |who: &str| daily.iter().filter(|x| x[creator] == who).count();
    assert_eq!(days_of("홍길동"), 7, "{daily:?}");
    assert_eq!(days_of("@김치"), 7);
    let p = rows(&mut book, "Platforms");
    assert_eq!(p[1][0], "CHZZK");
    assert_eq!(p[1][column(&p, "tracked_channels")], "2");
    assert_eq!(p[1][column(&p, "risers")], "1");
    assert_eq!(p[1][column(&p, "fallers")], "1");

    // What a new user gets wrong.
    let e = fails(
        cmd(d, &db)
            .args(["export", "--what", "trends", "--out", "x.pdf"])
            .output()
            .unwrap(),
    );
    assert!(
        e.contains(".pdf is not written") && e.contains(".csv or .xlsx"),
        "{e}"
    );
    let e = fails(
        cmd(d, &db)
            .args(["report", "--out", "weekly.csv"])
            .output()
            .unwrap(),
    );
    assert!(e.contains("name the file .xlsx"), "{e}");
    let e = fails(
        cmd(d, &db)
            .args(["export", "--what", "history", "--out", "h.csv"])
            .output()
            .unwrap(),
    );
    assert!(e.contains("needs --channel"), "{e}");
    let e = fails(
        cmd(d, &db)
            .args([
                "export",
                "--what",
                "daily",
                "--channel",
                "https://www.twitch.tv/nobody_here",
                "--out",
                "d.csv",
            ])
            .output()
            .unwrap(),
    );
    assert!(e.contains("no Twitch channel `nobody_here`"), "{e}");
    let e = fails(
        cmd(d, &db)
            .args([
                "export",
                "--what",
                "daily",
                "--channel",
                "someone",
                "--out",
                "d.csv",
            ])
            .output()
            .unwrap(),
    );
    assert!(e.contains("cannot tell which platform"), "{e}");
    assert!(!d.join("x.pdf").exists() && !d.join("h.csv").exists());
}

#[tokio::test]
async fn read_commands_never_create_an_empty_database() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let missing = d.join("nothing-here.db");
    let url = format!("sqlite://{}", missing.display());
    for args in [
        &["trends"][..],
        &["live"],
        &["channels", "list"],
        &["creators", "list"],
        &["rollup"],
        &["export", "--what", "trends", "--out", "t.csv"],
        &["report", "--out", "w.xlsx"],
        &["import", "--retry"],
    ] {
        let e = fails(cmd(d, &url).args(args).output().unwrap());
        assert!(
            e.contains("no database at") && e.contains("nothing-here.db"),
            "{args:?}: {e}"
        );
        assert!(
            e.contains("streamtide run"),
            "{args:?}: says how to create it: {e}"
        );
        assert!(!missing.exists(), "{args:?} created {}", missing.display());
    }
    // Without --db: the configured default (./streamtide.db) is not conjured either.
    let e = fails(
        common::streamtide(d)
            .env("RUST_LOG", "warn")
            .arg("live")
            .output()
            .unwrap(),
    );
    assert!(e.contains("streamtide.db"), "{e}");
    assert!(!d.join("streamtide.db").exists());

    // `migrate` creates it (and may be told where by a bare path); then the readers read it,
    // whatever `storage.url` says.
    ok(common::streamtide(d)
        .args(["migrate", "--db", "streamtide-demo.db"])
        .output()
        .unwrap());
    assert!(d.join("streamtide-demo.db").exists());
    let e = fails(
        common::streamtide(d)
            .env("RUST_LOG", "warn")
            .arg("trends")
            .output()
            .unwrap(),
    );
    assert!(
        e.contains("--db sqlite://streamtide-demo.db"),
        "points at the demo's database when there is one: {e}"
    );
    let out = ok(common::streamtide(d)
        .env(
            "STREAMTIDE__STORAGE__URL",
            format!("sqlite://{}", missing.display()),
        )
        .args(["trends", "--db", "streamtide-demo.db"])
        .output()
        .unwrap());
    assert!(
        out.contains("No gainers ranking") && out.contains("no history collected yet"),
        "{out}"
    );
    assert!(!missing.exists());
    // A folder that does not exist is named, not a driver error.
    let e = fails(
        common::streamtide(d)
            .args(["migrate", "--db", "no/such/folder/x.db"])
            .output()
            .unwrap(),
    );
    assert!(
        e.contains("the folder no/such/folder does not exist"),
        "{e}"
    );
}
