//! Recognising what a user typed (a channel URL, `chzzk:<id>`, a handle with `--platform`) as a
//! channel of some platform; shared by `channels`, `creators`, `export` and the admin API.

use anyhow::bail;
use streamtide_core::{ChannelRef, Platform};

/// Recognise `input` as a channel of some platform.
pub fn recognise(input: &str, platform: Option<Platform>) -> anyhow::Result<ChannelRef> {
    if let Some(r) = streamtide_platforms::parse_any_channel_ref(input) {
        if platform.is_some_and(|p| p != r.platform) {
            bail!(
                "`{input}` is a {} channel, not {}",
                r.platform,
                platform.unwrap_or(r.platform)
            );
        }
        return Ok(r);
    }
    match platform {
        Some(p) => Ok(ChannelRef::handle(p, input.trim())),
        None => bail!(
            "cannot tell which platform `{input}` belongs to: paste the channel URL, or use chzzk:<id>, soop:<bj id>, or --platform"
        ),
    }
}
