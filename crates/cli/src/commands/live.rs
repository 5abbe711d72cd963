//! `live`: the merged live list from the store, as a table or JSON.

use streamtide_core::Platform;
use streamtide_storage::LiveFilter;

use crate::output;
use crate::settings::Settings;
use crate::wiring;

pub async fn print(
    settings: Settings,
    limit: u32,
    platform: Option<Platform>,
    json: bool,
) -> anyhow::Result<()> {
    let store = wiring::open_store_for_reading(&settings).await?;
    let freshness = chrono::Duration::from_std(settings.collector.live_freshness())?;
    let filter = LiveFilter {
        platform,
        seen_after: Some(chrono::Utc::now() - freshness),
        limit: limit.clamp(1, 1000),
        ..LiveFilter::default()
    };
    let (items, total) = store.live_now(&filter).await?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "items": items, "total": total }))?
        );
    } else if items.is_empty() {
        println!("Nothing live (has `streamtide run` or `collect --once` collected recently?).");
    } else {
        println!("{}", output::live_table(&items));
        println!("{} of {total} live broadcasts", items.len());
    }
    store.close().await;
    Ok(())
}
