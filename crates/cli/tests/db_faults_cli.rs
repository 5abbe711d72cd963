//! A database that cannot serve is named at start-up, within seconds (issue 22 item 5): a
//! file of random bytes, a truncated copy of a real database, a read-only file and one that
//! another process keeps locked each make `streamtide migrate` exit non-zero in under 5 s with
//! the cause, where before each waited 30 s for "pool timed out".

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use sqlx::{ConnectOptions, Connection, Executor};

/// Run `streamtide migrate` on the SQLite file `db`; the exit must be a failure within 5 s
/// whose message contains `cause`.
fn fails_naming(dir: &Path, db: &Path, cause: &str) {
    let started = Instant::now();
    let out = common::streamtide(dir)
        .arg("migrate")
        .env(
            "STREAMTIDE__STORAGE__URL",
            format!("sqlite://{}", db.display()),
        )
        .output()
        .unwrap();
    let took = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "{}: succeeded?\n{stderr}",
        db.display()
    );
    assert!(
        took < Duration::from_secs(5),
        "{}: took {took:?} to fail\n{stderr}",
        db.display()
    );
    assert!(
        stderr.contains(cause),
        "{}: the error does not say `{cause}`:\n{stderr}",
        db.display()
    );
    assert!(!stderr.contains("pool timed out"), "{stderr}");
}

/// A real, migrated database of the current schema, its WAL folded in (so the file alone is
/// the whole database).
async fn real_database(dir: &Path) -> PathBuf {
    let db = dir.join("real.db");
    common::ok(
        common::streamtide(dir)
            .arg("migrate")
            .env(
                "STREAMTIDE__STORAGE__URL",
                format!("sqlite://{}", db.display()),
            )
            .output()
            .unwrap(),
    );
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&db)
        .connect()
        .await
        .unwrap();
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        .await
        .unwrap();
    conn.close().await.unwrap();
    db
}

fn copy(dir: &Path, from: &Path, name: &str) -> PathBuf {
    let sub = dir.join(name);
    std::fs::create_dir(&sub).unwrap();
    let to = sub.join("streamtide.db");
    std::fs::copy(from, &to).unwrap();
    to
}

#[test]
fn random_bytes_are_not_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("random.db");
    let bytes: Vec<u8> = (0..64 * 1024).map(|_| rand::random::<u8>()).collect();
    std::fs::write(&db, bytes).unwrap();
    fails_naming(
        dir.path(),
        &db,
        "is not a SQLite database (corrupt or truncated)",
    );
}

#[tokio::test]
async fn a_truncated_copy_is_not_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let real = real_database(dir.path()).await;
    let len = std::fs::metadata(&real).unwrap().len();
    assert!(
        len > 8192,
        "a real database has several pages ({len} bytes)"
    );
    let db = copy(dir.path(), &real, "truncated");
    std::fs::OpenOptions::new()
        .write(true)
        .open(&db)
        .unwrap()
        .set_len(len / 2)
        .unwrap();
    fails_naming(
        dir.path(),
        &db,
        "is not a SQLite database (corrupt or truncated)",
    );
}

/// Read-only: `chmod 0444` on the file and `0555` on its folder. Root ignores modes, so there
/// a read-only bind mount of the folder stands in (needs CAP_SYS_ADMIN); without it the test
/// says why it skips.
#[tokio::test]
async fn a_read_only_database_is_named() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let real = real_database(dir.path()).await;
    let db = copy(dir.path(), &real, "ro");
    let folder = db.parent().unwrap().to_path_buf();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).unwrap();
    let modes_hold = std::fs::OpenOptions::new().write(true).open(&db).is_err();
    if modes_hold {
        fails_naming(dir.path(), &db, "is read-only");
    } else {
        // Privileged: file modes do not bind. Mount the folder read-only elsewhere.
        let ro = dir.path().join("ro-mount");
        std::fs::create_dir(&ro).unwrap();
        let bind = Command::new("mount")
            .arg("--bind")
            .arg(&folder)
            .arg(&ro)
            .status();
        if !bind.map(|s| s.success()).unwrap_or(false) {
            std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
            eprintln!("SKIPPED: running privileged and cannot bind-mount read-only");
            return;
        }
        let remount = Command::new("mount")
            .args(["-o", "remount,ro,bind"])
            .arg(&ro)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        let result = std::panic::catch_unwind(|| {
            if remount {
                fails_naming(dir.path(), &ro.join("streamtide.db"), "is read-only");
            } else {
                eprintln!("SKIPPED: running privileged and cannot remount read-only");
            }
        });
        let _ = Command::new("umount").arg("-l").arg(&ro).status();
        if let Err(e) = result {
            std::panic::resume_unwind(e);
        }
    }
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_locked_by_another_process_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let real = real_database(dir.path()).await;
    let db = copy(dir.path(), &real, "locked");
    // Another writer holds the database's write lock for the whole run.
    let mut other = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&db)
        .connect()
        .await
        .unwrap();
    other.execute("BEGIN EXCLUSIVE").await.unwrap();
    other
        .execute("CREATE TABLE held (x INTEGER); INSERT INTO held VALUES (1)")
        .await
        .unwrap();
    let dir_path = dir.path().to_path_buf();
    tokio::task::spawn_blocking(move || {
        fails_naming(
            &dir_path,
            &db,
            "is locked by another process (busy for 3 s)",
        )
    })
    .await
    .unwrap();
    other.execute("ROLLBACK").await.unwrap();
    other.close().await.unwrap();
}

/// A read-only command (`live`, `trends`, `channels list`, …) next to a daemon that is writing
/// neither takes the write lock at start-up nor waits for it: it answers at once. Before, the
/// start-up check took the write lock for every command and gave up after 3 s with "locked".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_command_does_not_wait_for_the_write_lock() {
    let dir = tempfile::tempdir().unwrap();
    let real = real_database(dir.path()).await;
    let db = copy(dir.path(), &real, "busy");
    // A writer (a running daemon) is inside a write transaction for the whole run.
    let mut writer = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&db)
        .connect()
        .await
        .unwrap();
    writer.execute("BEGIN IMMEDIATE").await.unwrap();
    writer
        .execute("CREATE TABLE held (x INTEGER); INSERT INTO held VALUES (1)")
        .await
        .unwrap();
    let dir_path = dir.path().to_path_buf();
    let db_path = db.clone();
    let (took, out) = tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let out = common::streamtide(&dir_path)
            .args(["channels", "list"])
            .env(
                "STREAMTIDE__STORAGE__URL",
                format!("sqlite://{}", db_path.display()),
            )
            .output()
            .unwrap();
        (started.elapsed(), out)
    })
    .await
    .unwrap();
    writer.execute("ROLLBACK").await.unwrap();
    writer.close().await.unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("read-only command beside a writer: {took:?}");
    assert!(out.status.success(), "{stderr}");
    assert!(took < Duration::from_secs(2), "took {took:?}\n{stderr}");
}
