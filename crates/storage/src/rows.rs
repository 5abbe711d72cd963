//! Reading a row's columns into the store's types (shared by the read files).

use chrono::{DateTime, Utc};
use streamtide_core::Platform;

use crate::db;
use crate::Result;

pub(crate) fn time(row: &db::Row, col: &str) -> DateTime<Utc> {
    row.get(col)
}

pub(crate) fn opt_time(row: &db::Row, col: &str) -> Option<DateTime<Utc>> {
    row.get(col)
}

/// A count or figure stored as a signed integer; a negative one (never written) reads as 0.
pub(crate) fn u64_of(row: &db::Row, col: &str) -> u64 {
    row.get::<i64, _>(col).max(0) as u64
}

pub(crate) fn opt_u64(row: &db::Row, col: &str) -> Option<u64> {
    row.get::<Option<i64>, _>(col).map(|v| v.max(0) as u64)
}

pub(crate) fn platform(row: &db::Row, col: &str) -> Result<Platform> {
    // Rows are only ever written with `Platform::as_str`; a value that does not parse (a
    // hand-edited row, a newer build's platform) is an error, never another platform.
    crate::stored_platform(&row.get::<String, _>(col))
}
