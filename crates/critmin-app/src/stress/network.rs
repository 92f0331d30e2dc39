//! Which network a shock or a Monte Carlo runs on, as a request: the pooled-market estimate
//! from the dataset's production series, the network of trade flows the caller holds, or the
//! network of real trade of one year ([`NetworkData::Trade`], [`trade_network`]), which says
//! which of them it is built on ([`NetworkBuilt::basis`]).

use std::collections::BTreeMap;

use critmin_model::{ChainStage, CountryCode, Dataset, MineralFlow, MineralId, Series};
use critmin_network::pooled::tonnes_per_unit;
use critmin_network::{Network, PooledOptions, StageProduction, pooled_market};
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

/// The basis of a network built without trade: [`NetworkBuilt::basis`].
pub const POOLED_BASIS: &str = "pooled-market estimate";

/// Real trade of one year as the shell hands it in: the contained-tonne flows of every mineral
/// (`critmin_trade::year_flows`) and the release they come from.
#[derive(Debug, Clone, Copy)]
pub struct TradeYear<'a> {
    /// The release, e.g. `BACI V202601`.
    pub release: &'a str,
    /// The trade year.
    pub year: u16,
    /// Flows of that year.
    pub flows: &'a [MineralFlow],
}

/// What a network is built from.
#[derive(Debug, Clone, Copy)]
pub enum NetworkData<'a> {
    /// The pooled-market estimate from the dataset's production series.
    Pooled,
    /// Trade flows the caller holds (`--flows`, `--trade`): the trade-only network.
    Flows(&'a [MineralFlow]),
    /// Real trade of one year plus each country's production kept at home; the pooled-market
    /// estimate for a mineral without flows that year.
    Trade(TradeYear<'a>),
}

/// A network and the basis it was built on (`trade BACI V202601 2024`, `pooled-market
/// estimate`, `trade flows`).
#[derive(Debug, Clone)]
pub struct NetworkBuilt {
    /// The network.
    pub network: Network,
    /// Its basis, as the documents print it.
    pub basis: String,
}

/// The production of `mineral` at `stage` the trade network keeps at home: the non-capacity
/// series of that chain stage in a mass unit from the year nearest `year` (the same year first,
/// then earlier years, then later ones), the most countries first; named countries only.
pub fn stage_production(ds: &Dataset, mineral: &MineralId, stage: ChainStage, year: u16) -> Option<StageProduction> {
    let rank = |s: &Series| {
        let y = s.key.year;
        let distance = if y <= year { year - y } else { 1000 + (y - year) };
        (distance, usize::MAX - s.countries.len(), s.key.source.0.clone())
    };
    let series = ds
        .find_series(Some(mineral), None, None, None)
        .filter(|s| {
            ds.stage(&s.key.stage)
                .is_some_and(|st| !st.capacity && st.chain_stage == stage)
                && tonnes_per_unit(&s.unit).is_some()
        })
        .min_by_key(|s| rank(s))?;
    let factor = tonnes_per_unit(&series.unit)?;
    let tonnes: BTreeMap<CountryCode, f64> = series
        .countries
        .iter()
        .filter_map(|r| r.value.filter(|v| *v > 0.0).map(|v| (r.country, v * factor)))
        .collect();
    (!tonnes.is_empty()).then(|| StageProduction {
        stage,
        source: format!(
            "{}/{}/{}/{} (`{}`{})",
            series.key.mineral,
            series.key.stage,
            series.key.year,
            series.key.source,
            series.unit,
            if series.key.year == year {
                String::new()
            } else {
                format!("; nearest year to the trade year {year}")
            }
        ),
        tonnes,
    })
}

/// The network of `mineral` on real trade of one year: the flows of the year with each
/// country's production kept at home ([`stage_production`], so a country's use is production
/// − net exports), basis `trade <release> <year>`; `None` when the year has no flow of the
/// mineral (the caller then falls back to the pooled-market estimate and says so).
pub fn trade_network(ds: &Dataset, mineral: &MineralId, trade: &TradeYear) -> Result<Option<NetworkBuilt>, FieldError> {
    let stages: std::collections::BTreeSet<ChainStage> = trade
        .flows
        .iter()
        .filter(|f| &f.mineral == mineral && f.year == trade.year && f.contained_tonnes > 0.0)
        .map(|f| f.stage)
        .collect();
    if stages.is_empty() {
        return Ok(None);
    }
    let production: Vec<StageProduction> = stages
        .iter()
        .filter_map(|&s| stage_production(ds, mineral, s, trade.year))
        .collect();
    let label = format!("{} {}", trade.release, trade.year);
    let network = critmin_network::trade_network(trade.flows, mineral, trade.year, &production, &label)
        .map_err(|e| FieldError::new("network.year", e.to_string()))?;
    Ok(Some(NetworkBuilt {
        network,
        basis: format!("trade {label}"),
    }))
}

impl NetworkSpec {
    /// Builds the network of `mineral` from `data`, with its basis. On [`NetworkData::Trade`]
    /// a mineral without flows that year gets the pooled-market estimate (of the production
    /// series' own default year, unless `source` is given), with a note saying why.
    pub fn build_on(
        &self,
        ds: &Dataset,
        mineral: &MineralId,
        focus: &[CountryCode],
        data: NetworkData,
    ) -> Result<NetworkBuilt, FieldError> {
        match data {
            NetworkData::Pooled => Ok(NetworkBuilt {
                network: self.build(ds, mineral, focus, None)?,
                basis: POOLED_BASIS.to_owned(),
            }),
            NetworkData::Flows(flows) => Ok(NetworkBuilt {
                network: self.build(ds, mineral, focus, Some(flows))?,
                basis: "trade flows given by the user".to_owned(),
            }),
            NetworkData::Trade(trade) => {
                if !self.consumption.is_empty() {
                    return Err(FieldError::new(
                        "network.consumption",
                        "consumption figures apply to the pooled-market estimate only; on trade, use is production − \
                         net exports",
                    ));
                }
                if let Some(built) = trade_network(ds, mineral, &trade)? {
                    return Ok(built);
                }
                let pooled = NetworkSpec {
                    year: None,
                    ..self.clone()
                };
                let mut network = pooled.build(ds, mineral, focus, None).map_err(|e| {
                    FieldError::new(
                        &e.field,
                        format!(
                            "no {} flows of {mineral} in {}, and no pooled-market estimate: {}",
                            trade.release, trade.year, e.message
                        ),
                    )
                })?;
                network.notes.insert(
                    0,
                    format!(
                        "No {} flows of {mineral} in {}: the pooled-market estimate instead.",
                        trade.release, trade.year
                    ),
                );
                Ok(NetworkBuilt {
                    network,
                    basis: POOLED_BASIS.to_owned(),
                })
            }
        }
    }
}
