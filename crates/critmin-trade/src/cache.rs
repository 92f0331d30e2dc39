//! The columnar cache of an imported table.
//!
//! One file per (input file identity, code table, format, year range), named by the hash of that
//! key:
//!
//! ```text
//! magic "CRMTRADE" · format version u32 · byte-order mark u32 · key length u32 · key bytes
//! · source id length u8 · source id · group count u64 · row count u64
//! · directory: for each of the 7 columns (offset u64, length u64, xxh3-64 u64)
//! · xxh3-64 of every header byte before it
//! · columns: years u16[G] · products u32[G] · starts u64[G+1] · exporters u16[N]
//!   · importers u16[N] · values f64[N] · quantities f64[N]          (host byte order)
//! ```
//!
//! Each column has its own checksum, so a reader loads and verifies only the columns it needs
//! (an exporter HHI by value reads 10 of the 20 bytes per row). A cache is only used when the
//! magic, version, byte order, key, header checksum, file length and the checksums of the
//! columns read all match and the group offsets are consistent; anything else (truncated,
//! stale, corrupted, from another version) is reported and rebuilt, never trusted. It is
//! written to a temporary file in the cache directory and renamed into place, so a reader never
//! sees half a file.

use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use xxhash_rust::xxh3::Xxh3;

use crate::codes::CountryTable;
use crate::hhi::{Basis, ProductConcentration, Scratch, Side, group_concentration};
pub use crate::table::Columns;
use crate::table::{ProductYear, TradeSource, TradeTable};

const MAGIC: &[u8; 8] = b"CRMTRADE";
/// Bumped whenever the layout or the parser's semantics change.
pub const CACHE_FORMAT_VERSION: u32 = 2;
const BYTE_ORDER_MARK: u32 = 0x0102_0304;

/// Why a cache file was not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheRejection {
    /// No cache file for this key.
    Missing,
    /// A cache file with this name exists but describes another input (key mismatch).
    Stale,
    /// The file is damaged: truncated, wrong magic, wrong checksum, inconsistent offsets.
    Corrupt(String),
}

/// Where the cache lives and how a file is named.
#[derive(Debug, Clone)]
pub struct CacheKey {
    /// The bytes identifying the input (see [`crate::file_identity`]).
    pub bytes: Vec<u8>,
}

impl CacheKey {
    /// Cache file path for this key under `dir`.
    pub fn path_in(&self, dir: &Path) -> PathBuf {
        dir.join(format!("{:016x}.ctrade", xxhash_rust::xxh3::xxh3_64(&self.bytes)))
    }
}

/// Columns are written in the host's byte order; the byte-order mark in the header makes a
/// cache from a host of the other order read as stale.
fn as_bytes<T: bytemuck::Pod>(values: &[T]) -> &[u8] {
    bytemuck::cast_slice(values)
}

/// Writes `table` to the cache file for `key` under `dir` (temporary file, then rename). The
/// table must hold every column.
pub fn write_cache(dir: &Path, key: &CacheKey, table: &TradeTable) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = key.path_in(dir);
    let tmp = tempfile::NamedTempFile::new_in(dir)?;
    let years: Vec<u16> = table.groups.iter().map(|g| g.year).collect();
    let products: Vec<u32> = table.groups.iter().map(|g| g.product).collect();
    let columns: [&[u8]; 7] = [
        as_bytes(&years),
        as_bytes(&products),
        as_bytes(&table.starts),
        as_bytes(&table.exporter),
        as_bytes(&table.importer),
        as_bytes(&table.value),
        as_bytes(&table.quantity),
    ];
    let mut header = Vec::new();
    header.extend_from_slice(MAGIC);
    header.extend_from_slice(&CACHE_FORMAT_VERSION.to_le_bytes());
    header.extend_from_slice(&BYTE_ORDER_MARK.to_ne_bytes());
    header.extend_from_slice(&(key.bytes.len() as u32).to_le_bytes());
    header.extend_from_slice(&key.bytes);
    let source = table.source.id().as_bytes();
    header.push(source.len() as u8);
    header.extend_from_slice(source);
    header.extend_from_slice(&(table.groups.len() as u64).to_le_bytes());
    header.extend_from_slice(&(table.len() as u64).to_le_bytes());
    let mut offset = (header.len() + columns.len() * 24 + 8) as u64;
    for column in columns {
        header.extend_from_slice(&offset.to_le_bytes());
        header.extend_from_slice(&(column.len() as u64).to_le_bytes());
        header.extend_from_slice(&xxhash_rust::xxh3::xxh3_64(column).to_le_bytes());
        offset += column.len() as u64;
    }
    let digest = xxhash_rust::xxh3::xxh3_64(&header);
    header.extend_from_slice(&digest.to_le_bytes());
    {
        let mut w = BufWriter::with_capacity(1 << 20, tmp.as_file());
        w.write_all(&header)?;
        for column in columns {
            w.write_all(column)?;
        }
        w.flush()?;
    }
    // No fsync: a cache torn by a crash fails its checksums and is rebuilt, so durability is
    // not worth the wait.
    tmp.persist(&path).map_err(|e| e.error)?;
    Ok(path)
}

