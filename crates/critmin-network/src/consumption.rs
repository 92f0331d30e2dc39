//! US consumption from the USGS MCS 2025 salient-statistics files.
//!
//! `data/us_consumption.csv` says, per mineral id, which salient file and column hold US
//! consumption, in which unit, and the factor to tonnes. The salient files themselves are
//! the published originals under `data/raw/usgs_mcs2025/`; the ones named in the mapping are
//! compiled in and parsed here, with file and line kept for every figure. A mineral without
//! a mapping (or whose basis differs from the network's, such as IEA battery-grade graphite)
//! has no USGS consumption, and the network falls back on user input or a stated proxy.

use critmin_data::{LoadError, Problem};

/// Name of the mapping file.
pub const MAPPING_FILE: &str = "us_consumption.csv";
const MAPPING_TEXT: &str = critmin_data::tables::US_CONSUMPTION.text;

/// The salient files the mapping may name, compiled in (by critmin-data).
const SALIENT_FILES: &[critmin_data::EmbeddedFile] = &critmin_data::tables::USGS_MCS2025_SALIENT;

/// One row of the mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsumptionSource {
    /// Mineral id of the network it applies to.
    pub mineral: String,
    /// Salient file.
    pub file: String,
    /// Column holding consumption.
    pub column: String,
    /// Unit of the column.
    pub unit: String,
    /// Factor from the column's unit to tonnes.
    pub tonnes_per_unit: f64,
    /// Why this column, and anything odd about it.
    pub note: String,
}

/// A US consumption figure with its provenance.
#[derive(Debug, Clone, PartialEq)]
pub struct UsConsumption {
    /// Tonnes.
    pub tonnes: f64,
    /// Year of the row used.
    pub year: u16,
    /// File.
    pub file: String,
    /// 1-based line (the header is line 1).
    pub line: u64,
    /// Column.
    pub column: String,
    /// The mapping's note.
    pub note: String,
}

fn problem(file: &str, line: u64, column: Option<&str>, value: Option<&str>, expected: impl Into<String>) -> Problem {
    Problem {
        file: file.to_owned(),
        line,
        column: column.map(str::to_owned),
        value: value.map(str::to_owned),
        expected: expected.into(),
    }
}

/// Parses and validates the embedded mapping (every problem reported, nothing returned on
/// any problem).
pub fn consumption_sources() -> Result<Vec<ConsumptionSource>, LoadError> {
    parse_mapping(MAPPING_FILE, MAPPING_TEXT)
}

/// Parses a mapping text; `file` names it in messages.
pub fn parse_mapping(file: &str, text: &str) -> Result<Vec<ConsumptionSource>, LoadError> {
    const COLUMNS: [&str; 6] = ["mineral", "file", "column", "unit", "tonnes_per_unit", "note"];
    let mut problems = Vec::new();
    let mut out = Vec::new();
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    match reader.headers() {
        Ok(h) if h.iter().eq(COLUMNS.iter().copied()) => {}
        Ok(h) => problems.push(problem(
            file,
            1,
            None,
            Some(&h.iter().collect::<Vec<_>>().join(",")),
            format!("the header `{}`", COLUMNS.join(",")),
        )),
        Err(e) => problems.push(problem(file, 1, None, None, format!("a readable CSV header ({e})"))),
    }
    if problems.is_empty() {
        for record in reader.records() {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    problems.push(problem(
                        file,
                        line,
                        None,
                        None,
                        format!("a well-formed CSV record ({e})"),
                    ));
                    continue;
                }
            };
            let line = record.position().map_or(0, |p| p.line());
            let get = |i: usize| record.get(i).unwrap_or("").trim().to_owned();
            let salient = get(1);
            let column = get(2);
            match SALIENT_FILES.iter().find(|f| f.name == salient) {
                None => problems.push(problem(
                    file,
                    line,
                    Some("file"),
                    Some(&salient),
                    format!(
                        "one of the compiled-in salient files: {}",
                        SALIENT_FILES.iter().map(|f| f.name).collect::<Vec<_>>().join(", ")
                    ),
                )),
                Some(salient_file) => {
                    let text = salient_file.text;
                    let header = text.trim_start_matches('\u{feff}').lines().next().unwrap_or("");
                    if !header.split(',').any(|h| h.trim() == column) {
                        problems.push(problem(
                            file,
                            line,
                            Some("column"),
                            Some(&column),
                            format!("a column of {salient} ({header})"),
                        ));
                    }
                }
            }
            let factor = get(4);
            let tonnes_per_unit = match factor.parse::<f64>() {
                Ok(v) if v.is_finite() && v > 0.0 => v,
                _ => {
                    problems.push(problem(
                        file,
                        line,
                        Some("tonnes_per_unit"),
                        Some(&factor),
                        "a positive number",
                    ));
                    0.0
                }
            };
            if get(0).is_empty() {
                problems.push(problem(file, line, Some("mineral"), Some(""), "a mineral id"));
            }
            out.push(ConsumptionSource {
                mineral: get(0),
                file: salient,
                column,
                unit: get(3),
                tonnes_per_unit,
                note: get(5),
            });
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(LoadError::Invalid(problems))
    }
}

