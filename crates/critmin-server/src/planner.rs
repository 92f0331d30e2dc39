//! The planner over HTTP: projects (India's shipped pipeline and the projects users import),
//! the risked supply outlook against demand, the stock model, and the optimizer's portfolios
//! (computed by the `optimize` job, see [`crate::jobs`], and stored with their result or
//! their infeasibility explanation).
//!
//! Requests are read into the planner's specs (`critmin_app::plan`), the same ones the
//! CLI builds from its flags, so a request means the same thing in both shells; a spec error
//! is a 400 naming the field. Reads of the public data (pipeline, outlook on the shipped data,
//! stock model) need no key; stored projects and portfolios are user creations and need a key
//! with role viewer or higher; imports need role analyst.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use critmin_app::plan::{
    ComposeError, OutlookSpec, PortfolioSpec, StockSpec, parse_project_rows, parse_project_text, rows_from_csv,
};
use critmin_model::Dataset;
#[cfg(feature = "solver")]
use critmin_planner::optimize::{OptimizeError, PortfolioSolution, SolveOptions, optimize};
use critmin_planner::outlook::{CountrySupply, MixConcentration, Outlook};
use critmin_planner::pipeline::{PipelineEntry, india_pipeline};
#[cfg(feature = "solver")]
use critmin_planner::portfolio::PROBLEM_ASSUMPTIONS;
use critmin_planner::projects::{Project, projects_to_csv};
use critmin_store::{
    MAX_PROJECTS_PER_REQUEST, NewPortfolio, NewProject, PlannerStoreError, PortfolioRecord, Role, Store, StoredProject,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::{Analyst, Authorized, Caller, Viewer};
use crate::body::{ApiQuery, parse, read_limited};
use crate::error::{ApiError, ErrorBody};
use crate::records::ProblemRecord;

pub use critmin_app::portfolio::{ChosenRecord, CountryValue, ShadowRecord, ViolationRecord};
pub use critmin_app::recycle::StockDocument;

/// The solver time limit of an optimize job that names none, in seconds.
pub const DEFAULT_JOB_TIME_LIMIT_S: f64 = 60.0;
/// Portfolios shown by `GET /api/v1/portfolios` (newest first).
pub const PORTFOLIO_LIST_LIMIT: i64 = 100;

/// The planner's routes (the optimize job goes through `POST /api/v1/jobs`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/projects", get(list_projects).post(import_projects))
        .route("/api/v1/projects/{id}", get(get_project))
        .route("/api/v1/outlook", get(get_outlook))
        .route("/api/v1/recycle/stock", post(recycle_stock))
        .route("/api/v1/portfolios", get(list_portfolios))
        .route("/api/v1/portfolios/{id}", get(get_portfolio))
}

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

// ---------------------------------------------------------------------------------------------
// Projects

/// A project as the API shows it: a row of India's published pipeline, or a stored project.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProjectView {
    /// `india_pipeline` (shipped, `data/india_pipeline.csv`) or `stored` (imported).
    pub origin: String,
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Mineral id (stored projects) or the pipeline's free-text minerals.
    pub mineral: String,
    /// Stage id (stored projects).
    pub stage: Option<String>,
    /// ISO3 of the location (stored) or the pipeline's free-text location.
    pub location: String,
    /// Owners `ISO3:share;…` (stored) or the pipeline's counterparty.
    pub owners: String,
    /// Status.
    pub status: String,
    /// Capacity in tonnes contained per year; absent when not published (never zero).
    pub capacity_t: Option<f64>,
    /// `published`, or why there is no capacity.
    pub capacity_note: String,
    /// First year of production (stored).
    pub start_year: Option<u16>,
    /// Probability of reaching production (stored).
    pub probability: Option<f64>,
    /// Capex in USD (stored).
    pub capex_usd: Option<f64>,
    /// Offtake premium in USD per tonne (stored).
    pub offtake_premium_usd_per_t: Option<f64>,
    /// The pipeline's published quantity (blocks, premium, budget), with its unit.
    pub published_quantity: Option<f64>,
    /// Unit of the published quantity.
    pub published_unit: Option<String>,
    /// Source.
    pub source: String,
    /// Id of the import (stored).
    pub import_id: Option<String>,
    /// Public id of the key that imported it (stored).
    pub created_by: Option<String>,
    /// Unix milliseconds (stored).
    pub created_at_ms: Option<i64>,
}

