//! The SQL layer under the store: each engine's own driver and each engine's own SQL.
//!
//! - **Pools**: sqlx's typed pools ([`Pool`]: SQLite, PostgreSQL, MariaDB/MySQL), so every value
//!   is bound and read in the engine's own types. Values wait in a [`Value`] until the statement
//!   runs on a known engine; rows are read through [`Row`], whose [`Decodable`] types absorb the
//!   two engine quirks the store meets (PostgreSQL's `integer` for literal expressions, and
//!   MariaDB's BINARY flag on `utf8mb4_bin` text).
//! - **Statements**: written with [`sql!`], rendered per engine at compile time. `#N` is the N-th
//!   bound value: `$N` on SQLite and PostgreSQL (both parse it), a positional `?` on MySQL with
//!   the list of which value each takes. Where the engines agree (most statements) the text is
//!   written once; where they differ (upserts, scalar `MAX`/`GREATEST`, `<=>`, cast names) the
//!   statement is written per engine, side by side. Statements whose shape depends on the input
//!   (multi-row `VALUES`, `IN` lists, a column the caller names) are assembled for one engine by
//!   [`built!`]/[`Built`]. Nothing reads or rewrites SQL text at run time.
//!
//! `docs/architecture.md` ("SQL per engine") says why this and not a query builder.

use std::borrow::Cow;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};

use chrono::{DateTime, Utc};
use sqlx::mysql::{MySql, MySqlConnection, MySqlPool, MySqlRow};
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnection, PgPool, PgRow, Postgres};
use sqlx::sqlite::{Sqlite, SqliteConnection, SqlitePool, SqliteRow};
use sqlx::{Column as _, Row as _, Transaction, TypeInfo as _, ValueRef as _};

use crate::time::{from_db_time, to_db_time, truncate_to_second};

/// Which database engine a store runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Backend {
    Sqlite,
    Postgres,
    MySql,
}

impl Backend {
    /// The backend a storage URL names, by its scheme.
    pub fn from_url(url: &str) -> Option<Backend> {
        let scheme = url.split(':').next().unwrap_or_default();
        match scheme {
            "sqlite" => Some(Backend::Sqlite),
            "postgres" | "postgresql" => Some(Backend::Postgres),
            "mysql" => Some(Backend::MySql),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
            Backend::MySql => "mysql",
        }
    }
}

/// The store's connection pool: one engine's own driver (sqlx's typed pools, so every value is
/// bound and read in the engine's own types; no `Any` driver converting in between).
#[derive(Clone, Debug)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
    MySql(MySqlPool),
}

impl Pool {
    pub fn backend(&self) -> Backend {
        match self {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
            Pool::MySql(_) => Backend::MySql,
        }
    }

    /// A transaction (`BEGIN`).
    pub async fn begin(&self) -> Result<Held, sqlx::Error> {
        Ok(Held(match self {
            Pool::Sqlite(p) => Conn::SqliteTx(p.begin().await?),
            Pool::Postgres(p) => Conn::PostgresTx(p.begin().await?),
            Pool::MySql(p) => Conn::MySqlTx(p.begin().await?),
        }))
    }

    /// A transaction opened with `statement` on SQLite (`BEGIN IMMEDIATE`), `BEGIN` elsewhere.
    pub async fn begin_sqlite_with(&self, statement: &'static str) -> Result<Held, sqlx::Error> {
        match self {
            Pool::Sqlite(p) => Ok(Held(Conn::SqliteTx(p.begin_with(statement).await?))),
            _ => self.begin().await,
        }
    }

    /// One connection of the pool, outside any transaction.
    pub async fn acquire(&self) -> Result<Held, sqlx::Error> {
        Ok(Held(match self {
            Pool::Sqlite(p) => Conn::Sqlite(p.acquire().await?),
            Pool::Postgres(p) => Conn::Postgres(p.acquire().await?),
            Pool::MySql(p) => Conn::MySql(p.acquire().await?),
        }))
    }

    pub async fn close(&self) {
        match self {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
            Pool::MySql(p) => p.close().await,
        }
    }

    /// Apply `migrator`'s pending migrations.
    pub async fn run_migrations(
        &self,
        migrator: &sqlx::migrate::Migrator,
    ) -> Result<(), sqlx::migrate::MigrateError> {
        match self {
            Pool::Sqlite(p) => migrator.run(p).await,
            Pool::Postgres(p) => migrator.run(p).await,
            Pool::MySql(p) => migrator.run(p).await,
        }
    }

    /// Undo `migrator`'s migrations down to `target`.
    pub async fn undo_migrations(
        &self,
        migrator: &sqlx::migrate::Migrator,
        target: i64,
    ) -> Result<(), sqlx::migrate::MigrateError> {
        match self {
            Pool::Sqlite(p) => migrator.undo(p, target).await,
            Pool::Postgres(p) => migrator.undo(p, target).await,
            Pool::MySql(p) => migrator.undo(p, target).await,
        }
    }
}

/// A connection held for several statements: a transaction, or a plain pooled connection.
pub(crate) enum Conn {
    SqliteTx(Transaction<'static, Sqlite>),
    PostgresTx(Transaction<'static, Postgres>),
    MySqlTx(Transaction<'static, MySql>),
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
    MySql(PoolConnection<MySql>),
}

impl Conn {
    pub fn backend(&self) -> Backend {
        match self {
            Conn::SqliteTx(_) | Conn::Sqlite(_) => Backend::Sqlite,
            Conn::PostgresTx(_) | Conn::Postgres(_) => Backend::Postgres,
            Conn::MySqlTx(_) | Conn::MySql(_) => Backend::MySql,
        }
    }
}

/// A [`Conn`] owned by its user: `commit` ends a transaction (a plain connection has nothing to
/// commit); dropping an uncommitted transaction rolls it back. Derefs to the [`Conn`] the
/// statements run on.
pub(crate) struct Held(Conn);

impl Held {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self.0 {
            Conn::SqliteTx(t) => t.commit().await,
            Conn::PostgresTx(t) => t.commit().await,
            Conn::MySqlTx(t) => t.commit().await,
            Conn::Sqlite(_) | Conn::Postgres(_) | Conn::MySql(_) => Ok(()),
        }
    }
}

impl Deref for Held {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        &self.0
    }
}

impl DerefMut for Held {
    fn deref_mut(&mut self) -> &mut Conn {
        &mut self.0
    }
}

/// Where a statement runs: the pool (any free connection) or one held connection.
pub(crate) enum Target<'c> {
    Pool(&'c Pool),
    Conn(&'c mut Conn),
}

impl<'c> From<&'c Pool> for Target<'c> {
    fn from(p: &'c Pool) -> Self {
        Target::Pool(p)
    }
}

impl<'c> From<&'c mut Conn> for Target<'c> {
    fn from(c: &'c mut Conn) -> Self {
        Target::Conn(c)
    }
}

