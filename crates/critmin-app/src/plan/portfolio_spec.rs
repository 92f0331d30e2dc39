//! The optimizer's request: who buys what, how much, with what budget, under which caps and
//! partner floors, from which projects, how long the solver may run, and whether to minimise
//! the CVaR over disruption scenarios. [`PortfolioSpec::request`] turns it into the planner's
//! [`BuyerRequest`], every error naming its field (`caps[1].country`, `cvar_alpha`).

use std::str::FromStr;

use critmin_metrics::PartnerSet;
use critmin_model::{CountryCode, Dataset, FieldError, Group};
use critmin_network::RiskParams;
use critmin_planner::portfolio::{BuildError, BuyerRequest, Cap, Floor, PortfolioProblem, problem_from_data};
use critmin_planner::projects::{Project, example_projects};
use serde::{Deserialize, Serialize};

use super::error::ComposeError;
use super::projects::{ProjectRow, parse_project_rows};
use super::{default_stage, resolve_stage};
use crate::field::{parse_partners, resolve_country, resolve_mineral};

/// Most extra projects one portfolio spec may carry (inline rows plus ids).
pub const MAX_SPEC_PROJECTS: usize = 1000;
/// Longest solver time limit a spec may ask for, in seconds.
pub const MAX_TIME_LIMIT_S: f64 = 3600.0;

/// The dataset's countries in a partner set.
pub fn partner_countries(ds: &Dataset, partners: &PartnerSet) -> Vec<CountryCode> {
    ds.countries
        .iter()
        .map(|c| c.code)
        .filter(|c| partners.contains(*c, ds))
        .collect()
}

/// Members of a buyer given as `USA+IND` or a group id (`quad`), sorted.
pub fn buyer_members(ds: &Dataset, field: &str, text: &str) -> Result<Vec<CountryCode>, FieldError> {
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
        return Err(FieldError::new(
            field,
            "needs an ISO3 code, codes joined with `+`, or a group id such as quad",
        ));
    }
    Ok(members)
}

fn share(field: &str, value: f64) -> Result<f64, FieldError> {
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(FieldError::new(
            field,
            format!("{value}: expected a share between 0 and 1, e.g. 0.65"),
        ))
    }
}

/// A cap on a supplier country's share of the requirement (every country when `country` is
/// absent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

fn default_mineral() -> String {
    "lithium".into()
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// The seed of `critmin risk`, so scenario i is the same disruption in both.
fn default_seed() -> u64 {
    RiskParams::default().seed
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
    pub fn solve_options(&self) -> critmin_planner::optimize::SolveOptions {
        critmin_planner::optimize::SolveOptions {
            time_limit_s: self.time_limit_s,
            mip_rel_gap: self.gap,
        }
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
}
