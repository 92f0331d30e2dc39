//! Projects: India's shipped pipeline (public) and the projects users import (stored, read
//! with role viewer or higher, imported with role analyst), listed as `critmin-app`'s
//! [`ProjectRecord`], the record `critmin projects list` prints.

use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, header};
use critmin_app::plan::{parse_project_rows, parse_project_text};
use critmin_app::projects::ProjectRecord;
use critmin_model::Dataset;
use critmin_planner::pipeline::{PipelineEntry, india_pipeline};
use critmin_planner::projects::{Project, projects_to_csv};
use critmin_store::{MAX_PROJECTS_PER_REQUEST, NewProject, PlannerStoreError, Role, Store, StoredProject};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::compose_error;
use crate::AppState;
use crate::auth::{Analyst, Authorized, Caller};
use crate::body::{parse, read_limited};
use crate::error::{ApiError, ErrorBody};

fn pipeline() -> Result<Vec<PipelineEntry>, ApiError> {
    india_pipeline().map_err(|e| ApiError::internal(&e))
}

/// A stored project as listed, with its import.
fn stored_record(s: &StoredProject, p: &Project) -> ProjectRecord {
    ProjectRecord::project(p).imported(&s.import_id, &s.created_by, s.created_at_ms)
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
    pub projects: Vec<ProjectRecord>,
}

/// India's published pipeline (auctions, overseas ventures, mission targets; capacities are
/// never published, so none is given) and, for a key with role viewer or higher, the stored
/// projects.
#[utoipa::path(get, path = "/api/v1/projects", tag = "planner",
    responses((status = 200, body = ProjectList), (status = 401, body = ErrorBody)))]
pub(super) async fn list_projects(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<ProjectList>, ApiError> {
    let mut projects: Vec<ProjectRecord> = pipeline()?.into_iter().map(ProjectRecord::pipeline).collect();
    let stored_included = caller.require(Role::Viewer).is_ok();
    if stored_included {
        for (s, p) in stored_projects(&state.store, &state.dataset).await? {
            projects.push(stored_record(&s, &p));
        }
    }
    Ok(Json(ProjectList {
        stored_included,
        projects,
    }))
}

/// One project: a pipeline row (no key) or a stored project (role viewer or higher).
#[utoipa::path(get, path = "/api/v1/projects/{id}", tag = "planner", params(("id" = String, Path)),
    responses((status = 200, body = ProjectRecord), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn get_project(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ProjectRecord>, ApiError> {
    if let Some(e) = pipeline()?.into_iter().find(|e| e.id == id) {
        return Ok(Json(ProjectRecord::pipeline(e)));
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
    Ok(Json(stored_record(&s, &p)))
}

/// Projects to import as JSON (the alternative is the CSV file itself, `Content-Type:
/// text/csv`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectImport {
    /// One object per project, with the columns of a project CSV file as keys.
    pub projects: Vec<critmin_app::plan::ProjectRow>,
}

/// An accepted import.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportView {
    /// Id of the import.
    pub import_id: String,
    /// The stored projects.
    pub projects: Vec<ProjectRecord>,
}

/// Imports projects (role analyst or higher), as a CSV file (`Content-Type: text/csv`, the
/// columns of `critmin projects import`) or JSON (`{"projects": [{…}]}`). Every row is
/// validated like `critmin projects import`; any problem (each naming its row and column,
/// `projects[1].capacity_t`) rejects the whole import with 422 and nothing is stored. At most
/// 1,000 projects per request; an id already stored or in India's pipeline gets 409.
#[utoipa::path(post, path = "/api/v1/projects", tag = "planner", security(("bearer" = [])),
    request_body(content = ProjectImport, description = "JSON rows, or the CSV file with Content-Type: text/csv"),
    responses((status = 201, body = ImportView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn import_projects(
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
        .filter_map(|s| projects.iter().find(|p| p.id == s.id).map(|p| stored_record(s, p)))
        .collect();
    Ok((
        StatusCode::CREATED,
        Json(ImportView {
            import_id,
            projects: views,
        }),
    ))
}
