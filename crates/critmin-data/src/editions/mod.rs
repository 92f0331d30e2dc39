//! Edition importers: the official USGS Mineral Commodity Summaries data releases, read as
//! published, into critmin's own table shapes (`production.csv`, `reserves.csv`,
//! `refining.csv`, `critical_lists.csv`).
//!
//! One file per release format: [`mcs2026`] reads the unified `MCS2026_Commodities_Data.csv`
//! (cp1252) and Table 6 (the 2025 list of critical minerals); [`mcs2025`] reads
//! `MCS2025_World_Data.csv`. USGS labels reach critmin's ids only through the explicit maps in
//! `data/usgs_commodity_map.csv` and `data/usgs_country_names.csv` ([`maps`]).
//!
//! Rules: all or nothing (any problem → no tables); every problem names file, line, column
//! and what was expected; a header other than the one published is one clear problem, never
//! guessed around; a flag (`W`, `NA`, ...) is a missing value with a note, never zero; every
//! row keeps the file and line it came from, and every row not imported is listed with why.

pub mod maps;
pub mod mcs2025;
pub mod mcs2025_reliance;
pub mod mcs2026;
pub mod revisions;
pub mod text;
pub mod values;

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::problem::Problem;

pub use maps::Maps;

/// A file handed to the importer: its name (as shown in messages; the release file is
/// recognised by its base name) and its bytes as downloaded.
#[derive(Debug, Clone, Copy)]
pub struct SourceFile<'a> {
    /// Name or path.
    pub name: &'a str,
    /// The bytes, undecoded.
    pub bytes: &'a [u8],
}

/// One imported observation, in the shape of `production.csv` and friends, with its origin.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedRow {
    /// Mineral id.
    pub mineral: String,
    /// Stage id.
    pub stage: String,
    /// ISO3 code, or `WLD` / `ROW`.
    pub country_iso3: String,
    /// Year.
    pub year: u16,
    /// The value; `None` when the release prints a flag or nothing (the note says which).
    pub value: Option<f64>,
    /// Unit with its basis.
    pub unit: String,
    /// The release and the labels read, as in the `source` column.
    pub source: String,
    /// Flags, bounds and USGS notes.
    pub note: String,
    /// File the row was read from.
    pub file: String,
    /// Line in that file.
    pub line: u64,
}

/// One US net-import-reliance figure, in the shape of `import_reliance.csv`, with its origin.
#[derive(Debug, Clone, PartialEq)]
pub struct RelianceRow {
    /// Always `USA`: USGS publishes US statistics.
    pub country_iso3: String,
    /// Mineral id as in `import_reliance.csv`.
    pub mineral: String,
    /// Year.
    pub year: u16,
    /// Net import reliance, percent of apparent (or reported, or estimated) consumption;
    /// `None` for a flag (`E` net exporter, `NA`, `W`) or a bound without a number.
    pub value: Option<f64>,
    /// `>` or `<` for a bound, `E` for a net exporter, empty otherwise.
    pub qualifier: String,
    /// Major import sources in descending order of import share, `; `-separated (MCS 2025
    /// Fig. 2); empty where the release part read gives none.
    pub major_import_sources: String,
    /// Release and labels read.
    pub source: String,
    /// Flags and USGS notes.
    pub note: String,
    /// File.
    pub file: String,
    /// Line.
    pub line: u64,
}

/// A release row that was read but not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedRow {
    /// File.
    pub file: String,
    /// Line.
    pub line: u64,
    /// Why.
    pub reason: String,
}

/// A member of a published critical-mineral list, in the shape of `critical_lists.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListEntry {
    /// List id, e.g. `US-2025`.
    pub list: String,
    /// The member as the publisher names it, as a lower-case identifier.
    pub mineral: String,
    /// Where it was read.
    pub source: String,
    /// File and line.
    pub file: String,
    /// Line.
    pub line: u64,
}

/// Everything one release yields.
#[derive(Debug, Clone, Default)]
pub struct ImportedEdition {
    /// Edition id, e.g. `USGS-MCS2026` (the prefix of every `source`).
    pub edition: String,
    /// Mine production (stage `mine`).
    pub production: Vec<ImportedRow>,
    /// Reserves.
    pub reserves: Vec<ImportedRow>,
    /// Processing stages (refinery, smelter, plant, capacities).
    pub refining: Vec<ImportedRow>,
    /// US net import reliance (MCS 2026 salient statistics; MCS 2025 Fig. 2 and salient files).
    pub import_reliance: Vec<RelianceRow>,
    /// Critical-mineral lists published with the release.
    pub critical_lists: Vec<ListEntry>,
    /// Rows read and deliberately not imported.
    pub skipped: Vec<SkippedRow>,
    /// MCS 2026: the commodity labels flagged `Yes` in `Is critical mineral 2025`.
    pub critical_flags: Vec<mcs2026::Flagged>,
}

