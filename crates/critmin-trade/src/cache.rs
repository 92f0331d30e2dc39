//! The columnar cache of an imported table.
//!
//! One file per (input file identity, code table, format, year range), named by the hash of that
//! key, holding the grouped columns as raw arrays:
//!
//! ```text
//! magic "CRMTRADE" · format version u32 · byte-order mark u32 · key length u32 · key bytes
//! · source id length u8 · source id · group count u64 · row count u64
//! · years u16[G] · products u32[G] · starts u64[G+1]
//! · exporters u16[N] · importers u16[N] · values f64[N] · quantities f64[N]   (host order)
//! · xxh3-64 of every byte before it
//! ```
//!
//! A cache is only used when the magic, version, byte order, key and checksum all match and the
//! group offsets are consistent; anything else (truncated, stale, corrupted, from another
//! version) is reported and rebuilt, never trusted. It is written to a temporary file in the
//! cache directory and renamed into place, so a reader never sees half a file.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use xxhash_rust::xxh3::Xxh3;

use crate::codes::CountryTable;
use crate::table::{ProductYear, TradeSource, TradeTable};

const MAGIC: &[u8; 8] = b"CRMTRADE";
/// Bumped whenever the layout or the parser's semantics change.
pub const CACHE_FORMAT_VERSION: u32 = 1;
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
    /// The bytes identifying the input (see [`crate::import::file_identity`]).
    pub bytes: Vec<u8>,
}

impl CacheKey {
    /// Cache file path for this key under `dir`.
    pub fn path_in(&self, dir: &Path) -> PathBuf {
        dir.join(format!("{:016x}.ctrade", xxhash_rust::xxh3::xxh3_64(&self.bytes)))
    }
}

struct HashingWriter<W: Write> {
    inner: W,
    hash: Xxh3,
}

impl<W: Write> HashingWriter<W> {
    fn put(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.hash.update(bytes);
        self.inner.write_all(bytes)
    }
}

/// Columns are written in the host's byte order; the byte-order mark in the header makes a
/// cache from a host of the other order read as stale.
fn le_bytes<T: bytemuck::Pod>(values: &[T]) -> &[u8] {
    bytemuck::cast_slice(values)
}

/// Writes `table` to the cache file for `key` under `dir` (temporary file, then rename).
pub fn write_cache(dir: &Path, key: &CacheKey, table: &TradeTable) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = key.path_in(dir);
    let tmp = tempfile::NamedTempFile::new_in(dir)?;
    {
        let mut w = HashingWriter {
            inner: BufWriter::with_capacity(1 << 20, tmp.as_file()),
            hash: Xxh3::new(),
        };
        w.put(MAGIC)?;
        w.put(&CACHE_FORMAT_VERSION.to_le_bytes())?;
        w.put(&BYTE_ORDER_MARK.to_ne_bytes())?;
        w.put(&(key.bytes.len() as u32).to_le_bytes())?;
        w.put(&key.bytes)?;
        let source = table.source.id().as_bytes();
        w.put(&[source.len() as u8])?;
        w.put(source)?;
        w.put(&(table.groups.len() as u64).to_le_bytes())?;
        w.put(&(table.len() as u64).to_le_bytes())?;
        let years: Vec<u16> = table.groups.iter().map(|g| g.year).collect();
        let products: Vec<u32> = table.groups.iter().map(|g| g.product).collect();
        w.put(le_bytes(&years))?;
        w.put(le_bytes(&products))?;
        w.put(le_bytes(&table.starts))?;
        w.put(le_bytes(&table.exporter))?;
        w.put(le_bytes(&table.importer))?;
        w.put(le_bytes(&table.value))?;
        w.put(le_bytes(&table.quantity))?;
        let digest = w.hash.digest();
        w.inner.write_all(&digest.to_le_bytes())?;
        w.inner.flush()?;
    }
    tmp.as_file().sync_data()?;
    tmp.persist(&path).map_err(|e| e.error)?;
    Ok(path)
}

struct HashingReader<R: Read> {
    inner: R,
    hash: Xxh3,
}

impl<R: Read> HashingReader<R> {
    fn take(&mut self, buf: &mut [u8]) -> Result<(), CacheRejection> {
        self.inner
            .read_exact(buf)
            .map_err(|e| CacheRejection::Corrupt(format!("truncated ({e})")))?;
        self.hash.update(buf);
        Ok(())
    }

