//! SOOP's Open API on the simulator: the documented shapes (our `docs-shape` fixtures), the
//! `client_id` check with the documented error answer, paging, and JSONP.

use crate::common::{client, fixture, get_json, shape_mismatches, start_default};
use streamtide_core::Platform;
use streamtide_simulator::SimConfig;

#[tokio::test]
async fn broad_list_has_the_documented_shape_and_pages_by_60() {
    let (sim, _clock) = start_default().await;
    let c = client();
    let id = SimConfig::default().soop_client_id;
    let url = |page: u64| {
        format!(
            "{}/broad/list?client_id={id}&order_type=view_cnt&page_no={page}",
            sim.soop_base()
        )
    };
    let first = get_json(&c, &url(1)).await;
    let mismatches = shape_mismatches(&fixture("soop/openapi_broad_list.docs-shape.json"), &first);
    assert!(mismatches.is_empty(), "{mismatches:#?}");
    let total = first["total_cnt"].as_u64().unwrap() as usize;
    let broad = first["broad"].as_array().unwrap();
    assert_eq!(broad.len(), total.min(60));
    assert_eq!(
        total,
        sim.world()
            .live_list_at(Platform::Soop, crate::common::t0())
            .len()
    );
    // Sorted by viewers, every value a string.
    let viewers: Vec<u64> = broad
        .iter()
        .map(|b| b["total_view_cnt"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(viewers.windows(2).all(|w| w[0] >= w[1]), "{viewers:?}");
    for b in broad {
        for (k, v) in b.as_object().unwrap() {
            assert!(v.is_string(), "{k} = {v}");
        }
        assert!(
            b.get("category_name").is_none(),
            "the Open API has no 2026 web fields"
        );
    }
    // The next page goes on where the first ended.
    if total > 60 {
        let second = get_json(&c, &url(2)).await;
        assert_eq!(second["page_no"], 2);
        assert_ne!(second["broad"][0]["user_id"], broad[0]["user_id"]);
    }
}

#[tokio::test]
async fn a_wrong_or_missing_client_id_gets_the_error_answer() {
    let (sim, _clock) = start_default().await;
    let c = client();
    for q in ["client_id=nope&page_no=1", "page_no=1"] {
        let v = get_json(&c, &format!("{}/broad/list?{q}", sim.soop_base())).await;
        assert!(v["result"].as_i64().unwrap() <= 0, "{v}");
        assert!(v["msg"].is_string() && v.get("broad").is_none(), "{v}");
        let v = get_json(&c, &format!("{}/broad/category/list?{q}", sim.soop_base())).await;
        assert!(v["result"].as_i64().unwrap() <= 0, "{v}");
    }
    let shape = shape_mismatches(
        &fixture("soop/openapi_error.docs-shape.json"),
        &get_json(&c, &format!("{}/broad/list?client_id=x", sim.soop_base())).await,
    );
    assert!(shape.is_empty(), "{shape:#?}");
}

#[tokio::test]
async fn categories_and_jsonp() {
    let (sim, _clock) = start_default().await;
    let c = client();
    let id = SimConfig::default().soop_client_id;
    let cats = get_json(
        &c,
        &format!(
            "{}/broad/category/list?client_id={id}&locale=ko_KR",
            sim.soop_base()
        ),
    )
    .await;
    let mismatches = shape_mismatches(
        &fixture("soop/openapi_broad_category_list.docs-shape.json"),
        &cats,
    );
    assert!(mismatches.is_empty(), "{mismatches:#?}");
    let games = cats["broad_category"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["cate_no"] == "00040000")
        .unwrap();
    assert!(games["child"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["cate_no"] == "00040019" && c["cate_name"] == "리그 오브 레전드"));
    let text = c
        .get(format!(
            "{}/broad/list?client_id={id}&page_no=1&callback=cb",
            sim.soop_base()
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.starts_with("cb({") && text.ends_with(");"),
        "{text:.80}"
    );
}
