//! Datasets: the public data (minerals, supply, concentration, exposure) on the embedded
//! dataset or on a stored one, the stored datasets themselves (uploads of CSV files validated
//! with the embedded data), and the `concentration-overview` job.

mod overview;
mod public;
mod upload;

use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use critmin_data::{InputFile, embedded_inputs, load, overlay};
use critmin_model::Dataset;
use critmin_store::Role;
use utoipa::OpenApi;

use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;

pub use overview::{CONCENTRATION_OVERVIEW, OverviewRequest};
pub use public::{ConcentrationQuery, ExposureQuery, SupplyQuery};
pub use upload::{DatasetUpload, DatasetView, FileReport, UploadFile, ValidationReport, validate_upload};

/// The datasets routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/minerals", get(public::list_minerals))
        .route("/api/v1/supply", get(public::get_supply))
        .route("/api/v1/concentration", get(public::get_concentration))
        .route("/api/v1/exposure/{country}", get(public::get_exposure))
        .route(
            "/api/v1/datasets",
            get(upload::list_datasets).post(upload::create_dataset),
        )
        .route("/api/v1/datasets/{id}", get(upload::get_dataset))
}

/// The OpenAPI part of the datasets routes.
#[derive(OpenApi)]
#[openapi(paths(
    public::list_minerals,
    public::get_supply,
    public::get_concentration,
    public::get_exposure,
    upload::list_datasets,
    upload::create_dataset,
    upload::get_dataset
))]
pub struct Api;

/// The dataset a read runs on: the public one, or a stored one for a key with role viewer or
/// higher.
async fn read_dataset(state: &AppState, caller: &Caller, id: Option<&str>) -> Result<Arc<Dataset>, ApiError> {
    if id.is_some() {
        caller.require(Role::Viewer)?;
    }
    dataset_for(state, id).await
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
    let dataset = crate::blocking(move || {
        let inputs = files
            .into_iter()
            .map(|f| InputFile {
                name: f.name,
                text: f.content,
            })
            .collect();
        load(&overlay(embedded_inputs(), inputs)).map(Arc::new)
    })
    .await?
    .map_err(|e| ApiError::internal(&e))?;
    let mut stored = state.stored.lock().unwrap_or_else(|p| p.into_inner());
    if stored.len() < 16 {
        stored.insert(id.to_owned(), dataset.clone());
    }
    Ok(dataset)
}
