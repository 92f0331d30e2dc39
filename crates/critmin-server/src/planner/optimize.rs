//! The `optimize` job: the diversification portfolio of a buyer (MILP, HiGHS). The request is
//! the planner's `PortfolioSpec`, checked and its stored-project ids resolved before the job
//! is created; the result, or the explanation of an infeasible problem, is stored as a
//! portfolio owned by the key that started the job.

use axum::http::StatusCode;
use critmin_app::plan::{PortfolioSpec, rows_from_csv};
#[cfg(feature = "solver")]
use critmin_app::portfolio::PreparedPortfolio;
use critmin_model::Dataset;
#[cfg(feature = "solver")]
use critmin_planner::optimize::SolveOptions;
use critmin_store::{NewPortfolio, Store};
use utoipa::openapi::{Ref, RefOr, schema::Schema};

use super::compose_error;
use crate::AppState;
use crate::error::ApiError;
use crate::jobs::{BoxFuture, JobKind, Started, read};

pub use critmin_app::portfolio::{ChosenRecord, CountryValue, PortfolioDocument, ShadowRecord, ViolationRecord};

/// The solver time limit of an optimize job that names none, in seconds.
pub const DEFAULT_JOB_TIME_LIMIT_S: f64 = 60.0;

/// The `optimize` job kind.
pub const OPTIMIZE_JOB: JobKind = JobKind {
    name: "optimize",
    description: "The diversification portfolio of a buyer (MILP, HiGHS); the result, or the explanation of an infeasible problem, is stored as a portfolio (`/api/v1/portfolios`).",
    schema: portfolio_spec_schema,
    start,
};

/// The fields of an optimize job: the `PortfolioSpec` schema.
fn portfolio_spec_schema() -> RefOr<Schema> {
    RefOr::Ref(Ref::from_schema_name("PortfolioSpec"))
}

fn start(state: &AppState, fields: serde_json::Value) -> BoxFuture<'_, Result<Started, ApiError>> {
    Box::pin(async move {
        let mut spec: PortfolioSpec = read(fields)?;
        prepare_optimize(state, &mut spec).await?;
        let params = serde_json::to_value(&spec).map_err(|e| ApiError::internal(&e))?;
        let ds = state.dataset.clone();
        let kept = spec.clone();
        Ok(Started {
            params,
            compute: Box::new(move |progress| compute_optimize(&spec, &ds, &mut |done, total| progress(done, total))),
            keep: Some(Box::new(move |store, owner, result| {
                Box::pin(async move { save_portfolio(&store, &owner.job_id, &owner.created_by, &kept, result).await })
            })),
        })
    })
}

/// Checks an optimize request before its job is created (400 naming the field), and replaces
/// its stored-project ids by the stored rows, so the job's parameters hold everything it
/// computes from.
async fn prepare_optimize(state: &AppState, spec: &mut PortfolioSpec) -> Result<(), ApiError> {
    if !cfg!(feature = "solver") {
        return Err(ApiError::new(StatusCode::NOT_IMPLEMENTED, "no_solver", NO_SOLVER));
    }
    if !spec.project_ids.is_empty() {
        let mut rows = Vec::new();
        for (i, id) in spec.project_ids.iter().enumerate() {
            let s = state.store.get_project(id).await?.ok_or_else(|| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_body",
                    format!("field `project_ids[{i}]`: no stored project `{id}`"),
                )
                .with_field(format!("project_ids[{i}]"))
            })?;
            rows.extend(rows_from_csv(&s.csv).map_err(|e| ApiError::internal(&e))?);
        }
        spec.project_ids.clear();
        spec.projects.extend(rows);
    }
    let ds = state.dataset.clone();
    let checked = spec.clone();
    crate::blocking(move || {
        let projects = checked.projects(&ds, &[])?;
        let request = checked.request(&ds, &projects)?;
        PortfolioSpec::problem(&request, &ds).map(|_| ())
    })
    .await?
    .map_err(compose_error)
}

/// What an optimize request gets from a server built without the `solver` feature.
pub const NO_SOLVER: &str =
    "this server was built without the optimizer (cargo feature `solver` off): optimize jobs are not available";

/// Without the solver there is nothing to compute (jobs are refused when created).
#[cfg(not(feature = "solver"))]
pub fn compute_optimize(
    _spec: &PortfolioSpec,
    _ds: &Dataset,
    _progress: &mut dyn FnMut(i64, i64),
) -> Result<serde_json::Value, String> {
    Err(NO_SOLVER.to_owned())
}

/// Computes an optimize job: the portfolio, or the explanation of an infeasible problem (both
/// are results); an error only when the solver fails.
#[cfg(feature = "solver")]
pub fn compute_optimize(
    spec: &PortfolioSpec,
    ds: &Dataset,
    progress: &mut dyn FnMut(i64, i64),
) -> Result<serde_json::Value, String> {
    progress(0, 1);
    let projects = spec.projects(ds, &[]).map_err(|e| e.to_string())?;
    let prepared = PreparedPortfolio::new(ds, spec, &projects).map_err(|e| e.to_string())?;
    let options = SolveOptions {
        time_limit_s: Some(spec.time_limit_s.unwrap_or(DEFAULT_JOB_TIME_LIMIT_S)),
        mip_rel_gap: spec.gap,
    };
    let doc = prepared.solve(&options).map_err(|e| e.to_string())?;
    progress(1, 1);
    serde_json::to_value(&doc).map_err(|e| e.to_string())
}

/// Saves an optimize job's result as a portfolio and returns the result with its id.
async fn save_portfolio(
    store: &Store,
    job_id: &str,
    created_by: &str,
    spec: &PortfolioSpec,
    result: serde_json::Value,
) -> Result<serde_json::Value, String> {
    let mut doc: PortfolioDocument = serde_json::from_value(result).map_err(|e| e.to_string())?;
    let new = NewPortfolio {
        job_id: Some(job_id.to_owned()),
        buyer: doc.buyer.clone(),
        mineral: doc.mineral.clone(),
        status: doc.status.clone(),
        spec: serde_json::to_value(spec).map_err(|e| e.to_string())?,
        result: serde_json::to_value(&doc).map_err(|e| e.to_string())?,
        explanation: doc.explanation.clone(),
    };
    let record = store
        .insert_portfolio(created_by, &new)
        .await
        .map_err(|e| format!("storing the portfolio: {e}"))?;
    doc.portfolio_id = Some(record.id);
    serde_json::to_value(&doc).map_err(|e| e.to_string())
}
