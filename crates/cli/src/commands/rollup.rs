//! `rollup`: the daily rollups' time zone, status, and a rebuild from the raw observations.

use streamtide_storage::Store;

use crate::settings::Settings;
use crate::wiring;

/// Record the configured time zone in the store; rollups are rebuilt when it changed.
pub async fn apply_timezone(settings: &Settings, store: &Store) -> anyhow::Result<()> {
    let tz = streamtide_analytics::parse_timezone(&settings.analytics.timezone)
        .map_err(|e| anyhow::anyhow!("analytics.timezone: {e}"))?;
    if store.set_analytics_timezone(tz).await? {
        tracing::info!(timezone = tz.name(), "Daily rollups use this time zone.");
    }
    Ok(())
}

/// Apply the configured time zone to the configured store (before the collector starts).
pub async fn prepare(settings: &Settings) -> anyhow::Result<()> {
    let store = wiring::open_store(settings).await?;
    apply_timezone(settings, &store).await?;
    store.close().await;
    Ok(())
}

/// Thin old raw rows per `analytics.keep_*_days`; `None` when retention is off.
pub async fn thin(
    settings: &Settings,
    store: &Store,
) -> anyhow::Result<Option<streamtide_storage::ThinStats>> {
    let a = &settings.analytics;
    let now = chrono::Utc::now();
    let market_rounds_deleted = match a.keep_market_round_days {
        0 => 0,
        days => {
            store
                .thin_market_rounds(now - chrono::Duration::days(i64::from(days)))
                .await?
        }
    };
    if a.keep_raw_days == 0 {
        return Ok(None);
    }
    let keep_all = chrono::Duration::days(i64::from(a.keep_raw_days));
    let keep_hourly = chrono::Duration::days(i64::from(a.keep_hourly_days.max(a.keep_raw_days)));
    let mut stats = store.thin_raw(now, keep_all, keep_hourly).await?;
    stats.market_rounds_deleted = market_rounds_deleted;
    Ok(Some(stats))
}

/// The daemon's retention task: thin now, then once a day.
pub async fn retention_loop(settings: Settings) {
    loop {
        match wiring::open_store(&settings).await {
            Ok(store) => {
                match thin(&settings, &store).await {
                    Ok(Some(s))
                        if s.snapshots_deleted + s.samples_deleted + s.market_rounds_deleted
                            > 0 =>
                    {
                        tracing::info!(
                            snapshots = s.snapshots_deleted,
                            samples = s.samples_deleted,
                            market_rounds = s.market_rounds_deleted,
                            "Thinned old raw observations."
                        )
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "Thinning old raw observations failed."),
                }
                store.close().await;
            }
            Err(e) => tracing::warn!(error = %e, "Retention could not open the store."),
        }
        if settings.analytics.keep_raw_days == 0 && settings.analytics.keep_market_round_days == 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_secs(24 * 3600)).await;
    }
}

pub async fn run(settings: Settings, rebuild: bool, thin_now: bool) -> anyhow::Result<()> {
    let store = wiring::open_existing_store(&settings).await?;
    apply_timezone(&settings, &store).await?;
    if thin_now {
        match thin(&settings, &store).await? {
            Some(s) => println!(
                "Thinned {} snapshot(s) and {} live sample(s); live metrics before {} are kept as rolled up.",
                s.snapshots_deleted,
                s.samples_deleted,
                s.live_frozen_before
                    .map_or_else(|| "—".to_string(), |t| t.to_rfc3339())
            ),
            None => println!("Retention is off (analytics.keep_raw_days = 0)."),
        }
    }
    if rebuild {
        let started = std::time::Instant::now();
        let stats = store.rebuild_rollups().await?;
        println!(
            "Rebuilt {} channel-day rollups of {} channels in {:.1}s.",
            stats.days,
            stats.channels,
            started.elapsed().as_secs_f64()
        );
    }
    let tz = store.analytics_timezone().await?;
    match store.latest_rollup_day().await? {
        Some(day) => println!("Daily rollups in {}; latest day {day}.", tz.name()),
        None => println!(
            "No daily rollups yet (time zone {}); they appear as the collector writes.",
            tz.name()
        ),
    }
    store.close().await;
    Ok(())
}
