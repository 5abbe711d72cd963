//! The channel URLs streamtide writes (exports, reports) are ones its own recognisers, the same
//! as `channels add`, read back as the same channel.

use streamtide_core::{ChannelRef, Platform};
use streamtide_platforms::parse_any_channel_ref;

#[test]
fn written_channel_urls_read_back_as_the_same_channel() {
    let cases = [
        (
            Platform::Chzzk,
            "3497a9a7221cc3ee5d3f95991d9f95e9",
            None,
            ChannelRef::id(Platform::Chzzk, "3497a9a7221cc3ee5d3f95991d9f95e9"),
        ),
        (
            Platform::Soop,
            "singgyul",
            None,
            ChannelRef::id(Platform::Soop, "singgyul"),
        ),
        (
            Platform::Youtube,
            "UCX6OQ3DkcsbYNE6H8uQQuVA",
            Some("@MrBeast"),
            ChannelRef::id(Platform::Youtube, "UCX6OQ3DkcsbYNE6H8uQQuVA"),
        ),
        (
            Platform::Twitch,
            "141981764",
            Some("twitchdev"),
            ChannelRef::handle(Platform::Twitch, "twitchdev"),
        ),
    ];
    for (platform, id, handle, expected) in cases {
        let url = platform.channel_url(id, handle).expect("a URL");
        assert!(url.starts_with("https://"), "{url}");
        assert_eq!(parse_any_channel_ref(&url), Some(expected), "{url}");
    }
    assert_eq!(Platform::Twitch.channel_url("141981764", None), None);
    assert_eq!(Platform::Chzzk.channel_url(" ", None), None);
}
