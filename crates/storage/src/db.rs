//! The SQL layer under the store: one code path for SQLite, PostgreSQL and MariaDB/MySQL.
//!
//! The store's statements are written once, in SQLite's dialect with two neutral spellings
//! (`GREATEST`/`LEAST` for the scalar max/min, `IS DISTINCT FROM` for null-safe inequality), and
//! run through sqlx's `Any` driver. [`translate`] turns a statement into the backend's dialect just
//! before it runs:
//!
//! - placeholders: `?`/`?N` stay on SQLite; become `$N` on PostgreSQL; become plain `?` on MySQL,
//!   with the bound values reordered (and repeated) to match, since MySQL has no numbered ones;
//! - upserts on MySQL: `ON CONFLICT (…) DO UPDATE SET` becomes `ON DUPLICATE KEY UPDATE` with
//!   `excluded.c` as `VALUES(c)`, and `ON CONFLICT … DO NOTHING` becomes `INSERT IGNORE`;
//! - `GREATEST`/`LEAST` become SQLite's two-argument `MAX`/`MIN`.
//!
//! Anything these rules cannot express is written per backend where it is used (`match backend`).

use std::borrow::Cow;
use std::marker::PhantomData;
use std::ops::Deref;

use sqlx::any::{AnyArguments, AnyQueryResult, AnyRow, AnyTypeInfoKind};
use sqlx::{Any, AnyConnection, AnyPool, Arguments, Encode, FromRow, Row, Type};
use sqlx_core::any::AnyValueKind;

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

    /// The backend of an open connection.
    pub(crate) fn of(conn: &AnyConnection) -> Backend {
        match conn.backend_name() {
            "PostgreSQL" => Backend::Postgres,
            "MySQL" => Backend::MySql,
            _ => Backend::Sqlite,
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

/// The store's connection pool with the backend it runs on, known once when the store connects
/// (a statement on the pool needs it to be translated). Derefs to the `AnyPool`.
#[derive(Clone, Debug)]
pub(crate) struct Pool {
    pool: AnyPool,
    backend: Backend,
}

impl Pool {
    pub fn new(pool: AnyPool, backend: Backend) -> Pool {
        Pool { pool, backend }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }
}

impl Deref for Pool {
    type Target = AnyPool;

    fn deref(&self) -> &AnyPool {
        &self.pool
    }
}

/// Where a statement runs: the pool (any free connection) or one connection/transaction.
pub(crate) enum Target<'c> {
    Pool(&'c Pool),
    Conn(&'c mut AnyConnection),
}

impl<'c> From<&'c Pool> for Target<'c> {
    fn from(p: &'c Pool) -> Self {
        Target::Pool(p)
    }
}

impl<'c> From<&'c mut AnyConnection> for Target<'c> {
    fn from(c: &'c mut AnyConnection) -> Self {
        Target::Conn(c)
    }
}

impl Target<'_> {
    fn backend(&self) -> Backend {
        match self {
            Target::Pool(p) => p.backend(),
            Target::Conn(c) => Backend::of(c),
        }
    }
}

/// A statement and its bound values, translated when it runs.
pub(crate) struct Query<'q> {
    sql: Cow<'q, str>,
    args: AnyArguments<'q>,
    bind_error: Option<sqlx::error::BoxDynError>,
}

/// `sqlx::query`, for any backend.
pub(crate) fn query<'q>(sql: impl Into<Cow<'q, str>>) -> Query<'q> {
    Query {
        sql: sql.into(),
        args: AnyArguments::default(),
        bind_error: None,
    }
}

/// `sqlx::query_as`, for any backend.
pub(crate) fn query_as<'q, O>(sql: impl Into<Cow<'q, str>>) -> QueryAs<'q, O> {
    QueryAs {
        inner: query(sql),
        _out: PhantomData,
    }
}

/// `sqlx::query_scalar`, for any backend.
pub(crate) fn query_scalar<'q, O>(sql: impl Into<Cow<'q, str>>) -> QueryScalar<'q, O> {
    QueryScalar {
        inner: query(sql),
        _out: PhantomData,
    }
}

macro_rules! run {
    ($self:ident, $target:ident, $method:ident) => {{
        let mut target: Target<'_> = $target.into();
        let backend = target.backend();
        let (sql, args) = $self.translated(backend)?;
        let q = sqlx::query_with(&sql, args);
        match &mut target {
            Target::Pool(p) => q.$method(&p.pool).await,
            Target::Conn(c) => q.$method(&mut **c).await,
        }
    }};
}

