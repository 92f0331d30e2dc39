//! The diversification problem as data, and its mixed-integer linear model.
//!
//! A buyer (a country or a group, e.g. the US and India together) needs `requirement_t` tonnes
//! of a mineral in a target year. Today it sources from the market, country by country
//! ([`MarketSource`]: at most what it gets today from each country). It may *back* projects
//! (binary: pay the buyer's capex, receive the project's uncommitted risked output) and *sign
//! offtakes* (continuous: pay a premium per tonne for up to the uncommitted risked output of a
//! project it does not back). [`Candidate`]s carry both options.
//!
//! Variables: `y_c ∈ [0, available_c]` market tonnes from country c; `x_j ∈ {0, 1}` back
//! project j; `t_j ∈ [0, U_j]` offtake tonnes from project j; `u ≥ 0` unmet requirement.
//!
//! Constraints (each named, in a group used by the infeasibility diagnosis and the shadow
//! prices):
//! * requirement: `Σ y + Σ U·x + Σ t + u ≥ D`;
//! * budget: `Σ capex·x + Σ premium·t ≤ B`;
//! * cap on a supplier country c: `Σ (tonnes located in c) ≤ cap · D`;
//! * floor on a partner group G: `Σ (tonnes located in G) ≥ floor · D`;
//! * one option per project: `t_j + U_j·x_j ≤ U_j` (an offtake on a backed project is moot).
//!
//! Objective (USD): `value_of_shortfall · risk measure + Σ capex·x + Σ premium·t`. Without
//! scenarios the risk measure is the expected shortfall `Σ r_c · (tonnes from c) + u`, with
//! `r_c` the probability that supply from c is disrupted ([`MarketSource::risk`]). With
//! scenarios of supply lost by country ([`ScenarioShortfalls`], e.g. from the Monte Carlo of
//! `critmin-network`), it is the CVaR at level α of the scenario shortfall
//! `L_s = Σ_c loss_{s,c} · (tonnes from c) + u`, by Rockafellar & Uryasev (2000):
//! `CVaR = η + 1/((1 − α)·S) · Σ_s z_s` with `z_s ≥ L_s − η`, `z_s ≥ 0`.
//!
//! Shares in caps and floors are of the requirement `D` (a fixed denominator keeps the model
//! linear); with `u = 0` that is the buyer's supply.

use critmin_model::CountryCode;

/// Supply the buyer gets from one country's market today.
#[derive(Debug, Clone, PartialEq)]
pub struct MarketSource {
    /// Supplier country (or `ROW` for the residual of the source).
    pub country: CountryCode,
    /// Tonnes available to the buyer from this country.
    pub available_t: f64,
    /// Probability that this supply is disrupted in the year (0–1).
    pub risk: f64,
}

/// A project the buyer can back or sign an offtake with.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Project id.
    pub id: String,
    /// Where the output comes from.
    pub country: CountryCode,
    /// Uncommitted risked output available to the buyer in the target year, tonnes.
    pub deliverable_t: f64,
    /// Capital the buyer pays to back it (USD); `None` = cannot be backed.
    pub capex_usd: Option<f64>,
    /// Offtake premium (USD per tonne); `None` = no offtake offered.
    pub offtake_premium_usd_per_t: Option<f64>,
    /// Disruption probability of its supply (that of its location).
    pub risk: f64,
}

/// A cap on the share of one supplier country (or, with `country = None`, of every supplier
/// country).
#[derive(Debug, Clone, PartialEq)]
pub struct Cap {
    /// The country capped; `None` caps each supplier country.
    pub country: Option<CountryCode>,
    /// Maximum share of the requirement (0–1).
    pub max_share: f64,
}

/// A floor on the share from a group of partner countries.
#[derive(Debug, Clone, PartialEq)]
pub struct Floor {
    /// Name for messages (`msp`, `quad+AUS`).
    pub name: String,
    /// Countries counted.
    pub countries: Vec<CountryCode>,
    /// Minimum share of the requirement (0–1).
    pub min_share: f64,
}

/// Scenario shortfalls: for each scenario, the fraction of supply lost from each country.
/// This is where the Monte Carlo of supply at risk plugs in; without it the optimizer uses
/// the expected-shortfall measure.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioShortfalls {
    /// Countries of the columns.
    pub countries: Vec<CountryCode>,
    /// One row per scenario, one fraction (0–1) per country.
    pub loss: Vec<Vec<f64>>,
    /// CVaR level α (e.g. 0.95).
    pub alpha: f64,
}

