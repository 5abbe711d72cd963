//! Upgrading in place: a database made by the release before native time types (schema version
//! 14, every instant UTC text) is opened by today's store, which migrates it, and nothing is
//! lost. The test fills every table of the old schema (found in the catalog, so a table added
//! later is filled too) with two rows, upgrades through `Store::open` as a user would, and
//! compares every value of every row: an instant by the second it names, anything else by its
//! text. On PostgreSQL the observation tables hold months in partitions and in the default
//! partition, as an old store leaves them. Undoing the migration gives back the old text exactly.
//!
//! A column is an instant when it is named as one (`*_at`, `*_until`, `*_since`): the schema
//! equivalence test holds the servers to that rule.

mod common;

use std::path::Path;

use sqlx::{Connection, Executor, Row};
use streamtide_storage::{Backend, Store};

/// The schema version of the release before native time types.
const OLD_VERSION: i64 = 14;

/// A connection to one engine, with the few things the test does through it.
enum Conn {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
    MySql(sqlx::MySqlConnection),
}

impl Conn {
    async fn open(url: &str) -> Conn {
        match Backend::from_url(url).unwrap() {
            Backend::Sqlite => Conn::Sqlite(sqlx::SqliteConnection::connect(url).await.unwrap()),
            Backend::Postgres => Conn::Postgres(sqlx::PgConnection::connect(url).await.unwrap()),
            Backend::MySql => Conn::MySql(sqlx::MySqlConnection::connect(url).await.unwrap()),
        }
    }

    fn backend(&self) -> Backend {
        match self {
            Conn::Sqlite(_) => Backend::Sqlite,
            Conn::Postgres(_) => Backend::Postgres,
            Conn::MySql(_) => Backend::MySql,
        }
    }

