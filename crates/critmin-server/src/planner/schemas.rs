//! Documentation shapes of the planner's request specs, for the OpenAPI document only.
//!
//! These are shadow copies: `PortfolioSpec`, `StockSpec` and `ProjectRow` live in
//! `critmin_app::plan` without a `utoipa` derive. They move to `critmin-app` (its
//! `openapi` feature derives the schemas), and these copies go then; keep each field and its
//! text in step with the spec until that move.

use utoipa::ToSchema;

/// Documentation shape of [`ProjectImport`].
#[derive(Debug, ToSchema)]
#[schema(as = ProjectImport)]
#[allow(dead_code)]
pub(super) struct ProjectImportSchema {
    /// One object per project with the keys id, name, mineral, stage, country, operator,
    /// owner_countries, partner_countries, status, capacity_t, start_year, ramp_up_years,
    /// capex_usd, unit_cost_usd_per_t, offtake_premium_usd_per_t, offtakes, probability,
    /// lead_time_years, as_of_year, source (numbers as numbers or text; absent = empty).
    projects: Vec<serde_json::Value>,
}

/// Documentation shape of the stock model request (`critmin_app::plan::StockSpec`).
#[derive(Debug, ToSchema)]
#[schema(as = StockSpec)]
#[allow(dead_code)]
pub(super) struct StockSpecSchema {
    /// Inflow per year (inflow-driven model); give this or `stock`.
    inflow: Option<Vec<f64>>,
    /// Stock per year (stock-driven model); give this or `inflow`. At most 1,000 years.
    stock: Option<Vec<f64>>,
    /// `fixed:YEARS`, `normal:MEAN:SD`, `lognormal:MEAN:SD` or `weibull:SHAPE:SCALE`.
    lifetime: String,
    /// `start`, `middle` or `end` (default `end`, ODYM's).
    convention: Option<String>,
    /// First year, to label the output (default 0).
    first_year: Option<i32>,
    /// Collection rate in [0, 1] (default 1).
    collection: Option<f64>,
    /// Recovery rate in [0, 1] (default 1).
    recovery: Option<f64>,
}

/// Documentation shape of `critmin_app::plan::PortfolioSpec` (the fields of an
/// `optimize` job besides `kind`).
#[derive(Debug, ToSchema)]
#[schema(as = PortfolioSpec)]
#[allow(dead_code)]
pub(super) struct PortfolioSpecSchema {
    /// Buyer: an ISO3 code, codes joined with `+` (`USA+IND`), or a group id (`quad`).
    buyer: String,
    /// Mineral id or alias (default `lithium`).
    mineral: Option<String>,
    /// Stage bought (default `mine`).
    stage: Option<String>,
    /// Target year (default 2030).
    year: Option<u16>,
    /// Requirement in the target year, tonnes contained (> 0).
    requirement_t: f64,
    /// Budget, USD (≥ 0).
    budget_usd: f64,
    /// Caps `{"country": "CHN", "max_share": 0.5}`; without `country`, every supplier country.
    caps: Option<Vec<serde_json::Value>>,
    /// Floors `{"partners": "msp", "min_share": 0.3}` on the share from partners.
    partner_floors: Option<Vec<serde_json::Value>>,
    /// USD per tonne of shortfall (default 50,000; an assumption).
    value_of_shortfall_usd_per_t: Option<f64>,
    /// Disruption probability of the weakest-governed supplier, in [0, 1] (default 0.1).
    disruption_scale: Option<f64>,
    /// Solver time limit, seconds (0 < t ≤ 3600; a job uses 60 when absent).
    time_limit_s: Option<f64>,
    /// Relative MIP gap, in [0, 1) (default 1e-4).
    gap: Option<f64>,
    /// Add the shipped illustrative projects.
    examples: Option<bool>,
    /// Extra projects inline, objects with the columns of a project CSV file.
    projects: Option<Vec<serde_json::Value>>,
    /// Ids of stored projects to add.
    project_ids: Option<Vec<String>>,
    /// Minimise the CVaR of the shortfall over this many Monte Carlo disruption scenarios (the
    /// model of the risk endpoint, same seed scheme) instead of the expected shortfall; 0 or
    /// absent = expected shortfall; at most 20,000.
    risk_scenarios: Option<u64>,
    /// Seed of the disruption scenarios (default 1).
    seed: Option<u64>,
    /// CVaR level α, strictly between 0 and 1 (default 0.95).
    cvar_alpha: Option<f64>,
}