fn pipeline_view(e: PipelineEntry) -> ProjectView {
    ProjectView {
        origin: "india_pipeline".into(),
        id: e.id,
        name: e.item,
        mineral: e.minerals,
        stage: None,
        location: e.location,
        owners: e.counterparty,
        status: e.status,
        capacity_t: None,
        capacity_note: e.capacity.label().into(),
        start_year: None,
        probability: None,
        capex_usd: None,
        offtake_premium_usd_per_t: None,
        published_quantity: e.quantity,
        published_unit: Some(e.unit),
        source: e.source,
        import_id: None,
        created_by: None,
        created_at_ms: None,
    }
}

fn stored_view(s: &StoredProject, p: &Project) -> ProjectView {
    ProjectView {
        origin: "stored".into(),
        id: p.id.clone(),
        name: p.name.clone(),
        mineral: p.mineral.to_string(),
        stage: Some(p.stage.to_string()),
        location: p.country.to_string(),
        owners: p
            .owners
            .iter()
            .map(|(c, s)| format!("{c}:{s}"))
            .collect::<Vec<_>>()
            .join(";"),
        status: p.status.to_string(),
        capacity_t: p.capacity_t,
        capacity_note: if p.capacity_t.is_some() {
            "published".into()
        } else {
            "capacity not published".into()
        },
        start_year: Some(p.start_year),
        probability: Some(p.probability),
        capex_usd: p.capex_usd,
        offtake_premium_usd_per_t: p.offtake_premium_usd_per_t,
        published_quantity: None,
        published_unit: None,
        source: p.source.clone(),
        import_id: Some(s.import_id.clone()),
        created_by: Some(s.created_by.clone()),
        created_at_ms: Some(s.created_at_ms),
    }
}

fn pipeline() -> Result<Vec<PipelineEntry>, ApiError> {
    india_pipeline().map_err(|e| ApiError::internal(&e))
}

/// Stored projects, each re-read through the project validator.
pub(crate) async fn stored_projects(store: &Store, ds: &Dataset) -> Result<Vec<(StoredProject, Project)>, ApiError> {
    let stored = store.list_projects().await?;
    stored
        .into_iter()
        .map(|s| {
            let mut parsed = parse_project_text("stored", &s.id, &s.csv, ds).map_err(|e| ApiError::internal(&e))?;
            match parsed.pop() {
                Some(p) if parsed.is_empty() => Ok((s, p)),
                _ => Err(ApiError::internal(&format!("stored project {} is not one row", s.id))),
            }
        })
        .collect()
}

/// The project list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectList {
    /// Whether stored projects are included (they need a key with role viewer or higher).
    pub stored_included: bool,
    /// India's pipeline, then the stored projects (oldest first).
    pub projects: Vec<ProjectView>,
}

/// India's published pipeline (auctions, overseas ventures, mission targets; capacities are
/// never published, so none is given) and, for a key with role viewer or higher, the stored
/// projects.
#[utoipa::path(get, path = "/api/v1/projects", tag = "planner",
    responses((status = 200, body = ProjectList), (status = 401, body = ErrorBody)))]
pub async fn list_projects(State(state): State<AppState>, caller: Caller) -> Result<Json<ProjectList>, ApiError> {
    let mut projects: Vec<ProjectView> = pipeline()?.into_iter().map(pipeline_view).collect();
    let stored_included = caller.require(Role::Viewer).is_ok();
    if stored_included {
        for (s, p) in stored_projects(&state.store, &state.dataset).await? {
            projects.push(stored_view(&s, &p));
        }
    }
    Ok(Json(ProjectList {
        stored_included,
        projects,
    }))
}

