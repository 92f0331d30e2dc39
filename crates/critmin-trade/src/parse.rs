//! The BACI CSV parser: chunks split at line boundaries, parsed in parallel (rayon), appended in
//! file order.
//!
//! A reader thread fills fixed-size buffers (inflating a zip entry if need be) and hands them
//! over through a bounded channel, so memory holds the kept columns plus a few buffers, never the
//! whole file. Buffers come back for reuse. Each chunk knows only its own line count; line numbers
//! in problems are made absolute when the chunks are appended in order.

use std::io::Read;
use std::ops::RangeInclusive;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use rayon::prelude::*;

use crate::codes::{CountryTable, MAX_COUNTRY_CODE};
use crate::table::RawColumns;

/// Size of one read buffer.
const CHUNK_BYTES: usize = 4 << 20;
/// Problems kept in detail (the rest are counted).
pub(crate) const MAX_PROBLEMS: usize = 100;

/// A problem in one line, before its line number is made absolute.
#[derive(Debug, Clone)]
pub(crate) struct LineProblem {
    /// 1-based line within the chunk (or absolute, once placed).
    pub(crate) line: u64,
    pub(crate) column: &'static str,
    pub(crate) value: String,
    pub(crate) expected: String,
}

/// What a row must satisfy.
pub(crate) struct Rules {
    pub(crate) years: RangeInclusive<u16>,
    known: Vec<bool>,
}

impl Rules {
    pub(crate) fn new(years: RangeInclusive<u16>, countries: &CountryTable) -> Rules {
        let known = (0..=MAX_COUNTRY_CODE).map(|c| countries.contains(c)).collect();
        Rules { years, known }
    }

    pub(crate) fn known(&self, code: u32) -> bool {
        self.known.get(code as usize).copied().unwrap_or(false)
    }
}

/// Outcome of parsing a whole stream.
pub(crate) struct Parsed {
    /// Rows, one block per chunk, in file order.
    pub(crate) columns: Vec<RawColumns>,
    pub(crate) problems: Vec<LineProblem>,
    pub(crate) bad_rows: u64,
    pub(crate) lines: u64,
}

struct ChunkResult {
    columns: RawColumns,
    problems: Vec<LineProblem>,
    bad_rows: u64,
    lines: u64,
}

/// Strips blanks, a carriage return and one pair of double quotes around a field.
pub(crate) fn trim_field(mut f: &[u8]) -> &[u8] {
    while let [b' ' | b'\t' | b'\r', rest @ ..] = f {
        f = rest;
    }
    while let [rest @ .., b' ' | b'\t' | b'\r'] = f {
        f = rest;
    }
    if f.len() >= 2 && f[0] == b'"' && f[f.len() - 1] == b'"' {
        f = &f[1..f.len() - 1];
    }
    f
}

/// A non-negative integer of at most nine digits.
pub(crate) fn parse_uint(f: &[u8]) -> Option<u32> {
    if f.is_empty() || f.len() > 9 {
        return None;
    }
    let mut n: u32 = 0;
    for &b in f {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        n = n * 10 + u32::from(d);
    }
    Some(n)
}

const POW10: [f64; 19] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
];

/// A decimal number as written in BACI (`123`, `0.125`, `1.5e3`). The fast path reads
/// `digits[.digits]` with at most 15 significant digits as an integer divided by a power of
/// ten: both are exact doubles, so the quotient is the correctly rounded value, the same as
/// `str::parse`. Anything else goes to `str::parse`. Non-finite results are refused.
pub(crate) fn parse_decimal(f: &[u8]) -> Option<f64> {
    let mut mantissa: u64 = 0;
    let mut digits = 0usize;
    let mut decimals = 0usize;
    let mut seen_point = false;
    let mut fast = !f.is_empty();
    for &b in f {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(b - b'0');
                if mantissa > 0 {
                    digits += 1;
                }
                if seen_point {
                    decimals += 1;
                }
                if digits > 15 || decimals > 18 {
                    fast = false;
                    break;
                }
            }
            b'.' if !seen_point => seen_point = true,
            _ => {
                fast = false;
                break;
            }
        }
    }
    if fast && (f.len() > usize::from(seen_point)) {
        return Some(mantissa as f64 / POW10[decimals]);
    }
    let text = std::str::from_utf8(f).ok()?;
    let v: f64 = text.parse().ok()?;
    v.is_finite().then_some(v)
}

/// Splits the header line and checks it is BACI's.
pub(crate) fn is_baci_header(line: &[u8]) -> bool {
    let line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
    let fields: Vec<&[u8]> = line.split(|&b| b == b',').map(trim_field).collect();
    fields == [b"t" as &[u8], b"i", b"j", b"k", b"v", b"q"]
}