/// The whole problem.
#[derive(Debug, Clone, PartialEq)]
pub struct PortfolioProblem {
    /// Buyer name (`IND`, `USA+IND`).
    pub buyer: String,
    /// Requirement D in tonnes.
    pub requirement_t: f64,
    /// Market sources.
    pub market: Vec<MarketSource>,
    /// Candidate projects.
    pub candidates: Vec<Candidate>,
    /// Budget B (USD).
    pub budget_usd: f64,
    /// Caps.
    pub caps: Vec<Cap>,
    /// Floors.
    pub floors: Vec<Floor>,
    /// USD per tonne of (expected or CVaR) shortfall in the objective.
    pub value_of_shortfall_usd_per_t: f64,
    /// Scenario shortfalls, when a Monte Carlo is available.
    pub scenarios: Option<ScenarioShortfalls>,
}

/// Errors in the problem data (before any solve).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProblemError {
    /// A number is out of range.
    #[error("{what} = {value}: expected {expected}")]
    OutOfRange {
        /// What.
        what: String,
        /// Value.
        value: f64,
        /// Expected.
        expected: &'static str,
    },
    /// The scenario matrix does not match its countries.
    #[error("scenario {scenario} has {found} loss fractions for {expected} countries")]
    ScenarioShape {
        /// Scenario index.
        scenario: usize,
        /// Found.
        found: usize,
        /// Expected.
        expected: usize,
    },
}

impl PortfolioProblem {
    /// Checks every number.
    pub fn validate(&self) -> Result<(), ProblemError> {
        let check = |what: String, value: f64, ok: bool, expected: &'static str| {
            if ok && value.is_finite() {
                Ok(())
            } else {
                Err(ProblemError::OutOfRange { what, value, expected })
            }
        };
        check(
            "requirement".into(),
            self.requirement_t,
            self.requirement_t > 0.0,
            "a positive tonnage",
        )?;
        check("budget".into(), self.budget_usd, self.budget_usd >= 0.0, "a budget ≥ 0")?;
        check(
            "value of shortfall".into(),
            self.value_of_shortfall_usd_per_t,
            self.value_of_shortfall_usd_per_t >= 0.0,
            "USD per tonne ≥ 0",
        )?;
        for m in &self.market {
            check(
                format!("available from {}", m.country),
                m.available_t,
                m.available_t >= 0.0,
                "≥ 0",
            )?;
            check(
                format!("risk of {}", m.country),
                m.risk,
                (0.0..=1.0).contains(&m.risk),
                "a probability",
            )?;
        }
        for c in &self.candidates {
            check(
                format!("deliverable of {}", c.id),
                c.deliverable_t,
                c.deliverable_t >= 0.0,
                "≥ 0",
            )?;
            check(
                format!("risk of {}", c.id),
                c.risk,
                (0.0..=1.0).contains(&c.risk),
                "a probability",
            )?;
            if let Some(capex) = c.capex_usd {
                check(format!("capex of {}", c.id), capex, capex >= 0.0, "≥ 0")?;
            }
            if let Some(p) = c.offtake_premium_usd_per_t {
                check(format!("offtake premium of {}", c.id), p, p >= 0.0, "≥ 0")?;
            }
        }
        for cap in &self.caps {
            check(
                "cap".into(),
                cap.max_share,
                (0.0..=1.0).contains(&cap.max_share),
                "a share in [0, 1]",
            )?;
        }
        for floor in &self.floors {
            check(
                format!("floor {}", floor.name),
                floor.min_share,
                (0.0..=1.0).contains(&floor.min_share),
                "a share in [0, 1]",
            )?;
        }
        if let Some(s) = &self.scenarios {
            check(
                "CVaR alpha".into(),
                s.alpha,
                (0.0..1.0).contains(&s.alpha),
                "a level in [0, 1)",
            )?;
            for (i, row) in s.loss.iter().enumerate() {
                if row.len() != s.countries.len() {
                    return Err(ProblemError::ScenarioShape {
                        scenario: i,
                        found: row.len(),
                        expected: s.countries.len(),
                    });
                }
                for v in row {
                    check(
                        format!("loss fraction in scenario {i}"),
                        *v,
                        (0.0..=1.0).contains(v),
                        "a fraction",
                    )?;
                }
            }
        }
        Ok(())
    }

    /// Supplier countries appearing in the market or the candidates, sorted.
    pub fn supplier_countries(&self) -> Vec<CountryCode> {
        let mut list: Vec<CountryCode> = self
            .market
            .iter()
            .map(|m| m.country)
            .chain(self.candidates.iter().map(|c| c.country))
            .collect();
        list.sort();
        list.dedup();
        list
    }
}