/// One project: a pipeline row (no key) or a stored project (role viewer or higher).
#[utoipa::path(get, path = "/api/v1/projects/{id}", tag = "planner", params(("id" = String, Path)),
    responses((status = 200, body = ProjectView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_project(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ProjectView>, ApiError> {
    if let Some(e) = pipeline()?.into_iter().find(|e| e.id == id) {
        return Ok(Json(pipeline_view(e)));
    }
    caller.require(Role::Viewer)?;
    let s = state
        .store
        .get_project(&id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no project {id}")))?;
    let mut parsed = parse_project_text("stored", &s.id, &s.csv, &state.dataset).map_err(|e| ApiError::internal(&e))?;
    let p = parsed
        .pop()
        .ok_or_else(|| ApiError::internal(&format!("stored project {id} is empty")))?;
    Ok(Json(stored_view(&s, &p)))
}

/// Projects to import as JSON (the alternative is the CSV file itself, `Content-Type:
/// text/csv`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectImport {
    /// One object per project, with the columns of a project CSV file as keys.
    pub projects: Vec<critmin_app::plan::ProjectRow>,
}

/// Documentation shape of [`ProjectImport`].
#[derive(Debug, ToSchema)]
#[schema(as = ProjectImport)]
#[allow(dead_code)]
pub struct ProjectImportSchema {
    /// One object per project with the keys id, name, mineral, stage, country, operator,
    /// owner_countries, partner_countries, status, capacity_t, start_year, ramp_up_years,
    /// capex_usd, unit_cost_usd_per_t, offtake_premium_usd_per_t, offtakes, probability,
    /// lead_time_years, as_of_year, source (numbers as numbers or text; absent = empty).
    projects: Vec<serde_json::Value>,
}

/// An accepted import.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportView {
    /// Id of the import.
    pub import_id: String,
    /// The stored projects.
    pub projects: Vec<ProjectView>,
}

/// Imports projects (role analyst or higher), as a CSV file (`Content-Type: text/csv`, the
/// columns of `critmin projects import`) or JSON (`{"projects": [{…}]}`). Every row is
/// validated like `critmin projects import`; any problem (each naming its row and column,
/// `projects[1].capacity_t`) rejects the whole import with 422 and nothing is stored. At most
/// 1,000 projects per request; an id already stored or in India's pipeline gets 409.
#[utoipa::path(post, path = "/api/v1/projects", tag = "planner", security(("bearer" = [])),
    request_body(content = ProjectImportSchema, description = "JSON rows, or the CSV file with Content-Type: text/csv"),
    responses((status = 201, body = ImportView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn import_projects(
    State(state): State<AppState>,
    Authorized(key, _): Authorized<Analyst>,
    req: Request,
) -> Result<(StatusCode, Json<ImportView>), ApiError> {
    let media = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if media != "application/json" && media != "text/csv" {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the projects as JSON (Content-Type: application/json) or as a CSV file (Content-Type: text/csv)",
        ));
    }
    let bytes = read_limited(req.into_body(), state.config.body_limit, state.config.body_timeout).await?;
    let too_many = |n: usize| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_body",
            format!("{n} projects in one request: at most {MAX_PROJECTS_PER_REQUEST}"),
        )
        .with_field("projects")
    };
    let ds = state.dataset.clone();
    let projects = if media == "text/csv" {
        let text = String::from_utf8(bytes.to_vec()).map_err(|_| {
            ApiError::new(StatusCode::BAD_REQUEST, "invalid_body", "the CSV file is not UTF-8").with_field("projects")
        })?;
        if text.lines().count().saturating_sub(1) > MAX_PROJECTS_PER_REQUEST {
            return Err(too_many(text.lines().count() - 1));
        }
        tokio::task::spawn_blocking(move || parse_project_text("projects", "upload.csv", &text, &ds))
            .await
            .map_err(|e| ApiError::internal(&e))?
    } else {
        let import: ProjectImport = parse(&bytes)?;
        if import.projects.len() > MAX_PROJECTS_PER_REQUEST {
            return Err(too_many(import.projects.len()));
        }
        tokio::task::spawn_blocking(move || parse_project_rows("projects", &import.projects, &ds))
            .await
            .map_err(|e| ApiError::internal(&e))?
    }
    .map_err(compose_error)?;
    if projects.is_empty() {
        return Err(
            ApiError::new(StatusCode::BAD_REQUEST, "invalid_body", "no project to import").with_field("projects"),
        );
    }
    let shipped = pipeline()?;
    if let Some((i, p)) = projects
        .iter()
        .enumerate()
        .find(|(_, p)| shipped.iter().any(|e| e.id == p.id))
    {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            format!("project id `{}` is an id of India's shipped pipeline", p.id),
        )
        .with_field(format!("projects[{i}].id")));
    }
    let new: Vec<NewProject> = projects
        .iter()
        .map(|p| NewProject {
            id: p.id.clone(),
            name: p.name.clone(),
            mineral: p.mineral.to_string(),
            stage: p.stage.to_string(),
            country: p.country.to_string(),
            csv: projects_to_csv(std::slice::from_ref(p), 2025),
        })
        .collect();
    let store = state.store.clone();
    let by = key.id.clone();
    // Its own task: a client that goes away cannot cancel the transaction half-way.
    let import_id = tokio::spawn(async move { store.insert_projects(&by, &new).await })
        .await
        .map_err(|e| ApiError::internal(&e))?
        .map_err(|e| match e {
            PlannerStoreError::DuplicateId { id, index } => ApiError::new(
                StatusCode::CONFLICT,
                "conflict",
                format!("project id `{id}` is already stored; nothing was stored"),
            )
            .with_field(format!("projects[{index}].id")),
            PlannerStoreError::TooManyProjects { count, .. } => too_many(count),
            PlannerStoreError::Empty => {
                ApiError::new(StatusCode::BAD_REQUEST, "invalid_body", "no project to import").with_field("projects")
            }
            PlannerStoreError::Store(e) => ApiError::from(e),
        })?;
    tracing::info!(import = %import_id, projects = projects.len(), by = %key.id, "projects stored");
    let stored: Vec<StoredProject> = state
        .store
        .list_projects()
        .await?
        .into_iter()
        .filter(|s| s.import_id == import_id)
        .collect();
    let views = stored
        .iter()
        .filter_map(|s| projects.iter().find(|p| p.id == s.id).map(|p| stored_view(s, p)))
        .collect();
    Ok((
        StatusCode::CREATED,
        Json(ImportView {
            import_id,
            projects: views,
        }),
    ))
}

