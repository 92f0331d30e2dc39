//! Which network a shock or a Monte Carlo runs on, as a request: the pooled-market estimate
//! from the dataset's production series, or the network of trade flows the caller holds.

use critmin_model::{CountryCode, Dataset, MineralFlow, MineralId};
use critmin_network::{Network, PooledOptions, pooled_market};
use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::field::resolve_country;

/// Which network to build: the pooled-market estimate from the dataset's production series
/// (or, when the caller passes trade flows, the network of those flows).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NetworkSpec {
    /// Source edition of the production series (`IEA-CMD-2025`, `USGS-MCS2025`); default: the
    /// one covering most stages.
    pub source: Option<String>,
    /// Year of the production series (or of the flows); default: the latest covering most
    /// stages.
    pub year: Option<u16>,
    /// Consumption overrides, `ISO3:TONNES` per year.
    pub consumption: Vec<String>,
}

impl NetworkSpec {
    /// The pooled-market options: consumption overrides resolved, `focus` countries added as
    /// nominal consumers. Errors name `network.…` fields.
    pub fn pooled_options(&self, ds: &Dataset, focus: &[CountryCode]) -> Result<PooledOptions, FieldError> {
        let mut consumption = Vec::new();
        for (i, spec) in self.consumption.iter().enumerate() {
            let field = format!("network.consumption[{i}]");
            let (c, t) = spec
                .split_once(':')
                .ok_or_else(|| FieldError::new(&field, format!("`{spec}`: expected ISO3:TONNES")))?;
            let t: f64 = t
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| {
                    FieldError::new(
                        &field,
                        format!("`{spec}`: expected a number of tonnes ≥ 0 after the colon"),
                    )
                })?;
            consumption.push((resolve_country(ds, &field, c)?, t));
        }
        Ok(PooledOptions {
            source: self.source.clone(),
            year: self.year,
            consumption,
            usgs_us_consumption: true,
            nominal: focus.to_vec(),
        })
    }

    /// Builds the network of `mineral`: from `flows` when given (the year defaults to the
    /// latest year with flows of the mineral), else the pooled-market estimate.
    pub fn build(
        &self,
        ds: &Dataset,
        mineral: &MineralId,
        focus: &[CountryCode],
        flows: Option<&[MineralFlow]>,
    ) -> Result<Network, FieldError> {
        if let Some(flows) = flows {
            let year = match self.year {
                Some(y) => y,
                None => flows
                    .iter()
                    .filter(|f| &f.mineral == mineral)
                    .map(|f| f.year)
                    .max()
                    .ok_or_else(|| FieldError::new("mineral", format!("the trade flows have no flows of {mineral}")))?,
            };
            return Network::from_flows(flows, mineral, year)
                .map_err(|e| FieldError::new("network.year", e.to_string()));
        }
        let options = self.pooled_options(ds, focus)?;
        pooled_market(ds, mineral, &options).map_err(|e| {
            let field = if self.source.is_some() {
                "network.source"
            } else if self.year.is_some() {
                "network.year"
            } else {
                "mineral"
            };
            FieldError::new(field, e.to_string())
        })
    }
}
