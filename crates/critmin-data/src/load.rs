//! Turning CSV files into a validated [`Dataset`]: all problems are collected, and a dataset
//! is returned only when there are none.
//!
//! This module gathers the input files (embedded, a user directory, an overlay of both), sorts
//! them by [`FileKind`] and runs the readers in dependency order (`readers`: countries and
//! minerals before the observations that name them), then `series` groups the observations.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use critmin_model::{CountryCode, Dataset, ObservationTable};

use crate::embedded::EMBEDDED_FILES;
use crate::problem::{LoadError, Problem};
use crate::readers::{
    COUNTRY_COLUMNS, GOVERNANCE_COLUMNS, LIST_COLUMNS, MINERAL_COLUMNS, OBSERVATION_COLUMNS, RELIANCE_COLUMNS,
    References, STAGE_COLUMNS, read_countries, read_critical_lists, read_governance, read_import_reliance,
    read_minerals, read_observations, read_stages,
};
use crate::series::build_series;
use crate::table::CsvTable;

/// One input file: a name used in messages and its text.
#[derive(Debug, Clone)]
pub struct InputFile {
    /// File name (embedded) or path (user file), as shown in messages.
    pub name: String,
    /// Contents.
    pub text: String,
}

/// The shape of a data file, known from its name or its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `countries.csv`.
    Countries,
    /// `minerals.csv`.
    Minerals,
    /// `stages.csv`.
    Stages,
    /// `critical_lists.csv`.
    CriticalLists,
    /// `governance.csv`.
    Governance,
    /// `import_reliance.csv`.
    ImportReliance,
    /// Observations: `production.csv`, `reserves.csv`, `refining.csv`, `iea_supply_2024.csv`
    /// or any user file of that shape.
    Observations,
    /// `india_pipeline.csv`: carried for the planner, not read by these loaders.
    Pipeline,
}

/// The columns of a project-pipeline file (`india_pipeline.csv`), read by the planner.
pub const PIPELINE_COLUMNS: [&str; 12] = [
    "id",
    "category",
    "item",
    "minerals",
    "location",
    "counterparty",
    "date",
    "status",
    "quantity",
    "unit",
    "source",
    "note",
];

impl FileKind {
    /// The kind of an embedded file name, if it is one.
    pub fn from_name(name: &str) -> Option<FileKind> {
        let base = Path::new(name).file_name().and_then(|n| n.to_str()).unwrap_or(name);
        Some(match base {
            "countries.csv" => FileKind::Countries,
            "minerals.csv" => FileKind::Minerals,
            "stages.csv" => FileKind::Stages,
            "critical_lists.csv" => FileKind::CriticalLists,
            "governance.csv" => FileKind::Governance,
            "import_reliance.csv" => FileKind::ImportReliance,
            "production.csv" | "reserves.csv" | "refining.csv" | "iea_supply_2024.csv" => FileKind::Observations,
            "india_pipeline.csv" => FileKind::Pipeline,
            _ => return None,
        })
    }

    /// The kind of a file as [`load`] decides it: by its name, else by the header of its table.
    pub fn of(file: &InputFile) -> Option<FileKind> {
        FileKind::from_name(&file.name).or_else(|| {
            let table = CsvTable::parse(&file.name, &file.text, &mut Vec::new());
            FileKind::from_header(table.header())
        })
    }

    /// The kind whose required columns all appear in `header`.
    pub fn from_header(header: &[String]) -> Option<FileKind> {
        let has = |cols: &[&str]| cols.iter().all(|c| header.iter().any(|h| h == c));
        [
            (FileKind::Observations, OBSERVATION_COLUMNS),
            (FileKind::ImportReliance, RELIANCE_COLUMNS),
            (FileKind::Governance, GOVERNANCE_COLUMNS),
            (FileKind::Countries, COUNTRY_COLUMNS),
            (FileKind::Minerals, MINERAL_COLUMNS),
            (FileKind::Stages, STAGE_COLUMNS),
            (FileKind::CriticalLists, LIST_COLUMNS),
            // Recognised by the columns that describe an entry; the planner's reader checks the rest.
            (FileKind::Pipeline, &PIPELINE_COLUMNS[..8]),
        ]
        .into_iter()
        .find(|(_, cols)| has(cols))
        .map(|(k, _)| k)
    }
}

/// Loads the embedded default dataset.
pub fn load_embedded() -> Result<Dataset, LoadError> {
    load(&embedded_inputs())
}

/// The embedded CSV files as inputs.
pub fn embedded_inputs() -> Vec<InputFile> {
    EMBEDDED_FILES
        .iter()
        .filter(|f| f.name.ends_with(".csv"))
        .map(|f| InputFile {
            name: f.name.to_owned(),
            text: f.text.to_owned(),
        })
        .collect()
}

/// Lays `top` over `base`: a top file whose file name equals a base file's name replaces it;
/// the others are added after the base files.
pub fn overlay(mut base: Vec<InputFile>, top: Vec<InputFile>) -> Vec<InputFile> {
    let file_name = |name: &str| {
        Path::new(name)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or(name)
            .to_owned()
    };
    for file in top {
        let name = file_name(&file.name);
        base.retain(|f| file_name(&f.name) != name);
        base.push(file);
    }
    base
}

/// Reads every `*.csv` file of `dir` (sorted by name) as inputs named by their path.
pub fn read_dir_inputs(dir: &Path) -> Result<Vec<InputFile>, LoadError> {
    let io = |source| LoadError::Io {
        path: dir.to_owned(),
        source,
    };
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv")) && p.is_file())
        .collect();
    paths.sort();
    read_inputs(&paths)
}

