//! UN Comtrade bulk CSV (the "final" data files of the Comtrade database, comma- or
//! tab-separated, one header line).
//!
//! Columns read, by name (the header of Comtrade's current data files: `typeCode, freqCode,
//! refPeriodId, refYear, refMonth, period, reporterCode, reporterISO, reporterDesc, flowCode,
//! flowDesc, partnerCode, partnerISO, partnerDesc, partner2Code, ..., cmdCode, cmdDesc,
//! aggrLevel, isLeaf, customsCode, customsDesc, mosCode, motCode, ..., netWgt, ..., cifvalue,
//! fobvalue, primaryValue, ...`):
//!
//! | column | use |
//! |---|---|
//! | `refYear` (else `period`) | year |
//! | `reporterCode`, `partnerCode` | numeric (M49) country codes, the same numbering BACI uses |
//! | `flowCode` | `M` import or `X` export; other flows (re-exports, re-imports...) are skipped |
//! | `cmdCode` | six-digit HS code; `TOTAL` and 2- or 4-digit aggregates are skipped |
//! | `primaryValue` | US dollars (converted to thousands, as BACI) |
//! | `netWgt` | net weight in kg (converted to tonnes); empty = missing |
//! | `partner2Code`, `motCode`, `customsCode` (when present) | only the totals (`0`, `0`, `C00`) are kept, so breakdowns are not counted twice |
//!
//! Skipped, and counted in the summary rather than rejected: other flows, aggregates, the
//! partner `0` (World) and partner codes that are not countries in the code table (Comtrade's
//! "areas nes", bunkers, free zones). A reporter code outside the table is an error.

use std::collections::BTreeMap;
use std::io::Read;

use crate::parse::{LineProblem, MAX_PROBLEMS, Rules, parse_decimal, parse_uint, trim_field};
use crate::table::{ComtradeFlow, RawColumns};

/// Why rows of a Comtrade file were left out (not errors).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ComtradeSkips {
    /// Count per reason.
    pub by_reason: BTreeMap<&'static str, u64>,
}

impl ComtradeSkips {
    fn add(&mut self, reason: &'static str) {
        *self.by_reason.entry(reason).or_insert(0) += 1;
    }

    /// Total rows skipped.
    pub fn total(&self) -> u64 {
        self.by_reason.values().sum()
    }
}

pub(crate) struct ComtradeParsed {
    pub(crate) columns: RawColumns,
    pub(crate) problems: Vec<LineProblem>,
    pub(crate) bad_rows: u64,
    pub(crate) skips: ComtradeSkips,
    /// Lines read, header included.
    pub(crate) lines: u64,
}

/// Whether a header line is a Comtrade one.
pub(crate) fn is_comtrade_header(line: &[u8]) -> bool {
    let text = String::from_utf8_lossy(line);
    ["reporterCode", "partnerCode", "cmdCode", "primaryValue"]
        .iter()
        .all(|c| {
            text.split([',', '\t'])
                .any(|h| h.trim().trim_matches('"').trim_start_matches('\u{feff}') == *c)
        })
}

struct Cols {
    year: usize,
    year_name: &'static str,
    reporter: usize,
    partner: usize,
    flow: usize,
    product: usize,
    value: usize,
    weight: Option<usize>,
    partner2: Option<usize>,
    mot: Option<usize>,
    customs: Option<usize>,
}

pub(crate) fn parse_comtrade<R: Read>(
    reader: R,
    delimiter: u8,
    rules: &Rules,
    flow: ComtradeFlow,
) -> Result<ComtradeParsed, LineProblem> {
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(reader);
    let mut record = csv::ByteRecord::new();
    let header_problem = |value: String, expected: &str| LineProblem {
        line: 1,
        column: "",
        value,
        expected: expected.to_owned(),
    };
    match rdr.read_byte_record(&mut record) {
        Ok(true) => {}
        _ => return Err(header_problem(String::new(), "a Comtrade header line")),
    }
    let names: Vec<String> = record
        .iter()
        .map(|h| {
            String::from_utf8_lossy(trim_field(h))
                .trim_start_matches('\u{feff}')
                .to_owned()
        })
        .collect();
    let find = |n: &str| names.iter().position(|h| h == n);
    let need = |n: &'static str| {
        find(n).ok_or_else(|| {
            header_problem(
                names.join(","),
                &format!("a Comtrade header with the column `{n}` (refYear or period, reporterCode, partnerCode, flowCode, cmdCode, primaryValue)"),
            )
        })
    };
    let (year, year_name) = match find("refYear") {
        Some(c) => (c, "refYear"),
        None => (need("period")?, "period"),
    };
    let cols = Cols {
        year,
        year_name,
        reporter: need("reporterCode")?,
        partner: need("partnerCode")?,
        flow: need("flowCode")?,
        product: need("cmdCode")?,
        value: need("primaryValue")?,
        weight: find("netWgt"),
        partner2: find("partner2Code"),
        mot: find("motCode"),
        customs: find("customsCode"),
    };
    let wanted_flow: &[u8] = match flow {
        ComtradeFlow::Imports => b"M",
        ComtradeFlow::Exports => b"X",
    };
    let mut out = ComtradeParsed {
        columns: RawColumns::default(),
        problems: Vec::new(),
        bad_rows: 0,
        skips: ComtradeSkips::default(),
        lines: 1,
    };
    let mut line: u64 = 1;
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                out.bad_rows += 1;
                if out.problems.len() < MAX_PROBLEMS {
                    out.problems.push(LineProblem {
                        line: line + 1,
                        column: "",
                        value: String::new(),
                        expected: format!("a well-formed CSV record ({e})"),
                    });
                }
                break;
            }
        }
        line = record.position().map_or(line + 1, |p| p.line());
        if record.len() == 1 && trim_field(&record[0]).is_empty() {
            continue;
        }
        match comtrade_row(&record, &cols, rules, wanted_flow, &mut out) {
            Ok(()) => {}
            Err((column, value, expected)) => {
                out.bad_rows += 1;
                if out.problems.len() < MAX_PROBLEMS {
                    out.problems.push(LineProblem {
                        line,
                        column,
                        value,
                        expected,
                    });
                }
            }
        }
    }
    if out.bad_rows > 0 {
        out.columns.clear();
    }
    out.lines = line;
    Ok(out)
}