impl<'c> From<&'c mut Held> for Target<'c> {
    fn from(c: &'c mut Held) -> Self {
        Target::Conn(&mut c.0)
    }
}

impl Target<'_> {
    fn backend(&self) -> Backend {
        match self {
            Target::Pool(p) => p.backend(),
            Target::Conn(c) => c.backend(),
        }
    }
}

/// The type of a NULL bound value (PostgreSQL types a parameter by its first value).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Kind {
    Int,
    Float,
    Bool,
    Text,
    Bytes,
    Time,
}

/// A value bound to a statement, kept until the statement runs on a known engine.
#[derive(Clone, Debug)]
pub(crate) enum Value<'q> {
    Null(Kind),
    Int(i64),
    Float(f64),
    Bool(bool),
    Text(Cow<'q, str>),
    Bytes(Cow<'q, [u8]>),
    /// An instant, whole seconds: `timestamptz` on PostgreSQL, `DATETIME(6)` on MariaDB, and
    /// on SQLite the sortable text `YYYY-MM-DDTHH:MM:SSZ` (see [`crate::time`]).
    Time(DateTime<Utc>),
}

/// A Rust value that binds as one [`Value`]; `KIND` types its `None`.
pub(crate) trait Bind<'q> {
    const KIND: Kind;
    fn value(self) -> Value<'q>;
}

macro_rules! bind_int {
    ($($t:ty),*) => {$(
        impl<'q> Bind<'q> for $t {
            const KIND: Kind = Kind::Int;
            fn value(self) -> Value<'q> {
                Value::Int(i64::from(self))
            }
        }
        impl<'q> Bind<'q> for &$t {
            const KIND: Kind = Kind::Int;
            fn value(self) -> Value<'q> {
                Value::Int(i64::from(*self))
            }
        }
    )*};
}
bind_int!(i64, i32, u32, i16, u16, u8, i8);

impl<'q> Bind<'q> for f64 {
    const KIND: Kind = Kind::Float;
    fn value(self) -> Value<'q> {
        Value::Float(self)
    }
}

impl<'q> Bind<'q> for &f64 {
    const KIND: Kind = Kind::Float;
    fn value(self) -> Value<'q> {
        Value::Float(*self)
    }
}

impl<'q> Bind<'q> for bool {
    const KIND: Kind = Kind::Bool;
    fn value(self) -> Value<'q> {
        Value::Bool(self)
    }
}

impl<'q> Bind<'q> for String {
    const KIND: Kind = Kind::Text;
    fn value(self) -> Value<'q> {
        Value::Text(Cow::Owned(self))
    }
}

impl<'q> Bind<'q> for &'q String {
    const KIND: Kind = Kind::Text;
    fn value(self) -> Value<'q> {
        Value::Text(Cow::Borrowed(self.as_str()))
    }
}

impl<'q> Bind<'q> for &'q str {
    const KIND: Kind = Kind::Text;
    fn value(self) -> Value<'q> {
        Value::Text(Cow::Borrowed(self))
    }
}

impl<'q> Bind<'q> for &'q &'q str {
    const KIND: Kind = Kind::Text;
    fn value(self) -> Value<'q> {
        Value::Text(Cow::Borrowed(*self))
    }
}

impl<'q> Bind<'q> for Vec<u8> {
    const KIND: Kind = Kind::Bytes;
    fn value(self) -> Value<'q> {
        Value::Bytes(Cow::Owned(self))
    }
}

impl<'q> Bind<'q> for &'q [u8] {
    const KIND: Kind = Kind::Bytes;
    fn value(self) -> Value<'q> {
        Value::Bytes(Cow::Borrowed(self))
    }
}

impl<'q> Bind<'q> for DateTime<Utc> {
    const KIND: Kind = Kind::Time;
    fn value(self) -> Value<'q> {
        // Whole seconds on every engine: observations are keyed by time, and keys must compare
        // exactly whichever engine stored them.
        Value::Time(truncate_to_second(self))
    }
}

impl<'q> Bind<'q> for &DateTime<Utc> {
    const KIND: Kind = Kind::Time;
    fn value(self) -> Value<'q> {
        (*self).value()
    }
}

/// How an engine's driver takes an instant: SQLite as its stored text, the servers natively.
trait StoredTime {
    fn stored(t: DateTime<Utc>) -> Self;
}

impl StoredTime for String {
    fn stored(t: DateTime<Utc>) -> Self {
        to_db_time(t)
    }
}

impl StoredTime for DateTime<Utc> {
    fn stored(t: DateTime<Utc>) -> Self {
        t
    }
}

impl<'q, T: Bind<'q>> Bind<'q> for Option<T> {
    const KIND: Kind = T::KIND;
    fn value(self) -> Value<'q> {
        match self {
            Some(v) => v.value(),
            None => Value::Null(T::KIND),
        }
    }
}

impl<'q, T: Bind<'q> + Clone> Bind<'q> for &'q Option<T> {
    const KIND: Kind = T::KIND;
    fn value(self) -> Value<'q> {
        self.clone().value()
    }
}