impl ImportedEdition {
    /// The three observation tables, in `production`, `reserves`, `refining` order.
    pub fn tables(&self) -> [(&'static str, &[ImportedRow]); 3] {
        [
            ("production.csv", &self.production),
            ("reserves.csv", &self.reserves),
            ("refining.csv", &self.refining),
        ]
    }

    fn push(&mut self, row: ImportedRow) {
        match row.stage.as_str() {
            "mine" => self.production.push(row),
            "reserves" => self.reserves.push(row),
            _ => self.refining.push(row),
        }
    }
}

/// Which files the importer knows, by base name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReleaseFile {
    Commodities2026,
    CriticalList2026,
    World2025,
    Reliance2025,
    Salient2025,
}

/// The release files the importer reads, for messages.
pub const KNOWN_FILES: [&str; 5] = [
    mcs2026::COMMODITIES_FILE,
    mcs2026::CRITICAL_LIST_FILE,
    mcs2025::WORLD_FILE,
    mcs2025_reliance::FIG2_FILE,
    "mcs2025-*_salient.csv",
];

fn release_file(name: &str) -> Option<ReleaseFile> {
    let base = base_name(name);
    match base {
        mcs2026::COMMODITIES_FILE => Some(ReleaseFile::Commodities2026),
        mcs2026::CRITICAL_LIST_FILE => Some(ReleaseFile::CriticalList2026),
        mcs2025::WORLD_FILE => Some(ReleaseFile::World2025),
        mcs2025_reliance::FIG2_FILE => Some(ReleaseFile::Reliance2025),
        _ if mcs2025_reliance::is_salient_file(base) => Some(ReleaseFile::Salient2025),
        _ => None,
    }
}

