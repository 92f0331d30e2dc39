//! The stored portfolios of optimize jobs (role viewer or higher), newest first.

use axum::Json;
use axum::extract::{Path, State};
use critmin_store::PortfolioRecord;
use serde::Serialize;
use utoipa::ToSchema;

use super::optimize::PortfolioDocument;
use crate::AppState;
use crate::auth::{Authorized, Viewer};
use crate::error::{ApiError, ErrorBody};

/// Portfolios shown by `GET /api/v1/portfolios` (newest first).
pub const PORTFOLIO_LIST_LIMIT: i64 = 100;

/// A stored portfolio.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortfolioView {
    /// Id.
    pub id: String,
    /// The job that computed it.
    pub job_id: Option<String>,
    /// Buyer.
    pub buyer: String,
    /// Mineral id.
    pub mineral: String,
    /// `optimal`, `time_limit` or `infeasible`.
    pub status: String,
    /// Why there is no portfolio (infeasible).
    pub explanation: Option<String>,
    /// Public id of the key that asked for it.
    pub created_by: String,
    /// Unix milliseconds.
    pub created_at_ms: i64,
    /// The request as given (absent in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub spec: Option<serde_json::Value>,
    /// The result (absent in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<PortfolioDocument>,
    /// Objective in USD (absent when infeasible).
    pub objective_usd: Option<f64>,
}

/// A stored portfolio as listed (`full`: with its request and result).
pub fn portfolio_view(r: PortfolioRecord, full: bool) -> Result<PortfolioView, ApiError> {
    let doc: PortfolioDocument = serde_json::from_value(r.new.result).map_err(|e| ApiError::internal(&e))?;
    Ok(PortfolioView {
        id: r.id,
        job_id: r.new.job_id,
        buyer: r.new.buyer,
        mineral: r.new.mineral,
        status: r.new.status,
        explanation: r.new.explanation,
        created_by: r.created_by,
        created_at_ms: r.created_at_ms,
        objective_usd: doc.objective_usd,
        spec: full.then_some(r.new.spec),
        result: full.then_some(doc),
    })
}

/// The latest portfolios (at most 100), newest first (role viewer or higher).
#[utoipa::path(get, path = "/api/v1/portfolios", tag = "planner", security(("bearer" = [])),
    responses((status = 200, body = [PortfolioView]), (status = 401, body = ErrorBody)))]
pub(super) async fn list_portfolios(
    State(state): State<AppState>,
    _viewer: Authorized<Viewer>,
) -> Result<Json<Vec<PortfolioView>>, ApiError> {
    let list = state.store.list_portfolios(PORTFOLIO_LIST_LIMIT).await?;
    Ok(Json(
        list.into_iter()
            .map(|r| portfolio_view(r, false))
            .collect::<Result<_, _>>()?,
    ))
}

/// One portfolio with its request and result (role viewer or higher).
#[utoipa::path(get, path = "/api/v1/portfolios/{id}", tag = "planner", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = PortfolioView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn get_portfolio(
    State(state): State<AppState>,
    _viewer: Authorized<Viewer>,
    Path(id): Path<String>,
) -> Result<Json<PortfolioView>, ApiError> {
    let r = state
        .store
        .get_portfolio(&id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no portfolio {id}")))?;
    Ok(Json(portfolio_view(r, true)?))
}
