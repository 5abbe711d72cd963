//! Reading rows from spreadsheets and CSV, then entries from rows.

use std::path::Path;

use calamine::{open_workbook_auto, open_workbook_auto_from_rs, Data, Range, Reader};
use streamtide_core::Platform;

use crate::header::{platform_from_label, Column, Header};
use crate::{Entry, Roster, RosterError, RowError};

/// Rows searched for the header (sheets often start with a title or blank rows).
const HEADER_SEARCH_ROWS: usize = 10;

/// A row as read from the file: its cells, or why it could not be read.
type RawRow = Result<Vec<String>, String>;

/// Read a roster file, choosing the reader by extension (a CSV's encoding detected).
pub fn read_path(path: &Path) -> Result<Roster, RosterError> {
    read_path_with(path, None)
}

/// [`read_path`], with a CSV read in `encoding` (`None`: detected, see [`crate::decode_text`]).
pub fn read_path_with(
    path: &Path,
    encoding: Option<&'static encoding_rs::Encoding>,
) -> Result<Roster, RosterError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let unreadable = |message: String| RosterError::Unreadable {
        path: path.display().to_string(),
        message,
    };
    match ext.as_str() {
        "csv" | "tsv" | "txt" => {
            let bytes = std::fs::read(path).map_err(|e| unreadable(e.to_string()))?;
            read_csv_with(&bytes, encoding)
        }
        "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => {
            if encoding.is_some() {
                return Err(RosterError::EncodingOfSpreadsheet(
                    path.display().to_string(),
                ));
            }
            let mut book = open_workbook_auto(path).map_err(|e| unreadable(e.to_string()))?;
            let range = book
                .worksheet_range_at(0)
                .ok_or(RosterError::NoSheet)?
                .map_err(|e| unreadable(e.to_string()))?;
            read_range(&range)
        }
        other => Err(RosterError::UnsupportedType(other.to_string())),
    }
}

/// Read a roster uploaded as bytes; `file_name`'s extension says the format.
pub fn read_bytes(file_name: &str, bytes: &[u8]) -> Result<Roster, RosterError> {
    let ext = Path::new(file_name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let unreadable = |message: String| RosterError::Unreadable {
        path: file_name.to_string(),
        message,
    };
    match ext.as_str() {
        "csv" | "tsv" | "txt" => read_csv(bytes),
        "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => {
            let mut book = open_workbook_auto_from_rs(std::io::Cursor::new(bytes.to_vec()))
                .map_err(|e| unreadable(e.to_string()))?;
            let range = book
                .worksheet_range_at(0)
                .ok_or(RosterError::NoSheet)?
                .map_err(|e| unreadable(e.to_string()))?;
            read_range(&range)
        }
        other => Err(RosterError::UnsupportedType(other.to_string())),
    }
}

fn read_range(range: &Range<Data>) -> Result<Roster, RosterError> {
    let rows: Vec<RawRow> = range
        .rows()
        .map(|r| Ok(r.iter().map(cell_text).collect()))
        .collect();
    // calamine ranges start at the first used cell; keep the user's row numbers.
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    read_rows_from(rows, first_row)
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        // Whole numbers (ids typed into a numeric cell) without a trailing ".0".
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        other => other.to_string(),
    }
}

/// Read CSV bytes (comma, semicolon or tab separated), their encoding detected: UTF-8 with or
/// without BOM, UTF-16 with BOM, or CP949 (EUC-KR).
pub fn read_csv(bytes: &[u8]) -> Result<Roster, RosterError> {
    read_csv_with(bytes, None)
}

