//! Rosters in the forms services keep them: xlsx with a title row, Korean headers, platform
//! columns, CSV with a platform column; broken rows reported with their row numbers.

use std::path::Path;

use streamtide_core::Platform;
use streamtide_roster::{read_csv, read_path, RosterError};

fn write_xlsx(path: &Path, rows: &[&[&str]]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                sheet.write_string(r as u32, c as u16, *cell).unwrap();
            }
        }
    }
    book.save(path).unwrap();
}

#[test]
fn xlsx_with_title_row_korean_headers_and_platform_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("roster.xlsx");
    write_xlsx(
        &path,
        &[
            &["2026 크리에이터 명단", "", "", ""],
            &["크리에이터", "치지직", "SOOP 주소", "비고"],
            &[
                "랄로",
                "https://chzzk.naver.com/live/3497a9a7221cc3ee5d3f95991d9f95e9",
                "",
                "LoL",
            ],
            &["", "", "", ""],
            &[
                "띵귤",
                "",
                "https://ch.sooplive.co.kr/singgyul\nsoop:other",
                "",
            ],
            &["이름없음", "", "", "메모만"],
            &["", "https://chzzk.naver.com/abc", "", ""],
        ],
    );
    let roster = read_path(&path).unwrap();
    assert_eq!(roster.rows, 4);
    assert_eq!(roster.entries.len(), 3);
    let first = &roster.entries[0];
    assert_eq!(
        (first.row, first.creator.as_str(), first.platform),
        (3, "랄로", Some(Platform::Chzzk))
    );
    assert_eq!(first.notes, vec![("비고".to_string(), "LoL".to_string())]);
    assert_eq!(
        roster.entries[1].reference,
        "https://ch.sooplive.co.kr/singgyul"
    );
    assert_eq!(roster.entries[2].reference, "soop:other");
    assert_eq!(roster.entries[2].platform, Some(Platform::Soop));
    let errors: Vec<(usize, &str)> = roster
        .errors
        .iter()
        .map(|e| (e.row, e.message.as_str()))
        .collect();
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[0].0, 6);
    assert!(errors[0].1.contains("no channel"));
    assert_eq!(errors[1], (7, "no creator name"));
}

#[test]
fn csv_with_platform_column_bom_and_semicolons() {
    let csv = "\u{feff}Name;Platform;Channel;Team\n\
               Alice;twitch;alice_tv;A\n\
               Bob;kick;bob;B\n\
               Carol;;https://www.youtube.com/@carol;\n\
               Dan;YouTube;UCabcdefghijklmnopqrstuv;\n";
    let roster = read_csv(csv.as_bytes()).unwrap();
    assert_eq!(roster.rows, 4);
    let refs: Vec<(&str, Option<Platform>)> = roster
        .entries
        .iter()
        .map(|e| (e.reference.as_str(), e.platform))
        .collect();
    assert_eq!(
        refs,
        vec![
            ("alice_tv", Some(Platform::Twitch)),
            ("https://www.youtube.com/@carol", None),
            ("UCabcdefghijklmnopqrstuv", Some(Platform::Youtube))
        ]
    );
    assert_eq!(roster.errors.len(), 1);
    assert_eq!(roster.errors[0].row, 3);
    assert!(roster.errors[0].message.contains("unknown platform `kick`"));
}

#[test]
fn files_without_a_header_or_of_unknown_type_are_refused() {
    assert!(matches!(
        read_csv(b"a,b\n1,2\n"),
        Err(RosterError::NoHeader(_))
    ));
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("r.pdf");
    std::fs::write(&p, b"x").unwrap();
    assert!(matches!(
        read_path(&p),
        Err(RosterError::UnsupportedType(_))
    ));
    let broken = dir.path().join("broken.xlsx");
    std::fs::write(&broken, b"not a zip").unwrap();
    assert!(matches!(
        read_path(&broken),
        Err(RosterError::Unreadable { .. })
    ));
}

#[test]
fn uploaded_bytes_read_like_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("up.xlsx");
    write_xlsx(&path, &[&["name", "url"], &["A", "soop:abc"]]);
    let bytes = std::fs::read(&path).unwrap();
    let roster = streamtide_roster::read_bytes("roster.XLSX", &bytes).unwrap();
    assert_eq!(roster.entries.len(), 1);
    assert_eq!(roster.entries[0].row, 2);
    let csv = streamtide_roster::read_bytes("r.csv", b"name,url\nB,soop:def\n").unwrap();
    assert_eq!(csv.entries[0].reference, "soop:def");
    assert!(matches!(
        streamtide_roster::read_bytes("r.docx", b"x"),
        Err(RosterError::UnsupportedType(_))
    ));
}

#[test]
fn a_cp949_roster_saved_by_korean_excel_reads_with_its_names() {
    // Written by Python's cp949 codec (fixtures/SOURCES.md), not by the code under test.
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/rosters/roster-cp949.csv");
    let roster = read_path(&path).unwrap();
    assert_eq!(roster.encoding.as_deref(), Some("CP949 (EUC-KR)"));
    assert_eq!(roster.rows, 7);
    let creators: Vec<&str> = roster.entries.iter().map(|e| e.creator.as_str()).collect();
    assert_eq!(
        creators,
        [
            "똠방각하",
            "햇살가득",
            "햇살가득",
            "별빛소녀",
            "없는채널",
            "달빛요정"
        ]
    );
    assert_eq!(roster.entries[0].platform, Some(Platform::Chzzk));
    assert_eq!(
        roster.entries[3].platform,
        Some(Platform::Soop),
        "아프리카TV"
    );
    assert_eq!(roster.entries[5].platform, Some(Platform::Twitch), "트위치");
    assert_eq!(
        roster.entries[3].notes,
        vec![("비고".to_string(), "쉼표, 따옴표 \"포함\" 메모".to_string())]
    );
    // The row without a name keeps its reference for the report.
    assert_eq!(roster.errors.len(), 1);
    let e = &roster.errors[0];
    assert_eq!(
        (e.row, e.creator.as_str(), e.reference.as_str()),
        (7, "", "{CHZZK_2}")
    );
    assert_eq!(e.message, "no creator name");
    // Named, the same; named wrongly, an error naming the line.
    let named = streamtide_roster::read_path_with(
        &path,
        Some(streamtide_roster::encoding_for_label("euc-kr").unwrap()),
    )
    .unwrap();
    assert_eq!(named.entries, roster.entries);
    let wrong = streamtide_roster::read_path_with(
        &path,
        Some(streamtide_roster::encoding_for_label("utf-8").unwrap()),
    )
    .unwrap_err();
    assert_eq!(
        wrong.to_string(),
        "line 1 is not UTF-8 text: is the file in another encoding? Leave out --encoding to detect UTF-8, UTF-16 or CP949 (EUC-KR)"
    );
}
