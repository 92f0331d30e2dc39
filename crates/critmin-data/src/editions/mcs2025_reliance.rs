//! MCS 2025 US net import reliance: Fig. 2 (`MCS2025_Fig2_Net_Import_Reliance.csv`, 2024 with
//! the major import sources 2020–2023) and the per-commodity salient-statistics files
//! (`mcs2025-*_salient.csv`, UTF-8, CRLF, some rows ragged or blank; their `NIR` columns give
//! 2020–2024). As in the compiled `import_reliance.csv`, Fig. 2 is the 2024 figure where it has
//! one; a salient 2024 figure for the same mineral is listed as not imported, with both figures.

use crate::problem::Problem;
use crate::table::CsvTable;

use super::maps::Maps;
use super::text::{Encoding, release_text};
use super::values::{EXPECTED_VALUE, Published, published, trim};
use super::{ImportedEdition, RelianceRow, RowSink, SourceFile};

/// Fig. 2 of MCS 2025, as published.
pub const FIG2_FILE: &str = "MCS2025_Fig2_Net_Import_Reliance.csv";
/// Fig. 2's header, as published.
pub const FIG2_HEADER: [&str; 6] = [
    "Source",
    "Import_Share_Order",
    "Commodity",
    "Net_Import_Reliance_pct_2024",
    "Major_Import_Sources_2020_2023",
    "Notes",
];
const EDITION: &str = super::mcs2025::EDITION;
const FIG2_DETAIL: &str = "Net_Import_Reliance_pct_2024";

/// Whether `base` names a salient-statistics file of MCS 2025 (`mcs2025-cobal_salient.csv`).
pub fn is_salient_file(base: &str) -> bool {
    base.starts_with("mcs2025-") && base.ends_with("_salient.csv")
}

/// A reliance cell: value and qualifier (`>`, `<`, `E`), or the flag's meaning for the note.
fn reliance_value(cell: &str) -> Option<(Option<f64>, String, Option<String>)> {
    Some(match published(cell)? {
        Published::Number(v) => (Some(v), String::new(), None),
        Published::Bound(b, v) => (Some(v), b.to_string(), None),
        Published::Missing(_) if cell == "E" => (None, "E".to_owned(), Some("E = net exporter (USGS)".to_owned())),
        Published::Missing(meaning) => (None, String::new(), Some(format!("USGS value: {meaning}"))),
    })
}

