//! Solves the diversification MILP ([`crate::portfolio`]) with HiGHS, built through `good_lp`.
//!
//! `good_lp` builds the model and hands over the HiGHS model; the options good_lp does not
//! expose on the solved model (the achieved relative MIP gap) are read from the `highs` crate
//! directly. After the MILP, the binaries are fixed at their optimum and the LP is solved again:
//! the row duals of that LP are the shadow prices of the budget, of each cap and of each floor
//! (the change in the objective, in USD, per unit of the right-hand side).
//!
//! An infeasible problem is diagnosed, not just refused: the model is solved again with an
//! elastic slack on every requirement, budget, cap and floor row (minimising the sum of the
//! slacks, each scaled by its right-hand side), and every row whose slack stays positive is
//! reported with the amount by which it cannot be met.

use std::fmt;
use std::time::Instant;

use critmin_model::CountryCode;
use good_lp::solvers::highs::highs;
use good_lp::{Expression, ProblemVariables, SolverModel, Variable, variable};

use crate::portfolio::{ColumnKind, LinearModel, PortfolioProblem, ProblemError, Row, RowGroup, build_model};

/// Solver options.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SolveOptions {
    /// Wall-clock limit in seconds (`None` = none).
    pub time_limit_s: Option<f64>,
    /// Relative MIP gap at which to stop (HiGHS `mip_rel_gap`; 0.01 = 1 %).
    pub mip_rel_gap: f64,
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            time_limit_s: None,
            mip_rel_gap: 1e-4,
        }
    }
}

/// How the solve ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SolveStatus {
    /// Optimal within the requested gap.
    Optimal,
    /// Stopped by the time limit with a feasible portfolio (see the gap).
    TimeLimit,
}

impl SolveStatus {
    /// Identifier for output.
    pub fn id(self) -> &'static str {
        match self {
            SolveStatus::Optimal => "optimal",
            SolveStatus::TimeLimit => "time_limit",
        }
    }
}

/// A project chosen for backing or offtake.
#[derive(Debug, Clone, PartialEq)]
pub struct ChosenOption {
    /// Project id.
    pub id: String,
    /// `back` or `offtake`.
    pub action: &'static str,
    /// Location.
    pub country: CountryCode,
    /// Tonnes delivered to the buyer in the target year.
    pub tonnes: f64,
    /// Cost (USD).
    pub cost_usd: f64,
}

/// A shadow price of one constraint.
#[derive(Debug, Clone, PartialEq)]
pub struct ShadowPrice {
    /// Constraint name (`budget`, `cap_CHN`, `floor_msp`).
    pub constraint: String,
    /// Objective change (USD) per unit of the right-hand side (USD for the budget, tonnes for
    /// caps and floors).
    pub per_unit: f64,
    /// Unit of the right-hand side.
    pub unit: &'static str,
    /// Objective change per percentage point of the requirement (caps and floors).
    pub per_percentage_point: Option<f64>,
    /// Whether the constraint is binding at the optimum.
    pub binding: bool,
}

/// The recommended portfolio.
#[derive(Debug, Clone, PartialEq)]
pub struct PortfolioSolution {
    /// Buyer.
    pub buyer: String,
    /// How the solve ended.
    pub status: SolveStatus,
    /// Objective (USD).
    pub objective_usd: f64,
    /// Achieved relative MIP gap (0 when proven optimal).
    pub mip_gap: f64,
    /// Solve time of the MILP, seconds.
    pub solve_seconds: f64,
    /// Risk measure in tonnes: expected shortfall, or CVaR with scenarios.
    pub risk_t: f64,
    /// Name of the risk measure.
    pub risk_measure: String,
    /// Money spent (USD).
    pub cost_usd: f64,
    /// Projects backed and offtakes signed.
    pub chosen: Vec<ChosenOption>,
    /// Market tonnes by country.
    pub market: Vec<(CountryCode, f64)>,
    /// Unmet requirement (tonnes).
    pub unmet_t: f64,
    /// Share of the requirement by supplier country (market + projects), descending.
    pub shares: Vec<(CountryCode, f64)>,
    /// Shadow prices of the budget, caps and floors (from the LP with binaries fixed).
    pub shadow_prices: Vec<ShadowPrice>,
    /// Number of columns and rows of the model.
    pub size: (usize, usize),
}

