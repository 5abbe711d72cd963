//! Which channels a rule speaks for: all tracked ones, a creator's, a platform's or one channel.

use streamtide_core::Platform;

use crate::config::RuleConfig;

/// `platform:id` of a rule's `channel` key.
pub fn parse_channel(s: &str) -> Option<(Platform, &str)> {
    let (p, id) = s.split_once(':')?;
    let id = id.trim();
    if id.is_empty() {
        return None;
    }
    Some((p.trim().parse().ok()?, id))
}

/// What the scope test needs to know of a channel.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub platform: Platform,
    pub channel_id: &'a str,
    pub creator: Option<&'a str>,
}

/// Whether `rule` speaks for `subject` (every rule reads only tracked channels).
pub fn in_scope(rule: &RuleConfig, subject: Subject<'_>) -> bool {
    if rule.platform.is_some_and(|p| p != subject.platform) {
        return false;
    }
    if let Some(c) = &rule.creator {
        if subject.creator != Some(c.as_str()) {
            return false;
        }
    }
    if let Some(ch) = &rule.channel {
        match parse_channel(ch) {
            Some((p, id)) if p == subject.platform && id == subject.channel_id => {}
            _ => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_keys() {
        assert_eq!(parse_channel("chzzk:abc"), Some((Platform::Chzzk, "abc")));
        assert_eq!(
            parse_channel("youtube:UC_x"),
            Some((Platform::Youtube, "UC_x"))
        );
        assert_eq!(parse_channel("chzzk:"), None);
        assert_eq!(parse_channel("afreeca:x"), Some((Platform::Soop, "x")));
        assert_eq!(parse_channel("kick:x"), None);
        assert_eq!(parse_channel("abc"), None);
    }
}
