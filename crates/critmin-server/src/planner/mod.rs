//! The planner over HTTP: projects (India's shipped pipeline and the projects users import),
//! the risked supply outlook against demand, the stock model, and the optimizer's portfolios
//! (computed by the `optimize` job, and stored with their result or their infeasibility
//! explanation).
//!
//! Requests are read into the planner's specs (`critmin_app::plan`), the same ones the
//! CLI builds from its flags, so a request means the same thing in both shells; a spec error
//! is a 400 naming the field. Reads of the public data (pipeline, outlook on the shipped data,
//! stock model) need no key; stored projects and portfolios are user creations and need a key
//! with role viewer or higher; imports need role analyst.

mod optimize;
mod outlook;
mod portfolios;
mod projects;
mod recycle;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post};
use critmin_app::plan::ComposeError;
use utoipa::OpenApi;

use crate::AppState;
use crate::error::{ApiError, ProblemRecord};

pub use critmin_app::projects::ProjectRecord;
pub use critmin_app::recycle::StockDocument;
pub use optimize::{
    ChosenRecord, CountryValue, DEFAULT_JOB_TIME_LIMIT_S, NO_SOLVER, OPTIMIZE_JOB, PortfolioDocument, ShadowRecord,
    ViolationRecord, compute_optimize,
};
pub use outlook::{
    BalanceRecord, CountryQuantity, MixRecord, OutlookDocument, OutlookQuery, OutlookYearRecord, compute_outlook,
    outlook_document,
};
pub use portfolios::{PORTFOLIO_LIST_LIMIT, PortfolioView, portfolio_view};
pub use projects::{ImportView, ProjectImport, ProjectList};

/// The planner's routes (the optimize job goes through `POST /api/v1/jobs`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/projects",
            get(projects::list_projects).post(projects::import_projects),
        )
        .route("/api/v1/projects/{id}", get(projects::get_project))
        .route("/api/v1/outlook", get(outlook::get_outlook))
        .route("/api/v1/recycle/stock", post(recycle::recycle_stock))
        .route("/api/v1/portfolios", get(portfolios::list_portfolios))
        .route("/api/v1/portfolios/{id}", get(portfolios::get_portfolio))
}

/// The OpenAPI part of the planner's routes, with the optimize job's fields.
#[derive(OpenApi)]
#[openapi(
    paths(
        projects::list_projects,
        projects::import_projects,
        projects::get_project,
        outlook::get_outlook,
        recycle::recycle_stock,
        portfolios::list_portfolios,
        portfolios::get_portfolio
    ),
    components(schemas(critmin_app::plan::PortfolioSpec, PortfolioDocument))
)]
pub struct Api;

/// A spec error as an answer: 400 naming the field (422 with every problem for project rows).
pub fn compose_error(e: ComposeError) -> ApiError {
    match e {
        ComposeError::Invalid(critmin_model::FieldError { field, message }) => ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_body",
            format!("field `{field}`: {message}"),
        )
        .with_field(field),
        ComposeError::Projects { problems } => {
            let field = problems.first().map(|(f, _)| f.clone()).unwrap_or_default();
            let records: Vec<ProblemRecord> = problems
                .iter()
                .map(|(f, p)| ProblemRecord {
                    message: format!("{f}: {p}"),
                    ..ProblemRecord::from(p)
                })
                .collect();
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_data",
                format!(
                    "the projects have {} problem(s); nothing was stored: {}",
                    records.len(),
                    records
                        .iter()
                        .map(|r| r.message.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            )
            .with_field(field)
            .with_problems(records)
        }
        ComposeError::Data(m) => ApiError::internal(&m),
    }
}