/// Bind `values` to a statement of one engine (the same code for the three drivers); `$time`
/// is the type that engine takes an instant as ([`StoredTime`]).
macro_rules! bind_values {
    ($q:expr, $values:expr, $time:ty) => {{
        let mut q = $q;
        for v in $values {
            q = match v {
                Value::Null(Kind::Int) => q.bind(None::<i64>),
                Value::Null(Kind::Float) => q.bind(None::<f64>),
                Value::Null(Kind::Bool) => q.bind(None::<bool>),
                Value::Null(Kind::Text) => q.bind(None::<String>),
                Value::Null(Kind::Bytes) => q.bind(None::<Vec<u8>>),
                Value::Null(Kind::Time) => q.bind(None::<$time>),
                Value::Time(t) => q.bind(<$time as StoredTime>::stored(t)),
                Value::Int(i) => q.bind(i),
                Value::Float(f) => q.bind(f),
                Value::Bool(b) => q.bind(b),
                Value::Text(Cow::Borrowed(s)) => q.bind(s),
                Value::Text(Cow::Owned(s)) => q.bind(s),
                Value::Bytes(Cow::Borrowed(b)) => q.bind(b),
                Value::Bytes(Cow::Owned(b)) => q.bind(b),
            };
        }
        q
    }};
}

/// A row of any of the three engines, read by column name or position.
pub(crate) enum Row {
    Sqlite(SqliteRow),
    Postgres(PgRow),
    MySql(MySqlRow),
}

/// A column by name or position.
pub(crate) trait Index: Copy + std::fmt::Display {
    fn ordinal(self, row: &Row) -> Result<usize, sqlx::Error>;
}

impl Index for usize {
    fn ordinal(self, row: &Row) -> Result<usize, sqlx::Error> {
        if self < row.len() {
            Ok(self)
        } else {
            Err(sqlx::Error::ColumnIndexOutOfBounds {
                index: self,
                len: row.len(),
            })
        }
    }
}

impl Index for &str {
    fn ordinal(self, row: &Row) -> Result<usize, sqlx::Error> {
        let found = match row {
            Row::Sqlite(r) => r.try_column(self).map(|c| c.ordinal()),
            Row::Postgres(r) => r.try_column(self).map(|c| c.ordinal()),
            Row::MySql(r) => r.try_column(self).map(|c| c.ordinal()),
        };
        found
    }
}

impl Row {
    /// The value of column `col` as `T`; an error if it is absent or of another type.
    pub fn try_get<T: Decodable, I: Index>(&self, col: I) -> Result<T, sqlx::Error> {
        let i = col.ordinal(self)?;
        match self {
            Row::Sqlite(r) => T::sqlite(r, i),
            Row::Postgres(r) => T::postgres(r, i),
            Row::MySql(r) => T::mysql(r, i),
        }
    }

    /// [`Row::try_get`] for a column the statement itself selects with the type it reads: a
    /// mismatch is a defect in the statement, reported by a panic naming the column.
    pub fn get<T: Decodable, I: Index>(&self, col: I) -> T {
        match self.try_get(col) {
            Ok(v) => v,
            Err(e) => panic!("column {col}: {e}"),
        }
    }

    /// How many columns the row has.
    pub fn len(&self) -> usize {
        match self {
            Row::Sqlite(r) => r.len(),
            Row::Postgres(r) => r.len(),
            Row::MySql(r) => r.len(),
        }
    }

    /// Whether column `i` is NULL.
    #[cfg(test)]
    pub fn is_null(&self, i: usize) -> bool {
        match self {
            Row::Sqlite(r) => r.try_get_raw(i).map_or(true, |v| v.is_null()),
            Row::Postgres(r) => r.try_get_raw(i).map_or(true, |v| v.is_null()),
            Row::MySql(r) => r.try_get_raw(i).map_or(true, |v| v.is_null()),
        }
    }
}

/// A type a column reads as, on each engine.
pub(crate) trait Decodable: Sized {
    fn sqlite(row: &SqliteRow, i: usize) -> Result<Self, sqlx::Error>;
    fn postgres(row: &PgRow, i: usize) -> Result<Self, sqlx::Error>;
    fn mysql(row: &MySqlRow, i: usize) -> Result<Self, sqlx::Error>;
}

/// Types each driver reads as they are.
macro_rules! decodable_as_is {
    ($($t:ty),*) => {$(
        impl Decodable for $t {
            fn sqlite(row: &SqliteRow, i: usize) -> Result<Self, sqlx::Error> {
                row.try_get(i)
            }
            fn postgres(row: &PgRow, i: usize) -> Result<Self, sqlx::Error> {
                row.try_get(i)
            }
            fn mysql(row: &MySqlRow, i: usize) -> Result<Self, sqlx::Error> {
                row.try_get(i)
            }
        }
    )*};
}
decodable_as_is!(
    f64,
    Option<f64>,
    bool,
    Option<bool>,
    Vec<u8>,
    Option<Vec<u8>>
);

/// MySQL/MariaDB's text. The store's tables compare text byte for byte (`utf8mb4_bin`), and the
/// server then flags every text column BINARY, which sqlx's MySQL driver takes for bytes: such a
/// column is read as its bytes, which must be UTF-8.
fn mysql_text(row: &MySqlRow, i: usize) -> Result<Option<String>, sqlx::Error> {
    match row.try_get::<Option<String>, _>(i) {
        Ok(v) => Ok(v),
        Err(text_error) => match row.try_get::<Option<Vec<u8>>, _>(i) {
            Ok(None) => Ok(None),
            Ok(Some(bytes)) => {
                String::from_utf8(bytes)
                    .map(Some)
                    .map_err(|e| sqlx::Error::ColumnDecode {
                        index: i.to_string(),
                        source: Box::new(e),
                    })
            }
            Err(_) => Err(text_error),
        },
    }
}

impl Decodable for Option<String> {
    fn sqlite(row: &SqliteRow, i: usize) -> Result<Self, sqlx::Error> {
        row.try_get(i)
    }
    fn postgres(row: &PgRow, i: usize) -> Result<Self, sqlx::Error> {
        row.try_get(i)
    }
    fn mysql(row: &MySqlRow, i: usize) -> Result<Self, sqlx::Error> {
        mysql_text(row, i)
    }
}

impl Decodable for String {
    fn sqlite(row: &SqliteRow, i: usize) -> Result<Self, sqlx::Error> {
        row.try_get(i)
    }
    fn postgres(row: &PgRow, i: usize) -> Result<Self, sqlx::Error> {
        row.try_get(i)
    }
    fn mysql(row: &MySqlRow, i: usize) -> Result<Self, sqlx::Error> {
        mysql_text(row, i)?.ok_or_else(|| unexpected_null(i))
    }
}

