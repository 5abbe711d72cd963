//! CSV for spreadsheets: the one cell rule every CSV writer of streamtide uses.

use crate::{Cell, Sheet};

/// The UTF-8 byte order mark: Excel reads a CSV without it in the system's code page (CP949 on a
/// Korean Windows) and shows Korean names as mojibake.
pub const BOM: &str = "\u{feff}";

/// Whether a spreadsheet would take text starting like `s` as a formula (or a DDE command):
/// `=`, `+`, `-`, `@`, tab or carriage return first (OWASP's list), or their full-width forms,
/// which East Asian editions of Excel may convert on input.
pub fn needs_neutralising(s: &str) -> bool {
    s.starts_with([
        '=', '+', '-', '@', '\t', '\r', '\u{ff1d}', '\u{ff0b}', '\u{ff0d}', '\u{ff20}',
    ])
}

/// A text cell as a CSV field: prefixed with `'` when a spreadsheet would run it as a formula
/// ([`needs_neutralising`]), then quoted when it holds a comma, quote or line break (RFC 4180).
/// Every text cell of every CSV streamtide writes goes through here.
pub fn csv_text(s: &str) -> String {
    let neutral;
    let s = if needs_neutralising(s) {
        neutral = format!("'{s}");
        neutral.as_str()
    } else {
        s
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn field(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(s) => csv_text(s),
        // Numbers we computed are numbers: a negative change stays `-5`.
        Cell::Int(v) => v.to_string(),
        Cell::Float(v) if v.is_finite() => v.to_string(),
        Cell::Float(_) => String::new(),
        Cell::Bool(b) => b.to_string(),
        Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
        Cell::Time(t) => t.to_rfc3339(),
    }
}

pub(crate) fn to_csv(sheet: &Sheet) -> String {
    let mut out = String::from(BOM);
    let line = |cells: Vec<String>, out: &mut String| {
        out.push_str(&cells.join(","));
        out.push('\n');
    };
    line(sheet.header.iter().map(|h| csv_text(h)).collect(), &mut out);
    for row in &sheet.rows {
        line(row.iter().map(field).collect(), &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text_and_fields_are_quoted_when_needed() {
        assert_eq!(csv_text("plain 이름"), "plain 이름");
        assert_eq!(csv_text("a,b"), "\"a,b\"");
        assert_eq!(csv_text("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(
            csv_text("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""
        );
        assert_eq!(csv_text("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
        assert_eq!(csv_text("-2+3"), "'-2+3");
        assert_eq!(csv_text("@SUM(A1:A9)"), "'@SUM(A1:A9)");
        assert_eq!(csv_text("\t=1"), "'\t=1");
        assert_eq!(csv_text("\r=1"), "\"'\r=1\"");
        assert_eq!(csv_text("＝1+1"), "'＝1+1");
        // Only the first character matters: these are ordinary text.
        assert_eq!(csv_text("a=b"), "a=b");
        assert_eq!(csv_text("e-mail"), "e-mail");
        assert_eq!(csv_text(""), "");
    }

    #[test]
    fn numbers_stay_numbers_and_unknown_is_empty() {
        let mut s = Sheet::new("t", &["name", "change", "pct", "day", "at"]);
        s.push(vec![
            Cell::from("-하락"),
            Cell::Int(-5),
            Cell::Float(-1.25),
            Cell::Date(chrono::NaiveDate::from_ymd_opt(2026, 3, 4).unwrap()),
            Cell::Empty,
        ]);
        s.push(vec![
            Cell::Empty,
            Cell::Empty,
            Cell::Float(f64::NAN),
            Cell::Empty,
            Cell::Empty,
        ]);
        let csv = s.to_csv();
        assert!(csv.starts_with(BOM));
        let lines: Vec<&str> = csv.trim_start_matches(BOM).lines().collect();
        assert_eq!(
            lines,
            [
                "name,change,pct,day,at",
                "'-하락,-5,-1.25,2026-03-04,",
                ",,,,"
            ]
        );
    }
}
