//! `creators list | link | unlink`: one person's channels across platforms.

use anyhow::{bail, Context};
use streamtide_core::{ChannelId, Platform, RefKind};

use crate::settings::Settings;
use crate::wiring::{self, recognise};

fn channel_id(input: &str, platform: Option<Platform>) -> anyhow::Result<(Platform, ChannelId)> {
    let r = recognise(input, platform)?;
    Ok(match r.kind {
        RefKind::Id(id) => (r.platform, id),
        RefKind::Handle(h) => (r.platform, ChannelId::new(h)),
    })
}

pub async fn list(settings: Settings, json: bool) -> anyhow::Result<()> {
    let store = wiring::open_store_for_reading(&settings).await?;
    let (creators, total) = store.creators(10_000, 0).await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&creators)?);
    } else {
        let mut t = comfy_table::Table::new();
        t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
        t.set_header(vec!["id", "creator", "channels", "followers (sum)"]);
        for c in &creators {
            let channels: Vec<String> = c
                .channels
                .iter()
                .map(|ch| format!("{} {}", ch.platform.display_name(), ch.name))
                .collect();
            t.add_row(vec![
                c.id.to_string(),
                c.name.clone(),
                channels.join(", "),
                c.followers_total.map_or("—".into(), |f| f.to_string()),
            ]);
        }
        println!("{t}\n{total} creator(s)");
    }
    store.close().await;
    Ok(())
}

pub async fn link(
    settings: Settings,
    creator: &str,
    channel: &str,
    platform: Option<Platform>,
) -> anyhow::Result<()> {
    let (platform, id) = channel_id(channel, platform)?;
    let store = wiring::open_existing_store(&settings).await?;
    let creator_id = match creator.parse::<i64>() {
        Ok(n) => n,
        Err(_) => store.upsert_creator(creator, chrono::Utc::now()).await?.0,
    };
    let changed = store
        .link_channel(platform, &id, creator_id)
        .await
        .with_context(|| format!("linking {platform} {id} to creator {creator}: is the channel tracked (`streamtide channels add`)?"))?;
    println!(
        "{} {} {id} → creator {creator_id}",
        if changed { "Linked" } else { "Already linked" },
        platform.display_name()
    );
    store.close().await;
    Ok(())
}

pub async fn unlink(
    settings: Settings,
    channel: &str,
    platform: Option<Platform>,
) -> anyhow::Result<()> {
    let (platform, id) = channel_id(channel, platform)?;
    let store = wiring::open_existing_store(&settings).await?;
    if !store.unlink_channel(platform, &id).await? {
        bail!(
            "{} {id} is not linked to a creator",
            platform.display_name()
        );
    }
    println!("Unlinked {} {id}", platform.display_name());
    store.close().await;
    Ok(())
}