/// What a column of the linear model stands for.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnKind {
    /// Market tonnes from a country (index into `market`).
    Market(usize),
    /// Back a project (index into `candidates`).
    Back(usize),
    /// Offtake tonnes from a project (index into `candidates`).
    Offtake(usize),
    /// Unmet requirement.
    Unmet,
    /// CVaR threshold η.
    CvarThreshold,
    /// CVaR excess of one scenario.
    CvarExcess(usize),
}

/// A column (variable).
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Name (no spaces; MPS-safe).
    pub name: String,
    /// Objective coefficient.
    pub cost: f64,
    /// Lower bound (may be `-inf`).
    pub lower: f64,
    /// Upper bound (may be `inf`).
    pub upper: f64,
    /// Integer (binary when bounds are 0 and 1).
    pub integer: bool,
    /// Meaning.
    pub kind: ColumnKind,
}

/// The group a row belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowGroup {
    /// The requirement.
    Requirement,
    /// The budget.
    Budget,
    /// A country cap.
    Cap(CountryCode),
    /// A partner floor (index into `floors`).
    Floor(usize),
    /// Back-or-offtake exclusivity of one project.
    OneOption(usize),
    /// CVaR definition of one scenario.
    Cvar(usize),
}

/// A row: `lower ≤ Σ coefficient · column ≤ upper`.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Name (no spaces).
    pub name: String,
    /// Group.
    pub group: RowGroup,
    /// Sparse coefficients (column index, value).
    pub coefficients: Vec<(usize, f64)>,
    /// Lower bound (`-inf` for ≤ rows).
    pub lower: f64,
    /// Upper bound (`inf` for ≥ rows).
    pub upper: f64,
}

/// A linear model, minimised.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearModel {
    /// Name.
    pub name: String,
    /// Columns.
    pub columns: Vec<Column>,
    /// Rows.
    pub rows: Vec<Row>,
}