/// [`read_csv`] in `encoding` (`None`: detected).
pub fn read_csv_with(
    bytes: &[u8],
    encoding: Option<&'static encoding_rs::Encoding>,
) -> Result<Roster, RosterError> {
    let (text, used) = crate::encoding::decode(bytes, encoding)?;
    let text = text.trim_start_matches('\u{feff}');
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| first_line.bytes().filter(|b| b == d).count())
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let rows: Vec<RawRow> = reader
        .records()
        .map(|record| {
            record
                .map(|r| r.iter().map(str::to_string).collect())
                .map_err(|e| format!("malformed CSV line: {e}"))
        })
        .collect();
    let mut roster = read_rows_from(rows, 0)?;
    roster.encoding = Some(crate::encoding::display_name(used).to_string());
    Ok(roster)
}

/// Read a roster from rows of cells (row 0 = spreadsheet row 1).
pub fn read_rows(rows: Vec<Vec<String>>) -> Result<Roster, RosterError> {
    read_rows_from(rows.into_iter().map(Ok).collect(), 0)
}

fn read_rows_from(rows: Vec<RawRow>, first_row: usize) -> Result<Roster, RosterError> {
    let (header_idx, header) = rows
        .iter()
        .take(HEADER_SEARCH_ROWS)
        .enumerate()
        .find_map(|(i, r)| {
            r.as_ref()
                .ok()
                .and_then(|r| Header::recognise(r))
                .map(|h| (i, h))
        })
        .ok_or(RosterError::NoHeader(HEADER_SEARCH_ROWS))?;
    let mut roster = Roster::default();
    for (i, raw) in rows.iter().enumerate().skip(header_idx + 1) {
        let row = first_row + i + 1;
        let cells = match raw {
            Ok(cells) => cells,
            Err(message) => {
                roster.rows += 1;
                roster.errors.push(RowError {
                    row,
                    message: message.clone(),
                    creator: String::new(),
                    reference: String::new(),
                });
                continue;
            }
        };
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        roster.rows += 1;
        match row_entries(&header, cells, row) {
            Ok(entries) => roster.entries.extend(entries),
            Err(e) => roster.errors.push(e),
        }
    }
    Ok(roster)
}

/// Split a cell that may hold several references (one per line, or separated by spaces/commas).
fn references(cell: &str) -> impl Iterator<Item = &str> {
    cell.split(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == '|')
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn row_entries(header: &Header, cells: &[String], row: usize) -> Result<Vec<Entry>, RowError> {
    let get = |i: usize| cells.get(i).map(|s| s.trim()).unwrap_or("");
    let mut creator = String::new();
    let mut row_platform: Option<Platform> = None;
    let mut platform_label = String::new();
    let mut refs: Vec<(Option<Platform>, String, bool)> = Vec::new();
    let mut notes = Vec::new();
    for (i, col) in header.columns.iter().enumerate() {
        let value = get(i);
        if value.is_empty() {
            continue;
        }
        match col {
            Column::Creator => {
                if creator.is_empty() {
                    creator = value.to_string();
                }
            }
            Column::Platform => {
                platform_label = value.to_string();
                row_platform = platform_from_label(value);
            }
            Column::Reference => {
                refs.extend(references(value).map(|r| (None, r.to_string(), true)))
            }
            Column::PlatformReference(p) => {
                refs.extend(references(value).map(|r| (Some(*p), r.to_string(), false)))
            }
            Column::Note(h) => notes.push((h.clone(), value.to_string())),
        }
    }
    let error = |message: String| RowError {
        row,
        message,
        creator: creator.clone(),
        reference: refs
            .iter()
            .map(|(_, r, _)| r.as_str())
            .collect::<Vec<_>>()
            .join(" "),
    };
    if creator.is_empty() {
        return Err(error("no creator name".into()));
    }
    if refs.is_empty() {
        return Err(error(format!(
            "`{creator}` has no channel URL, handle or id"
        )));
    }
    if !platform_label.is_empty() && row_platform.is_none() {
        return Err(error(format!("unknown platform `{platform_label}`")));
    }
    Ok(refs
        .into_iter()
        .map(|(p, reference, generic)| Entry {
            row,
            creator: creator.clone(),
            platform: if generic { row_platform } else { p },
            reference,
            notes: notes.clone(),
        })
        .collect())
}
