//! The optimizer as both shells offer it (`critmin plan optimize`, the `optimize` job): the
//! join with the network's Monte Carlo that turns a portfolio problem into a CVaR problem, and
//! the parts of the answer both print (the portfolio, the market it leaves, the shadow prices
//! and, when there is no portfolio, the constraints to relax).

mod document;

pub use document::{PortfolioDocument, PortfolioError, PreparedPortfolio};

use crate::plan::PortfolioSpec;
use critmin_model::{CountryCode, Dataset, MineralId};
use critmin_network::{DisruptionSampler, MonteCarlo, PooledOptions, RiskParams, Scenarios, pooled_market};
#[cfg(feature = "solver")]
use critmin_planner::optimize::{PortfolioSolution, Violation};
use critmin_planner::portfolio::{PortfolioProblem, ScenarioShortfalls};
use serde::{Deserialize, Serialize};

/// Why the disruption scenarios could not be drawn.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("disruption scenarios: {0}")]
pub struct ScenarioError(String);

/// Switches `problem` to minimising the CVaR of the shortfall over `spec.risk_scenarios`
/// disruption scenarios (when that is above 0) and returns the note that says so; `None` when
/// the spec asks for the expected shortfall. `spec` is checked already (`PortfolioSpec::request`).
pub fn apply_risk_scenarios(
    ds: &Dataset,
    spec: &PortfolioSpec,
    mineral: &MineralId,
    members: &[CountryCode],
    problem: &mut PortfolioProblem,
) -> Result<Option<String>, ScenarioError> {
    if spec.risk_scenarios == 0 {
        return Ok(None);
    }
    let (scenarios, note) = disruption_scenarios(ds, spec, mineral, members, problem)?;
    problem.scenarios = Some(scenarios);
    Ok(Some(note))
}

/// Scenarios of the share of supply the buyer loses from each supplier country of `problem`,
/// drawn with the Monte Carlo's disruption model. The countries are drawn in the order of the
/// mineral's pooled-market network (as `critmin risk` draws them, so scenario i disrupts the
/// same countries with the same severities for the same seed), then the problem's other
/// countries; governance scores of the network's year.
fn disruption_scenarios(
    ds: &Dataset,
    spec: &PortfolioSpec,
    mineral: &MineralId,
    members: &[CountryCode],
    problem: &PortfolioProblem,
) -> Result<(ScenarioShortfalls, String), ScenarioError> {
    let failed = |e: &dyn std::fmt::Display| ScenarioError(e.to_string());
    let history = Scenarios::embedded().map_err(|e| failed(&e))?.restricting_countries();
    let params = RiskParams {
        scenarios: spec.risk_scenarios,
        seed: spec.seed,
        ..RiskParams::default()
    };
    let opts = PooledOptions {
        usgs_us_consumption: true,
        nominal: vec![CountryCode::INDIA, CountryCode::USA],
        ..PooledOptions::default()
    };
    let (mut countries, year, basis) = match pooled_market(ds, mineral, &opts) {
        Ok(net) => {
            let governance = |c: CountryCode| ds.governance_risk(c, net.year).map(|(_, r)| r);
            let mc = MonteCarlo::new(&net, params.clone(), &governance, &history).map_err(|e| failed(&e))?;
            let order: Vec<CountryCode> = mc.sources().iter().map(|s| s.country).collect();
            (
                order,
                net.year,
                "in the order of the pooled-market network, as `critmin risk` draws them",
            )
        }
        Err(_) => (
            Vec::new(),
            spec.year,
            "in code order (no pooled-market network for this mineral)",
        ),
    };
    let mut others: Vec<CountryCode> = problem
        .market
        .iter()
        .map(|m| m.country)
        .chain(problem.candidates.iter().map(|c| c.country))
        .filter(|c| !countries.contains(c))
        .collect();
    others.sort();
    others.dedup();
    countries.extend(others);
    let governance = |c: CountryCode| ds.governance_risk(c, year).map(|(_, r)| r);
    let sampler = DisruptionSampler::new(params, &countries, &governance, &history).map_err(|e| failed(&e))?;
    let loss = sampler.supply_lost(members);
    let note = format!(
        "risk measure: CVaR{:.0} over {} disruption scenarios (seed {}, `critmin risk` default probabilities, \
         WGI {year}), countries drawn {basis}; a buyer loses cut × its members' supply and \
         1 − (1 − cut)(1 − restriction) of foreign supply, before re-sourcing",
        spec.cvar_alpha * 100.0,
        spec.risk_scenarios,
        spec.seed
    );
    Ok((
        ScenarioShortfalls {
            countries,
            loss,
            alpha: spec.cvar_alpha,
        },
        note,
    ))
}

/// A chosen project or offtake.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChosenRecord {
    /// Project id.
    pub id: String,
    /// `back` or `offtake`.
    pub action: String,
    /// Location (ISO3).
    pub country: String,
    /// Tonnes delivered.
    pub tonnes: f64,
    /// Cost in USD.
    pub cost_usd: f64,
}

/// A value by country.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CountryValue {
    /// ISO3.
    pub country: String,
    /// Value.
    pub value: f64,
}

/// A shadow price.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShadowRecord {
    /// Constraint name.
    pub constraint: String,
    /// Whether it binds.
    pub binding: bool,
    /// USD per unit of the constraint's right-hand side.
    pub usd_per_unit: f64,
    /// The unit.
    pub unit: String,
    /// USD per percentage point (caps and floors).
    pub usd_per_percentage_point: Option<f64>,
}

/// A constraint that must be relaxed for an infeasible problem.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ViolationRecord {
    /// Constraint name.
    pub constraint: String,
    /// By how much it must be relaxed.
    pub amount: f64,
    /// Unit of the amount.
    pub unit: String,
    /// In words.
    pub explanation: String,
}

/// The projects and offtakes the solution takes.
#[cfg(feature = "solver")]
pub fn chosen(solution: &PortfolioSolution) -> Vec<ChosenRecord> {
    solution
        .chosen
        .iter()
        .map(|c| ChosenRecord {
            id: c.id.clone(),
            action: c.action.to_owned(),
            country: c.country.to_string(),
            tonnes: c.tonnes,
            cost_usd: c.cost_usd,
        })
        .collect()
}

/// Values by country, in the solution's order (its market tonnes or its shares).
pub fn country_values(list: &[(CountryCode, f64)]) -> Vec<CountryValue> {
    list.iter()
        .map(|(c, v)| CountryValue {
            country: c.to_string(),
            value: *v,
        })
        .collect()
}

/// The shadow price of the budget and of each cap and floor.
#[cfg(feature = "solver")]
pub fn shadow_prices(solution: &PortfolioSolution) -> Vec<ShadowRecord> {
    solution
        .shadow_prices
        .iter()
        .map(|p| ShadowRecord {
            constraint: p.constraint.clone(),
            binding: p.binding,
            usd_per_unit: p.per_unit,
            unit: p.unit.to_owned(),
            usd_per_percentage_point: p.per_percentage_point,
        })
        .collect()
}

/// The constraints an infeasible problem must relax.
#[cfg(feature = "solver")]
pub fn violations(list: &[Violation]) -> Vec<ViolationRecord> {
    list.iter()
        .map(|v| ViolationRecord {
            constraint: v.constraint.clone(),
            amount: v.amount,
            unit: v.unit.to_owned(),
            explanation: v.explanation.clone(),
        })
        .collect()
}
