//! What an .xls workbook declares, read from its BIFF records before calamine parses it.
//!
//! calamine's .xls reader reserves room for every cell a sheet's DIMENSIONS record claims (row
//! numbers are 32-bit: a few hundred bytes can ask for terabytes, and the allocator aborts the
//! process) and then builds a dense range from the cells' positions. calamine keeps its compound
//! file reader private, so this module has a small one: it finds the `Workbook` (or `Book`)
//! stream, walks the globals for each sheet's position, then each sheet's records, refusing a
//! DIMENSIONS or a cell beyond `max_rows`/`max_columns`, an inverted DIMENSIONS, or more than
//! `max_cells` cells. Nothing is allocated beyond the file itself (already within
//! `max_file_bytes`).

use crate::limits::{check_dimension, too_large, Budget};
use crate::RosterError;

const SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const DIR_ENTRY: usize = 128;

fn bad(message: &str) -> RosterError {
    RosterError::Unreadable {
        path: "the spreadsheet".into(),
        message: format!("not a valid .xls workbook: {message}"),
    }
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// A compound file (the OLE container of .xls), read in place.
struct Cfb<'a> {
    data: &'a [u8],
    sector_size: usize,
    fat: Vec<u32>,
}

impl<'a> Cfb<'a> {
    fn open(data: &'a [u8]) -> Result<Self, RosterError> {
        if data.get(..8) != Some(&SIGNATURE[..]) {
            return Err(bad("no compound file signature"));
        }
        let shift = u16_at(data, 0x1E).ok_or_else(|| bad("short header"))?;
        if !(7..=16).contains(&shift) {
            return Err(bad("sector size"));
        }
        let mut cfb = Cfb {
            data,
            sector_size: 1 << shift,
            fat: Vec::new(),
        };
        // The FAT's sectors: 109 listed in the header, the rest in the DIFAT chain.
        let mut fat_sectors: Vec<u32> = (0..109)
            .filter_map(|i| u32_at(data, 0x4C + 4 * i))
            .filter(|&s| s < END_OF_CHAIN)
            .collect();
        let mut difat = u32_at(data, 0x44).unwrap_or(END_OF_CHAIN);
        let per = cfb.sector_size / 4;
        for _ in 0..cfb.sector_count() {
            if difat >= END_OF_CHAIN {
                break;
            }
            let s = cfb.sector(difat)?;
            fat_sectors.extend(
                (0..per - 1)
                    .filter_map(|i| u32_at(s, 4 * i))
                    .filter(|&x| x < END_OF_CHAIN),
            );
            difat = u32_at(s, 4 * (per - 1)).unwrap_or(END_OF_CHAIN);
        }
        let mut fat = Vec::new();
        for s in fat_sectors.into_iter().take(cfb.sector_count()) {
            let bytes = cfb.sector(s)?;
            fat.extend((0..per).filter_map(|i| u32_at(bytes, 4 * i)));
        }
        cfb.fat = fat;
        Ok(cfb)
    }

    fn sector_count(&self) -> usize {
        self.data.len() / self.sector_size
    }

    fn sector(&self, n: u32) -> Result<&'a [u8], RosterError> {
        let start = (n as usize + 1)
            .checked_mul(self.sector_size)
            .ok_or_else(|| bad("sector number"))?;
        self.data
            .get(start..start + self.sector_size)
            .ok_or_else(|| bad("sector beyond the file"))
    }

    /// The bytes of a chain of `unit`-sized pieces starting at `start`, at most `size` of them.
    /// A chain longer than the file has pieces (a loop) is refused.
    fn chain(
        &self,
        fat: &[u32],
        start: u32,
        size: usize,
        piece: &dyn Fn(u32) -> Result<&'a [u8], RosterError>,
    ) -> Result<Vec<u8>, RosterError> {
        let mut out = Vec::new();
        let mut at = start;
        let mut steps = 0usize;
        while at < END_OF_CHAIN && out.len() < size {
            out.extend_from_slice(piece(at)?);
            at = *fat
                .get(at as usize)
                .ok_or_else(|| bad("chain beyond the FAT"))?;
            steps += 1;
            if steps > fat.len() {
                return Err(bad("a sector chain loops"));
            }
        }
        out.truncate(size);
        Ok(out)
    }

    /// Every stream named `Workbook` or `Book` (what calamine reads).
    fn workbook_streams(&self) -> Result<Vec<Vec<u8>>, RosterError> {
        let dir_start = u32_at(self.data, 0x30).ok_or_else(|| bad("short header"))?;
        let dir = self.chain(&self.fat, dir_start, self.data.len(), &|n| self.sector(n))?;
        let cutoff = u32_at(self.data, 0x38).unwrap_or(4096) as usize;
        let entries: Vec<&[u8]> = dir.chunks_exact(DIR_ENTRY).collect();
        let root = entries.first().ok_or_else(|| bad("no directory"))?;
        let mut out = Vec::new();
        for e in &entries {
            let name_len = (u16_at(e, 64).unwrap_or(0) as usize).min(64);
            let name: Vec<u16> = (0..name_len / 2)
                .filter_map(|i| u16_at(e, 2 * i))
                .take_while(|&c| c != 0)
                .collect();
            let name = String::from_utf16_lossy(&name);
            if e[66] != 2 || !(name.eq_ignore_ascii_case("workbook") || name == "Book") {
                continue;
            }
            let start = u32_at(e, 116).unwrap_or(END_OF_CHAIN);
            let size = (u32_at(e, 120).unwrap_or(0) as usize).min(self.data.len());
            let bytes = if size >= cutoff {
                self.chain(&self.fat, start, size, &|n| self.sector(n))?
            } else {
                self.mini_stream(root, start, size)?
            };
            out.push(bytes);
        }
        Ok(out)
    }

    /// A small stream, kept in 64-byte pieces inside the root entry's mini stream.
    fn mini_stream(&self, root: &[u8], start: u32, size: usize) -> Result<Vec<u8>, RosterError> {
        let mini_fat_start = u32_at(self.data, 0x3C).unwrap_or(END_OF_CHAIN);
        let mini_fat_bytes = self.chain(&self.fat, mini_fat_start, self.data.len(), &|n| {
            self.sector(n)
        })?;
        let mini_fat: Vec<u32> = (0..mini_fat_bytes.len() / 4)
            .filter_map(|i| u32_at(&mini_fat_bytes, 4 * i))
            .collect();
        let root_start = u32_at(root, 116).unwrap_or(END_OF_CHAIN);
        let root_size = (u32_at(root, 120).unwrap_or(0) as usize).min(self.data.len());
        let mini = self.chain(&self.fat, root_start, root_size, &|n| self.sector(n))?;
        let piece = |n: u32| {
            let at = n as usize * 64;
            mini.get(at..at + 64)
                .ok_or_else(|| bad("mini sector beyond the mini stream"))
        };
        let mut out = Vec::new();
        let mut at = start;
        let mut steps = 0usize;
        while at < END_OF_CHAIN && out.len() < size {
            out.extend_from_slice(piece(at)?);
            at = *mini_fat
                .get(at as usize)
                .ok_or_else(|| bad("chain beyond the mini FAT"))?;
            steps += 1;
            if steps > mini_fat.len() {
                return Err(bad("a mini sector chain loops"));
            }
        }
        out.truncate(size);
        Ok(out)
    }
}

