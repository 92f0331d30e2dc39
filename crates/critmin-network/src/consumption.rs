//! US consumption from the USGS MCS 2025 salient-statistics files.
//!
//! `data/us_consumption.csv` says, per mineral id, which salient file and column hold US
//! consumption, in which unit, and the factor to tonnes. The salient files themselves are
//! the published originals under `data/raw/usgs_mcs2025/`; the ones named in the mapping are
//! compiled in and parsed here, with file and line kept for every figure. A mineral without
//! a mapping (or whose basis differs from the network's, such as IEA battery-grade graphite)
//! has no USGS consumption, and the network falls back on user input or a stated proxy.

use critmin_data::{CsvTable, LoadError};

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
    let table = CsvTable::parse(file, text, &mut problems);
    let Some(columns) = table.fixed_columns(&COLUMNS, &mut problems) else {
        return Err(LoadError::Invalid(problems));
    };
    table.each_row(&columns, &mut problems, |row| {
        let salient = row.cell(1);
        let column = row.cell(2);
        match SALIENT_FILES.iter().find(|f| f.name == salient) {
            None => row.problem(
                1,
                format!(
                    "one of the compiled-in salient files: {}",
                    SALIENT_FILES.iter().map(|f| f.name).collect::<Vec<_>>().join(", ")
                ),
            ),
            Some(salient_file) => {
                let salient_table = salient_table(salient_file);
                let header = salient_table.header();
                if !header.iter().any(|h| h == column) {
                    row.problem(2, format!("a column of {salient} ({})", header.join(",")));
                }
            }
        }
        let tonnes_per_unit = row
            .parse(4, |c| match c.parse::<f64>() {
                Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
                _ => Err("a positive number".to_owned()),
            })
            .unwrap_or(0.0);
        if row.cell(0).is_empty() {
            row.problem(0, "a mineral id");
        }
        out.push(ConsumptionSource {
            mineral: row.cell(0).to_owned(),
            file: salient.to_owned(),
            column: column.to_owned(),
            unit: row.cell(3).to_owned(),
            tonnes_per_unit,
            note: row.cell(5).to_owned(),
        });
    });
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(LoadError::Invalid(problems))
    }
}

/// A compiled-in salient file, read leniently: the published files are not all rectangular,
/// and a record that cannot be read simply holds no figure.
fn salient_table(salient: &critmin_data::EmbeddedFile) -> CsvTable {
    CsvTable::parse_ragged(salient.name, salient.text, &mut Vec::new())
}

/// US consumption of `mineral` in `year` (or the latest earlier year with a figure, or else
/// the earliest later one), from the embedded mapping and salient files. `None` when the
/// mineral has no mapping or the file has no numeric figure (USGS `W`, `NA`).
pub fn us_consumption(mineral: &str, year: u16) -> Option<UsConsumption> {
    let sources = consumption_sources().ok()?;
    let src = sources.iter().find(|s| s.mineral == mineral)?;
    let table = salient_table(SALIENT_FILES.iter().find(|f| f.name == src.file)?);
    let position = |name: &str| table.header().iter().position(|h| h == name);
    let columns = table.pick(&[
        ("Year", Some(position("Year")?)),
        (&src.column, Some(position(&src.column)?)),
    ]);
    let mut best: Option<UsConsumption> = None;
    table.each_row(&columns, &mut Vec::new(), |row| {
        let line = row.line;
        let Ok(y) = row.cell(0).parse::<u16>() else {
            return;
        };
        let Ok(v) = row.cell(1).replace(',', "").parse::<f64>() else {
            return;
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
    });
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
