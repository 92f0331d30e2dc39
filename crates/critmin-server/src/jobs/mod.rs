//! Jobs: long computations run in the background. `POST /api/v1/jobs` validates the request,
//! stores a queued job and answers 202 with its status URL; a task computes it on the
//! blocking pool, reporting progress to the store; `GET /api/v1/jobs/{id}` shows status and
//! progress, and the result URL once it succeeded.
//!
//! A kind of job is registered by the feature that computes it ([`JobKind`]: its name, how a
//! request is checked and started, how its result is computed and what it keeps besides); the
//! table, the runner and the routes stay as they are.

mod registry;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use critmin_store::{JobRecord, JobStatus, Store};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::{Analyst, Authorized, Viewer};
use crate::body::JsonBody;
use crate::error::{ApiError, ErrorBody};

pub use registry::{BoxFuture, Compute, JobKind, JobOwner, JobRegistry, Keep, ProgressFn, Started, read, result};

/// The OpenAPI part of the jobs routes (the request schema is built from the registered kinds).
#[derive(utoipa::OpenApi)]
#[openapi(paths(create_job, get_job, get_job_result))]
pub struct Api;

/// The `/api/v1/jobs` routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/api/v1/jobs", post(create_job))
        .route("/api/v1/jobs/{id}", get(get_job))
        .route("/api/v1/jobs/{id}/result", get(get_job_result))
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

/// Runs a started job to its end, recording progress, result or failure.
async fn run(store: Store, owner: JobOwner, started: Started) {
    let id = owner.job_id.clone();
    let Started { compute, keep, .. } = started;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(i64, i64)>();
    let work = tokio::task::spawn_blocking(move || {
        compute(&move |done, total| {
            let _ = tx.send((done, total));
        })
    });
    while let Some((done, total)) = rx.recv().await {
        if let Err(e) = store.set_job_progress(&id, done, total).await {
            tracing::warn!(job = %id, error = %e, "recording progress");
        }
    }
    let work = match (work.await, keep) {
        (Ok(Ok(result)), Some(keep)) => Ok(keep(store.clone(), owner, result).await),
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

/// Starts a job (role analyst or higher); answers 202 with its status URL.
#[utoipa::path(post, path = "/api/v1/jobs", tag = "jobs", security(("bearer" = [])),
    request_body(content = Object, description = "A job request: `kind` and its fields (schema `JobRequest`)"),
    responses((status = 202, body = JobView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn create_job(
    State(state): State<AppState>,
    Authorized(key, _): Authorized<Analyst>,
    JsonBody(body): JsonBody<serde_json::Value>,
) -> Result<Response, ApiError> {
    let (kind, fields) = state.jobs.kind_of(body)?;
    let mut started = (kind.start)(&state, fields).await?;
    let params = registry::tagged(kind.name, std::mem::take(&mut started.params));
    let id = state.store.create_job(kind.name, &params, &key.id).await?;
    let owner = JobOwner {
        job_id: id.clone(),
        created_by: key.id.clone(),
    };
    tokio::spawn(run(state.store.clone(), owner, started));
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
