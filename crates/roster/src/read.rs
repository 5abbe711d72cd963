//! Reading rows from spreadsheets and CSV, then entries from rows.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::path::Path;

use calamine::{open_workbook_auto_from_rs, Data, Reader, Xlsb, Xlsx};
use streamtide_core::Platform;

use crate::header::{platform_from_label, Column, Header};
use crate::limits::{self, Budget, ReadLimits};
use crate::{Entry, Roster, RosterError, RowError};

/// Rows searched for the header (sheets often start with a title or blank rows).
const HEADER_SEARCH_ROWS: usize = 10;

/// A row as read from the file: its cells, or why it could not be read.
type RawRow = Result<Vec<String>, String>;

/// Read a roster file, choosing the reader by extension (a CSV's encoding detected), within the
/// default [`ReadLimits`].
pub fn read_path(path: &Path) -> Result<Roster, RosterError> {
    read_path_with(path, None)
}

/// [`read_path`], with a CSV read in `encoding` (`None`: detected, see [`crate::decode_text`]).
pub fn read_path_with(
    path: &Path,
    encoding: Option<&'static encoding_rs::Encoding>,
) -> Result<Roster, RosterError> {
    read_path_limited(path, encoding, &ReadLimits::default())
}

/// [`read_path_with`] within `limits`: a file larger than they allow is refused before it is
/// read into memory.
pub fn read_path_limited(
    path: &Path,
    encoding: Option<&'static encoding_rs::Encoding>,
    limits: &ReadLimits,
) -> Result<Roster, RosterError> {
    let ext = extension(path.to_str().unwrap_or(""));
    let name = path.display().to_string();
    if matches!(ext.as_str(), "xlsx" | "xlsm" | "xlsb" | "xls" | "ods") && encoding.is_some() {
        return Err(RosterError::EncodingOfSpreadsheet(name));
    }
    let unreadable = |message: String| RosterError::Unreadable {
        path: name.clone(),
        message,
    };
    let len = std::fs::metadata(path)
        .map_err(|e| unreadable(e.to_string()))?
        .len();
    limits::check_file_size(len, limits)?;
    // Read no more than the limit even if the file grows meanwhile.
    let mut bytes = Vec::with_capacity(len as usize);
    std::fs::File::open(path)
        .and_then(|f| f.take(limits.max_file_bytes + 1).read_to_end(&mut bytes))
        .map_err(|e| unreadable(e.to_string()))?;
    limits::check_file_size(bytes.len() as u64, limits)?;
    read_bytes_inner(&name, &ext, &bytes, encoding, limits)
}

/// Read a roster uploaded as bytes; `file_name`'s extension says the format. Default limits.
pub fn read_bytes(file_name: &str, bytes: &[u8]) -> Result<Roster, RosterError> {
    read_bytes_limited(file_name, bytes, &ReadLimits::default())
}

/// [`read_bytes`] within `limits`.
pub fn read_bytes_limited(
    file_name: &str,
    bytes: &[u8],
    limits: &ReadLimits,
) -> Result<Roster, RosterError> {
    limits::check_file_size(bytes.len() as u64, limits)?;
    read_bytes_inner(file_name, &extension(file_name), bytes, None, limits)
}