    async fn exec(&mut self, sql: &str) {
        let done = match self {
            Conn::Sqlite(c) => c.execute(sql).await.map(|_| ()),
            Conn::Postgres(c) => c.execute(sql).await.map(|_| ()),
            Conn::MySql(c) => c.execute(sql).await.map(|_| ()),
        };
        done.unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    /// Every row of `sql`, each column read as optional text.
    async fn text_rows(&mut self, sql: &str) -> Vec<Vec<Option<String>>> {
        fn read<R: Row>(rows: Vec<R>) -> Vec<Vec<Option<String>>>
        where
            for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
            usize: sqlx::ColumnIndex<R>,
        {
            rows.iter()
                .map(|r| {
                    (0..r.len())
                        .map(|i| r.get::<Option<String>, _>(i))
                        .collect()
                })
                .collect()
        }
        match self {
            Conn::Sqlite(c) => read(sqlx::query(sql).fetch_all(c).await.unwrap()),
            Conn::Postgres(c) => read(sqlx::query(sql).fetch_all(c).await.unwrap()),
            Conn::MySql(c) => read(sqlx::query(sql).fetch_all(c).await.unwrap()),
        }
    }

    async fn migrate(&mut self, migrator: &sqlx::migrate::Migrator) {
        match self {
            Conn::Sqlite(c) => migrator.run_direct(c).await.unwrap(),
            Conn::Postgres(c) => migrator.run_direct(c).await.unwrap(),
            Conn::MySql(c) => migrator.run_direct(c).await.unwrap(),
        }
    }

    async fn undo(&mut self, migrator: &sqlx::migrate::Migrator, target: i64) {
        match self {
            Conn::Sqlite(c) => migrator.undo(c, target).await.unwrap(),
            Conn::Postgres(c) => migrator.undo(c, target).await.unwrap(),
            Conn::MySql(c) => migrator.undo(c, target).await.unwrap(),
        }
    }

    /// The application's tables and their insertable columns (generated ones left out), with
    /// each column's declared type.
    async fn catalog(&mut self) -> Vec<(String, Vec<(String, String)>)> {
        let sql = match self.backend() {
            Backend::Sqlite => {
                "SELECT m.name, p.name, p.type FROM sqlite_master m, pragma_table_xinfo(m.name) p
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND p.hidden = 0
                 ORDER BY m.name, p.cid"
            }
            Backend::Postgres => {
                "SELECT c.table_name::text, c.column_name::text, c.data_type::text
                 FROM information_schema.columns c JOIN pg_class k ON k.relname = c.table_name
                 WHERE c.table_schema = current_schema() AND k.relkind IN ('r', 'p')
                   AND NOT k.relispartition
                 ORDER BY c.table_name, c.ordinal_position"
            }
            Backend::MySql => {
                "SELECT CAST(TABLE_NAME AS CHAR), CAST(COLUMN_NAME AS CHAR), CAST(COLUMN_TYPE AS CHAR)
                 FROM information_schema.COLUMNS
                 WHERE TABLE_SCHEMA = DATABASE() AND EXTRA NOT LIKE '%GENERATED%'
                 ORDER BY TABLE_NAME, ORDINAL_POSITION"
            }
        };
        let mut out: Vec<(String, Vec<(String, String)>)> = Vec::new();
        for r in self.text_rows(sql).await {
            let [Some(table), Some(column), ty] = <[_; 3]>::try_from(r).unwrap() else {
                panic!("a catalog row without a name")
            };
            if table == "_sqlx_migrations" {
                continue;
            }
            if out.last().is_none_or(|(t, _)| *t != table) {
                out.push((table.clone(), Vec::new()));
            }
            out.last_mut()
                .unwrap()
                .1
                .push((column, ty.unwrap_or_default().to_ascii_lowercase()));
        }
        out
    }
}

/// A quoted identifier (`key` is a reserved word on MariaDB).
fn ident(backend: Backend, name: &str) -> String {
    match backend {
        Backend::MySql => format!("`{name}`"),
        _ => format!("\"{name}\""),
    }
}

fn named_as_time(column: &str) -> bool {
    column.ends_with("_at") || column.ends_with("_until") || column.ends_with("_since")
}

/// The old release's text of row `row`'s instant in column `col` of table number `t`: October
/// for the first row, November for the second (two partitions on PostgreSQL), distinct seconds.
fn old_time(t: usize, col: usize, row: usize) -> String {
    format!(
        "2026-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        9 + row,
        1 + t % 28,
        col % 24,
        (t * 7 + col) % 60,
        (t + col * 3 + row) % 60
    )
}

fn epoch_of(text: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(text)
        .unwrap()
        .timestamp()
        .to_string()
}

/// A value for column `col` (declared `ty`) of row `row`: the SQL literal, and the text it must
/// read back as after the upgrade (`None`: NULL is not written here, every column gets a value).
fn value(
    table: &str,
    t: usize,
    (c, (name, ty)): (usize, &(String, String)),
    row: usize,
) -> (String, String) {
    if named_as_time(name) {
        let text = old_time(t, c, row);
        (format!("'{text}'"), epoch_of(&text))
    } else if name == "day" {
        let text = format!("2026-11-{:02}", row);
        (format!("'{text}'"), text)
    } else if ty.contains("int") || ty.contains("bool") {
        (row.to_string(), row.to_string())
    } else if ty.contains("real") || ty.contains("double") || ty.contains("float") {
        let v = format!("{row}.5");
        (v.clone(), v)
    } else if ty.contains("char") || ty.contains("text") {
        // Short, unique per table, column and row: the narrowest key columns are 16 characters.
        let text = format!("{t}.{c}.{row}");
        (format!("'{text}'"), text)
    } else {
        panic!("{table}.{name}: no test value for type `{ty}`: teach `value`")
    }
}

/// How column `name` reads as text: an instant as its Unix second (whatever the engine's type),
/// anything else cast to text.
fn read_expr(backend: Backend, name: &str, native: bool) -> String {
    let time = named_as_time(name);
    let name = ident(backend, name);
    match (backend, time && native) {
        (Backend::Sqlite, true) => format!("CAST(strftime('%s', {name}) AS TEXT)"),
        (Backend::Postgres, true) => {
            format!("CAST(CAST(EXTRACT(EPOCH FROM {name}) AS BIGINT) AS TEXT)")
        }
        (Backend::MySql, true) => {
            format!("CAST(TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', {name}) AS CHAR)")
        }
        (Backend::MySql, false) => format!("CAST({name} AS CHAR)"),
        (_, false) => format!("CAST({name} AS TEXT)"),
    }
}

type Rows = Vec<Vec<Option<String>>>;

/// Every table's rows, read with [`read_expr`], sorted.
async fn read_all(
    conn: &mut Conn,
    catalog: &[(String, Vec<(String, String)>)],
    native: bool,
) -> Vec<(String, Rows)> {
    let mut out = Vec::new();
    for (table, cols) in catalog {
        let exprs: Vec<String> = cols
            .iter()
            .map(|(c, _)| read_expr(conn.backend(), c, native))
            .collect();
        let mut rows = conn
            .text_rows(&format!("SELECT {} FROM {table}", exprs.join(", ")))
            .await;
        rows.sort();
        out.push((table.clone(), rows));
    }
    out
}

/// The migrations of `backend` up to and including `version`.
async fn migrator(backend: Backend, version: i64) -> sqlx::migrate::Migrator {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend.as_str());
    let mut m = sqlx::migrate::Migrator::new(dir).await.unwrap();
    m.migrations = m
        .migrations
        .iter()
        .filter(|x| x.version <= version)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    m
}

