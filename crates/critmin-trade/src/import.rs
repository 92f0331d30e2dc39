//! Importing a trade file: format detection (BACI or Comtrade, plain or zipped), the cache
//! lookup, parsing and validation, and the all-or-nothing rule.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};

use critmin_model::Problem;

use crate::cache::{CacheKey, CacheRejection, read_cache, write_cache};
use crate::codes::CountryTable;
use crate::comtrade::{ComtradeSkips, is_comtrade_header, parse_comtrade};
use crate::parse::{LineProblem, MAX_PROBLEMS, Rules, is_baci_header, parse_baci};
use crate::table::{Columns, ComtradeFlow, RawColumns, TradeSource, TradeTable, group_chunks};

/// Years accepted by default: from 1962, the first year of UN Comtrade, to 2100.
pub const DEFAULT_YEARS: RangeInclusive<u16> = 1962..=2100;

/// How to import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The country code table rows are validated against.
    pub countries: CountryTable,
    /// When `true` and the input is a zip holding BACI's `country_codes_V*.csv`, that file
    /// replaces `countries` (set to `false` when the user gave a code file).
    pub use_archive_codes: bool,
    /// Accepted years.
    pub years: RangeInclusive<u16>,
    /// Cache directory; `None` disables the cache.
    pub cache_dir: Option<PathBuf>,
    /// Which Comtrade flow to keep.
    pub comtrade_flow: ComtradeFlow,
    /// Row columns the caller needs; the others are left empty (on a cache hit they are not
    /// even read). The cache itself always holds every column.
    pub columns: Columns,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            countries: CountryTable::embedded(),
            use_archive_codes: true,
            years: DEFAULT_YEARS,
            cache_dir: None,
            comtrade_flow: ComtradeFlow::Imports,
            columns: Columns::ALL,
        }
    }
}

/// What happened with the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheStatus {
    /// No cache directory was given.
    Disabled,
    /// The table was read from the cache; the file was not parsed.
    Hit(PathBuf),
    /// The file was parsed and the cache (re)built; why the old one was not used.
    Built {
        /// The cache file written.
        path: PathBuf,
        /// Why no usable cache was there.
        previous: CacheRejection,
    },
    /// The file was parsed but the cache could not be written (the import itself succeeded).
    NotWritten(String),
}

/// A completed import.
#[derive(Debug)]
pub struct Import {
    /// The table.
    pub table: TradeTable,
    /// Cache outcome.
    pub cache: CacheStatus,
    /// Comtrade rows left out on purpose (empty for BACI and for cache hits).
    pub skipped: ComtradeSkips,
    /// Input lines read, header included (0 on a cache hit).
    pub lines: u64,
}