/// PostgreSQL's integer of whatever width the expression has: a literal (`SELECT 1`,
/// `CASE … THEN 1`) is an `integer`, a column `bigint`, a comparison a `boolean`. The other
/// engines hand every integer over as 64 bits.
fn postgres_int(row: &PgRow, i: usize) -> Result<Option<i64>, sqlx::Error> {
    let raw = row.try_get_raw(i)?;
    if raw.is_null() {
        return Ok(None);
    }
    let name = raw.type_info().name().to_string();
    drop(raw);
    Ok(Some(match name.as_str() {
        "INT4" => i64::from(row.try_get::<i32, _>(i)?),
        "INT2" => i64::from(row.try_get::<i16, _>(i)?),
        "BOOL" => i64::from(row.try_get::<bool, _>(i)?),
        _ => row.try_get::<i64, _>(i)?,
    }))
}

impl Decodable for Option<i64> {
    fn sqlite(row: &SqliteRow, i: usize) -> Result<Self, sqlx::Error> {
        row.try_get(i)
    }
    fn postgres(row: &PgRow, i: usize) -> Result<Self, sqlx::Error> {
        postgres_int(row, i)
    }
    fn mysql(row: &MySqlRow, i: usize) -> Result<Self, sqlx::Error> {
        row.try_get(i)
    }
}

impl Decodable for i64 {
    fn sqlite(row: &SqliteRow, i: usize) -> Result<Self, sqlx::Error> {
        row.try_get(i)
    }
    fn postgres(row: &PgRow, i: usize) -> Result<Self, sqlx::Error> {
        postgres_int(row, i)?.ok_or_else(|| unexpected_null(i))
    }
    fn mysql(row: &MySqlRow, i: usize) -> Result<Self, sqlx::Error> {
        row.try_get(i)
    }
}

impl Decodable for Option<DateTime<Utc>> {
    fn sqlite(row: &SqliteRow, i: usize) -> Result<Self, sqlx::Error> {
        let text: Option<String> = row.try_get(i)?;
        text.map(|s| {
            from_db_time(&s).ok_or_else(|| sqlx::Error::ColumnDecode {
                index: i.to_string(),
                source: format!("not a stored time: {s:?}").into(),
            })
        })
        .transpose()
    }
    fn postgres(row: &PgRow, i: usize) -> Result<Self, sqlx::Error> {
        row.try_get(i)
    }
    fn mysql(row: &MySqlRow, i: usize) -> Result<Self, sqlx::Error> {
        row.try_get(i)
    }
}

impl Decodable for DateTime<Utc> {
    fn sqlite(row: &SqliteRow, i: usize) -> Result<Self, sqlx::Error> {
        Option::<DateTime<Utc>>::sqlite(row, i)?.ok_or_else(|| unexpected_null(i))
    }
    fn postgres(row: &PgRow, i: usize) -> Result<Self, sqlx::Error> {
        row.try_get(i)
    }
    fn mysql(row: &MySqlRow, i: usize) -> Result<Self, sqlx::Error> {
        row.try_get(i)
    }
}

fn unexpected_null(i: usize) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: i.to_string(),
        source: "unexpected NULL".into(),
    }
}

/// Tuples of decodable columns, in order.
macro_rules! decodable_tuple {
    ($($t:ident $i:tt),*) => {
        impl<$($t: Decodable),*> FromRow for ($($t,)*) {
            fn from_row(row: &Row) -> Result<Self, sqlx::Error> {
                Ok(($(row.try_get::<$t, usize>($i)?,)*))
            }
        }
    };
}

/// A row type a statement's rows decode into.
pub(crate) trait FromRow: Sized {
    fn from_row(row: &Row) -> Result<Self, sqlx::Error>;
}

decodable_tuple!(A 0);
decodable_tuple!(A 0, B 1);
decodable_tuple!(A 0, B 1, C 2);
decodable_tuple!(A 0, B 1, C 2, D 3);
decodable_tuple!(A 0, B 1, C 2, D 3, E 4);
decodable_tuple!(A 0, B 1, C 2, D 3, E 4, F 5);
decodable_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
decodable_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
decodable_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8);
decodable_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9);
decodable_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10);
decodable_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11);

/// What a statement that returns no rows did.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Done {
    rows_affected: u64,
}

impl Done {
    pub fn rows_affected(&self) -> u64 {
        self.rows_affected
    }
}

/// A statement in each engine's own text, written once with [`sql!`] and rendered at compile
/// time: nothing reads or rewrites SQL text when it runs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Sql {
    pub sqlite: &'static str,
    pub postgres: &'static str,
    pub mysql: &'static str,
    /// MySQL's `?` are positional: the bound value (numbered from 1, as the statement numbers
    /// them) each one takes, in order.
    pub mysql_args: &'static [usize],
}

impl Sql {
    /// A statement with no text yet (the start of [`sql!`]'s per-engine form).
    pub const NONE: Sql = Sql {
        sqlite: "",
        postgres: "",
        mysql: "",
        mysql_args: &[],
    };

    /// The statement's text on `backend`.
    pub fn text(&self, backend: Backend) -> &'static str {
        match backend {
            Backend::Sqlite => self.sqlite,
            Backend::Postgres => self.postgres,
            Backend::MySql => self.mysql,
        }
    }
}