    fn u32(&mut self) -> Result<u32, CacheRejection> {
        let mut b = [0u8; 4];
        self.take(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn u64(&mut self) -> Result<u64, CacheRejection> {
        let mut b = [0u8; 8];
        self.take(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn column<T: bytemuck::Pod + Default + Clone>(&mut self, n: usize) -> Result<Vec<T>, CacheRejection> {
        let mut v = vec![T::default(); n];
        self.take(bytemuck::cast_slice_mut(&mut v))?;
        Ok(v)
    }
}

/// Reads the cache file for `key` under `dir`, checking everything before trusting it.
pub fn read_cache(
    dir: &Path,
    key: &CacheKey,
    countries: &CountryTable,
    expected_source: TradeSource,
) -> Result<TradeTable, CacheRejection> {
    let path = key.path_in(dir);
    let file = match File::open(&path) {
        Ok(f) => f,
        Err(_) => return Err(CacheRejection::Missing),
    };
    let file_len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut r = HashingReader {
        inner: std::io::BufReader::with_capacity(1 << 20, file),
        hash: Xxh3::new(),
    };
    let mut magic = [0u8; 8];
    r.take(&mut magic)?;
    if &magic != MAGIC {
        return Err(CacheRejection::Corrupt("not a critmin trade cache (bad magic)".into()));
    }
    let version = r.u32()?;
    if version != CACHE_FORMAT_VERSION {
        return Err(CacheRejection::Stale);
    }
    let mut bom = [0u8; 4];
    r.take(&mut bom)?;
    if u32::from_ne_bytes(bom) != BYTE_ORDER_MARK {
        return Err(CacheRejection::Stale);
    }
    let key_len = r.u32()? as usize;
    if key_len > 1 << 16 {
        return Err(CacheRejection::Corrupt("key length out of range".into()));
    }
    let mut stored_key = vec![0u8; key_len];
    r.take(&mut stored_key)?;
    if stored_key != key.bytes {
        return Err(CacheRejection::Stale);
    }
    let mut source_len = [0u8; 1];
    r.take(&mut source_len)?;
    let mut source = vec![0u8; usize::from(source_len[0])];
    r.take(&mut source)?;
    if source != expected_source.id().as_bytes() {
        return Err(CacheRejection::Stale);
    }
    let groups = r.u64()? as usize;
    let rows = r.u64()? as usize;
    // Bound the allocation by the file size before allocating.
    let needed = (groups as u128) * 14 + 8 + (rows as u128) * 20 + 8;
    if needed > u128::from(file_len) {
        return Err(CacheRejection::Corrupt(format!(
            "header promises {rows} rows and {groups} groups, more than the file holds"
        )));
    }
    let years: Vec<u16> = r.column(groups)?;
    let products: Vec<u32> = r.column(groups)?;
    let starts: Vec<u64> = r.column(groups + 1)?;
    let exporter: Vec<u16> = r.column(rows)?;
    let importer: Vec<u16> = r.column(rows)?;
    let value: Vec<f64> = r.column(rows)?;
    let quantity: Vec<f64> = r.column(rows)?;
    let digest = r.hash.digest();
    let mut stored = [0u8; 8];
    r.inner
        .read_exact(&mut stored)
        .map_err(|_| CacheRejection::Corrupt("truncated (no checksum)".into()))?;
    if u64::from_le_bytes(stored) != digest {
        return Err(CacheRejection::Corrupt("checksum mismatch".into()));
    }
    if r.inner.read(&mut [0u8; 1]).map_or(true, |n| n != 0) {
        return Err(CacheRejection::Corrupt("trailing bytes after the checksum".into()));
    }
    let consistent =
        starts.first() == Some(&0) && starts.last() == Some(&(rows as u64)) && starts.windows(2).all(|w| w[0] < w[1]);
    if !consistent {
        return Err(CacheRejection::Corrupt("inconsistent group offsets".into()));
    }
    if exporter.iter().chain(&importer).any(|&c| !countries.contains(c)) {
        return Err(CacheRejection::Corrupt(
            "country code missing from the code table".into(),
        ));
    }
    Ok(TradeTable {
        source: expected_source,
        countries: countries.clone(),
        groups: years
            .into_iter()
            .zip(products)
            .map(|(year, product)| ProductYear { year, product })
            .collect(),
        starts,
        exporter,
        importer,
        value,
        quantity,
    })
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