fn corrupt(why: impl Into<String>) -> CacheRejection {
    CacheRejection::Corrupt(why.into())
}

struct HeaderReader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl HeaderReader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], CacheRejection> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or_else(|| corrupt("truncated header"))?;
        let out = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    fn u32(&mut self) -> Result<u32, CacheRejection> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().unwrap_or([0; 4])))
    }

    fn u64(&mut self) -> Result<u64, CacheRejection> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().unwrap_or([0; 8])))
    }
}

const COLUMN_NAMES: [&str; 7] = [
    "years",
    "products",
    "starts",
    "exporters",
    "importers",
    "values",
    "quantities",
];

fn read_column<T: bytemuck::Pod + Default + Clone>(
    file: &mut File,
    directory: &[(u64, u64, u64); 7],
    index: usize,
    count: usize,
) -> Result<Vec<T>, CacheRejection> {
    let (offset, length, checksum) = directory[index];
    if length != (count * std::mem::size_of::<T>()) as u64 {
        return Err(corrupt(format!("column {} has the wrong length", COLUMN_NAMES[index])));
    }
    let mut v = vec![T::default(); count];
    file.seek(SeekFrom::Start(offset))
        .and_then(|_| file.read_exact(bytemuck::cast_slice_mut(&mut v)))
        .map_err(|e| corrupt(format!("truncated column {} ({e})", COLUMN_NAMES[index])))?;
    if xxhash_rust::xxh3::xxh3_64(bytemuck::cast_slice(&v)) != checksum {
        return Err(corrupt(format!("checksum mismatch in column {}", COLUMN_NAMES[index])));
    }
    Ok(v)
}

/// An opened, header-checked cache file with its group columns loaded.
struct OpenCache {
    file: File,
    directory: [(u64, u64, u64); 7],
    groups: Vec<ProductYear>,
    starts: Vec<u64>,
    rows: usize,
}

fn open_cache(dir: &Path, key: &CacheKey, expected_source: TradeSource) -> Result<OpenCache, CacheRejection> {
    let path = key.path_in(dir);
    let Ok(mut file) = File::open(&path) else {
        return Err(CacheRejection::Missing);
    };
    let file_len = file.metadata().map(|m| m.len()).unwrap_or(0);
    // The header is small: magic, key (a path and a few numbers), directory.
    let mut head = Vec::with_capacity(4096);
    (&mut file)
        .take(1 << 17)
        .read_to_end(&mut head)
        .map_err(|e| corrupt(format!("unreadable ({e})")))?;
    let mut r = HeaderReader { bytes: &head, pos: 0 };
    if r.take(8)? != MAGIC {
        return Err(corrupt("not a critmin trade cache (bad magic)"));
    }
    if r.u32()? != CACHE_FORMAT_VERSION {
        return Err(CacheRejection::Stale);
    }
    if u32::from_ne_bytes(r.take(4)?.try_into().unwrap_or([0; 4])) != BYTE_ORDER_MARK {
        return Err(CacheRejection::Stale);
    }
    let key_len = r.u32()? as usize;
    if r.take(key_len)? != key.bytes.as_slice() {
        return Err(CacheRejection::Stale);
    }
    let source_len = usize::from(r.take(1)?[0]);
    if r.take(source_len)? != expected_source.id().as_bytes() {
        return Err(CacheRejection::Stale);
    }
    let groups = r.u64()? as usize;
    let rows = r.u64()? as usize;
    let mut directory = [(0u64, 0u64, 0u64); 7];
    for entry in &mut directory {
        *entry = (r.u64()?, r.u64()?, r.u64()?);
    }
    let header_end = r.pos;
    if xxhash_rust::xxh3::xxh3_64(&head[..header_end]) != r.u64()? {
        return Err(corrupt("header checksum mismatch"));
    }
    let end = directory[6].0.saturating_add(directory[6].1);
    if end != file_len {
        return Err(corrupt(format!(
            "file is {file_len} bytes, its directory says {end} (truncated?)"
        )));
    }
    // The header checksum vouches for the counts; bound them by the file anyway before
    // allocating.
    if (groups as u128) * 14 + (rows as u128) * 20 > u128::from(file_len) {
        return Err(corrupt("row and group counts larger than the file"));
    }
    let years: Vec<u16> = read_column(&mut file, &directory, 0, groups)?;
    let products: Vec<u32> = read_column(&mut file, &directory, 1, groups)?;
    let starts: Vec<u64> = read_column(&mut file, &directory, 2, groups + 1)?;
    let consistent =
        starts.first() == Some(&0) && starts.last() == Some(&(rows as u64)) && starts.windows(2).all(|w| w[0] < w[1]);
    if !consistent {
        return Err(corrupt("inconsistent group offsets"));
    }
    Ok(OpenCache {
        file,
        directory,
        groups: years
            .into_iter()
            .zip(products)
            .map(|(year, product)| ProductYear { year, product })
            .collect(),
        starts,
        rows,
    })
}

