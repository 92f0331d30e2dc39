//! What a user asks of the planner, as plain serde data, and the one place where that text
//! becomes the planner's types. The CLI builds a spec from its flags, the server reads one
//! from a JSON body, the report builds one in code; all go through the same checks here, so a
//! request means the same thing in every shell.
//!
//! * [`PortfolioSpec`]: the optimizer's inputs (buyer, budget, caps, partner floors, time
//!   limit, gap, extra projects, CVaR scenarios) → a
//!   [`BuyerRequest`](critmin_planner::portfolio::BuyerRequest) and a
//!   [`PortfolioProblem`](critmin_planner::portfolio::PortfolioProblem);
//! * [`OutlookSpec`]: mineral, stage, scenario, years, partners → an
//!   [`Outlook`](critmin_planner::outlook::Outlook);
//! * [`StockSpec`]: inflow or stock series, lifetime, convention, rates → a [`StockOutcome`];
//! * [`ProjectRow`]: one project as a JSON object with the columns of a project CSV file,
//!   validated by the same rules as a file.
//!
//! Every error is a [`ComposeError`] that names the field at fault (`caps[1].country`,
//! `projects[0].capacity_t`, `inflow[3]`), so a server can answer 400 with it and a CLI can
//! print it.

pub mod error;
pub mod outlook_spec;
pub mod portfolio_spec;
pub mod projects;
pub mod stock_spec;

use critmin_model::StageId;

pub use error::ComposeError;
pub use outlook_spec::{MAX_OUTLOOK_YEARS, OutlookSpec};
pub use portfolio_spec::{
    CapSpec, FloorSpec, MAX_RISK_SCENARIOS, MAX_SPEC_PROJECTS, MAX_TIME_LIMIT_S, PortfolioSpec, buyer_members,
    partner_countries,
};
pub use projects::{
    Cell, ProjectRow, parse_project_rows, parse_project_text, problem_field, rows_from_csv, rows_to_csv,
};
pub use stock_spec::{MAX_STOCK_YEARS, StockOutcome, StockSpec};

use crate::FieldError;

/// The stage a portfolio buys and an outlook projects when the request names none.
fn default_stage() -> String {
    "mine".into()
}

/// A stage id (`mine`, `refined`, …): lower-case letters, digits and `_`.
pub fn resolve_stage(field: &str, text: &str) -> Result<StageId, FieldError> {
    let t = text.trim();
    if !t.is_empty()
        && t.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        Ok(StageId(t.to_owned()))
    } else {
        Err(FieldError::new(
            field,
            format!("stage `{text}`: expected a lower-case stage id such as mine or refined"),
        ))
    }
}
