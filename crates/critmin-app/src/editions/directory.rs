//! An imported edition as files of a data directory (`critmin --data DIR`): its observation
//! tables are named after the edition, so they add its series beside the embedded edition's
//! (every row keeps its `source`, e.g. `USGS-MCS2026`) instead of replacing them, and carry
//! only rows of minerals the dataset knows (the loader refuses an unknown id).

use std::collections::{BTreeMap, BTreeSet};

use critmin_data::editions::observations_csv;
use critmin_model::Dataset;
use serde::Serialize;

use super::{EditionImport, EditionImportDocument, WrittenTable};

/// The files to write and what they leave out.
#[derive(Debug)]
pub struct DirectoryTables {
    /// The tables, named `<edition>_<table>.csv` (`usgs_mcs2026_production.csv`).
    pub tables: Vec<WrittenTable>,
    /// Rows left out because the dataset has no such mineral id, by mineral.
    pub left_out: Vec<LeftOut>,
}

/// Rows of one mineral left out of the directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeftOut {
    /// Mineral id as the edition's label map gives it.
    pub mineral: String,
    /// Rows left out.
    pub rows: usize,
}

/// What `critmin data import-edition` did: the import's document and the files written.
#[derive(Debug, Serialize)]
pub struct EditionDirectoryDocument {
    /// The import.
    pub import: EditionImportDocument,
    /// The directory written to.
    pub directory: String,
    /// Files written there.
    pub written: Vec<String>,
    /// Rows not written because their mineral id is not in the dataset's `minerals.csv` (add
    /// the id there, then import again).
    pub left_out: Vec<LeftOut>,
}

impl EditionImport {
    /// The edition's observation tables for a data directory laid over `dataset`. US import
    /// reliance and the critical-mineral lists are not written: a file of those names would
    /// replace the embedded table, not extend it (they stay in the import's document).
    pub fn directory_tables(&self, dataset: &Dataset) -> DirectoryTables {
        let known: BTreeSet<&str> = dataset.minerals.iter().map(|m| m.id.0.as_str()).collect();
        let prefix = self.edition.edition.to_lowercase().replace('-', "_");
        let mut left_out: BTreeMap<String, usize> = BTreeMap::new();
        let mut tables = Vec::new();
        for (name, rows) in self.edition.tables() {
            let (kept, unknown): (Vec<_>, Vec<_>) =
                rows.iter().cloned().partition(|r| known.contains(r.mineral.as_str()));
            for row in unknown {
                *left_out.entry(row.mineral).or_default() += 1;
            }
            if !kept.is_empty() {
                tables.push(WrittenTable {
                    name: format!("{prefix}_{name}"),
                    text: observations_csv(&kept),
                });
            }
        }
        DirectoryTables {
            tables,
            left_out: left_out
                .into_iter()
                .map(|(mineral, rows)| LeftOut { mineral, rows })
                .collect(),
        }
    }
}
