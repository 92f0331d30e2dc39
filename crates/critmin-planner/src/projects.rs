//! Projects: mines, refineries, recycling plants and contracts that may add supply.
//!
//! A [`Project`] knows where it is (location), who owns it (owner countries with shares, so
//! supply can be counted by location and by ownership), its status, capacity in contained
//! tonnes per year (or that none is published), start year, ramp-up, capex, unit cost, the
//! offtakes already signed, and its probability of reaching production and lead time. The
//! defaults of the last two by status are data ([`StatusDefaults`], from
//! `data/planner_status_defaults.csv`, with their basis and sources) and can be overridden per
//! project.
//!
//! Users import projects from CSV ([`parse_projects`]) with the same standard as the core
//! loaders: every problem is reported with file, line, column, value and what was expected, and
//! nothing is returned unless the whole file is valid.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use critmin_data::{CsvTable, LoadError, cells};
use critmin_model::{CountryCode, Dataset, MineralId, Problem, StageId};

/// How far a project has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProjectStatus {
    /// An exploration block or licence (nothing proven yet).
    ExplorationBlock,
    /// A block auctioned / licence awarded (exploration continues before a mining lease).
    Auctioned,
    /// Feasibility study or permitting.
    Feasibility,
    /// Under construction.
    UnderConstruction,
    /// Producing.
    Operating,
}

impl ProjectStatus {
    /// Every status, earliest first.
    pub const ALL: [ProjectStatus; 5] = [
        ProjectStatus::ExplorationBlock,
        ProjectStatus::Auctioned,
        ProjectStatus::Feasibility,
        ProjectStatus::UnderConstruction,
        ProjectStatus::Operating,
    ];

    /// The identifier used in CSV files and output.
    pub fn id(self) -> &'static str {
        match self {
            ProjectStatus::ExplorationBlock => "exploration_block",
            ProjectStatus::Auctioned => "auctioned",
            ProjectStatus::Feasibility => "feasibility",
            ProjectStatus::UnderConstruction => "under_construction",
            ProjectStatus::Operating => "operating",
        }
    }
}

impl fmt::Display for ProjectStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for ProjectStatus {
    type Err = String;

    fn from_str(text: &str) -> Result<ProjectStatus, String> {
        ProjectStatus::ALL
            .into_iter()
            .find(|s| s.id().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| {
                format!(
                    "one of {}",
                    ProjectStatus::ALL.iter().map(|s| s.id()).collect::<Vec<_>>().join(", ")
                )
            })
    }
}

/// The default probability of reaching production and lead time for one status.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusDefault {
    /// Status.
    pub status: ProjectStatus,
    /// Probability that a project of this status reaches production.
    pub probability: f64,
    /// Years from now until first production.
    pub lead_time_years: u16,
    /// Where the probability comes from (or that it is an assumption).
    pub probability_basis: String,
    /// Where the lead time comes from.
    pub lead_time_source: String,
}

/// The documented default table by status.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusDefaults {
    /// One row per status.
    pub rows: Vec<StatusDefault>,
}

/// Name of the embedded defaults file.
pub const STATUS_DEFAULTS_FILE: &str = "planner_status_defaults.csv";
const STATUS_DEFAULTS_TEXT: &str = critmin_data::tables::PLANNER_STATUS_DEFAULTS.text;

impl StatusDefaults {
    /// The shipped table (`data/planner_status_defaults.csv`).
    pub fn embedded() -> StatusDefaults {
        // The embedded file is checked by a unit test; a broken copy is a build defect.
        StatusDefaults::parse(STATUS_DEFAULTS_FILE, STATUS_DEFAULTS_TEXT)
            .unwrap_or_else(|_| StatusDefaults { rows: Vec::new() })
    }

