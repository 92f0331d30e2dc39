//! Turning CSV files into a validated [`Dataset`]: all problems are collected, and a dataset
//! is returned only when there are none.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use critmin_model::{
    ChainStage, Country, CountryCode, CriticalList, Dataset, GovernanceRecord, Group, GroupSet, ImportRelianceRecord,
    Mineral, MineralId, Observation, ObservationTable, Provenance, Qualifier, Series, SeriesKey, SeriesRow, SourceCode,
    Stage, StageId,
};

use crate::embedded::EMBEDDED_FILES;
use crate::parse;
use crate::problem::{LoadError, Problem};
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

const COUNTRY_COLUMNS: &[&str] = &[
    "iso3",
    "iso2",
    "name",
    "un_region",
    "continent",
    "oecd_accession_year",
    "note",
];
const MINERAL_COLUMNS: &[&str] = &["id", "name", "element", "aliases", "critical_list_names", "note"];
const STAGE_COLUMNS: &[&str] = &["id", "chain_stage", "capacity", "name"];
const LIST_COLUMNS: &[&str] = &["list", "mineral", "source"];
const GOVERNANCE_COLUMNS: &[&str] = &[
    "country_iso3",
    "year",
    "wgi_voice_accountability",
    "wgi_political_stability",
    "wgi_government_effectiveness",
    "wgi_regulatory_quality",
    "wgi_rule_of_law",
    "wgi_control_of_corruption",
    "wgi_mean_6",
    "n_dims",
    "wgi_risk_0_10",
    "source",
    "note",
];
const RELIANCE_COLUMNS: &[&str] = &[
    "country_iso3",
    "mineral",
    "year",
    "metric",
    "value",
    "qualifier",
    "major_import_sources",
    "source",
    "note",
];
const OBSERVATION_COLUMNS: &[&str] = &[
    "mineral",
    "stage",
    "country_iso3",
    "year",
    "value",
    "unit",
    "source",
    "note",
];
const PIPELINE_COLUMNS: &[&str] = &[
    "id",
    "category",
    "item",
    "minerals",
    "location",
    "counterparty",
    "date",
    "status",
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
            (FileKind::Pipeline, PIPELINE_COLUMNS),
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
                    &t.file,
                    1,
                    format!("only one {name} table (another one is {})", tables[0].file),
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

struct References<'a> {
    countries: &'a HashSet<CountryCode>,
    minerals: HashMap<String, &'a Mineral>,
    stages: HashSet<String>,
}

/// Parser of a country-code cell: a code listed in countries.csv, pseudo-codes only when
/// `allow_pseudo`.
fn known_country(
    known: &HashSet<CountryCode>,
    allow_pseudo: bool,
) -> impl Fn(&str) -> Result<CountryCode, String> + '_ {
    move |cell| match cell.parse::<CountryCode>() {
        Ok(code) if known.contains(&code) && (allow_pseudo || !code.is_pseudo()) => Ok(code),
        _ if allow_pseudo => Err(
            "an ISO 3166-1 alpha-3 code listed in countries.csv (or WLD for the world total, ROW for the residual)"
                .to_owned(),
        ),
        _ => Err("an ISO 3166-1 alpha-3 code listed in countries.csv".to_owned()),
    }
}

fn read_countries(t: &CsvTable, problems: &mut Vec<Problem>) -> Vec<Country> {
    let mut required: Vec<&str> = COUNTRY_COLUMNS.to_vec();
    required.extend(Group::ALL.iter().map(|g| g.column()));
    let Some(cols) = t.columns(&required, problems) else {
        return Vec::new();
    };
    let mut seen: HashMap<CountryCode, u64> = HashMap::new();
    let mut out = Vec::new();
    t.each_row(&cols, problems, |row| {
        let code = row.parse(0, |c| {
            c.parse::<CountryCode>()
                .map_err(|_| "a three-letter upper-case ISO 3166-1 alpha-3 code".to_owned())
        });
        if let Some(code) = code
            && let Some(first) = seen.insert(code, row.line)
        {
            row.problem(0, format!("a unique code (already on line {first})"));
        }
        if row.cell(2).is_empty() {
            row.problem(2, "a country name");
        }
        let oecd_accession_year = row
            .parse(5, |c| {
                if c.is_empty() {
                    Ok(None)
                } else {
                    parse::year(c).map(Some)
                }
            })
            .flatten();
        let mut groups = GroupSet::EMPTY;
        for (i, group) in Group::ALL.iter().enumerate() {
            if row.parse(COUNTRY_COLUMNS.len() + i, parse::boolean) == Some(true) {
                groups.insert(*group);
            }
        }
        if let Some(code) = code {
            out.push(Country {
                code,
                iso2: row.cell(1).to_owned(),
                name: row.cell(2).to_owned(),
                un_region: row.cell(3).to_owned(),
                continent: row.cell(4).to_owned(),
                groups,
                oecd_accession_year,
                note: row.cell(6).to_owned(),
            });
        }
    });
    for pseudo in [CountryCode::WORLD, CountryCode::REST_OF_WORLD] {
        if !seen.contains_key(&pseudo) && !t.rows.is_empty() {
            problems.push(Problem::line(&t.file, 0, format!("a row for the pseudo-code {pseudo}")));
        }
    }
    out
}