/// Why an import failed. Nothing is kept: no table is returned and no cache is written.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Rows failed validation; the first problems are listed, all bad rows are counted.
    #[error("{bad_rows} bad row(s); nothing was imported:\n{}{more}", list(.problems),
        more = if (*.bad_rows as usize) > .problems.len() { format!("\n(first {} shown)", .problems.len()) } else { String::new() })]
    Invalid {
        /// The problems, first ones.
        problems: Vec<Problem>,
        /// Number of bad rows in all.
        bad_rows: u64,
    },
    /// The file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The zip archive could not be read, or holds no trade file.
    #[error("{}: {message}", path.display())]
    Archive {
        /// The path.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

fn list(problems: &[Problem]) -> String {
    problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n")
}

/// The identity of an input file for the cache: canonical path, size, modification time and a
/// fingerprint of its first and last 64 KiB, plus what the parse depends on (code table, years,
/// Comtrade flow, cache format version).
pub fn file_identity(path: &Path, options: &ImportOptions) -> std::io::Result<CacheKey> {
    let canonical = path.canonicalize()?;
    let mut file = File::open(&canonical)?;
    let meta = file.metadata()?;
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    let size = meta.len();
    const SAMPLE: u64 = 64 << 10;
    let mut sample = Vec::with_capacity(2 * SAMPLE as usize);
    (&mut file).take(SAMPLE).read_to_end(&mut sample)?;
    if size > SAMPLE {
        file.seek(SeekFrom::Start(size.saturating_sub(SAMPLE).max(SAMPLE)))?;
        file.take(SAMPLE).read_to_end(&mut sample)?;
    }
    let mut key = Vec::new();
    key.extend_from_slice(canonical.to_string_lossy().as_bytes());
    key.push(0);
    key.extend_from_slice(&size.to_le_bytes());
    key.extend_from_slice(&mtime.to_le_bytes());
    key.extend_from_slice(&xxhash_rust::xxh3::xxh3_64(&sample).to_le_bytes());
    push_options(&mut key, options);
    Ok(CacheKey { bytes: key })
}

/// What the parse depends on besides the input: code table, years, archive codes, Comtrade
/// flow, cache format version.
fn push_options(key: &mut Vec<u8>, options: &ImportOptions) {
    key.extend_from_slice(&options.countries.digest().to_le_bytes());
    key.extend_from_slice(&options.years.start().to_le_bytes());
    key.extend_from_slice(&options.years.end().to_le_bytes());
    key.push(u8::from(options.use_archive_codes));
    key.push(match options.comtrade_flow {
        ComtradeFlow::Imports => b'M',
        ComtradeFlow::Exports => b'X',
    });
    key.extend_from_slice(&crate::cache::CACHE_FORMAT_VERSION.to_le_bytes());
}

/// The default cache directory: `$XDG_CACHE_HOME/critmin/trade`, else `~/.cache/critmin/trade`.
pub fn default_cache_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("critmin").join("trade"))
}

enum Kind {
    Baci,
    Comtrade { delimiter: u8 },
}

fn detect(header: &[u8]) -> Option<Kind> {
    if is_baci_header(header) {
        Some(Kind::Baci)
    } else if is_comtrade_header(header) {
        Some(Kind::Comtrade {
            delimiter: if header.contains(&b'\t') { b'\t' } else { b',' },
        })
    } else {
        None
    }
}

struct Stream {
    columns: Vec<RawColumns>,
    problems: Vec<Problem>,
    bad_rows: u64,
    lines: u64,
    skipped: ComtradeSkips,
    source: Option<TradeSource>,
}

fn place(problems: Vec<LineProblem>, file: &str) -> Vec<Problem> {
    problems
        .into_iter()
        .map(|p| Problem {
            file: file.to_owned(),
            line: p.line,
            column: (!p.column.is_empty()).then(|| p.column.to_owned()),
            value: (!p.value.is_empty() || !p.column.is_empty()).then_some(p.value),
            expected: p.expected,
        })
        .collect()
}

