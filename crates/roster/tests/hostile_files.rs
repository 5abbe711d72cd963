//! Crafted spreadsheets (made here, not committed): a sheet whose `<dimension>` claims the whole
//! grid, a far cell that would make calamine's dense range 512 GB, a zip bomb, a lying entry
//! size, a sheet of too many rows, an over-long cell and a slow read. Each is refused with an
//! error naming the `[import]` key, quickly and without allocating for what it claims.
//!
//! The generators live in `streamtide_roster::hostile_files`: the binary's hostile-input suite
//! sends the same files through `streamtide import` and `POST /api/v1/import`.

use std::time::{Duration, Instant};

use streamtide_roster::hostile_files::{cell, dimension_bomb, header, xlsx, zip_bomb};
use streamtide_roster::{read_bytes_limited, read_path, ReadLimits, RosterError};

fn refused(result: Result<streamtide_roster::Roster, RosterError>, key: &str) -> String {
    match result {
        Err(e @ (RosterError::TooLarge(_) | RosterError::TimeBudget(_))) => {
            let m = e.to_string();
            assert!(m.contains(key), "`{m}` names {key}");
            m
        }
        other => panic!("expected a refusal naming {key}, got {other:?}"),
    }
}

#[test]
fn a_valid_xlsx_made_here_reads() {
    let file = xlsx(Some("A1:B2"), &mut |out| {
        header(out)?;
        write!(out, r#"<row r="2">"#)?;
        cell(out, "A2", "이름")?;
        cell(out, "B2", "https://www.twitch.tv/someone")?;
        write!(out, "</row>")
    })
    .unwrap();
    let roster = read_bytes_limited("a.xlsx", &file, &ReadLimits::default()).unwrap();
    assert_eq!(roster.rows, 1);
    assert_eq!(roster.entries[0].creator, "이름");
}

#[test]
fn a_dimension_bomb_is_refused_before_allocating() {
    // What the adversarial run sent: A1:XFD1048576 declared, and a cell in that far corner
    // (calamine's Range::from_sparse allocates rows × columns cells for it: 512 GB).
    let file = dimension_bomb().unwrap();
    println!("dimension bomb: {} bytes", file.len());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.xlsx");
    std::fs::write(&path, &file).unwrap();
    let started = Instant::now();
    let m = refused(read_path(&path), "max_rows");
    assert!(m.contains("A1:XFD1048576"), "{m}");
    assert!(started.elapsed() < Duration::from_secs(2));
    // Without the declaration, the far cell itself is refused as it streams by.
    let file = xlsx(None, &mut |out| {
        header(out)?;
        write!(out, r#"<row r="1048576">"#)?;
        cell(out, "XFD1048576", "x")?;
        write!(out, "</row>")
    })
    .unwrap();
    refused(
        read_bytes_limited("bomb.xlsx", &file, &ReadLimits::default()),
        "max_rows",
    );
    let file = xlsx(None, &mut |out| {
        header(out)?;
        write!(out, r#"<row r="2">"#)?;
        cell(out, "XFD2", "x")?;
        write!(out, "</row>")
    })
    .unwrap();
    refused(
        read_bytes_limited("bomb.xlsx", &file, &ReadLimits::default()),
        "max_columns",
    );
}

#[test]
fn a_zip_bomb_is_refused_by_its_inflated_size_and_ratio() {
    // One million identical rows (no `r` attributes): ~1000:1, as the adversarial run's
    // 1.9 MB file of 4.5 M rows.
    let file = zip_bomb(1000).unwrap();
    println!("zip bomb: {} bytes", file.len());
    let started = Instant::now();
    refused(
        read_bytes_limited("bomb.xlsx", &file, &ReadLimits::default()),
        "zip bomb",
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    // A generous ratio still stops at the inflated total.
    let limits = ReadLimits {
        max_compression_ratio: u64::MAX,
        max_uncompressed_bytes: 64 * 1024 * 1024,
        ..ReadLimits::default()
    };
    refused(
        read_bytes_limited("bomb.xlsx", &file, &limits),
        "max_uncompressed_bytes",
    );
}

#[test]
fn too_many_rows_cells_or_characters_are_refused_as_they_stream() {
    let many = xlsx(None, &mut |out| {
        header(out)?;
        for r in 2..=30_000 {
            write!(out, r#"<row r="{r}">"#)?;
            cell(out, &format!("A{r}"), "n")?;
            cell(out, &format!("B{r}"), "https://www.twitch.tv/x")?;
            write!(out, "</row>")?;
        }
        Ok(())
    })
    .unwrap();
    refused(
        read_bytes_limited("many.xlsx", &many, &ReadLimits::default()),
        "max_rows",
    );
    let limits = ReadLimits {
        max_cells: 1_000,
        ..ReadLimits::default()
    };
    refused(read_bytes_limited("many.xlsx", &many, &limits), "max_cells");
    let long = "x".repeat(5_000);
    let csv = format!("name,url\n{long},https://www.twitch.tv/x\n");
    refused(
        read_bytes_limited("long.csv", csv.as_bytes(), &ReadLimits::default()),
        "max_cell_chars",
    );
    let mut csv = String::from("name,url\n");
    for i in 0..25_000 {
        csv.push_str(&format!("n{i},https://www.twitch.tv/x{i}\n"));
    }
    refused(
        read_bytes_limited("many.csv", csv.as_bytes(), &ReadLimits::default()),
        "max_rows",
    );
    let limits = ReadLimits {
        max_file_bytes: 1_000,
        ..ReadLimits::default()
    };
    refused(
        read_bytes_limited("many.csv", csv.as_bytes(), &limits),
        "max_file_bytes",
    );
}

#[test]
fn a_read_past_its_time_budget_stops() {
    let limits = ReadLimits {
        time_budget: Duration::ZERO,
        ..ReadLimits::default()
    };
    let mut csv = String::from("name,url\n");
    for i in 0..5_000 {
        csv.push_str(&format!("n{i},https://www.twitch.tv/x{i}\n"));
    }
    refused(
        read_bytes_limited("slow.csv", csv.as_bytes(), &limits),
        "time_budget",
    );
}