    /// Reads a defaults table; every status must appear exactly once.
    pub fn parse(file: &str, text: &str) -> Result<StatusDefaults, LoadError> {
        let mut problems = Vec::new();
        let table = CsvTable::parse(file, text, &mut problems);
        let names = [
            "status",
            "probability",
            "lead_time_years",
            "probability_basis",
            "lead_time_source",
        ];
        let mut rows = Vec::new();
        if let Some(columns) = table.columns(&names, &mut problems) {
            table.each_row(&columns, &mut problems, |row| {
                let status = row.parse(0, |c| c.parse::<ProjectStatus>());
                let probability = row.parse(1, |c| {
                    cells::optional_share(c).and_then(|p| p.ok_or_else(|| "a share between 0 and 1".to_owned()))
                });
                let lead = row.parse(2, |c| {
                    c.parse::<u16>().map_err(|_| "a whole number of years".to_owned())
                });
                if let (Some(status), Some(probability), Some(lead_time_years)) = (status, probability, lead) {
                    if rows.iter().any(|r: &StatusDefault| r.status == status) {
                        row.problem(0, "each status once (this one is repeated)");
                    }
                    rows.push(StatusDefault {
                        status,
                        probability,
                        lead_time_years,
                        probability_basis: row.cell(3).to_owned(),
                        lead_time_source: row.cell(4).to_owned(),
                    });
                }
            });
        }
        for status in ProjectStatus::ALL {
            if problems.is_empty() && !rows.iter().any(|r| r.status == status) {
                problems.push(Problem::line(file, 0, format!("a row for status `{status}`")));
            }
        }
        if problems.is_empty() {
            Ok(StatusDefaults { rows })
        } else {
            Err(LoadError::Invalid(problems))
        }
    }

    /// The row of `status`.
    pub fn get(&self, status: ProjectStatus) -> Option<&StatusDefault> {
        self.rows.iter().find(|r| r.status == status)
    }
}

/// A share of a project's output already committed to a buyer.
#[derive(Debug, Clone, PartialEq)]
pub struct Offtake {
    /// Buyer country.
    pub buyer: CountryCode,
    /// Share of the project's output.
    pub share: f64,
    /// First year of the contract.
    pub from_year: u16,
    /// Last year of the contract (inclusive).
    pub to_year: u16,
}

/// A project that may add supply.
#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    /// Unique id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Mineral.
    pub mineral: MineralId,
    /// Stage it supplies (`mine`, `refined`, `recycling`, …).
    pub stage: StageId,
    /// Where it is.
    pub country: CountryCode,
    /// Operator.
    pub operator: String,
    /// Owner countries with their equity shares (summing to at most 1; the rest is unattributed).
    pub owners: Vec<(CountryCode, f64)>,
    /// Partner countries of the venture (joint ventures, state partners).
    pub partners: Vec<CountryCode>,
    /// Status.
    pub status: ProjectStatus,
    /// Capacity in contained tonnes per year; `None` when not published.
    pub capacity_t: Option<f64>,
    /// First production year (given, or now + lead time).
    pub start_year: u16,
    /// Years to reach full capacity (linear ramp; 0 = full output in the first year).
    pub ramp_up_years: u16,
    /// Capital cost, USD (`None` when not published).
    pub capex_usd: Option<f64>,
    /// Production cost, USD per tonne contained (`None` when not published).
    pub unit_cost_usd_per_t: Option<f64>,
    /// Price premium a buyer pays for an offtake on the uncommitted output, USD per tonne;
    /// `None` when the project offers no offtake.
    pub offtake_premium_usd_per_t: Option<f64>,
    /// Offtakes already signed.
    pub offtakes: Vec<Offtake>,
    /// Probability of reaching production.
    pub probability: f64,
    /// Whether `probability` is the status default (true) or given for this project.
    pub probability_is_default: bool,
    /// Source of the figures.
    pub source: String,
}

impl Project {
    /// Share of full capacity produced in `year` if the project succeeds: 0 before the start
    /// year, then a linear ramp reaching 1 after `ramp_up_years` (the first year produces
    /// `1/ramp_up_years`).
    pub fn ramp_fraction(&self, year: u16) -> f64 {
        if year < self.start_year {
            0.0
        } else if self.ramp_up_years == 0 {
            1.0
        } else {
            (f64::from(year - self.start_year + 1) / f64::from(self.ramp_up_years)).min(1.0)
        }
    }

    /// Risked output in `year`: capacity × probability × ramp fraction (`None` without a
    /// published capacity).
    pub fn risked_output(&self, year: u16) -> Option<f64> {
        self.capacity_t.map(|c| c * self.probability * self.ramp_fraction(year))
    }

    /// Share of the output committed to buyers in `year` (capped at 1).
    pub fn committed_share(&self, year: u16) -> f64 {
        self.offtakes
            .iter()
            .filter(|o| (o.from_year..=o.to_year).contains(&year))
            .map(|o| o.share)
            .sum::<f64>()
            .min(1.0)
    }

    /// Share of the output committed in `year` to buyers among `countries`.
    pub fn committed_share_to(&self, year: u16, countries: &[CountryCode]) -> f64 {
        self.offtakes
            .iter()
            .filter(|o| (o.from_year..=o.to_year).contains(&year) && countries.contains(&o.buyer))
            .map(|o| o.share)
            .sum::<f64>()
            .min(1.0)
    }
}

