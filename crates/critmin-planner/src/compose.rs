//! Request specs: what a user asks of the planner, as plain serde data, and the one place
//! where that text becomes library types. The CLI builds a spec from its flags, the server
//! reads one from a JSON body, the report builds one in code; all three then go through the
//! same checks here, so a request means the same thing in every shell.
//!
//! * [`PortfolioSpec`]: the optimizer's inputs (buyer, budget, caps, partner floors, time
//!   limit, gap, extra projects) → a [`BuyerRequest`] and a [`PortfolioProblem`];
//! * [`OutlookSpec`]: mineral, stage, scenario, years, partners → an [`Outlook`];
//! * [`StockSpec`]: inflow or stock series, lifetime, convention, rates → a [`StockOutcome`];
//! * [`ProjectRow`]: one project as a JSON object with the columns of a project CSV file,
//!   validated by the same [`parse_projects`] as a file.
//!
//! Every error is a [`ComposeError`] that names the field at fault (`caps[1].country`,
//! `projects[0].capacity_t`, `inflow[3]`), so a server can answer 400 with it and a CLI can
//! print it.

use std::fmt::Write as _;
use std::str::FromStr;

use critmin_data::{LoadError, Problem};
use critmin_metrics::PartnerSet;
use critmin_model::{CountryCode, Dataset, FieldError, Group, MineralId, StageId};
use serde::{Deserialize, Serialize};

use crate::demand::{DemandScenario, iea_demand};
use crate::outlook::{Outlook, OutlookError, OutlookRequest, outlook};
use crate::portfolio::{BuildError, BuyerRequest, Cap, Floor, PortfolioProblem, problem_from_data};
use crate::projects::{PROJECT_COLUMNS, Project, StatusDefaults, example_projects, parse_projects};
use crate::stock::{Convention, Lifetime, StockError, StockResult, inflow_driven, stock_driven};

/// Most years a stock model may span.
pub const MAX_STOCK_YEARS: usize = 1000;
/// Most years an outlook may span.
pub const MAX_OUTLOOK_YEARS: u16 = 100;
/// Most extra projects one portfolio spec may carry (inline rows plus ids).
pub const MAX_SPEC_PROJECTS: usize = 1000;
/// Longest solver time limit a spec may ask for, in seconds.
pub const MAX_TIME_LIMIT_S: f64 = 3600.0;

/// A request that cannot be composed, naming the field at fault.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ComposeError {
    /// A field of the request is wrong; its path is `caps[0].max_share` and the like.
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// Project rows are invalid: every problem, each with the field it names
    /// (`projects[1].capacity_t`) and the problem as the validator gave it.
    #[error("{} invalid project row(s): {}", problems.len(), problems.iter().map(|(f, p)| format!("{f}: {}", p.expected)).collect::<Vec<_>>().join("; "))]
    Projects {
        /// (field, problem), in row order.
        problems: Vec<(String, Problem)>,
    },
    /// The embedded data could not be read (not the caller's fault).
    #[error("embedded data: {0}")]
    Data(String),
}

impl ComposeError {
    /// A field error.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> ComposeError {
        ComposeError::Invalid(FieldError::new(field, message))
    }

    /// The path of the (first) field at fault, when the caller is to blame.
    pub fn field(&self) -> Option<&str> {
        match self {
            ComposeError::Invalid(e) => Some(&e.field),
            ComposeError::Projects { problems } => problems.first().map(|(f, _)| f.as_str()),
            ComposeError::Data(_) => None,
        }
    }
}

/// A mineral by id or alias ([`Dataset::resolve_mineral`]), naming `field` when unknown.
pub fn resolve_mineral(ds: &Dataset, field: &str, text: &str) -> Result<MineralId, ComposeError> {
    ds.resolve_mineral(text)
        .map(|m| m.id.clone())
        .map_err(|e| ComposeError::invalid(field, e.to_string()))
}

/// A country of the dataset by ISO3 code ([`Dataset::resolve_country`]), naming `field`.
pub fn resolve_country(ds: &Dataset, field: &str, text: &str) -> Result<CountryCode, ComposeError> {
    ds.resolve_country(text)
        .map_err(|e| ComposeError::invalid(field, e.to_string()))
}

/// A stage id (`mine`, `refined`, …): lower-case letters, digits and `_`.
pub fn resolve_stage(field: &str, text: &str) -> Result<StageId, ComposeError> {
    let t = text.trim();
    if !t.is_empty()
        && t.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        Ok(StageId(t.to_owned()))
    } else {
        Err(ComposeError::invalid(
            field,
            format!("stage `{text}`: expected a lower-case stage id such as mine or refined"),
        ))
    }
}

