//! The three migration histories build the same schema: after migrating, each backend's catalog
//! is read (SQLite `pragma_table_info`/`pragma_index_list`, PostgreSQL and MariaDB
//! `information_schema` columns plus their index catalogs) into one shape — tables, columns with
//! their type class and nullability, primary key, unique and plain indexes — and compared with
//! SQLite's. A difference fails the test unless [`ALLOWED`] names it with the reason it is meant.
//!
//! PostgreSQL and MariaDB run when `STREAMTIDE_TEST_PG_URL` / `STREAMTIDE_TEST_MYSQL_URL` are set
//! (a fresh database is made on that server); under `STREAMTIDE_TEST_REQUIRE_ALL_BACKENDS` a
//! missing one fails.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::{Connection, Row};
use streamtide_storage::{Backend, Store};

/// A column's type, as far as the application cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    Integer,
    Real,
    Text,
    Time,
    Bool,
    Blob,
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Table {
    /// Column -> (type class, nullable).
    columns: BTreeMap<String, (Class, bool)>,
    primary_key: Vec<String>,
    /// (unique, columns in order, partial) of every index but the primary key's.
    indexes: BTreeSet<(bool, Vec<String>, bool)>,
}

type Schema = BTreeMap<String, Table>;

/// Differences between backends that are intended, each with its reason. An entry is the exact
/// line [`differences`] prints, prefixed by the backend.
const ALLOWED: &[&str] = &[
    // MariaDB has no partial indexes. The trend scan's covering index over days with live time
    // is a full index there.
    "mysql channel_daily: missing index (day, channel_id, hours_watched, live_minutes) partial",
    "mysql channel_daily: extra index (day, channel_id, hours_watched, live_minutes)",
    // "One open session per channel" is a partial unique index elsewhere; MariaDB emulates it
    // with the generated column `open_channel_id` (NULL once the session ends), indexed.
    "mysql live_sessions.open_channel_id: None vs Some((Integer, true))",
    "mysql live_sessions: missing index (last_viewers) partial",
    "mysql live_sessions: missing unique index (channel_id) partial",
    "mysql live_sessions: extra index (open_channel_id, last_viewers)",
    "mysql live_sessions: extra unique index (open_channel_id)",
];

/// The class of a declared SQL type (any backend's spelling).
fn class_of(declared: &str) -> Class {
    let t = declared.to_ascii_lowercase();
    let t = t.trim();
    if t == "tinyint(1)" || t.starts_with("bool") {
        Class::Bool
    } else if t.contains("int") {
        Class::Integer
    } else if t.contains("real")
        || t.contains("double")
        || t.contains("float")
        || t.contains("numeric")
        || t.contains("decimal")
    {
        Class::Real
    } else if t.contains("time") || t == "date" {
        Class::Time
    } else if t.contains("blob") || t.contains("bytea") || t.contains("binary") {
        Class::Blob
    } else if t.contains("char") || t.contains("text") || t.is_empty() {
        Class::Text
    } else {
        panic!("unknown column type `{declared}`: teach class_of")
    }
}

/// Tables the migration tool keeps, not the application.
fn ours(table: &str) -> bool {
    table != "_sqlx_migrations" && !table.starts_with("sqlite_")
}