/// Parses one CSV stream (a plain file or a zip entry) into `stream`.
fn parse_stream<R: Read + Send>(
    reader: R,
    name: &str,
    rules: &Rules,
    options: &ImportOptions,
    stream: &mut Stream,
) -> std::io::Result<()> {
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let buffered = reader.fill_buf()?;
    let header_end = memchr::memchr(b'\n', buffered).unwrap_or(buffered.len());
    let header = buffered[..header_end].to_vec();
    let kind = detect(&header);
    let (source, columns, problems, bad_rows, lines) = match kind {
        Some(Kind::Baci) => {
            let parsed = parse_baci(reader, rules)?;
            // Chunks as parsed; grouping reads them in place.
            (
                TradeSource::Baci,
                parsed.columns,
                parsed.problems,
                parsed.bad_rows,
                parsed.lines,
            )
        }
        Some(Kind::Comtrade { delimiter }) => match parse_comtrade(reader, delimiter, rules, options.comtrade_flow) {
            Ok(parsed) => {
                stream.skipped.by_reason.extend(parsed.skips.by_reason);
                let lines = 0;
                (
                    TradeSource::Comtrade(options.comtrade_flow),
                    vec![parsed.columns],
                    parsed.problems,
                    parsed.bad_rows,
                    lines,
                )
            }
            Err(p) => (TradeSource::Comtrade(options.comtrade_flow), Vec::new(), vec![p], 1, 0),
        },
        None => {
            let shown = String::from_utf8_lossy(&header).trim_end().to_owned();
            let p = LineProblem {
                line: 1,
                column: "",
                value: shown,
                expected: "a BACI header `t,i,j,k,v,q` or a UN Comtrade header (refYear, reporterCode, partnerCode, \
                           flowCode, cmdCode, primaryValue...)"
                    .into(),
            };
            (TradeSource::Baci, Vec::new(), vec![p], 1, 0)
        }
    };
    if let Some(previous) = stream.source
        && previous != source
    {
        stream.problems.push(Problem {
            file: name.to_owned(),
            line: 1,
            column: None,
            value: None,
            expected: format!("the same format as the other entries ({})", previous.id()),
        });
        stream.bad_rows += 1;
    }
    stream.source = Some(source);
    let room = MAX_PROBLEMS.saturating_sub(stream.problems.len());
    stream.problems.extend(place(problems, name).into_iter().take(room));
    stream.bad_rows += bad_rows;
    stream.lines += lines;
    if stream.bad_rows == 0 {
        stream.columns.extend(columns);
    } else {
        stream.columns.clear();
    }
    Ok(())
}

/// Where an import reads from: a file, or bytes compiled into the program (the shipped flows).
#[derive(Debug, Clone, Copy)]
enum Input<'a> {
    Path(&'a Path),
    Bytes(&'a [u8]),
}

/// A reader the zip archive and the parser can both use, whatever the input.
trait ReadSeek: Read + Seek + Send {}
impl<T: Read + Seek + Send> ReadSeek for T {}

type Reader<'a> = Box<dyn ReadSeek + 'a>;

impl<'a> Input<'a> {
    fn open(self) -> std::io::Result<Reader<'a>> {
        Ok(match self {
            Input::Path(path) => Box::new(File::open(path)?),
            Input::Bytes(bytes) => Box::new(std::io::Cursor::new(bytes)),
        })
    }
}

fn is_zip(input: Input<'_>) -> std::io::Result<bool> {
    let mut magic = [0u8; 4];
    let n = input.open()?.read(&mut magic)?;
    Ok(n == 4 && &magic == b"PK\x03\x04")
}

fn base_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

/// Imports a BACI or Comtrade file (plain CSV or zip), from the cache when a valid one exists.
///
/// Every row is validated; on any bad row the import fails with the problems listed (file,
/// line, column, value, what was expected) and nothing is kept — no table, no cache file.
pub fn import(path: &Path, options: &ImportOptions) -> Result<Import, ImportError> {
    let key = match &options.cache_dir {
        Some(_) => Some(file_identity(path, options).map_err(|source| ImportError::Io {
            path: path.to_owned(),
            source,
        })?),
        None => None,
    };
    import_input(Input::Path(path), path, key, options)
}

/// Imports a trade file held in memory (a BACI or Comtrade CSV, or a zip of them) exactly as
/// [`import`] imports a file; `name` stands for the path in messages. The cache, when
/// `options.cache_dir` is set, is keyed by `release` and a hash of every byte
/// ([`bytes_identity`]), so the first use builds it and later uses read it.
pub fn import_bytes(name: &str, release: &str, bytes: &[u8], options: &ImportOptions) -> Result<Import, ImportError> {
    let key = options
        .cache_dir
        .as_ref()
        .map(|_| bytes_identity(name, release, bytes, options));
    import_input(Input::Bytes(bytes), Path::new(name), key, options)
}

