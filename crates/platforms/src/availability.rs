//! Which platforms a configuration collects, and why the others are skipped: the same rules as
//! [`crate::build_adapters`], said in words for `/healthz` and the web board.

use streamtide_core::Platform;

use crate::PlatformsConfig;

/// Why `platform` is not collected with `config` (naming the keys, never their values), or
/// `None` when it is.
pub fn skip_reason(config: &PlatformsConfig, platform: Platform) -> Option<String> {
    if !config.enabled(platform) {
        return Some(format!("disabled (platforms.{platform}.enabled = false)"));
    }
    let missing = config.missing_credentials(platform);
    (!missing.is_empty()).then(|| format!("no credentials ({})", missing.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_collect_the_korean_platforms_and_skip_the_global_ones_without_keys() {
        let c = PlatformsConfig::default();
        assert_eq!(skip_reason(&c, Platform::Chzzk), None);
        assert_eq!(skip_reason(&c, Platform::Soop), None);
        let tw = skip_reason(&c, Platform::Twitch).unwrap();
        assert!(tw.contains("platforms.twitch.client_secret"), "{tw}");
        let yt = skip_reason(&c, Platform::Youtube).unwrap();
        assert!(yt.contains("api_key"), "{yt}");
        let mut off = c.clone();
        off.soop.enabled = false;
        assert_eq!(
            skip_reason(&off, Platform::Soop).as_deref(),
            Some("disabled (platforms.soop.enabled = false)")
        );
    }
}