/// One constraint that cannot be met, found by the elastic re-solve.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// Constraint name.
    pub constraint: String,
    /// By how much it cannot be met.
    pub amount: f64,
    /// Unit of `amount`.
    pub unit: &'static str,
    /// Plain-words explanation.
    pub explanation: String,
}

/// Why there is no portfolio.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OptimizeError {
    /// The inputs are out of range.
    #[error(transparent)]
    Problem(#[from] ProblemError),
    /// No portfolio satisfies every constraint; the violations say which bind.
    #[error("{}", Infeasible(.0))]
    Infeasible(Vec<Violation>),
    /// The solver failed or stopped without any feasible portfolio.
    #[error("solver: {0}")]
    Solver(String),
}

struct Infeasible<'a>(&'a [Violation]);

impl fmt::Display for Infeasible<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no portfolio meets every constraint; the smallest relaxation that works needs:"
        )?;
        for v in self.0 {
            write!(
                f,
                "\n  - {}: {} ({:.6} {})",
                v.constraint, v.explanation, v.amount, v.unit
            )?;
        }
        Ok(())
    }
}

/// The raw outcome of one HiGHS run.
struct Run {
    status: highs::HighsModelStatus,
    objective: f64,
    gap: f64,
    columns: Vec<f64>,
    row_duals: Vec<f64>,
    has_solution: bool,
}

/// Solves `model` with HiGHS. Rows are passed as `≤` rows: a `≥` row is negated, so its dual
/// is negated back by the caller ([`row_sign`]).
fn run(model: &LinearModel, options: &SolveOptions) -> Result<Run, OptimizeError> {
    let mut vars = ProblemVariables::new();
    let cols: Vec<Variable> = model
        .columns
        .iter()
        .map(|c| {
            let mut def = variable().min(c.lower).max(c.upper);
            if c.integer {
                def = def.integer();
            }
            vars.add(def)
        })
        .collect();
    let objective: Expression = model.columns.iter().zip(&cols).map(|(c, v)| c.cost * *v).sum();
    let mut problem = vars.minimise(objective).using(highs);
    for row in &model.rows {
        let sign = row_sign(row);
        let bound = if sign > 0.0 { row.upper } else { -row.lower };
        let expression: Expression = row.coefficients.iter().map(|&(c, v)| (sign * v) * cols[c]).sum();
        problem.add_constraint(expression.leq(bound));
    }
    let mut highs_model = problem
        .try_into_inner()
        .map_err(|e| OptimizeError::Solver(format!("building the HiGHS model: {e}")))?;
    highs_model.set_option("output_flag", false);
    highs_model.set_option("mip_rel_gap", options.mip_rel_gap);
    if let Some(limit) = options.time_limit_s {
        highs_model.set_option("time_limit", limit);
    }
    let solved = highs_model
        .try_solve()
        .map_err(|e| OptimizeError::Solver(format!("HiGHS failed: {e:?}")))?;
    let status = solved.status();
    let has_solution = solved.primal_solution_status() == highs::HighsSolutionStatus::Feasible;
    let solution = solved.get_solution();
    Ok(Run {
        status,
        objective: solved.objective_value(),
        gap: solved.mip_gap(),
        columns: solution.columns().to_vec(),
        row_duals: solution.dual_rows().to_vec(),
        has_solution,
    })
}

/// `+1` for rows passed as `expr ≤ upper`, `−1` for rows passed as `−expr ≤ −lower`.
fn row_sign(row: &Row) -> f64 {
    if row.upper.is_finite() { 1.0 } else { -1.0 }
}

fn is_infeasible(status: highs::HighsModelStatus) -> bool {
    matches!(
        status,
        highs::HighsModelStatus::Infeasible | highs::HighsModelStatus::UnboundedOrInfeasible
    )
}