/// BIFF records of `stream` from `at` until an EOF record: `(type, data)`.
fn records(stream: &[u8], mut at: usize) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        let typ = u16_at(stream, at)?;
        let len = u16_at(stream, at + 2)? as usize;
        let data = stream.get(at + 4..at + 4 + len)?;
        at += 4 + len;
        Some((typ, data))
    })
    .take_while(|&(typ, _)| typ != 0x000A)
}

/// Refuse a DIMENSIONS record beyond the limits or inverted (calamine would underflow on it).
fn check_dimensions(data: &[u8], budget: &Budget<'_>) -> Result<(), RosterError> {
    let (rf, rl, cf, cl) = match data.len() {
        10 => (
            u32::from(u16_at(data, 0).unwrap_or(0)),
            u32::from(u16_at(data, 2).unwrap_or(0)),
            u32::from(u16_at(data, 4).unwrap_or(0)),
            u32::from(u16_at(data, 6).unwrap_or(0)),
        ),
        14 | 16 => (
            u32_at(data, 0).unwrap_or(0),
            u32_at(data, 4).unwrap_or(0),
            u32::from(u16_at(data, 8).unwrap_or(0)),
            u32::from(u16_at(data, 10).unwrap_or(0)),
        ),
        _ => return Ok(()),
    };
    // Last row and column are stored plus one; calamine resets a first column past 255 to 0.
    let cf = if cf > 0xFF || cl < cf { 0 } else { cf };
    if rl == 0 || cl == 0 {
        return Ok(());
    }
    let (end_row, end_col) = (rl - 1, cl - 1);
    if end_row < rf || end_col < cf {
        return Err(bad("a sheet's DIMENSIONS record is inverted"));
    }
    check_dimension((rf, cf), (end_row, end_col), budget.limits)
}

/// Walk every sheet of the workbook in `file` against the budget's limits.
pub(crate) fn check_declared(file: &[u8], budget: &Budget<'_>) -> Result<(), RosterError> {
    let limits = budget.limits;
    let cfb = Cfb::open(file)?;
    for stream in cfb.workbook_streams()? {
        // BOUNDSHEET records in the globals give each sheet's position in the stream.
        let sheets: Vec<usize> = records(&stream, 0)
            .filter(|&(typ, _)| typ == 0x0085)
            .filter_map(|(_, d)| u32_at(d, 0).map(|p| p as usize))
            .collect();
        let mut cells: u64 = 0;
        for at in sheets {
            for (typ, data) in records(&stream, at) {
                let (row, col) = match typ {
                    0x0200 => {
                        check_dimensions(data, budget)?;
                        continue;
                    }
                    // NUMBER, LABEL, RSTRING, BOOLERR, RK, LABELSST, FORMULA: row, column.
                    0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                        (u16_at(data, 0), u16_at(data, 2))
                    }
                    // MULRK: row, first column, …, last column.
                    0x00BD => (
                        u16_at(data, 0),
                        data.len().checked_sub(2).and_then(|at| u16_at(data, at)),
                    ),
                    _ => continue,
                };
                let (Some(row), Some(col)) = (row, col) else {
                    continue;
                };
                let (row, col) = (u64::from(row), u64::from(col));
                if row >= limits.max_rows {
                    return Err(too_large("rows", row + 1, limits.max_rows, "max_rows"));
                }
                if col >= limits.max_columns {
                    return Err(too_large(
                        "columns",
                        col + 1,
                        limits.max_columns,
                        "max_columns",
                    ));
                }
                cells += 1;
                if cells > limits.max_cells {
                    return Err(too_large("cells", cells, limits.max_cells, "max_cells"));
                }
                if cells & 4095 == 0 {
                    budget.check_time()?;
                }
            }
        }
    }
    Ok(())
}