/// The columns of a project CSV file, in order.
pub const PROJECT_COLUMNS: [&str; 20] = [
    "id",
    "name",
    "mineral",
    "stage",
    "country",
    "operator",
    "owner_countries",
    "partner_countries",
    "status",
    "capacity_t",
    "start_year",
    "ramp_up_years",
    "capex_usd",
    "unit_cost_usd_per_t",
    "offtake_premium_usd_per_t",
    "offtakes",
    "probability",
    "lead_time_years",
    "as_of_year",
    "source",
];

/// Reads a project CSV file (columns [`PROJECT_COLUMNS`]), checking minerals and countries
/// against `dataset` and filling probabilities and start years from `defaults`.
///
/// Cell formats: `owner_countries` is `ISO3[:share]` separated by `;` (shares in [0, 1]
/// summing to at most 1; without shares the owners split equally); `partner_countries` is
/// `ISO3;ISO3`; `offtakes` is `ISO3:share:FROM-TO` separated by `;`; empty `probability` and
/// `lead_time_years` take the status default; an empty `start_year` is `as_of_year` + lead
/// time; an empty `capacity_t` means "not published" (never zero).
pub fn parse_projects(
    file: &str,
    text: &str,
    dataset: &Dataset,
    defaults: &StatusDefaults,
) -> Result<Vec<Project>, LoadError> {
    let mut problems = Vec::new();
    let table = CsvTable::parse(file, text, &mut problems);
    let mut projects: Vec<Project> = Vec::new();
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    if let Some(columns) = table.columns(&PROJECT_COLUMNS, &mut problems) {
        table.each_row(&columns, &mut problems, |row| {
            let before = row.problem_count();
            let id = row.cell(0).to_owned();
            if id.is_empty() {
                row.problem(0, "a non-empty project id");
            } else if let Some(first) = seen.insert(id.clone(), row.line) {
                row.problem(0, format!("a unique id (already used on line {first})"));
            }
            let mineral = row.parse(2, |c| {
                dataset
                    .mineral(c)
                    .map(|m| m.id.clone())
                    .ok_or_else(|| "a mineral id or alias from minerals.csv".to_owned())
            });
            let stage = row.parse(3, |c| {
                if !c.is_empty()
                    && c.chars()
                        .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')
                {
                    Ok(StageId(c.to_owned()))
                } else {
                    Err("a lower-case stage id such as mine, refined or recycling".to_owned())
                }
            });
            let country = row.parse(4, |c| known_country(dataset, c));
            let owners = row.parse(6, |c| owner_list(dataset, c));
            let partners = row.parse(7, |c| {
                split_list(c)
                    .map(|code| known_country(dataset, code))
                    .collect::<Result<Vec<_>, _>>()
            });
            let status = row.parse(8, |c| c.parse::<ProjectStatus>());
            let capacity_t = row.parse(9, cells::optional_non_negative);
            let start_year = row.parse(10, cells::optional_year);
            let ramp_up_years = row.parse(11, |c| {
                if c.is_empty() {
                    Ok(0)
                } else {
                    c.parse::<u16>()
                        .ok()
                        .filter(|&y| y <= 50)
                        .ok_or_else(|| "a whole number of years from 0 to 50, or empty for 0".to_owned())
                }
            });
            let capex_usd = row.parse(12, cells::optional_non_negative);
            let unit_cost = row.parse(13, cells::optional_non_negative);
            let premium = row.parse(14, cells::optional_non_negative);
            let offtakes = row.parse(15, |c| offtake_list(dataset, c));
            let probability = row.parse(16, cells::optional_share);
            let lead_time = row.parse(17, |c| {
                if c.is_empty() {
                    Ok(None)
                } else {
                    c.parse::<u16>().ok().filter(|&y| y <= 50).map(Some).ok_or_else(|| {
                        "a whole number of years from 0 to 50, or empty for the status default".to_owned()
                    })
                }
            });
            let as_of = row.parse(18, cells::optional_year);
            if row.problem_count() > before {
                return;
            }
            let (
                Some(mineral),
                Some(stage),
                Some(country),
                Some(owners),
                Some(partners),
                Some(status),
                Some(capacity_t),
                Some(start_year),
                Some(ramp_up_years),
                Some(capex_usd),
                Some(unit_cost),
                Some(premium),
                Some(offtakes),
                Some(probability),
                Some(lead_time),
                Some(as_of),
            ) = (
                mineral,
                stage,
                country,
                owners,
                partners,
                status,
                capacity_t,
                start_year,
                ramp_up_years,
                capex_usd,
                unit_cost,
                premium,
                offtakes,
                probability,
                lead_time,
                as_of,
            )
            else {
                return;
            };
            let Some(default) = defaults.get(status) else {
                row.problem(8, "a status present in the defaults table");
                return;
            };
            let start_year = match (start_year, as_of) {
                (Some(y), _) => y,
                (None, Some(now)) => now.saturating_add(lead_time.unwrap_or(default.lead_time_years)),
                (None, None) => {
                    row.problem(10, "a start year, or an `as_of_year` from which to count the lead time");
                    return;
                }
            };
            let committed: f64 = offtakes.iter().map(|o: &Offtake| o.share).sum();
            if committed > 1.0 + 1e-9 {
                row.problem(
                    15,
                    format!("offtake shares summing to at most 1 (they sum to {committed})"),
                );
                return;
            }
            projects.push(Project {
                id,
                name: row.cell(1).to_owned(),
                mineral,
                stage,
                country,
                operator: row.cell(5).to_owned(),
                owners,
                partners,
                status,
                capacity_t,
                start_year,
                ramp_up_years,
                capex_usd,
                unit_cost_usd_per_t: unit_cost,
                offtake_premium_usd_per_t: premium,
                offtakes,
                probability: probability.unwrap_or(default.probability),
                probability_is_default: probability.is_none(),
                source: row.cell(19).to_owned(),
            });
        });
    }
    if problems.is_empty() {
        Ok(projects)
    } else {
        Err(LoadError::Invalid(problems))
    }
}

