//! The API, end to end over a real SQLite store seeded through the store's write API.

mod admin;
mod alerts;
mod channels;
mod common;
mod cors;
mod creators;
mod curation;
mod errors;
mod http_cache;
mod live;
mod operator;
mod ops;
mod security;
mod serve;
mod spreadsheets;
mod thumbs;
mod trends;
mod trends_oracle;
mod videos;
