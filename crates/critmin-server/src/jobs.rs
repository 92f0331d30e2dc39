//! Jobs: long computations run in the background. `POST /api/v1/jobs` validates the request,
//! stores a queued job and answers 202 with its status URL; a task computes it on the
//! blocking pool, reporting progress to the store; `GET /api/v1/jobs/{id}` shows status and
//! progress, and the result URL once it succeeded.
//!
//! A new kind of job (shocks, Monte Carlo, optimizer runs) is a new [`JobRequest`] variant
//! and an arm in [`compute`]; the table, the runner and the routes stay as they are.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use critmin_data::{InputFile, embedded_inputs, load, overlay};
use critmin_model::Dataset;
use critmin_store::{JobRecord, JobStatus, Store};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::UploadFile;
use crate::auth::{Analyst, Authorized, Viewer};
use crate::body::JsonBody;
use crate::error::{ApiError, ErrorBody};
use crate::records;

/// What to compute.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum JobRequest {
    /// The concentration of every series (optionally of one source or year), on the public
    /// dataset or on a stored dataset; progress counts minerals.
    ConcentrationOverview {
        /// Id of a stored dataset; the public dataset when absent.
        #[serde(default)]
        dataset: Option<String>,
        /// Only this source edition.
        #[serde(default)]
        source: Option<String>,
        /// Only this year.
        #[serde(default)]
        year: Option<u16>,
    },
    /// A deterministic shock on the public dataset (fields as `POST /api/v1/shocks`); the
    /// result is the shock document.
    #[schema(value_type = Object)]
    Shock(critmin_app::stress::ShockSpec),
    /// A Monte Carlo supply-at-risk run on the public dataset (fields as `critmin risk`:
    /// `mineral`, `scenarios` ≤ 1,000,000, `seed`, `country`, `threshold`, probability
    /// overrides, `network`); progress counts scenarios.
    #[schema(value_type = Object)]
    Risk(critmin_app::stress::RiskSpec),
    /// The diversification portfolio of a buyer (MILP, HiGHS); the result, or the explanation
    /// of an infeasible problem, is stored as a portfolio (`/api/v1/portfolios`).
    Optimize(crate::planner::OptimizeSpec),
}

impl JobRequest {
    /// The stored name of the kind.
    pub fn kind(&self) -> &'static str {
        match self {
            JobRequest::ConcentrationOverview { .. } => "concentration-overview",
            JobRequest::Shock(_) => "shock",
            JobRequest::Risk(_) => "risk",
            JobRequest::Optimize(_) => "optimize",
        }
    }
}

/// Progress of a job.
#[derive(Debug, Serialize, ToSchema)]
pub struct Progress {
    /// Units done.
    pub done: i64,
    /// Units in all (0 while unknown).
    pub total: i64,
    /// done / total, 0 while unknown.
    pub fraction: f64,
}

/// A job as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobView {
    /// Id.
    pub id: String,
    /// Kind (`concentration-overview`, `shock`, `risk`, `optimize`).
    pub kind: String,
    /// `queued`, `running`, `succeeded` or `failed`.
    pub status: String,
    /// Progress.
    pub progress: Progress,
    /// The request as given.
    pub params: serde_json::Value,
    /// This job's URL.
    pub status_url: String,
    /// Where the result is, once succeeded.
    pub result_url: Option<String>,
    /// Why it failed.
    pub error: Option<String>,
    /// Unix milliseconds.
    pub created_at_ms: i64,
    /// Unix milliseconds of the last change.
    pub updated_at_ms: i64,
}

impl From<JobRecord> for JobView {
    fn from(j: JobRecord) -> JobView {
        let status_url = format!("/api/v1/jobs/{}", j.id);
        JobView {
            result_url: (j.status == JobStatus::Succeeded).then(|| format!("{status_url}/result")),
            status_url,
            id: j.id,
            kind: j.kind,
            status: j.status.as_str().to_owned(),
            progress: Progress {
                done: j.progress_done,
                total: j.progress_total,
                fraction: if j.progress_total > 0 {
                    j.progress_done as f64 / j.progress_total as f64
                } else {
                    0.0
                },
            },
            params: j.params,
            error: j.error,
            created_at_ms: j.created_at_ms,
            updated_at_ms: j.updated_at_ms,
        }
    }
}