async fn sqlite_schema(url: &str) -> Schema {
    let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .fetch_all(&mut c)
            .await
            .unwrap();
    let mut out = Schema::new();
    for name in tables.into_iter().filter(|t| ours(t)) {
        let mut t = Table::default();
        let cols = sqlx::query(
            "SELECT name, type, \"notnull\", pk FROM pragma_table_info(?1) ORDER BY cid",
        )
        .bind(&name)
        .fetch_all(&mut c)
        .await
        .unwrap();
        let mut pk: Vec<(i64, String)> = Vec::new();
        for r in cols {
            let col: String = r.get(0);
            let key: i64 = r.get(3);
            // A primary key column is never NULL, whatever SQLite's flag says (INTEGER PRIMARY KEY).
            let nullable = r.get::<i64, _>(2) == 0 && key == 0;
            t.columns
                .insert(col.clone(), (class_of(&r.get::<String, _>(1)), nullable));
            if key > 0 {
                pk.push((key, col));
            }
        }
        pk.sort();
        t.primary_key = pk.into_iter().map(|(_, c)| c).collect();
        let indexes = sqlx::query(
            "SELECT name, \"unique\", origin, partial FROM pragma_index_list(?1) ORDER BY name",
        )
        .bind(&name)
        .fetch_all(&mut c)
        .await
        .unwrap();
        for r in indexes {
            let index: String = r.get(0);
            if r.get::<String, _>(2) == "pk" {
                continue;
            }
            let cols: Vec<String> =
                sqlx::query_scalar("SELECT name FROM pragma_index_info(?1) ORDER BY seqno")
                    .bind(&index)
                    .fetch_all(&mut c)
                    .await
                    .unwrap();
            t.indexes
                .insert((r.get::<i64, _>(1) == 1, cols, r.get::<i64, _>(3) == 1));
        }
        out.insert(name, t);
    }
    // SQLite keeps channel snapshots in two tables behind a view under the table's name (recent
    // rows are staged apart, migration 0009, `staging.rs`): a storage layout of SQLite only. The
    // two must agree on their columns, and the large one is what the other engines call
    // `channel_snapshots`.
    let recent = out
        .remove("channel_snapshots_recent")
        .expect("the staging table");
    let folded = out
        .remove("channel_snapshots_folded")
        .expect("the folded table");
    assert_eq!(recent.columns, folded.columns, "the view's two halves");
    out.insert("channel_snapshots".to_string(), folded);
    out
}

async fn postgres_schema(url: &str) -> Schema {
    let mut c = sqlx::PgConnection::connect(url).await.unwrap();
    // Partitions of the time-partitioned tables are the store's, made at run time: the parent
    // is the table.
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
         ORDER BY 1",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    let mut out = Schema::new();
    for name in tables.into_iter().filter(|t| ours(t)) {
        let mut t = Table::default();
        let cols = sqlx::query(
            "SELECT column_name::text, data_type::text, is_nullable::text
             FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
        )
        .bind(&name)
        .fetch_all(&mut c)
        .await
        .unwrap();
        for r in cols {
            t.columns.insert(
                r.get(0),
                (
                    class_of(&r.get::<String, _>(1)),
                    r.get::<String, _>(2) == "YES",
                ),
            );
        }
        let indexes = sqlx::query(
            "SELECT ix.indisprimary, ix.indisunique, ix.indpred IS NOT NULL,
                    ARRAY(SELECT pg_get_indexdef(ix.indexrelid, k, true)
                          FROM generate_series(1, ix.indnkeyatts) k ORDER BY k)::text[]
             FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid
             JOIN pg_namespace n ON n.oid = t.relnamespace
             WHERE n.nspname = current_schema() AND t.relname = $1",
        )
        .bind(&name)
        .fetch_all(&mut c)
        .await
        .unwrap();
        for r in indexes {
            let cols: Vec<String> = r.get(3);
            if r.get::<bool, _>(0) {
                t.primary_key = cols;
            } else {
                t.indexes.insert((r.get(1), cols, r.get(2)));
            }
        }
        out.insert(name, t);
    }
    c.close().await.unwrap();
    out
}

async fn mysql_schema(url: &str) -> Schema {
    let mut c = sqlx::MySqlConnection::connect(url).await.unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT CAST(TABLE_NAME AS CHAR) FROM information_schema.TABLES
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY 1",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    let mut out = Schema::new();
    for name in tables.into_iter().filter(|t| ours(t)) {
        let mut t = Table::default();
        let cols = sqlx::query(
            "SELECT CAST(COLUMN_NAME AS CHAR), CAST(COLUMN_TYPE AS CHAR), CAST(IS_NULLABLE AS CHAR)
             FROM information_schema.COLUMNS
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION",
        )
        .bind(&name)
        .fetch_all(&mut c)
        .await
        .unwrap();
        for r in cols {
            t.columns.insert(
                r.get(0),
                (
                    class_of(&r.get::<String, _>(1)),
                    r.get::<String, _>(2) == "YES",
                ),
            );
        }
        let rows = sqlx::query(
            "SELECT CAST(INDEX_NAME AS CHAR), CAST(NON_UNIQUE AS SIGNED), CAST(COLUMN_NAME AS CHAR)
             FROM information_schema.STATISTICS
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX",
        )
        .bind(&name)
        .fetch_all(&mut c)
        .await
        .unwrap();
        let mut by_index: BTreeMap<String, (bool, Vec<String>)> = BTreeMap::new();
        for r in rows {
            let e = by_index
                .entry(r.get(0))
                .or_insert((r.get::<i64, _>(1) == 0, Vec::new()));
            e.1.push(r.get(2));
        }
        for (index, (unique, cols)) in by_index {
            if index == "PRIMARY" {
                t.primary_key = cols;
            } else {
                // MariaDB has no partial indexes.
                t.indexes.insert((unique, cols, false));
            }
        }
        out.insert(name, t);
    }
    c.close().await.unwrap();
    out
}

