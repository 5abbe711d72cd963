//! The benchmark harness behind BENCHMARKS.md, kept out of the product crates: the
//! `streamtide-bench` binary measures collection rounds, store writes and the API on this
//! machine. Each part runs in its own child process (the binary again, hidden `worker`
//! subcommand) so CPU time and peak memory belong to that part alone:
//! - **collection** (`collection`): one live round and one channels round of every platform,
//!   platforms in parallel, for N tracked channels against the in-process simulator with
//!   80–150 ms latency per request and each platform's real rate limit. Large N would take hours
//!   at the real limits (SOOP allows 2 requests a second), so a run may compress time by a
//!   factor K: every rate and Twitch's bucket K times faster, every latency K times shorter. The
//!   round is then the same round played K times faster, and its ratio to the bound carries over
//!   (CPU work does not shrink, so a compressed run is if anything pessimistic).
//!   The lower bound is what the rate limits allow: per platform, (requests − burst) ÷ rate plus
//!   the minimum latency of each job's last request; platforms run in parallel, so the slowest
//!   one is the bound.
//! - **writes** (`writes`, `workload`): channel snapshots per second through
//!   `Store::write_batch`, by batch size.
//! - **census** (`census`): a virtual day of live rounds reading CHZZK's, SOOP's and Twitch's
//!   whole directories at the Korean market's size on SQLite (the database's growth a day), then
//!   30 days of market history and the market page's reads timed.
//! - **api** (`api`, `tab`): `/api/v1/live` with 1,000 live items and `/api/v1/trends` served by
//!   this process, loaded from a separate process over keep-alive connections (requests/s, p50,
//!   p99), and what one new tab of the board costs.
//!
//! `--quick` runs small sizes in well under a minute and fails on an implausible figure; CI runs
//! it on the debug build (`.ci/run`).

pub mod api;
pub mod census;
pub mod collection;
pub mod machine;
pub mod run;
pub mod tab;
pub mod workload;
pub mod writes;
