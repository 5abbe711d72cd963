//! Every real SOOP capture parses, with the captured values.

mod common;

use common::{fixture, fixture_names};
use streamtide_core::{Platform, VideoKind};
use streamtide_platforms::soop::*;

#[test]
fn vods_review_2026_07() {
    let vods = parse_vods(
        &fixture("soop/chapi_api_vods_review.2026-07-16.json"),
        "singgyul",
    )
    .unwrap();
    assert_eq!(vods.len(), 2);
    let v = &vods[0];
    assert_eq!(v.platform, Platform::Soop);
    assert_eq!(v.video_id, "201651295");
    assert_eq!(v.title, "[하데스] 초록주먹뱅 (짧뱅이라는 뜻)");
    assert_eq!(v.kind, VideoKind::Replay);
    assert_eq!(v.views, Some(8221));
    assert_eq!(v.likes, Some(8));
    assert_eq!(v.comments, Some(2));
    assert_eq!(v.duration_secs, Some(8332), "ms converted to s");
    // "2026-07-16 22:18:51" KST
    assert_eq!(
        v.published_at.unwrap().to_rfc3339(),
        "2026-07-16T13:18:51+00:00"
    );
    assert_eq!(
        v.thumbnail_url.as_deref(),
        Some("https://videoimg.sooplive.com/php/SnapshotLoad.php?rowKey=20260716_D268BB0A_295620635_1_r")
    );
    assert!(!v.adult);
    assert!(vods[1].adult, "grade 19");
    assert_eq!(vods[1].views, Some(18845));
    assert_eq!(v.category_name.as_deref(), Some("Virtual"));
}

#[test]
fn every_capture_has_a_parser_that_accepts_it() {
    for name in fixture_names("soop") {
        let body = fixture(&format!("soop/{name}"));
        let ok = if name.starts_with("chapi_api_vods") {
            matches!(parse_vods(&body, "x"), Ok(v) if !v.is_empty())
        } else if name.starts_with("openapi_broad_list") {
            matches!(parse_open_broad_list(&body), Ok(p) if !p.items.is_empty() && p.dropped == 0)
        } else if name.starts_with("openapi_broad_category_list") {
            matches!(parse_open_categories(&body), Ok(c) if !c.is_empty())
        } else if name.starts_with("openapi_error") {
            // The documented refusal (`result <= 0`) is an error, never an empty list.
            parse_open_broad_list(&body).is_err()
        } else {
            panic!("no parser assigned to fixture soop/{name}");
        };
        assert!(ok, "soop/{name} did not parse");
    }
}

/// `lang_tags` values as SOOP writes them, from the only real capture that carries them (the
/// live list's 2026 items use the same tag vocabulary).
#[test]
fn lang_tags_of_the_2026_capture_are_understood() {
    let page: serde_json::Value =
        serde_json::from_slice(&fixture("soop/chapi_api_vods_review.2026-07-16.json")).unwrap();
    let tags: Vec<String> = page["data"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|v| {
            v["ucc"]["lang_tags"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .map(|t| t.as_str().unwrap().to_string())
        .collect();
    assert!(!tags.is_empty(), "the capture carries lang_tags");
    for t in &tags {
        assert_eq!(lang_tag_code(t), Some("ko"), "{t}");
    }
}