/// Partner groups and/or ISO3 codes ([`PartnerSet::parse`]), naming `field` when invalid.
pub fn parse_partners(ds: &Dataset, field: &str, text: &str) -> Result<PartnerSet, ComposeError> {
    PartnerSet::parse(ds, text).map_err(|e| ComposeError::invalid(field, e.to_string()))
}

/// The dataset's countries in a partner set.
pub fn partner_countries(ds: &Dataset, partners: &PartnerSet) -> Vec<CountryCode> {
    ds.countries
        .iter()
        .map(|c| c.code)
        .filter(|c| partners.contains(*c, ds))
        .collect()
}

/// Members of a buyer given as `USA+IND` or a group id (`quad`), sorted.
pub fn buyer_members(ds: &Dataset, field: &str, text: &str) -> Result<Vec<CountryCode>, ComposeError> {
    let mut members = Vec::new();
    for part in text.split('+').map(str::trim).filter(|p| !p.is_empty()) {
        if let Ok(group) = part.parse::<Group>() {
            members.extend(ds.countries.iter().filter(|c| c.groups.contains(group)).map(|c| c.code));
        } else {
            members.push(resolve_country(ds, field, part)?);
        }
    }
    members.sort();
    members.dedup();
    if members.is_empty() {
        return Err(ComposeError::invalid(
            field,
            "needs an ISO3 code, codes joined with `+`, or a group id such as quad",
        ));
    }
    Ok(members)
}

fn share(field: &str, value: f64) -> Result<f64, ComposeError> {
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(ComposeError::invalid(
            field,
            format!("{value}: expected a share between 0 and 1, e.g. 0.65"),
        ))
    }
}

/// A cap on a supplier country's share of the requirement (every country when `country` is
/// absent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapSpec {
    /// ISO3 code; every supplier country when absent.
    #[serde(default)]
    pub country: Option<String>,
    /// Largest share of the requirement, in [0, 1].
    pub max_share: f64,
}

impl FromStr for CapSpec {
    type Err = String;

    /// `0.65` (every country) or `CHN:0.5`.
    fn from_str(text: &str) -> Result<CapSpec, String> {
        let (country, s) = match text.split_once(':') {
            Some((c, s)) => (Some(c.trim().to_owned()), s),
            None => (None, text),
        };
        let max_share = s
            .trim()
            .parse::<f64>()
            .map_err(|_| format!("cap `{text}`: expected [ISO3:]SHARE, e.g. 0.65 or CHN:0.5"))?;
        Ok(CapSpec { country, max_share })
    }
}

/// A floor on the share of the requirement supplied from partner countries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FloorSpec {
    /// Partner groups and/or ISO3 codes joined with `+` (`msp`, `quad+CHL`).
    pub partners: String,
    /// Smallest share of the requirement, in [0, 1].
    pub min_share: f64,
}

impl FromStr for FloorSpec {
    type Err = String;

    /// `GROUP:SHARE`, e.g. `msp:0.3` or `quad+CHL:0.4`.
    fn from_str(text: &str) -> Result<FloorSpec, String> {
        let bad = || format!("partner floor `{text}`: expected GROUP:SHARE, e.g. msp:0.3");
        let (partners, s) = text.rsplit_once(':').ok_or_else(bad)?;
        let min_share = s.trim().parse::<f64>().map_err(|_| bad())?;
        Ok(FloorSpec {
            partners: partners.trim().to_owned(),
            min_share,
        })
    }
}

/// One project as a JSON object with the columns of a project CSV file
/// ([`PROJECT_COLUMNS`]); numbers may be given as numbers or text, and an absent or null
/// cell is an empty one. Validated by the same rules as a file ([`parse_projects`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct ProjectRow {
    pub id: Cell,
    #[serde(default)]
    pub name: Cell,
    pub mineral: Cell,
    pub stage: Cell,
    pub country: Cell,
    #[serde(default)]
    pub operator: Cell,
    #[serde(default)]
    pub owner_countries: Cell,
    #[serde(default)]
    pub partner_countries: Cell,
    pub status: Cell,
    #[serde(default)]
    pub capacity_t: Cell,
    #[serde(default)]
    pub start_year: Cell,
    #[serde(default)]
    pub ramp_up_years: Cell,
    #[serde(default)]
    pub capex_usd: Cell,
    #[serde(default)]
    pub unit_cost_usd_per_t: Cell,
    #[serde(default)]
    pub offtake_premium_usd_per_t: Cell,
    #[serde(default)]
    pub offtakes: Cell,
    #[serde(default)]
    pub probability: Cell,
    #[serde(default)]
    pub lead_time_years: Cell,
    #[serde(default)]
    pub as_of_year: Cell,
    #[serde(default)]
    pub source: Cell,
}