/// A statement from SQL text and numbered parameters, for all three engines:
///
/// ```ignore
/// sql!("SELECT id FROM channels WHERE platform = " #1 " AND platform_id = " #2)
/// ```
///
/// `#N` is the N-th bound value. SQLite and PostgreSQL both take it as `$N`; MySQL has only
/// positional `?`, so it gets a `?` and the list of which value each takes. Where the engines
/// differ only in a word, the statement keeps one text and names each engine's word in place
/// (all three, in this order; a piece holds no parameter):
///
/// ```ignore
/// sql!("UPDATE s SET peak = " {sqlite: "MAX", postgres: "GREATEST", mysql: "GREATEST"} "(peak, " #2 ") WHERE id = " #1)
/// ```
///
/// Where the dialects differ more (upserts), the statement is written per engine, each text in
/// the same notation:
///
/// ```ignore
/// sql! {
///     sqlite, postgres: ("INSERT INTO t (k, v) VALUES (" #1 ", " #2 ") ON CONFLICT (k) DO UPDATE SET v = excluded.v");
///     mysql: ("INSERT INTO t (k, v) VALUES (" #1 ", " #2 ") ON DUPLICATE KEY UPDATE v = VALUES(v)");
/// }
/// ```
macro_rules! sql {
    ($($engine:ident),+ : $body:tt $(; $($more:ident),+ : $more_body:tt)* $(;)?) => {
        const {
            let mut s = $crate::db::Sql::NONE;
            $( $crate::db::sql_set!(s, $engine, $body); )+
            $( $( $crate::db::sql_set!(s, $more, $more_body); )+ )*
            s
        }
    };
    ($($text:tt)+) => {
        const {
            $crate::db::Sql {
                sqlite: $crate::db::sql_numbered!(sqlite; $($text)+),
                postgres: $crate::db::sql_numbered!(postgres; $($text)+),
                mysql: $crate::db::sql_positional!($($text)+),
                mysql_args: $crate::db::sql_args!($($text)+),
            }
        }
    };
}

/// One engine's text of a per-engine [`sql!`].
macro_rules! sql_set {
    ($s:ident, sqlite, ($($text:tt)+)) => {
        $s.sqlite = $crate::db::sql_numbered!(sqlite; $($text)+);
    };
    ($s:ident, postgres, ($($text:tt)+)) => {
        $s.postgres = $crate::db::sql_numbered!(postgres; $($text)+);
    };
    ($s:ident, mysql, ($($text:tt)+)) => {
        $s.mysql = $crate::db::sql_positional!($($text)+);
        $s.mysql_args = $crate::db::sql_args!($($text)+);
    };
}

/// [`sql!`]'s text for SQLite or PostgreSQL: `#N` as `$N`, and that engine's piece of each
/// `{sqlite: "…", postgres: "…", mysql: "…"}`.
macro_rules! sql_numbered {
    ($e:ident; @ [$($out:tt)*]) => { concat!($($out)*) };
    ($e:ident; @ [$($out:tt)*] $text:literal $($rest:tt)*) => {
        $crate::db::sql_numbered!($e; @ [$($out)* $text,] $($rest)*)
    };
    ($e:ident; @ [$($out:tt)*] # $n:literal $($rest:tt)*) => {
        $crate::db::sql_numbered!($e; @ [$($out)* "$", $n,] $($rest)*)
    };
    (sqlite; @ [$($out:tt)*] {sqlite: $s:literal, postgres: $p:literal, mysql: $m:literal} $($rest:tt)*) => {
        $crate::db::sql_numbered!(sqlite; @ [$($out)* $s,] $($rest)*)
    };
    (postgres; @ [$($out:tt)*] {sqlite: $s:literal, postgres: $p:literal, mysql: $m:literal} $($rest:tt)*) => {
        $crate::db::sql_numbered!(postgres; @ [$($out)* $p,] $($rest)*)
    };
    ($e:ident; $($text:tt)+) => { $crate::db::sql_numbered!($e; @ [] $($text)+) };
}

/// [`sql!`]'s text for MySQL: `#N` as `?`, and the `mysql` piece of each per-engine piece.
macro_rules! sql_positional {
    (@ [$($out:tt)*]) => { concat!($($out)*) };
    (@ [$($out:tt)*] $text:literal $($rest:tt)*) => {
        $crate::db::sql_positional!(@ [$($out)* $text,] $($rest)*)
    };
    (@ [$($out:tt)*] # $n:literal $($rest:tt)*) => {
        $crate::db::sql_positional!(@ [$($out)* "?",] $($rest)*)
    };
    (@ [$($out:tt)*] {sqlite: $s:literal, postgres: $p:literal, mysql: $m:literal} $($rest:tt)*) => {
        $crate::db::sql_positional!(@ [$($out)* $m,] $($rest)*)
    };
    ($($text:tt)+) => { $crate::db::sql_positional!(@ [] $($text)+) };
}

/// The `N`s of [`sql!`]'s `#N`, in order (a per-engine piece is text: it holds no parameter).
macro_rules! sql_args {
    (@ [$($out:tt)*]) => { &[$($out)*] };
    (@ [$($out:tt)*] $text:literal $($rest:tt)*) => {
        $crate::db::sql_args!(@ [$($out)*] $($rest)*)
    };
    (@ [$($out:tt)*] # $n:literal $($rest:tt)*) => {
        $crate::db::sql_args!(@ [$($out)* $n,] $($rest)*)
    };
    (@ [$($out:tt)*] {sqlite: $s:literal, postgres: $p:literal, mysql: $m:literal} $($rest:tt)*) => {
        $crate::db::sql_args!(@ [$($out)*] $($rest)*)
    };
    ($($text:tt)+) => { $crate::db::sql_args!(@ [] $($text)+) };
}

/// A statement assembled while the store runs, for one engine: a list of rows of any length, a
/// column the caller names, an `IN` list. Text is appended as written; a parameter is rendered as
/// the engine writes it. [`built!`] writes one in [`sql!`]'s notation.
#[derive(Clone, Debug)]
pub(crate) struct Built {
    backend: Backend,
    text: String,
    /// SQLite and MySQL: the bound value (from 1) each `?` takes, in order.
    positional: Vec<usize>,
}

impl Built {
    pub fn new(backend: Backend) -> Built {
        Built {
            backend,
            text: String::with_capacity(256),
            positional: Vec::new(),
        }
    }

    /// Append SQL text (names, keywords; never a value).
    pub fn push(&mut self, text: &str) -> &mut Built {
        self.text.push_str(text);
        self
    }

    /// Append the `n`-th bound value (from 1). SQLite gets an anonymous `?` here, like MySQL, not
    /// `$N`: SQLite looks a named parameter up by a linear scan for every value bound, and a
    /// multi-row insert of thousands of numbered values made the whole write path 3–4× slower
    /// when measured.
    pub fn param(&mut self, n: usize) -> &mut Built {
        match self.backend {
            Backend::Postgres => {
                use std::fmt::Write as _;
                let _ = write!(self.text, "${n}");
            }
            Backend::Sqlite | Backend::MySql => {
                self.text.push('?');
                self.positional.push(n);
            }
        }
        self
    }

