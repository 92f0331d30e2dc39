//! HHI and dependence rows of a trade file, as `critmin trade hhi|dependence` prints them.

use axum::Json;
use axum::extract::{Path, State};
use critmin_trade::{
    Basis, DependenceRow, HhiFilter, HhiRow, HsMap, HsRevision, Side, dependence_rows, hhi_rows, parse_products,
    product_concentration,
};
use serde::Deserialize;
use utoipa::IntoParams;

use super::trade_table;
use crate::AppState;
use crate::auth::Caller;
use crate::body::ApiQuery;
use crate::error::{ApiError, ErrorBody};
use crate::records;

fn basis_of(by: Option<&str>) -> Result<Basis, ApiError> {
    match by.unwrap_or("value") {
        "value" => Ok(Basis::Value),
        "quantity" => Ok(Basis::Quantity),
        other => Err(ApiError::bad_param(
            "by",
            format!("`{other}`: expected value or quantity"),
        )),
    }
}

fn revision_of(text: Option<&str>) -> Result<HsRevision, ApiError> {
    match text.unwrap_or("hs2022") {
        "hs2022" => Ok(HsRevision::Hs2022),
        "hs2017" => Ok(HsRevision::Hs2017),
        other => Err(ApiError::bad_param(
            "hs_revision",
            format!("`{other}`: expected hs2022 or hs2017"),
        )),
    }
}

/// Filters of the HHI query (as `critmin trade hhi`).
#[derive(Debug, Deserialize, IntoParams)]
pub struct HhiQuery {
    /// Shares of `value` (default) or `quantity`.
    pub by: Option<String>,
    /// Whose shares: `exporter` (default) or `importer`.
    pub side: Option<String>,
    /// Only this year.
    pub t: Option<u16>,
    /// Only these HS6 codes, comma-separated.
    pub k: Option<String>,
    /// Only the codes mapped to a mineral.
    pub minerals_only: Option<bool>,
    /// HS revision of the file for the mineral map: `hs2022` (default) or `hs2017`.
    pub hs_revision: Option<String>,
}

/// HHI per (year, product) of a trade file: the rows of `critmin trade hhi --format json`.
#[utoipa::path(get, path = "/api/v1/trade/{id}/hhi", tag = "trade", params(("id" = String, Path), HhiQuery),
    responses((status = 200, description = "HHI rows", body = [Object]), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn trade_hhi(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<HhiQuery>,
) -> Result<Json<Vec<HhiRow>>, ApiError> {
    let basis = basis_of(q.by.as_deref())?;
    let side = match q.side.as_deref().unwrap_or("exporter") {
        "exporter" => Side::Exporter,
        "importer" => Side::Importer,
        other => {
            return Err(ApiError::bad_param(
                "side",
                format!("`{other}`: expected exporter or importer"),
            ));
        }
    };
    let revision = revision_of(q.hs_revision.as_deref())?;
    let products: Vec<&str> = q.k.as_deref().map_or_else(Vec::new, |k| k.split(',').collect());
    let filter = HhiFilter {
        products: parse_products(&products).map_err(|e| ApiError::bad_param("k", e.message))?,
        year: q.t,
        minerals_only: q.minerals_only.unwrap_or(false),
    };
    let entry = trade_table(&state, &caller, &id).await?;
    let rows = crate::blocking(move || {
        let results = product_concentration(&entry.table, side, basis);
        hhi_rows(
            results,
            entry.table.countries(),
            &HsMap::embedded(),
            revision,
            side,
            basis,
            &filter,
        )
    })
    .await?;
    Ok(Json(rows))
}

/// Filters of the dependence query (as `critmin trade dependence`).
#[derive(Debug, Deserialize, IntoParams)]
pub struct DependenceQuery {
    /// The importing country: ISO3 (IND) or its numeric trade code (699). Required.
    pub importer: Option<String>,
    /// Only this mineral.
    pub mineral: Option<String>,
    /// Partner groups and/or ISO3 codes joined with `+` (default msp).
    pub partners: Option<String>,
    /// Shares of `value` (default) or `quantity` (contained tonnes).
    pub by: Option<String>,
    /// HS revision of the file: `hs2022` (default) or `hs2017`.
    pub hs_revision: Option<String>,
}

/// An importer's dependence per (year, mineral, stage): the rows of `critmin trade
/// dependence --format json`.
#[utoipa::path(get, path = "/api/v1/trade/{id}/dependence", tag = "trade", params(("id" = String, Path), DependenceQuery),
    responses((status = 200, description = "Dependence rows", body = [Object]), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn trade_dependence(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<DependenceQuery>,
) -> Result<Json<Vec<DependenceRow>>, ApiError> {
    let ds = state.dataset.clone();
    let importer = q
        .importer
        .clone()
        .ok_or_else(|| ApiError::bad_param("importer", "missing: expected an ISO3 code such as IND"))?;
    let mineral = q
        .mineral
        .as_deref()
        .map(|m| records::mineral(&ds, "mineral", m).map(|m| m.id.clone()))
        .transpose()?;
    let partners = records::partners(&ds, q.partners.as_deref().unwrap_or("msp"))?;
    let basis = basis_of(q.by.as_deref())?;
    let revision = revision_of(q.hs_revision.as_deref())?;
    let entry = trade_table(&state, &caller, &id).await?;
    let rows = crate::blocking(move || {
        dependence_rows(
            &entry.table,
            &HsMap::embedded(),
            revision,
            &ds,
            &importer,
            &partners,
            basis,
            mineral.as_ref(),
        )
    })
    .await?
    .map_err(|e| ApiError::bad_param(e.field, e.to_string()))?;
    Ok(Json(rows))
}
