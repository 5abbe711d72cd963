//! Pure parse functions of SOOP's Open API: bytes in, normalised observations out.
//!
//! A list item the parser cannot read is dropped, logged and counted (`items::decode_each`, as on
//! the web list), not allowed to fail the page: one odd broadcast must not blank SOOP's part of
//! the board. A page whose every item fails is a changed API, not "nobody is live", and fails as
//! a whole.

use std::collections::HashMap;

use streamtide_core::LiveBroadcast;

use streamtide_core::Platform;

use super::open_wire::{OpenBroadList, OpenCategory, OpenCategoryList};
use super::parse::broad_item;
use super::wire::Broad;
use crate::items::decode_each;
use crate::ParseFailure;

/// One page of `GET /broad/list`.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenListPage {
    /// The items that parsed, in the page's order.
    pub items: Vec<LiveBroadcast>,
    /// Items the page held, bad ones included (paging stops on a short page).
    pub served: usize,
    /// How many of them were dropped (logged and counted where they were decoded).
    pub dropped: usize,
    /// `total_cnt`: live broadcasts in the whole list, when the reply says.
    pub total_cnt: Option<u64>,
}

/// The Open API's error answer (`result <= 0` with `msg`), if `result` says one.
fn api_error(result: Option<String>, msg: Option<String>) -> Option<ParseFailure> {
    let code: i64 = result?.trim().parse().unwrap_or(-1);
    (code <= 0).then(|| ParseFailure::Api {
        code,
        message: msg.unwrap_or_default(),
    })
}

/// `GET /broad/list?order_type=view_cnt&page_no=N`.
pub fn parse_open_broad_list(body: &[u8]) -> Result<OpenListPage, ParseFailure> {
    let list: OpenBroadList = ParseFailure::decode(body)?;
    if let Some(e) = api_error(list.result, list.msg) {
        return Err(e);
    }
    let raw = list.broad.ok_or_else(|| ParseFailure::missing("broad"))?;
    let served = raw.len();
    let items = decode_each(Platform::Soop, "broad", raw, |b: Broad, i| {
        broad_item(b, i).map(Some)
    })?;
    Ok(OpenListPage {
        dropped: served - items.len(),
        items,
        served,
        total_cnt: list.total_cnt,
    })
}

