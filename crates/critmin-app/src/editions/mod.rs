//! Importing a published edition of a source (today the USGS Mineral Commodity Summaries) into
//! critmin's tables: the use case behind `critmin data import-edition usgs-mcs FILE...`.
//!
//! The shell reads the files' bytes and hands them over with the source's name; it gets back
//! the tables in the embedded dataset's shapes (ready to write next to each other as a data
//! directory) and a document that says what was imported, what was not and why, and how the
//! edition covers the minerals of the dataset it is compared with. When the files have
//! problems, nothing is imported and the document lists every problem with file and line.

mod directory;

pub use directory::{DirectoryTables, EditionDirectoryDocument, LeftOut};

use std::collections::{BTreeMap, BTreeSet};

use critmin_data::Problem;
use critmin_data::editions::{self, ImportedEdition, ImportedRow, Maps, SourceFile};
use critmin_model::Dataset;
use serde::Serialize;

use crate::FieldError;

/// A source whose published editions critmin imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditionSource {
    /// USGS Mineral Commodity Summaries (`usgs-mcs`): MCS 2025 and MCS 2026 release formats.
    UsgsMcs,
}

impl EditionSource {
    /// Parses the source name given on the command line or in a request.
    pub fn parse(field: &str, text: &str) -> Result<EditionSource, FieldError> {
        match text {
            "usgs-mcs" => Ok(EditionSource::UsgsMcs),
            _ => Err(FieldError::new(
                field,
                format!("unknown source `{text}`; expected usgs-mcs"),
            )),
        }
    }
}

/// One file of an edition, as read by the shell.
#[derive(Debug, Clone)]
pub struct EditionFile {
    /// Name or path, as shown in problems (the release file is recognised by its base name).
    pub name: String,
    /// The bytes as downloaded (the importer decodes them in the release's encoding).
    pub bytes: Vec<u8>,
}

/// The request: which source, which files.
#[derive(Debug, Clone)]
pub struct ImportEditionSpec {
    /// The source.
    pub source: EditionSource,
    /// The release files.
    pub files: Vec<EditionFile>,
}

/// A table written by the import, in the shape of the embedded file of the same name.
#[derive(Debug, Clone)]
pub struct WrittenTable {
    /// File name (`production.csv`, `reserves.csv`, `refining.csv`, `import_reliance.csv`,
    /// `critical_lists.csv`).
    pub name: String,
    /// CSV text.
    pub text: String,
}

/// What an import yields: the tables and the document.
#[derive(Debug)]
pub struct EditionImport {
    /// The tables, in the embedded shapes.
    pub tables: Vec<WrittenTable>,
    /// What was imported.
    pub document: EditionImportDocument,
    /// The rows themselves, with file and line.
    pub edition: ImportedEdition,
}

/// The document of a successful import.
#[derive(Debug, Serialize)]
pub struct EditionImportDocument {
    /// Edition id (`USGS-MCS2026`), the prefix of every row's `source`.
    pub edition: String,
    /// The files read.
    pub files: Vec<String>,
    /// One entry per written table.
    pub tables: Vec<TableSummary>,
    /// Rows of the release not imported, grouped by reason.
    pub not_imported: Vec<NotImported>,
    /// How the edition covers the minerals of the compared dataset.
    pub coverage: EditionCoverage,
}

/// One written table.
#[derive(Debug, Serialize)]
pub struct TableSummary {
    /// File name.
    pub name: String,
    /// Rows.
    pub rows: usize,
    /// Rows with a number (the others carry a flag or a blank, never a zero).
    pub rows_with_value: usize,
    /// Years present.
    pub years: Vec<u16>,
}

/// Release rows not imported for one reason.
#[derive(Debug, Serialize)]
pub struct NotImported {
    /// Why.
    pub reason: String,
    /// How many rows.
    pub rows: usize,
    /// File and line of the first, as `file:line`.
    pub first: String,
}

/// The edition against the dataset it would replace.
#[derive(Debug, Serialize)]
pub struct EditionCoverage {
    /// Minerals with a production series (mine or processing stage) with at least one number.
    pub minerals_with_production: Vec<String>,
    /// Of those, the minerals the dataset has no production series for.
    pub gained: Vec<String>,
    /// Minerals the import gives series for whose id is not in the dataset's `minerals.csv`:
    /// they load only once the id is added there.
    pub unknown_to_dataset: Vec<String>,
    /// `mineral/stage` series of the dataset's USGS tables the edition does not give.
    pub missing: Vec<String>,
    /// Years of the edition's production series.
    pub years: Vec<u16>,
}

/// One problem of a refused import.
#[derive(Debug, Serialize)]
pub struct ProblemRecord {
    /// File.
    pub file: String,
    /// Line (0: the whole file).
    pub line: u64,
    /// Column, when one cell is at fault.
    pub column: Option<String>,
    /// The value as written.
    pub value: Option<String>,
    /// What was expected.
    pub expected: String,
    /// The whole message, as printed.
    pub message: String,
}

/// The document of a refused import: nothing was imported.
#[derive(Debug, Serialize)]
pub struct EditionProblemsDocument {
    /// Always empty: nothing of a refused import is kept.
    pub imported_rows: usize,
    /// Every problem found.
    pub problems: Vec<ProblemRecord>,
}

impl From<&Problem> for ProblemRecord {
    fn from(p: &Problem) -> ProblemRecord {
        ProblemRecord {
            file: p.file.clone(),
            line: p.line,
            column: p.column.clone(),
            value: p.value.clone(),
            expected: p.expected.clone(),
            message: p.to_string(),
        }
    }
}