/// Country names of Fig. 2's source list as critmin writes them: `; `-separated, footnote
/// digits stripped (`China3` → `China`).
fn import_sources(cell: &str) -> String {
    cell.split(',')
        .map(|s| s.trim().trim_end_matches(|c: char| c.is_ascii_digit()).trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Reads Fig. 2 into `edition`.
pub(crate) fn read_fig2(file: SourceFile<'_>, maps: &Maps, edition: &mut ImportedEdition, problems: &mut Vec<Problem>) {
    let text = match release_text(file.name, file.bytes, Encoding::Utf8) {
        Ok(text) => text,
        Err(problem) => {
            problems.push(problem);
            return;
        }
    };
    let table = CsvTable::parse(file.name, &text, problems);
    let Some(columns) = table.fixed_columns(&FIG2_HEADER, problems) else {
        return;
    };
    let mut sink = RowSink::new(edition);
    table.each_row(&columns, problems, |row| {
        let commodity = trim(row.cell(2));
        let mineral = match maps.reliance("MCS2025", commodity, FIG2_DETAIL) {
            None => {
                row.problem(2, "a Fig. 2 label listed for MCS2025 in usgs_reliance_map.csv");
                return;
            }
            Some(Err(reason)) => {
                sink.skip(row.file, row.line, format!("{commodity}: {reason}"));
                return;
            }
            Some(Ok(mineral)) => mineral.to_owned(),
        };
        let Some((value, qualifier, flag)) = reliance_value(trim(row.cell(3))) else {
            row.problem(3, EXPECTED_VALUE);
            return;
        };
        let mut notes: Vec<String> = flag.into_iter().collect();
        notes.push(format!("USGS commodity label '{commodity}'"));
        let usgs_notes = trim(row.cell(5));
        if !usgs_notes.is_empty() {
            notes.push(format!("USGS Notes: {usgs_notes}"));
        }
        let duplicate = sink.add_reliance(RelianceRow {
            country_iso3: "USA".to_owned(),
            mineral,
            year: 2024,
            value,
            qualifier,
            major_import_sources: import_sources(row.cell(4)),
            source: format!("{EDITION} Fig. 2 data release ({FIG2_FILE})"),
            note: notes.join("; "),
            file: row.file.to_owned(),
            line: row.line,
        });
        if let Some(problem) = duplicate {
            row.push(problem);
        }
    });
}

/// Reads one salient-statistics file's `NIR` columns into `edition` (after Fig. 2).
pub(crate) fn read_salient(
    file: SourceFile<'_>,
    maps: &Maps,
    edition: &mut ImportedEdition,
    problems: &mut Vec<Problem>,
) {
    let base = std::path::Path::new(file.name)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(file.name);
    let text = match release_text(file.name, file.bytes, Encoding::Utf8) {
        Ok(text) => text,
        Err(problem) => {
            problems.push(problem);
            return;
        }
    };
    let table = CsvTable::parse_ragged(file.name, &text, problems);
    let header = table.header();
    let Some(year_column) = header.iter().position(|h| h == "Year") else {
        problems.push(Problem::line(
            file.name,
            1,
            format!(
                "a `Year` column, as in the published salient files (found: {})",
                header.join(",")
            ),
        ));
        return;
    };
    // Every NIR column must be mapped: a new one is reported, never skipped unseen.
    let mut picked: Vec<(&str, Option<usize>)> = vec![("Year", Some(year_column))];
    let mut minerals: Vec<Option<String>> = vec![None];
    for (i, name) in header.iter().enumerate().filter(|(_, h)| h.contains("NIR")) {
        match maps.reliance("MCS2025", base, name) {
            None => problems.push(Problem::cell(
                file.name,
                1,
                name,
                name,
                format!("a net-import-reliance column listed for {base} in usgs_reliance_map.csv"),
            )),
            Some(Err(_)) => {}
            Some(Ok(mineral)) => {
                picked.push((name.as_str(), Some(i)));
                minerals.push(Some(mineral.to_owned()));
            }
        }
    }
    let columns = table.pick(&picked);
    let fig2: Vec<(String, u16, Option<f64>, String)> = edition
        .import_reliance
        .iter()
        .filter(|r| r.source.contains("Fig. 2"))
        .map(|r| (r.mineral.clone(), r.year, r.value, r.qualifier.clone()))
        .collect();
    let mut sink = RowSink::new(edition);
    table.each_row(&columns, problems, |row| {
        let all_blank = (0..picked.len()).all(|i| row.cell(i).is_empty());
        if all_blank {
            return;
        }
        let Some(year) = row.parse(0, |c| match c.parse::<u16>() {
            Ok(y) if (1900..=2100).contains(&y) => Ok(y),
            _ => Err("a four-digit year".to_owned()),
        }) else {
            return;
        };
        for (i, mineral) in minerals.iter().enumerate().skip(1) {
            let Some(mineral) = mineral else {
                continue;
            };
            let cell = trim(row.cell(i));
            if cell.is_empty() {
                sink.skip(row.file, row.line, format!("{base} {}: blank cell", picked[i].0));
                continue;
            }
            let Some((value, qualifier, flag)) = reliance_value(cell) else {
                row.problem(i, EXPECTED_VALUE);
                continue;
            };
            if let Some((_, _, fig2_value, fig2_qualifier)) =
                fig2.iter().find(|(m, y, _, _)| m == mineral && *y == year)
            {
                let same = *fig2_value == value && *fig2_qualifier == qualifier;
                let how = if same { "the same figure" } else { "another figure" };
                sink.skip(
                    row.file,
                    row.line,
                    format!("{mineral} {year}: Fig. 2 gives the {year} figure ({how})"),
                );
                continue;
            }
            let duplicate = sink.add_reliance(RelianceRow {
                country_iso3: "USA".to_owned(),
                mineral: mineral.clone(),
                year,
                value,
                qualifier,
                major_import_sources: String::new(),
                source: format!("{EDITION} salient statistics ({base}, column {})", picked[i].0),
                note: flag.unwrap_or_default(),
                file: row.file.to_owned(),
                line: row.line,
            });
            if let Some(problem) = duplicate {
                row.push(problem);
            }
        }
    });
}
