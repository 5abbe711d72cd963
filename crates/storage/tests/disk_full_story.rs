//! A full disk heals by itself (issue 22 item 5): the collector's write path fails with
//! "database or disk is full" while the file system is full, and once space returns the next
//! writes succeed without a restart.
//!
//! The disk really fills: the database lives on a small tmpfs that a filler file exhausts, so
//! SQLite gets ENOSPC from `write(2)` (SQLITE_FULL) on the WAL, exactly as on a full data disk.
//! `PRAGMA max_page_count` was not used: it is per connection (the pool's other connections
//! and every fresh one would not see it) and it fails in the pager before any I/O, not where a
//! full disk fails. `ulimit -f` gives EFBIG (SQLITE_IOERR, not SQLITE_FULL) and a signal.
//! Mounting needs CAP_SYS_ADMIN (root in CI's container); without it the test says so and
//! skips.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, Duration, TimeZone, Utc};
use streamtide_core::{ChannelId, LiveBroadcast, Platform};
use streamtide_storage::{Batch, Job, Store};

fn t(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 3, 0, 0).unwrap() + Duration::minutes(minutes)
}

/// A top-live list of `n` channels, each with a title long enough to need fresh pages.
fn batch(n: usize, salt: i64) -> Batch {
    Batch::LiveList {
        items: (0..n)
            .map(|i| LiveBroadcast {
                platform: Platform::Chzzk,
                channel_id: ChannelId::new(format!("ch-{salt}-{i}")),
                channel_name: Some(format!("name {salt} {i}")),
                channel_avatar_url: None,
                broadcast_id: Some(format!("b-{salt}-{i}")),
                title: format!("{salt}-{i} {}", "title ".repeat(80)),
                viewers: 100 + i as u64,
                category_id: None,
                category_name: None,
                tags: vec![],
                thumbnail_url: None,
                started_at: Some(t(salt - 1)),
                adult: false,
                language: Some("ko".into()),
                url: format!("https://chzzk.naver.com/live/ch-{salt}-{i}"),
            })
            .collect(),
        close_after: Duration::minutes(30),
    }
}

/// A tmpfs mounted for the test, unmounted (lazily, so a late file handle cannot block it)
/// when dropped.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Result<Tmpfs, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output()
            .map_err(|e| format!("mount: {e}"))?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
        }
        Ok(Tmpfs { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

/// Write 64 KiB blocks to `path` until the file system refuses; returns the bytes written.
fn fill(path: &PathBuf) -> u64 {
    let mut f = std::fs::File::create(path).unwrap();
    let block = vec![0x5au8; 64 * 1024];
    let mut written = 0u64;
    loop {
        match f.write(&block) {
            Ok(0) => break,
            Ok(n) => written += n as u64,
            Err(e) => {
                assert_eq!(e.raw_os_error(), Some(28), "filling the tmpfs: {e}"); // ENOSPC
                break;
            }
        }
    }
    // Whatever a 64 KiB block did not fit: byte by byte is too slow, 4 KiB is one page.
    let small = vec![0x5au8; 4096];
    while let Ok(n) = f.write(&small) {
        if n == 0 {
            break;
        }
        written += n as u64;
    }
    written
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_resume_by_themselves_after_the_disk_frees_up() {
    let fs = match Tmpfs::mount("6m") {
        Ok(fs) => fs,
        Err(why) => {
            eprintln!("SKIPPED: cannot mount a tmpfs to fill ({why}); needs CAP_SYS_ADMIN");
            return;
        }
    };
    let db = fs.path().join("streamtide.db");
    let store = Store::open(&format!("sqlite://{}", db.display()))
        .await
        .expect("open on the tmpfs");
    let round = store
        .start_round(Platform::Chzzk, Job::Live, t(0))
        .await
        .unwrap();
    for m in 0..3 {
        store
            .write_batch(round, Platform::Chzzk, t(m), &batch(20, m))
            .await
            .expect("writes before the disk fills");
    }

    // The disk fills up.
    let filler = fs.path().join("filler");
    let filled = fill(&filler);
    assert!(filled > 0, "the filler took the free space");

    // The collector keeps writing rounds; they fail with SQLite's own words.
    let mut failures = Vec::new();
    let mut m = 3;
    while failures.len() < 6 && m < 400 {
        if let Err(e) = store
            .write_batch(round, Platform::Chzzk, t(m), &batch(40, m))
            .await
        {
            failures.push(e.to_string());
        }
        m += 1;
    }
    assert!(
        !failures.is_empty(),
        "no write failed on a full disk: the test did not fill it"
    );
    assert!(
        failures[0].contains("database or disk is full"),
        "the first failure names the full disk: {failures:?}"
    );

    // Space returns: the filler is deleted. Nothing is restarted or reopened.
    std::fs::remove_file(&filler).unwrap();
    for k in 0..8 {
        let at = t(m + k);
        store
            .write_batch(round, Platform::Chzzk, at, &batch(20, m + k))
            .await
            .unwrap_or_else(|e| {
                panic!("write {k} after space returned failed: {e} (earlier: {failures:?})")
            });
    }
    let live = store
        .live_now(&Default::default())
        .await
        .expect("reads work after space returned");
    assert!(live.1 > 0, "the resumed writes are readable");
    store.close().await;
}