impl<'q> Query<'q> {
    pub fn bind<T: 'q + Encode<'q, Any> + Type<Any>>(mut self, value: T) -> Self {
        if let Err(e) = self.args.add(value) {
            self.bind_error.get_or_insert(e);
        }
        self
    }

    fn translated(self, backend: Backend) -> Result<(Cow<'q, str>, AnyArguments<'q>), sqlx::Error> {
        if let Some(e) = self.bind_error {
            return Err(sqlx::Error::Encode(e));
        }
        // SQLite speaks the store's dialect but for two function names: most statements run as
        // written, without a copy (the write path sends thousands a second).
        let (sql, arg_order) = if backend == Backend::Sqlite
            && !self.sql.contains("GREATEST(")
            && !self.sql.contains("LEAST(")
        {
            (self.sql, None)
        } else {
            let t = translate(backend, &self.sql);
            (Cow::Owned(t.sql), t.arg_order)
        };
        let mut args = self.args;
        // sqlx 0.8's Any driver turns a NULL f64 into a NULL f32 (and the reverse) when it hands
        // the values to the backend. A prepared statement first run with a NULL there is then
        // typed float4, and the next run with a real f64 fails ("incorrect binary data format").
        // Swapping the tags here makes the NULL arrive as an f64.
        for v in args.values.0.iter_mut() {
            if let AnyValueKind::Null(AnyTypeInfoKind::Double) = v {
                *v = AnyValueKind::Null(AnyTypeInfoKind::Real);
            }
        }
        let args = match arg_order {
            None => args,
            Some(order) => {
                // MySQL: the values in the order the rewritten `?`s consume them.
                let values = &args.values.0;
                let mut out = AnyArguments::default();
                for i in order {
                    let v = values.get(i).cloned().ok_or_else(|| {
                        sqlx::Error::Protocol(format!("placeholder ?{} has no bound value", i + 1))
                    })?;
                    out.values.0.push(v);
                }
                out
            }
        };
        Ok((sql, args))
    }

    pub async fn execute<'c>(
        self,
        target: impl Into<Target<'c>>,
    ) -> Result<AnyQueryResult, sqlx::Error> {
        run!(self, target, execute)
    }

    pub async fn fetch_all<'c>(
        self,
        target: impl Into<Target<'c>>,
    ) -> Result<Vec<AnyRow>, sqlx::Error> {
        run!(self, target, fetch_all)
    }

    pub async fn fetch_one<'c>(self, target: impl Into<Target<'c>>) -> Result<AnyRow, sqlx::Error> {
        run!(self, target, fetch_one)
    }

    pub async fn fetch_optional<'c>(
        self,
        target: impl Into<Target<'c>>,
    ) -> Result<Option<AnyRow>, sqlx::Error> {
        run!(self, target, fetch_optional)
    }
}

/// A statement whose rows decode into `O`.
pub(crate) struct QueryAs<'q, O> {
    inner: Query<'q>,
    _out: PhantomData<O>,
}

impl<'q, O> QueryAs<'q, O>
where
    O: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
{
    pub fn bind<T: 'q + Encode<'q, Any> + Type<Any>>(mut self, value: T) -> Self {
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

impl<'q, O> QueryScalar<'q, O>
where
    O: for<'r> sqlx::Decode<'r, Any> + Type<Any> + Send + Unpin,
{
    pub fn bind<T: 'q + Encode<'q, Any> + Type<Any>>(mut self, value: T) -> Self {
        self.inner = self.inner.bind(value);
        self
    }

    pub async fn fetch_all<'c>(self, target: impl Into<Target<'c>>) -> Result<Vec<O>, sqlx::Error> {
        let rows = self.inner.fetch_all(target).await?;
        rows.iter().map(|r| r.try_get(0)).collect()
    }

    pub async fn fetch_one<'c>(self, target: impl Into<Target<'c>>) -> Result<O, sqlx::Error> {
        self.inner.fetch_one(target).await?.try_get(0)
    }

    pub async fn fetch_optional<'c>(
        self,
        target: impl Into<Target<'c>>,
    ) -> Result<Option<O>, sqlx::Error> {
        match self.inner.fetch_optional(target).await? {
            Some(r) => Ok(Some(r.try_get(0)?)),
            None => Ok(None),
        }
    }
}

/// A 0/1 flag column (booleans are stored as integers on every backend; an expression like
/// `x IS NOT NULL` comes back as a boolean on PostgreSQL and as an integer elsewhere).
pub(crate) fn flag(row: &AnyRow, col: &str) -> bool {
    match row.try_get::<i64, _>(col) {
        Ok(v) => v != 0,
        Err(_) => row.try_get::<bool, _>(col).unwrap_or(false),
    }
}

