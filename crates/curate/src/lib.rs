//! Curating the merged live list so it is worth reading: which language a broadcast is in, one
//! category vocabulary across platforms, one card per broadcast even when a creator simulcasts,
//! and no stale cards when a platform stops answering.
//!
//! Everything here is pure (no I/O, no clock): the store and the server call it with what they
//! read, so each rule is unit-tested on its own.

pub mod board;
pub mod categories;
pub mod freshness;
pub mod language;
pub mod simulcast;