fn split_list(cell: &str) -> impl Iterator<Item = &str> {
    cell.split(';').map(str::trim).filter(|s| !s.is_empty())
}

fn known_country(dataset: &Dataset, code: &str) -> Result<CountryCode, String> {
    let parsed: CountryCode = code
        .parse()
        .map_err(|_| "an ISO 3166-1 alpha-3 country code such as IND or USA".to_owned())?;
    if parsed.is_pseudo() || dataset.country(parsed).is_none() {
        return Err("an ISO 3166-1 alpha-3 code listed in countries.csv (not WLD or ROW)".to_owned());
    }
    Ok(parsed)
}

fn owner_list(dataset: &Dataset, cell: &str) -> Result<Vec<(CountryCode, f64)>, String> {
    let expected = "owners as ISO3[:share] separated by `;` (e.g. IND:0.51;AUS:0.49), shares summing to at most 1";
    let mut owners = Vec::new();
    let mut unshared = Vec::new();
    for item in split_list(cell) {
        let (code, share) = match item.split_once(':') {
            Some((code, share)) => {
                let share: f64 = share.trim().parse().map_err(|_| expected.to_owned())?;
                if !(0.0..=1.0).contains(&share) {
                    return Err(expected.to_owned());
                }
                (code.trim(), Some(share))
            }
            None => (item, None),
        };
        let code = known_country(dataset, code)?;
        match share {
            Some(s) => owners.push((code, s)),
            None => unshared.push(code),
        }
    }
    if !owners.is_empty() && !unshared.is_empty() {
        return Err(format!("{expected}; give every owner a share or none"));
    }
    if !unshared.is_empty() {
        let share = 1.0 / unshared.len() as f64;
        owners = unshared.into_iter().map(|c| (c, share)).collect();
    }
    if owners.iter().map(|(_, s)| s).sum::<f64>() > 1.0 + 1e-9 {
        return Err(expected.to_owned());
    }
    Ok(owners)
}

fn offtake_list(dataset: &Dataset, cell: &str) -> Result<Vec<Offtake>, String> {
    let expected = "offtakes as ISO3:share:FROM-TO separated by `;` (e.g. USA:0.3:2027-2035)";
    split_list(cell)
        .map(|item| {
            let parts: Vec<&str> = item.split(':').map(str::trim).collect();
            let [code, share, years] = parts.as_slice() else {
                return Err(expected.to_owned());
            };
            let buyer = known_country(dataset, code)?;
            let share: f64 = share.parse().map_err(|_| expected.to_owned())?;
            let (from, to) = years.split_once('-').ok_or_else(|| expected.to_owned())?;
            let from_year: u16 = from.trim().parse().map_err(|_| expected.to_owned())?;
            let to_year: u16 = to.trim().parse().map_err(|_| expected.to_owned())?;
            if !(0.0..=1.0).contains(&share) || from_year > to_year {
                return Err(expected.to_owned());
            }
            Ok(Offtake {
                buyer,
                share,
                from_year,
                to_year,
            })
        })
        .collect()
}