fn extension(file_name: &str) -> String {
    Path::new(file_name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn read_bytes_inner(
    file_name: &str,
    ext: &str,
    bytes: &[u8],
    encoding: Option<&'static encoding_rs::Encoding>,
    limits: &ReadLimits,
) -> Result<Roster, RosterError> {
    let mut budget = Budget::new(limits);
    let unreadable = |message: String| RosterError::Unreadable {
        path: file_name.to_string(),
        message,
    };
    let cursor = || Cursor::new(bytes);
    // The first sheet of an .xlsx or .xlsb, cell by cell: its declared dimension is checked
    // first and no dense range is ever allocated. (A macro: the two workbooks' cell readers are
    // different types with no common trait.)
    macro_rules! stream_first_sheet {
        ($book:expr) => {{
            let mut book = $book;
            let sheet = book
                .sheet_names()
                .first()
                .cloned()
                .ok_or(RosterError::NoSheet)?;
            let mut cells = book
                .worksheet_cells_reader(&sheet)
                .map_err(|e| unreadable(e.to_string()))?;
            let d = cells.dimensions();
            limits::check_dimension(d.start, d.end, limits)?;
            let mut sparse = SparseRows::default();
            while let Some(cell) = cells.next_cell().map_err(|e| unreadable(e.to_string()))? {
                sparse.push(
                    cell.get_position(),
                    Data::from(cell.get_value().clone()),
                    &mut budget,
                )?;
            }
            sparse.read()
        }};
    }
    match ext {
        "csv" | "tsv" | "txt" => read_csv_budget(bytes, encoding, &mut budget),
        "xlsx" | "xlsm" => {
            limits::check_zip(cursor(), &budget)?;
            let book = Xlsx::new(cursor()).map_err(|e| unreadable(e.to_string()))?;
            stream_first_sheet!(book)
        }
        "xlsb" => {
            limits::check_zip(cursor(), &budget)?;
            let book = Xlsb::new(cursor()).map_err(|e| unreadable(e.to_string()))?;
            stream_first_sheet!(book)
        }
        "xls" | "ods" => {
            // calamine has no streaming reader for these: an ods's zip and the repeats its
            // content.xml declares, an xls's DIMENSIONS records and cell positions are checked
            // before calamine allocates for them, then the range's, before it becomes rows.
            if ext == "ods" {
                limits::check_zip(cursor(), &budget)?;
                crate::ods::check_declared(cursor(), &budget)?;
            } else {
                crate::xls::check_declared(bytes, &budget)?;
            }
            let mut book =
                open_workbook_auto_from_rs(cursor()).map_err(|e| unreadable(e.to_string()))?;
            let range = book
                .worksheet_range_at(0)
                .ok_or(RosterError::NoSheet)?
                .map_err(|e| unreadable(e.to_string()))?;
            if let (Some(start), Some(end)) = (range.start(), range.end()) {
                limits::check_dimension(start, end, limits)?;
            }
            let mut sparse = SparseRows::default();
            for (row, col, value) in range.used_cells() {
                let (r0, c0) = range.start().unwrap_or((0, 0));
                sparse.push(
                    (r0 + row as u32, c0 + col as u32),
                    value.clone(),
                    &mut budget,
                )?;
            }
            sparse.read()
        }
        other => Err(RosterError::UnsupportedType(other.to_string())),
    }
}

/// Cells as they stream from a sheet, kept by row: only what is there is stored.
#[derive(Default)]
struct SparseRows {
    rows: BTreeMap<u32, Vec<(u32, String)>>,
    first_col: Option<u32>,
}

impl SparseRows {
    fn push(
        &mut self,
        (row, col): (u32, u32),
        value: Data,
        budget: &mut Budget<'_>,
    ) -> Result<(), RosterError> {
        let text = cell_text(&value);
        if text.is_empty() {
            return Ok(());
        }
        budget.cell(u64::from(row), u64::from(col), text.chars().count())?;
        self.first_col = Some(self.first_col.map_or(col, |c| c.min(col)));
        self.rows.entry(row).or_default().push((col, text));
        Ok(())
    }

    /// Rows from the first used one, columns from the first used one (as calamine's ranges
    /// start), keeping the user's row numbers.
    fn read(self) -> Result<Roster, RosterError> {
        let Some(&first_row) = self.rows.keys().next() else {
            return read_rows_from(Vec::new(), 0);
        };
        let last_row = self.rows.keys().next_back().copied().unwrap_or(first_row);
        let first_col = self.first_col.unwrap_or(0);
        let mut rows: Vec<RawRow> = vec![Ok(Vec::new()); (last_row - first_row + 1) as usize];
        for (r, cells) in self.rows {
            let width = cells
                .iter()
                .map(|(c, _)| c - first_col + 1)
                .max()
                .unwrap_or(0);
            let mut row = vec![String::new(); width as usize];
            for (c, text) in cells {
                row[(c - first_col) as usize] = text;
            }
            rows[(r - first_row) as usize] = Ok(row);
        }
        read_rows_from(rows, first_row as usize)
    }
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

/// [`read_csv`] in `encoding` (`None`: detected), within the default [`ReadLimits`].
pub fn read_csv_with(
    bytes: &[u8],
    encoding: Option<&'static encoding_rs::Encoding>,
) -> Result<Roster, RosterError> {
    let limits = ReadLimits::default();
    limits::check_file_size(bytes.len() as u64, &limits)?;
    read_csv_budget(bytes, encoding, &mut Budget::new(&limits))
}

fn read_csv_budget(
    bytes: &[u8],
    encoding: Option<&'static encoding_rs::Encoding>,
    budget: &mut Budget<'_>,
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
    let mut rows: Vec<RawRow> = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = match record {
            Ok(r) => {
                for (col, cell) in r.iter().enumerate() {
                    if !cell.is_empty() {
                        budget.cell(i as u64, col as u64, cell.chars().count())?;
                    }
                }
                Ok(r.iter().map(str::to_string).collect())
            }
            Err(e) => {
                budget.cell(i as u64, 0, 0)?;
                Err(format!("malformed CSV line: {e}"))
            }
        };
        rows.push(row);
    }
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
