//! The `/api/v1` routes and their OpenAPI description.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use critmin_data::{FileKind, InputFile, embedded_file, embedded_inputs, load, overlay};
use critmin_store::{NewDataset, Role};
use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{ApiKey as ApiKeyScheme, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};

use crate::AppState;
use crate::auth::{Admin, Analyst, Authorized, Caller, Viewer};
use crate::body::{ApiQuery, JsonBody};
use crate::error::{ApiError, ErrorBody};
use crate::jobs;
use crate::records::{self, ConcentrationDocument, ExposureDocument, MineralRecord, ProblemRecord, SupplyDocument};
use crate::stress;

/// The OpenAPI document of `/api/v1`.
#[derive(OpenApi)]
#[openapi(
    info(title = "critmin API", description = "Critical-mineral supply chains: supply shares, concentration, exposure, imported datasets, jobs, shocks, Monte Carlo runs, trade metrics, projects, outlooks, optimizer runs and the chain-of-custody ledger. Reads of the public dataset need no key; writes need `Authorization: Bearer KEY` (create keys with `critmin keys create`)."),
    paths(
        list_minerals,
        get_supply,
        get_concentration,
        get_exposure,
        list_datasets,
        create_dataset,
        get_dataset,
        create_key,
        jobs::create_job,
        jobs::get_job,
        jobs::get_job_result,
        crate::ledger::append_entries,
        crate::ledger::list_entries,
        crate::ledger::get_entry,
        crate::ledger::list_checkpoints,
        crate::ledger::latest_checkpoint,
        crate::ledger::get_lot,
        crate::ledger::get_provenance,
        crate::ledger::get_claim,
        crate::ledger::get_bundle,
        crate::ledger::inclusion_proof,
        crate::ledger::consistency_proof,
        stress::list_scenarios,
        stress::create_scenario,
        stress::get_scenario,
        stress::run_scenario,
        stress::create_shock,
        stress::list_trade,
        stress::upload_trade,
        stress::trade_hhi,
        stress::trade_dependence,
        crate::planner::list_projects,
        crate::planner::import_projects,
        crate::planner::get_project,
        crate::planner::get_outlook,
        crate::planner::recycle_stock,
        crate::planner::list_portfolios,
        crate::planner::get_portfolio
    ),
    components(schemas(
        ErrorBody,
        ProblemRecord,
        stress::NamedScenarioView,
        stress::SavedScenarioView,
        stress::TradeView,
        crate::planner::PortfolioDocument
    )),
    modifiers(&SecurityAddon)
)]
pub struct ApiDoc;

struct SecurityAddon;

impl Modify for SecurityAddon {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKeyScheme::Header(ApiKeyValue::new("x-api-key"))),
        );
    }
}

/// The `/api/v1` routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi_json))
        .route("/api/v1/minerals", get(list_minerals))
        .route("/api/v1/supply", get(get_supply))
        .route("/api/v1/concentration", get(get_concentration))
        .route("/api/v1/exposure/{country}", get(get_exposure))
        .route("/api/v1/datasets", get(list_datasets).post(create_dataset))
        .route("/api/v1/datasets/{id}", get(get_dataset))
        .route("/api/v1/keys", post(create_key))
        .route("/api/v1/jobs", post(jobs::create_job))
        .route("/api/v1/jobs/{id}", get(jobs::get_job))
        .route("/api/v1/jobs/{id}/result", get(jobs::get_job_result))
}

/// A JSON answer from serialized bytes.
fn json_bytes(bytes: Bytes) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], bytes).into_response()
}

fn to_bytes<T: Serialize>(value: &T) -> Result<Bytes, ApiError> {
    serde_json::to_vec(value)
        .map(Bytes::from)
        .map_err(|e| ApiError::internal(&e))
}

/// The dataset a read runs on: the public one, or a stored one for a key with role viewer or
/// higher.
async fn read_dataset(
    state: &AppState,
    caller: &Caller,
    id: Option<&str>,
) -> Result<std::sync::Arc<critmin_model::Dataset>, ApiError> {
    if id.is_some() {
        caller.require(Role::Viewer)?;
    }
    jobs::dataset_for(state, id).await
}

/// The OpenAPI document; a server built without the optimizer says so in its description.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    if !cfg!(feature = "solver") {
        let description = doc.info.description.get_or_insert_with(String::new);
        description.push_str(" Optimizer: ");
        description.push_str(crate::planner::NO_SOLVER);
        description.push_str("; they answer 501.");
    }
    doc
}

