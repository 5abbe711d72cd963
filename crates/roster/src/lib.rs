//! Reading creator rosters: the spreadsheet a service keeps of its creators.
//!
//! A roster is a table with a header row: a creator name, and one or more channel references (a
//! URL, handle or id) either in a generic column with an optional platform column, or in
//! platform-named columns ("YouTube", "치지직", ...). Any other column is kept as a note. Each row
//! is read on its own: a broken row becomes a [`RowError`] with its spreadsheet row number, and
//! the rest is read. Turning references into stable ids is not done here (that needs the
//! platforms); this crate only reads.

mod encoding;
mod header;
// Crafted spreadsheets for this crate's and the binary's hostile-input tests; not reading API.
#[doc(hidden)]
pub mod hostile_files;
mod limits;
mod ods;
mod read;
mod xls;

use streamtide_core::Platform;

pub use encoding::{decode as decode_text, display_name as encoding_name, encoding_for_label};
pub use encoding_rs::Encoding;
pub use header::{platform_from_label, Column, Header};
pub use limits::ReadLimits;
pub use read::{
    read_bytes, read_bytes_limited, read_csv, read_csv_with, read_path, read_path_limited,
    read_path_with, read_rows,
};

/// One channel reference found in a roster row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Spreadsheet row number (1-based, as the user sees it).
    pub row: usize,
    pub creator: String,
    /// The platform the row or column says, if any (URLs say it themselves).
    pub platform: Option<Platform>,
    /// What was in the cell: a URL, handle or id.
    pub reference: String,
    /// Other columns of the row, as (header, value).
    pub notes: Vec<(String, String)>,
}

/// A row that could not be read, with what it did say (so the report can name it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub row: usize,
    pub message: String,
    /// The row's creator name, if it had one.
    pub creator: String,
    /// The row's channel references as written (several joined by a space), if any.
    pub reference: String,
}

/// What a roster file holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Roster {
    pub entries: Vec<Entry>,
    pub errors: Vec<RowError>,
    /// Data rows seen (after the header, not counting blank rows).
    pub rows: usize,
    /// The text encoding a CSV was read in (`UTF-8`, `CP949 (EUC-KR)`, `UTF-16LE`); `None` for
    /// spreadsheets.
    pub encoding: Option<String>,
}

/// Why a whole file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum RosterError {
    #[error("cannot read {path}: {message}")]
    Unreadable { path: String, message: String },
    #[error("unsupported file type `{0}` (expected .xlsx, .xlsm, .xls, .ods or .csv)")]
    UnsupportedType(String),
    #[error("no header row found in the first {0} rows: expected a creator-name column (name, 이름, 크리에이터 …) and a channel column (url, 채널, YouTube, 치지직 …)")]
    NoHeader(usize),
    #[error("the file has no sheet")]
    NoSheet,
    #[error("unknown text encoding `{0}` (expected utf-8, cp949 (= euc-kr), utf-16, or another WHATWG label)")]
    UnknownEncoding(String),
    #[error("{}", encoding_message(tried, *line, *detected))]
    Encoding {
        /// The encoding the text did not decode in.
        tried: String,
        /// The first line that did not decode (1-based).
        line: usize,
        /// The encoding was detected, not given.
        detected: bool,
    },
    #[error(
        "--encoding applies to CSV files; `{0}` is a spreadsheet, which says its own encoding"
    )]
    EncodingOfSpreadsheet(String),
    /// The file is larger than `[import]` allows (the message names the key and the limit).
    #[error("roster refused: {0}")]
    TooLarge(String),
    #[error("roster refused: reading took longer than {0:?} ([import] time_budget)")]
    TimeBudget(std::time::Duration),
}

fn encoding_message(tried: &str, line: usize, detected: bool) -> String {
    if detected {
        format!(
            "line {line} is neither UTF-8 nor CP949 (EUC-KR) text: save the file from Excel as \"CSV UTF-8\" (or as .xlsx), or name its encoding with --encoding"
        )
    } else {
        format!(
            "line {line} is not {tried} text: is the file in another encoding? Leave out --encoding to detect UTF-8, UTF-16 or CP949 (EUC-KR)"
        )
    }
}
