//! Stored datasets: CSV files in the shapes of the embedded ones, validated with the embedded
//! data and stored with their validation report only when nothing is wrong.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use critmin_data::{FileKind, InputFile, embedded_file, embedded_inputs, load, overlay};
use critmin_store::NewDataset;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::{Analyst, Authorized, Viewer};
use crate::body::JsonBody;
use crate::error::{ApiError, ErrorBody, ProblemRecord};

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
pub(super) async fn list_datasets(
    State(state): State<AppState>,
    _viewer: Authorized<Viewer>,
) -> Result<Json<Vec<DatasetView>>, ApiError> {
    Ok(Json(state.store.list_datasets().await?.into_iter().map(view).collect()))
}

/// One stored dataset with its validation report (role viewer or higher).
#[utoipa::path(get, path = "/api/v1/datasets/{id}", tag = "datasets", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = DatasetView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn get_dataset(
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
    let inputs: Vec<InputFile> = files
        .iter()
        .map(|f| InputFile {
            name: f.name.clone(),
            text: f.content.clone(),
        })
        .collect();
    if let Some(i) = inputs
        .iter()
        .position(|f| !f.name.ends_with(".csv") || FileKind::of(f).is_none())
    {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_body",
            format!(
                "file `{}`: expected a .csv file named like an embedded file or with the header of one",
                files[i].name
            ),
        )
        .with_field(format!("files[{i}].name")));
    }
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
            let problems: Vec<ProblemRecord> = e.problems().iter().map(ProblemRecord::from).collect();
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
pub(super) async fn create_dataset(
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