fn describe_index((unique, cols, partial): &(bool, Vec<String>, bool)) -> String {
    format!(
        "{}index ({}){}",
        if *unique { "unique " } else { "" },
        cols.join(", "),
        if *partial { " partial" } else { "" }
    )
}

/// What `other` has that differs from `reference`, one line each.
fn differences(reference: &Schema, other: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    for name in reference
        .keys()
        .chain(other.keys())
        .collect::<BTreeSet<_>>()
    {
        let (Some(a), Some(b)) = (reference.get(name), other.get(name)) else {
            out.push(format!(
                "table {name}: {}",
                if other.contains_key(name) {
                    "extra"
                } else {
                    "missing"
                }
            ));
            continue;
        };
        for col in a
            .columns
            .keys()
            .chain(b.columns.keys())
            .collect::<BTreeSet<_>>()
        {
            match (a.columns.get(col), b.columns.get(col)) {
                (Some(x), Some(y)) if x == y => {}
                (x, y) => out.push(format!("{name}.{col}: {x:?} vs {y:?}")),
            }
        }
        if a.primary_key != b.primary_key {
            out.push(format!(
                "{name} primary key: ({}) vs ({})",
                a.primary_key.join(", "),
                b.primary_key.join(", ")
            ));
        }
        for i in a.indexes.difference(&b.indexes) {
            out.push(format!("{name}: missing {}", describe_index(i)));
        }
        for i in b.indexes.difference(&a.indexes) {
            out.push(format!("{name}: extra {}", describe_index(i)));
        }
    }
    out
}

/// A migrated database on `backend`'s test server: its URL, or `None` when it is not configured.
async fn server_database(backend: Backend, var: &str) -> Option<String> {
    let Some(server) = std::env::var(var).ok().filter(|v| !v.is_empty()) else {
        assert!(
            std::env::var("STREAMTIDE_TEST_REQUIRE_ALL_BACKENDS").is_err(),
            "{var} is not set, and STREAMTIDE_TEST_REQUIRE_ALL_BACKENDS asks for every backend"
        );
        eprintln!("skipped on {}: {var} is not set", backend.as_str());
        return None;
    };
    let url = streamtide_storage::fresh_database(&server, "st_schema_equivalence")
        .await
        .unwrap();
    Store::open(&url).await.unwrap().close().await;
    Some(url)
}

/// The schema as SQLite declares it: SQLite keeps instants as sortable UTC text (see
/// `storage/src/time.rs`), where the servers have a native time type.
fn as_on_sqlite(schema: &Schema) -> Schema {
    schema
        .iter()
        .map(|(name, t)| {
            let columns = t
                .columns
                .iter()
                .map(|(c, &(class, null))| {
                    let class = if class == Class::Time {
                        Class::Text
                    } else {
                        class
                    };
                    (c.clone(), (class, null))
                })
                .collect();
            let table = Table {
                columns,
                primary_key: t.primary_key.clone(),
                indexes: t.indexes.clone(),
            };
            (name.clone(), table)
        })
        .collect()
}

/// Every `table.column` of the time class.
fn time_columns(schema: &Schema) -> BTreeSet<String> {
    schema
        .iter()
        .flat_map(|(name, t)| {
            t.columns
                .iter()
                .filter(|(_, (class, _))| *class == Class::Time)
                .map(move |(c, _)| format!("{name}.{c}"))
        })
        .collect()
}

/// A column named as an instant (`*_at`, `*_until`, `*_since`).
fn named_as_time(column: &str) -> bool {
    let c = column.rsplit('.').next().unwrap_or(column);
    c.ends_with("_at") || c.ends_with("_until") || c.ends_with("_since")
}