/// Reads the cache file for `key` under `dir`, loading the group columns and the row columns
/// asked for, and checking everything it reads before trusting it.
pub fn read_cache(
    dir: &Path,
    key: &CacheKey,
    countries: &CountryTable,
    expected_source: TradeSource,
    columns: Columns,
) -> Result<TradeTable, CacheRejection> {
    let OpenCache {
        mut file,
        directory,
        groups,
        starts,
        rows,
    } = open_cache(dir, key, expected_source)?;
    let codes = |file: &mut File, index: usize, wanted: bool| -> Result<Vec<u16>, CacheRejection> {
        if !wanted {
            return Ok(Vec::new());
        }
        let v: Vec<u16> = read_column(file, &directory, index, rows)?;
        if v.iter().any(|&c| !countries.contains(c)) {
            return Err(corrupt("country code missing from the code table"));
        }
        Ok(v)
    };
    let exporter = codes(&mut file, 3, columns.exporter)?;
    let importer = codes(&mut file, 4, columns.importer)?;
    let value = if columns.value {
        read_column(&mut file, &directory, 5, rows)?
    } else {
        Vec::new()
    };
    let quantity = if columns.quantity {
        read_column(&mut file, &directory, 6, rows)?
    } else {
        Vec::new()
    };
    Ok(TradeTable {
        source: expected_source,
        countries: countries.clone(),
        groups,
        starts,
        exporter,
        importer,
        value,
        quantity,
    })
}

/// Rows per streamed block (about 10 MB of codes and amounts).
const STREAM_ROWS: usize = 1 << 20;

/// HHI per (year, product) computed straight off the cache file, streaming the two columns it
/// needs through reused buffers instead of loading them: the same results as
/// [`product_concentration`](crate::product_concentration) on the loaded table, at the cost of
/// reading each byte once. Checksums are computed as the columns stream by; on a mismatch the
/// results are discarded and the cache is reported corrupt.
pub fn stream_concentration(
    dir: &Path,
    key: &CacheKey,
    countries: &CountryTable,
    expected_source: TradeSource,
    side: Side,
    basis: Basis,
) -> Result<Vec<ProductConcentration>, CacheRejection> {
    stream_in_blocks(dir, key, countries, expected_source, side, basis, STREAM_ROWS)
}

/// [`stream_concentration`] with blocks of about `block_rows` rows (tests use small blocks to
/// run the two-buffer pipeline over many blocks on small files).
fn stream_in_blocks(
    dir: &Path,
    key: &CacheKey,
    countries: &CountryTable,
    expected_source: TradeSource,
    side: Side,
    basis: Basis,
    block_rows: usize,
) -> Result<Vec<ProductConcentration>, CacheRejection> {
    let open = open_cache(dir, key, expected_source)?;
    let code_index = if side == Side::Exporter { 3 } else { 4 };
    let amount_index = if basis == Basis::Value { 5 } else { 6 };
    let (code_offset, code_len, code_sum) = open.directory[code_index];
    let (amount_offset, amount_len, amount_sum) = open.directory[amount_index];
    if code_len != (open.rows * 2) as u64 || amount_len != (open.rows * 8) as u64 {
        return Err(corrupt("column lengths disagree with the row count"));
    }
    let mut code_file = open.file;
    // A second open file (not a clone, which would share the file position) for the other column.
    let mut amount_file = File::open(key.path_in(dir)).map_err(|e| corrupt(format!("unreadable ({e})")))?;
    code_file
        .seek(SeekFrom::Start(code_offset))
        .map_err(|e| corrupt(format!("unreadable ({e})")))?;
    amount_file
        .seek(SeekFrom::Start(amount_offset))
        .map_err(|e| corrupt(format!("unreadable ({e})")))?;
    // Blocks of whole groups, at least one, up to about STREAM_ROWS rows each.
    let mut blocks: Vec<(usize, usize)> = Vec::new();
    let mut g = 0usize;
    while g < open.groups.len() {
        let first_row = open.starts[g] as usize;
        let mut end = g + 1;
        while end < open.groups.len() && open.starts[end + 1] as usize - first_row <= block_rows {
            end += 1;
        }
        blocks.push((g, end));
        g = end;
    }
    let mut reader = BlockReader {
        code_file,
        amount_file,
        code_hash: Xxh3::new(),
        amount_hash: Xxh3::new(),
        countries,
    };
    // Two buffers: while both cores compute the HHIs of one block, the next one is read and
    // checksummed (rayon::join), so reading no longer waits for computing and vice versa.
    let mut current = Block::default();
    let mut next = Block::default();
    let mut results = Vec::with_capacity(open.groups.len());
    if let Some(&first) = blocks.first() {
        reader.read(&open.starts, first, &mut current)?;
    }
    for (i, &(g, end)) in blocks.iter().enumerate() {
        let first_row = open.starts[g] as usize;
        let (block, read) = rayon::join(
            || {
                (g..end)
                    .into_par_iter()
                    .with_min_len(64)
                    .map_init(Scratch::new, |scratch, h| {
                        let rows = open.starts[h] as usize - first_row..open.starts[h + 1] as usize - first_row;
                        group_concentration(
                            scratch,
                            open.groups[h],
                            &current.codes[rows.clone()],
                            &current.amounts[rows],
                        )
                    })
                    .collect::<Vec<ProductConcentration>>()
            },
            || match blocks.get(i + 1) {
                Some(&following) => reader.read(&open.starts, following, &mut next),
                None => Ok(()),
            },
        );
        read?;
        results.extend(block);
        std::mem::swap(&mut current, &mut next);
    }
    let BlockReader {
        code_hash, amount_hash, ..
    } = reader;
    if code_hash.digest() != code_sum {
        return Err(corrupt(format!(
            "checksum mismatch in column {}",
            COLUMN_NAMES[code_index]
        )));
    }
    if amount_hash.digest() != amount_sum {
        return Err(corrupt(format!(
            "checksum mismatch in column {}",
            COLUMN_NAMES[amount_index]
        )));
    }
    Ok(results)
}