async fn upgrade_keeps_every_value(backend: Backend) {
    let _dir;
    let url = match common::env_var(backend) {
        None => {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}?mode=rwc", dir.path().join("old.db").display());
            _dir = dir;
            url
        }
        Some(var) => {
            let Some(server) = std::env::var(var).ok().filter(|v| !v.is_empty()) else {
                assert!(
                    std::env::var("STREAMTIDE_TEST_REQUIRE_ALL_BACKENDS").is_err(),
                    "{var} is not set, and STREAMTIDE_TEST_REQUIRE_ALL_BACKENDS asks for every backend"
                );
                eprintln!("skipped on {}: {var} is not set", backend.as_str());
                return;
            };
            streamtide_storage::fresh_database(&server, &format!("st_upgrade_{}", backend.as_str()))
                .await
                .unwrap()
        }
    };

    // The old release's database, filled.
    let mut conn = Conn::open(&url).await;
    conn.migrate(&migrator(backend, OLD_VERSION).await).await;
    let catalog = conn.catalog().await;
    assert!(catalog.len() >= 19, "the old schema's tables: {catalog:?}");
    match backend {
        // Rows are written whatever they refer to: the test is about values, not references.
        Backend::Sqlite => conn.exec("PRAGMA foreign_keys = OFF").await,
        Backend::Postgres => {
            conn.exec("SET session_replication_role = replica").await;
            // An old store made a partition per month ahead; October's rows fall in the default.
            for t in ["channel_snapshots", "video_snapshots", "live_samples"] {
                conn.exec(&format!(
                    "CREATE TABLE {t}_p202611 PARTITION OF {t}
                     FOR VALUES FROM ('2026-11-01T00:00:00Z') TO ('2026-12-01T00:00:00Z')"
                ))
                .await;
            }
        }
        Backend::MySql => conn.exec("SET FOREIGN_KEY_CHECKS = 0").await,
    }
    let mut expected_native = Vec::new();
    let mut expected_text = Vec::new();
    for (t, (table, cols)) in catalog.iter().enumerate() {
        let mut native: Rows = Vec::new();
        let mut text: Rows = Vec::new();
        for row in 1..=2 {
            let values: Vec<(String, String)> = cols
                .iter()
                .enumerate()
                .map(|c| value(table, t, c, row))
                .collect();
            let names: Vec<String> = cols.iter().map(|(c, _)| ident(backend, c)).collect();
            let literals: Vec<&str> = values.iter().map(|(l, _)| l.as_str()).collect();
            conn.exec(&format!(
                "INSERT INTO {table} ({}) VALUES ({})",
                names.join(", "),
                literals.join(", ")
            ))
            .await;
            native.push(values.iter().map(|(_, v)| Some(v.clone())).collect());
            text.push(
                values
                    .iter()
                    .map(|(l, _)| Some(l.trim_matches('\'').to_string()))
                    .collect(),
            );
        }
        native.sort();
        text.sort();
        expected_native.push((table.clone(), native));
        expected_text.push((table.clone(), text));
    }
    assert_eq!(
        read_all(&mut conn, &catalog, false).await,
        expected_text,
        "the old database as written"
    );
    conn.close_quietly().await;

    // Today's store opens it, which upgrades it.
    let store = Store::open(&url).await.unwrap();
    store.close().await;
    let mut conn = Conn::open(&url).await;
    assert_eq!(
        read_all(&mut conn, &catalog, true).await,
        expected_native,
        "every value of every table after the upgrade"
    );
    match backend {
        Backend::Postgres => {
            let rows = conn
                .text_rows(
                    "SELECT pg_typeof(observed_at)::text FROM channel_snapshots
                     UNION ALL SELECT pg_typeof(started_at)::text FROM live_sessions",
                )
                .await;
            assert!(
                rows.iter()
                    .all(|r| r[0].as_deref() == Some("timestamp with time zone")),
                "{rows:?}"
            );
            let parts = conn
                .text_rows(
                    "SELECT c.relname::text FROM pg_inherits i
                     JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
                     WHERE p.relname = 'channel_snapshots' ORDER BY 1",
                )
                .await;
            let parts: Vec<&str> = parts.iter().filter_map(|r| r[0].as_deref()).collect();
            for month in ["channel_snapshots_p202610", "channel_snapshots_p202611"] {
                assert!(parts.contains(&month), "{month} in {parts:?}");
            }
            let stray = conn
                .text_rows("SELECT CAST(COUNT(*) AS TEXT) FROM channel_snapshots_default")
                .await;
            assert_eq!(
                stray[0][0].as_deref(),
                Some("0"),
                "months moved out of the default"
            );
        }
        Backend::MySql => {
            let rows = conn
                .text_rows(
                    "SELECT CAST(DATA_TYPE AS CHAR) FROM information_schema.COLUMNS
                     WHERE TABLE_SCHEMA = DATABASE() AND COLUMN_NAME = 'observed_at'",
                )
                .await;
            assert!(
                !rows.is_empty() && rows.iter().all(|r| r[0].as_deref() == Some("datetime")),
                "{rows:?}"
            );
        }
        Backend::Sqlite => {}
    }

    // And back: undoing the migration restores the old text exactly.
    conn.undo(&migrator(backend, i64::MAX).await, OLD_VERSION)
        .await;
    assert_eq!(
        read_all(&mut conn, &catalog, false).await,
        expected_text,
        "every value after undoing the upgrade"
    );
    conn.close_quietly().await;
}

impl Conn {
    async fn close_quietly(self) {
        let _ = match self {
            Conn::Sqlite(c) => c.close().await,
            Conn::Postgres(c) => c.close().await,
            Conn::MySql(c) => c.close().await,
        };
    }
}

#[tokio::test]
async fn upgrade_in_place_sqlite() {
    upgrade_keeps_every_value(Backend::Sqlite).await;
}

#[tokio::test]
async fn upgrade_in_place_postgres() {
    upgrade_keeps_every_value(Backend::Postgres).await;
}

#[tokio::test]
async fn upgrade_in_place_mysql() {
    upgrade_keeps_every_value(Backend::MySql).await;
}