const COLUMNS: [&str; 6] = ["t", "i", "j", "k", "v", "q"];

fn shown(f: &[u8]) -> String {
    String::from_utf8_lossy(f).into_owned()
}

/// Reads digits up to the next comma (at most nine), moving `pos` past the comma.
#[inline]
fn fast_uint(line: &[u8], pos: &mut usize) -> Option<u32> {
    let start = *pos;
    let mut n: u32 = 0;
    while let Some(&b) = line.get(*pos) {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        n = n * 10 + u32::from(d);
        *pos += 1;
    }
    let len = *pos - start;
    if len == 0 || len > 9 || line.get(*pos) != Some(&b',') {
        return None;
    }
    *pos += 1;
    Some(n)
}

/// Reads `digits[.digits]` (at most 15 significant digits) up to a comma or the end of the
/// line, exactly as [`parse_decimal`] would.
#[inline]
fn fast_decimal(line: &[u8], pos: &mut usize) -> Option<f64> {
    let start = *pos;
    let mut mantissa: u64 = 0;
    let mut digits = 0u32;
    let mut decimals = 0usize;
    let mut seen_point = false;
    while let Some(&b) = line.get(*pos) {
        let d = b.wrapping_sub(b'0');
        if d <= 9 {
            mantissa = mantissa * 10 + u64::from(d);
            digits += u32::from(mantissa > 0);
            decimals += usize::from(seen_point);
        } else if b == b'.' && !seen_point {
            seen_point = true;
        } else {
            break;
        }
        *pos += 1;
    }
    let len = *pos - start;
    if len == usize::from(seen_point) || digits > 15 || decimals > 18 {
        return None;
    }
    Some(mantissa as f64 / POW10[decimals])
}

/// The common case of a BACI line — plain `t,i,j,k,v,q` with no blanks or quotes and valid
/// values — parsed in one pass. `None` sends the line to [`parse_line`], which accepts the
/// other spellings and explains errors.
#[inline]
fn fast_line(line: &[u8], rules: &Rules, out: &mut RawColumns) -> Option<()> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let mut pos = 0usize;
    let t = fast_uint(line, &mut pos)?;
    let i = fast_uint(line, &mut pos)?;
    let j = fast_uint(line, &mut pos)?;
    let k_start = pos;
    let k = fast_uint(line, &mut pos)?;
    if pos - k_start != 7 {
        return None;
    }
    let v = fast_decimal(line, &mut pos)?;
    if line.get(pos) != Some(&b',') {
        return None;
    }
    pos += 1;
    let rest = &line[pos..];
    let q = if rest.is_empty() || rest == b"NA" {
        f64::NAN
    } else {
        let q = fast_decimal(line, &mut pos)?;
        if pos != line.len() {
            return None;
        }
        q
    };
    if t > u32::from(u16::MAX) || !rules.years.contains(&(t as u16)) || !rules.known(i) || !rules.known(j) {
        return None;
    }
    out.year.push(t as u16);
    out.exporter.push(i as u16);
    out.importer.push(j as u16);
    out.product.push(k);
    out.value.push(v);
    out.quantity.push(q);
    Some(())
}

/// Parses one line into the columns, or says what is wrong with it.
fn parse_line(line: &[u8], rules: &Rules, out: &mut RawColumns) -> Result<(), (usize, String, String)> {
    let mut fields = [&b""[..]; 6];
    let mut count = 0usize;
    for field in line.split(|&b| b == b',') {
        if count < 6 {
            fields[count] = field;
        }
        count += 1;
    }
    if count != 6 {
        return Err((
            usize::MAX,
            shown(line.strip_suffix(b"\r").unwrap_or(line)),
            format!("6 comma-separated fields t,i,j,k,v,q; found {count}"),
        ));
    }
    let [t, i, j, k, v, q] = fields.map(trim_field);
    let year = match parse_uint(t) {
        Some(y) if y <= u32::from(u16::MAX) && rules.years.contains(&(y as u16)) => y as u16,
        _ => {
            return Err((
                0,
                shown(t),
                format!("a year from {} to {}", rules.years.start(), rules.years.end()),
            ));
        }
    };
    let exporter = match parse_uint(i) {
        Some(c) if rules.known(c) => c as u16,
        _ => {
            return Err((
                1,
                shown(i),
                "a numeric country code listed in the country code table".into(),
            ));
        }
    };
    let importer = match parse_uint(j) {
        Some(c) if rules.known(c) => c as u16,
        _ => {
            return Err((
                2,
                shown(j),
                "a numeric country code listed in the country code table".into(),
            ));
        }
    };
    let product = match parse_uint(k) {
        Some(p) if k.len() == 6 => p,
        _ => {
            return Err((
                3,
                shown(k),
                "an HS6 product code of exactly six digits, leading zeros kept (e.g. 010121)".into(),
            ));
        }
    };
    let value = match parse_decimal(v) {
        Some(x) if x >= 0.0 => x,
        _ => {
            return Err((4, shown(v), "a finite number ≥ 0 (thousands of current USD)".into()));
        }
    };
    let quantity = if q.is_empty() || q == b"NA" {
        f64::NAN
    } else {
        match parse_decimal(q) {
            Some(x) if x >= 0.0 => x,
            _ => {
                return Err((
                    5,
                    shown(q),
                    "a finite number ≥ 0 (metric tonnes), or empty / NA when missing".into(),
                ));
            }
        }
    };
    out.year.push(year);
    out.exporter.push(exporter);
    out.importer.push(importer);
    out.product.push(product);
    out.value.push(value);
    out.quantity.push(quantity);
    Ok(())
}