/// A count column that stored data may have pushed out of `i64`: SQLite turns an overflowing
/// integer sum into a REAL, and rows written before the store bounded its figures may hold one.
/// Read as `f64` whatever it is; an unreadable or NULL value is 0. Never panics.
pub(crate) fn lenient_count(row: &AnyRow, col: &str) -> f64 {
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

/// A statement in one backend's dialect.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Translated {
    pub sql: String,
    /// MySQL only: which bound value (0-based) each `?` takes, when the source numbered them.
    pub arg_order: Option<Vec<usize>>,
}

/// The statement `sql` (store dialect) in `backend`'s dialect. Pure; see the module docs.
pub(crate) fn translate(backend: Backend, sql: &str) -> Translated {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut order: Vec<usize> = Vec::new();
    let mut numbered = false;
    let mut next_plain = 0usize;
    let bytes = sql.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' => {
                // A string literal is copied as is, `?` and all.
                let close = sql[i + 1..].find('\'').map_or(sql.len(), |p| i + 1 + p + 1);
                out.push_str(&sql[i..close]);
                i = close;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                // A comment runs to the end of its line (and may hold an apostrophe).
                let end = sql[i..].find('\n').map_or(sql.len(), |p| i + p);
                out.push_str(&sql[i..end]);
                i = end;
            }
            b'?' => {
                let start = i + 1;
                let mut end = start;
                while end < bytes.len() && bytes[end].is_ascii_digit() {
                    end += 1;
                }
                let index = if end > start {
                    numbered = true;
                    sql[start..end]
                        .parse::<usize>()
                        .unwrap_or(1)
                        .saturating_sub(1)
                } else {
                    let k = next_plain;
                    next_plain += 1;
                    k
                };
                match backend {
                    Backend::Sqlite => out.push_str(&sql[i..end]),
                    Backend::Postgres => {
                        out.push('$');
                        out.push_str(&(index + 1).to_string());
                    }
                    Backend::MySql => {
                        out.push('?');
                        order.push(index);
                    }
                }
                i = end;
            }
            _ => {
                let next = sql[i + 1..]
                    .find(['\'', '?', '-'])
                    .map_or(sql.len(), |p| i + 1 + p);
                out.push_str(&sql[i..next]);
                i = next;
            }
        }
    }
    let out = match backend {
        Backend::Sqlite => {
            replace_words(&replace_words(&out, "GREATEST(", "MAX("), "LEAST(", "MIN(")
        }
        Backend::Postgres => out,
        Backend::MySql => mysql_distinct(&mysql_upserts(&out))
            .replace(" AS BIGINT)", " AS SIGNED)")
            .replace(" AS DOUBLE PRECISION)", " AS DOUBLE)"),
    };
    Translated {
        sql: out,
        arg_order: (backend == Backend::MySql && numbered).then_some(order),
    }
}

/// Replace `from` where it starts a word (not `XGREATEST(`).
fn replace_words(s: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find(from) {
        let before = rest[..pos].chars().last();
        out.push_str(&rest[..pos]);
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            out.push_str(from);
        } else {
            out.push_str(to);
        }
        rest = &rest[pos + from.len()..];
    }
    out.push_str(rest);
    out
}

/// MySQL's spelling of the store's upserts.
fn mysql_upserts(sql: &str) -> String {
    let Some(at) = sql.find("ON CONFLICT") else {
        return sql.to_string();
    };
    let after = &sql[at + "ON CONFLICT".len()..];
    let after = after.trim_start();
    // Skip the optional conflict target `(cols)`.
    let after = if after.starts_with('(') {
        match after.find(')') {
            Some(close) => after[close + 1..].trim_start(),
            None => after,
        }
    } else {
        after
    };
    let head = &sql[..at];
    if let Some(rest) = after.strip_prefix("DO NOTHING") {
        let head = head.replacen("INSERT INTO", "INSERT IGNORE INTO", 1);
        return format!("{}{rest}", head.trim_end());
    }
    if let Some(rest) = after.strip_prefix("DO UPDATE SET") {
        return format!("{head}ON DUPLICATE KEY UPDATE{}", excluded_to_values(rest));
    }
    sql.to_string()
}