/// US consumption of `mineral` in `year` (or the latest earlier year with a figure, or else
/// the earliest later one), from the embedded mapping and salient files. `None` when the
/// mineral has no mapping or the file has no numeric figure (USGS `W`, `NA`).
pub fn us_consumption(mineral: &str, year: u16) -> Option<UsConsumption> {
    let sources = consumption_sources().ok()?;
    let src = sources.iter().find(|s| s.mineral == mineral)?;
    let text = SALIENT_FILES.iter().find(|f| f.name == src.file)?.text;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header = reader.headers().ok()?.clone();
    let year_col = header.iter().position(|h| h.trim() == "Year")?;
    let col = header.iter().position(|h| h.trim() == src.column)?;
    let mut best: Option<UsConsumption> = None;
    // The salient files end lines with CRLF, which the csv reader's line count does not
    // follow; they have no multi-line fields, so the line is the record index + 2.
    for (i, record) in reader.records().enumerate() {
        let Ok(record) = record else { continue };
        let line = i as u64 + 2;
        let Some(y) = record.get(year_col).and_then(|v| v.trim().parse::<u16>().ok()) else {
            continue;
        };
        let Some(v) = record
            .get(col)
            .and_then(|v| v.trim().replace(',', "").parse::<f64>().ok())
        else {
            continue;
        };
        let candidate = UsConsumption {
            tonnes: v * src.tonnes_per_unit,
            year: y,
            file: src.file.clone(),
            line,
            column: src.column.clone(),
            note: src.note.clone(),
        };
        let better = match &best {
            None => true,
            Some(b) => match (y <= year, b.year <= year) {
                (true, true) => y > b.year,
                (true, false) => true,
                (false, true) => false,
                (false, false) => y < b.year,
            },
        };
        if better {
            best = Some(candidate);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn embedded_mapping_is_valid() {
        let s = consumption_sources().unwrap();
        assert!(s.iter().any(|m| m.mineral == "cobalt"));
    }

    #[test]
    fn us_cobalt_2024_apparent_consumption() {
        // mcs2025-cobal_salient.csv, 2024 row: Consump_Apparent_t = 8500.
        let c = us_consumption("cobalt", 2024).unwrap();
        assert_eq!(c.year, 2024);
        assert_relative_eq!(c.tonnes, 8500.0);
        assert_eq!(c.line, 6);
    }

    #[test]
    fn gallium_in_kilograms_becomes_tonnes_and_missing_years_fall_back() {
        let ga = us_consumption("gallium", 2024).unwrap();
        assert!(ga.tonnes > 1.0 && ga.tonnes < 100.0, "{ga:?}");
        // Germanium consumption is NA from 2022: the latest earlier figure (2021) is used.
        let ge = us_consumption("germanium", 2024).unwrap();
        assert_eq!(ge.year, 2021);
        assert_relative_eq!(ge.tonnes, 30.0);
        // Lithium consumption is withheld (W) every year.
        assert!(us_consumption("lithium", 2024).is_none());
    }

    #[test]
    fn bad_mapping_rows_are_reported_with_lines() {
        let text = "mineral,file,column,unit,tonnes_per_unit,note\n\
                    cobalt,nope.csv,Consump_t,t,1,\n\
                    cobalt,mcs2025-cobal_salient.csv,Missing,t,-2,\n";
        let err = parse_mapping("m.csv", text).unwrap_err();
        let msgs: Vec<String> = err.problems().iter().map(|p| p.to_string()).collect();
        assert!(
            msgs[0].starts_with("m.csv:2: column `file`: value `nope.csv`"),
            "{msgs:?}"
        );
        assert!(
            msgs.iter()
                .any(|m| m.starts_with("m.csv:3: column `column`: value `Missing`")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter()
                .any(|m| m.starts_with("m.csv:3: column `tonnes_per_unit`: value `-2`")),
            "{msgs:?}"
        );
    }
}
