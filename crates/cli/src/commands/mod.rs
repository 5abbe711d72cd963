//! One module per command; `crate::wiring` builds the shared parts from the settings.

pub mod alerts;
pub mod channels;
pub mod collect;
pub mod creators;
pub mod demo;
pub mod demo_history;
pub mod demo_market;
pub mod export;
pub mod extension;
pub mod import;
pub mod ingest;
pub mod live;
pub mod report;
pub mod rollup;
pub mod run;
pub mod trends;
