//! The live market from the census: per platform and category, what each live round saw of the
//! whole directory (`market_rounds`), rolled up per hour as the rounds arrive (`market_hours`),
//! and per day (the store's analytics time zone) from the hours when read.
//!
//! A round writes at most one row per category of the shared vocabulary plus the platform's
//! total, whatever the number of broadcasts: the market's history costs a few dozen rows a round,
//! not a row per broadcast. The hour rows are upserted in the same transaction, so a reader never
//! needs a rollup job, and a 30-day history of one category is 720 rows an index away.

use chrono::{DateTime, Duration, DurationRound, Utc};
use streamtide_analytics::{day_bounds, day_of, Tz};
use streamtide_core::Platform;

use crate::db::{self, sql};
use crate::rows::{opt_time, platform as row_platform, time, u64_of};
use crate::{Result, Store};

/// The category of a platform's total in the market tables.
pub const MARKET_TOTAL: &str = "*";

/// What one live round saw of one category of one platform's whole directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarketCell {
    /// A tag of the shared vocabulary, `other` (a category it does not know) or `none`.
    pub category: String,
    /// Concurrent viewers of the category's broadcasts.
    pub viewers: u64,
    /// Live broadcasts in the category.
    pub channels: u64,
}

/// How finely a market series is cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarketResolution {
    /// Each live round as it was read (kept `collector.market_round_days`).
    Round,
    Hour,
    /// A day of the store's analytics time zone.
    Day,
}

/// The market of one platform and category over one round, hour or day.
#[derive(Debug, Clone, PartialEq)]
pub struct MarketPoint {
    pub platform: Platform,
    pub category: String,
    /// The round's time, or the start of the hour or day.
    pub at: DateTime<Utc>,
    /// Live rounds the point is made of.
    pub rounds: u64,
    /// Concurrent viewers, averaged over the rounds.
    pub avg_viewers: f64,
    pub peak_viewers: u64,
    /// Live broadcasts, averaged over the rounds.
    pub avg_channels: f64,
    pub peak_channels: u64,
    /// Viewers × the time each round stands for (its live interval).
    pub hours_watched: f64,
}

/// A category's totals over a period, per platform (from the hour rows).
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryTotals {
    pub platform: Platform,
    pub category: String,
    pub rounds: u64,
    pub viewer_sum: u64,
    pub channel_sum: u64,
    pub peak_viewers: u64,
    pub peak_channels: u64,
    pub hours_watched: f64,
}

