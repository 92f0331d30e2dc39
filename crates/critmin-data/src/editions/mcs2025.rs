//! MCS 2025: `MCS2025_World_Data.csv` (UTF-8 with a byte-order mark; one row per commodity,
//! country and type, with production 2023 and 2024e, capacity 2023 and 2024e, and reserves in
//! column groups).
//!
//! A row's reserves belong to the series its map entry names for the `reserves` statistic
//! (USGS puts reserves on a production row). Which cells become rows follows the compiled 2025
//! tables: a cell with a number or a flag is a row; a blank cell is a row when its notes cell is
//! a flag (`NA`, `Included in World total`), and for the United States and India (the two
//! countries critmin always shows), noted as blank.

use crate::problem::Problem;
use crate::table::CsvTable;

use super::maps::{Maps, Target};
use super::text::{Encoding, release_text};
use super::values::{EXPECTED_VALUE, Published, published, trim};
use super::{ImportedEdition, ImportedRow, RowSink, SourceFile};

/// The world-data file, as published.
pub const WORLD_FILE: &str = "MCS2025_World_Data.csv";
/// The edition id that starts every `source`.
pub const EDITION: &str = "USGS-MCS2025";

/// The header of the world-data file, as published (cells trimmed).
pub const WORLD_HEADER: [&str; 13] = [
    "SOURCE",
    "COMMODITY",
    "COUNTRY",
    "TYPE",
    "UNIT_MEAS",
    "PROD_2023",
    "PROD_EST_ 2024",
    "PROD_NOTES",
    "CAP_2023",
    "CAP_EST_ 2024",
    "CAP_NOTES",
    "RESERVES_2024",
    "RESERVE_NOTES",
];

const COMMODITY: usize = 1;
const COUNTRY: usize = 2;
const TYPE: usize = 3;
const UNIT: usize = 4;

/// One column group: the statistic name used in the map, its (column, year, estimated) cells
/// and its notes column.
struct Group {
    statistic: &'static str,
    cells: &'static [(usize, u16, bool)],
    notes: usize,
}

const GROUPS: [Group; 3] = [
    Group {
        statistic: "production",
        cells: &[(5, 2023, false), (6, 2024, true)],
        notes: 7,
    },
    Group {
        statistic: "capacity",
        cells: &[(8, 2023, false), (9, 2024, true)],
        notes: 10,
    },
    Group {
        statistic: "reserves",
        cells: &[(11, 2024, false)],
        notes: 12,
    },
];

/// Reads the world-data file into `edition`.
pub(crate) fn read_world(
    file: SourceFile<'_>,
    maps: &Maps,
    edition: &mut ImportedEdition,
    problems: &mut Vec<Problem>,
) {
    let text = match release_text(file.name, file.bytes, Encoding::Utf8) {
        Ok(text) => text,
        Err(problem) => {
            problems.push(problem);
            return;
        }
    };
    let table = CsvTable::parse(file.name, &text, problems);
    let Some(columns) = table.fixed_columns(&WORLD_HEADER, problems) else {
        return;
    };
    let mut sink = RowSink::new(edition);
    table.each_row(&columns, problems, |row| {
        let commodity = trim(row.cell(COMMODITY));
        let (country_label, kind, unit) = (trim(row.cell(COUNTRY)), trim(row.cell(TYPE)), trim(row.cell(UNIT)));
        for group in &GROUPS {
            let usgs_notes = trim(row.cell(group.notes));
            let blank = usgs_notes.is_empty() && group.cells.iter().all(|&(col, _, _)| trim(row.cell(col)).is_empty());
            // Production keys are all mapped; capacity and reserves where USGS gives a cell, and
            // for the United States and India where the series exists.
            let shown_always = matches!(maps.country(country_label), Some(Some("USA" | "IND")));
            if blank
                && group.statistic != "production"
                && (!shown_always
                    || maps
                        .target("MCS2025", commodity, group.statistic, kind, unit, country_label)
                        .is_none())
            {
                continue;
            }
            let Some(target) = maps.target("MCS2025", commodity, group.statistic, kind, unit, country_label) else {
                row.problem(
                    COMMODITY,
                    format!(
                        "a label listed for MCS2025 in usgs_commodity_map.csv (none for statistic `{}`, TYPE \
                            `{kind}`, UNIT_MEAS `{unit}`)",
                        group.statistic
                    ),
                );
                continue;
            };
            let (mineral, stage, unit_out, map_note) = match target {
                Target::Skip(reason) => {
                    if !blank {
                        sink.skip(
                            row.file,
                            row.line,
                            format!("{commodity} / {kind} ({}): {reason}", group.statistic),
                        );
                    }
                    continue;
                }
                Target::Series {
                    mineral,
                    stage,
                    unit,
                    note,
                } => (mineral, stage, unit, note),
            };
            let country = match maps.country(country_label) {
                None => {
                    row.problem(
                        COUNTRY,
                        "a country named as in countries.csv or listed in usgs_country_names.csv",
                    );
                    continue;
                }
                Some(None) => {
                    if !blank {
                        sink.skip(row.file, row.line, format!("`{country_label}` is not one country"));
                    }
                    continue;
                }
                Some(Some(code)) => code.to_owned(),
            };
            // A note that is itself a flag (`NA`, `Included in World total`) stands for the
            // blank cells of its group.
            let flag_note = matches!(published(usgs_notes), Some(Published::Missing(_)));
            for &(col, year, estimated) in group.cells {
                let cell = trim(row.cell(col));
                let value = if cell.is_empty() {
                    if flag_note {
                        Published::Missing(format!("blank cell; {} says {usgs_notes}", WORLD_HEADER[group.notes]))
                    } else if matches!(country.as_str(), "USA" | "IND") {
                        Published::Missing("no value in source (blank cell)".to_owned())
                    } else {
                        continue;
                    }
                } else {
                    match published(cell) {
                        Some(Published::Number(v) | Published::Bound(_, v)) if v < 0.0 => {
                            row.problem(col, "a non-negative quantity");
                            continue;
                        }
                        Some(v) => v,
                        None => {
                            row.problem(col, EXPECTED_VALUE);
                            continue;
                        }
                    }
                };
                let mut notes: Vec<String> = Vec::new();
                if estimated {
                    notes.push(format!("{year} = USGS estimate"));
                }
                let number = match value {
                    Published::Number(v) => Some(v),
                    Published::Bound(b, v) => {
                        notes.push(format!("qualifier:{b}"));
                        Some(v)
                    }
                    Published::Missing(meaning) => {
                        notes.push(format!("USGS value: {meaning}"));
                        None
                    }
                };
                if !usgs_notes.is_empty() {
                    notes.push(format!("USGS {}: {usgs_notes}", WORLD_HEADER[group.notes]));
                }
                if !map_note.is_empty() {
                    notes.push(map_note.clone());
                }
                let source = if group.statistic == "reserves" {
                    format!("{EDITION} World Data (COMMODITY='{commodity}'; column RESERVES_2024)")
                } else {
                    format!("{EDITION} World Data (COMMODITY='{commodity}'; TYPE='{kind}')")
                };
                let duplicate = sink.add(ImportedRow {
                    mineral: mineral.clone(),
                    stage: stage.clone(),
                    country_iso3: country.clone(),
                    year,
                    value: number,
                    unit: unit_out.clone(),
                    source,
                    note: notes.join("; "),
                    file: row.file.to_owned(),
                    line: row.line,
                });
                if let Some(problem) = duplicate {
                    row.push(problem);
                }
            }
        }
    });
}
