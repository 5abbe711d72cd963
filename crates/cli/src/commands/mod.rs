//! One module per command; `wire` builds the shared parts from the settings.

pub mod admin;
pub mod bench;
pub mod bench_tab;
pub mod channels;
pub mod collect;
pub mod creators;
pub mod database;
pub mod demo;
pub mod demo_history;
pub mod export;
pub mod extension;
pub mod import;
pub mod ingest;
pub mod live;
pub mod report;
pub mod rollup;
pub mod run;
pub mod trends;
pub mod wire;