async fn openapi_json(State(state): State<AppState>) -> Result<Response, ApiError> {
    state
        .cache
        .get_or_try("openapi", || {
            openapi_document()
                .to_json()
                .map(Bytes::from)
                .map_err(|e| ApiError::internal(&e))
        })
        .map(json_bytes)
}

/// Every mineral with the series available for it.
#[utoipa::path(get, path = "/api/v1/minerals", tag = "public data",
    responses((status = 200, description = "Minerals", body = [MineralRecord])))]
pub async fn list_minerals(State(state): State<AppState>) -> Result<Response, ApiError> {
    state
        .cache
        .get_or_try("minerals", || to_bytes(&critmin_app::catalog::minerals(&state.dataset)))
        .map(json_bytes)
}

/// Filters of the supply query.
#[derive(Debug, Deserialize, IntoParams)]
pub struct SupplyQuery {
    /// Mineral id or alias (required).
    pub mineral: String,
    /// Stage id (`mine`, `refined`, ...). Default: mine production when there is one.
    pub stage: Option<String>,
    /// Year. Default: the latest.
    pub year: Option<u16>,
    /// Source edition code. Default: the source naming the most countries.
    pub source: Option<String>,
    /// Id of a stored dataset (needs a key, role viewer or higher); the public dataset when absent.
    pub dataset: Option<String>,
}

/// Country shares of one series (the series `critmin supply` picks for the same filters).
#[utoipa::path(get, path = "/api/v1/supply", tag = "public data", params(SupplyQuery),
    responses((status = 200, body = SupplyDocument), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_supply(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<SupplyQuery>,
) -> Result<Response, ApiError> {
    let ds = read_dataset(&state, &caller, q.dataset.as_deref()).await?;
    let key = format!(
        "supply|{:?}|{}|{:?}|{:?}|{:?}",
        q.dataset, q.mineral, q.stage, q.year, q.source
    );
    state
        .cache
        .get_or_try(&key, || {
            let query = records::SupplyQuery {
                mineral: q.mineral.clone(),
                stage: q.stage.clone(),
                year: q.year,
                source: q.source.clone(),
            };
            to_bytes(&critmin_app::supply::supply(&ds, &query).map_err(records::supply_error)?)
        })
        .map(json_bytes)
}

/// Filters of the concentration query; all optional.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ConcentrationQuery {
    /// Mineral id or alias.
    pub mineral: Option<String>,
    /// Stage id.
    pub stage: Option<String>,
    /// Year.
    pub year: Option<u16>,
    /// Source edition code.
    pub source: Option<String>,
    /// Id of a stored dataset (needs a key, role viewer or higher); the public dataset when absent.
    pub dataset: Option<String>,
}

/// Concentration (HHI bounds, top-3, FEOC share, governance HHI) of every matching series.
#[utoipa::path(get, path = "/api/v1/concentration", tag = "public data", params(ConcentrationQuery),
    responses((status = 200, body = ConcentrationDocument), (status = 400, body = ErrorBody)))]
pub async fn get_concentration(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ConcentrationQuery>,
) -> Result<Response, ApiError> {
    let key = format!(
        "concentration|{:?}|{:?}|{:?}|{:?}",
        q.mineral, q.stage, q.year, q.source
    );
    state
        .cache
        .get_or_try(&key, || {
            let query = records::ConcentrationQuery {
                mineral: q.mineral.clone(),
                stage: q.stage.clone(),
                year: q.year,
                source: q.source.clone(),
            };
            to_bytes(&critmin_app::concentration::concentration(&state.dataset, &query).map_err(records::field_error)?)
        })
        .map(json_bytes)
}

/// Partner definition of the exposure query.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ExposureQuery {
    /// Partner groups and/or ISO3 codes joined with `+` (msp, quad, g7, eu27, oecd, ipef,
    /// us-fta, us-cma, ira-fta, feoc). Default: msp.
    pub partners: Option<String>,
    /// Id of a stored dataset (needs a key, role viewer or higher); the public dataset when absent.
    pub dataset: Option<String>,
}

/// A country's exposure: import reliance, stage concentration, domestic, partner and FEOC
/// shares, for every mineral.
#[utoipa::path(get, path = "/api/v1/exposure/{country}", tag = "public data",
    params(("country" = String, Path, description = "ISO 3166-1 alpha-3 code, e.g. IND or USA"), ExposureQuery),
    responses((status = 200, body = ExposureDocument), (status = 400, body = ErrorBody)))]
