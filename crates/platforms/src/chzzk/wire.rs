//! CHZZK wire structs: the JSON as the web API sends it.
//!
//! Everything but identity is optional: the objects grew a lot between 2023 and 2025 and fields go
//! null without notice. Counters decode leniently (a number that turns into a string still counts).

use serde::Deserialize;

use super::wire_struct::chzzk_wire_struct;
use crate::items::RawItem;
use crate::lenient::{de_opt_bool, de_opt_string, de_opt_u64};

/// `{code, message, content}` around every reply.
#[derive(Debug, Deserialize)]
pub struct Envelope<T> {
    #[serde(default)]
    pub code: Option<i64>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default = "none")]
    pub content: Option<T>,
}

fn none<T>() -> Option<T> {
    None
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LivePage {
    #[serde(default)]
    pub page: Option<PageCursor>,
    /// Items of [`Live`], decoded one by one so one bad item cannot fail the page.
    #[serde(default)]
    pub data: Vec<RawItem>,
}

#[derive(Debug, Deserialize)]
pub struct PageCursor {
    #[serde(default)]
    pub next: Option<NextCursor>,
}

#[derive(Debug, Deserialize, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct NextCursor {
    #[serde(default, deserialize_with = "de_opt_u64")]
    pub concurrent_user_count: Option<u64>,
    #[serde(default, deserialize_with = "de_opt_u64")]
    pub live_id: Option<u64>,
}

chzzk_wire_struct! {
    /// One item of `/service/v1/lives`.
    pub struct Live {
        live_fields,
        #[serde(default)]
        pub live_image_url: Option<String>,
        #[serde(default)]
        pub default_thumbnail_image_url: Option<String>,
        #[serde(default)]
        pub channel: Option<ChannelBrief>,
    }
}

chzzk_wire_struct! {
    /// The channel a live item or live-status names.
    pub struct ChannelBrief {
        channel_fields,
    }
}

chzzk_wire_struct! {
    /// `/service/v1/channels/{id}`.
    pub struct Channel {
        channel_fields,
        #[serde(default)]
        pub channel_description: Option<String>,
        #[serde(default, deserialize_with = "de_opt_u64")]
        pub follower_count: Option<u64>,
        #[serde(default, deserialize_with = "de_opt_bool")]
        pub open_live: Option<bool>,
    }
}

chzzk_wire_struct! {
    /// `/polling/{v}/channels/{id}/live-status` and the common part of `live-detail`.
    pub struct LiveStatus {
        live_fields,
        #[serde(default)]
        pub status: Option<String>,
        #[serde(default)]
        pub live_image_url: Option<String>,
        /// A JSON document inside a string (`{"callPeriodMilliSecond":10000,...}`).
        #[serde(default)]
        pub live_polling_status_json: Option<String>,
        #[serde(default)]
        pub channel: Option<ChannelBrief>,
    }
}

/// The JSON inside `livePollingStatusJson`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PollingStatus {
    #[serde(default, deserialize_with = "de_opt_u64")]
    pub call_period_milli_second: Option<u64>,
}

/// `/service/v1/channels/{id}/videos`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VideoPage {
    /// Items of [`Video`], decoded one by one.
    #[serde(default)]
    pub data: Vec<RawItem>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Video {
    #[serde(default, deserialize_with = "de_opt_string")]
    pub video_no: Option<String>,
    #[serde(default)]
    pub video_title: Option<String>,
    #[serde(default)]
    pub video_type: Option<String>,
    #[serde(default)]
    pub publish_date: Option<String>,
    #[serde(default, deserialize_with = "de_opt_u64")]
    pub publish_date_at: Option<u64>,
    #[serde(default)]
    pub thumbnail_image_url: Option<String>,
    #[serde(default, deserialize_with = "de_opt_u64")]
    pub duration: Option<u64>,
    #[serde(default, deserialize_with = "de_opt_u64")]
    pub read_count: Option<u64>,
    #[serde(default, deserialize_with = "de_opt_bool")]
    pub adult: Option<bool>,
    #[serde(default)]
    pub video_category_value: Option<String>,
}

/// `/service/v1/channels/{id}/data?fields=...` (only the video it embeds is used).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelData {
    #[serde(default)]
    pub top_exposed_videos: Option<TopExposedVideos>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TopExposedVideos {
    #[serde(default)]
    pub latest_video: Option<Video>,
}

/// `/service/v1/search/channels`.
#[derive(Debug, Deserialize)]
pub struct SearchPage {
    /// Items of [`SearchItem`], decoded one by one.
    #[serde(default)]
    pub data: Vec<RawItem>,
}

#[derive(Debug, Deserialize)]
pub struct SearchItem {
    #[serde(default)]
    pub channel: Option<Channel>,
}
