//! Excel both ways, in: a roster saved by Korean Excel (CP949, the committed fixture written by
//! Python's codec) imported through the binary against the simulator; failed rows keep their
//! creator and reference in the report; rows whose platform is unreachable are kept, retried by
//! `import --retry` and by `run`, never lost; the exit code and the last line say what happened.
//!
//! The fixture was made with:
//!
//! ```python
//! rows = ["크리에이터,플랫폼,채널 주소,비고", "똠방각하,치지직,https://chzzk.naver.com/live/{CHZZK_0},…", …]
//! open("roster-cp949.csv", "wb").write(("\r\n".join(rows) + "\r\n").encode("cp949"))
//! ```

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{free_port, ok, simulator};
use streamtide_core::Platform;
use streamtide_simulator::Simulator;

fn fixture() -> Vec<u8> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/rosters/roster-cp949.csv");
    std::fs::read(path).unwrap()
}

/// The fixture with its ASCII placeholders replaced by the simulator's ids, byte for byte.
fn roster(sim: &Simulator, dir: &Path) -> PathBuf {
    let w = sim.world();
    let mut bytes = fixture();
    for (placeholder, id) in [
        ("{CHZZK_0}", w.channels(Platform::Chzzk)[0].id.clone()),
        ("{CHZZK_1}", w.channels(Platform::Chzzk)[1].id.clone()),
        ("{CHZZK_2}", w.channels(Platform::Chzzk)[2].id.clone()),
        (
            "{CHZZK_MISSING}",
            "ffffffffffffffffffffffffffffffff".to_string(),
        ),
        ("{SOOP_0}", w.channels(Platform::Soop)[0].id.clone()),
        ("{SOOP_1}", w.channels(Platform::Soop)[1].id.clone()),
        ("{TWITCH_LOGIN}", "moonlight_fairy".to_string()),
    ] {
        let p = placeholder.as_bytes();
        let at = bytes
            .windows(p.len())
            .position(|w| w == p)
            .unwrap_or_else(|| panic!("{placeholder} in the fixture"));
        bytes.splice(at..at + p.len(), id.bytes());
    }
    let path = dir.join("명단.csv");
    std::fs::write(&path, bytes).unwrap();
    path
}

/// The binary with the simulator's CHZZK, and SOOP at `soop` (the simulator, or a dead port).
fn cmd(dir: &Path, db: &str, sim: &Simulator, soop: &str) -> Command {
    let mut c = common::streamtide(dir);
    c.env("RUST_LOG", "warn")
        .env("STREAMTIDE__STORAGE__URL", db)
        // One attempt per call: an unreachable platform is known at once.
        .env("STREAMTIDE__HTTP__MAX_RETRIES", "0")
        .env("STREAMTIDE__HTTP__TIMEOUT", "3s");
    common::simulated_platforms(&mut c, &sim.chzzk_base(), soop, 100);
    c
}