pub async fn get_exposure(
    State(state): State<AppState>,
    caller: Caller,
    Path(country): Path<String>,
    ApiQuery(q): ApiQuery<ExposureQuery>,
) -> Result<Response, ApiError> {
    let ds = read_dataset(&state, &caller, q.dataset.as_deref()).await?;
    let partners_text = q.partners.unwrap_or_else(|| "msp".to_owned());
    let key = format!(
        "exposure|{:?}|{}|{partners_text}",
        q.dataset,
        country.to_ascii_uppercase()
    );
    state
        .cache
        .get_or_try(&key, || {
            let query = records::ExposureQuery {
                country: country.clone(),
                partners: partners_text.clone(),
            };
            to_bytes(&critmin_app::exposure::exposure(&ds, &query).map_err(records::field_error)?)
        })
        .map(json_bytes)
}

/// A dataset upload: CSV files in the shapes of the embedded files.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DatasetUpload {
    /// A name for the dataset (1–200 characters).
    pub name: String,
    /// The files; a file named like an embedded one replaces it, any other CSV of a known
    /// shape is added.
    pub files: Vec<UploadFile>,
}

/// One uploaded file.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadFile {
    /// File name ending in `.csv`.
    pub name: String,
    /// The CSV text.
    pub content: String,
}

/// What validation found for an accepted dataset.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ValidationReport {
    /// Always true for a stored dataset (a dataset with problems is rejected with 422).
    pub valid: bool,
    /// The files and how each was used.
    pub files: Vec<FileReport>,
    /// Series in the combined dataset.
    pub series: usize,
    /// Observation rows in the combined dataset.
    pub observation_rows: usize,
}

/// How one uploaded file was used.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FileReport {
    /// File name.
    pub name: String,
    /// `replaces` an embedded file of that name, or `adds` a table.
    pub action: String,
    /// Data rows (lines after the header).
    pub rows: usize,
}

/// A stored dataset.
#[derive(Debug, Serialize, ToSchema)]
pub struct DatasetView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Public id of the key that imported it.
    pub created_by: String,
    /// Unix milliseconds.
    pub created_at_ms: i64,
    /// The validation report (absent in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<serde_json::Value>,
    /// The file names (absent in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub files: Option<Vec<String>>,
}

fn view(s: critmin_store::DatasetSummary) -> DatasetView {
    DatasetView {
        id: s.id,
        name: s.name,
        created_by: s.created_by,
        created_at_ms: s.created_at_ms,
        report: None,
        files: None,
    }
}

/// Stored datasets, oldest first (role viewer or higher).
#[utoipa::path(get, path = "/api/v1/datasets", tag = "datasets", security(("bearer" = [])),
    responses((status = 200, body = [DatasetView]), (status = 401, body = ErrorBody)))]
pub async fn list_datasets(
    State(state): State<AppState>,
    _viewer: Authorized<Viewer>,
) -> Result<Json<Vec<DatasetView>>, ApiError> {
    Ok(Json(state.store.list_datasets().await?.into_iter().map(view).collect()))
}

/// One stored dataset with its validation report (role viewer or higher).
#[utoipa::path(get, path = "/api/v1/datasets/{id}", tag = "datasets", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = DatasetView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_dataset(
    State(state): State<AppState>,
    _viewer: Authorized<Viewer>,
    Path(id): Path<String>,
) -> Result<Json<DatasetView>, ApiError> {
    let record = state
        .store
        .get_dataset(&id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no dataset {id}")))?;
    let files: Vec<UploadFile> = serde_json::from_value(record.files).map_err(|e| ApiError::internal(&e))?;
    Ok(Json(DatasetView {
        report: Some(record.report),
        files: Some(files.into_iter().map(|f| f.name).collect()),
        ..view(record.summary)
    }))
}

/// Validates the files against the embedded data (all problems, or a report).
pub fn validate_upload(files: &[UploadFile]) -> Result<ValidationReport, ApiError> {
    let mut problems = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let header: Vec<String> = f
            .content
            .lines()
            .next()
            .unwrap_or("")
            .split(',')
            .map(|h| h.trim().to_owned())
            .collect();
        let known = FileKind::from_name(&f.name).is_some() || FileKind::from_header(&header).is_some();
        if !f.name.ends_with(".csv") || !known {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_body",
                format!(
                    "file `{}`: expected a .csv file named like an embedded file or with the header of one",
                    f.name
                ),
            )
            .with_field(format!("files[{i}].name")));
        }
    }
    let inputs: Vec<InputFile> = files
        .iter()
        .map(|f| InputFile {
            name: f.name.clone(),
            text: f.content.clone(),
        })
        .collect();
    match load(&overlay(embedded_inputs(), inputs)) {
        Ok(ds) => Ok(ValidationReport {
            valid: true,
            files: files
                .iter()
                .map(|f| FileReport {
                    name: f.name.clone(),
                    action: if embedded_file(&f.name).is_some() {
                        "replaces"
                    } else {
                        "adds"
                    }
                    .to_owned(),
                    rows: f.content.lines().count().saturating_sub(1),
                })
                .collect(),
            series: ds.series.len(),
            observation_rows: ds.tables.iter().map(|t| t.observations.len()).sum(),
        }),
        Err(e) => {
            problems.extend(e.problems().iter().map(ProblemRecord::from));
            Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_data",
                format!(
                    "the files have {} problem(s); nothing was stored",
                    problems.len().max(1)
                ),
            )
            .with_problems(problems))
        }
    }
}

