//! CHZZK Open API wire structs (`openapi.chzzk.naver.com/open/v1/...`), as the official field
//! tables describe them (chzzk.gitbook.io/chzzk, mirrored in 0junproject/chzzk-docs
//! `api-docs/live.md`, `channel.md`, `category.md`).
//!
//! The envelope is the web API's `{code, message, content}`. Unlike the web list, a live item is
//! flat: the channel's id, name and image sit next to the live's fields. Everything but identity
//! is optional and decoded leniently, as for the web API.

use serde::Deserialize;

use crate::lenient::{de_opt_bool, de_opt_string, de_opt_u64};

/// `content` of `GET /open/v1/lives`.
#[derive(Debug, Deserialize)]
pub struct LivePage {
    #[serde(default)]
    pub data: Vec<Live>,
    #[serde(default)]
    pub page: Option<Page>,
}

/// `page`: an opaque cursor string, null (or absent) on the last page.
#[derive(Debug, Deserialize)]
pub struct Page {
    #[serde(default, deserialize_with = "de_opt_string")]
    pub next: Option<String>,
}

/// One item of `/open/v1/lives`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Live {
    #[serde(default, deserialize_with = "de_opt_string")]
    pub live_id: Option<String>,
    #[serde(default)]
    pub live_title: Option<String>,
    #[serde(default)]
    pub live_thumbnail_image_url: Option<String>,
    #[serde(default, deserialize_with = "de_opt_u64")]
    pub concurrent_user_count: Option<u64>,
    #[serde(default)]
    pub open_date: Option<String>,
    #[serde(default, deserialize_with = "de_opt_bool")]
    pub adult: Option<bool>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    #[serde(default)]
    pub live_category: Option<String>,
    #[serde(default)]
    pub live_category_value: Option<String>,
    #[serde(default)]
    pub channel_id: Option<String>,
    #[serde(default)]
    pub channel_name: Option<String>,
    #[serde(default)]
    pub channel_image_url: Option<String>,
}

/// `content` of `GET /open/v1/channels?channelIds=...`.
#[derive(Debug, Deserialize)]
pub struct ChannelList {
    #[serde(default)]
    pub data: Vec<Channel>,
}

/// One channel of `/open/v1/channels` (unknown ids are left out of `data`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Channel {
    #[serde(default)]
    pub channel_id: Option<String>,
    #[serde(default)]
    pub channel_name: Option<String>,
    #[serde(default)]
    pub channel_image_url: Option<String>,
    #[serde(default, deserialize_with = "de_opt_u64")]
    pub follower_count: Option<u64>,
}
