//! Stress tests through the API: named and saved shock scenarios, a deterministic shock
//! endpoint, and the `shock` and `risk` jobs.
//!
//! Requests are parsed by `critmin_app::stress` (the same path as the CLI's `shock` and
//! `risk`); a request it refuses gets a 400 naming the field. Answers are the library's own
//! documents (`ShockDocument`, `RiskDocument`), so the API and `critmin … --format json` give
//! the same numbers.
//!
//! Who may do what: the named scenarios, `POST /api/v1/shocks` and a run of a named scenario
//! are public computations (no key, nothing stored). Saving a scenario and running a saved one
//! (its result is stored) need an analyst key; reading saved scenarios needs a viewer key.

mod jobs;
mod scenarios;

use std::sync::OnceLock;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post};
use critmin_app::FieldError as SpecError;
use critmin_app::stress::{RiskDocument, ShockDocument};
use critmin_app::stress::{RiskSpec, ShockSpec};
use critmin_model::Dataset;
use critmin_network::Scenarios;
use utoipa::OpenApi;

use crate::AppState;
use crate::error::ApiError;

pub use jobs::{RISK_JOB, SHOCK_JOB};
pub use scenarios::{
    NamedScenarioView, RunQuery, SavedScenario, SavedScenarioView, ScenarioList, ScenarioResultView, ScenarioRun,
    ScenarioUpload,
};

/// What the stress routes share: the named scenarios.
#[derive(Default)]
pub struct StressState {
    scenarios: OnceLock<Result<Scenarios, String>>,
}

impl std::fmt::Debug for StressState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StressState").finish_non_exhaustive()
    }
}

impl StressState {
    /// The embedded named scenarios (validated once).
    pub fn scenarios(&self) -> Result<&Scenarios, ApiError> {
        self.scenarios
            .get_or_init(|| Scenarios::embedded().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| ApiError::internal(e))
    }
}

/// The stress routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/scenarios",
            get(scenarios::list_scenarios).post(scenarios::create_scenario),
        )
        .route("/api/v1/scenarios/{id}", get(scenarios::get_scenario))
        .route("/api/v1/scenarios/{id}/run", post(scenarios::run_scenario))
        .route("/api/v1/shocks", post(scenarios::create_shock))
}

/// The OpenAPI part of the stress routes.
#[derive(OpenApi)]
#[openapi(
    paths(
        scenarios::list_scenarios,
        scenarios::create_scenario,
        scenarios::get_scenario,
        scenarios::run_scenario,
        scenarios::create_shock
    ),
    components(schemas(
        NamedScenarioView,
        SavedScenarioView,
        ShockSpec,
        RiskSpec,
        ShockDocument,
        RiskDocument
    ))
)]
pub struct Api;

/// A spec error as a 400 naming the field under `prefix` (`spec.cuts[0]`).
pub fn spec_error(prefix: &str, e: SpecError) -> ApiError {
    let field = if prefix.is_empty() {
        e.field.clone()
    } else {
        format!("{prefix}.{}", e.field)
    };
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_body",
        format!("field `{field}`: {}", e.message),
    )
    .with_field(field)
}

/// Runs a shock on the public dataset (blocking; call on the blocking pool).
pub fn shock_document(ds: &Dataset, scenarios: &Scenarios, spec: &ShockSpec) -> Result<ShockDocument, SpecError> {
    spec.run(ds, scenarios, None).map(|run| ShockDocument::new(&run))
}

/// Runs a Monte Carlo on the current rayon pool; `progress(done, total)` is called after each
/// batch of scenarios, from whichever thread finished it.
pub fn risk_document(
    ds: &Dataset,
    scenarios: &Scenarios,
    spec: &RiskSpec,
    progress: &(dyn Fn(i64, i64) + Send + Sync),
) -> Result<RiskDocument, SpecError> {
    let prepared = spec.prepare(ds, scenarios, None)?;
    let mc = prepared.monte_carlo(ds)?;
    let total = i64::try_from(prepared.params.scenarios).unwrap_or(i64::MAX);
    progress(0, total);
    let result = mc.run(&|done| progress(i64::try_from(done).unwrap_or(i64::MAX), total));
    Ok(RiskDocument::new(
        &result,
        &prepared.network,
        prepared.focus,
        rayon::current_num_threads(),
    ))
}

/// Runs a shock spec on the blocking pool; 400 naming `prefix.field` when it is refused.
async fn run_shock_spec(state: &AppState, prefix: &'static str, spec: ShockSpec) -> Result<ShockDocument, ApiError> {
    let ds = state.dataset.clone();
    let stress = state.stress.clone();
    crate::blocking(move || {
        let scenarios = stress.scenarios()?;
        shock_document(&ds, scenarios, &spec).map_err(|e| spec_error(prefix, e))
    })
    .await?
}
