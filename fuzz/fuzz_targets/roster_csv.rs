//! The roster reader on arbitrary CSV bytes: a bad file is an error, never a panic, and every
//! error and entry carries a row number inside the file.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(roster) = streamtide_roster::read_csv(data) {
        // The CSV reader ends a record at \n, \r or \r\n: every one of them can start a row.
        let lines = data.iter().filter(|b| **b == b'\n' || **b == b'\r').count() + 1;
        for e in &roster.entries {
            assert!(e.row >= 1 && e.row <= lines, "row {} of {lines}", e.row);
            assert!(!e.reference.trim().is_empty());
        }
        for e in &roster.errors {
            assert!(e.row >= 1 && e.row <= lines);
        }
    }
});