/// `GET /broad/category/list?locale=ko_KR`: category number → name, children included. Entries
/// without a number or a name are skipped (a name is a nicety; the list works without it).
pub fn parse_open_categories(body: &[u8]) -> Result<HashMap<String, String>, ParseFailure> {
    let list: OpenCategoryList = ParseFailure::decode(body)?;
    if let Some(e) = api_error(list.result, list.msg) {
        return Err(e);
    }
    let top = list
        .broad_category
        .ok_or_else(|| ParseFailure::missing("broad_category"))?;
    let mut out = HashMap::new();
    let mut stack: Vec<OpenCategory> = top;
    while let Some(c) = stack.pop() {
        if let (Some(no), Some(name)) = (c.cate_no, c.cate_name) {
            if !no.trim().is_empty() && !name.trim().is_empty() {
                out.insert(no.trim().to_string(), name.trim().to_string());
            }
        }
        stack.extend(c.child.unwrap_or_default());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &[u8] =
        include_bytes!("../../../../fixtures/soop/openapi_broad_list.docs-shape.json");
    const CATEGORIES: &[u8] =
        include_bytes!("../../../../fixtures/soop/openapi_broad_category_list.docs-shape.json");
    const ERROR: &[u8] = include_bytes!("../../../../fixtures/soop/openapi_error.docs-shape.json");

    #[test]
    fn documented_list_parses_like_the_web_list() {
        let page = parse_open_broad_list(LIST).unwrap();
        assert_eq!(page.served, 3);
        assert_eq!(page.dropped, 0);
        assert_eq!(page.total_cnt, Some(3));
        let b = &page.items[0];
        assert_eq!(b.channel_id.as_str(), "openbj01");
        assert_eq!(b.channel_name.as_deref(), Some("오픈비제이"));
        assert_eq!(b.broadcast_id.as_deref(), Some("290100001"));
        assert_eq!(b.viewers, 15234);
        assert_eq!(b.category_id.as_deref(), Some("00040019"));
        assert_eq!(b.category_name, None, "the Open API list names no category");
        assert_eq!(
            b.thumbnail_url.as_deref(),
            Some("https://liveimg.sooplive.co.kr/m/290100001")
        );
        assert_eq!(
            b.started_at.unwrap().to_rfc3339(),
            "2026-07-28T10:00:00+00:00"
        );
        assert_eq!(b.url, "https://play.sooplive.co.kr/openbj01");
        assert!(!b.adult);
        assert!(page.items[1].adult, "broad_grade 19");
        // Empty picture fields fall back to the derived URLs.
        assert_eq!(
            page.items[2].thumbnail_url.as_deref(),
            Some("https://liveimg.sooplive.co.kr/m/290100003")
        );
        assert_eq!(
            page.items[2].channel_avatar_url.as_deref(),
            Some("https://profile.img.sooplive.co.kr/LOGO/op/openbj03/openbj03.jpg")
        );
    }

    #[test]
    fn one_bad_item_is_dropped_and_counted_not_the_page() {
        let body = br#"{"total_cnt":"3","page_no":"1","broad":[
          {"broad_no":"1","user_id":"good1","total_view_cnt":"10"},
          {"broad_no":"2","user_id":"","total_view_cnt":"5"},
          {"broad_no":"3","user_id":"good2","total_view_cnt":{"pc":1}},
          "not an object",
          {"broad_no":"5","user_id":"good3","total_view_cnt":7}]}"#;
        let page = parse_open_broad_list(body).unwrap();
        let ids: Vec<&str> = page.items.iter().map(|b| b.channel_id.as_str()).collect();
        assert_eq!(ids, ["good1", "good3"]);
        assert_eq!(page.served, 5);
        assert_eq!(page.dropped, 3);
        assert_eq!(page.total_cnt, Some(3));
    }

    #[test]
    fn a_page_of_only_bad_items_is_a_changed_api_not_an_empty_list() {
        let body = br#"{"total_cnt":2,"broad":[{"user_id":"a"},{"user_id":"b"}]}"#;
        let err = parse_open_broad_list(body).unwrap_err();
        assert!(err.to_string().contains("total_view_cnt"), "{err}");
        // An empty page is a fetched, empty list.
        let page = parse_open_broad_list(br#"{"total_cnt":0,"broad":[]}"#).unwrap();
        assert!(page.items.is_empty() && page.served == 0);
        // A reply without `broad` says nothing about what is live.
        assert!(parse_open_broad_list(br#"{"total_cnt":0}"#).is_err());
    }

    #[test]
    fn error_answer_is_an_api_failure() {
        assert!(matches!(
            parse_open_broad_list(ERROR),
            Err(ParseFailure::Api { code: -1, .. })
        ));
        assert!(matches!(
            parse_open_categories(ERROR),
            Err(ParseFailure::Api { code: -1, .. })
        ));
        // `result` alone with a positive value is not an error.
        let ok = br#"{"result":1,"total_cnt":0,"broad":[]}"#;
        assert!(parse_open_broad_list(ok).is_ok());
        assert!(parse_open_broad_list(b"<html>moved</html>").is_err());
    }

    #[test]
    fn categories_flatten_children_and_skip_nameless_entries() {
        let names = parse_open_categories(CATEGORIES).unwrap();
        assert_eq!(
            names.get("00040019").map(String::as_str),
            Some("리그 오브 레전드")
        );
        assert_eq!(names.get("00040000").map(String::as_str), Some("게임"));
        assert_eq!(names.get("00150000").map(String::as_str), Some("음악/노래"));
        assert_eq!(names.len(), 5);
        let odd = br#"{"broad_category":[{"cate_no":40001,"cate_name":"x"},{"cate_no":"1"},{"cate_name":"y"},{"cate_no":"2","cate_name":" "}]}"#;
        let names = parse_open_categories(odd).unwrap();
        assert_eq!(names.len(), 1);
        assert_eq!(names.get("40001").map(String::as_str), Some("x"));
    }
}
