//! SOOP wire structs. Numbers arrive as strings in the live list and as numbers in chapi, and
//! flags as `"Y"/"N"`, `19` or booleans, so every counter and flag decodes leniently.

use serde::Deserialize;
use serde_json::Value;

use crate::items::RawItem;
use crate::lenient::{de_opt_string, de_opt_u64};

/// `main_broad_list_api.php`.
#[derive(Debug, Deserialize)]
pub struct BroadList {
    /// Items of [`Broad`], decoded one by one so one bad item cannot fail the page.
    #[serde(default)]
    pub broad: Option<Vec<RawItem>>,
    /// Error replies carry `result`/`msg` instead of `broad`.
    #[serde(default, deserialize_with = "de_opt_string")]
    pub result: Option<String>,
    #[serde(default)]
    pub msg: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Broad {
    #[serde(default, deserialize_with = "de_opt_string")]
    pub broad_no: Option<String>,
    #[serde(default, deserialize_with = "de_opt_string")]
    pub user_id: Option<String>,
    #[serde(default)]
    pub user_nick: Option<String>,
    #[serde(default)]
    pub broad_title: Option<String>,
    #[serde(default)]
    pub broad_thumb: Option<String>,
    #[serde(default, deserialize_with = "de_opt_u64")]
    pub total_view_cnt: Option<u64>,
    #[serde(default, deserialize_with = "de_opt_string")]
    pub broad_cate_no: Option<String>,
    #[serde(default)]
    pub broad_start: Option<String>,
    #[serde(default, deserialize_with = "de_opt_u64")]
    pub broad_grade: Option<u64>,
    #[serde(default)]
    pub profile_img: Option<String>,
    /// 2026: the category's name (the list used to carry only `broad_cate_no`).
    #[serde(default)]
    pub category_name: Option<String>,
    /// 2026: the languages the BJ declares, as Korean names (`["한국어"]`).
    #[serde(default, deserialize_with = "de_tags")]
    pub lang_tags: Vec<String>,
    /// 2026: tags the BJ chose.
    #[serde(default, deserialize_with = "de_tags")]
    pub hash_tags: Vec<String>,
    /// 2026: the category's own tags (`["Virtual"]`).
    #[serde(default, deserialize_with = "de_tags")]
    pub category_tags: Vec<String>,
}

/// A tag array that may be missing, null, or hold non-strings (skipped).
fn de_tags<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let v: Option<Value> = Option::deserialize(d)?;
    Ok(match v {
        Some(Value::Array(items)) => items
            .into_iter()
            .filter_map(|i| match i {
                Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    })
}

/// `chapi .../api/{bj}/station`. Unknown ids answer `{"code":9000,"message":...}` instead.
#[derive(Debug, Deserialize)]
pub struct StationReply {
    #[serde(default)]
    pub code: Option<Value>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub profile_image: Option<String>,
    #[serde(default)]
    pub station: Option<Station>,
    #[serde(default)]
    pub broad: Option<StationBroad>,
}

#[derive(Debug, Deserialize)]
pub struct Station {
    #[serde(default, deserialize_with = "de_opt_string")]
    pub user_id: Option<String>,
    #[serde(default)]
    pub user_nick: Option<String>,
    #[serde(default)]
    pub station_title: Option<String>,
    #[serde(default)]
    pub broad_start: Option<String>,
    #[serde(default)]
    pub upd: Option<StationUpd>,
    #[serde(default)]
    pub display: Option<StationDisplay>,
}

#[derive(Debug, Deserialize)]
pub struct StationDisplay {
    #[serde(default)]
    pub profile_text: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct StationUpd {
    #[serde(default, deserialize_with = "de_opt_u64")]
    pub fan_cnt: Option<u64>,
    #[serde(default, deserialize_with = "de_opt_u64")]
    pub total_view_cnt: Option<u64>,
}

#[derive(Debug, Deserialize)]
pub struct StationBroad {
    #[serde(default, deserialize_with = "de_opt_string")]
    pub broad_no: Option<String>,
    #[serde(default)]
    pub broad_title: Option<String>,
    #[serde(default, deserialize_with = "de_opt_u64")]
    pub current_sum_viewer: Option<u64>,
    #[serde(default, deserialize_with = "de_opt_u64")]
    pub broad_grade: Option<u64>,
}

/// `chapi .../api/{bj}/vods/{type}`: a Laravel paginator.
#[derive(Debug, Deserialize)]
pub struct VodPage {
    /// Items of [`Vod`], decoded one by one.
    #[serde(default)]
    pub data: Vec<RawItem>,
}

#[derive(Debug, Deserialize)]
pub struct Vod {
    #[serde(default, deserialize_with = "de_opt_string")]
    pub title_no: Option<String>,
    #[serde(default)]
    pub title_name: Option<String>,
    #[serde(default)]
    pub reg_date: Option<String>,
    #[serde(default)]
    pub ucc: Option<Ucc>,
    #[serde(default)]
    pub count: Option<VodCount>,
}

#[derive(Debug, Deserialize)]
pub struct Ucc {
    #[serde(default)]
    pub thumb: Option<String>,
    #[serde(default, deserialize_with = "de_opt_u64")]
    pub total_file_duration: Option<u64>,
    #[serde(default, deserialize_with = "de_opt_u64")]
    pub grade: Option<u64>,
    #[serde(default)]
    pub file_type: Option<String>,
    #[serde(default)]
    pub category_tags: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
pub struct VodCount {
    #[serde(default, deserialize_with = "de_opt_u64")]
    pub read_cnt: Option<u64>,
    #[serde(default, deserialize_with = "de_opt_u64")]
    pub like_cnt: Option<u64>,
    #[serde(default, deserialize_with = "de_opt_u64")]
    pub comment_cnt: Option<u64>,
}