type RowError = (&'static str, String, String);

fn comtrade_row(
    record: &csv::ByteRecord,
    cols: &Cols,
    rules: &Rules,
    wanted_flow: &[u8],
    out: &mut ComtradeParsed,
) -> Result<(), RowError> {
    let cell = |c: usize| trim_field(record.get(c).unwrap_or(b""));
    let shown = |f: &[u8]| String::from_utf8_lossy(f).into_owned();
    let flow = cell(cols.flow);
    if flow != wanted_flow {
        if flow == b"M" || flow == b"X" {
            out.skips.add("the other reported flow");
        } else {
            out.skips.add("flow other than M or X (re-exports, re-imports...)");
        }
        return Ok(());
    }
    let product_text = cell(cols.product);
    let product = match parse_uint(product_text) {
        Some(p) if product_text.len() == 6 => p,
        Some(_) if matches!(product_text.len(), 2 | 4) => {
            out.skips.add("aggregate commodity code (2 or 4 digits)");
            return Ok(());
        }
        _ if product_text == b"TOTAL" => {
            out.skips.add("aggregate commodity code (TOTAL)");
            return Ok(());
        }
        _ => {
            return Err((
                "cmdCode",
                shown(product_text),
                "a six-digit HS code (or TOTAL / a 2- or 4-digit aggregate, which are skipped)".into(),
            ));
        }
    };
    for (col, total, reason) in [
        (cols.partner2, &b"0"[..], "breakdown by second partner"),
        (cols.mot, b"0", "breakdown by mode of transport"),
        (cols.customs, b"C00", "breakdown by customs procedure"),
    ] {
        if let Some(c) = col {
            let v = cell(c);
            if !v.is_empty() && v != total {
                out.skips.add(reason);
                return Ok(());
            }
        }
    }
    let year_text = cell(cols.year);
    let year = match parse_uint(year_text) {
        Some(y) if y <= u32::from(u16::MAX) && rules.years.contains(&(y as u16)) => y as u16,
        _ => {
            return Err((
                if cols.year_name == "refYear" {
                    "refYear"
                } else {
                    "period"
                },
                shown(year_text),
                format!("a year from {} to {}", rules.years.start(), rules.years.end()),
            ));
        }
    };
    let reporter_text = cell(cols.reporter);
    let reporter = match parse_uint(reporter_text) {
        Some(c) if rules.known(c) => c as u16,
        _ => {
            return Err((
                "reporterCode",
                shown(reporter_text),
                "a numeric country code listed in the country code table".into(),
            ));
        }
    };
    let partner_text = cell(cols.partner);
    let partner = match parse_uint(partner_text) {
        Some(0) => {
            out.skips.add("partner World (0)");
            return Ok(());
        }
        Some(c) if rules.known(c) => c as u16,
        Some(_) => {
            out.skips
                .add("partner not a country of the code table (areas nes, bunkers, free zones)");
            return Ok(());
        }
        None => return Err(("partnerCode", shown(partner_text), "a numeric country code".into())),
    };
    let value_text = cell(cols.value);
    let value = match parse_decimal(value_text) {
        Some(v) if v >= 0.0 => v / 1000.0,
        _ => {
            return Err((
                "primaryValue",
                shown(value_text),
                "a finite number ≥ 0 (US dollars)".into(),
            ));
        }
    };
    let quantity = match cols.weight.map(cell) {
        None | Some(b"") | Some(b"NA") => f64::NAN,
        Some(w) => match parse_decimal(w) {
            Some(x) if x >= 0.0 => x / 1000.0,
            _ => {
                return Err((
                    "netWgt",
                    shown(w),
                    "a finite number ≥ 0 (kilograms), or empty when missing".into(),
                ));
            }
        },
    };
    let (exporter, importer) = match wanted_flow {
        b"M" => (partner, reporter),
        _ => (reporter, partner),
    };
    out.columns.year.push(year);
    out.columns.exporter.push(exporter);
    out.columns.importer.push(importer);
    out.columns.product.push(product);
    out.columns.value.push(value);
    out.columns.quantity.push(quantity);
    Ok(())
}
