//! Empty databases on a PostgreSQL or MySQL server, for tests and benchmarks that need a store of
//! their own next to others on one server.

use sqlx::{Connection, Executor};

use crate::{redact_url, Backend, Result, StoreError};

/// `url` with its database path replaced by `db`.
pub fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{db}", &base[..host_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// Drop (if it exists) and create database `name` on the server of `server_url`; returns the URL
/// of the new, empty database. `name` is reduced to `[a-z0-9_]` (at most 60 characters).
///
/// `STREAMTIDE_TEST_DB_PREFIX`, when set, is put before `name`: two test runs sharing one server
/// (a CI run and a developer's) then never drop each other's databases.
pub async fn fresh_database(server_url: &str, name: &str) -> Result<String> {
    let prefix = std::env::var("STREAMTIDE_TEST_DB_PREFIX").unwrap_or_default();
    let name = format!("{prefix}{name}");
    let backend = Backend::from_url(server_url)
        .filter(|b| *b != Backend::Sqlite)
        .ok_or_else(|| StoreError::UnsupportedUrl(redact_url(server_url)))?;
    let name: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .take(60)
        .collect();
    let (drop, create) = match backend {
        Backend::Postgres => (
            format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
            format!("CREATE DATABASE \"{name}\""),
        ),
        _ => (
            format!("DROP DATABASE IF EXISTS `{name}`"),
            format!("CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"),
        ),
    };
    match backend {
        Backend::Postgres => {
            let mut admin = sqlx::PgConnection::connect(server_url).await?;
            admin.execute(drop.as_str()).await?;
            admin.execute(create.as_str()).await?;
            admin.close().await?;
        }
        _ => {
            let mut admin = sqlx::MySqlConnection::connect(server_url).await?;
            admin.execute(drop.as_str()).await?;
            admin.execute(create.as_str()).await?;
            admin.close().await?;
        }
    }
    Ok(with_database(server_url, &name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_is_replaced() {
        assert_eq!(
            with_database("postgres://u:p@127.0.0.1:5432/test?sslmode=disable", "x"),
            "postgres://u:p@127.0.0.1:5432/x?sslmode=disable"
        );
        assert_eq!(
            with_database("mysql://root@127.0.0.1:3306", "y"),
            "mysql://root@127.0.0.1:3306/y"
        );
    }
}
