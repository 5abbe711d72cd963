//! End-to-end tests: real HTTP (reqwest) against a started [`Simulator`].
//!
//! One test binary with several modules, so the suite links once.

mod common;
mod determinism;
mod faults;
mod images;
mod paging;
mod platforms_global;
mod shape;
mod soop_open_api;
mod start_live;
