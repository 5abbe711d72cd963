//! One module per command; `wire` builds the shared parts from the settings.

pub mod channels;
pub mod collect;
pub mod demo;
pub mod live;
pub mod run;
pub mod wire;