/// The cache identity of bytes held in memory: the name, the release, the length and the
/// xxh3-64 hash of every byte, plus what the parse depends on (as in [`file_identity`]).
pub fn bytes_identity(name: &str, release: &str, bytes: &[u8], options: &ImportOptions) -> CacheKey {
    let mut key = Vec::new();
    key.extend_from_slice(b"embedded:");
    key.extend_from_slice(name.as_bytes());
    key.push(0);
    key.extend_from_slice(release.as_bytes());
    key.push(0);
    key.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    key.extend_from_slice(&xxhash_rust::xxh3::xxh3_64(bytes).to_le_bytes());
    push_options(&mut key, options);
    CacheKey { bytes: key }
}

fn import_input(
    input: Input<'_>,
    path: &Path,
    key: Option<CacheKey>,
    options: &ImportOptions,
) -> Result<Import, ImportError> {
    let io_err = |source: std::io::Error| ImportError::Io {
        path: path.to_owned(),
        source,
    };
    let zipped = is_zip(input).map_err(io_err)?;
    let display = path.display().to_string();
    let mut countries = options.countries.clone();
    let mut stream = Stream {
        columns: Vec::new(),
        problems: Vec::new(),
        bad_rows: 0,
        lines: 0,
        skipped: ComtradeSkips::default(),
        source: None,
    };
    let mut archive = None;
    let mut entries: Vec<String> = Vec::new();
    if zipped {
        let file = input.open().map_err(io_err)?;
        let mut zip = zip::ZipArchive::new(file).map_err(|e| ImportError::Archive {
            path: path.to_owned(),
            message: format!("not a readable zip archive ({e})"),
        })?;
        let names: Vec<String> = zip
            .file_names()
            .filter_map(|n| n.ok().map(|n| n.into_owned()))
            .collect();
        let mut code_files = Vec::new();
        for name in names {
            let base = base_name(&name).to_ascii_lowercase();
            if !base.ends_with(".csv") && !base.ends_with(".txt") {
                continue;
            }
            if base.starts_with("country_codes") {
                code_files.push(name);
            } else if !base.starts_with("product_codes") && !base.starts_with("readme") {
                entries.push(name);
            }
        }
        entries.sort();
        if entries.is_empty() {
            return Err(ImportError::Archive {
                path: path.to_owned(),
                message: "the archive holds no CSV trade file".into(),
            });
        }
        if options.use_archive_codes
            && let Some(name) = code_files.first()
        {
            let mut text = String::new();
            zip.by_name(name)
                .and_then(|mut f| f.read_to_string(&mut text).map_err(Into::into))
                .map_err(|e| ImportError::Archive {
                    path: path.to_owned(),
                    message: format!("cannot read {name} ({e})"),
                })?;
            countries =
                CountryTable::parse(&format!("{display}:{name}"), &text).map_err(|problems| ImportError::Invalid {
                    bad_rows: problems.len() as u64,
                    problems,
                })?;
        }
        archive = Some(zip);
    }
    // The archive's own code file is inside the fingerprinted archive, so the key covers it.
    let detected_source = peek_source(input, archive.as_mut(), entries.first(), options).map_err(io_err)?;
    let mut previous = None;
    if let (Some(dir), Some(key), Some(source)) = (&options.cache_dir, &key, detected_source) {
        match read_cache(dir, key, &countries, source, options.columns) {
            Ok(table) => {
                return Ok(Import {
                    table,
                    cache: CacheStatus::Hit(key.path_in(dir)),
                    skipped: ComtradeSkips::default(),
                    lines: 0,
                });
            }
            Err(rejection) => previous = Some(rejection),
        }
    }
    let rules = Rules::new(options.years.clone(), &countries);
    parse_all(input, path, &rules, options, archive, &entries, &mut stream)?;
    if stream.bad_rows > 0 {
        return Err(ImportError::Invalid {
            problems: stream.problems,
            bad_rows: stream.bad_rows,
        });
    }
    let mut table = group_chunks(stream.columns, stream.source.unwrap_or(TradeSource::Baci), countries);
    let cache = match (options.cache_dir.as_deref(), &key) {
        (Some(dir), Some(key)) => match write_cache(dir, key, &table) {
            Ok(path) => CacheStatus::Built {
                path,
                previous: previous.unwrap_or(CacheRejection::Missing),
            },
            Err(e) => CacheStatus::NotWritten(format!("cannot write the cache in {}: {e}", dir.display())),
        },
        _ => CacheStatus::Disabled,
    };
    table.keep_columns(options.columns);
    Ok(Import {
        table,
        cache,
        skipped: stream.skipped,
        lines: stream.lines,
    })
}