fn last_line(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cp949_roster_imports_and_rows_of_an_unreachable_platform_are_kept_and_retried() {
    let sim = simulator(10).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = format!("sqlite://{}", d.join("i.db").display());
    let file = roster(&sim, d);
    // Nobody listens here: SOOP is unreachable.
    let dead = format!("http://127.0.0.1:{}", free_port());

    let first = cmd(d, &db, &sim, &dead)
        .arg("import")
        .arg(&file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&first.stdout).into_owned();
    assert_eq!(
        first.status.code(),
        Some(1),
        "rows failed: exit 1\n{stdout}"
    );
    assert_eq!(
        last_line(&first),
        format!(
            "{} (read as CP949 (EUC-KR)): 7 rows; imported 2, already present 0, duplicates 0, unresolved 3, kept for retry 2; 2 new creator(s). Kept rows are retried by `streamtide run`, or now with `streamtide import --retry`.",
            file.display()
        )
    );
    // Failed rows keep their creator and reference; Korean decoded, not mojibake.
    for needle in [
        "없는채널",
        "ffffffffffffffffffffffffffffffff",
        "no such channel",
        "달빛요정",
        "https://www.twitch.tv/moonlight_fairy",
        "not enabled",
        "no creator name",
        &sim.world().channels(Platform::Chzzk)[2].id,
        "햇살가득",
        "별빛소녀",
        "kept for retry",
        "soop unreachable",
    ] {
        assert!(stdout.contains(needle), "{needle} missing from:\n{stdout}");
    }

    // The JSON report says the same, and a retry while SOOP is still down keeps the rows.
    let retry = cmd(d, &db, &sim, &dead)
        .args(["import", "--retry", "--json"])
        .output()
        .unwrap();
    assert_eq!(retry.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&retry.stdout).unwrap();
    assert_eq!(v["pending"], 2, "{v}");
    assert_eq!(v["lines"][0]["source"], file.display().to_string());
    assert_eq!(v["lines"][0]["outcome"], "pending");

    // `run` retries them by itself once SOOP answers.
    let port = free_port();
    let mut run = cmd(d, &db, &sim, &sim.soop_base())
        .env("STREAMTIDE__SERVER__BIND", format!("127.0.0.1:{port}"))
        .arg("run")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let store = streamtide_storage::Store::connect(&db).await.unwrap();
    let end = Instant::now() + Duration::from_secs(60);
    while store.count_pending_imports().await.unwrap() > 0 {
        assert!(Instant::now() < end, "run did not retry the kept rows");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    store.close().await;
    common::signal(&run, "-TERM");
    assert!(common::wait_within(&mut run, Duration::from_secs(20)).is_some());

    let none = ok(cmd(d, &db, &sim, &sim.soop_base())
        .args(["import", "--retry"])
        .output()
        .unwrap());
    assert!(none.contains("No roster rows are waiting"), "{none}");
    let creators: serde_json::Value =
        serde_json::from_str(&ok(cmd(d, &db, &sim, &sim.soop_base())
            .args(["creators", "list", "--json"])
            .output()
            .unwrap()))
        .unwrap();
    let channels_of = |name: &str| {
        creators
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("{name} in {creators}"))["channels"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(channels_of("똠방각하"), 1);
    assert_eq!(
        channels_of("햇살가득"),
        2,
        "CHZZK at once, SOOP after the retry"
    );
    assert_eq!(channels_of("별빛소녀"), 1);

    // Importing the file again: everything there, only the permanent failures left (exit 1).
    let again = cmd(d, &db, &sim, &sim.soop_base())
        .arg("import")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1));
    assert!(
        last_line(&again).contains(
            "imported 0, already present 4, duplicates 0, unresolved 3, kept for retry 0"
        ),
        "{}",
        last_line(&again)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_input_gets_a_clear_error_and_changes_nothing() {
    let sim = simulator(5).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db_path = d.join("w.db");
    let db = format!("sqlite://{}", db_path.display());
    let file = roster(&sim, d);
    let run = |args: &[&str]| {
        cmd(d, &db, &sim, &sim.soop_base())
            .args(args)
            .output()
            .unwrap()
    };
    let err = |out: Output| {
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let f = file.to_str().unwrap();
    let e = err(run(&["import", f, "--encoding", "utf-8"]));
    assert!(e.contains("line 1 is not UTF-8 text"), "{e}");
    let e = err(run(&["import", f, "--encoding", "klingon"]));
    assert!(e.contains("unknown text encoding `klingon`"), "{e}");
    let e = err(run(&["import", "no-such-roster.csv"]));
    assert!(e.contains("no such file: no-such-roster.csv"), "{e}");
    std::fs::write(d.join("roster.docx"), b"PK").unwrap();
    let e = err(run(&["import", "roster.docx"]));
    assert!(e.contains("unsupported file type `docx`"), "{e}");
    let none = run(&["import"]);
    assert!(!none.status.success());
    let e = String::from_utf8_lossy(&none.stderr);
    assert!(e.contains("--retry"), "a file or --retry: {e}");
    // Bytes that are neither UTF-8 nor CP949.
    std::fs::write(d.join("bad.csv"), b"name,url\n\xff\xfe\xff,chzzk:x\n").unwrap();
    let e = err(run(&["import", "bad.csv"]));
    assert!(e.contains("neither UTF-8 nor CP949"), "{e}");
    assert!(!db_path.exists(), "nothing was imported, no database made");
    // The same roster given its encoding by name imports as detected.
    let out = run(&["import", f, "--encoding", "cp949"]);
    assert!(
        last_line(&out).contains("imported 4"),
        "{}",
        last_line(&out)
    );
}