/// Finds the best portfolio for `problem`.
pub fn optimize(problem: &PortfolioProblem, options: &SolveOptions) -> Result<PortfolioSolution, OptimizeError> {
    problem.validate()?;
    if !(options.mip_rel_gap >= 0.0 && options.mip_rel_gap.is_finite()) {
        return Err(OptimizeError::Solver(format!(
            "MIP gap {}: expected a number ≥ 0",
            options.mip_rel_gap
        )));
    }
    let model = build_model(problem);
    let started = Instant::now();
    let milp = run(&model, options)?;
    let solve_seconds = started.elapsed().as_secs_f64();
    if is_infeasible(milp.status) {
        return Err(OptimizeError::Infeasible(diagnose(problem, &model, options)?));
    }
    let status = match milp.status {
        highs::HighsModelStatus::Optimal => SolveStatus::Optimal,
        highs::HighsModelStatus::ReachedTimeLimit if milp.has_solution => SolveStatus::TimeLimit,
        other => {
            return Err(OptimizeError::Solver(format!(
                "HiGHS stopped with status {other:?} and no feasible portfolio"
            )));
        }
    };
    // Shadow prices: the LP with every integer column fixed at its optimum.
    let mut fixed = model.clone();
    for (c, column) in fixed.columns.iter_mut().enumerate() {
        if column.integer {
            let v = milp.columns[c].round();
            column.lower = v;
            column.upper = v;
            column.integer = false;
        }
    }
    let lp = run(
        &fixed,
        &SolveOptions {
            time_limit_s: options.time_limit_s,
            mip_rel_gap: options.mip_rel_gap,
        },
    )?;
    let x = &milp.columns;
    let d = problem.requirement_t;
    let mut shadow_prices = Vec::new();
    for (r, row) in model.rows.iter().enumerate() {
        let (unit, per_pp) = match row.group {
            RowGroup::Budget => ("USD", false),
            RowGroup::Cap(_) | RowGroup::Floor(_) => ("t", true),
            _ => continue,
        };
        let dual = if lp.has_solution {
            lp.row_duals.get(r).copied().unwrap_or(0.0) * row_sign(row)
        } else {
            0.0
        };
        let activity: f64 = row.coefficients.iter().map(|&(c, v)| v * x[c]).sum();
        let bound = if row.upper.is_finite() { row.upper } else { row.lower };
        let binding = (activity - bound).abs() <= 1e-6 * (1.0 + bound.abs());
        shadow_prices.push(ShadowPrice {
            constraint: row.name.clone(),
            per_unit: dual,
            unit,
            per_percentage_point: per_pp.then_some(dual * d / 100.0),
            binding,
        });
    }
    let mut chosen = Vec::new();
    let mut market = Vec::new();
    let mut unmet_t = 0.0;
    let mut by_country: Vec<(CountryCode, f64)> = Vec::new();
    let mut add = |country: CountryCode, t: f64| {
        if t <= 1e-9 {
            return;
        }
        match by_country.iter_mut().find(|(c, _)| *c == country) {
            Some(entry) => entry.1 += t,
            None => by_country.push((country, t)),
        }
    };
    let mut cost_usd = 0.0;
    for (c, column) in model.columns.iter().enumerate() {
        let value = x[c];
        match column.kind {
            ColumnKind::Market(i) => {
                let m = &problem.market[i];
                if value > 1e-9 {
                    market.push((m.country, value));
                }
                add(m.country, value);
            }
            ColumnKind::Back(j) if value > 0.5 => {
                let cand = &problem.candidates[j];
                let cost = cand.capex_usd.unwrap_or(0.0);
                cost_usd += cost;
                add(cand.country, cand.deliverable_t);
                chosen.push(ChosenOption {
                    id: cand.id.clone(),
                    action: "back",
                    country: cand.country,
                    tonnes: cand.deliverable_t,
                    cost_usd: cost,
                });
            }
            ColumnKind::Offtake(j) if value > 1e-9 => {
                let cand = &problem.candidates[j];
                let cost = value * cand.offtake_premium_usd_per_t.unwrap_or(0.0);
                cost_usd += cost;
                add(cand.country, value);
                chosen.push(ChosenOption {
                    id: cand.id.clone(),
                    action: "offtake",
                    country: cand.country,
                    tonnes: value,
                    cost_usd: cost,
                });
            }
            ColumnKind::Unmet => unmet_t = value.max(0.0),
            _ => {}
        }
    }
    let mut shares: Vec<(CountryCode, f64)> = by_country.into_iter().map(|(c, t)| (c, t / d)).collect();
    shares.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let v = problem.value_of_shortfall_usd_per_t;
    let risk_t = if v > 0.0 {
        (milp.objective - cost_usd) / v
    } else {
        f64::NAN
    };
    let risk_measure = match &problem.scenarios {
        Some(s) => format!("CVaR {:.0}% of the scenario shortfall", s.alpha * 100.0),
        None => "expected shortfall".to_owned(),
    };
    let gap = if status == SolveStatus::Optimal && !(milp.gap.is_finite()) {
        0.0
    } else {
        milp.gap.max(0.0)
    };
    Ok(PortfolioSolution {
        buyer: problem.buyer.clone(),
        status,
        objective_usd: milp.objective,
        mip_gap: gap,
        solve_seconds,
        risk_t,
        risk_measure,
        cost_usd,
        chosen,
        market,
        unmet_t,
        shares,
        shadow_prices,
        size: (model.columns.len(), model.rows.len()),
    })
}

