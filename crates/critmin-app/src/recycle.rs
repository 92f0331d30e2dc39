//! The dynamic stock model by cohort (`critmin recycle stock`, `POST /api/v1/recycle/stock`).

use crate::plan::{ComposeError, StockSpec};
use serde::{Deserialize, Serialize};

/// The stock model's answer: arrays by year.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StockDocument {
    /// `inflow-driven` or `stock-driven`.
    pub model: String,
    /// The lifetime used.
    pub lifetime: String,
    /// The convention used.
    pub convention: String,
    /// Collection rate.
    pub collection: f64,
    /// Recovery rate.
    pub recovery: f64,
    /// Year labels.
    pub year: Vec<i32>,
    /// Inflow per year.
    pub inflow: Vec<f64>,
    /// In-use stock at the end of each year.
    pub stock: Vec<f64>,
    /// End-of-life outflow per year.
    pub outflow: Vec<f64>,
    /// Stock change per year.
    pub stock_change: Vec<f64>,
    /// Outflow × collection × recovery.
    pub secondary_supply: Vec<f64>,
}

/// Runs the stock model the spec describes.
pub fn stock(spec: &StockSpec) -> Result<StockDocument, ComposeError> {
    let outcome = spec.run()?;
    Ok(StockDocument {
        model: outcome.model.to_owned(),
        lifetime: outcome.lifetime.to_string(),
        convention: outcome.convention.name().to_owned(),
        collection: spec.collection,
        recovery: spec.recovery,
        year: outcome.years,
        inflow: outcome.result.inflow,
        stock: outcome.result.stock,
        outflow: outcome.result.outflow,
        stock_change: outcome.stock_change,
        secondary_supply: outcome.secondary_supply,
    })
}
