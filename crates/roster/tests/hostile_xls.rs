//! Crafted .xls files (a compound file built here): a DIMENSIONS record claiming 2³² rows, an
//! inverted one, and a cell far down the sheet. calamine reserves room for what DIMENSIONS says
//! (terabytes: the allocator aborts the process) and builds a dense range from cell positions;
//! each is refused from the BIFF records first, quickly, naming the `[import]` key.

use std::time::{Duration, Instant};

use streamtide_roster::{read_bytes_limited, ReadLimits, RosterError};

const END: u32 = 0xFFFF_FFFE;
const FREE: u32 = 0xFFFF_FFFF;

fn record(out: &mut Vec<u8>, typ: u16, data: &[u8]) {
    out.extend_from_slice(&typ.to_le_bytes());
    out.extend_from_slice(&(data.len() as u16).to_le_bytes());
    out.extend_from_slice(data);
}

/// A BIFF8 workbook stream with one sheet holding `sheet` (records between BOF and EOF).
fn workbook(sheet: &dyn Fn(&mut Vec<u8>)) -> Vec<u8> {
    let bof = [0x00, 0x06, 0x05, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    let mut globals = Vec::new();
    record(&mut globals, 0x0809, &bof);
    // BOUNDSHEET: position (patched below), visibility, type, name "S".
    let boundsheet_at = globals.len() + 4;
    record(&mut globals, 0x0085, &[0, 0, 0, 0, 0, 0, 1, 0, b'S']);
    record(&mut globals, 0x000A, &[]);
    let sheet_at = globals.len() as u32;
    globals[boundsheet_at..boundsheet_at + 4].copy_from_slice(&sheet_at.to_le_bytes());
    let mut stream = globals;
    let mut sheet_bof = bof;
    sheet_bof[2] = 0x10;
    record(&mut stream, 0x0809, &sheet_bof);
    sheet(&mut stream);
    record(&mut stream, 0x000A, &[]);
    // Past the mini stream cutoff, so the stream lives in regular sectors.
    stream.resize(4096, 0);
    stream
}

/// A version 3 compound file: header, one FAT sector, one directory sector, the stream.
fn compound_file(stream: &[u8]) -> Vec<u8> {
    let sectors = stream.len().div_ceil(512) as u32;
    let mut header = vec![0u8; 512];
    header[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    header[0x18..0x1A].copy_from_slice(&0x3Eu16.to_le_bytes());
    header[0x1A..0x1C].copy_from_slice(&3u16.to_le_bytes());
    header[0x1C..0x1E].copy_from_slice(&0xFFFEu16.to_le_bytes());
    header[0x1E..0x20].copy_from_slice(&9u16.to_le_bytes());
    header[0x20..0x22].copy_from_slice(&6u16.to_le_bytes());
    header[0x2C..0x30].copy_from_slice(&1u32.to_le_bytes());
    header[0x30..0x34].copy_from_slice(&1u32.to_le_bytes());
    header[0x38..0x3C].copy_from_slice(&4096u32.to_le_bytes());
    header[0x3C..0x40].copy_from_slice(&END.to_le_bytes());
    header[0x44..0x48].copy_from_slice(&END.to_le_bytes());
    for i in 0..109 {
        let v: u32 = if i == 0 { 0 } else { FREE };
        header[0x4C + 4 * i..0x50 + 4 * i].copy_from_slice(&v.to_le_bytes());
    }
    let mut fat = vec![FREE; 128];
    fat[0] = 0xFFFF_FFFD;
    fat[1] = END;
    for s in 0..sectors {
        fat[2 + s as usize] = if s + 1 == sectors { END } else { 3 + s };
    }
    let mut dir = vec![0u8; 512];
    let entry = |dir: &mut Vec<u8>, i: usize, name: &str, typ: u8, start: u32, size: u32| {
        let e = &mut dir[i * 128..(i + 1) * 128];
        let units: Vec<u16> = name.encode_utf16().chain([0]).collect();
        for (k, u) in units.iter().enumerate() {
            e[2 * k..2 * k + 2].copy_from_slice(&u.to_le_bytes());
        }
        e[64..66].copy_from_slice(&((units.len() * 2) as u16).to_le_bytes());
        e[66] = typ;
        e[68..80].copy_from_slice(&[0xFF; 12]);
        e[116..120].copy_from_slice(&start.to_le_bytes());
        e[120..124].copy_from_slice(&size.to_le_bytes());
    };
    entry(&mut dir, 0, "Root Entry", 5, END, 0);
    entry(&mut dir, 1, "Workbook", 2, 2, stream.len() as u32);
    let mut file = header;
    file.extend(fat.iter().flat_map(|v| v.to_le_bytes()));
    file.extend(dir);
    file.extend_from_slice(stream);
    file.resize(512 * (3 + sectors as usize), 0);
    file
}

fn refused(file: &[u8], key: &str) {
    let started = Instant::now();
    let result = read_bytes_limited("bomb.xls", file, &ReadLimits::default());
    let took = started.elapsed();
    match result {
        Err(e @ (RosterError::TooLarge(_) | RosterError::Unreadable { .. })) => {
            let m = e.to_string();
            assert!(m.contains(key), "`{m}` names {key}");
            println!("{} bytes refused in {took:?}: {m}", file.len());
        }
        other => panic!("expected a refusal naming {key}, got {other:?}"),
    }
    assert!(took < Duration::from_secs(2), "{took:?}");
}

fn dimensions(rf: u32, rl: u32, cf: u16, cl: u16) -> impl Fn(&mut Vec<u8>) {
    move |out: &mut Vec<u8>| {
        let mut d = Vec::new();
        d.extend_from_slice(&rf.to_le_bytes());
        d.extend_from_slice(&rl.to_le_bytes());
        d.extend_from_slice(&cf.to_le_bytes());
        d.extend_from_slice(&cl.to_le_bytes());
        d.extend_from_slice(&[0, 0]);
        record(out, 0x0200, &d);
    }
}

fn number(out: &mut Vec<u8>, row: u16, col: u16) {
    let mut d = Vec::new();
    d.extend_from_slice(&row.to_le_bytes());
    d.extend_from_slice(&col.to_le_bytes());
    d.extend_from_slice(&[0, 0]);
    d.extend_from_slice(&1.0f64.to_le_bytes());
    record(out, 0x0203, &d);
}

#[test]
fn a_dimensions_bomb_is_refused_before_calamine_reserves_for_it() {
    let file = compound_file(&workbook(&dimensions(0, u32::MAX, 0, 256)));
    refused(&file, "max_rows");
    let file = compound_file(&workbook(&dimensions(0, 10, 0, 0x4000)));
    refused(&file, "max_columns");
    // First row after the last: calamine would underflow computing the row count.
    let file = compound_file(&workbook(&dimensions(100, 5, 0, 2)));
    refused(&file, "inverted");
}

#[test]
fn a_far_cell_is_refused_before_calamine_builds_a_dense_range() {
    let sheet = |out: &mut Vec<u8>| {
        dimensions(0, 2, 0, 2)(out);
        number(out, 0, 0);
        number(out, 65_535, 255);
    };
    refused(&compound_file(&workbook(&sheet)), "max_rows");
}
