//! `channels add | list | remove`: the roster.

use anyhow::{bail, Context};
use streamtide_core::{Platform, RefKind};

use crate::output;
use crate::settings::Settings;
use crate::wiring::{self, recognise};

pub async fn add(
    settings: Settings,
    input: &str,
    platform: Option<Platform>,
) -> anyhow::Result<()> {
    let reference = recognise(input, platform)?;
    let store = wiring::open_store(&settings).await?;
    let adapters = wiring::adapters(&settings, &store).await?;
    let Some(adapter) = adapters.iter().find(|a| a.platform() == reference.platform) else {
        bail!(
            "platform {} is not enabled in this configuration",
            reference.platform
        );
    };
    let info = adapter
        .resolve(&reference)
        .await
        .with_context(|| format!("looking up `{input}` on {}", reference.platform))?
        .with_context(|| format!("{} has no channel `{input}`", reference.platform))?;
    let added = store.track_channel(&info, chrono::Utc::now()).await?;
    println!(
        "{} {} {} ({})",
        if added {
            "Tracking"
        } else {
            "Already tracking"
        },
        info.platform.display_name(),
        info.name,
        info.channel_id
    );
    store.close().await;
    Ok(())
}

pub async fn list(
    settings: Settings,
    platform: Option<Platform>,
    all: bool,
    json: bool,
) -> anyhow::Result<()> {
    let store = wiring::open_store_for_reading(&settings).await?;
    let (rows, total) = store.channels(platform, !all, 10_000, 0).await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else {
        println!("{}", output::channel_table(&rows));
        println!("{} of {total} channels", rows.len());
    }
    store.close().await;
    Ok(())
}

pub async fn remove(
    settings: Settings,
    input: &str,
    platform: Option<Platform>,
) -> anyhow::Result<()> {
    let reference = recognise(input, platform)?;
    let id = match reference.kind {
        RefKind::Id(id) => id,
        // Names are not stable; removal needs the id the roster keeps.
        RefKind::Handle(h) => streamtide_core::ChannelId::new(h),
    };
    let store = wiring::open_existing_store(&settings).await?;
    if store.untrack_channel(reference.platform, &id).await? {
        println!(
            "Stopped tracking {} {id} (its history is kept).",
            reference.platform.display_name()
        );
    } else {
        bail!(
            "{} {id} is not on the roster",
            reference.platform.display_name()
        );
    }
    store.close().await;
    Ok(())
}
