//! MCS 2026: the unified `MCS2026_Commodities_Data.csv` (cp1252; one row per commodity,
//! country, statistic and year) and Table 6, the 2025 final list of critical minerals.
//!
//! Read: the world sections (`World ...` in `Section`: production, reserves, capacity), and the
//! `Is critical mineral 2025` flag of every row. Not read yet: the US salient statistics and
//! the import sources (2021–24 shares) — they are the US-statistics part of issue 18.

use crate::problem::Problem;
use crate::table::CsvTable;

use super::maps::{Maps, Target};
use super::text::{Encoding, release_text};
use super::values::{EXPECTED_VALUE, Published, published, trim};
use super::{ImportedEdition, ImportedRow, ListEntry, RelianceRow, RowSink, SourceFile};

/// The commodities file, as published.
pub const COMMODITIES_FILE: &str = "MCS2026_Commodities_Data.csv";
/// Table 6 (critical minerals and their end uses): the 60 members of the 2025 list.
pub const CRITICAL_LIST_FILE: &str = "MCS2026_T6_Critical_Minerals_End_Use.csv";
/// The edition id that starts every `source`.
pub const EDITION: &str = "USGS-MCS2026";
/// The list id of the US 2025 list.
pub const US_2025_LIST: &str = "US-2025";

/// The header of the commodities file, as published.
pub const COMMODITIES_HEADER: [&str; 12] = [
    "MCS chapter",
    "Section",
    "Commodity",
    "Country",
    "Statistics",
    "Statistics_detail",
    "Unit",
    "Year",
    "Value",
    "Notes",
    "Is critical mineral 2025",
    "Other notes",
];
/// The header of Table 6, as published.
pub const CRITICAL_LIST_HEADER: [&str; 4] = ["Source", "Critical_Mineral", "Primary_Applications", "Category_Note"];

const SECTION: usize = 1;
const COMMODITY: usize = 2;
const COUNTRY: usize = 3;
const STATISTICS: usize = 4;
const DETAIL: usize = 5;
const UNIT: usize = 6;
const YEAR: usize = 7;
const VALUE: usize = 8;
const NOTES: usize = 9;
const CRITICAL: usize = 10;

/// A row of the published file whose cells are shifted by one: the yttrium world-production
/// row has no `Notes` cell, so `Yes` stands under `Notes` and `Yttrium` under
/// `Is critical mineral 2025`. Recognised by its exact cells, not by its line, so an edited
/// file is read by the ordinary rules. Its value is a range anyway (no single number).
fn is_known_shifted_row(commodity: &str, notes: &str, critical: &str) -> bool {
    commodity == "Yttrium" && notes == "Yes" && critical == "Yttrium"
}

/// A commodity label flagged `Yes` in `Is critical mineral 2025`, with its first line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flagged {
    /// The label as in `Commodity`.
    pub commodity: String,
    /// First line flagged.
    pub line: u64,
}

/// Reads the commodities file into `edition`; returns the labels flagged critical.
pub(crate) fn read_commodities(
    file: SourceFile<'_>,
    maps: &Maps,
    edition: &mut ImportedEdition,
    problems: &mut Vec<Problem>,
) -> Vec<Flagged> {
    let text = match release_text(file.name, file.bytes, Encoding::Cp1252) {
        Ok(text) => text,
        Err(problem) => {
            problems.push(problem);
            return Vec::new();
        }
    };
    let table = CsvTable::parse(file.name, &text, problems);
    let Some(columns) = table.fixed_columns(&COMMODITIES_HEADER, problems) else {
        return Vec::new();
    };
    let mut flagged: Vec<Flagged> = Vec::new();
    let mut sink = RowSink::new(edition);
    table.each_row(&columns, problems, |row| {
        let commodity = trim(row.cell(COMMODITY));
        let critical = row.cell(CRITICAL);
        if is_known_shifted_row(commodity, row.cell(NOTES), critical) {
            sink.skip(
                row.file,
                row.line,
                "published with the Notes cell missing (cells shifted by one); its value is a range",
            );
            return;
        }
        match critical {
            "Yes" => {
                if !flagged.iter().any(|f| f.commodity == commodity) {
                    flagged.push(Flagged {
                        commodity: commodity.to_owned(),
                        line: row.line,
                    });
                }
            }
            "No" | "" => {}
            _ => row.problem(CRITICAL, "Yes, No or empty"),
        }
        if row.cell(STATISTICS) == "Net import reliance" && row.cell(SECTION).starts_with("Salient Statistics") {
            reliance_row(row, maps, commodity, &mut sink);
            return;
        }
        if !row.cell(SECTION).starts_with("World") {
            return;
        }
        let (statistics, detail, unit, country_label) = (
            row.cell(STATISTICS),
            row.cell(DETAIL),
            row.cell(UNIT),
            row.cell(COUNTRY),
        );
        let Some(target) = maps.target("MCS2026", commodity, statistics, detail, unit, country_label) else {
            row.problem(
                COMMODITY,
                format!(
                    "a label listed for MCS2026 in usgs_commodity_map.csv (none for Statistics `{statistics}`, \
                        Statistics_detail `{detail}`, Unit `{unit}`): a new commodity or a changed label is added \
                        to the map, never guessed"
                ),
            );
            return;
        };
        let (mineral, stage, unit_out, map_note) = match target {
            Target::Skip(reason) => {
                sink.skip(row.file, row.line, format!("{commodity} / {detail}: {reason}"));
                return;
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
                return;
            }
            Some(None) => {
                sink.skip(
                    row.file,
                    row.line,
                    format!("`{}` is not one country", trim(country_label)),
                );
                return;
            }
            Some(Some(code)) => code.to_owned(),
        };
        let year = row.parse(YEAR, |c| match c.parse::<u16>() {
            Ok(y) if (1900..=2100).contains(&y) => Ok(y),
            _ => Err("a four-digit year (world tables give one year per row)".to_owned()),
        });
        let value_cell = trim(row.cell(VALUE));
        let value = if value_cell.is_empty() {
            Some(Published::Missing("no value in source (blank cell)".to_owned()))
        } else {
            published(value_cell)
        };
        let value = match value {
            None => {
                row.problem(VALUE, EXPECTED_VALUE);
                None
            }
            Some(Published::Number(v) | Published::Bound(_, v)) if v < 0.0 => {
                row.problem(VALUE, "a non-negative quantity");
                None
            }
            Some(v) => Some(v),
        };
        let (Some(year), Some(value)) = (year, value) else {
            return;
        };
        let mut notes: Vec<String> = Vec::new();
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
        let usgs_notes = trim(row.cell(NOTES));
        if !usgs_notes.is_empty() {
            notes.push(format!("USGS Notes: {usgs_notes}"));
        }
        if !map_note.is_empty() {
            notes.push(map_note.clone());
        }
        let duplicate = sink.add(ImportedRow {
            mineral: mineral.clone(),
            stage: stage.clone(),
            country_iso3: country,
            year,
            value: number,
            unit: unit_out.clone(),
            source: format!("{EDITION} Commodities Data (Commodity='{commodity}'; Statistics_detail='{detail}')"),
            note: notes.join("; "),
            file: row.file.to_owned(),
            line: row.line,
        });
        if let Some(problem) = duplicate {
            row.push(problem);
        }
    });
    flagged
}