// ---------------------------------------------------------------------------------------------
// Outlook

/// The outlook query.
#[derive(Debug, Deserialize, IntoParams)]
pub struct OutlookQuery {
    /// Mineral id or alias (required).
    pub mineral: String,
    /// Only this demand scenario (STEPS, APS or NZE); all when absent.
    pub scenario: Option<String>,
    /// Stage whose supply is projected (default `mine`).
    pub stage: Option<String>,
    /// First year (default 2025).
    pub from: Option<u16>,
    /// Last year (default 2040; at most 100 years).
    pub to: Option<u16>,
    /// Partner group(s) joined with `+` (default `msp`).
    pub partners: Option<String>,
    /// Add the shipped illustrative projects (invented figures).
    pub examples: Option<bool>,
    /// Add the stored projects (needs a key with role viewer or higher).
    pub stored: Option<bool>,
}

impl OutlookQuery {
    /// The spec this query asks for.
    pub fn spec(&self) -> OutlookSpec {
        let mut spec = OutlookSpec::new(self.mineral.clone());
        if let Some(s) = &self.stage {
            spec.stage = s.clone();
        }
        spec.scenario = self.scenario.clone().filter(|s| !s.trim().is_empty());
        if let Some(y) = self.from {
            spec.from = y;
        }
        if let Some(y) = self.to {
            spec.to = y;
        }
        if let Some(p) = &self.partners {
            spec.partners = p.clone();
        }
        spec
    }
}

/// Concentration of a supply mix.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MixRecord {
    /// HHI (0–10,000), lower bound (the residual left out).
    pub hhi: f64,
    /// HHI upper bound (the residual as one country).
    pub hhi_upper: f64,
    /// Share of the three largest named countries.
    pub top3_share: f64,
    /// Share from partners.
    pub partner_share: f64,
    /// Share from FEOC-covered countries.
    pub feoc_share: f64,
}

impl From<&MixConcentration> for MixRecord {
    fn from(m: &MixConcentration) -> MixRecord {
        MixRecord {
            hhi: m.hhi,
            hhi_upper: m.hhi_upper,
            top3_share: m.top3_share,
            partner_share: m.partner_share,
            feoc_share: m.feoc_share,
        }
    }
}

