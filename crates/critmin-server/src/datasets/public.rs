//! The public data: minerals, supply shares, concentration and a country's exposure, on the
//! public dataset (answers cached: it does not change) or on a stored one.

use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;

use super::read_dataset;
use crate::AppState;
use crate::auth::Caller;
use crate::body::ApiQuery;
use crate::error::{ApiError, ErrorBody};
use crate::records::{self, ConcentrationDocument, ExposureDocument, MineralRecord, SupplyDocument};

/// Every mineral with the series available for it.
#[utoipa::path(get, path = "/api/v1/minerals", tag = "public data",
    responses((status = 200, description = "Minerals", body = [MineralRecord])))]
pub(super) async fn list_minerals(State(state): State<AppState>) -> Result<Response, ApiError> {
    state
        .cache
        .json("minerals", || Ok(critmin_app::catalog::minerals(&state.dataset)))
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
pub(super) async fn get_supply(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<SupplyQuery>,
) -> Result<Response, ApiError> {
    let ds = read_dataset(&state, &caller, q.dataset.as_deref()).await?;
    let key = format!(
        "supply|{:?}|{}|{:?}|{:?}|{:?}",
        q.dataset, q.mineral, q.stage, q.year, q.source
    );
    state.cache.json(&key, || {
        let query = records::SupplyQuery {
            mineral: q.mineral.clone(),
            stage: q.stage.clone(),
            year: q.year,
            source: q.source.clone(),
        };
        critmin_app::supply::supply(&ds, &query).map_err(records::supply_error)
    })
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
pub(super) async fn get_concentration(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ConcentrationQuery>,
) -> Result<Response, ApiError> {
    let key = format!(
        "concentration|{:?}|{:?}|{:?}|{:?}",
        q.mineral, q.stage, q.year, q.source
    );
    state.cache.json(&key, || {
        let query = records::ConcentrationQuery {
            mineral: q.mineral.clone(),
            stage: q.stage.clone(),
            year: q.year,
            source: q.source.clone(),
        };
        critmin_app::concentration::concentration(&state.dataset, &query).map_err(records::field_error)
    })
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
pub(super) async fn get_exposure(
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
    state.cache.json(&key, || {
        let query = records::ExposureQuery {
            country: country.clone(),
            partners: partners_text.clone(),
        };
        critmin_app::exposure::exposure(&ds, &query).map_err(records::field_error)
    })
}