/// `a IS DISTINCT FROM b` → `NOT (a <=> b)` for simple operands (names, placeholders).
fn mysql_distinct(sql: &str) -> String {
    const OP: &str = " IS DISTINCT FROM ";
    let operand = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '?');
    let mut out = sql.to_string();
    while let Some(pos) = out.find(OP) {
        let left_start = out[..pos].rfind(|c: char| !operand(c)).map_or(0, |i| i + 1);
        let right_start = pos + OP.len();
        let right_end = out[right_start..]
            .find(|c: char| !operand(c))
            .map_or(out.len(), |i| right_start + i);
        let rewritten = format!(
            "NOT ({} <=> {})",
            &out[left_start..pos],
            &out[right_start..right_end]
        );
        out.replace_range(left_start..right_end, &rewritten);
    }
    out
}

/// `excluded.col` → `VALUES(col)`.
fn excluded_to_values(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    let mut rest = s;
    while let Some(pos) = rest.find("excluded.") {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos + "excluded.".len()..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(tail.len());
        out.push_str("VALUES(");
        out.push_str(&tail[..end]);
        out.push(')');
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_per_backend() {
        let sql = "SELECT a FROM t WHERE x = ?2 AND y = ?1 AND z = ?2 AND s = '?1'";
        assert_eq!(translate(Backend::Sqlite, sql).sql, sql);
        assert_eq!(
            translate(Backend::Postgres, sql).sql,
            "SELECT a FROM t WHERE x = $2 AND y = $1 AND z = $2 AND s = '?1'"
        );
        let my = translate(Backend::MySql, sql);
        assert_eq!(
            my.sql,
            "SELECT a FROM t WHERE x = ? AND y = ? AND z = ? AND s = '?1'"
        );
        assert_eq!(my.arg_order, Some(vec![1, 0, 1]));
        let plain = "INSERT INTO t VALUES (?, ?), (?, ?)";
        assert_eq!(
            translate(Backend::Postgres, plain).sql,
            "INSERT INTO t VALUES ($1, $2), ($3, $4)"
        );
        assert_eq!(translate(Backend::MySql, plain).arg_order, None);
    }

    #[test]
    fn scalar_max_min_on_sqlite() {
        let sql = "SET a = GREATEST(t.a, excluded.a), b = LEAST(b, ?1), c = XGREATEST(1)";
        assert_eq!(
            translate(Backend::Sqlite, sql).sql,
            "SET a = MAX(t.a, excluded.a), b = MIN(b, ?1), c = XGREATEST(1)"
        );
        assert_eq!(
            translate(Backend::Postgres, sql).sql,
            "SET a = GREATEST(t.a, excluded.a), b = LEAST(b, $1), c = XGREATEST(1)"
        );
    }

    #[test]
    fn upserts_on_mysql() {
        let sql = "INSERT INTO k (a, b) VALUES (?1, ?2) ON CONFLICT (a) DO UPDATE SET b = GREATEST(k.b, excluded.b), c = excluded.c_2 RETURNING id";
        assert_eq!(
            translate(Backend::MySql, sql).sql,
            "INSERT INTO k (a, b) VALUES (?, ?) ON DUPLICATE KEY UPDATE b = GREATEST(k.b, VALUES(b)), c = VALUES(c_2) RETURNING id"
        );
        let sql = "INSERT INTO s (a) VALUES (?), (?)\n ON CONFLICT (a, b) DO NOTHING RETURNING a";
        assert_eq!(
            translate(Backend::MySql, sql).sql,
            "INSERT IGNORE INTO s (a) VALUES (?), (?) RETURNING a"
        );
    }

    #[test]
    fn null_safe_inequality_on_mysql() {
        let sql = "CASE WHEN ?4 IS NOT NULL AND ?4 IS DISTINCT FROM category_id THEN 1 END, x.a IS DISTINCT FROM y.b";
        assert_eq!(
            translate(Backend::MySql, sql).sql,
            "CASE WHEN ? IS NOT NULL AND NOT (? <=> category_id) THEN 1 END, NOT (x.a <=> y.b)"
        );
    }

    #[test]
    fn comments_may_hold_apostrophes() {
        let sql = "SET a = ?1, -- the old id's name\n b = ?2 - 1";
        assert_eq!(
            translate(Backend::Postgres, sql).sql,
            "SET a = $1, -- the old id's name\n b = $2 - 1"
        );
    }

    #[test]
    fn korean_text_passes_through() {
        let sql = "SELECT '방송 ?' , ? -- 한국어";
        assert_eq!(
            translate(Backend::Postgres, sql).sql,
            "SELECT '방송 ?' , $1 -- 한국어"
        );
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
