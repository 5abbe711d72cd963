//! Crafted spreadsheets for the hostile-input tests (this crate's `tests/hostile_files.rs` and
//! the binary's `tests/hostile_suite.rs`): made on the fly, never committed, so one generator
//! serves both the library's refusals and the end-to-end figures of the CLI and the API.
//!
//! Not part of the reading API: `#[doc(hidden)]` in the crate root. Every generator writes into
//! memory; an error can only come from the zip writer.

use std::io::{self, Write};

use zip::write::SimpleFileOptions;

/// The package parts around the one sheet: content types, relationships, the workbook.
const PARTS: [(&str, &str); 4] = [
    (
        "[Content_Types].xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
    ),
    (
        "_rels/.rels",
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    ),
    (
        "xl/workbook.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
    ),
    (
        "xl/_rels/workbook.xml.rels",
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
    ),
];

fn zip_err(e: zip::result::ZipError) -> io::Error {
    io::Error::other(e)
}

/// A minimal .xlsx around one sheet: an optional `<dimension ref="…">`, then whatever `rows`
/// writes inside `<sheetData>`.
pub fn xlsx(
    dimension: Option<&str>,
    rows: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
) -> io::Result<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(io::Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in PARTS {
        zip.start_file(name, opts).map_err(zip_err)?;
        zip.write_all(text.as_bytes())?;
    }
    zip.start_file("xl/worksheets/sheet1.xml", opts)
        .map_err(zip_err)?;
    write!(
        zip,
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#
    )?;
    if let Some(d) = dimension {
        write!(zip, r#"<dimension ref="{d}"/>"#)?;
    }
    write!(zip, "<sheetData>")?;
    rows(&mut zip)?;
    write!(zip, "</sheetData></worksheet>")?;
    Ok(zip.finish().map_err(zip_err)?.into_inner())
}

/// One inline-string cell at `at` (`B7`).
pub fn cell(out: &mut dyn Write, at: &str, text: &str) -> io::Result<()> {
    write!(
        out,
        r#"<c r="{at}" t="inlineStr"><is><t>{text}</t></is></c>"#
    )
}

/// The header row a roster needs: `name`, `url`.
pub fn header(out: &mut dyn Write) -> io::Result<()> {
    write!(out, r#"<row r="1">"#)?;
    cell(out, "A1", "name")?;
    cell(out, "B1", "url")?;
    write!(out, "</row>")
}

/// What the adversarial run sent (1.6 kB): `<dimension>` claims A1:XFD1048576 and a cell sits
/// in that far corner, where calamine's dense range would allocate rows × columns cells (512 GB).
pub fn dimension_bomb() -> io::Result<Vec<u8>> {
    xlsx(Some("A1:XFD1048576"), &mut |out| {
        header(out)?;
        write!(out, r#"<row r="1048576">"#)?;
        cell(out, "XFD1048576", "x")?;
        write!(out, "</row>")
    })
}

/// `thousands` × 1000 identical rows without `r` attributes: a zip entry inflating ~1000:1, as
/// the adversarial run's 1.9 MB file of 4.5 M rows (1000 gives ~0.2 MB inflating to ~120 MB).
pub fn zip_bomb(thousands: usize) -> io::Result<Vec<u8>> {
    let row = br#"<row><c t="inlineStr"><is><t>n</t></is></c><c t="inlineStr"><is><t>https://www.twitch.tv/x</t></is></c></row>"#.repeat(1000);
    xlsx(None, &mut |out| {
        header(out)?;
        for _ in 0..thousands {
            out.write_all(&row)?;
        }
        Ok(())
    })
}

/// A sheet of `rows` distinct data rows (numbered, so it compresses like a real sheet, ~10:1,
/// and is no zip bomb; short, so a million stay under the default inflated-size limit): it is
/// refused by its row count as the rows stream by.
pub fn many_rows(rows: u64) -> io::Result<Vec<u8>> {
    xlsx(None, &mut |out| {
        header(out)?;
        for r in 2..rows + 2 {
            write!(
                out,
                r#"<row><c><v>{r}</v></c><c t="inlineStr"><is><t>u{r}</t></is></c></row>"#
            )?;
        }
        Ok(())
    })
}
