//! What an import of a trade file found (`critmin trade import`, `POST /api/v1/trade`).

use critmin_trade::Import;
use serde::{Deserialize, Serialize};

/// The validation report of an accepted trade file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TradeReport {
    /// Always true for an accepted file (a file with problems is refused).
    pub valid: bool,
    /// Data rows.
    pub rows: usize,
    /// (year, product) groups.
    pub groups: usize,
    /// Years covered (`2021-2022`).
    pub years: String,
    /// Distinct HS6 products.
    pub products: usize,
    /// Rows without a quantity.
    pub rows_missing_q: usize,
    /// Comtrade rows left out on purpose (aggregates, other flows), by reason (`12 aggregate`).
    pub skipped: Vec<String>,
}

impl TradeReport {
    /// The report of an import.
    pub fn of(import: &Import) -> TradeReport {
        let t = &import.table;
        let years = t.years();
        TradeReport {
            valid: true,
            rows: t.len(),
            groups: t.groups().len(),
            years: match (years.first(), years.last()) {
                (Some(a), Some(b)) if a == b => a.to_string(),
                (Some(a), Some(b)) => format!("{a}-{b}"),
                _ => String::new(),
            },
            products: t.product_count(),
            rows_missing_q: t.rows_missing_quantity(),
            skipped: import
                .skipped
                .by_reason
                .iter()
                .map(|(why, n)| format!("{n} {why}"))
                .collect(),
        }
    }
}
