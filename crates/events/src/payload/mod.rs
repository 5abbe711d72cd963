//! The event payloads, one module per schema version.
//!
//! The stream's payloads are types of their own, not the observation types of
//! `streamtide-core` serialised as they happen to be: a field added to a core type must not change
//! what is on the wire, and events already in a topic must stay readable after it does. Version 1
//! ([`v1`]) spells exactly what the first builds wrote (they serialised the core types), so the
//! events they left in a topic read unchanged. A change to the JSON is a new module (`v2`), a new
//! [`crate::VERSION`], and a reader that still maps `v1` (see `crate::mapping`).

pub mod v1;
