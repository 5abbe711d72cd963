//! Trend analytics for streamtide: pure functions over collected series, no IO, no async.
//!
//! The input is a series of observations `(time, Option<value>)` in any order, possibly with
//! duplicates, gaps and values a platform rounds (YouTube shows subscriber counts of 1,000 and
//! more to 3 significant figures). The rules every metric follows:
//!
//! - **Gaps are gaps.** A day without an observation has no closing value; it is never 0. A change
//!   whose boundary has no closing value at or shortly before it is `None`.
//! - **Duplicates and late points do not double count.** Points are sorted by time and one value is
//!   kept per instant before anything is computed.
//! - **Rounded values are honest.** A change between rounded values is estimated from the interval
//!   between real value changes (the instants the rounded figure moved) and flagged `rounded`, so a
//!   channel gaining slowly under a rounded count never shows a false 0.

mod anomaly;
mod change;
mod live;
mod projection;
mod series;

pub use anomaly::{robust_score, Anomaly, MIN_HISTORY_DAYS};
pub use change::{boundary_tolerance_days, Change, PERIODS};
pub use chrono_tz::Tz;
pub use live::{live_metrics, LiveMetrics, SessionSpan};
pub use projection::{next_milestone, project, theil_sen, Projection, MIN_PROJECTION_POINTS};
pub use series::{
    count_is_rounded, daily_closes, daily_deltas, day_bounds, day_of, normalize, round_3sf,
    sum_closes, youtube_rounded, DailyClose, DailyDelta, Sample, Series,
};

/// The time zone of day boundaries when none is configured.
pub const DEFAULT_TIMEZONE: &str = "Asia/Seoul";

/// Parse an IANA time zone name (`Asia/Seoul`, `UTC`, `America/New_York`).
pub fn parse_timezone(name: &str) -> Result<Tz, String> {
    name.trim()
        .parse::<Tz>()
        .map_err(|_| format!("unknown time zone `{name}` (expected an IANA name like Asia/Seoul)"))
}