/// One streamed block of the two columns an HHI needs.
#[derive(Default)]
struct Block {
    codes: Vec<u16>,
    amounts: Vec<f64>,
}

/// Reads consecutive blocks of a code column and an amount column, checksumming and checking
/// the codes as they go by.
struct BlockReader<'a> {
    code_file: File,
    amount_file: File,
    code_hash: Xxh3,
    amount_hash: Xxh3,
    countries: &'a CountryTable,
}

impl BlockReader<'_> {
    /// Reads the rows of groups `g..end` (the next rows of both files) into `into`.
    fn read(&mut self, starts: &[u64], (g, end): (usize, usize), into: &mut Block) -> Result<(), CacheRejection> {
        let n = (starts[end] - starts[g]) as usize;
        into.codes.resize(n, 0);
        into.amounts.resize(n, 0.0);
        self.code_file
            .read_exact(bytemuck::cast_slice_mut(&mut into.codes))
            .and_then(|()| self.amount_file.read_exact(bytemuck::cast_slice_mut(&mut into.amounts)))
            .map_err(|e| corrupt(format!("truncated column ({e})")))?;
        self.code_hash.update(bytemuck::cast_slice(&into.codes));
        self.amount_hash.update(bytemuck::cast_slice(&into.amounts));
        if into.codes.iter().any(|&c| !self.countries.contains(c)) {
            return Err(corrupt("country code missing from the code table"));
        }
        Ok(())
    }
}

impl CacheRejection {
    /// Short description for messages.
    pub fn describe(&self) -> String {
        match self {
            CacheRejection::Missing => "no cache yet".into(),
            CacheRejection::Stale => "cache is stale (input, code table or cache version changed)".into(),
            CacheRejection::Corrupt(why) => format!("cache is corrupt ({why})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{GenerateOptions, ImportOptions, file_identity, generate_file, import, product_concentration};

    #[test]
    fn streaming_in_many_blocks_equals_the_loaded_table() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("g.csv");
        let generated = GenerateOptions {
            rows: 6_000,
            seed: 5,
            years: 2021..=2022,
            products: 120,
        };
        generate_file(&generated, &csv).unwrap();
        let options = ImportOptions {
            cache_dir: Some(dir.path().join("cache")),
            ..ImportOptions::default()
        };
        let imported = import(&csv, &options).unwrap();
        let key = file_identity(&csv, &options).unwrap();
        let cache_dir = options.cache_dir.as_deref().unwrap();
        let source = imported.table.source();
        for side in [Side::Exporter, Side::Importer] {
            for basis in [Basis::Value, Basis::Quantity] {
                let loaded = product_concentration(&imported.table, side, basis);
                // 1 row per block (one group each), odd sizes, and one block for everything.
                for block_rows in [1, 7, 100, 1_000, usize::MAX / 2] {
                    let streamed =
                        stream_in_blocks(cache_dir, &key, &options.countries, source, side, basis, block_rows).unwrap();
                    assert_eq!(loaded, streamed, "{side:?} {basis:?} blocks of {block_rows}");
                }
            }
        }
    }
}
