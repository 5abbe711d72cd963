//! YouTube Data API v3 wire structs.
//!
//! Every list answer is `{kind, etag, nextPageToken?, pageInfo, items: [...]}`; counters are
//! uint64 sent as JSON strings (decoded leniently, so a number works too). Everything is optional
//! except ids: Google omits parts and fields freely.

use std::collections::HashMap;

use serde::Deserialize;

use crate::lenient::{de_opt_bool, de_opt_string, de_opt_u64};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct List<T> {
    #[serde(default = "Vec::new")]
    pub items: Vec<T>,
    #[serde(default)]
    pub next_page_token: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
pub struct Thumbnail {
    #[serde(default)]
    pub url: Option<String>,
}

pub type Thumbnails = HashMap<String, Thumbnail>;

/// `channels.list` item.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Channel {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub snippet: Option<ChannelSnippet>,
    #[serde(default)]
    pub statistics: Option<ChannelStatistics>,
    #[serde(default)]
    pub content_details: Option<ChannelContentDetails>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelSnippet {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub custom_url: Option<String>,
    #[serde(default)]
    pub thumbnails: Option<Thumbnails>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelStatistics {
    #[serde(default, deserialize_with = "de_opt_u64")]
    pub view_count: Option<u64>,
    #[serde(default, deserialize_with = "de_opt_u64")]
    pub subscriber_count: Option<u64>,
    #[serde(default, deserialize_with = "de_opt_bool")]
    pub hidden_subscriber_count: Option<bool>,
    #[serde(default, deserialize_with = "de_opt_u64")]
    pub video_count: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelContentDetails {
    #[serde(default)]
    pub related_playlists: Option<RelatedPlaylists>,
}

#[derive(Debug, Deserialize)]
pub struct RelatedPlaylists {
    #[serde(default)]
    pub uploads: Option<String>,
}

/// `videos.list` item.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Video {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub snippet: Option<VideoSnippet>,
    #[serde(default)]
    pub statistics: Option<VideoStatistics>,
    #[serde(default)]
    pub content_details: Option<VideoContentDetails>,
    #[serde(default)]
    pub live_streaming_details: Option<LiveStreamingDetails>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VideoSnippet {
    #[serde(default)]
    pub published_at: Option<String>,
    #[serde(default)]
    pub channel_id: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub thumbnails: Option<Thumbnails>,
    #[serde(default)]
    pub channel_title: Option<String>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    #[serde(default, deserialize_with = "de_opt_string")]
    pub category_id: Option<String>,
    #[serde(default)]
    pub live_broadcast_content: Option<String>,
    #[serde(default)]
    pub default_language: Option<String>,
    #[serde(default)]
    pub default_audio_language: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VideoStatistics {
    #[serde(default, deserialize_with = "de_opt_u64")]
    pub view_count: Option<u64>,
    #[serde(default, deserialize_with = "de_opt_u64")]
    pub like_count: Option<u64>,
    #[serde(default, deserialize_with = "de_opt_u64")]
    pub comment_count: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VideoContentDetails {
    #[serde(default)]
    pub duration: Option<String>,
    #[serde(default)]
    pub content_rating: Option<ContentRating>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContentRating {
    #[serde(default)]
    pub yt_rating: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveStreamingDetails {
    #[serde(default)]
    pub actual_start_time: Option<String>,
    #[serde(default)]
    pub actual_end_time: Option<String>,
    #[serde(default)]
    pub scheduled_start_time: Option<String>,
    #[serde(default, deserialize_with = "de_opt_u64")]
    pub concurrent_viewers: Option<u64>,
}

/// `search.list` item.
#[derive(Debug, Deserialize)]
pub struct SearchResult {
    #[serde(default)]
    pub id: Option<SearchId>,
    #[serde(default)]
    pub snippet: Option<SearchSnippet>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchId {
    #[serde(default)]
    pub video_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchSnippet {
    #[serde(default)]
    pub published_at: Option<String>,
    #[serde(default)]
    pub channel_id: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub channel_title: Option<String>,
    #[serde(default)]
    pub live_broadcast_content: Option<String>,
    #[serde(default)]
    pub thumbnails: Option<Thumbnails>,
}

/// `playlistItems.list` item.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlaylistItem {
    #[serde(default)]
    pub snippet: Option<PlaylistSnippet>,
    #[serde(default)]
    pub content_details: Option<PlaylistContentDetails>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlaylistSnippet {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub channel_id: Option<String>,
    #[serde(default)]
    pub video_owner_channel_id: Option<String>,
    #[serde(default)]
    pub resource_id: Option<SearchId>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlaylistContentDetails {
    #[serde(default)]
    pub video_id: Option<String>,
    #[serde(default)]
    pub video_published_at: Option<String>,
}

/// `{"error": {...}}`.
#[derive(Debug, Deserialize)]
pub struct ErrorEnvelope {
    pub error: ErrorBody,
}

#[derive(Debug, Deserialize)]
pub struct ErrorBody {
    #[serde(default)]
    pub code: Option<i64>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub errors: Vec<ErrorItem>,
    #[serde(default)]
    pub details: Vec<ErrorDetail>,
}

#[derive(Debug, Deserialize)]
pub struct ErrorItem {
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ErrorDetail {
    #[serde(default)]
    pub reason: Option<String>,
}