/// The public dataset, or a stored one rebuilt from its files (kept in memory afterwards:
/// stored datasets never change). An unknown id is a 400 naming the field `dataset`.
pub(crate) async fn dataset_for(state: &AppState, id: Option<&str>) -> Result<Arc<Dataset>, ApiError> {
    let Some(id) = id else {
        return Ok(state.dataset.clone());
    };
    if let Some(ds) = state.stored.lock().unwrap_or_else(|p| p.into_inner()).get(id) {
        return Ok(ds.clone());
    }
    let record = state.store.get_dataset(id).await?.ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_body",
            format!("no stored dataset {id}"),
        )
        .with_field("dataset")
    })?;
    let files: Vec<UploadFile> = serde_json::from_value(record.files).map_err(|e| ApiError::internal(&e))?;
    let dataset = tokio::task::spawn_blocking(move || {
        let inputs = files
            .into_iter()
            .map(|f| InputFile {
                name: f.name,
                text: f.content,
            })
            .collect();
        load(&overlay(embedded_inputs(), inputs)).map(Arc::new)
    })
    .await
    .map_err(|e| ApiError::internal(&e))?
    .map_err(|e| ApiError::internal(&e))?;
    let mut stored = state.stored.lock().unwrap_or_else(|p| p.into_inner());
    if stored.len() < 16 {
        stored.insert(id.to_owned(), dataset.clone());
    }
    Ok(dataset)
}

/// Computes a job on the blocking pool; `progress(done, total)` is called as it goes, from
/// any thread (a Monte Carlo reports from rayon's workers).
pub fn compute(
    request: &JobRequest,
    dataset: &Dataset,
    progress: &(dyn Fn(i64, i64) + Send + Sync),
) -> Result<serde_json::Value, String> {
    match request {
        JobRequest::ConcentrationOverview { source, year, .. } => {
            let total = dataset.minerals.len() as i64;
            let mut series = Vec::new();
            let mut left_out = Vec::new();
            progress(0, total);
            for (i, mineral) in dataset.minerals.iter().enumerate() {
                let query = records::ConcentrationQuery {
                    mineral: Some(mineral.id.to_string()),
                    stage: None,
                    year: *year,
                    source: source.clone(),
                };
                let doc = critmin_app::concentration::concentration(dataset, &query).map_err(|e| e.to_string())?;
                series.extend(doc.series);
                left_out.extend(doc.left_out);
                progress(i as i64 + 1, total);
            }
            serde_json::to_value(records::ConcentrationDocument { series, left_out }).map_err(|e| e.to_string())
        }
        JobRequest::Shock(spec) => {
            let scenarios = critmin_network::Scenarios::embedded().map_err(|e| e.to_string())?;
            progress(0, 1);
            let doc = crate::stress::shock_document(dataset, &scenarios, spec).map_err(|e| e.to_string())?;
            progress(1, 1);
            serde_json::to_value(doc).map_err(|e| e.to_string())
        }
        JobRequest::Risk(spec) => {
            let scenarios = critmin_network::Scenarios::embedded().map_err(|e| e.to_string())?;
            let doc = crate::stress::risk_document(dataset, &scenarios, spec, progress).map_err(|e| e.to_string())?;
            serde_json::to_value(doc).map_err(|e| e.to_string())
        }
        JobRequest::Optimize(spec) => {
            crate::planner::compute_optimize(&spec.0, dataset, &mut |done, total| progress(done, total))
        }
    }
}

