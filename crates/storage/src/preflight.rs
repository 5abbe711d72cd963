//! Before the pool: look at an existing SQLite file once, directly, and name what is wrong
//! with it.
//!
//! Behind the pool every fault looks the same: each connection attempt fails in its set-up,
//! the pool retries, and after 30 s the caller gets "pool timed out while waiting for an open
//! connection". Here a file that is not a database (random bytes, a truncated copy), one we may
//! not write (a read-only file, folder or mount) and one another process keeps locked are told
//! apart within seconds, in words an operator can act on.
//!
//! No `PRAGMA quick_check`: it reads the whole file, minutes on a database of many GB at every
//! start. The header, the file's length against the page count the header states, and a read
//! of the schema catch what stops the store from starting; damage deeper inside surfaces as
//! SQLite's own "database disk image is malformed" on the statement that meets it.

use std::io::{ErrorKind, Read};
use std::path::Path;
use std::time::Duration;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, Executor};

use crate::StoreError;

/// How long the check waits for another process's lock before calling the file locked.
pub const LOCK_WAIT: Duration = Duration::from_secs(3);

/// The 16 bytes every SQLite database file starts with.
const MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Check the SQLite file at `path`; a file that does not exist yet (or is empty) is fine, the
/// pool creates it. `writes`: false for a URL that opens the file read-only (`mode=ro`).
pub(crate) async fn check(path: &Path, writes: bool) -> Result<(), StoreError> {
    let fault = |cause: String| fault(path, cause);
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == ErrorKind::NotFound => return check_folder(path, false),
        Err(e) => return Err(fault(format!("cannot be examined: {e}"))),
    };
    if meta.is_dir() {
        return Err(fault("is a folder, not a SQLite database file".into()));
    }
    let mut head = Vec::with_capacity(100);
    match std::fs::File::open(path) {
        Ok(f) => f.take(100).read_to_end(&mut head).map(|_| ()),
        Err(e) => Err(e),
    }
    .map_err(|e| fault(format!("cannot be read: {e}")))?;
    if head.is_empty() {
        return if writes { check_writable(path) } else { Ok(()) };
    }
    if head.len() < 100 || &head[..16] != MAGIC {
        return Err(fault(
            "is not a SQLite database (corrupt or truncated): it does not start with the \
             SQLite header"
                .into(),
        ));
    }
    if let Some(expected) = stated_length(&head) {
        if meta.len() < expected {
            return Err(fault(format!(
                "is not a SQLite database (corrupt or truncated): {} bytes where its header \
                 states {expected}",
                meta.len()
            )));
        }
    }
    if writes {
        check_writable(path)?;
    }
    check_open(path, writes).await
}

/// A fault of the database at `path`, `cause` saying what it is.
fn fault(path: &Path, cause: String) -> StoreError {
    StoreError::Fault(format!("the database {} {cause}", path.display()))
}

/// The length the header states (page size × page count), when that count is valid: SQLite
/// trusts it only while the "version-valid-for" number equals the change counter.
fn stated_length(head: &[u8]) -> Option<u64> {
    let page_size = match u16::from_be_bytes([head[16], head[17]]) {
        1 => 65_536,
        n if n >= 512 && n.is_power_of_two() => u64::from(n),
        _ => return None,
    };
    let pages = u32::from_be_bytes([head[28], head[29], head[30], head[31]]);
    let valid = head[92..96] == head[24..28] && pages > 0;
    valid.then(|| page_size * u64::from(pages))
}

/// The store writes: the file must open for writing, and its folder must take the `-wal` and
/// `-shm` files SQLite keeps beside it.
fn check_writable(path: &Path) -> Result<(), StoreError> {
    if let Err(e) = std::fs::OpenOptions::new().write(true).open(path) {
        return Err(match e.kind() {
            ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => fault(
                path,
                format!(
                "is read-only ({e}): streamtide writes to its database; make the file writable \
                 for this user"
                ),
            ),
            _ => fault(path, format!("cannot be opened for writing: {e}")),
        });
    }
    check_folder(path, true)
}

/// Whether SQLite can create its `-wal`/`-shm` files (or the database itself) in the folder.
/// `exists`: the database file is there (then existing `-wal` and `-shm` files suffice).
fn check_folder(path: &Path, exists: bool) -> Result<(), StoreError> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let wal = folder.join(format!("{name}-wal"));
    if exists && wal.exists() && folder.join(format!("{name}-shm")).exists() {
        return Ok(()); // nothing left to create
    }
    let probe = folder.join(format!(".{name}.streamtide-probe-{}", std::process::id()));
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e)
            if matches!(
                e.kind(),
                ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem
            ) =>
        {
            Err(StoreError::Fault(format!(
                "the folder {} of the database {} is read-only ({e}): SQLite creates {name}-wal \
                 and {name}-shm beside the database; make the folder writable for this user",
                folder.display(),
                path.display()
            )))
        }
        // Anything else (a race with a file of that name, …) is for SQLite to report.
        Err(_) => Ok(()),
    }
}

/// One direct connection: read the schema and take the write lock for a moment, each waiting
/// at most [`LOCK_WAIT`] for another process.
async fn check_open(path: &Path, writes: bool) -> Result<(), StoreError> {
    let fault = |cause: String| fault(path, cause);
    let explain = |e: sqlx::Error| {
        let code = e
            .as_database_error()
            .and_then(|d| d.code())
            .and_then(|c| c.parse::<i32>().ok())
            .map(|c| c & 0xff);
        match code {
            // SQLITE_BUSY, SQLITE_LOCKED
            Some(5 | 6) => fault(format!(
                "is locked by another process (busy for {} s): stop the other streamtide or \
                 sqlite3 that holds it, or wait for its long transaction to end",
                LOCK_WAIT.as_secs()
            )),
            // SQLITE_CORRUPT, SQLITE_NOTADB
            Some(11 | 26) => fault(format!(
                "is not a SQLite database (corrupt or truncated): {e}"
            )),
            // SQLITE_READONLY, SQLITE_PERM, SQLITE_CANTOPEN
            Some(8 | 3 | 14) => fault(format!("is read-only or cannot be opened: {e}")),
            _ => fault(format!("cannot be used: {e}")),
        }
    };
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(false)
        .read_only(!writes)
        .busy_timeout(LOCK_WAIT)
        .connect()
        .await
        .map_err(explain)?;
    let result = async {
        conn.execute("SELECT count(*) FROM sqlite_schema").await?;
        if writes {
            conn.execute("BEGIN IMMEDIATE").await?;
            conn.execute("ROLLBACK").await?;
        }
        Ok::<_, sqlx::Error>(())
    }
    .await;
    let _ = conn.close().await;
    result.map_err(explain)
}