/// Imports a dataset (role analyst or higher): every row is validated with the embedded data;
/// stored with its validation report only when there is no problem.
#[utoipa::path(post, path = "/api/v1/datasets", tag = "datasets", security(("bearer" = [])),
    request_body = DatasetUpload,
    responses((status = 201, body = DatasetView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_dataset(
    State(state): State<AppState>,
    Authorized(key, _): Authorized<Analyst>,
    JsonBody(upload): JsonBody<DatasetUpload>,
) -> Result<(StatusCode, Json<DatasetView>), ApiError> {
    let name = upload.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_body",
            "name: expected 1–200 characters",
        )
        .with_field("name"));
    }
    if upload.files.is_empty() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_body",
            "files: expected at least one file",
        )
        .with_field("files"));
    }
    let files = upload.files;
    let (files, report) = tokio::task::spawn_blocking(move || validate_upload(&files).map(|r| (files, r)))
        .await
        .map_err(|e| ApiError::internal(&e))??;
    let new = NewDataset {
        name,
        files: serde_json::to_value(&files).map_err(|e| ApiError::internal(&e))?,
        report: serde_json::to_value(&report).map_err(|e| ApiError::internal(&e))?,
    };
    let store = state.store.clone();
    // Its own task: a client that goes away cannot cancel the insert half-way.
    let summary = tokio::spawn(async move { store.insert_dataset(&key.id, &new).await })
        .await
        .map_err(|e| ApiError::internal(&e))??;
    tracing::info!(dataset = %summary.id, by = %summary.created_by, "dataset stored");
    let report = serde_json::to_value(&report).map_err(|e| ApiError::internal(&e))?;
    Ok((
        StatusCode::CREATED,
        Json(DatasetView {
            report: Some(report),
            files: Some(files.into_iter().map(|f| f.name).collect()),
            ..view(summary)
        }),
    ))
}

/// A key to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyRequest {
    /// `admin`, `analyst` or `viewer`.
    #[schema(value_type = String)]
    pub role: Role,
    /// Free text naming the holder.
    #[serde(default)]
    pub label: String,
}

/// A created key: the secret is shown here once and stored only as a hash.
#[derive(Debug, Serialize, ToSchema)]
pub struct KeyView {
    /// Public id.
    pub id: String,
    /// Role.
    pub role: String,
    /// Label.
    pub label: String,
    /// The secret to send as `Authorization: Bearer …`.
    pub secret: String,
}

/// Creates an API key (role admin).
#[utoipa::path(post, path = "/api/v1/keys", tag = "keys", security(("bearer" = [])), request_body = KeyRequest,
    responses((status = 201, body = KeyView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create_key(
    State(state): State<AppState>,
    _admin: Authorized<Admin>,
    JsonBody(req): JsonBody<KeyRequest>,
) -> Result<(StatusCode, Json<KeyView>), ApiError> {
    let store = state.store.clone();
    let created = tokio::spawn(async move { store.create_key(req.role, &req.label).await })
        .await
        .map_err(|e| ApiError::internal(&e))??;
    Ok((
        StatusCode::CREATED,
        Json(KeyView {
            id: created.key.id,
            role: created.key.role.to_string(),
            label: created.key.label,
            secret: created.secret,
        }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The document says whether optimize jobs are available, and the optimize job's fields are
    /// documented either way (the request is the same; only the answer differs).
    #[test]
    fn openapi_says_whether_the_optimizer_is_built_in() {
        let doc = openapi_document();
        let description = doc.info.description.unwrap_or_default();
        assert_eq!(
            description.contains(crate::planner::NO_SOLVER),
            !cfg!(feature = "solver"),
            "{description}"
        );
        let json = openapi_document().to_json().unwrap();
        assert!(
            json.contains("risk_scenarios"),
            "the optimize job's fields are documented"
        );
    }
}
