//! Which shard a channel belongs to, and the names of the leases a cluster shares.
//!
//! A channel's shard is a pure function of its platform and stable id, so every collector (of
//! any version or host) agrees on it without talking to the others.

use streamtide_core::{ChannelId, Platform};

/// FNV-1a (64 bit) of `platform:platform_id`, modulo `shards`. FNV rather than the std hasher:
/// std's `DefaultHasher` is not guaranteed stable across Rust releases, and collectors built by
/// different toolchains must agree.
pub fn shard_of(platform: Platform, id: &ChannelId, shards: u32) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let bytes = platform
        .as_str()
        .bytes()
        .chain(std::iter::once(b':'))
        .chain(id.as_str().bytes());
    for b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (h % u64::from(shards.max(1))) as u32
}

/// The lease of a roster shard: its owner collects the shard's channels and their videos.
pub fn roster_lease(platform: Platform, shard: u32) -> String {
    format!("channels:{platform}:{shard}")
}

/// The lease of a platform's top live list.
pub fn live_lease(platform: Platform) -> String {
    format!("live:{platform}")
}

/// Every lease of a cluster collecting `platforms`.
pub fn lease_names(platforms: &[Platform], shards: u32) -> Vec<String> {
    let mut names = Vec::new();
    for &p in platforms {
        names.push(live_lease(p));
        names.extend((0..shards.max(1)).map(|s| roster_lease(p, s)));
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_stable_and_spread_evenly() {
        // Pinned values: changing the hash would reshuffle every running cluster's work.
        assert_eq!(shard_of(Platform::Chzzk, &ChannelId("abc".into()), 32), 13);
        assert_eq!(
            shard_of(Platform::Soop, &ChannelId("simbj0042".into()), 32),
            11
        );
        let mut counts = [0u32; 32];
        for i in 0..32_000 {
            let id = ChannelId(format!("{i:032x}"));
            let s = shard_of(Platform::Chzzk, &id, 32);
            assert_eq!(s, shard_of(Platform::Chzzk, &id, 32));
            counts[s as usize] += 1;
        }
        // 1,000 expected per shard; a fair hash stays well within ±15%.
        assert!(
            counts.iter().all(|&c| (850..=1150).contains(&c)),
            "{counts:?}"
        );
        assert_eq!(shard_of(Platform::Chzzk, &ChannelId("x".into()), 0), 0);
    }

    #[test]
    fn lease_names_cover_every_shard_and_live_list() {
        let names = lease_names(&[Platform::Chzzk, Platform::Soop], 4);
        assert_eq!(names.len(), 10);
        assert!(names.contains(&"live:soop".to_string()));
        assert!(names.contains(&"channels:chzzk:3".to_string()));
    }
}
