//! A stock model run as a request: an inflow or a stock series, a lifetime, a convention and
//! the recycling rates, run by the planner's dynamic stock model with every error naming its
//! field (`inflow[3]`, `lifetime`, `collection`).

use critmin_planner::stock::{Convention, Lifetime, StockError, StockResult, inflow_driven, stock_driven};
use serde::{Deserialize, Serialize};

use super::error::ComposeError;

/// Most years a stock model may span.
pub const MAX_STOCK_YEARS: usize = 1000;

fn default_convention() -> String {
    "end".into()
}
fn one() -> f64 {
    1.0
}

/// A stock model run: either an inflow series (inflow-driven) or a stock series
/// (stock-driven), one value a year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StockSpec {
    /// Inflow per year (inflow-driven model).
    #[serde(default)]
    pub inflow: Option<Vec<f64>>,
    /// Stock per year (stock-driven model: the inflow is computed).
    #[serde(default)]
    pub stock: Option<Vec<f64>>,
    /// Lifetime: `fixed:YEARS`, `normal:MEAN:SD`, `lognormal:MEAN:SD` or
    /// `weibull:SHAPE:SCALE`.
    pub lifetime: String,
    /// When in its year inflow enters: `start`, `middle` or `end` (ODYM's).
    #[serde(default = "default_convention")]
    pub convention: String,
    /// First year, to label the output.
    #[serde(default)]
    pub first_year: i32,
    /// Collection rate of end-of-life material, in [0, 1].
    #[serde(default = "one")]
    pub collection: f64,
    /// Recovery rate of the recycling process, in [0, 1].
    #[serde(default = "one")]
    pub recovery: f64,
}

/// The result of a [`StockSpec`].
#[derive(Debug, Clone, PartialEq)]
pub struct StockOutcome {
    /// `inflow-driven` or `stock-driven`.
    pub model: &'static str,
    /// The lifetime used.
    pub lifetime: Lifetime,
    /// The convention used.
    pub convention: Convention,
    /// Year labels.
    pub years: Vec<i32>,
    /// Inflow, stock, outflow, survival.
    pub result: StockResult,
    /// Stock change per year.
    pub stock_change: Vec<f64>,
    /// Outflow × collection × recovery.
    pub secondary_supply: Vec<f64>,
}

impl StockSpec {
    /// Runs the model.
    pub fn run(&self) -> Result<StockOutcome, ComposeError> {
        let lifetime: Lifetime = self
            .lifetime
            .parse()
            .map_err(|e: StockError| ComposeError::invalid("lifetime", e.to_string()))?;
        lifetime
            .validate()
            .map_err(|e| ComposeError::invalid("lifetime", e.to_string()))?;
        let convention: Convention = self
            .convention
            .parse()
            .map_err(|e: String| ComposeError::invalid("convention", e))?;
        let (model, field, values) = match (&self.inflow, &self.stock) {
            (Some(v), None) => ("inflow-driven", "inflow", v),
            (None, Some(v)) => ("stock-driven", "stock", v),
            _ => {
                return Err(ComposeError::invalid(
                    "inflow",
                    "give either `inflow` or `stock` (one value per year), not both",
                ));
            }
        };
        if values.is_empty() || values.len() > MAX_STOCK_YEARS {
            return Err(ComposeError::invalid(
                field,
                format!(
                    "{} values: expected 1 to {MAX_STOCK_YEARS} (one per year)",
                    values.len()
                ),
            ));
        }
        let map = |e: StockError| match e {
            StockError::NotFinite { index, .. } => ComposeError::invalid(format!("{field}[{index}]"), e.to_string()),
            StockError::BadRate { what, .. } => ComposeError::invalid(what, e.to_string()),
            StockError::NoFirstYearSurvival(_) | StockError::BadLifetime { .. } | StockError::LifetimeSyntax(_) => {
                ComposeError::invalid("lifetime", e.to_string())
            }
            StockError::BatchShape { .. } => ComposeError::invalid(field, e.to_string()),
        };
        let result = if model == "inflow-driven" {
            inflow_driven(values, lifetime, convention)
        } else {
            stock_driven(values, lifetime, convention)
        }
        .map_err(map)?;
        let secondary_supply = result.secondary_supply(self.collection, self.recovery).map_err(map)?;
        let stock_change = result.stock_change();
        let years = (0..result.stock.len())
            .map(|t| self.first_year.saturating_add(t as i32))
            .collect();
        Ok(StockOutcome {
            model,
            lifetime,
            convention,
            years,
            result,
            stock_change,
            secondary_supply,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stock_spec_checks_years_and_fields() {
        let spec = |inflow: Vec<f64>| StockSpec {
            inflow: Some(inflow),
            stock: None,
            lifetime: "fixed:2".into(),
            convention: "end".into(),
            first_year: 2000,
            collection: 1.0,
            recovery: 1.0,
        };
        let out = spec(vec![1.0, 1.0, 1.0]).run().unwrap();
        assert_eq!(out.years, [2000, 2001, 2002]);
        assert_eq!(out.model, "inflow-driven");
        let e = spec(vec![0.0; MAX_STOCK_YEARS + 1]).run().unwrap_err();
        assert_eq!(e.field(), Some("inflow"));
        let mut s = spec(vec![1.0]);
        s.collection = 2.0;
        assert_eq!(s.run().unwrap_err().field(), Some("collection"));
        s.collection = 1.0;
        s.lifetime = "forever".into();
        assert_eq!(s.run().unwrap_err().field(), Some("lifetime"));
        s.lifetime = "fixed:2".into();
        s.stock = Some(vec![1.0]);
        assert_eq!(s.run().unwrap_err().field(), Some("inflow"));
        let mut s = spec(vec![1.0, f64::NAN]);
        s.convention = "end".into();
        assert_eq!(s.run().unwrap_err().field(), Some("inflow[1]"));
    }
}