/// Reads the label maps embedded in `critmin-data` (a problem there is a build defect, reported
/// like any other).
fn embedded_maps() -> Result<Maps, Vec<Problem>> {
    let mut problems = Vec::new();
    match Maps::embedded(&mut problems) {
        Some(maps) if problems.is_empty() => Ok(maps),
        _ => Err(problems),
    }
}

/// Imports the files of `spec` and compares the edition with `dataset` (the embedded default,
/// usually). `Err` carries the problems document: nothing is imported then.
pub fn import_edition(spec: &ImportEditionSpec, dataset: &Dataset) -> Result<EditionImport, EditionProblemsDocument> {
    let refused = |problems: Vec<Problem>| EditionProblemsDocument {
        imported_rows: 0,
        problems: problems.iter().map(ProblemRecord::from).collect(),
    };
    let maps = embedded_maps().map_err(refused)?;
    let files: Vec<SourceFile<'_>> = spec
        .files
        .iter()
        .map(|f| SourceFile {
            name: &f.name,
            bytes: &f.bytes,
        })
        .collect();
    let edition = match spec.source {
        EditionSource::UsgsMcs => editions::import_usgs_mcs(&files, &maps).map_err(refused)?,
    };
    let mut written: Vec<WrittenTable> = edition
        .tables()
        .iter()
        .map(|(name, rows)| WrittenTable {
            name: (*name).to_owned(),
            text: editions::observations_csv(rows),
        })
        .collect();
    if !edition.import_reliance.is_empty() {
        written.push(WrittenTable {
            name: "import_reliance.csv".to_owned(),
            text: editions::import_reliance_csv(&edition.import_reliance),
        });
    }
    if !edition.critical_lists.is_empty() {
        written.push(WrittenTable {
            name: "critical_lists.csv".to_owned(),
            text: editions::critical_lists_csv(&edition.critical_lists),
        });
    }
    let document = EditionImportDocument {
        edition: edition.edition.clone(),
        files: spec.files.iter().map(|f| f.name.clone()).collect(),
        tables: table_summaries(&edition),
        not_imported: not_imported(&edition),
        coverage: coverage(&edition, dataset),
    };
    Ok(EditionImport {
        tables: written,
        document,
        edition,
    })
}

fn table_summaries(edition: &ImportedEdition) -> Vec<TableSummary> {
    let mut out: Vec<TableSummary> = edition
        .tables()
        .iter()
        .map(|(name, rows)| TableSummary {
            name: (*name).to_owned(),
            rows: rows.len(),
            rows_with_value: rows.iter().filter(|r| r.value.is_some()).count(),
            years: rows
                .iter()
                .map(|r| r.year)
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
        })
        .collect();
    if !edition.import_reliance.is_empty() {
        let rows = &edition.import_reliance;
        out.push(TableSummary {
            name: "import_reliance.csv".to_owned(),
            rows: rows.len(),
            rows_with_value: rows.iter().filter(|r| r.value.is_some()).count(),
            years: rows
                .iter()
                .map(|r| r.year)
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
        });
    }
    if !edition.critical_lists.is_empty() {
        out.push(TableSummary {
            name: "critical_lists.csv".to_owned(),
            rows: edition.critical_lists.len(),
            rows_with_value: edition.critical_lists.len(),
            years: Vec::new(),
        });
    }
    out
}

fn not_imported(edition: &ImportedEdition) -> Vec<NotImported> {
    let mut by_reason: BTreeMap<&str, NotImported> = BTreeMap::new();
    for skipped in &edition.skipped {
        by_reason
            .entry(skipped.reason.as_str())
            .or_insert_with(|| NotImported {
                reason: skipped.reason.clone(),
                rows: 0,
                first: format!("{}:{}", skipped.file, skipped.line),
            })
            .rows += 1;
    }
    by_reason.into_values().collect()
}

fn is_production(row: &ImportedRow) -> bool {
    row.stage != "reserves" && row.value.is_some()
}

fn coverage(edition: &ImportedEdition, dataset: &Dataset) -> EditionCoverage {
    let production: Vec<&ImportedRow> = edition
        .production
        .iter()
        .chain(&edition.refining)
        .filter(|r| is_production(r))
        .collect();
    let minerals: BTreeSet<&str> = production.iter().map(|r| r.mineral.as_str()).collect();
    let dataset_production: BTreeSet<&str> = dataset
        .series
        .iter()
        .filter(|s| s.key.stage.0 != "reserves")
        .map(|s| s.key.mineral.0.as_str())
        .collect();
    let known: BTreeSet<&str> = dataset.minerals.iter().map(|m| m.id.0.as_str()).collect();
    let imported_series: BTreeSet<(&str, &str)> = edition
        .production
        .iter()
        .chain(&edition.reserves)
        .chain(&edition.refining)
        .map(|r| (r.mineral.as_str(), r.stage.as_str()))
        .collect();
    let usgs_series: BTreeSet<(&str, &str)> = dataset
        .series
        .iter()
        .filter(|s| s.key.source.as_str().starts_with("USGS"))
        .map(|s| (s.key.mineral.0.as_str(), s.key.stage.0.as_str()))
        .collect();
    let all_minerals: BTreeSet<&str> = imported_series.iter().map(|(m, _)| *m).collect();
    EditionCoverage {
        minerals_with_production: minerals.iter().map(|m| (*m).to_owned()).collect(),
        gained: minerals
            .iter()
            .filter(|m| !dataset_production.contains(*m))
            .map(|m| (*m).to_owned())
            .collect(),
        unknown_to_dataset: all_minerals
            .iter()
            .filter(|m| !known.contains(*m))
            .map(|m| (*m).to_owned())
            .collect(),
        missing: usgs_series
            .difference(&imported_series)
            .map(|(m, s)| format!("{m}/{s}"))
            .collect(),
        years: production
            .iter()
            .map(|r| r.year)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
    }
}