/// Renders projects back to the CSV shape of [`parse_projects`] (for `projects import` to
/// store a validated copy).
pub fn projects_to_csv(projects: &[Project], as_of_year: u16) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let fmt_opt = |v: Option<f64>| v.map_or(String::new(), |x| x.to_string());
    // Writing to a Vec cannot fail; errors are ignored deliberately.
    let _ = writer.write_record(PROJECT_COLUMNS);
    for p in projects {
        let owners = p
            .owners
            .iter()
            .map(|(c, s)| format!("{c}:{s}"))
            .collect::<Vec<_>>()
            .join(";");
        let partners = p.partners.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(";");
        let offtakes = p
            .offtakes
            .iter()
            .map(|o| format!("{}:{}:{}-{}", o.buyer, o.share, o.from_year, o.to_year))
            .collect::<Vec<_>>()
            .join(";");
        let probability = if p.probability_is_default {
            String::new()
        } else {
            p.probability.to_string()
        };
        let _ = writer.write_record([
            p.id.as_str(),
            p.name.as_str(),
            p.mineral.as_str(),
            p.stage.as_str(),
            p.country.as_str(),
            p.operator.as_str(),
            owners.as_str(),
            partners.as_str(),
            p.status.id(),
            fmt_opt(p.capacity_t).as_str(),
            p.start_year.to_string().as_str(),
            p.ramp_up_years.to_string().as_str(),
            fmt_opt(p.capex_usd).as_str(),
            fmt_opt(p.unit_cost_usd_per_t).as_str(),
            fmt_opt(p.offtake_premium_usd_per_t).as_str(),
            offtakes.as_str(),
            probability.as_str(),
            "",
            as_of_year.to_string().as_str(),
            p.source.as_str(),
        ]);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Name of the embedded illustrative project file.
pub const EXAMPLE_PROJECTS_FILE: &str = "planner_example_projects.csv";
/// Illustrative projects (invented figures, labelled as such in every row) that demonstrate
/// the outlook and the optimizer; they are never mixed into results unless asked for.
pub const EXAMPLE_PROJECTS_TEXT: &str = critmin_data::tables::PLANNER_EXAMPLE_PROJECTS.text;

/// The illustrative projects, validated like a user file.
pub fn example_projects(dataset: &Dataset) -> Result<Vec<Project>, LoadError> {
    parse_projects(
        EXAMPLE_PROJECTS_FILE,
        EXAMPLE_PROJECTS_TEXT,
        dataset,
        &StatusDefaults::embedded(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_defaults_cover_every_status() {
        let defaults = StatusDefaults::parse(STATUS_DEFAULTS_FILE, STATUS_DEFAULTS_TEXT).unwrap();
        for status in ProjectStatus::ALL {
            let row = defaults.get(status).unwrap();
            assert!((0.0..=1.0).contains(&row.probability));
            assert!(!row.lead_time_source.is_empty());
        }
        // Later stages are never less likely to produce nor further away.
        for pair in defaults.rows.windows(2) {
            assert!(pair[0].probability <= pair[1].probability);
            assert!(pair[0].lead_time_years >= pair[1].lead_time_years);
        }
    }

    #[test]
    fn ramp_and_risked_output() {
        let project = Project {
            id: "p".into(),
            name: "p".into(),
            mineral: MineralId("lithium".into()),
            stage: StageId("mine".into()),
            country: CountryCode::INDIA,
            operator: String::new(),
            owners: vec![],
            partners: vec![],
            status: ProjectStatus::Feasibility,
            capacity_t: Some(1000.0),
            start_year: 2030,
            ramp_up_years: 4,
            capex_usd: None,
            unit_cost_usd_per_t: None,
            offtake_premium_usd_per_t: None,
            offtakes: vec![Offtake {
                buyer: CountryCode::USA,
                share: 0.25,
                from_year: 2031,
                to_year: 2035,
            }],
            probability: 0.5,
            probability_is_default: true,
            source: String::new(),
        };
        assert_eq!(project.risked_output(2029), Some(0.0));
        assert_eq!(project.risked_output(2030), Some(125.0));
        assert_eq!(project.risked_output(2040), Some(500.0));
        assert!((project.committed_share(2032) - 0.25).abs() < 1e-12);
        assert!(project.committed_share(2036).abs() < 1e-12);
    }
}