/// Re-solves with elastic slacks on the requirement, budget, cap and floor rows and reports the
/// rows that cannot be met.
fn diagnose(
    problem: &PortfolioProblem,
    model: &LinearModel,
    options: &SolveOptions,
) -> Result<Vec<Violation>, OptimizeError> {
    let mut elastic = model.clone();
    for column in &mut elastic.columns {
        column.cost = 0.0;
    }
    let mut slacks = Vec::new();
    for r in 0..elastic.rows.len() {
        let row = &elastic.rows[r];
        if !matches!(
            row.group,
            RowGroup::Requirement | RowGroup::Budget | RowGroup::Cap(_) | RowGroup::Floor(_)
        ) {
            continue;
        }
        let scale = if row.upper.is_finite() { row.upper } else { row.lower }.abs().max(1.0);
        let sign = -row_sign(row); // ≤ rows: expr − s ≤ upper; ≥ rows: expr + s ≥ lower.
        let col = elastic.columns.len();
        elastic.columns.push(crate::portfolio::Column {
            name: format!("slack_{}", row.name),
            cost: 1.0 / scale,
            lower: 0.0,
            upper: f64::INFINITY,
            integer: false,
            kind: ColumnKind::Unmet,
        });
        elastic.rows[r].coefficients.push((col, sign));
        slacks.push((r, col));
    }
    let result = run(&elastic, options)?;
    if !result.has_solution {
        return Err(OptimizeError::Solver(format!(
            "the problem is infeasible and the elastic re-solve ended with status {:?}",
            result.status
        )));
    }
    let d = problem.requirement_t;
    let mut violations = Vec::new();
    for (r, col) in slacks {
        let amount = result.columns[col];
        if amount <= 1e-6 * (1.0 + d) {
            continue;
        }
        let row = &model.rows[r];
        let (unit, explanation) = match &row.group {
            RowGroup::Budget => (
                "USD",
                format!(
                    "the budget of {:.0} USD is too small for the portfolio the other constraints force",
                    problem.budget_usd
                ),
            ),
            RowGroup::Cap(country) => (
                "t",
                format!(
                    "supply from {country} cannot be kept under {:.1} % of the requirement ({:.3} t) with the \
                     other sources available",
                    row.upper / d * 100.0,
                    row.upper
                ),
            ),
            RowGroup::Floor(f) => {
                let floor = &problem.floors[*f];
                (
                    "t",
                    format!(
                        "partners `{}` cannot supply {:.1} % of the requirement ({:.3} t): their market \
                         supply plus the projects affordable within the budget fall short",
                        floor.name,
                        floor.min_share * 100.0,
                        row.lower
                    ),
                )
            }
            _ => ("t", "the requirement cannot be met".to_owned()),
        };
        violations.push(Violation {
            constraint: row.name.clone(),
            amount,
            unit,
            explanation,
        });
    }
    if violations.is_empty() {
        return Err(OptimizeError::Solver(
            "HiGHS reported the problem infeasible but every constraint can be met with zero slack; \
             try a looser MIP gap or report the case"
                .to_owned(),
        ));
    }
    Ok(violations)
}