/// Reads each file of `paths` as an input named by its path (UTF-8 text, see [`read_text`]).
pub fn read_inputs(paths: &[PathBuf]) -> Result<Vec<InputFile>, LoadError> {
    paths
        .iter()
        .map(|p| {
            Ok(InputFile {
                name: p.display().to_string(),
                text: read_text(p)?,
            })
        })
        .collect()
}

/// Loads the embedded dataset with the CSV files of `dir` laid over it: a file named like an
/// embedded one (`production.csv`, `countries.csv`, ...) replaces it; any other `*.csv` file
/// of a known shape is added (observation files become extra tables). Returns the dataset
/// and the user files that were used.
pub fn load_with_overlay(dir: &Path) -> Result<(Dataset, Vec<String>), LoadError> {
    let user = read_dir_inputs(dir)?;
    let used = user.iter().map(|f| f.name.clone()).collect();
    load(&overlay(embedded_inputs(), user)).map(|ds| (ds, used))
}

/// Reads a file as UTF-8 text; invalid UTF-8 is a problem of the file, not an IO error.
pub fn read_text(path: &Path) -> Result<String, LoadError> {
    let bytes = std::fs::read(path).map_err(|source| LoadError::Io {
        path: path.to_owned(),
        source,
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let line = 1 + e.as_bytes()[..e.utf8_error().valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        LoadError::Invalid(vec![Problem::line(
            &path.display().to_string(),
            line,
            "UTF-8 text (save the file as UTF-8)",
        )])
    })
}

/// Validates and loads a set of files. Reference tables (countries, minerals, stages, critical
/// lists) must each appear exactly once; observation tables may be many.
pub fn load(files: &[InputFile]) -> Result<Dataset, LoadError> {
    let mut problems = Vec::new();
    let mut by_kind: BTreeMap<u8, Vec<(FileKind, CsvTable)>> = BTreeMap::new();
    for f in files {
        let table = CsvTable::parse(&f.name, &f.text, &mut problems);
        let kind = FileKind::from_name(&f.name).or_else(|| FileKind::from_header(table.header()));
        match kind {
            Some(kind) => by_kind.entry(kind as u8).or_default().push((kind, table)),
            None => problems.push(Problem::line(
                &f.name,
                1,
                format!(
                    "a header of a known shape, e.g. observations `{}` (found `{}`)",
                    OBSERVATION_COLUMNS.join(","),
                    table.header().join(",")
                ),
            )),
        }
    }
    let take = |kind: FileKind, by_kind: &mut BTreeMap<u8, Vec<(FileKind, CsvTable)>>| {
        by_kind
            .remove(&(kind as u8))
            .unwrap_or_default()
            .into_iter()
            .map(|(_, t)| t)
            .collect::<Vec<_>>()
    };
    let single = |kind: FileKind,
                  name: &str,
                  problems: &mut Vec<Problem>,
                  by_kind: &mut BTreeMap<u8, Vec<(FileKind, CsvTable)>>| {
        let mut tables = take(kind, by_kind);
        if tables.len() > 1 {
            for t in &tables[1..] {
                problems.push(Problem::line(
                    t.file(),
                    1,
                    format!("only one {name} table (another one is {})", tables[0].file()),
                ));
            }
        }
        if tables.is_empty() {
            problems.push(Problem::line(name, 0, format!("a {name} table (it is required)")));
            None
        } else {
            Some(tables.swap_remove(0))
        }
    };

    let countries = single(FileKind::Countries, "countries.csv", &mut problems, &mut by_kind)
        .map(|t| read_countries(&t, &mut problems))
        .unwrap_or_default();
    let known: HashSet<CountryCode> = countries.iter().map(|c| c.code).collect();
    let mut minerals = single(FileKind::Minerals, "minerals.csv", &mut problems, &mut by_kind)
        .map(|t| read_minerals(&t, &mut problems))
        .unwrap_or_default();
    let stages = single(FileKind::Stages, "stages.csv", &mut problems, &mut by_kind)
        .map(|t| read_stages(&t, &mut problems))
        .unwrap_or_default();
    let lists = single(
        FileKind::CriticalLists,
        "critical_lists.csv",
        &mut problems,
        &mut by_kind,
    )
    .map(|t| read_critical_lists(&t, &mut problems))
    .unwrap_or_default();
    let governance = take(FileKind::Governance, &mut by_kind)
        .iter()
        .flat_map(|t| read_governance(t, &known, &mut problems))
        .collect();
    let import_reliance = take(FileKind::ImportReliance, &mut by_kind)
        .iter()
        .flat_map(|t| read_import_reliance(t, &known, &mut problems))
        .collect();
    let refs = References {
        countries: &known,
        minerals: minerals.iter().map(|m| (m.id.0.clone(), m)).collect(),
        stages: stages.iter().map(|s| s.id.0.clone()).collect(),
    };
    let tables: Vec<ObservationTable> = take(FileKind::Observations, &mut by_kind)
        .iter()
        .map(|t| read_observations(t, &refs, &mut problems))
        .collect();
    let series = build_series(&tables, &mut problems);

    if !problems.is_empty() {
        return Err(LoadError::Invalid(problems));
    }
    for mineral in &mut minerals {
        mineral.critical_lists = lists
            .iter()
            .filter(|l| l.names.iter().any(|n| mineral.critical_list_names.contains(n)))
            .map(|l| l.id.clone())
            .collect();
    }
    Ok(Dataset::from_parts(
        countries,
        minerals,
        stages,
        lists,
        tables,
        series,
        governance,
        import_reliance,
    ))
}