    /// The engine this statement is written for.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The statement's text so far.
    #[cfg(test)]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Append parameters `first`, `first + 1`, … (`n` of them), separated by commas: an `IN` list.
    pub fn params(&mut self, first: usize, n: usize) -> &mut Built {
        for k in 0..n {
            if k > 0 {
                self.text.push_str(", ");
            }
            self.param(first + k);
        }
        self
    }

    /// Append `rows` rows of `width` parameters each, `(…), (…)`, numbered from `first` row by row:
    /// the `VALUES` of a multi-row insert.
    pub fn rows(&mut self, first: usize, rows: usize, width: usize) -> &mut Built {
        for r in 0..rows {
            self.text.push_str(if r == 0 { "(" } else { ", (" });
            self.params(first + r * width, width);
            self.text.push(')');
        }
        self
    }
}

/// A [`Built`] statement for `backend` in [`sql!`]'s notation, where `{expr}` appends text the
/// store computes (a column or table name, never a value) and `#(expr)` a computed parameter
/// number:
///
/// ```ignore
/// built!(backend; "SELECT " {column} " FROM channel_daily WHERE channel_id = " #1)
/// ```
macro_rules! built {
    ($backend:expr; $($piece:tt)+) => {{
        let mut b = $crate::db::Built::new($backend);
        $crate::db::built_push!(b; $($piece)+);
        b
    }};
}

/// The pieces of a [`built!`], appended in order.
macro_rules! built_push {
    ($b:ident;) => {};
    ($b:ident; {sqlite: $s:literal, postgres: $p:literal, mysql: $m:literal} $($rest:tt)*) => {
        $b.push(match $b.backend() {
            $crate::db::Backend::Sqlite => $s,
            $crate::db::Backend::Postgres => $p,
            $crate::db::Backend::MySql => $m,
        });
        $crate::db::built_push!($b; $($rest)*);
    };
    ($b:ident; $text:literal $($rest:tt)*) => {
        $b.push($text);
        $crate::db::built_push!($b; $($rest)*);
    };
    ($b:ident; # $n:literal $($rest:tt)*) => {
        $b.param($n);
        $crate::db::built_push!($b; $($rest)*);
    };
    ($b:ident; # ($n:expr) $($rest:tt)*) => {
        $b.param($n);
        $crate::db::built_push!($b; $($rest)*);
    };
    ($b:ident; { $e:expr } $($rest:tt)*) => {
        $b.push(&$e);
        $crate::db::built_push!($b; $($rest)*);
    };
}

pub(crate) use {built, built_push, sql, sql_args, sql_numbered, sql_positional, sql_set};

/// What a [`Query`] runs: a statement in each engine's text, or one built for one engine.
pub(crate) enum Statement {
    Engines(Sql),
    Built(Built),
}

impl From<Built> for Statement {
    fn from(b: Built) -> Self {
        Statement::Built(b)
    }
}

impl From<&Built> for Statement {
    fn from(b: &Built) -> Self {
        Statement::Built(b.clone())
    }
}

impl From<Sql> for Statement {
    fn from(s: Sql) -> Self {
        Statement::Engines(s)
    }
}

/// A statement and its bound values, until it runs on a known engine.
pub(crate) struct Query<'q> {
    sql: Statement,
    values: Vec<Value<'q>>,
}

/// `sqlx::query`, for any backend.
pub(crate) fn query<'q>(sql: impl Into<Statement>) -> Query<'q> {
    Query {
        sql: sql.into(),
        values: Vec::new(),
    }
}

/// `sqlx::query_as`, for any backend.
pub(crate) fn query_as<'q, O>(sql: impl Into<Statement>) -> QueryAs<'q, O> {
    QueryAs {
        inner: query(sql),
        _out: PhantomData,
    }
}

/// `sqlx::query_scalar`, for any backend.
pub(crate) fn query_scalar<'q, O>(sql: impl Into<Statement>) -> QueryScalar<'q, O> {
    QueryScalar {
        inner: query(sql),
        _out: PhantomData,
    }
}

/// Run a statement on its target with one of sqlx's executor methods, the rows mapped to [`Row`].
macro_rules! run {
    ($self:ident, $target:ident, |$q:ident, $ex:ident, $wrap:ident| $call:expr) => {{
        let mut target: Target<'_> = $target.into();
        let backend = target.backend();
        let (sql, values) = $self.for_engine(backend)?;
        match &mut target {
            Target::Pool(Pool::Sqlite(p)) => {
                let $q = bind_values!(sqlx::query::<Sqlite>(&sql), values, String);
                let $ex = p;
                let $wrap = Row::Sqlite;
                $call
            }
            Target::Pool(Pool::Postgres(p)) => {
                let $q = bind_values!(sqlx::query::<Postgres>(&sql), values, DateTime<Utc>);
                let $ex = p;
                let $wrap = Row::Postgres;
                $call
            }
            Target::Pool(Pool::MySql(p)) => {
                let $q = bind_values!(sqlx::query::<MySql>(&sql), values, DateTime<Utc>);
                let $ex = p;
                let $wrap = Row::MySql;
                $call
            }
            Target::Conn(c) => match &mut **c {
                Conn::SqliteTx(t) => {
                    let $q = bind_values!(sqlx::query::<Sqlite>(&sql), values, String);
                    let $ex: &mut SqliteConnection = &mut *t;
                    let $wrap = Row::Sqlite;
                    $call
                }
                Conn::Sqlite(t) => {
                    let $q = bind_values!(sqlx::query::<Sqlite>(&sql), values, String);
                    let $ex: &mut SqliteConnection = &mut *t;
                    let $wrap = Row::Sqlite;
                    $call
                }
                Conn::PostgresTx(t) => {
                    let $q = bind_values!(sqlx::query::<Postgres>(&sql), values, DateTime<Utc>);
                    let $ex: &mut PgConnection = &mut *t;
                    let $wrap = Row::Postgres;
                    $call
                }
                Conn::Postgres(t) => {
                    let $q = bind_values!(sqlx::query::<Postgres>(&sql), values, DateTime<Utc>);
                    let $ex: &mut PgConnection = &mut *t;
                    let $wrap = Row::Postgres;
                    $call
                }
                Conn::MySqlTx(t) => {
                    let $q = bind_values!(sqlx::query::<MySql>(&sql), values, DateTime<Utc>);
                    let $ex: &mut MySqlConnection = &mut *t;
                    let $wrap = Row::MySql;
                    $call
                }
                Conn::MySql(t) => {
                    let $q = bind_values!(sqlx::query::<MySql>(&sql), values, DateTime<Utc>);
                    let $ex: &mut MySqlConnection = &mut *t;
                    let $wrap = Row::MySql;
                    $call
                }
            },
        }
    }};
}

