//! One optimizer run as both shells offer it: the request checked and turned into a problem
//! (with the CVaR scenarios when asked), solved, and answered with one [`PortfolioDocument`],
//! whether a portfolio was found or the problem is infeasible.

use critmin_model::Dataset;
#[cfg(feature = "solver")]
use critmin_planner::optimize::{OptimizeError, PortfolioSolution, SolveOptions, optimize};
use critmin_planner::portfolio::{PROBLEM_ASSUMPTIONS, PortfolioProblem};
use critmin_planner::projects::Project;
use serde::{Deserialize, Serialize};

use super::{ChosenRecord, CountryValue, ScenarioError, ShadowRecord, ViolationRecord, apply_risk_scenarios};
use crate::plan::{ComposeError, PortfolioSpec};

/// The optimizer's answer: a portfolio, or why there is none.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PortfolioDocument {
    /// Buyer label.
    pub buyer: String,
    /// Member countries.
    pub members: Vec<String>,
    /// Mineral id.
    pub mineral: String,
    /// Stage id.
    pub stage: String,
    /// Target year.
    pub year: u16,
    /// Requirement, tonnes.
    pub requirement_t: f64,
    /// Budget, USD.
    pub budget_usd: f64,
    /// `optimal`, `time_limit` or `infeasible`.
    pub status: String,
    /// Objective in USD (absent when infeasible).
    pub objective_usd: Option<f64>,
    /// Relative MIP gap reached.
    pub mip_gap: Option<f64>,
    /// Solver seconds.
    pub solve_seconds: Option<f64>,
    /// Risk measure.
    pub risk_measure: Option<String>,
    /// Risk in tonnes.
    pub risk_t: Option<f64>,
    /// Spent, USD.
    pub cost_usd: Option<f64>,
    /// Unmet requirement, tonnes.
    pub unmet_t: Option<f64>,
    /// Projects backed or offtaken.
    pub chosen: Vec<ChosenRecord>,
    /// Market tonnes by country.
    pub market: Vec<CountryValue>,
    /// Supply shares by country.
    pub shares: Vec<CountryValue>,
    /// Shadow prices.
    pub shadow_prices: Vec<ShadowRecord>,
    /// Why there is no portfolio (infeasible).
    pub explanation: Option<String>,
    /// The constraints to relax (infeasible).
    pub violations: Vec<ViolationRecord>,
    /// Model columns and rows.
    pub model_size: (usize, usize),
    /// What was left out.
    pub notes: Vec<String>,
    /// Conventions.
    pub assumptions: Vec<String>,
    /// Id of the stored portfolio (jobs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portfolio_id: Option<String>,
}

/// Why a portfolio request did not become a problem.
#[derive(Debug, thiserror::Error)]
pub enum PortfolioError {
    /// The request names something that does not hold (the field at fault).
    #[error(transparent)]
    Compose(#[from] ComposeError),
    /// The disruption scenarios of a CVaR request could not be drawn.
    #[error(transparent)]
    Scenarios(#[from] ScenarioError),
}

/// A checked request and the problem it became, ready to solve (or to write as MPS).
#[derive(Debug, Clone)]
pub struct PreparedPortfolio {
    /// The problem, with its CVaR scenarios when the request asks for them.
    pub problem: PortfolioProblem,
    /// The answer without a solution yet: the request's fields, notes and assumptions (read
    /// only by `solve`, which a build without the solver does not have).
    #[cfg_attr(not(feature = "solver"), allow(dead_code))]
    document: PortfolioDocument,
}

impl PreparedPortfolio {
    /// Checks `spec` against `projects` and the dataset and builds the problem.
    pub fn new(ds: &Dataset, spec: &PortfolioSpec, projects: &[Project]) -> Result<PreparedPortfolio, PortfolioError> {
        let request = spec.request(ds, projects)?;
        let (mut problem, mut notes) = PortfolioSpec::problem(&request, ds)?;
        notes.extend(apply_risk_scenarios(
            ds,
            spec,
            &request.mineral,
            &request.members,
            &mut problem,
        )?);
        let document = PortfolioDocument {
            buyer: request.buyer.clone(),
            members: request.members.iter().map(ToString::to_string).collect(),
            mineral: request.mineral.to_string(),
            stage: request.stage.to_string(),
            year: request.year,
            requirement_t: request.requirement_t,
            budget_usd: request.budget_usd,
            status: String::new(),
            objective_usd: None,
            mip_gap: None,
            solve_seconds: None,
            risk_measure: None,
            risk_t: None,
            cost_usd: None,
            unmet_t: None,
            chosen: Vec::new(),
            market: Vec::new(),
            shares: Vec::new(),
            shadow_prices: Vec::new(),
            explanation: None,
            violations: Vec::new(),
            model_size: (0, 0),
            notes,
            assumptions: PROBLEM_ASSUMPTIONS.iter().map(|a| (*a).to_owned()).collect(),
            portfolio_id: None,
        };
        Ok(PreparedPortfolio { problem, document })
    }

    /// Solves the problem: the portfolio, or (status `infeasible`) the explanation and the
    /// constraints to relax. An error only when the solver itself fails.
    #[cfg(feature = "solver")]
    pub fn solve(self, options: &SolveOptions) -> Result<PortfolioDocument, OptimizeError> {
        let mut doc = self.document;
        match optimize(&self.problem, options) {
            Ok(solution) => solution_fields(&mut doc, &solution),
            Err(OptimizeError::Infeasible(violations)) => {
                doc.status = "infeasible".into();
                doc.violations = super::violations(&violations);
                doc.explanation = Some(OptimizeError::Infeasible(violations).to_string());
            }
            Err(e) => return Err(e),
        }
        Ok(doc)
    }
}

#[cfg(feature = "solver")]
fn solution_fields(doc: &mut PortfolioDocument, s: &PortfolioSolution) {
    doc.status = s.status.id().to_owned();
    doc.objective_usd = Some(s.objective_usd);
    doc.mip_gap = Some(s.mip_gap);
    doc.solve_seconds = Some(s.solve_seconds);
    doc.risk_measure = Some(s.risk_measure.clone());
    doc.risk_t = Some(s.risk_t);
    doc.cost_usd = Some(s.cost_usd);
    doc.unmet_t = Some(s.unmet_t);
    doc.chosen = super::chosen(s);
    doc.market = super::country_values(&s.market);
    doc.shares = super::country_values(&s.shares);
    doc.shadow_prices = super::shadow_prices(s);
    doc.model_size = s.size;
}
