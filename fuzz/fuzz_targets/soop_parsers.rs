//! Every SOOP parse function on arbitrary bytes: errors are fine, panics are bugs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use streamtide_platforms::soop;

fuzz_target!(|body: &[u8]| {
    let _ = soop::parse_broad_list(body);
    let _ = soop::parse_station(body, "singgyul");
    let _ = soop::parse_vods(body, "singgyul");
});