/// Imports one USGS MCS release from its files. The files must all belong to one release
/// (2026: the commodities file, optionally with Table 6; 2025: any of the World Data file,
/// Fig. 2 and the salient-statistics files). Returns the tables only when there is no problem
/// at all.
pub fn import_usgs_mcs(files: &[SourceFile<'_>], maps: &Maps) -> Result<ImportedEdition, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut given: Vec<(ReleaseFile, SourceFile<'_>)> = Vec::new();
    for file in files {
        match release_file(file.name) {
            None => problems.push(Problem::line(
                file.name,
                0,
                format!(
                    "a USGS MCS release file named as published: one of {}",
                    KNOWN_FILES.join(", ")
                ),
            )),
            Some(kind) => {
                if given.iter().any(|(_, f)| base_name(f.name) == base_name(file.name)) {
                    problems.push(Problem::line(file.name, 0, "each release file once"));
                }
                given.push((kind, *file));
            }
        }
    }
    let of = |kind: ReleaseFile| given.iter().filter(move |(k, _)| *k == kind).map(|(_, f)| *f);
    let has = |kind: ReleaseFile| of(kind).next().is_some();
    let has_2026 = has(ReleaseFile::Commodities2026) || has(ReleaseFile::CriticalList2026);
    let has_2025 = has(ReleaseFile::World2025) || has(ReleaseFile::Reliance2025) || has(ReleaseFile::Salient2025);
    if has_2026 && has_2025 {
        problems.push(Problem::line(
            "(input)",
            0,
            "the files of one release per import (MCS 2025 and MCS 2026 files were given together)",
        ));
    }
    if files.is_empty() || (!has_2026 && !has_2025 && problems.is_empty()) {
        problems.push(Problem::line(
            "(input)",
            0,
            format!("at least one of {}", KNOWN_FILES.join(", ")),
        ));
    }
    if has_2026 && !has(ReleaseFile::Commodities2026) {
        problems.push(Problem::line(
            mcs2026::COMMODITIES_FILE,
            0,
            "the commodities file with Table 6 (Table 6 alone has no series)",
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut edition = ImportedEdition::default();
    if has_2026 {
        edition.edition = mcs2026::EDITION.to_owned();
        for file in of(ReleaseFile::Commodities2026) {
            edition.critical_flags = mcs2026::read_commodities(file, maps, &mut edition, &mut problems);
        }
        let flagged = edition.critical_flags.len();
        for list in of(ReleaseFile::CriticalList2026) {
            mcs2026::read_critical_list(list, flagged, &mut edition, &mut problems);
        }
    } else {
        edition.edition = mcs2025::EDITION.to_owned();
        for file in of(ReleaseFile::World2025) {
            mcs2025::read_world(file, maps, &mut edition, &mut problems);
        }
        // Fig. 2 first: it gives the 2024 figure where it has one.
        for file in of(ReleaseFile::Reliance2025) {
            mcs2025_reliance::read_fig2(file, maps, &mut edition, &mut problems);
        }
        for file in of(ReleaseFile::Salient2025) {
            mcs2025_reliance::read_salient(file, maps, &mut edition, &mut problems);
        }
    }
    if problems.is_empty() {
        Ok(edition)
    } else {
        Err(problems)
    }
}

fn base_name(name: &str) -> &str {
    std::path::Path::new(name)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(name)
}

type SeriesKey = (String, String, String, u16);

/// Adds rows to the edition, keyed by (mineral, stage, country, year): a second row with the
/// same key and the same value and note is a duplicate (skipped, listed); with another value
/// it is a problem, because two figures for one key cannot both be right and are never added.
pub(crate) struct RowSink<'e> {
    edition: &'e mut ImportedEdition,
    // (mineral, stage, country, year) → (first line, value)
    seen: HashMap<SeriesKey, (u64, Option<f64>)>,
    seen_reliance: HashMap<(String, u16), u64>,
}

impl<'e> RowSink<'e> {
    pub(crate) fn new(edition: &'e mut ImportedEdition) -> RowSink<'e> {
        RowSink {
            edition,
            seen: HashMap::new(),
            seen_reliance: HashMap::new(),
        }
    }

    /// Adds the row; a conflicting duplicate is returned as the problem to report.
    pub(crate) fn add(&mut self, row: ImportedRow) -> Option<Problem> {
        let key = (
            row.mineral.clone(),
            row.stage.clone(),
            row.country_iso3.clone(),
            row.year,
        );
        if let Some(&(first, value)) = self.seen.get(&key) {
            if value == row.value {
                self.edition.skipped.push(SkippedRow {
                    file: row.file,
                    line: row.line,
                    reason: format!("repeats line {first} (same series, country, year and value)"),
                });
                return None;
            }
            return Some(Problem::line(
                &row.file,
                row.line,
                format!(
                    "one value per mineral, stage, country and year ({} {} {} {} is already on line {first} \
                        with another value)",
                    key.0, key.1, key.2, key.3
                ),
            ));
        }
        self.seen.insert(key, (row.line, row.value));
        self.edition.push(row);
        None
    }

    /// Adds a reliance row; a second figure for the same mineral and year is returned as the
    /// problem to report.
    pub(crate) fn add_reliance(&mut self, row: RelianceRow) -> Option<Problem> {
        let key = (row.mineral.clone(), row.year);
        if let Some(first) = self.seen_reliance.insert(key, row.line) {
            return Some(Problem::line(
                &row.file,
                row.line,
                format!(
                    "one net import reliance per mineral and year ({} {} is already on line {first})",
                    row.mineral, row.year
                ),
            ));
        }
        self.edition.import_reliance.push(row);
        None
    }

    pub(crate) fn skip(&mut self, file: &str, line: u64, reason: impl Into<String>) {
        self.edition.skipped.push(SkippedRow {
            file: file.to_owned(),
            line,
            reason: reason.into(),
        });
    }
}

/// Writes rows as a CSV table of the `production.csv` shape (sorted as the embedded tables
/// are: mineral, stage, country, year).
pub fn observations_csv(rows: &[ImportedRow]) -> String {
    let mut sorted: Vec<&ImportedRow> = rows.iter().collect();
    sorted.sort_by(|a, b| {
        (&a.mineral, &a.stage, &a.country_iso3, a.year).cmp(&(&b.mineral, &b.stage, &b.country_iso3, b.year))
    });
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut out = String::new();
    let _ = writer.write_record([
        "mineral",
        "stage",
        "country_iso3",
        "year",
        "value",
        "unit",
        "source",
        "note",
    ]);
    for row in sorted {
        let value = row.value.map(format_value).unwrap_or_default();
        let _ = writer.write_record([
            row.mineral.as_str(),
            &row.stage,
            &row.country_iso3,
            &row.year.to_string(),
            &value,
            &row.unit,
            &row.source,
            &row.note,
        ]);
    }
    if let Ok(bytes) = writer.into_inner() {
        out.push_str(&String::from_utf8_lossy(&bytes));
    }
    out
}

/// Writes reliance rows in the shape of `import_reliance.csv` (sorted by mineral and year).
pub fn import_reliance_csv(rows: &[RelianceRow]) -> String {
    let mut sorted: Vec<&RelianceRow> = rows.iter().collect();
    sorted.sort_by(|a, b| (&a.mineral, a.year).cmp(&(&b.mineral, b.year)));
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record([
        "country_iso3",
        "mineral",
        "year",
        "metric",
        "value",
        "qualifier",
        "major_import_sources",
        "source",
        "note",
    ]);
    for row in sorted {
        let value = row.value.map(format_value).unwrap_or_default();
        let _ = writer.write_record([
            row.country_iso3.as_str(),
            &row.mineral,
            &row.year.to_string(),
            "net_import_reliance_pct",
            &value,
            &row.qualifier,
            &row.major_import_sources,
            &row.source,
            &row.note,
        ]);
    }
    writer
        .into_inner()
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default()
}

/// Writes list entries in the shape of `critical_lists.csv`.
pub fn critical_lists_csv(entries: &[ListEntry]) -> String {
    let mut out = String::from("list,mineral,source\n");
    for e in entries {
        let source = if e.source.contains([',', '"']) {
            format!("\"{}\"", e.source.replace('"', "\"\""))
        } else {
            e.source.clone()
        };
        let _ = writeln!(out, "{},{},{}", e.list, e.mineral, source);
    }
    out
}

/// A value as the embedded tables write it: integers without a decimal point.
pub fn format_value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}