fn split_list(cell: &str) -> Vec<String> {
    cell.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn read_minerals(t: &CsvTable, problems: &mut Vec<Problem>) -> Vec<Mineral> {
    let Some(cols) = t.columns(MINERAL_COLUMNS, problems) else {
        return Vec::new();
    };
    // Ids and aliases share one namespace: a name must lead to one mineral.
    let mut names: HashMap<String, u64> = HashMap::new();
    let mut out = Vec::new();
    t.each_row(&cols, problems, |row| {
        let Some(id) = row.parse(0, |c| parse::identifier(c).map(str::to_owned)) else {
            return;
        };
        let aliases = split_list(row.cell(3));
        if let Some(first) = names.insert(id.clone(), row.line) {
            row.problem(
                0,
                format!("a name not used by another mineral (already on line {first})"),
            );
        }
        for alias in &aliases {
            if let Some(first) = names.insert(alias.clone(), row.line) {
                row.problem(
                    3,
                    format!("aliases not used by another mineral (`{alias}` already on line {first})"),
                );
            }
        }
        out.push(Mineral {
            id: MineralId(id),
            name: row.cell(1).to_owned(),
            element: row.cell(2).to_owned(),
            aliases,
            critical_list_names: split_list(row.cell(4)),
            critical_lists: Vec::new(),
            note: row.cell(5).to_owned(),
        });
    });
    out
}

fn read_stages(t: &CsvTable, problems: &mut Vec<Problem>) -> Vec<Stage> {
    let Some(cols) = t.columns(STAGE_COLUMNS, problems) else {
        return Vec::new();
    };
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut out = Vec::new();
    t.each_row(&cols, problems, |row| {
        let Some(id) = row.parse(0, |c| parse::identifier(c).map(str::to_owned)) else {
            return;
        };
        if let Some(first) = seen.insert(id.clone(), row.line) {
            row.problem(0, format!("a unique stage id (already on line {first})"));
        }
        let chain_stage = row.parse(1, |c| {
            ChainStage::from_id(c).ok_or_else(|| "one of reserves, mining, processing, manufacturing".to_owned())
        });
        let capacity = row.parse(2, parse::boolean);
        if let (Some(chain_stage), Some(capacity)) = (chain_stage, capacity) {
            out.push(Stage {
                id: StageId(id),
                chain_stage,
                capacity,
                name: row.cell(3).to_owned(),
            });
        }
    });
    out
}

fn read_critical_lists(t: &CsvTable, problems: &mut Vec<Problem>) -> Vec<CriticalList> {
    let Some(cols) = t.columns(LIST_COLUMNS, problems) else {
        return Vec::new();
    };
    let mut lists: Vec<CriticalList> = Vec::new();
    let mut seen: HashMap<(String, String), u64> = HashMap::new();
    t.each_row(&cols, problems, |row| {
        let list = row.parse(0, |c| {
            if c.is_empty() {
                Err("a list id such as US-2022".to_owned())
            } else {
                Ok(c.to_owned())
            }
        });
        let mineral = row.parse(1, |c| parse::identifier(c).map(str::to_owned));
        let (Some(list), Some(mineral)) = (list, mineral) else {
            return;
        };
        if let Some(first) = seen.insert((list.clone(), mineral.clone()), row.line) {
            row.problem(1, format!("each mineral once per list (already on line {first})"));
            return;
        }
        match lists.iter_mut().find(|l| l.id == list) {
            Some(l) => l.names.push(mineral),
            None => lists.push(CriticalList {
                id: list,
                names: vec![mineral],
                source: row.cell(2).to_owned(),
            }),
        }
    });
    lists
}

fn read_governance(t: &CsvTable, known: &HashSet<CountryCode>, problems: &mut Vec<Problem>) -> Vec<GovernanceRecord> {
    let Some(cols) = t.columns(GOVERNANCE_COLUMNS, problems) else {
        return Vec::new();
    };
    let mut seen: HashMap<(CountryCode, u16), u64> = HashMap::new();
    let mut out = Vec::new();
    t.each_row(&cols, problems, |row| {
        let country = row.parse(0, known_country(known, false));
        let year = row.parse(1, parse::year);
        let mut estimates = [None; 6];
        for (k, estimate) in estimates.iter_mut().enumerate() {
            *estimate = row.parse(2 + k, parse::optional_number).flatten();
            if estimate.is_some_and(|v| !(-5.0..=5.0).contains(&v)) {
                row.problem(
                    2 + k,
                    "a WGI estimate between -5 and 5 (the published range is about -2.5..2.5)",
                );
            }
        }
        let mean = row.parse(8, parse::optional_number).flatten();
        let n_dims = row
            .parse(9, |c| {
                c.parse::<u8>()
                    .ok()
                    .filter(|n| *n <= 6)
                    .ok_or_else(|| "a count of estimates from 0 to 6".to_owned())
            })
            .unwrap_or(0);
        let risk = row.parse(10, parse::optional_number).flatten();
        if let Some(r) = risk {
            if !(0.0..=10.0).contains(&r) {
                row.problem(10, "a score from 0 to 10");
            } else if let Some(m) = mean {
                // The score is derived; a copy edited by hand must still follow its formula.
                let derived = ((2.5 - m) * 2.0).clamp(0.0, 10.0);
                if (derived - r).abs() > 1e-3 {
                    row.problem(10, format!("clamp((2.5 - wgi_mean_6) x 2, 0, 10) = {derived:.4}"));
                }
            }
        }
        let (Some(country), Some(year)) = (country, year) else {
            return;
        };
        if let Some(first) = seen.insert((country, year), row.line) {
            row.line_problem(format!(
                "one row per country and year ({country} {year} already on line {first})"
            ));
        }
        out.push(GovernanceRecord {
            country,
            year,
            estimates,
            mean,
            n_dims,
            risk_0_10: risk,
            source: row.cell(11).to_owned(),
            note: row.cell(12).to_owned(),
        });
    });
    out
}

fn read_import_reliance(
    t: &CsvTable,
    known: &HashSet<CountryCode>,
    problems: &mut Vec<Problem>,
) -> Vec<ImportRelianceRecord> {
    let Some(cols) = t.columns(RELIANCE_COLUMNS, problems) else {
        return Vec::new();
    };
    let file: Arc<str> = Arc::from(t.file.as_str());
    let mut seen: HashMap<(CountryCode, String, u16, String), u64> = HashMap::new();
    let mut out = Vec::new();
    t.each_row(&cols, problems, |row| {
        let country = row.parse(0, known_country(known, false));
        let commodity = row.parse(1, |c| parse::identifier(c).map(str::to_owned));
        let year = row.parse(2, parse::year);
        let metric = row.parse(3, |c| parse::identifier(c).map(str::to_owned));
        let value = row.parse(4, parse::quantity).flatten();
        if value.is_some_and(|v| v > 100.0) && metric.as_ref().is_some_and(|m| m.ends_with("_pct")) {
            row.problem(4, "a percentage from 0 to 100");
        }
        let qualifier = Qualifier::parse(row.cell(5));
        if value.is_none() && qualifier.is_none() {
            row.line_problem("a value or a qualifier (E for net exporter, or a word such as `substantial`)");
        }
        let (Some(country), Some(commodity), Some(year), Some(metric)) = (country, commodity, year, metric) else {
            return;
        };
        if let Some(first) = seen.insert((country, commodity.clone(), year, metric.clone()), row.line) {
            row.line_problem(format!(
                "one row per country, mineral, year and metric (already on line {first})"
            ));
        }
        out.push(ImportRelianceRecord {
            country,
            commodity,
            year,
            metric,
            value,
            qualifier,
            major_import_sources: split_list(row.cell(6)),
            source: row.cell(7).to_owned(),
            note: row.cell(8).to_owned(),
            provenance: Provenance {
                file: file.clone(),
                line: row.line,
            },
        });
    });
    out
}

fn read_observations(t: &CsvTable, refs: &References<'_>, problems: &mut Vec<Problem>) -> ObservationTable {
    let mut table = ObservationTable {
        name: t.file.clone(),
        observations: Vec::new(),
    };
    let Some(cols) = t.columns(OBSERVATION_COLUMNS, problems) else {
        return table;
    };
    let file: Arc<str> = Arc::from(t.file.as_str());
    let mut stage_ids: Vec<&str> = refs.stages.iter().map(String::as_str).collect();
    stage_ids.sort_unstable();
    let stage_list = stage_ids.join(", ");
    let mut keys: HashMap<(String, String, CountryCode, u16, String), u64> = HashMap::new();
    let mut units: HashMap<(String, String, u16, String), (String, u64)> = HashMap::new();
    t.each_row(&cols, problems, |row| {
        let mineral = row.parse(0, |c| {
            if refs.minerals.contains_key(c) {
                return Ok(c.to_owned());
            }
            let hint = refs
                .minerals
                .values()
                .find(|m| m.answers_to(c))
                .map(|m| format!(" (`{c}` is an alias of `{}`; use the id)", m.id))
                .unwrap_or_default();
            Err(format!("a mineral id listed in minerals.csv{hint}"))
        });
        let stage = row.parse(1, |c| {
            if refs.stages.contains(c) { Ok(c.to_owned()) } else { Err(format!("a stage listed in stages.csv: {stage_list}")) }
        });
        let country = row.parse(2, known_country(refs.countries, true));
        let year = row.parse(3, parse::year);
        let value = row.parse(4, parse::quantity).flatten();
        let unit = row.cell(5);
        if unit.is_empty() {
            row.problem(5, "a unit with its basis, e.g. `t Li content`");
        }
        let source = row.parse(6, |c| parse::source_code(c).map(str::to_owned));
        let note = row.cell(7);
        let qualifier = note.split(';').find_map(|part| part.trim().strip_prefix("qualifier:")).and_then(Qualifier::parse);
        let (Some(mineral), Some(stage), Some(country), Some(year), Some(source)) = (mineral, stage, country, year, source)
        else {
            return;
        };
        let key = (mineral.clone(), stage.clone(), country, year, source.clone());
        if let Some(first) = keys.insert(key, row.line) {
            row.line_problem(format!(
                "one row per mineral, stage, country, year and source ({mineral} {stage} {country} {year} {source} already on line {first})"
            ));
        }
        match units.get(&(mineral.clone(), stage.clone(), year, source.clone())) {
            Some((first_unit, first_line)) if first_unit != unit && !unit.is_empty() => {
                let expected = format!(
                    "the unit of this series, `{first_unit}` (line {first_line}); units are never mixed within a series"
                );
                row.problem(5, expected);
            }
            Some(_) => {}
            None => {
                units.insert((mineral.clone(), stage.clone(), year, source.clone()), (unit.to_owned(), row.line));
            }
        }
        table.observations.push(Observation {
            mineral: MineralId(mineral),
            stage: StageId(stage),
            country,
            year,
            value,
            rounding: if value.is_some() { parse::rounding_half_unit(row.cell(4)) } else { 0.0 },
            qualifier,
            unit: unit.to_owned(),
            source: SourceCode(source),
            source_detail: row.cell(6).to_owned(),
            note: note.to_owned(),
            provenance: Provenance { file: file.clone(), line: row.line },
        });
    });
    table
}

/// Groups each table's rows into series, then reconciles series that appear in several
/// tables: identical copies are kept once (both files named), differing ones are a problem,
/// because series from different files are never added together.
fn build_series(tables: &[ObservationTable], problems: &mut Vec<Problem>) -> Vec<Series> {
    let mut all: BTreeMap<SeriesKey, Series> = BTreeMap::new();
    for table in tables {
        let mut own: BTreeMap<SeriesKey, Series> = BTreeMap::new();
        for obs in &table.observations {
            let key = SeriesKey {
                mineral: obs.mineral.clone(),
                stage: obs.stage.clone(),
                year: obs.year,
                source: obs.source.clone(),
            };
            let series = own.entry(key.clone()).or_insert_with(|| Series {
                key,
                unit: obs.unit.clone(),
                source_detail: obs.source_detail.clone(),
                tables: vec![table.name.clone()],
                countries: Vec::new(),
                world: None,
                residual: None,
            });
            let row = SeriesRow {
                country: obs.country,
                value: obs.value,
                rounding: obs.rounding,
                qualifier: obs.qualifier.clone(),
                note: obs.note.clone(),
                provenance: obs.provenance.clone(),
            };
            match obs.country {
                CountryCode::WORLD => series.world = Some(row),
                CountryCode::REST_OF_WORLD => series.residual = Some(row),
                _ => series.countries.push(row),
            }
        }
        for (key, series) in own {
            match all.get_mut(&key) {
                None => {
                    all.insert(key, series);
                }
                Some(existing) if same_figures(existing, &series) => existing.tables.extend(series.tables),
                Some(existing) => {
                    let line = series
                        .countries
                        .first()
                        .or(series.world.as_ref())
                        .map_or(0, |r| r.provenance.line);
                    problems.push(Problem::line(
                        &table.name,
                        line,
                        format!(
                            "series {} {} {} {} is also in {} with different figures; series from different files are never added: replace that file (same name in the data directory) or use another source code",
                            key.mineral, key.stage, key.year, key.source, existing.tables.join(", ")
                        ),
                    ));
                }
            }
        }
    }
    all.into_values().collect()
}

fn same_figures(a: &Series, b: &Series) -> bool {
    let rows = |s: &Series| {
        let mut v: Vec<(CountryCode, Option<u64>)> = s
            .countries
            .iter()
            .chain(s.world.iter())
            .chain(s.residual.iter())
            .map(|r| (r.country, r.value.map(f64::to_bits)))
            .collect();
        v.sort();
        v
    };
    a.unit == b.unit && rows(a) == rows(b)
}