fn mps_name(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Builds the MILP of `problem` (see the module documentation for the formulation).
pub fn build_model(problem: &PortfolioProblem) -> LinearModel {
    let d = problem.requirement_t;
    let v = problem.value_of_shortfall_usd_per_t;
    let expected_measure = problem.scenarios.is_none();
    let mut columns = Vec::new();
    // Column index and location of every supply column, for caps, floors and CVaR rows.
    let mut supply: Vec<(usize, CountryCode, f64)> = Vec::new(); // (column, country, tonnes per unit)
    for (i, m) in problem.market.iter().enumerate() {
        supply.push((columns.len(), m.country, 1.0));
        columns.push(Column {
            name: format!("y_{}", m.country),
            cost: if expected_measure { v * m.risk } else { 0.0 },
            lower: 0.0,
            upper: m.available_t,
            integer: false,
            kind: ColumnKind::Market(i),
        });
    }
    let mut one_option = Vec::new();
    for (j, c) in problem.candidates.iter().enumerate() {
        let mut back_col = None;
        if let Some(capex) = c.capex_usd {
            back_col = Some(columns.len());
            supply.push((columns.len(), c.country, c.deliverable_t));
            columns.push(Column {
                name: format!("x_{}", mps_name(&c.id)),
                cost: capex
                    + if expected_measure {
                        v * c.risk * c.deliverable_t
                    } else {
                        0.0
                    },
                lower: 0.0,
                upper: 1.0,
                integer: true,
                kind: ColumnKind::Back(j),
            });
        }
        if let Some(premium) = c.offtake_premium_usd_per_t {
            let off_col = columns.len();
            supply.push((off_col, c.country, 1.0));
            columns.push(Column {
                name: format!("t_{}", mps_name(&c.id)),
                cost: premium + if expected_measure { v * c.risk } else { 0.0 },
                lower: 0.0,
                upper: c.deliverable_t,
                integer: false,
                kind: ColumnKind::Offtake(j),
            });
            if let Some(b) = back_col {
                one_option.push((j, b, off_col, c.deliverable_t));
            }
        }
    }
    let unmet = columns.len();
    columns.push(Column {
        name: "u_unmet".into(),
        cost: if expected_measure { v } else { 0.0 },
        lower: 0.0,
        upper: f64::INFINITY,
        integer: false,
        kind: ColumnKind::Unmet,
    });
    let mut rows = Vec::new();
    let mut requirement: Vec<(usize, f64)> = supply.iter().map(|&(col, _, t)| (col, t)).collect();
    requirement.push((unmet, 1.0));
    rows.push(Row {
        name: "requirement".into(),
        group: RowGroup::Requirement,
        coefficients: requirement,
        lower: d,
        upper: f64::INFINITY,
    });
    let budget: Vec<(usize, f64)> = columns
        .iter()
        .enumerate()
        .filter_map(|(i, c)| match c.kind {
            ColumnKind::Back(j) => problem.candidates[j].capex_usd.map(|x| (i, x)),
            ColumnKind::Offtake(j) => problem.candidates[j].offtake_premium_usd_per_t.map(|p| (i, p)),
            _ => None,
        })
        .filter(|(_, x)| *x != 0.0)
        .collect();
    rows.push(Row {
        name: "budget".into(),
        group: RowGroup::Budget,
        coefficients: budget,
        lower: f64::NEG_INFINITY,
        upper: problem.budget_usd,
    });
    // Caps: the tightest cap that applies to each country.
    for country in problem.supplier_countries() {
        let cap = problem
            .caps
            .iter()
            .filter(|c| c.country.is_none_or(|k| k == country))
            .map(|c| c.max_share)
            .reduce(f64::min);
        if let Some(share) = cap {
            if country == CountryCode::REST_OF_WORLD {
                // The residual is many countries; a single-country cap does not apply to it.
                continue;
            }
            rows.push(Row {
                name: format!("cap_{country}"),
                group: RowGroup::Cap(country),
                coefficients: supply
                    .iter()
                    .filter(|(_, c, _)| *c == country)
                    .map(|&(col, _, t)| (col, t))
                    .collect(),
                lower: f64::NEG_INFINITY,
                upper: share * d,
            });
        }
    }
    for (f, floor) in problem.floors.iter().enumerate() {
        rows.push(Row {
            name: format!("floor_{}", mps_name(&floor.name)),
            group: RowGroup::Floor(f),
            coefficients: supply
                .iter()
                .filter(|(_, c, _)| floor.countries.contains(c))
                .map(|&(col, _, t)| (col, t))
                .collect(),
            lower: floor.min_share * d,
            upper: f64::INFINITY,
        });
    }
    for (j, back, off, deliverable) in one_option {
        rows.push(Row {
            name: format!("one_option_{}", mps_name(&problem.candidates[j].id)),
            group: RowGroup::OneOption(j),
            coefficients: vec![(off, 1.0), (back, deliverable)],
            lower: f64::NEG_INFINITY,
            upper: deliverable,
        });
    }
    if let Some(scen) = &problem.scenarios {
        let n = scen.loss.len().max(1) as f64;
        let eta = columns.len();
        columns.push(Column {
            name: "cvar_eta".into(),
            cost: v,
            lower: f64::NEG_INFINITY,
            upper: f64::INFINITY,
            integer: false,
            kind: ColumnKind::CvarThreshold,
        });
        for (s, losses) in scen.loss.iter().enumerate() {
            let z = columns.len();
            columns.push(Column {
                name: format!("cvar_z{s}"),
                cost: v / ((1.0 - scen.alpha) * n),
                lower: 0.0,
                upper: f64::INFINITY,
                integer: false,
                kind: ColumnKind::CvarExcess(s),
            });
            // L_s − η − z_s ≤ 0 with L_s = Σ loss(country) · tonnes + u.
            let mut coefficients: Vec<(usize, f64)> = supply
                .iter()
                .filter_map(|&(col, country, t)| {
                    let k = scen.countries.iter().position(|c| *c == country)?;
                    let l = losses[k];
                    (l != 0.0).then_some((col, l * t))
                })
                .collect();
            coefficients.push((unmet, 1.0));
            coefficients.push((eta, -1.0));
            coefficients.push((z, -1.0));
            rows.push(Row {
                name: format!("cvar_s{s}"),
                group: RowGroup::Cvar(s),
                coefficients,
                lower: f64::NEG_INFINITY,
                upper: 0.0,
            });
        }
    }
    LinearModel {
        name: format!("critmin_portfolio_{}", mps_name(&problem.buyer)),
        columns,
        rows,
    }
}

mod build;

pub use build::{BuildError, BuyerRequest, PROBLEM_ASSUMPTIONS, problem_from_data};

#[cfg(test)]
mod tests;
