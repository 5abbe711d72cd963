//! The URL/handle recogniser on arbitrary text: never panics, and a CHZZK or SOOP id it finds
//! re-parses to the same reference from its canonical `platform:id` form.
#![no_main]

use libfuzzer_sys::fuzz_target;
use streamtide_core::{Platform, RefKind};
use streamtide_platforms::parse_any_channel_ref;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Some(r) = parse_any_channel_ref(s) {
        if let (Platform::Chzzk | Platform::Soop, RefKind::Id(id)) = (r.platform, &r.kind) {
            let again = parse_any_channel_ref(&format!("{}:{}", r.platform.as_str(), id.as_str()));
            assert_eq!(again.as_ref(), Some(&r), "canonical form of {s:?} does not round-trip");
        }
    }
});