/// Runs a stored job to its end, recording progress, result or failure; `created_by` (the
/// key that started it) owns what the job stores besides its result.
async fn run(store: Store, id: String, request: JobRequest, dataset: Arc<Dataset>, created_by: String) {
    let optimize_spec = match &request {
        JobRequest::Optimize(spec) => Some(spec.0.clone()),
        _ => None,
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(i64, i64)>();
    let work = tokio::task::spawn_blocking(move || {
        compute(&request, &dataset, &move |done, total| {
            let _ = tx.send((done, total));
        })
    });
    while let Some((done, total)) = rx.recv().await {
        if let Err(e) = store.set_job_progress(&id, done, total).await {
            tracing::warn!(job = %id, error = %e, "recording progress");
        }
    }
    let work = match (work.await, optimize_spec) {
        (Ok(Ok(result)), Some(spec)) => {
            Ok(crate::planner::save_portfolio(&store, &id, &created_by, &spec, result).await)
        }
        (other, _) => other,
    };
    let outcome = match work {
        Ok(Ok(result)) => store.finish_job(&id, &result).await,
        Ok(Err(message)) => store.fail_job(&id, &message).await,
        Err(panic) => store.fail_job(&id, &format!("the computation panicked: {panic}")).await,
    };
    match outcome {
        Ok(()) => tracing::info!(job = %id, "job finished"),
        Err(e) => tracing::error!(job = %id, error = %e, "recording the end of a job"),
    }
}

/// Reads a job request, naming the field at fault: a kind that wraps a spec (`optimize`,
/// `shock`, `risk`) is read as the spec itself, so its fields' paths survive, which they do
/// not through the internally tagged [`JobRequest`]; other kinds as a `JobRequest`.
fn parse_request(body: serde_json::Value) -> Result<JobRequest, ApiError> {
    fn named<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> Result<T, ApiError> {
        serde_path_to_error::deserialize(v).map_err(|e| {
            let path = e.path().to_string();
            let message = format!("field `{path}`: {}", e.into_inner());
            let err = ApiError::new(StatusCode::BAD_REQUEST, "invalid_body", message);
            if path == "." { err } else { err.with_field(path) }
        })
    }
    // The variants that wrap a spec are read as the spec itself, so a type error inside one
    // names its field (serde loses the path inside an internally tagged enum).
    let kind = body.get("kind").and_then(|k| k.as_str()).map(str::to_owned);
    let spec_body = || {
        let mut inner = body.clone();
        if let Some(map) = inner.as_object_mut() {
            map.remove("kind");
        }
        inner
    };
    match kind.as_deref() {
        Some("optimize") => named(spec_body()).map(|spec| JobRequest::Optimize(crate::planner::OptimizeSpec(spec))),
        Some("shock") => named(spec_body()).map(JobRequest::Shock),
        Some("risk") => named(spec_body()).map(JobRequest::Risk),
        _ => named(body),
    }
}

/// Starts a job (role analyst or higher); answers 202 with its status URL.
#[utoipa::path(post, path = "/api/v1/jobs", tag = "jobs", security(("bearer" = [])), request_body = JobRequest,
    responses((status = 202, body = JobView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn create_job(
    State(state): State<AppState>,
    Authorized(key, _): Authorized<Analyst>,
    JsonBody(body): JsonBody<serde_json::Value>,
) -> Result<Response, ApiError> {
    let mut request = parse_request(body)?;
    let dataset = match &mut request {
        JobRequest::ConcentrationOverview { dataset, .. } => dataset_for(&state, dataset.as_deref()).await?,
        JobRequest::Shock(_) | JobRequest::Risk(_) => crate::stress::validate_job(&state, &request).await?,
        JobRequest::Optimize(spec) => {
            crate::planner::prepare_optimize(&state, &mut spec.0).await?;
            state.dataset.clone()
        }
    };
    let params = serde_json::to_value(&request).map_err(|e| ApiError::internal(&e))?;
    let id = state.store.create_job(request.kind(), &params, &key.id).await?;
    tokio::spawn(run(state.store.clone(), id.clone(), request, dataset, key.id.clone()));
    let job = state
        .store
        .get_job(&id)
        .await?
        .ok_or_else(|| ApiError::internal(&"job vanished"))?;
    let view = JobView::from(job);
    let location = view.status_url.clone();
    Ok((StatusCode::ACCEPTED, [(header::LOCATION, location)], Json(view)).into_response())
}

/// Status and progress of a job (role viewer or higher).
#[utoipa::path(get, path = "/api/v1/jobs/{id}", tag = "jobs", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = JobView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_job(
    State(state): State<AppState>,
    _viewer: Authorized<Viewer>,
    Path(id): Path<String>,
) -> Result<Json<JobView>, ApiError> {
    let job = state
        .store
        .get_job(&id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no job {id}")))?;
    Ok(Json(job.into()))
}

/// The result of a succeeded job (role viewer or higher); 409 while it is not done.
#[utoipa::path(get, path = "/api/v1/jobs/{id}/result", tag = "jobs", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, description = "The result; its shape depends on the kind"), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn get_job_result(
    State(state): State<AppState>,
    _viewer: Authorized<Viewer>,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let job = state
        .store
        .get_job(&id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no job {id}")))?;
    match (job.status, job.result) {
        (JobStatus::Succeeded, Some(result)) => Ok(Json(result)),
        (status, _) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "not_ready",
            format!("job {id} is {}; the result exists once it succeeded", status.as_str()),
        )),
    }
}
