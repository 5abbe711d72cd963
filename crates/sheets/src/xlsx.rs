//! Workbooks: one worksheet per [`Sheet`], text always as string cells (never formulas), a bold
//! frozen header, and columns sized to their contents.

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use crate::{Cell, Sheet, SheetError};

/// Rows a worksheet holds, the header included (Excel's limit).
pub const MAX_ROWS: usize = 1_048_576;
/// Characters a cell holds (Excel's limit); longer text is cut, ending in `…`.
pub const MAX_TEXT_CHARS: usize = 32_767;

/// A worksheet name Excel accepts: no `[]:*?/\`, not blank, at most 31 characters, and not
/// already taken in this workbook.
fn sheet_name(wanted: &str, taken: &[String]) -> String {
    let clean: String = wanted
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect();
    let clean = clean.trim().trim_matches('\'');
    let base: String = if clean.is_empty() { "Sheet" } else { clean }
        .chars()
        .take(31)
        .collect();
    let mut name = base.clone();
    let mut n = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&name)) {
        let suffix = format!(" ({n})");
        name = base
            .chars()
            .take(31 - suffix.chars().count())
            .chain(suffix.chars())
            .collect();
        n += 1;
    }
    name
}

fn cut(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().count() <= MAX_TEXT_CHARS {
        s.into()
    } else {
        let mut t: String = s.chars().take(MAX_TEXT_CHARS - 1).collect();
        t.push('…');
        t.into()
    }
}

fn excel_time(t: &chrono::DateTime<chrono::Utc>) -> Result<ExcelDateTime, SheetError> {
    use chrono::{Datelike, Timelike};
    let year = u16::try_from(t.year()).unwrap_or(1900);
    Ok(
        ExcelDateTime::from_ymd(year, t.month() as u8, t.day() as u8)?.and_hms(
            t.hour() as u16,
            t.minute() as u8,
            f64::from(t.second()),
        )?,
    )
}

/// `sheets` as the bytes of an .xlsx workbook.
pub fn to_xlsx(sheets: &[Sheet]) -> Result<Vec<u8>, SheetError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let day = Format::new().set_num_format("yyyy-mm-dd");
    let instant = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss \"UTC\"");
    let mut taken: Vec<String> = Vec::new();
    let default = [Sheet::new("Sheet", &[])];
    let sheets = if sheets.is_empty() {
        &default[..]
    } else {
        sheets
    };
    for sheet in sheets {
        if sheet.rows.len() + 1 > MAX_ROWS {
            return Err(SheetError::TooManyRows {
                sheet: sheet.name.clone(),
                rows: sheet.rows.len(),
                max: MAX_ROWS - 1,
            });
        }
        let name = sheet_name(&sheet.name, &taken);
        taken.push(name.clone());
        let ws = book.add_worksheet();
        ws.set_name(&name)?;
        for (c, h) in sheet.header.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, cut(h), &bold)?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = (r + 1) as u32;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Empty => {}
                    // A string cell: Excel never evaluates it, whatever it starts with.
                    Cell::Text(s) => {
                        ws.write_string(r, c, cut(s))?;
                    }
                    Cell::Int(v) => {
                        ws.write_number(r, c, *v as f64)?;
                    }
                    Cell::Float(v) if v.is_finite() => {
                        ws.write_number(r, c, *v)?;
                    }
                    Cell::Float(_) => {}
                    Cell::Bool(b) => {
                        ws.write_boolean(r, c, *b)?;
                    }
                    Cell::Date(d) => {
                        use chrono::Datelike;
                        let year = u16::try_from(d.year()).unwrap_or(1900);
                        let dt = ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8)?;
                        ws.write_datetime_with_format(r, c, &dt, &day)?;
                    }
                    Cell::Time(t) => {
                        ws.write_datetime_with_format(r, c, &excel_time(t)?, &instant)?;
                    }
                }
            }
        }
        if !sheet.header.is_empty() {
            ws.set_freeze_panes(1, 0)?;
        }
        ws.autofit();
    }
    Ok(book.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_follow_excel_rules() {
        assert_eq!(sheet_name("Risers: 7d [all]", &[]), "Risers_ 7d _all_");
        assert_eq!(sheet_name("", &[]), "Sheet");
        let long = "가".repeat(40);
        assert_eq!(sheet_name(&long, &[]).chars().count(), 31);
        let taken = vec!["Daily".to_string()];
        assert_eq!(sheet_name("daily", &taken), "daily (2)");
    }
}