/// One US net-import-reliance row of the salient statistics.
fn reliance_row(row: &mut crate::table::Row<'_, '_>, maps: &Maps, commodity: &str, sink: &mut RowSink<'_>) {
    let detail = row.cell(DETAIL);
    let mineral = match maps.reliance("MCS2026", commodity, detail) {
        None => {
            row.problem(
                COMMODITY,
                format!(
                    "a net-import-reliance label listed for MCS2026 in usgs_reliance_map.csv (none for \
                        Statistics_detail `{detail}`)"
                ),
            );
            return;
        }
        Some(Err(reason)) => {
            sink.skip(
                row.file,
                row.line,
                format!("{commodity} / net import reliance: {reason}"),
            );
            return;
        }
        Some(Ok(mineral)) => mineral.to_owned(),
    };
    let year = row.parse(YEAR, |c| match c.parse::<u16>() {
        Ok(y) if (1900..=2100).contains(&y) => Ok(y),
        _ => Err("a four-digit year".to_owned()),
    });
    let value_cell = trim(row.cell(VALUE));
    let Some(year) = year else {
        return;
    };
    let mut notes: Vec<String> = Vec::new();
    let (value, qualifier) = match published(value_cell) {
        Some(Published::Number(v)) => (Some(v), String::new()),
        Some(Published::Bound(b, v)) => (Some(v), b.to_string()),
        // `E` is the one flag with a meaning of its own here: net exporter.
        Some(Published::Missing(_)) if value_cell == "E" => (None, "E".to_owned()),
        Some(Published::Missing(meaning)) => {
            notes.push(format!("USGS value: {meaning}"));
            (None, String::new())
        }
        None => {
            row.problem(VALUE, EXPECTED_VALUE);
            return;
        }
    };
    if qualifier == "E" {
        notes.push("E = net exporter (USGS)".to_owned());
    }
    let usgs_notes = trim(row.cell(NOTES));
    if !usgs_notes.is_empty() {
        notes.push(format!("USGS Notes: {usgs_notes}"));
    }
    let detail_words = detail.replace('\u{a0}', " ");
    let duplicate = sink.add_reliance(RelianceRow {
        country_iso3: "USA".to_owned(),
        mineral,
        year,
        value,
        qualifier,
        major_import_sources: String::new(),
        source: format!("{EDITION} Commodities Data (Commodity='{commodity}'; Statistics_detail='{detail_words}')"),
        note: notes.join("; "),
        file: row.file.to_owned(),
        line: row.line,
    });
    if let Some(problem) = duplicate {
        row.push(problem);
    }
}

/// The critical-mineral list of Table 6: one entry per member, named as USGS names it
/// (lower case, spaces as `_`), e.g. `metallurgical_coal`, `phosphate_rock`.
pub(crate) fn read_critical_list(
    file: SourceFile<'_>,
    flagged: usize,
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
    let Some(columns) = table.fixed_columns(&CRITICAL_LIST_HEADER, problems) else {
        return;
    };
    let source = format!(
        "{EDITION} Table 6 (MCS2026_T6_Critical_Minerals_End_Use.csv): 2025 final list of critical \
            minerals; {} commodity labels flagged in `Is critical mineral 2025`",
        flagged
    );
    let mut seen: Vec<(String, u64)> = Vec::new();
    table.each_row(&columns, problems, |row| {
        let name = trim(row.cell(1));
        let id: String = name.split_whitespace().collect::<Vec<_>>().join("_").to_lowercase();
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            row.problem(1, "a mineral name in letters");
            return;
        }
        if let Some((_, first)) = seen.iter().find(|(s, _)| *s == id) {
            row.problem(1, format!("each mineral once (already on line {first})"));
            return;
        }
        seen.push((id.clone(), row.line));
        edition.critical_lists.push(ListEntry {
            list: US_2025_LIST.to_owned(),
            mineral: id,
            source: source.clone(),
            file: row.file.to_owned(),
            line: row.line,
        });
    });
}