impl<'q> Query<'q> {
    pub fn bind<T: Bind<'q>>(mut self, value: T) -> Self {
        self.values.push(value.value());
        self
    }

    /// The text `backend` runs and the values in the order it takes them.
    fn for_engine(
        self,
        backend: Backend,
    ) -> Result<(Cow<'static, str>, Vec<Value<'q>>), sqlx::Error> {
        let (sql, arg_order): (Cow<'static, str>, Option<Vec<usize>>) = match self.sql {
            // SQLite and PostgreSQL both read `$N` as the N-th value; MySQL's `?` take them in
            // the order the statement lists.
            Statement::Engines(s) => (
                Cow::Borrowed(s.text(backend)),
                (backend == Backend::MySql)
                    .then(|| s.mysql_args.iter().map(|n| n.saturating_sub(1)).collect()),
            ),
            Statement::Built(b) => {
                if b.backend != backend {
                    return Err(sqlx::Error::Protocol(format!(
                        "a statement built for {} cannot run on {}",
                        b.backend.as_str(),
                        backend.as_str()
                    )));
                }
                // Values in order, each once (the common case: rows of a multi-row insert) need
                // no reordering.
                let in_order = b.positional.iter().enumerate().all(|(i, n)| *n == i + 1);
                let order = (backend != Backend::Postgres && !in_order)
                    .then(|| b.positional.iter().map(|n| n.saturating_sub(1)).collect());
                (Cow::Owned(b.text), order)
            }
        };
        if sql.is_empty() {
            return Err(sqlx::Error::Protocol(format!(
                "a statement has no text for {}",
                backend.as_str()
            )));
        }
        let values = match arg_order {
            None => self.values,
            Some(order) => {
                // MySQL: the values in the order its `?`s consume them.
                let mut out = Vec::with_capacity(order.len());
                for i in order {
                    let v = self.values.get(i).cloned().ok_or_else(|| {
                        sqlx::Error::Protocol(format!("placeholder #{} has no bound value", i + 1))
                    })?;
                    out.push(v);
                }
                out
            }
        };
        Ok((sql, values))
    }

    pub async fn execute<'c>(self, target: impl Into<Target<'c>>) -> Result<Done, sqlx::Error> {
        run!(self, target, |q, ex, _wrap| {
            let done = q.execute(ex).await?;
            Ok(Done {
                rows_affected: done.rows_affected(),
            })
        })
    }

    pub async fn fetch_all<'c>(
        self,
        target: impl Into<Target<'c>>,
    ) -> Result<Vec<Row>, sqlx::Error> {
        run!(self, target, |q, ex, wrap| Ok(q
            .fetch_all(ex)
            .await?
            .into_iter()
            .map(wrap)
            .collect()))
    }

    pub async fn fetch_one<'c>(self, target: impl Into<Target<'c>>) -> Result<Row, sqlx::Error> {
        run!(self, target, |q, ex, wrap| Ok(wrap(q.fetch_one(ex).await?)))
    }

    pub async fn fetch_optional<'c>(
        self,
        target: impl Into<Target<'c>>,
    ) -> Result<Option<Row>, sqlx::Error> {
        run!(self, target, |q, ex, wrap| Ok(q
            .fetch_optional(ex)
            .await?
            .map(wrap)))
    }
}

/// A statement whose rows decode into `O`.
pub(crate) struct QueryAs<'q, O> {
    inner: Query<'q>,
    _out: PhantomData<O>,
}

impl<'q, O: FromRow> QueryAs<'q, O> {
    pub fn bind<T: Bind<'q>>(mut self, value: T) -> Self {
        self.inner = self.inner.bind(value);
        self
    }

    pub async fn fetch_all<'c>(self, target: impl Into<Target<'c>>) -> Result<Vec<O>, sqlx::Error> {
        let rows = self.inner.fetch_all(target).await?;
        rows.iter().map(O::from_row).collect()
    }

    pub async fn fetch_one<'c>(self, target: impl Into<Target<'c>>) -> Result<O, sqlx::Error> {
        O::from_row(&self.inner.fetch_one(target).await?)
    }

    pub async fn fetch_optional<'c>(
        self,
        target: impl Into<Target<'c>>,
    ) -> Result<Option<O>, sqlx::Error> {
        match self.inner.fetch_optional(target).await? {
            Some(r) => Ok(Some(O::from_row(&r)?)),
            None => Ok(None),
        }
    }
}

/// A statement whose rows are one value each.
pub(crate) struct QueryScalar<'q, O> {
    inner: Query<'q>,
    _out: PhantomData<O>,
}

impl<'q, O: Decodable> QueryScalar<'q, O> {
    pub fn bind<T: Bind<'q>>(mut self, value: T) -> Self {
        self.inner = self.inner.bind(value);
        self
    }

    pub async fn fetch_all<'c>(self, target: impl Into<Target<'c>>) -> Result<Vec<O>, sqlx::Error> {
        let rows = self.inner.fetch_all(target).await?;
        rows.iter().map(|r| r.try_get(0usize)).collect()
    }

    pub async fn fetch_one<'c>(self, target: impl Into<Target<'c>>) -> Result<O, sqlx::Error> {
        self.inner.fetch_one(target).await?.try_get(0usize)
    }

    pub async fn fetch_optional<'c>(
        self,
        target: impl Into<Target<'c>>,
    ) -> Result<Option<O>, sqlx::Error> {
        match self.inner.fetch_optional(target).await? {
            Some(r) => Ok(Some(r.try_get(0usize)?)),
            None => Ok(None),
        }
    }
}

