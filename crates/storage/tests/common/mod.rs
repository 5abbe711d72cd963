//! The storage contract suite's harness: every contract test runs once per backend.
//!
//! SQLite always runs (a temporary file). PostgreSQL and MariaDB/MySQL run when
//! `STREAMTIDE_TEST_PG_URL` / `STREAMTIDE_TEST_MYSQL_URL` name a server (`.ci/run` sets both);
//! each test gets its own freshly created database on that server, named after the test, so
//! tests run in parallel without seeing each other's rows. With
//! `STREAMTIDE_TEST_REQUIRE_ALL_BACKENDS` set (`.ci/run`), a backend without a server fails the
//! test instead of skipping it.

#![allow(dead_code)]

use std::future::Future;

use streamtide_storage::{Backend, Store};

/// Environment variable naming the server for `backend` (None for SQLite).
pub fn env_var(backend: Backend) -> Option<&'static str> {
    match backend {
        Backend::Sqlite => None,
        Backend::Postgres => Some("STREAMTIDE_TEST_PG_URL"),
        Backend::MySql => Some("STREAMTIDE_TEST_MYSQL_URL"),
    }
}

/// A fresh, migrated, empty store on `backend`, or None when that backend is not configured.
/// The returned guard keeps a SQLite file alive.
pub async fn fresh(backend: Backend, name: &str) -> Option<(Option<tempfile::TempDir>, Store)> {
    match env_var(backend) {
        None => {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}", dir.path().join("t.db").display());
            Some((Some(dir), Store::open(&url).await.unwrap()))
        }
        Some(var) => {
            let server = std::env::var(var).ok().filter(|v| !v.is_empty())?;
            let url = streamtide_storage::fresh_database(&server, &format!("st_{name}"))
                .await
                .unwrap_or_else(|e| panic!("{var} is set but no database could be made: {e}"));
            let store = Store::open(&url).await.unwrap();
            Some((None, store))
        }
    }
}

/// Run `test` against a fresh store on `backend`, or say why it was skipped.
pub async fn run<F, Fut>(backend: Backend, name: &str, test: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()>,
{
    match fresh(backend, name).await {
        Some((_guard, store)) => {
            test(store.clone()).await;
            store.close().await;
        }
        None => {
            let var = env_var(backend).unwrap_or_default();
            // CI sets this: there a missing server is a failure, not a quiet skip.
            assert!(
                std::env::var("STREAMTIDE_TEST_REQUIRE_ALL_BACKENDS").is_err(),
                "{var} is not set, and STREAMTIDE_TEST_REQUIRE_ALL_BACKENDS asks for every backend"
            );
            eprintln!("skipped on {}: {var} is not set", backend.as_str());
        }
    }
}

/// One test per backend for the contract test `async fn $name(s: Store)`.
#[macro_export]
macro_rules! contract {
    ($name:ident) => {
        mod $name {
            use streamtide_storage::Backend;
            #[tokio::test]
            async fn sqlite() {
                $crate::common::run(
                    Backend::Sqlite,
                    concat!(module_path!(), "_sqlite"),
                    super::$name,
                )
                .await
            }
            #[tokio::test]
            async fn postgres() {
                $crate::common::run(
                    Backend::Postgres,
                    concat!(module_path!(), "_pg"),
                    super::$name,
                )
                .await
            }
            #[tokio::test]
            async fn mysql() {
                $crate::common::run(Backend::MySql, concat!(module_path!(), "_my"), super::$name)
                    .await
            }
        }
    };
}