/// A cell of a [`ProjectRow`]: text, a number (kept as written) or null (empty).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Cell(pub String);

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell(s.to_owned())
    }
}

impl<'de> Deserialize<'de> for Cell {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Cell, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Cell;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string, a number or null")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Cell, E> {
                if v.contains(['\n', '\r']) {
                    return Err(E::custom("a cell cannot contain a line break"));
                }
                Ok(Cell(v.to_owned()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Cell, E> {
                Ok(Cell(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Cell, E> {
                Ok(Cell(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Cell, E> {
                Ok(Cell(v.to_string()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Cell, E> {
                Ok(Cell(v.to_string()))
            }
            fn visit_unit<E>(self) -> Result<Cell, E> {
                Ok(Cell::default())
            }
            fn visit_none<E>(self) -> Result<Cell, E> {
                Ok(Cell::default())
            }
        }
        d.deserialize_any(V)
    }
}

impl ProjectRow {
    fn cells(&self) -> [&str; 20] {
        [
            &self.id.0,
            &self.name.0,
            &self.mineral.0,
            &self.stage.0,
            &self.country.0,
            &self.operator.0,
            &self.owner_countries.0,
            &self.partner_countries.0,
            &self.status.0,
            &self.capacity_t.0,
            &self.start_year.0,
            &self.ramp_up_years.0,
            &self.capex_usd.0,
            &self.unit_cost_usd_per_t.0,
            &self.offtake_premium_usd_per_t.0,
            &self.offtakes.0,
            &self.probability.0,
            &self.lead_time_years.0,
            &self.as_of_year.0,
            &self.source.0,
        ]
    }
}

/// The CSV text of `rows` (header [`PROJECT_COLUMNS`], one line per row, in order).
pub fn rows_to_csv(rows: &[ProjectRow]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = writer.write_record(PROJECT_COLUMNS);
    for r in rows {
        let _ = writer.write_record(r.cells());
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The rows of project CSV text (header [`PROJECT_COLUMNS`]) as [`ProjectRow`]s, for a
/// caller that holds validated text (a stored project) and wants to pass it on inline.
pub fn rows_from_csv(text: &str) -> Result<Vec<ProjectRow>, ComposeError> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    reader
        .deserialize()
        .map(|r| r.map_err(|e| ComposeError::Data(format!("project CSV: {e}"))))
        .collect()
}

/// The field a project-file problem names: `{prefix}[row].{column}` (rows count from 0 after
/// the header), `{prefix}[row]` for a whole row, `{prefix}` for the whole file.
pub fn problem_field(prefix: &str, problem: &Problem) -> String {
    let mut field = prefix.to_owned();
    if problem.line >= 2 {
        let _ = write!(field, "[{}]", problem.line - 2);
        if let Some(c) = &problem.column {
            let _ = write!(field, ".{c}");
        }
    } else if let Some(c) = &problem.column {
        let _ = write!(field, ".{c}");
    }
    field
}

/// Validates project CSV text like `critmin projects import` (every problem, or the projects),
/// naming each problem's field under `prefix`.
pub fn parse_project_text(prefix: &str, file: &str, text: &str, ds: &Dataset) -> Result<Vec<Project>, ComposeError> {
    match parse_projects(file, text, ds, &StatusDefaults::embedded()) {
        Ok(p) => Ok(p),
        Err(LoadError::Invalid(problems)) => Err(ComposeError::Projects {
            problems: problems.into_iter().map(|p| (problem_field(prefix, &p), p)).collect(),
        }),
        Err(e) => Err(ComposeError::Data(e.to_string())),
    }
}

/// Validates JSON project rows by the rules of a project file; problems name
/// `{prefix}[i].column`.
pub fn parse_project_rows(prefix: &str, rows: &[ProjectRow], ds: &Dataset) -> Result<Vec<Project>, ComposeError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    parse_project_text(prefix, prefix, &rows_to_csv(rows), ds)
}

fn default_mineral() -> String {
    "lithium".into()
}
fn default_stage() -> String {
    "mine".into()
}
fn default_year() -> u16 {
    2030
}
fn default_value_of_shortfall() -> f64 {
    50_000.0
}
fn default_disruption_scale() -> f64 {
    0.1
}
fn default_gap() -> f64 {
    1e-4
}

/// The optimizer's inputs: who buys what, how much, with what budget, under which caps and
/// partner floors, from which projects, and how long the solver may run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortfolioSpec {
    /// Buyer: an ISO3 code, several joined with `+` (`USA+IND`), or a group id (`quad`).
    pub buyer: String,
    /// Mineral (id or alias).
    #[serde(default = "default_mineral")]
    pub mineral: String,
    /// Stage bought (`mine`, `refined`, …).
    #[serde(default = "default_stage")]
    pub stage: String,
    /// Target year.
    #[serde(default = "default_year")]
    pub year: u16,
    /// The buyer's requirement in the target year, tonnes contained (> 0).
    pub requirement_t: f64,
    /// Budget in USD (≥ 0).
    pub budget_usd: f64,
    /// Caps on supplier countries' shares.
    #[serde(default)]
    pub caps: Vec<CapSpec>,
    /// Floors on the share from partners.
    #[serde(default)]
    pub partner_floors: Vec<FloorSpec>,
    /// Value of a tonne of shortfall in the objective, USD per tonne (an assumption).
    #[serde(default = "default_value_of_shortfall")]
    pub value_of_shortfall_usd_per_t: f64,
    /// Annual disruption probability of a supplier with the weakest governance score, in
    /// [0, 1] (an assumption).
    #[serde(default = "default_disruption_scale")]
    pub disruption_scale: f64,
    /// Solver time limit in seconds (0 < limit ≤ 3600); none when absent.
    #[serde(default)]
    pub time_limit_s: Option<f64>,
    /// Relative MIP gap at which to stop, in [0, 1) (0.01 = 1 %).
    #[serde(default = "default_gap")]
    pub gap: f64,
    /// Add the shipped illustrative projects (invented figures).
    #[serde(default)]
    pub examples: bool,
    /// Extra projects, inline, validated like a project file.
    #[serde(default)]
    pub projects: Vec<ProjectRow>,
    /// Ids of extra projects the caller holds (a server's stored projects).
    #[serde(default)]
    pub project_ids: Vec<String>,
    /// Monte Carlo scenarios of supplier disruption whose CVaR the optimizer minimises instead
    /// of the expected shortfall; 0 = expected shortfall. At most 20,000: each scenario adds a
    /// column and a row to the MILP.
    #[serde(default)]
    pub risk_scenarios: u64,
    /// Seed of the disruption scenarios (the seed scheme of `critmin risk`).
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// CVaR level α, strictly between 0 and 1: the mean of the worst (1 − α) share of
    /// scenarios is minimised.
    #[serde(default = "default_cvar_alpha")]
    pub cvar_alpha: f64,
}

/// The most disruption scenarios a portfolio problem takes (each is a column and a row).
pub const MAX_RISK_SCENARIOS: u64 = 20_000;

fn default_seed() -> u64 {
    1
}
fn default_cvar_alpha() -> f64 {
    0.95
}

impl PortfolioSpec {
    /// A spec with the CLI's defaults for everything but buyer, requirement and budget.
    pub fn new(buyer: impl Into<String>, requirement_t: f64, budget_usd: f64) -> PortfolioSpec {
        PortfolioSpec {
            buyer: buyer.into(),
            mineral: default_mineral(),
            stage: default_stage(),
            year: default_year(),
            requirement_t,
            budget_usd,
            caps: Vec::new(),
            partner_floors: Vec::new(),
            value_of_shortfall_usd_per_t: default_value_of_shortfall(),
            disruption_scale: default_disruption_scale(),
            time_limit_s: None,
            gap: default_gap(),
            examples: false,
            projects: Vec::new(),
            project_ids: Vec::new(),
            risk_scenarios: 0,
            seed: default_seed(),
            cvar_alpha: default_cvar_alpha(),
        }
    }

    /// Checks the numbers that need no dataset.
    pub fn check_numbers(&self) -> Result<(), ComposeError> {
        let positive = |field: &str, v: f64, ok: bool, expected: &str| {
            if ok && v.is_finite() {
                Ok(())
            } else {
                Err(ComposeError::invalid(field, format!("{v}: expected {expected}")))
            }
        };
        positive(
            "requirement_t",
            self.requirement_t,
            self.requirement_t > 0.0,
            "a positive tonnage",
        )?;
        positive(
            "budget_usd",
            self.budget_usd,
            self.budget_usd >= 0.0,
            "a budget ≥ 0 USD",
        )?;
        positive(
            "value_of_shortfall_usd_per_t",
            self.value_of_shortfall_usd_per_t,
            self.value_of_shortfall_usd_per_t >= 0.0,
            "USD per tonne ≥ 0",
        )?;
        positive(
            "disruption_scale",
            self.disruption_scale,
            (0.0..=1.0).contains(&self.disruption_scale),
            "a probability between 0 and 1",
        )?;
        positive(
            "gap",
            self.gap,
            (0.0..1.0).contains(&self.gap),
            "a relative gap in [0, 1)",
        )?;
        if let Some(t) = self.time_limit_s {
            positive(
                "time_limit_s",
                t,
                t > 0.0 && t <= MAX_TIME_LIMIT_S,
                "seconds, more than 0 and at most 3600",
            )?;
        }
        if self.risk_scenarios > 0 && !(self.cvar_alpha > 0.0 && self.cvar_alpha < 1.0) {
            return Err(ComposeError::invalid(
                "cvar_alpha",
                format!(
                    "{}: expected a level strictly between 0 and 1, e.g. 0.95",
                    self.cvar_alpha
                ),
            ));
        }
        if self.risk_scenarios > MAX_RISK_SCENARIOS {
            return Err(ComposeError::invalid(
                "risk_scenarios",
                format!(
                    "{}: at most {MAX_RISK_SCENARIOS} (each scenario is a column and a row of the MILP)",
                    self.risk_scenarios
                ),
            ));
        }
        if !(1900..=2200).contains(&self.year) {
            return Err(ComposeError::invalid(
                "year",
                format!("{}: expected a year between 1900 and 2200", self.year),
            ));
        }
        for (i, c) in self.caps.iter().enumerate() {
            share(&format!("caps[{i}].max_share"), c.max_share)?;
        }
        for (i, f) in self.partner_floors.iter().enumerate() {
            share(&format!("partner_floors[{i}].min_share"), f.min_share)?;
        }
        let extra = self.projects.len() + self.project_ids.len();
        if extra > MAX_SPEC_PROJECTS {
            return Err(ComposeError::invalid(
                "projects",
                format!("{extra} extra projects: at most {MAX_SPEC_PROJECTS} in one request"),
            ));
        }
        Ok(())
    }

    /// The projects this spec uses: the illustrative ones when asked, the inline rows
    /// (validated like a file) and the ids found in `held` (an unknown id is an error naming
    /// `project_ids[i]`).
    pub fn projects(&self, ds: &Dataset, held: &[Project]) -> Result<Vec<Project>, ComposeError> {
        let mut projects = Vec::new();
        if self.examples {
            projects.extend(example_projects(ds).map_err(|e| ComposeError::Data(e.to_string()))?);
        }
        projects.extend(parse_project_rows("projects", &self.projects, ds)?);
        for (i, id) in self.project_ids.iter().enumerate() {
            let p = held.iter().find(|p| p.id == *id).ok_or_else(|| {
                ComposeError::invalid(format!("project_ids[{i}]"), format!("no stored project `{id}`"))
            })?;
            projects.push(p.clone());
        }
        let mut ids: Vec<&str> = projects.iter().map(|p| p.id.as_str()).collect();
        ids.sort_unstable();
        if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
            return Err(ComposeError::invalid(
                "projects",
                format!("project id `{}` is given twice", w[0]),
            ));
        }
        Ok(projects)
    }

    /// The buyer's request on `projects` (from [`PortfolioSpec::projects`] or the caller's).
    pub fn request<'a>(&self, ds: &Dataset, projects: &'a [Project]) -> Result<BuyerRequest<'a>, ComposeError> {
        self.check_numbers()?;
        let members = buyer_members(ds, "buyer", &self.buyer)?;
        let mineral = resolve_mineral(ds, "mineral", &self.mineral)?;
        let stage = resolve_stage("stage", &self.stage)?;
        let mut caps = Vec::new();
        for (i, c) in self.caps.iter().enumerate() {
            caps.push(Cap {
                country: c
                    .country
                    .as_deref()
                    .map(|k| resolve_country(ds, &format!("caps[{i}].country"), k))
                    .transpose()?,
                max_share: c.max_share,
            });
        }
        let mut floors = Vec::new();
        for (i, f) in self.partner_floors.iter().enumerate() {
            let partners = parse_partners(ds, &format!("partner_floors[{i}].partners"), &f.partners)?;
            floors.push(Floor {
                name: f.partners.clone(),
                countries: partner_countries(ds, &partners),
                min_share: f.min_share,
            });
        }
        Ok(BuyerRequest {
            buyer: self.buyer.trim().to_uppercase(),
            members,
            mineral,
            stage,
            year: self.year,
            requirement_t: self.requirement_t,
            budget_usd: self.budget_usd,
            caps,
            floors,
            value_of_shortfall_usd_per_t: self.value_of_shortfall_usd_per_t,
            disruption_scale: self.disruption_scale,
            projects,
            scenarios: None,
        })
    }

    /// The problem of a request, with the notes of what was left out.
    pub fn problem(request: &BuyerRequest<'_>, ds: &Dataset) -> Result<(PortfolioProblem, Vec<String>), ComposeError> {
        problem_from_data(ds, request).map_err(|e| match e {
            BuildError::NoSupply { .. } | BuildError::Unit(_) => ComposeError::invalid("stage", e.to_string()),
            BuildError::Shares(_) => ComposeError::invalid("mineral", e.to_string()),
        })
    }

    /// The solver options of this spec.
    #[cfg(feature = "solver")]
    pub fn solve_options(&self) -> crate::optimize::SolveOptions {
        crate::optimize::SolveOptions {
            time_limit_s: self.time_limit_s,
            mip_rel_gap: self.gap,
        }
    }
}

fn default_from() -> u16 {
    2025
}
fn default_to() -> u16 {
    2040
}
fn default_partners() -> String {
    "msp".into()
}

/// What an outlook is asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutlookSpec {
    /// Mineral (id or alias).
    pub mineral: String,
    /// Stage whose supply is projected.
    #[serde(default = "default_stage")]
    pub stage: String,
    /// Only this demand scenario (STEPS, APS, NZE or a user scenario name); all when absent.
    #[serde(default)]
    pub scenario: Option<String>,
    /// First year.
    #[serde(default = "default_from")]
    pub from: u16,
    /// Last year (inclusive; at most 100 years after `from`).
    #[serde(default = "default_to")]
    pub to: u16,
    /// Partner group(s) for the partner share.
    #[serde(default = "default_partners")]
    pub partners: String,
}

impl OutlookSpec {
    /// A spec with the CLI's defaults.
    pub fn new(mineral: impl Into<String>) -> OutlookSpec {
        OutlookSpec {
            mineral: mineral.into(),
            stage: default_stage(),
            scenario: None,
            from: default_from(),
            to: default_to(),
            partners: default_partners(),
        }
    }

    /// The outlook on `projects`, against the IEA scenarios plus `user_demand`.
    pub fn run(
        &self,
        ds: &Dataset,
        projects: &[Project],
        user_demand: Vec<DemandScenario>,
    ) -> Result<Outlook, ComposeError> {
        let mineral = resolve_mineral(ds, "mineral", &self.mineral)?;
        let stage = resolve_stage("stage", &self.stage)?;
        if self.from > self.to {
            return Err(ComposeError::invalid(
                "to",
                format!("{}: expected a year at or after `from` ({})", self.to, self.from),
            ));
        }
        if self.to - self.from >= MAX_OUTLOOK_YEARS {
            return Err(ComposeError::invalid(
                "to",
                format!("{}–{}: at most {MAX_OUTLOOK_YEARS} years", self.from, self.to),
            ));
        }
        let partners = parse_partners(ds, "partners", &self.partners)?;
        let mut demand = iea_demand().map_err(|e| ComposeError::Data(e.to_string()))?;
        demand.extend(user_demand);
        if let Some(name) = &self.scenario {
            demand.retain(|d| d.scenario.eq_ignore_ascii_case(name.trim()));
            if !demand.iter().any(|d| d.mineral == mineral) {
                return Err(ComposeError::invalid(
                    "scenario",
                    format!("no demand scenario `{name}` for {mineral}; the IEA scenarios are STEPS, APS and NZE"),
                ));
            }
        }
        let request = OutlookRequest {
            mineral,
            stage,
            from_year: self.from,
            to_year: self.to,
            projects,
            secondary: None,
            demand: &demand,
            partners,
        };
        outlook(ds, &request).map_err(|e| match e {
            OutlookError::NoSupply { .. } => ComposeError::invalid("stage", e.to_string()),
            OutlookError::Years { .. } => ComposeError::invalid("to", e.to_string()),
        })
    }
}

fn default_convention() -> String {
    "end".into()
}
fn one() -> f64 {
    1.0
}

/// A stock model run: either an inflow series (inflow-driven) or a stock series
/// (stock-driven), one value a year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StockSpec {
    /// Inflow per year (inflow-driven model).
    #[serde(default)]
    pub inflow: Option<Vec<f64>>,
    /// Stock per year (stock-driven model: the inflow is computed).
    #[serde(default)]
    pub stock: Option<Vec<f64>>,
    /// Lifetime: `fixed:YEARS`, `normal:MEAN:SD`, `lognormal:MEAN:SD` or
    /// `weibull:SHAPE:SCALE`.
    pub lifetime: String,
    /// When in its year inflow enters: `start`, `middle` or `end` (ODYM's).
    #[serde(default = "default_convention")]
    pub convention: String,
    /// First year, to label the output.
    #[serde(default)]
    pub first_year: i32,
    /// Collection rate of end-of-life material, in [0, 1].
    #[serde(default = "one")]
    pub collection: f64,
    /// Recovery rate of the recycling process, in [0, 1].
    #[serde(default = "one")]
    pub recovery: f64,
}

/// The result of a [`StockSpec`].
#[derive(Debug, Clone, PartialEq)]
pub struct StockOutcome {
    /// `inflow-driven` or `stock-driven`.
    pub model: &'static str,
    /// The lifetime used.
    pub lifetime: Lifetime,
    /// The convention used.
    pub convention: Convention,
    /// Year labels.
    pub years: Vec<i32>,
    /// Inflow, stock, outflow, survival.
    pub result: StockResult,
    /// Stock change per year.
    pub stock_change: Vec<f64>,
    /// Outflow × collection × recovery.
    pub secondary_supply: Vec<f64>,
}

impl StockSpec {
    /// Runs the model.
    pub fn run(&self) -> Result<StockOutcome, ComposeError> {
        let lifetime: Lifetime = self
            .lifetime
            .parse()
            .map_err(|e: StockError| ComposeError::invalid("lifetime", e.to_string()))?;
        lifetime
            .validate()
            .map_err(|e| ComposeError::invalid("lifetime", e.to_string()))?;
        let convention: Convention = self
            .convention
            .parse()
            .map_err(|e: String| ComposeError::invalid("convention", e))?;
        let (model, field, values) = match (&self.inflow, &self.stock) {
            (Some(v), None) => ("inflow-driven", "inflow", v),
            (None, Some(v)) => ("stock-driven", "stock", v),
            _ => {
                return Err(ComposeError::invalid(
                    "inflow",
                    "give either `inflow` or `stock` (one value per year), not both",
                ));
            }
        };
        if values.is_empty() || values.len() > MAX_STOCK_YEARS {
            return Err(ComposeError::invalid(
                field,
                format!(
                    "{} values: expected 1 to {MAX_STOCK_YEARS} (one per year)",
                    values.len()
                ),
            ));
        }
        let map = |e: StockError| match e {
            StockError::NotFinite { index, .. } => ComposeError::invalid(format!("{field}[{index}]"), e.to_string()),
            StockError::BadRate { what, .. } => ComposeError::invalid(what, e.to_string()),
            StockError::NoFirstYearSurvival(_) | StockError::BadLifetime { .. } | StockError::LifetimeSyntax(_) => {
                ComposeError::invalid("lifetime", e.to_string())
            }
            StockError::BatchShape { .. } => ComposeError::invalid(field, e.to_string()),
        };
        let result = if model == "inflow-driven" {
            inflow_driven(values, lifetime, convention)
        } else {
            stock_driven(values, lifetime, convention)
        }
        .map_err(map)?;
        let secondary_supply = result.secondary_supply(self.collection, self.recovery).map_err(map)?;
        let stock_change = result.stock_change();
        let years = (0..result.stock.len())
            .map(|t| self.first_year.saturating_add(t as i32))
            .collect();
        Ok(StockOutcome {
            model,
            lifetime,
            convention,
            years,
            result,
            stock_change,
            secondary_supply,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ds() -> Dataset {
        critmin_data::load_embedded().unwrap()
    }

    fn spec(json: &str) -> Result<PortfolioSpec, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn portfolio_spec_names_the_field_at_fault() {
        let ds = ds();
        let s =
            spec(r#"{"buyer":"IND","requirement_t":100,"budget_usd":1e6,"caps":[{"country":"XXX","max_share":0.5}]}"#)
                .unwrap();
        let e = s.request(&ds, &[]).unwrap_err();
        assert_eq!(e.field(), Some("caps[0].country"));
        let mut s = PortfolioSpec::new("IND", -1.0, 1.0);
        assert_eq!(s.request(&ds, &[]).unwrap_err().field(), Some("requirement_t"));
        s.requirement_t = 10.0;
        s.partner_floors.push(FloorSpec {
            partners: "nowhere".into(),
            min_share: 0.2,
        });
        assert_eq!(
            s.request(&ds, &[]).unwrap_err().field(),
            Some("partner_floors[0].partners")
        );
        s.partner_floors[0].min_share = 1.5;
        assert_eq!(
            s.request(&ds, &[]).unwrap_err().field(),
            Some("partner_floors[0].min_share")
        );
        let mut s = PortfolioSpec::new("ATLANTIS", 10.0, 1.0);
        assert_eq!(s.request(&ds, &[]).unwrap_err().field(), Some("buyer"));
        s.buyer = "quad".into();
        s.time_limit_s = Some(0.0);
        assert_eq!(s.request(&ds, &[]).unwrap_err().field(), Some("time_limit_s"));
        s.time_limit_s = Some(5.0);
        let r = s.request(&ds, &[]).unwrap();
        assert_eq!(r.members.len(), 4);
        assert!(spec(r#"{"buyer":"IND","requirement_t":1,"budget_usd":1,"bogus":1}"#).is_err());
    }

    #[test]
    fn cli_syntax_of_caps_and_floors() {
        assert_eq!(
            "CHN:0.5".parse::<CapSpec>().unwrap(),
            CapSpec {
                country: Some("CHN".into()),
                max_share: 0.5
            }
        );
        assert_eq!("0.65".parse::<CapSpec>().unwrap().country, None);
        assert!("x".parse::<CapSpec>().is_err());
        let f: FloorSpec = "quad+CHL:0.4".parse().unwrap();
        assert_eq!((f.partners.as_str(), f.min_share), ("quad+CHL", 0.4));
        assert!("msp".parse::<FloorSpec>().is_err());
    }

    #[test]
    fn project_rows_are_validated_like_a_file_and_name_row_and_column() {
        let ds = ds();
        let good = ProjectRow {
            id: "P1".into(),
            name: "A mine".into(),
            mineral: "lithium".into(),
            stage: "mine".into(),
            country: "AUS".into(),
            status: "feasibility".into(),
            capacity_t: "1000".into(),
            start_year: "2027".into(),
            source: "test".into(),
            ..ProjectRow::default()
        };
        let mut bad = good.clone();
        bad.id = "P2".into();
        bad.capacity_t = "lots".into();
        let projects = parse_project_rows("projects", std::slice::from_ref(&good), &ds).unwrap();
        assert_eq!(projects[0].capacity_t, Some(1000.0));
        let e = parse_project_rows("projects", &[good, bad], &ds).unwrap_err();
        assert_eq!(e.field(), Some("projects[1].capacity_t"));
        let ComposeError::Projects { problems } = e else {
            panic!()
        };
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].1.line, 3);
    }

    #[test]
    fn stock_spec_checks_years_and_fields() {
        let spec = |inflow: Vec<f64>| StockSpec {
            inflow: Some(inflow),
            stock: None,
            lifetime: "fixed:2".into(),
            convention: "end".into(),
            first_year: 2000,
            collection: 1.0,
            recovery: 1.0,
        };
        let out = spec(vec![1.0, 1.0, 1.0]).run().unwrap();
        assert_eq!(out.years, [2000, 2001, 2002]);
        assert_eq!(out.model, "inflow-driven");
        let e = spec(vec![0.0; MAX_STOCK_YEARS + 1]).run().unwrap_err();
        assert_eq!(e.field(), Some("inflow"));
        let mut s = spec(vec![1.0]);
        s.collection = 2.0;
        assert_eq!(s.run().unwrap_err().field(), Some("collection"));
        s.collection = 1.0;
        s.lifetime = "forever".into();
        assert_eq!(s.run().unwrap_err().field(), Some("lifetime"));
        s.lifetime = "fixed:2".into();
        s.stock = Some(vec![1.0]);
        assert_eq!(s.run().unwrap_err().field(), Some("inflow"));
        let mut s = spec(vec![1.0, f64::NAN]);
        s.convention = "end".into();
        assert_eq!(s.run().unwrap_err().field(), Some("inflow[1]"));
    }

    #[test]
    fn outlook_spec_checks_years_and_scenario() {
        let ds = ds();
        let mut s = OutlookSpec::new("lithium");
        let o = s.run(&ds, &[], Vec::new()).unwrap();
        assert_eq!(o.years.len(), 16);
        s.scenario = Some("XYZ".into());
        assert_eq!(s.run(&ds, &[], Vec::new()).unwrap_err().field(), Some("scenario"));
        s.scenario = None;
        s.to = 2200;
        assert_eq!(s.run(&ds, &[], Vec::new()).unwrap_err().field(), Some("to"));
        s.to = 2030;
        s.mineral = "unobtainium".into();
        assert_eq!(s.run(&ds, &[], Vec::new()).unwrap_err().field(), Some("mineral"));
    }
}