/// What a server's instants must be: of the time class exactly where they are named as times.
fn time_drift(backend: &str, schema: &Schema) -> Vec<String> {
    let times = time_columns(schema);
    let mut out: Vec<String> = times
        .iter()
        .filter(|c| !named_as_time(c))
        .map(|c| format!("{backend} {c}: a time column not named as one"))
        .collect();
    for (name, t) in schema {
        for c in t.columns.keys() {
            let full = format!("{name}.{c}");
            if named_as_time(&full) && !times.contains(&full) {
                out.push(format!(
                    "{backend} {full}: named as a time, not of a time type"
                ));
            }
        }
    }
    out
}

#[tokio::test]
async fn every_backend_migrates_to_the_same_schema() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite_url = format!("sqlite://{}", dir.path().join("s.db").display());
    Store::open(&sqlite_url).await.unwrap().close().await;
    let reference = sqlite_schema(&sqlite_url).await;
    assert!(
        reference.contains_key("channels") && reference["channels"].columns.len() > 3,
        "the catalog reader sees the tables: {:?}",
        reference.keys().collect::<Vec<_>>()
    );

    let mut drift = Vec::new();
    let mut compared = Vec::new();
    if let Some(url) = server_database(Backend::Postgres, "STREAMTIDE_TEST_PG_URL").await {
        let schema = postgres_schema(&url).await;
        drift.extend(time_drift("postgres", &schema));
        drift.extend(
            differences(&reference, &as_on_sqlite(&schema))
                .into_iter()
                .map(|d| format!("postgres {d}")),
        );
        compared.push("postgres");
    }
    if let Some(url) = server_database(Backend::MySql, "STREAMTIDE_TEST_MYSQL_URL").await {
        let schema = mysql_schema(&url).await;
        drift.extend(time_drift("mysql", &schema));
        drift.extend(
            differences(&reference, &as_on_sqlite(&schema))
                .into_iter()
                .map(|d| format!("mysql {d}")),
        );
        compared.push("mysql");
    }
    let unexplained: Vec<&String> = drift
        .iter()
        .filter(|d| !ALLOWED.contains(&d.as_str()))
        .collect();
    let stale: Vec<&&str> = ALLOWED
        .iter()
        .filter(|a| compared.iter().any(|b| a.starts_with(b)) && !drift.iter().any(|d| d == *a))
        .collect();
    assert!(
        unexplained.is_empty() && stale.is_empty(),
        "the schemas drifted from SQLite's:\n{}\nallowed differences no longer found (remove them):\n{}",
        unexplained
            .iter()
            .map(|d| format!("  {d}"))
            .collect::<Vec<_>>()
            .join("\n"),
        stale
            .iter()
            .map(|d| format!("  {d}"))
            .collect::<Vec<_>>()
            .join("\n"),
    );
}

#[test]
fn a_time_column_is_known_by_its_type_and_its_name() {
    let mut t = Table::default();
    t.columns.insert("observed_at".into(), (Class::Time, false));
    t.columns.insert("ended_at".into(), (Class::Text, true));
    t.columns.insert("day".into(), (Class::Time, false));
    let schema = Schema::from([("s".to_string(), t)]);
    assert_eq!(
        time_drift("postgres", &schema),
        [
            "postgres s.day: a time column not named as one",
            "postgres s.ended_at: named as a time, not of a time type",
        ]
    );
    let on_sqlite = as_on_sqlite(&schema);
    assert_eq!(on_sqlite["s"].columns["observed_at"], (Class::Text, false));
}

#[test]
fn type_spellings_fall_into_classes() {
    assert_eq!(class_of("BIGINT"), Class::Integer);
    assert_eq!(class_of("bigint(20)"), Class::Integer);
    assert_eq!(class_of("tinyint(1)"), Class::Bool);
    assert_eq!(class_of("boolean"), Class::Bool);
    assert_eq!(class_of("double precision"), Class::Real);
    assert_eq!(class_of("timestamp with time zone"), Class::Time);
    assert_eq!(class_of("datetime(6)"), Class::Time);
    assert_eq!(class_of("character varying"), Class::Text);
    assert_eq!(class_of("varchar(191)"), Class::Text);
    assert_eq!(class_of("bytea"), Class::Blob);
}
