//! Crafted .ods files (made here): `number-rows-repeated` and `number-columns-repeated` make a
//! few hundred bytes claim a sheet of billions of cells, which calamine expands densely. They are
//! refused from `content.xml`'s declared repeats, before calamine reads the sheet; a real-shaped
//! file (trailing empty rows repeated a million times, as LibreOffice writes) still reads.

use std::io::Write;
use std::time::{Duration, Instant};

use streamtide_roster::{read_bytes_limited, ReadLimits, RosterError};
use zip::write::SimpleFileOptions;

/// A minimal .ods whose first table holds `rows` (XML of `<table:table-row>` elements).
fn ods(rows: &str) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated =
        SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    zip.start_file("META-INF/manifest.xml", deflated).unwrap();
    zip.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#).unwrap();
    zip.start_file("content.xml", deflated).unwrap();
    write!(
        zip,
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Sheet1">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
    )
    .unwrap();
    zip.finish().unwrap().into_inner()
}

fn text_cell(text: &str, repeated: Option<u64>) -> String {
    let rep = repeated
        .map(|n| format!(r#" table:number-columns-repeated="{n}""#))
        .unwrap_or_default();
    format!(
        r#"<table:table-cell office:value-type="string"{rep}><text:p>{text}</text:p></table:table-cell>"#
    )
}

fn row(cells: &str, repeated: Option<u64>) -> String {
    let rep = repeated
        .map(|n| format!(r#" table:number-rows-repeated="{n}""#))
        .unwrap_or_default();
    format!("<table:table-row{rep}>{cells}</table:table-row>")
}

fn header() -> String {
    row(&(text_cell("name", None) + &text_cell("url", None)), None)
}

/// The read is refused quickly, naming `key`.
fn refused(file: &[u8], key: &str) {
    let started = Instant::now();
    let result = read_bytes_limited("bomb.ods", file, &ReadLimits::default());
    let took = started.elapsed();
    match result {
        Err(e @ RosterError::TooLarge(_)) => {
            let m = e.to_string();
            assert!(m.contains(key), "`{m}` names {key}");
            println!("{} bytes refused in {took:?}: {m}", file.len());
        }
        other => panic!("expected a refusal naming {key}, got {other:?}"),
    }
    assert!(took < Duration::from_secs(2), "{took:?}");
}

#[test]
fn a_real_shaped_ods_reads() {
    let rows = header()
        + &row(
            &(text_cell("이름", None) + &text_cell("https://www.twitch.tv/someone", None)),
            None,
        )
        // What LibreOffice writes after the last row: empty rows up to the sheet's end.
        + r#"<table:table-row table:number-rows-repeated="1048574"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#;
    let roster = read_bytes_limited("a.ods", &ods(&rows), &ReadLimits::default()).unwrap();
    assert_eq!(roster.rows, 1);
    assert_eq!(roster.entries[0].creator, "이름");
}

#[test]
fn repeated_rows_and_columns_beyond_the_limits_are_refused() {
    // A million repeated rows of a value: calamine would expand them all.
    let rows = header() + &row(&text_cell("x", None), Some(1_000_000));
    refused(&ods(&rows), "max_rows");
    // A value repeated across 16,384 columns.
    let rows = header() + &row(&text_cell("x", Some(16_384)), None);
    refused(&ods(&rows), "max_columns");
    // 200 columns × 19,000 rows: inside rows and columns, far beyond the cells.
    let rows = header() + &row(&text_cell("x", Some(200)), Some(19_000));
    refused(&ods(&rows), "max_cells");
    // A value after a million empty rows: its row number is what counts.
    let rows = header()
        + r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell/></table:table-row>"#
        + &row(&text_cell("far", None), None);
    refused(&ods(&rows), "max_rows");
}