/// A quantity by country.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CountryQuantity {
    /// ISO3 (`ROW` for the source's residual).
    pub country: String,
    /// Quantity in the outlook's unit.
    pub quantity: f64,
}

fn quantities(list: &[CountrySupply]) -> Vec<CountryQuantity> {
    list.iter()
        .map(|c| CountryQuantity {
            country: c.country.to_string(),
            quantity: c.quantity,
        })
        .collect()
}

/// Demand of one scenario in one year.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BalanceRecord {
    /// Scenario.
    pub scenario: String,
    /// Demand in the outlook's unit (absent outside the published years: never extrapolated).
    pub demand: Option<f64>,
    /// Demand − risked supply (positive = shortfall).
    pub deficit: Option<f64>,
}

/// One year of the outlook.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OutlookYearRecord {
    /// Year.
    pub year: u16,
    /// Current supply held (named countries + residual).
    pub current: f64,
    /// Risked output of projects.
    pub projects: f64,
    /// Secondary supply.
    pub secondary: f64,
    /// Total risked supply.
    pub total: f64,
    /// Demand by scenario.
    pub balance: Vec<BalanceRecord>,
    /// Concentration of the mix by location.
    pub location_mix: MixRecord,
    /// Concentration of the mix by ownership.
    pub ownership_mix: MixRecord,
    /// Supply by location, largest first.
    pub by_location: Vec<CountryQuantity>,
    /// Supply by ownership, largest first.
    pub by_ownership: Vec<CountryQuantity>,
}

/// The risked supply outlook of a mineral and stage against demand.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OutlookDocument {
    /// Mineral id.
    pub mineral: String,
    /// Stage id.
    pub stage: String,
    /// Unit of every quantity.
    pub unit: String,
    /// Source and year of the current supply.
    pub current_source: String,
    /// Projects counted.
    pub projects_counted: Vec<String>,
    /// Projects without a published capacity (not counted).
    pub projects_without_capacity: Vec<String>,
    /// Demand scenarios balanced.
    pub scenarios: Vec<String>,
    /// Scenarios not balanced, and why.
    pub scenarios_skipped: Vec<String>,
    /// Years.
    pub years: Vec<OutlookYearRecord>,
    /// Conventions used.
    pub assumptions: Vec<String>,
}

/// The outlook as a record.
pub fn outlook_document(o: &Outlook) -> OutlookDocument {
    OutlookDocument {
        mineral: o.mineral.to_string(),
        stage: o.stage.to_string(),
        unit: o.unit.clone(),
        current_source: o.current_source.clone(),
        projects_counted: o.projects_counted.clone(),
        projects_without_capacity: o.projects_without_capacity.clone(),
        scenarios: o.scenarios.clone(),
        scenarios_skipped: o.scenarios_skipped.clone(),
        years: o
            .years
            .iter()
            .map(|y| OutlookYearRecord {
                year: y.year,
                current: y.current,
                projects: y.projects,
                secondary: y.secondary,
                total: y.total,
                balance: y
                    .balance
                    .iter()
                    .map(|(scenario, demand, deficit)| BalanceRecord {
                        scenario: scenario.clone(),
                        demand: *demand,
                        deficit: *deficit,
                    })
                    .collect(),
                location_mix: (&y.location_mix).into(),
                ownership_mix: (&y.ownership_mix).into(),
                by_location: quantities(&y.by_location),
                by_ownership: quantities(&y.by_ownership),
            })
            .collect(),
        assumptions: o.assumptions.iter().map(|a| (*a).to_owned()).collect(),
    }
}

/// Computes the outlook of a query on the public data (plus the illustrative projects when
/// asked); stored projects are the caller's to add.
pub(crate) fn compute_outlook(ds: &Dataset, q: &OutlookQuery, stored: &[Project]) -> Result<OutlookDocument, ApiError> {
    let mut projects = Vec::new();
    if q.examples == Some(true) {
        projects.extend(critmin_planner::projects::example_projects(ds).map_err(|e| ApiError::internal(&e))?);
    }
    projects.extend(stored.iter().cloned());
    let o = q.spec().run(ds, &projects, Vec::new()).map_err(|e| match e {
        ComposeError::Invalid(critmin_model::FieldError { field, message }) => {
            ApiError::bad_param(&field, format!("`{field}`: {message}"))
        }
        other => compose_error(other),
    })?;
    Ok(outlook_document(&o))
}

