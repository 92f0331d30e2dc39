//! The parts of the optimizer's answer both shells print (`critmin plan optimize`, the
//! `optimize` job): the portfolio, the market it leaves, the shadow prices and, when there is no
//! portfolio, the constraints to relax.

use critmin_model::CountryCode;
use critmin_planner::optimize::{PortfolioSolution, Violation};
use serde::{Deserialize, Serialize};

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
