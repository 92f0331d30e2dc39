//! The risked supply outlook of a mineral and stage against demand (`GET /api/v1/outlook`,
//! and the `/outlook` page through [`compute_outlook`]).

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use critmin_app::plan::{ComposeError, OutlookSpec};
use critmin_model::Dataset;
use critmin_planner::projects::Project;
use critmin_store::Role;
use serde::Deserialize;
use utoipa::IntoParams;

use super::compose_error;
use super::projects::stored_projects;
use crate::AppState;
use crate::auth::Caller;
use crate::body::ApiQuery;
use crate::error::{ApiError, ErrorBody};

pub use critmin_app::outlook::{
    BalanceRecord, CountryQuantity, MixRecord, OutlookDocument, OutlookYearRecord, outlook_document,
};

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

/// Computes the outlook of a query on the public data (plus the illustrative projects when
/// asked); stored projects are the caller's to add.
pub fn compute_outlook(ds: &Dataset, q: &OutlookQuery, stored: &[Project]) -> Result<OutlookDocument, ApiError> {
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
pub(super) async fn get_outlook(
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
    state.cache.json(&key, || compute_outlook(&state.dataset, &q, &[]))
}
