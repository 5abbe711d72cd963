//! How much of a roster file is read: a file that declares or holds more than these is refused
//! before anything is allocated for it.
//!
//! A spreadsheet is a zip of XML: 1.6 kB can claim a sheet of A1:XFD1048576 (calamine's dense
//! `Range` would allocate 512 GB for it) and 2 MB can inflate to gigabytes. So, in this order:
//! the file's size; each zip entry's size and compression ratio as declared, then as really
//! inflated (a header may lie), counted up to the limit and no further; the sheet's declared
//! `<dimension>`; then every cell as it streams by (position, count, length) and the clock.

use std::io::{Read, Seek};
use std::time::{Duration, Instant};

use crate::RosterError;

/// Limits of one roster read. [`Default`] is the documented `[import]` configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadLimits {
    /// Bytes of the file as given (upload or disk).
    pub max_file_bytes: u64,
    /// Bytes of all zip entries inflated together (xlsx, xlsm, xlsb, ods).
    pub max_uncompressed_bytes: u64,
    /// Inflated bytes per compressed byte of one zip entry (a bomb compresses ~1000:1, real
    /// sheets under 50:1).
    pub max_compression_ratio: u64,
    /// Rows of the sheet (declared or seen, blank rows included).
    pub max_rows: u64,
    /// Columns of the sheet (declared or seen).
    pub max_columns: u64,
    /// Non-empty cells.
    pub max_cells: u64,
    /// Characters of one cell.
    pub max_cell_chars: usize,
    /// Wall time of the whole read.
    pub time_budget: Duration,
}

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits {
            max_file_bytes: 16 * 1024 * 1024,
            max_uncompressed_bytes: 128 * 1024 * 1024,
            max_compression_ratio: 100,
            max_rows: 20_000,
            max_columns: 256,
            max_cells: 1_000_000,
            max_cell_chars: 4_096,
            time_budget: Duration::from_secs(20),
        }
    }
}

/// The clock and counters of one read.
pub(crate) struct Budget<'a> {
    pub limits: &'a ReadLimits,
    deadline: Instant,
    cells: u64,
}

impl<'a> Budget<'a> {
    pub fn new(limits: &'a ReadLimits) -> Self {
        Budget {
            limits,
            deadline: Instant::now() + limits.time_budget,
            cells: 0,
        }
    }

    pub fn check_time(&self) -> Result<(), RosterError> {
        if Instant::now() > self.deadline {
            return Err(RosterError::TimeBudget(self.limits.time_budget));
        }
        Ok(())
    }

    /// One more non-empty cell at (0-based) `row`, `col` holding `chars` characters.
    pub fn cell(&mut self, row: u64, col: u64, chars: usize) -> Result<(), RosterError> {
        let l = self.limits;
        if row >= l.max_rows {
            return Err(too_large("rows", row + 1, l.max_rows, "max_rows"));
        }
        if col >= l.max_columns {
            return Err(too_large("columns", col + 1, l.max_columns, "max_columns"));
        }
        if chars > l.max_cell_chars {
            return Err(RosterError::TooLarge(format!(
                "a cell (row {}, column {}) holds {chars} characters; the limit is {} ([import] max_cell_chars)",
                row + 1,
                col + 1,
                l.max_cell_chars
            )));
        }
        self.cells += 1;
        if self.cells > l.max_cells {
            return Err(too_large("cells", self.cells, l.max_cells, "max_cells"));
        }
        // The clock is cheap but not free: every 1024 cells.
        if self.cells & 1023 == 0 {
            self.check_time()?;
        }
        Ok(())
    }
}

pub(crate) fn too_large(what: &str, got: u64, limit: u64, key: &str) -> RosterError {
    RosterError::TooLarge(format!(
        "the sheet has {got} {what} or more; the limit is {limit} ([import] {key})"
    ))
}

/// The file's own size.
pub(crate) fn check_file_size(len: u64, limits: &ReadLimits) -> Result<(), RosterError> {
    if len > limits.max_file_bytes {
        return Err(RosterError::TooLarge(format!(
            "the file is {len} bytes; the limit is {} ([import] max_file_bytes)",
            limits.max_file_bytes
        )));
    }
    Ok(())
}