/// Parses a chunk of whole lines; `skip_first` drops the header line of the first chunk.
fn parse_chunk(chunk: &[u8], rules: &Rules, skip_first: bool) -> ChunkResult {
    let mut result = ChunkResult {
        columns: RawColumns::default(),
        problems: Vec::new(),
        bad_rows: 0,
        lines: 0,
    };
    let estimate = chunk.len() / 40 + 16;
    result.columns.year.reserve(estimate);
    result.columns.exporter.reserve(estimate);
    result.columns.importer.reserve(estimate);
    result.columns.product.reserve(estimate);
    result.columns.value.reserve(estimate);
    result.columns.quantity.reserve(estimate);
    let mut start = 0usize;
    let mut line_no = 0u64;
    while start < chunk.len() {
        let end = memchr::memchr(b'\n', &chunk[start..]).map_or(chunk.len(), |p| start + p);
        let line = &chunk[start..end];
        start = end + 1;
        line_no += 1;
        if line_no == 1 && skip_first {
            continue;
        }
        if line.is_empty() || line == b"\r" {
            continue;
        }
        if fast_line(line, rules, &mut result.columns).is_some() {
            continue;
        }
        if let Err((col, value, expected)) = parse_line(line, rules, &mut result.columns) {
            result.bad_rows += 1;
            if result.problems.len() < MAX_PROBLEMS {
                result.problems.push(LineProblem {
                    line: line_no,
                    column: COLUMNS.get(col).copied().unwrap_or(""),
                    value,
                    expected,
                });
            }
        }
    }
    result.lines = line_no;
    result
}

