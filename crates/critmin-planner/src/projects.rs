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
//! Users import projects from CSV ([`parse_projects`], in `projects/file.rs` with the export
//! and the shipped examples) with the same standard as the core loaders: every problem is
//! reported with file, line, column, value and what was expected, and nothing is returned
//! unless the whole file is valid.

use std::fmt;
use std::str::FromStr;

use critmin_data::{CsvTable, LoadError, cells};
use critmin_model::{CountryCode, MineralId, Problem, StageId};

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

mod file;

pub use file::{
    EXAMPLE_PROJECTS_FILE, EXAMPLE_PROJECTS_TEXT, PROJECT_COLUMNS, example_projects, parse_projects, projects_to_csv,
};

#[cfg(test)]
mod tests;
