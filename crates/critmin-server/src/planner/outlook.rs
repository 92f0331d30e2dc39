//! The risked supply outlook of a mineral and stage against demand (`GET /api/v1/outlook`,
//! and the `/outlook` page through [`compute_outlook`]).

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use critmin_app::plan::{ComposeError, OutlookSpec};
use critmin_model::Dataset;
use critmin_planner::outlook::{CountrySupply, MixConcentration, Outlook};
use critmin_planner::projects::Project;
use critmin_store::Role;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::compose_error;
use super::projects::stored_projects;
use crate::AppState;
use crate::auth::Caller;
use crate::body::ApiQuery;
use crate::error::{ApiError, ErrorBody};

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
