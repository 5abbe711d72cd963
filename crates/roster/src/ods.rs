//! What an .ods sheet declares, read from its `content.xml` before calamine expands it.
//!
//! OpenDocument compresses repetition into attributes: one `<table:table-row
//! table:number-rows-repeated="1048576">` holding one `<table:table-cell office:value-type="string"
//! table:number-columns-repeated="16384">` is a few hundred bytes that calamine turns into a dense
//! range of billions of cells. So the first table's rows and cells are walked as XML events
//! (nothing kept), adding the repeats up, and a sheet whose *non-empty* cells reach beyond
//! `max_rows`/`max_columns` or number more than `max_cells` is refused. Empty repeated rows and
//! cells (every real file ends with `number-rows-repeated="1048553"` of nothing) only move the
//! position; they cost calamine nothing.

use std::io::{BufReader, Read, Seek};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::limits::{too_large, Budget};
use crate::RosterError;

/// A `number-*-repeated` attribute (1 when absent or unreadable: calamine reads it the same way
/// or fails on it).
fn repeats(e: &BytesStart<'_>, name: &str) -> u64 {
    e.try_get_attribute(name)
        .ok()
        .flatten()
        .and_then(|a| a.value.trim().parse::<u64>().ok())
        .unwrap_or(1)
        .max(1)
}

fn is_cell(name: &str) -> bool {
    name == "table:table-cell" || name == "table:covered-table-cell"
}

/// The row being walked: its repeat count and its non-empty cells.
#[derive(Default)]
struct Row {
    repeated: u64,
    col: u64,
    cells: u64,
}

/// Walk the first table of `content.xml` in the .ods zip `reader`, against the budget's limits.
pub(crate) fn check_declared<R: Read + Seek>(
    reader: R,
    budget: &Budget<'_>,
) -> Result<(), RosterError> {
    let limits = budget.limits;
    let unreadable = |e: &dyn std::fmt::Display| RosterError::Unreadable {
        path: "the spreadsheet".into(),
        message: format!("content.xml: {e}"),
    };
    let mut zip = zip::ZipArchive::new(reader).map_err(|e| unreadable(&e))?;
    let content = zip.by_name("content.xml").map_err(|e| unreadable(&e))?;
    let mut xml = Reader::from_reader(BufReader::new(content));
    let mut buf = Vec::new();
    let (mut in_table, mut row_index, mut cells, mut events) = (false, 0u64, 0u64, 0u64);
    let mut row: Option<Row> = None;
    loop {
        let event = xml.read_event_into(&mut buf).map_err(|e| unreadable(&e))?;
        events += 1;
        if events & 4095 == 0 {
            budget.check_time()?;
        }
        match event {
            Event::Eof => break,
            Event::Start(e) if e.name().as_ref() == "table:table" => in_table = true,
            Event::End(e) if e.name().as_ref() == "table:table" => break,
            Event::Start(e) if in_table && e.name().as_ref() == "table:table-row" => {
                row = Some(Row {
                    repeated: repeats(&e, "table:number-rows-repeated"),
                    ..Row::default()
                });
            }
            Event::Empty(e) if in_table && e.name().as_ref() == "table:table-row" => {
                row_index = row_index.saturating_add(repeats(&e, "table:number-rows-repeated"));
            }
            // A cell with content is an element with children (text, an annotation) or a typed
            // value; an empty element without a type is a blank, however often repeated.
            Event::Start(e) if is_cell(e.name().as_ref()) => {
                if let Some(r) = row.as_mut() {
                    r.cell(repeats(&e, "table:number-columns-repeated"), true, budget)?;
                }
            }
            Event::Empty(e) if is_cell(e.name().as_ref()) => {
                if let Some(r) = row.as_mut() {
                    let typed = e.try_get_attribute("office:value-type").ok().flatten();
                    r.cell(
                        repeats(&e, "table:number-columns-repeated"),
                        typed.is_some(),
                        budget,
                    )?;
                }
            }
            Event::End(e) if e.name().as_ref() == "table:table-row" => {
                let Some(r) = row.take() else { continue };
                if r.cells > 0 {
                    let last_row = row_index.saturating_add(r.repeated - 1);
                    if last_row >= limits.max_rows {
                        return Err(too_large("rows", last_row + 1, limits.max_rows, "max_rows"));
                    }
                    cells = cells.saturating_add(r.cells.saturating_mul(r.repeated));
                    if cells > limits.max_cells {
                        return Err(too_large("cells", cells, limits.max_cells, "max_cells"));
                    }
                }
                row_index = row_index.saturating_add(r.repeated);
            }
            _ => {}
        }
        buf.clear();
    }
    Ok(())
}

impl Row {
    /// `n` cells (a repeat), with or without content, at the row's current column.
    fn cell(&mut self, n: u64, has_value: bool, budget: &Budget<'_>) -> Result<(), RosterError> {
        let limits = budget.limits;
        if has_value {
            let last_col = self.col.saturating_add(n - 1);
            if last_col >= limits.max_columns {
                return Err(too_large(
                    "columns",
                    last_col + 1,
                    limits.max_columns,
                    "max_columns",
                ));
            }
            self.cells = self.cells.saturating_add(n);
        }
        self.col = self.col.saturating_add(n);
        Ok(())
    }
}