impl Store {
    /// Keep what a live round read of a platform's whole directory at `at`: one row per
    /// category and the platform's total, and each added into its hour. `stands_for` is the
    /// live interval (a round's viewers count for that long in hours watched). A round already
    /// kept (the same platform and time) changes nothing. Returns whether it was new.
    pub async fn record_market(
        &self,
        platform: Platform,
        at: DateTime<Utc>,
        stands_for: Duration,
        cells: &[MarketCell],
    ) -> Result<bool> {
        let at = crate::time::truncate_to_second(at);
        let hour = at.duration_trunc(Duration::hours(1)).unwrap_or(at);
        let seconds = stands_for.num_seconds().max(0);
        let total = MarketCell {
            category: MARKET_TOTAL.to_string(),
            viewers: cells.iter().map(|c| c.viewers).sum(),
            channels: cells.iter().map(|c| c.channels).sum(),
        };
        let mut tx = self.write_tx().await?;
        let mut new = false;
        for cell in std::iter::once(&total).chain(cells) {
            let viewers = cell.viewers.min(i64::MAX as u64) as i64;
            let channels = cell.channels.min(i64::MAX as u64) as i64;
            let watched = viewers.saturating_mul(seconds);
            let inserted = db::query(sql! {
                sqlite, postgres: ("INSERT INTO market_rounds (platform, category, observed_at, viewers, channels, watched_seconds)
                 VALUES (" #1 ", " #2 ", " #3 ", " #4 ", " #5 ", " #6 ") ON CONFLICT DO NOTHING");
                mysql: ("INSERT IGNORE INTO market_rounds (platform, category, observed_at, viewers, channels, watched_seconds)
                 VALUES (" #1 ", " #2 ", " #3 ", " #4 ", " #5 ", " #6 ")");
            })
            .bind(platform.as_str())
            .bind(cell.category.as_str())
            .bind(at)
            .bind(viewers)
            .bind(channels)
            .bind(watched)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if inserted == 0 {
                // Kept before (a retried write): its hour has it already.
                continue;
            }
            new = true;
            db::query(sql! {
                sqlite: ("INSERT INTO market_hours (platform, category, hour_at, rounds, viewer_sum, channel_sum, peak_viewers, peak_channels, watched_seconds)
                 VALUES (" #1 ", " #2 ", " #3 ", 1, " #4 ", " #5 ", " #4 ", " #5 ", " #6 ")
                 ON CONFLICT (platform, category, hour_at) DO UPDATE SET
                   rounds = market_hours.rounds + 1,
                   viewer_sum = market_hours.viewer_sum + excluded.viewer_sum,
                   channel_sum = market_hours.channel_sum + excluded.channel_sum,
                   peak_viewers = MAX(market_hours.peak_viewers, excluded.peak_viewers),
                   peak_channels = MAX(market_hours.peak_channels, excluded.peak_channels),
                   watched_seconds = market_hours.watched_seconds + excluded.watched_seconds");
                postgres: ("INSERT INTO market_hours (platform, category, hour_at, rounds, viewer_sum, channel_sum, peak_viewers, peak_channels, watched_seconds)
                 VALUES (" #1 ", " #2 ", " #3 ", 1, " #4 ", " #5 ", " #4 ", " #5 ", " #6 ")
                 ON CONFLICT (platform, category, hour_at) DO UPDATE SET
                   rounds = market_hours.rounds + 1,
                   viewer_sum = market_hours.viewer_sum + excluded.viewer_sum,
                   channel_sum = market_hours.channel_sum + excluded.channel_sum,
                   peak_viewers = GREATEST(market_hours.peak_viewers, excluded.peak_viewers),
                   peak_channels = GREATEST(market_hours.peak_channels, excluded.peak_channels),
                   watched_seconds = market_hours.watched_seconds + excluded.watched_seconds");
                mysql: ("INSERT INTO market_hours (platform, category, hour_at, rounds, viewer_sum, channel_sum, peak_viewers, peak_channels, watched_seconds)
                 VALUES (" #1 ", " #2 ", " #3 ", 1, " #4 ", " #5 ", " #4 ", " #5 ", " #6 ")
                 ON DUPLICATE KEY UPDATE
                   rounds = market_hours.rounds + 1,
                   viewer_sum = market_hours.viewer_sum + VALUES(viewer_sum),
                   channel_sum = market_hours.channel_sum + VALUES(channel_sum),
                   peak_viewers = GREATEST(market_hours.peak_viewers, VALUES(peak_viewers)),
                   peak_channels = GREATEST(market_hours.peak_channels, VALUES(peak_channels)),
                   watched_seconds = market_hours.watched_seconds + VALUES(watched_seconds)");
            })
            .bind(platform.as_str())
            .bind(cell.category.as_str())
            .bind(hour)
            .bind(viewers)
            .bind(channels)
            .bind(watched)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(new)
    }

    /// One category's market (`MARKET_TOTAL` for the platforms' totals) from `from` to `to`,
    /// per platform (all of them when `platform` is None), oldest first.
    pub async fn market_series(
        &self,
        platform: Option<Platform>,
        category: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        resolution: MarketResolution,
    ) -> Result<Vec<MarketPoint>> {
        match resolution {
            MarketResolution::Round => self.market_rounds(platform, category, from, to).await,
            MarketResolution::Hour => self.market_hours(platform, category, from, to).await,
            MarketResolution::Day => {
                let tz = self.analytics_timezone().await?;
                // The hours of the whole first and last days, so a day is never half counted.
                let from_day = day_start(from, tz);
                let to_end = if day_start(to, tz) == to {
                    to
                } else {
                    day_bounds(day_of(to, tz), tz).1
                };
                let hours = self
                    .market_hours(platform, category, from_day, to_end)
                    .await?;
                Ok(fold_days(&hours, tz))
            }
        }
    }

    async fn market_rounds(
        &self,
        platform: Option<Platform>,
        category: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<MarketPoint>> {
        let rows = db::query(sql!(
            "SELECT platform, category, observed_at, viewers, channels, watched_seconds
             FROM market_rounds
             WHERE category = " #1 " AND observed_at >= " #2 " AND observed_at < " #3 "
               AND (" #4 " IS NULL OR platform = " #4 ")
             ORDER BY observed_at, platform"
        ))
        .bind(category)
        .bind(from)
        .bind(to)
        .bind(platform.map(|p| p.as_str()))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let viewers = u64_of(r, "viewers");
                let channels = u64_of(r, "channels");
                Ok(MarketPoint {
                    platform: row_platform(r, "platform")?,
                    category: r.get("category"),
                    at: time(r, "observed_at"),
                    rounds: 1,
                    avg_viewers: viewers as f64,
                    peak_viewers: viewers,
                    avg_channels: channels as f64,
                    peak_channels: channels,
                    hours_watched: u64_of(r, "watched_seconds") as f64 / 3600.0,
                })
            })
            .collect()
    }

    async fn market_hours(
        &self,
        platform: Option<Platform>,
        category: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<MarketPoint>> {
        let rows = db::query(sql!(
            "SELECT platform, category, hour_at, rounds, viewer_sum, channel_sum, peak_viewers,
                    peak_channels, watched_seconds
             FROM market_hours
             WHERE category = " #1 " AND hour_at >= " #2 " AND hour_at < " #3 "
               AND (" #4 " IS NULL OR platform = " #4 ")
             ORDER BY hour_at, platform"
        ))
        .bind(category)
        .bind(from)
        .bind(to)
        .bind(platform.map(|p| p.as_str()))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let rounds = u64_of(r, "rounds").max(1);
                Ok(MarketPoint {
                    platform: row_platform(r, "platform")?,
                    category: r.get("category"),
                    at: time(r, "hour_at"),
                    rounds,
                    avg_viewers: u64_of(r, "viewer_sum") as f64 / rounds as f64,
                    peak_viewers: u64_of(r, "peak_viewers"),
                    avg_channels: u64_of(r, "channel_sum") as f64 / rounds as f64,
                    peak_channels: u64_of(r, "peak_channels"),
                    hours_watched: u64_of(r, "watched_seconds") as f64 / 3600.0,
                })
            })
            .collect()
    }

    /// Every category's totals per platform over `[from, to)` (whole hours), the platforms'
    /// totals left out: what a category ranking is made of.
    pub async fn market_categories(
        &self,
        platform: Option<Platform>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<CategoryTotals>> {
        let rows = db::query(sql! {
            sqlite, postgres: ("SELECT platform, category, CAST(SUM(rounds) AS BIGINT) AS rounds,
                    CAST(SUM(viewer_sum) AS BIGINT) AS viewer_sum, CAST(SUM(channel_sum) AS BIGINT) AS channel_sum,
                    MAX(peak_viewers) AS peak_viewers, MAX(peak_channels) AS peak_channels,
                    CAST(SUM(watched_seconds) AS BIGINT) AS watched_seconds
             FROM market_hours
             WHERE hour_at >= " #1 " AND hour_at < " #2 " AND category <> " #4 "
               AND (" #3 " IS NULL OR platform = " #3 ")
             GROUP BY platform, category ORDER BY platform, category");
            mysql: ("SELECT platform, category, CAST(SUM(rounds) AS SIGNED) AS rounds,
                    CAST(SUM(viewer_sum) AS SIGNED) AS viewer_sum, CAST(SUM(channel_sum) AS SIGNED) AS channel_sum,
                    MAX(peak_viewers) AS peak_viewers, MAX(peak_channels) AS peak_channels,
                    CAST(SUM(watched_seconds) AS SIGNED) AS watched_seconds
             FROM market_hours
             WHERE hour_at >= " #1 " AND hour_at < " #2 " AND category <> " #4 "
               AND (" #3 " IS NULL OR platform = " #3 ")
             GROUP BY platform, category ORDER BY platform, category");
        })
        .bind(from)
        .bind(to)
        .bind(platform.map(|p| p.as_str()))
        .bind(MARKET_TOTAL)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CategoryTotals {
                    platform: row_platform(r, "platform")?,
                    category: r.get("category"),
                    rounds: u64_of(r, "rounds"),
                    viewer_sum: u64_of(r, "viewer_sum"),
                    channel_sum: u64_of(r, "channel_sum"),
                    peak_viewers: u64_of(r, "peak_viewers"),
                    peak_channels: u64_of(r, "peak_channels"),
                    hours_watched: u64_of(r, "watched_seconds") as f64 / 3600.0,
                })
            })
            .collect()
    }

    /// The end of the latest hour the market has (where its reads end by default), if any.
    pub async fn market_latest(&self) -> Result<Option<DateTime<Utc>>> {
        let row = db::query(sql!(
            "SELECT MAX(hour_at) AS latest FROM market_hours WHERE category = " #1
        ))
        .bind(MARKET_TOTAL)
        .fetch_one(&self.pool)
        .await?;
        Ok(opt_time(&row, "latest").map(|h| h + Duration::hours(1)))
    }

    /// Drop round rows older than `before` (their hours stay). Returns the rows deleted.
    pub async fn thin_market_rounds(&self, before: DateTime<Utc>) -> Result<u64> {
        Ok(
            db::query(sql!("DELETE FROM market_rounds WHERE observed_at < " #1))
                .bind(before)
                .execute(&self.pool)
                .await?
                .rows_affected(),
        )
    }
}

/// The start of `at`'s day in `tz`.
fn day_start(at: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
    day_bounds(day_of(at, tz), tz).0
}

/// Hour points folded into days of `tz`, per platform and category: rounds, sums and hours
/// watched add up, peaks are the highest hour's, averages are over all the day's rounds.
fn fold_days(hours: &[MarketPoint], tz: Tz) -> Vec<MarketPoint> {
    let mut days: Vec<MarketPoint> = Vec::new();
    let mut index = std::collections::HashMap::new();
    for h in hours {
        let at = day_start(h.at, tz);
        let key = (h.platform, h.category.clone(), at);
        let i = *index.entry(key).or_insert_with(|| {
            days.push(MarketPoint {
                platform: h.platform,
                category: h.category.clone(),
                at,
                rounds: 0,
                avg_viewers: 0.0,
                peak_viewers: 0,
                avg_channels: 0.0,
                peak_channels: 0,
                hours_watched: 0.0,
            });
            days.len() - 1
        });
        let d = &mut days[i];
        // Averages are carried as sums until the end.
        d.avg_viewers += h.avg_viewers * h.rounds as f64;
        d.avg_channels += h.avg_channels * h.rounds as f64;
        d.rounds += h.rounds;
        d.peak_viewers = d.peak_viewers.max(h.peak_viewers);
        d.peak_channels = d.peak_channels.max(h.peak_channels);
        d.hours_watched += h.hours_watched;
    }
    for d in &mut days {
        let n = d.rounds.max(1) as f64;
        d.avg_viewers /= n;
        d.avg_channels /= n;
    }
    days.sort_by_key(|d| (d.at, d.platform));
    days
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn hour(h: u32, rounds: u64, avg: f64, peak: u64) -> MarketPoint {
        MarketPoint {
            platform: Platform::Chzzk,
            category: "music".into(),
            at: Utc.with_ymd_and_hms(2026, 3, 4, h, 0, 0).unwrap(),
            rounds,
            avg_viewers: avg,
            peak_viewers: peak,
            avg_channels: 1.0,
            peak_channels: 1,
            hours_watched: avg,
        }
    }

    #[test]
    fn hours_fold_into_the_days_of_the_time_zone() {
        // 14:00 UTC is 23:00 KST on the 4th, 15:00 UTC is 00:00 KST on the 5th.
        let tz: Tz = "Asia/Seoul".parse().unwrap();
        let days = fold_days(
            &[
                hour(13, 30, 100.0, 150),
                hour(14, 10, 300.0, 400),
                hour(15, 30, 50.0, 60),
            ],
            tz,
        );
        assert_eq!(days.len(), 2);
        assert_eq!(
            days[0].at,
            Utc.with_ymd_and_hms(2026, 3, 3, 15, 0, 0).unwrap()
        );
        assert_eq!(days[0].rounds, 40);
        assert!((days[0].avg_viewers - (30.0 * 100.0 + 10.0 * 300.0) / 40.0).abs() < 1e-9);
        assert_eq!(days[0].peak_viewers, 400);
        assert!((days[0].hours_watched - 400.0).abs() < 1e-9);
        assert_eq!(
            days[1].at,
            Utc.with_ymd_and_hms(2026, 3, 4, 15, 0, 0).unwrap()
        );
        assert_eq!(days[1].peak_viewers, 60);
    }
}