/// Risked supply per year (current + projects × probability + secondary) against the IEA
/// demand scenarios, with the concentration of the future mix (HHI, top-3, partner and FEOC
/// shares) by location and ownership, by year.
#[utoipa::path(get, path = "/api/v1/outlook", tag = "planner", params(OutlookQuery),
    responses((status = 200, body = OutlookDocument), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn get_outlook(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<OutlookQuery>,
) -> Result<Response, ApiError> {
    if q.stored == Some(true) {
        caller.require(Role::Viewer)?;
        let stored: Vec<Project> = stored_projects(&state.store, &state.dataset)
            .await?
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        return Ok(Json(compute_outlook(&state.dataset, &q, &stored)?).into_response());
    }
    let key = format!(
        "outlook|{}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
        q.mineral, q.scenario, q.stage, q.from, q.to, q.partners, q.examples
    );
    state
        .cache
        .get_or_try(&key, || {
            serde_json::to_vec(&compute_outlook(&state.dataset, &q, &[])?)
                .map(Bytes::from)
                .map_err(|e| ApiError::internal(&e))
        })
        .map(|b| ([(header::CONTENT_TYPE, "application/json")], b).into_response())
}

// ---------------------------------------------------------------------------------------------
// Stock model

/// Documentation shape of the stock model request (`critmin_app::plan::StockSpec`).
#[derive(Debug, ToSchema)]
#[schema(as = StockSpec)]
#[allow(dead_code)]
pub struct StockSpecSchema {
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

/// The dynamic stock model by cohort (no key: nothing is stored): stock and outflow from an
/// inflow series, or the inflow a stock series needs, with the secondary supply.
#[utoipa::path(post, path = "/api/v1/recycle/stock", tag = "planner", request_body = StockSpecSchema,
    responses((status = 200, body = StockDocument), (status = 400, body = ErrorBody), (status = 413, body = ErrorBody)))]
pub async fn recycle_stock(
    crate::body::JsonBody(spec): crate::body::JsonBody<StockSpec>,
) -> Result<Json<StockDocument>, ApiError> {
    let document = tokio::task::spawn_blocking(move || critmin_app::recycle::stock(&spec))
        .await
        .map_err(|e| ApiError::internal(&e))?
        .map_err(compose_error)?;
    Ok(Json(document))
}

// ---------------------------------------------------------------------------------------------
// Optimizer: the job and the stored portfolios

/// The optimizer's answer: a portfolio, or why there is none.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
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
    doc.chosen = critmin_app::portfolio::chosen(s);
    doc.market = critmin_app::portfolio::country_values(&s.market);
    doc.shares = critmin_app::portfolio::country_values(&s.shares);
    doc.shadow_prices = critmin_app::portfolio::shadow_prices(s);
    doc.model_size = s.size;
}

/// The request of an `optimize` job: the planner's portfolio spec (the fields of
/// `critmin_app::plan::PortfolioSpec`: buyer, mineral, stage, year, requirement_t,
/// budget_usd, caps, partner_floors, value_of_shortfall_usd_per_t, disruption_scale,
/// time_limit_s, gap, examples, projects, project_ids, risk_scenarios, seed, cvar_alpha).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(transparent)]
#[schema(value_type = PortfolioSpecSchema)]
pub struct OptimizeSpec(pub PortfolioSpec);

