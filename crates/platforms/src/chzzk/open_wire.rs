//! CHZZK Open API wire structs (`openapi.chzzk.naver.com/open/v1/...`), as the official field
//! tables describe them (chzzk.gitbook.io/chzzk, mirrored in 0junproject/chzzk-docs
//! `api-docs/live.md`, `channel.md`, `category.md`).
//!
//! The envelope is the web API's `{code, message, content}`. Unlike the web list, a live item is
//! flat: the channel's id, name and image sit next to the live's fields. Everything but identity
//! is optional and decoded leniently, as for the web API.

use serde::Deserialize;

use super::wire_struct::chzzk_wire_struct;
use crate::items::RawItem;
use crate::lenient::{de_opt_string, de_opt_u64};

/// `content` of `GET /open/v1/lives`.
#[derive(Debug, Deserialize)]
pub struct LivePage {
    /// Items decoded one by one ([`Live`]): one bad item fails only itself.
    #[serde(default)]
    pub data: Vec<RawItem>,
    #[serde(default)]
    pub page: Option<Page>,
}

/// `page`: an opaque cursor string, null (or absent) on the last page.
#[derive(Debug, Deserialize)]
pub struct Page {
    #[serde(default, deserialize_with = "de_opt_string")]
    pub next: Option<String>,
}

chzzk_wire_struct! {
    /// One item of `/open/v1/lives`: the live's fields and, flat beside them, its channel's.
    pub struct Live {
        live_fields,
        #[serde(default)]
        pub live_thumbnail_image_url: Option<String>,
        channel_fields,
    }
}

/// `content` of `GET /open/v1/channels?channelIds=...`.
#[derive(Debug, Deserialize)]
pub struct ChannelList {
    /// Items decoded one by one ([`Channel`]).
    #[serde(default)]
    pub data: Vec<RawItem>,
}

chzzk_wire_struct! {
    /// One channel of `/open/v1/channels` (unknown ids are left out of `data`).
    pub struct Channel {
        channel_fields,
        #[serde(default, deserialize_with = "de_opt_u64")]
        pub follower_count: Option<u64>,
    }
}
