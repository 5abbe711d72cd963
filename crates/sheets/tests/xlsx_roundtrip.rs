//! Workbooks read back by calamine (a reader we did not write): Korean text intact, formula-like
//! names stored as plain strings with no formula behind them, numbers as numbers, dates as dates.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::{NaiveDate, TimeZone, Utc};
use streamtide_sheets::{to_xlsx, Cell, Sheet};

#[test]
fn korean_and_formula_like_text_come_back_as_written() {
    let hostile = [
        "=HYPERLINK(\"http://evil.example\",\"클릭\")",
        "+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1:A9)",
        "\t=1",
    ];
    let mut risers = Sheet::new("Risers", &["크리에이터", "변화", "비율", "날짜", "시각"]);
    risers.push(vec![
        Cell::from("침착맨"),
        Cell::Int(-5),
        Cell::Float(12.5),
        Cell::Date(NaiveDate::from_ymd_opt(2026, 3, 4).unwrap()),
        Cell::Time(Utc.with_ymd_and_hms(2026, 3, 4, 12, 30, 15).unwrap()),
    ]);
    for h in hostile {
        risers.push(vec![Cell::from(h), Cell::Empty]);
    }
    let mut daily = Sheet::new("Daily", &["day"]);
    daily.push(vec![Cell::Bool(true)]);
    let bytes = to_xlsx(&[risers, daily]).unwrap();

    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names(), vec!["Risers", "Daily"]);
    let range = book.worksheet_range("Risers").unwrap();
    assert_eq!(range.get((0, 0)), Some(&Data::String("크리에이터".into())));
    assert_eq!(range.get((1, 0)), Some(&Data::String("침착맨".into())));
    assert_eq!(range.get((1, 1)), Some(&Data::Float(-5.0)));
    assert_eq!(range.get((1, 2)), Some(&Data::Float(12.5)));
    // Excel counts days from 1899-12-30.
    let serial =
        |d: NaiveDate| (d - NaiveDate::from_ymd_opt(1899, 12, 30).unwrap()).num_days() as f64;
    let day = serial(NaiveDate::from_ymd_opt(2026, 3, 4).unwrap());
    match range.get((1, 3)) {
        Some(Data::DateTime(d)) => assert_eq!(d.as_f64(), day),
        other => panic!("a date cell, not {other:?}"),
    }
    match range.get((1, 4)) {
        Some(Data::DateTime(d)) => {
            let want = day + (12.0 * 3600.0 + 30.0 * 60.0 + 15.0) / 86_400.0;
            assert!((d.as_f64() - want).abs() < 1e-6, "{} vs {want}", d.as_f64());
        }
        other => panic!("a date-time cell, not {other:?}"),
    }
    for (i, h) in hostile.iter().enumerate() {
        assert_eq!(
            range.get((2 + i, 0)),
            Some(&Data::String(h.to_string())),
            "row {i}: kept exactly, as text"
        );
    }
    let formulas = book.worksheet_formula("Risers").unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no cell holds a formula"
    );
}