/// A sheet's declared `<dimension>` (0-based, inclusive corners) against the row and column
/// limits, before any cell is read.
pub(crate) fn check_dimension(
    start: (u32, u32),
    end: (u32, u32),
    limits: &ReadLimits,
) -> Result<(), RosterError> {
    let rows = u64::from(end.0.saturating_sub(start.0)) + 1;
    let cols = u64::from(end.1.saturating_sub(start.1)) + 1;
    let declared = |what: &str, got: u64, limit: u64, key: &str| {
        RosterError::TooLarge(format!(
            "the sheet declares {got} {what} (<dimension> {}); the limit is {limit} ([import] {key})",
            dimension_text(start, end)
        ))
    };
    // The dimension's far corner counts from A1: a sheet starting at row 5 still holds its rows
    // under their own numbers.
    if u64::from(end.0) >= limits.max_rows {
        return Err(declared(
            "rows",
            u64::from(end.0) + 1,
            limits.max_rows,
            "max_rows",
        ));
    }
    if u64::from(end.1) >= limits.max_columns {
        return Err(declared(
            "columns",
            u64::from(end.1) + 1,
            limits.max_columns,
            "max_columns",
        ));
    }
    if rows * cols > limits.max_cells {
        return Err(declared(
            "cells",
            rows * cols,
            limits.max_cells,
            "max_cells",
        ));
    }
    Ok(())
}

fn column_name(mut col: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

fn dimension_text(start: (u32, u32), end: (u32, u32)) -> String {
    format!(
        "{}{}:{}{}",
        column_name(start.1),
        u64::from(start.0) + 1,
        column_name(end.1),
        u64::from(end.0) + 1
    )
}

/// Every entry of a zip container: declared sizes and ratios, then the real inflated bytes
/// (counted, not kept), all against the limits.
pub(crate) fn check_zip<R: Read + Seek>(reader: R, budget: &Budget<'_>) -> Result<(), RosterError> {
    let limits = budget.limits;
    let unreadable = |e: &dyn std::fmt::Display| RosterError::Unreadable {
        path: "the spreadsheet".into(),
        message: format!("not a valid zip container: {e}"),
    };
    let mut zip = zip::ZipArchive::new(reader).map_err(|e| unreadable(&e))?;
    let mut declared: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| unreadable(&e))?;
        declared = declared.saturating_add(entry.size());
        check_ratio(
            &entry_name(&entry),
            entry.size(),
            entry.compressed_size(),
            limits,
        )?;
    }
    if declared > limits.max_uncompressed_bytes {
        return Err(uncompressed_too_large(declared, limits));
    }
    // Headers can lie: inflate each entry, counting, and stop at the limit.
    let mut inflated: u64 = 0;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| unreadable(&e))?;
        let name = entry_name(&entry);
        let compressed = entry.compressed_size();
        let mut this: u64 = 0;
        loop {
            let n = match entry.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n as u64,
                // A CRC or size mismatch: the data is not what the header says.
                Err(e) => return Err(unreadable(&format!("{name}: {e}"))),
            };
            this += n;
            inflated += n;
            if inflated > limits.max_uncompressed_bytes {
                return Err(uncompressed_too_large(inflated, limits));
            }
            check_ratio(&name, this, compressed, limits)?;
            budget.check_time()?;
        }
    }
    Ok(())
}

fn entry_name<R: Read + ?Sized>(entry: &zip::read::ZipFile<'_, R>) -> String {
    entry
        .name()
        .map_or_else(|_| "(unnamed)".to_string(), |n| n.into_owned())
}

fn check_ratio(
    name: &str,
    size: u64,
    compressed: u64,
    limits: &ReadLimits,
) -> Result<(), RosterError> {
    // Small entries compress absurdly well and harm no one.
    if size > 1024 * 1024 && size / compressed.max(1) > limits.max_compression_ratio {
        return Err(RosterError::TooLarge(format!(
            "zip entry {name} inflates {}:1 ({size} bytes from {compressed}); the limit is {}:1: a zip bomb?",
            size / compressed.max(1),
            limits.max_compression_ratio
        )));
    }
    Ok(())
}

fn uncompressed_too_large(got: u64, limits: &ReadLimits) -> RosterError {
    RosterError::TooLarge(format!(
        "the spreadsheet inflates to {got} bytes or more; the limit is {} ([import] max_uncompressed_bytes)",
        limits.max_uncompressed_bytes
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dimension_names_the_corner_a_user_sees() {
        assert_eq!(dimension_text((0, 0), (1_048_575, 16_383)), "A1:XFD1048576");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
    }

    #[test]
    fn a_declared_dimension_beyond_the_limits_is_refused() {
        let l = ReadLimits::default();
        let e = check_dimension((0, 0), (1_048_575, 16_383), &l).unwrap_err();
        assert!(e.to_string().contains("max_rows"), "{e}");
        assert!(check_dimension((0, 0), (19_999, 10), &l).is_ok());
        let e = check_dimension((0, 0), (10, 300), &l).unwrap_err();
        assert!(e.to_string().contains("max_columns"), "{e}");
    }
}