/// Documentation shape of `critmin_app::plan::PortfolioSpec` (the fields of an
/// `optimize` job besides `kind`).
#[derive(Debug, ToSchema)]
#[schema(as = PortfolioSpec)]
#[allow(dead_code)]
pub struct PortfolioSpecSchema {
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

/// Checks an optimize request before its job is created (400 naming the field), and replaces
/// its stored-project ids by the stored rows, so the job's parameters hold everything it
/// computes from.
pub(crate) async fn prepare_optimize(state: &AppState, spec: &mut PortfolioSpec) -> Result<(), ApiError> {
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
    tokio::task::spawn_blocking(move || {
        let projects = checked.projects(&ds, &[])?;
        let request = checked.request(&ds, &projects)?;
        PortfolioSpec::problem(&request, &ds).map(|_| ())
    })
    .await
    .map_err(|e| ApiError::internal(&e))?
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
    let request = spec.request(ds, &projects).map_err(|e| e.to_string())?;
    let (mut problem, mut notes) = PortfolioSpec::problem(&request, ds).map_err(|e| e.to_string())?;
    notes.extend(
        critmin_app::portfolio::apply_risk_scenarios(ds, spec, &request.mineral, &request.members, &mut problem)
            .map_err(|e| e.to_string())?,
    );
    let options = SolveOptions {
        time_limit_s: Some(spec.time_limit_s.unwrap_or(DEFAULT_JOB_TIME_LIMIT_S)),
        mip_rel_gap: spec.gap,
    };
    let mut doc = PortfolioDocument {
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
    match optimize(&problem, &options) {
        Ok(s) => solution_fields(&mut doc, &s),
        Err(e @ OptimizeError::Infeasible(_)) => {
            let OptimizeError::Infeasible(v) = &e else {
                unreachable!()
            };
            doc.status = "infeasible".into();
            doc.violations = critmin_app::portfolio::violations(v);
            doc.explanation = Some(e.to_string());
        }
        Err(e) => return Err(e.to_string()),
    }
    progress(1, 1);
    serde_json::to_value(&doc).map_err(|e| e.to_string())
}

/// Saves an optimize job's result as a portfolio and returns the result with its id.
pub(crate) async fn save_portfolio(
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

/// A stored portfolio.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortfolioView {
    /// Id.
    pub id: String,
    /// The job that computed it.
    pub job_id: Option<String>,
    /// Buyer.
    pub buyer: String,
    /// Mineral id.
    pub mineral: String,
    /// `optimal`, `time_limit` or `infeasible`.
    pub status: String,
    /// Why there is no portfolio (infeasible).
    pub explanation: Option<String>,
    /// Public id of the key that asked for it.
    pub created_by: String,
    /// Unix milliseconds.
    pub created_at_ms: i64,
    /// The request as given (absent in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub spec: Option<serde_json::Value>,
    /// The result (absent in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<PortfolioDocument>,
    /// Objective in USD (absent when infeasible).
    pub objective_usd: Option<f64>,
}

pub(crate) fn portfolio_view(r: PortfolioRecord, full: bool) -> Result<PortfolioView, ApiError> {
    let doc: PortfolioDocument = serde_json::from_value(r.new.result).map_err(|e| ApiError::internal(&e))?;
    Ok(PortfolioView {
        id: r.id,
        job_id: r.new.job_id,
        buyer: r.new.buyer,
        mineral: r.new.mineral,
        status: r.new.status,
        explanation: r.new.explanation,
        created_by: r.created_by,
        created_at_ms: r.created_at_ms,
        objective_usd: doc.objective_usd,
        spec: full.then_some(r.new.spec),
        result: full.then_some(doc),
    })
}

/// The latest portfolios (at most 100), newest first (role viewer or higher).
#[utoipa::path(get, path = "/api/v1/portfolios", tag = "planner", security(("bearer" = [])),
    responses((status = 200, body = [PortfolioView]), (status = 401, body = ErrorBody)))]
pub async fn list_portfolios(
    State(state): State<AppState>,
    _viewer: Authorized<Viewer>,
) -> Result<Json<Vec<PortfolioView>>, ApiError> {
    let list = state.store.list_portfolios(PORTFOLIO_LIST_LIMIT).await?;
    Ok(Json(
        list.into_iter()
            .map(|r| portfolio_view(r, false))
            .collect::<Result<_, _>>()?,
    ))
}

/// One portfolio with its request and result (role viewer or higher).
#[utoipa::path(get, path = "/api/v1/portfolios/{id}", tag = "planner", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = PortfolioView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_portfolio(
    State(state): State<AppState>,
    _viewer: Authorized<Viewer>,
    Path(id): Path<String>,
) -> Result<Json<PortfolioView>, ApiError> {
    let r = state
        .store
        .get_portfolio(&id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no portfolio {id}")))?;
    Ok(Json(portfolio_view(r, true)?))
}
