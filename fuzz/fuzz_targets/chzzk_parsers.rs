//! Every CHZZK parse function on arbitrary bytes: errors are fine, panics are bugs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use streamtide_platforms::chzzk;

fuzz_target!(|body: &[u8]| {
    let _ = chzzk::parse_live_page(body);
    let _ = chzzk::parse_channel(body);
    let _ = chzzk::parse_live_status(body, "3497a9a7221cc3ee5d3f95991d9f95e9");
    let _ = chzzk::parse_videos(body, "3497a9a7221cc3ee5d3f95991d9f95e9");
    let _ = chzzk::parse_channel_data_latest_video(body, "x");
    let _ = chzzk::parse_search_channels(body);
});
