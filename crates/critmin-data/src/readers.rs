//! The readers of the dataset's tables, one per [`FileKind`](crate::FileKind): each checks
//! its rows (codes known, numbers well-formed, keys unique) and records every problem.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use critmin_model::{
    ChainStage, Country, CountryCode, CriticalList, GovernanceRecord, Group, GroupSet, ImportRelianceRecord, Mineral,
    MineralId, Observation, ObservationTable, Provenance, Qualifier, SourceCode, Stage, StageId,
};

use crate::parse;
use crate::problem::Problem;
use crate::table::CsvTable;

pub(crate) const COUNTRY_COLUMNS: &[&str] = &[
    "iso3",
    "iso2",
    "name",
    "un_region",
    "continent",
    "oecd_accession_year",
    "note",
];
pub(crate) const MINERAL_COLUMNS: &[&str] = &["id", "name", "element", "aliases", "critical_list_names", "note"];
pub(crate) const STAGE_COLUMNS: &[&str] = &["id", "chain_stage", "capacity", "name"];
pub(crate) const LIST_COLUMNS: &[&str] = &["list", "mineral", "source"];
pub(crate) const GOVERNANCE_COLUMNS: &[&str] = &[
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
pub(crate) const RELIANCE_COLUMNS: &[&str] = &[
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
pub(crate) const OBSERVATION_COLUMNS: &[&str] = &[
    "mineral",
    "stage",
    "country_iso3",
    "year",
    "value",
    "unit",
    "source",
    "note",
];
pub(crate) struct References<'a> {
    pub(crate) countries: &'a HashSet<CountryCode>,
    pub(crate) minerals: HashMap<String, &'a Mineral>,
    pub(crate) stages: HashSet<String>,
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

pub(crate) fn read_countries(t: &CsvTable, problems: &mut Vec<Problem>) -> Vec<Country> {
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
        if !seen.contains_key(&pseudo) && !t.is_empty() {
            problems.push(Problem::line(
                t.file(),
                0,
                format!("a row for the pseudo-code {pseudo}"),
            ));
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

pub(crate) fn read_minerals(t: &CsvTable, problems: &mut Vec<Problem>) -> Vec<Mineral> {
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

pub(crate) fn read_stages(t: &CsvTable, problems: &mut Vec<Problem>) -> Vec<Stage> {
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

pub(crate) fn read_critical_lists(t: &CsvTable, problems: &mut Vec<Problem>) -> Vec<CriticalList> {
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

pub(crate) fn read_governance(
    t: &CsvTable,
    known: &HashSet<CountryCode>,
    problems: &mut Vec<Problem>,
) -> Vec<GovernanceRecord> {
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

pub(crate) fn read_import_reliance(
    t: &CsvTable,
    known: &HashSet<CountryCode>,
    problems: &mut Vec<Problem>,
) -> Vec<ImportRelianceRecord> {
    let Some(cols) = t.columns(RELIANCE_COLUMNS, problems) else {
        return Vec::new();
    };
    let file: Arc<str> = Arc::from(t.file());
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

pub(crate) fn read_observations(t: &CsvTable, refs: &References<'_>, problems: &mut Vec<Problem>) -> ObservationTable {
    let mut table = ObservationTable {
        name: t.file().to_owned(),
        observations: Vec::new(),
    };
    let Some(cols) = t.columns(OBSERVATION_COLUMNS, problems) else {
        return table;
    };
    let file: Arc<str> = Arc::from(t.file());
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
