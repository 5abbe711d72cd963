//! Twitch Helix wire structs: the JSON as Helix sends it.
//!
//! Helix is an official, versioned API, but fields still go `null` in practice (`tags`, see
//! twitch_api issue 184), so everything but identity is optional. Ids are strings.

use serde::Deserialize;

use crate::lenient::{de_opt_bool, de_opt_string, de_opt_u64};

/// `{"data": [...], "pagination": {"cursor": ...}, "total": n}` around every list.
#[derive(Debug, Deserialize)]
pub struct Page<T> {
    /// `null` has been seen where `[]` was meant; both are empty.
    #[serde(default = "none")]
    pub data: Option<Vec<T>>,
    #[serde(default)]
    pub pagination: Option<Pagination>,
    #[serde(default, deserialize_with = "de_opt_u64")]
    pub total: Option<u64>,
}

fn none<T>() -> Option<T> {
    None
}

#[derive(Debug, Deserialize, Default)]
pub struct Pagination {
    #[serde(default)]
    pub cursor: Option<String>,
}

/// `/helix/users` item.
#[derive(Debug, Deserialize)]
pub struct User {
    #[serde(default, deserialize_with = "de_opt_string")]
    pub id: Option<String>,
    #[serde(default)]
    pub login: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub profile_image_url: Option<String>,
}

/// `/helix/streams` item.
#[derive(Debug, Deserialize)]
pub struct Stream {
    #[serde(default, deserialize_with = "de_opt_string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "de_opt_string")]
    pub user_id: Option<String>,
    #[serde(default)]
    pub user_login: Option<String>,
    #[serde(default)]
    pub user_name: Option<String>,
    #[serde(default, deserialize_with = "de_opt_string")]
    pub game_id: Option<String>,
    #[serde(default)]
    pub game_name: Option<String>,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    /// Can be `null` in practice.
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    #[serde(default, deserialize_with = "de_opt_u64")]
    pub viewer_count: Option<u64>,
    #[serde(default)]
    pub started_at: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub thumbnail_url: Option<String>,
    #[serde(default, deserialize_with = "de_opt_bool")]
    pub is_mature: Option<bool>,
}

/// `/helix/videos` item.
#[derive(Debug, Deserialize)]
pub struct Video {
    #[serde(default, deserialize_with = "de_opt_string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "de_opt_string")]
    pub user_id: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub published_at: Option<String>,
    #[serde(default)]
    pub thumbnail_url: Option<String>,
    #[serde(default, deserialize_with = "de_opt_u64")]
    pub view_count: Option<u64>,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub duration: Option<String>,
}

/// `/helix/channels` item (Get Channel Information).
#[derive(Debug, Deserialize)]
pub struct ChannelInformation {
    #[serde(default, deserialize_with = "de_opt_string")]
    pub broadcaster_id: Option<String>,
    #[serde(default)]
    pub broadcaster_login: Option<String>,
    #[serde(default)]
    pub broadcaster_name: Option<String>,
    #[serde(default)]
    pub broadcaster_language: Option<String>,
    #[serde(default, deserialize_with = "de_opt_string")]
    pub game_id: Option<String>,
    #[serde(default)]
    pub game_name: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
}

/// `/helix/search/channels` item.
#[derive(Debug, Deserialize)]
pub struct SearchChannel {
    #[serde(default, deserialize_with = "de_opt_string")]
    pub id: Option<String>,
    #[serde(default)]
    pub broadcaster_login: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub thumbnail_url: Option<String>,
    #[serde(default, deserialize_with = "de_opt_bool")]
    pub is_live: Option<bool>,
}

/// `POST /helix/eventsub/subscriptions` answer (beyond `data`).
#[derive(Debug, Deserialize)]
pub struct EventSubAnswer {
    #[serde(default)]
    pub data: Vec<EventSubSubscription>,
    #[serde(default, deserialize_with = "de_opt_u64")]
    pub total_cost: Option<u64>,
    #[serde(default, deserialize_with = "de_opt_u64")]
    pub max_total_cost: Option<u64>,
}

#[derive(Debug, Deserialize)]
pub struct EventSubSubscription {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "de_opt_u64")]
    pub cost: Option<u64>,
}

/// `POST /oauth2/token` (client credentials).
#[derive(Debug, Deserialize)]
pub struct Token {
    #[serde(default)]
    pub access_token: Option<String>,
    #[serde(default, deserialize_with = "de_opt_u64")]
    pub expires_in: Option<u64>,
}

/// `GET /oauth2/validate`.
#[derive(Debug, Deserialize)]
pub struct Validate {
    #[serde(default)]
    pub client_id: Option<String>,
    #[serde(default)]
    pub login: Option<String>,
    #[serde(default, deserialize_with = "de_opt_string")]
    pub user_id: Option<String>,
    #[serde(default, deserialize_with = "de_opt_u64")]
    pub expires_in: Option<u64>,
}

/// Helix error body: `{"error": <reason>, "status": <int>, "message": <text>}`.
#[derive(Debug, Deserialize)]
pub struct Error {
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub status: Option<i64>,
    #[serde(default)]
    pub message: Option<String>,
}