/// Reads `reader` to the end in line-aligned chunks (on a separate thread) and parses them on
/// the rayon pool as they arrive — no barrier between chunks, so a slow or descheduled worker
/// does not hold the others — then puts the results back in file order. The header must
/// already have been checked by the caller; it is skipped. Once a bad row is seen, parsed rows
/// are dropped (the import will fail) and only problems are kept.
pub(crate) fn parse_baci<R: Read + Send>(reader: R, rules: &Rules) -> std::io::Result<Parsed> {
    let in_flight = rayon::current_num_threads().max(1) * 2;
    let (chunk_tx, chunk_rx) = mpsc::sync_channel::<Vec<u8>>(in_flight);
    let (recycle_tx, recycle_rx) = mpsc::channel::<Vec<u8>>();
    let failed = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let reader_thread = scope.spawn(move || read_chunks(reader, &chunk_tx, &recycle_rx));
        let mut results: Vec<(usize, ChunkResult)> = chunk_rx
            .into_iter()
            .enumerate()
            .par_bridge()
            .map_with(recycle_tx, |recycle, (seq, chunk)| {
                let mut result = parse_chunk(&chunk, rules, seq == 0);
                // The reader may have finished; a closed channel just drops the buffer.
                let _ = recycle.send(chunk);
                if result.bad_rows > 0 {
                    failed.store(true, Ordering::Relaxed);
                }
                if failed.load(Ordering::Relaxed) {
                    result.columns = RawColumns::default();
                }
                (seq, result)
            })
            .collect();
        results.sort_unstable_by_key(|(seq, _)| *seq);
        let mut parsed = Parsed {
            columns: Vec::with_capacity(results.len()),
            problems: Vec::new(),
            bad_rows: 0,
            lines: 0,
        };
        for (_, r) in results {
            for mut p in r.problems {
                if parsed.problems.len() < MAX_PROBLEMS {
                    p.line += parsed.lines;
                    parsed.problems.push(p);
                }
            }
            parsed.bad_rows += r.bad_rows;
            parsed.lines += r.lines;
            parsed.columns.push(r.columns);
        }
        if parsed.bad_rows > 0 {
            parsed.columns.clear();
        }
        match reader_thread.join() {
            Ok(result) => result.map(|()| parsed),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// Fills buffers of [`CHUNK_BYTES`] ending at a line break and sends them in order.
fn read_chunks<R: Read>(
    mut reader: R,
    tx: &mpsc::SyncSender<Vec<u8>>,
    recycle: &mpsc::Receiver<Vec<u8>>,
) -> std::io::Result<()> {
    let mut carry: Vec<u8> = Vec::new();
    loop {
        let mut buf = recycle
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(CHUNK_BYTES + 4096));
        buf.clear();
        buf.extend_from_slice(&carry);
        carry.clear();
        let mut filled = buf.len();
        buf.resize(CHUNK_BYTES.max(filled + 4096), 0);
        let mut eof = false;
        while filled < buf.len() {
            match reader.read(&mut buf[filled..]) {
                Ok(0) => {
                    eof = true;
                    break;
                }
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        buf.truncate(filled);
        if !eof {
            match memchr::memrchr(b'\n', &buf) {
                Some(p) => carry.extend_from_slice(&buf[p + 1..]),
                // A line longer than a buffer: keep reading into a bigger carry.
                None => {
                    carry = buf;
                    continue;
                }
            }
            let keep = buf.len() - carry.len();
            buf.truncate(keep);
        }
        if !buf.is_empty() && tx.send(buf).is_err() {
            return Ok(());
        }
        if eof {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_match_the_standard_parser() {
        for text in [
            "0",
            "12",
            "0.125",
            "1234567.891",
            "0.001",
            "5.",
            "1e3",
            "000.5",
            "99999999999999.9",
        ] {
            let expected: f64 = text.parse().unwrap();
            assert_eq!(
                parse_decimal(text.as_bytes()).map(f64::to_bits),
                Some(expected.to_bits()),
                "{text}"
            );
        }
        for bad in ["", ".", "-", "abc", "1,5", "inf", "NaN", "1e400"] {
            assert_eq!(parse_decimal(bad.as_bytes()), None, "{bad}");
        }
        assert_eq!(parse_decimal(b"-1"), Some(-1.0));
    }

    #[test]
    fn the_fast_path_and_the_general_path_agree() {
        let rules = Rules::new(1990..=2030, &CountryTable::embedded());
        for line in [
            "2020,4,8,010121,1.5,NA",
            "2020,4,8,010121,1.5,",
            "2020,4,8,010121,0.001,12.25\r",
            "2020,699,842,850760,1234567.125,3",
        ] {
            let (mut fast, mut general) = (RawColumns::default(), RawColumns::default());
            assert!(fast_line(line.as_bytes(), &rules, &mut fast).is_some(), "{line}");
            parse_line(line.as_bytes(), &rules, &mut general).unwrap();
            assert_eq!(fast.product, general.product);
            assert_eq!(fast.value[0].to_bits(), general.value[0].to_bits());
            assert_eq!(fast.quantity[0].to_bits(), general.quantity[0].to_bits(), "{line}");
        }
        for line in [
            "2020,4,8,10121,1.5,NA",
            "2020, 4,8,010121,1.5,NA",
            "2020,4,8,010121,-1,2",
            "2020,4,8,010121,1,2,3",
            "1900,4,8,010121,1,2",
            "2020,5,8,010121,1,2",
        ] {
            assert!(
                fast_line(line.as_bytes(), &rules, &mut RawColumns::default()).is_none(),
                "{line}"
            );
        }
    }

    #[test]
    fn fields_are_trimmed() {
        assert_eq!(trim_field(b"  \"010121\" \r"), b"010121");
        assert_eq!(trim_field(b"   NA"), b"NA");
        assert!(is_baci_header(b"\xEF\xBB\xBFt,i,j,k,v,q\r"));
        assert!(!is_baci_header(b"t,i,j,k,v"));
    }

    #[test]
    fn chunks_split_at_line_breaks_give_the_same_rows() {
        let rules = Rules::new(1990..=2030, &CountryTable::embedded());
        let mut text = String::from("t,i,j,k,v,q\n");
        for n in 0..5000u32 {
            text.push_str(&format!("2020,4,8,{:06},{}.5,NA\n", 10000 + n % 700, n));
        }
        let parsed = parse_baci(text.as_bytes(), &rules).unwrap();
        let mut all = RawColumns::default();
        for c in &parsed.columns {
            all.append(c);
        }
        assert_eq!(all.len(), 5000);
        assert_eq!(parsed.bad_rows, 0);
        assert_eq!(parsed.lines, 5001);
        assert_eq!(all.value[4999].to_bits(), 4999.5f64.to_bits());
        assert_eq!(all.product[0], 10000);
    }
}
