//! Wire structs of SOOP's official Open API (`openapi.sooplive.com`, formerly
//! `openapi.afreecatv.com`). Shapes from the public `/apidoc` field lists and the clients that
//! read them (docs/platforms.md, SOOP section): numbers may be strings or ints, so everything
//! decodes leniently. List items share the web list's field names, so an item decodes as
//! [`super::wire::Broad`]; the items stay raw here so one bad item fails only itself.

use serde::Deserialize;

use crate::items::RawItem;

use crate::lenient::{de_opt_string, de_opt_u64};

/// `GET /broad/list`: `{total_cnt, page_no, page_block, time, broad: [...]}`, or on an error
/// `{result: <= 0, msg}`.
#[derive(Debug, Deserialize)]
pub struct OpenBroadList {
    #[serde(default, deserialize_with = "de_opt_u64")]
    pub total_cnt: Option<u64>,
    /// Items decoded one by one (see the module comment): kept as raw text, so even a string
    /// no Rust string can hold (a lone surrogate) fails only its item.
    #[serde(default)]
    pub broad: Option<Vec<RawItem>>,
    #[serde(default, deserialize_with = "de_opt_string")]
    pub result: Option<String>,
    #[serde(default, deserialize_with = "de_opt_string")]
    pub msg: Option<String>,
}

/// `GET /broad/category/list`: `{broad_category: [{cate_no, cate_name, child: [...]}]}`, or the
/// error shape.
#[derive(Debug, Deserialize)]
pub struct OpenCategoryList {
    #[serde(default)]
    pub broad_category: Option<Vec<OpenCategory>>,
    #[serde(default, deserialize_with = "de_opt_string")]
    pub result: Option<String>,
    #[serde(default, deserialize_with = "de_opt_string")]
    pub msg: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct OpenCategory {
    #[serde(default, deserialize_with = "de_opt_string")]
    pub cate_no: Option<String>,
    #[serde(default, deserialize_with = "de_opt_string")]
    pub cate_name: Option<String>,
    #[serde(default)]
    pub child: Option<Vec<OpenCategory>>,
}