fn parse_all(
    input: Input<'_>,
    path: &Path,
    rules: &Rules,
    options: &ImportOptions,
    archive: Option<zip::ZipArchive<Reader<'_>>>,
    entries: &[String],
    stream: &mut Stream,
) -> Result<(), ImportError> {
    let io_err = |source: std::io::Error| ImportError::Io {
        path: path.to_owned(),
        source,
    };
    let display = path.display().to_string();
    match archive {
        None => {
            let file = input.open().map_err(io_err)?;
            parse_stream(file, &display, rules, options, stream).map_err(io_err)?;
        }
        Some(mut zip) => {
            for name in entries {
                let entry = zip.by_name(name).map_err(|e| ImportError::Archive {
                    path: path.to_owned(),
                    message: format!("cannot read {name} ({e})"),
                })?;
                parse_stream(entry, &format!("{display}:{name}"), rules, options, stream).map_err(io_err)?;
            }
        }
    }
    Ok(())
}

/// The format of the (first) data stream, from its header, without parsing the rows.
fn peek_source(
    input: Input<'_>,
    archive: Option<&mut zip::ZipArchive<Reader<'_>>>,
    first_entry: Option<&String>,
    options: &ImportOptions,
) -> std::io::Result<Option<TradeSource>> {
    let mut head = Vec::with_capacity(4096);
    match (archive, first_entry) {
        (Some(zip), Some(name)) => {
            let entry = zip.by_name(name).map_err(std::io::Error::other)?;
            entry.take(1 << 16).read_to_end(&mut head)?;
        }
        _ => {
            input.open()?.take(1 << 16).read_to_end(&mut head)?;
        }
    }
    let end = memchr::memchr(b'\n', &head).unwrap_or(head.len());
    Ok(match detect(&head[..end]) {
        Some(Kind::Baci) => Some(TradeSource::Baci),
        Some(Kind::Comtrade { .. }) => Some(TradeSource::Comtrade(options.comtrade_flow)),
        None => None,
    })
}

/// HHI per (year, product) streamed straight from a valid cache of `path`
/// ([`crate::cache::stream_concentration`]), or `None` when there is no usable cache — then
/// [`import`] the file and call [`crate::product_concentration`]. Zipped inputs whose own code
/// file would replace the table always take the import path.
pub fn cached_concentration(
    path: &Path,
    options: &ImportOptions,
    side: crate::Side,
    basis: crate::Basis,
) -> Option<(Vec<crate::ProductConcentration>, PathBuf)> {
    let dir = options.cache_dir.as_deref()?;
    let input = Input::Path(path);
    if options.use_archive_codes && is_zip(input).ok()? {
        return None;
    }
    let key = file_identity(path, options).ok()?;
    let mut archive = None;
    let mut entries = Vec::new();
    if is_zip(input).ok()? {
        let zip = zip::ZipArchive::new(input.open().ok()?).ok()?;
        entries = zip
            .file_names()
            .filter_map(|n| n.ok().map(|n| n.into_owned()))
            .filter(|n| {
                let base = base_name(n).to_ascii_lowercase();
                (base.ends_with(".csv") || base.ends_with(".txt"))
                    && !base.starts_with("country_codes")
                    && !base.starts_with("product_codes")
                    && !base.starts_with("readme")
            })
            .collect();
        entries.sort();
        archive = Some(zip);
    }
    let source = peek_source(input, archive.as_mut(), entries.first(), options).ok()??;
    let results = crate::cache::stream_concentration(dir, &key, &options.countries, source, side, basis).ok()?;
    Some((results, key.path_in(dir)))
}
