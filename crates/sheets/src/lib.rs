//! Tables written for people: CSV and .xlsx for Excel (what Korean offices work in).
//!
//! Every CSV streamtide writes (CLI exports, the API's `format=csv`) goes through [`Sheet`] and
//! its one cell rule, [`csv_text`]: a text cell that a spreadsheet would run as a formula
//! (it starts with `=`, `+`, `-`, `@`, tab or CR) gets a leading `'`, so a channel called
//! `=HYPERLINK(…)` stays text. Numbers we computed ([`Cell::Int`], [`Cell::Float`]) are written
//! as numbers: `-5` in a change column stays `-5`, and only text can carry a formula. The CSV
//! starts with a UTF-8 byte order mark, without which Excel reads Korean as mojibake (a file
//! downloaded from the API loses its `Content-Type` charset on the way to Excel).
//!
//! [`to_xlsx`] writes the same sheets as a workbook; text is always written as a string cell,
//! never as a formula, so no prefix is needed there and names keep their exact spelling.

mod csv;
mod xlsx;

use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};

pub use crate::csv::{csv_text, needs_neutralising, BOM};
pub use crate::xlsx::{to_xlsx, MAX_ROWS, MAX_TEXT_CHARS};

/// One cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Unknown or not applicable: an empty cell (never a 0).
    Empty,
    /// Text from anywhere, names included: neutralised in CSV, a string cell in .xlsx.
    Text(String),
    /// A whole number we computed.
    Int(i64),
    /// A number we computed; round it first to the precision worth showing. NaN and infinities
    /// are written as empty cells.
    Float(f64),
    Bool(bool),
    /// A calendar day (in whatever time zone the column's header says).
    Date(NaiveDate),
    /// An instant: RFC 3339 in CSV, a UTC date-time in .xlsx.
    Time(DateTime<Utc>),
}

impl Cell {
    /// Text, or empty when `None`.
    pub fn text(s: Option<impl Into<String>>) -> Cell {
        s.map_or(Cell::Empty, |s| Cell::Text(s.into()))
    }

    /// A whole number, or empty when unknown.
    pub fn int(v: Option<impl Into<i64>>) -> Cell {
        v.map_or(Cell::Empty, |v| Cell::Int(v.into()))
    }

    /// An unsigned count, or empty when unknown (beyond `i64::MAX` it is written as a float).
    pub fn count(v: Option<u64>) -> Cell {
        match v {
            None => Cell::Empty,
            Some(n) => i64::try_from(n).map_or(Cell::Float(n as f64), Cell::Int),
        }
    }

    /// A number, or empty when unknown.
    pub fn float(v: Option<f64>) -> Cell {
        v.map_or(Cell::Empty, Cell::Float)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<i64> for Cell {
    fn from(v: i64) -> Self {
        Cell::Int(v)
    }
}

impl From<u32> for Cell {
    fn from(v: u32) -> Self {
        Cell::Int(i64::from(v))
    }
}

impl From<f64> for Cell {
    fn from(v: f64) -> Self {
        Cell::Float(v)
    }
}

impl From<bool> for Cell {
    fn from(v: bool) -> Self {
        Cell::Bool(v)
    }
}

impl From<NaiveDate> for Cell {
    fn from(v: NaiveDate) -> Self {
        Cell::Date(v)
    }
}

impl From<DateTime<Utc>> for Cell {
    fn from(v: DateTime<Utc>) -> Self {
        Cell::Time(v)
    }
}

/// A table with a header row: one CSV file, or one worksheet of a workbook.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The worksheet's tab (cut to Excel's 31 characters, without `[]:*?/\`).
    pub name: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Sheet {
    pub fn new(name: impl Into<String>, header: &[&str]) -> Sheet {
        Sheet {
            name: name.into(),
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        self.rows.push(row);
    }

    /// The sheet as CSV for Excel: a UTF-8 byte order mark, the header, then one line per row.
    pub fn to_csv(&self) -> String {
        csv::to_csv(self)
    }
}

/// A file format chosen by a file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Csv,
    Xlsx,
}

/// Why a table could not be written.
#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    #[error("cannot tell the format of `{0}`: name the file .csv or .xlsx")]
    UnknownExtension(String),
    #[error("`{0}`: .{1} is not written here; name the file .csv or .xlsx")]
    UnsupportedExtension(String, String),
    #[error("sheet `{sheet}` has {rows} rows; Excel holds at most {max} per sheet (export less, or as CSV)")]
    TooManyRows {
        sheet: String,
        rows: usize,
        max: usize,
    },
    #[error("writing the workbook: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

impl FileFormat {
    /// The format `path`'s extension names (`.csv`, `.xlsx`, any case).
    pub fn of_path(path: &Path) -> Result<FileFormat, SheetError> {
        let shown = path.display().to_string();
        let Some(ext) = path.extension().and_then(|e| e.to_str()) else {
            return Err(SheetError::UnknownExtension(shown));
        };
        match ext.to_ascii_lowercase().as_str() {
            "csv" => Ok(FileFormat::Csv),
            "xlsx" => Ok(FileFormat::Xlsx),
            other => Err(SheetError::UnsupportedExtension(shown, other.to_string())),
        }
    }
}

/// The bytes of `sheets` in `format`: CSV holds one sheet (the first), a workbook every one.
pub fn to_bytes(format: FileFormat, sheets: &[Sheet]) -> Result<Vec<u8>, SheetError> {
    match format {
        FileFormat::Csv => Ok(sheets
            .first()
            .map(Sheet::to_csv)
            .unwrap_or_default()
            .into_bytes()),
        FileFormat::Xlsx => to_xlsx(sheets),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_extension() {
        assert_eq!(
            FileFormat::of_path(Path::new("a/weekly.XLSX")).unwrap(),
            FileFormat::Xlsx
        );
        assert_eq!(
            FileFormat::of_path(Path::new("x.csv")).unwrap(),
            FileFormat::Csv
        );
        let e = FileFormat::of_path(Path::new("x.xls"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(".xls is not written") && e.contains(".csv or .xlsx"),
            "{e}"
        );
        let e = FileFormat::of_path(Path::new("report"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("name the file .csv or .xlsx"), "{e}");
    }

    #[test]
    fn counts_beyond_i64_stay_numbers() {
        assert_eq!(Cell::count(Some(5)), Cell::Int(5));
        assert_eq!(Cell::count(None), Cell::Empty);
        assert!(matches!(Cell::count(Some(u64::MAX)), Cell::Float(_)));
    }
}