/// A 0/1 flag column (booleans are stored as integers on every backend; an expression like
/// `x IS NOT NULL`, a boolean on PostgreSQL, reads as an integer too: see `postgres_int`). NULL
/// is not set.
pub(crate) fn flag(row: &Row, col: &str) -> bool {
    row.get::<Option<i64>, _>(col).is_some_and(|v| v != 0)
}

/// A count column that stored data may have pushed out of `i64`: SQLite turns an overflowing
/// integer sum into a REAL, and rows written before the store bounded its figures may hold one.
/// Read as `f64` whatever it is; an unreadable or NULL value is 0. Never panics.
pub(crate) fn lenient_count(row: &Row, col: &str) -> f64 {
    match row.try_get::<Option<i64>, _>(col) {
        Ok(v) => v.unwrap_or(0) as f64,
        Err(_) => row
            .try_get::<Option<f64>, _>(col)
            .ok()
            .flatten()
            .filter(|v| v.is_finite())
            .unwrap_or(0.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_per_engine_piece_takes_each_engines_word() {
        const S: Sql = sql!("UPDATE s SET peak = " {sqlite: "MAX", postgres: "GREATEST", mysql: "GREATEST"} "(peak, " #2 ") WHERE id = " #1);
        assert_eq!(S.sqlite, "UPDATE s SET peak = MAX(peak, $2) WHERE id = $1");
        assert_eq!(
            S.postgres,
            "UPDATE s SET peak = GREATEST(peak, $2) WHERE id = $1"
        );
        assert_eq!(
            S.mysql,
            "UPDATE s SET peak = GREATEST(peak, ?) WHERE id = ?"
        );
        assert_eq!(S.mysql_args, &[2, 1]);
        for backend in [Backend::Sqlite, Backend::Postgres, Backend::MySql] {
            let b = built!(backend; "SELECT " {sqlite: "a", postgres: "b", mysql: "c"} " FROM t WHERE x = " #1);
            let word = match backend {
                Backend::Sqlite => "a",
                Backend::Postgres => "b",
                Backend::MySql => "c",
            };
            assert!(b
                .text()
                .starts_with(&format!("SELECT {word} FROM t WHERE x = ")));
        }
    }

    #[test]
    fn sql_renders_each_engines_parameters() {
        const S: Sql =
            sql!("SELECT a FROM t WHERE x = " #2 " AND y = " #1 " AND z = " #2 " AND s = '?1'");
        assert_eq!(
            S.sqlite,
            "SELECT a FROM t WHERE x = $2 AND y = $1 AND z = $2 AND s = '?1'"
        );
        assert_eq!(S.postgres, S.sqlite);
        assert_eq!(
            S.mysql,
            "SELECT a FROM t WHERE x = ? AND y = ? AND z = ? AND s = '?1'"
        );
        assert_eq!(S.mysql_args, &[2, 1, 2]);
        const NONE: Sql = sql!("SELECT 1");
        assert_eq!(
            (NONE.text(Backend::MySql), NONE.mysql_args),
            ("SELECT 1", &[][..])
        );
    }

    #[test]
    fn sql_per_engine() {
        const S: Sql = sql! {
            sqlite: ("SET a = MAX(a, " #1 ")");
            postgres, mysql: ("SET a = GREATEST(a, " #1 ")");
        };
        assert_eq!(S.sqlite, "SET a = MAX(a, $1)");
        assert_eq!(S.postgres, "SET a = GREATEST(a, $1)");
        assert_eq!(S.mysql, "SET a = GREATEST(a, ?)");
        assert_eq!(S.mysql_args, &[1]);
    }

    #[test]
    fn built_statements_per_engine() {
        let column = "followers";
        for (backend, text) in [
            (
                Backend::Sqlite,
                "SELECT followers FROM t WHERE id IN (?, ?) AND at < ? OR k = ?",
            ),
            (
                Backend::Postgres,
                "SELECT followers FROM t WHERE id IN ($2, $3) AND at < $1 OR k = $4",
            ),
            (
                Backend::MySql,
                "SELECT followers FROM t WHERE id IN (?, ?) AND at < ? OR k = ?",
            ),
        ] {
            let mut b = built!(backend; "SELECT " {column} " FROM t WHERE id IN (");
            b.params(2, 2).push(") AND at < ").param(1);
            built_push!(b; " OR k = " #(2 + 2));
            assert_eq!(b.text(), text);
            assert_eq!(
                b.positional,
                if backend == Backend::Postgres {
                    vec![]
                } else {
                    vec![2, 3, 1, 4]
                }
            );
        }
        let mut rows = Built::new(Backend::Postgres);
        rows.rows(1, 2, 3);
        assert_eq!(rows.text(), "($1, $2, $3), ($4, $5, $6)");
    }

    /// A built statement binds its values in the order its `?` take them, repeated where a value
    /// is used twice; one written for another engine does not run.
    #[test]
    fn built_values_follow_the_positional_order() {
        let mut b = Built::new(Backend::Sqlite);
        b.param(2).push(" ").param(1).push(" ").param(2);
        let (sql, values) = query(b.clone())
            .bind(10i64)
            .bind("x")
            .for_engine(Backend::Sqlite)
            .unwrap();
        assert_eq!(sql, "? ? ?");
        let shown: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
        assert_eq!(shown, [r#"Text("x")"#, "Int(10)", r#"Text("x")"#]);
        assert!(query(b).for_engine(Backend::Postgres).is_err());
    }

    #[test]
    fn backends_by_scheme() {
        assert_eq!(Backend::from_url("sqlite://x.db"), Some(Backend::Sqlite));
        assert_eq!(Backend::from_url("sqlite::memory:"), Some(Backend::Sqlite));
        assert_eq!(
            Backend::from_url("postgres://u@h/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(
            Backend::from_url("postgresql://u@h/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(Backend::from_url("mysql://root@h/db"), Some(Backend::MySql));
        assert_eq!(Backend::from_url("redis://h"), None);
    }
}
