//! A Monte Carlo supply-at-risk run as a request: the mineral, the consumer to explain, the
//! network, and the run's parameters. Missing fields take the defaults of
//! [`RiskParams`](critmin_network::RiskParams), the one definition of the parameters;
//! [`RiskSpec::params`] builds it and checks it once
//! ([`RiskParams::check`](critmin_network::RiskParams::check)), so the CLI's
//! flags and the server's JSON are refused with the same field named.

use std::collections::BTreeSet;

use critmin_model::{CountryCode, Dataset, MineralFlow, MineralId};
use critmin_network::{MonteCarlo, Network, NetworkError, RiskParams, Scenarios};
use serde::{Deserialize, Serialize};

use super::network::{NetworkData, NetworkSpec};
use crate::FieldError;
use crate::field::{resolve_country, resolve_mineral};

/// Most Monte Carlo scenarios one request may ask for.
pub const MAX_SCENARIOS: u64 = 1_000_000;

/// A Monte Carlo supply-at-risk run on one mineral. Missing fields take the defaults of
/// [`RiskParams`] (documented in [`critmin_network::disruption`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RiskSpec {
    /// Mineral id or alias (required).
    pub mineral: String,
    /// Number of random scenarios, 1 to 1,000,000 ([`MAX_SCENARIOS`]).
    pub scenarios: u64,
    /// Seed: the same seed gives the same result whatever the number of threads.
    pub seed: u64,
    /// Consumer whose source contributions are shown (added with nominal demand when it has
    /// no consumption figure).
    pub country: Option<String>,
    /// Shortfall fraction of consumption whose exceedance probability is reported.
    pub threshold: f64,
    /// Days of baseline input every buyer holds in stock.
    pub stockpile_days: f64,
    /// Headroom of every mine as a fraction of its output.
    pub spare_capacity: f64,
    /// Yearly probability of a capacity cut for every supplier.
    pub p_cut_base: f64,
    /// Added cut probability at the weakest governance (WGI risk 10).
    pub p_cut_governance: f64,
    /// Yearly probability of an export restriction for every supplier.
    pub p_ban_base: f64,
    /// Added restriction probability at the weakest governance.
    pub p_ban_governance: f64,
    /// Added restriction probability for a country with restriction history.
    pub p_ban_history: f64,
    /// Governance risk (0–10) assumed for a country without WGI data.
    pub default_governance_risk: f64,
    /// Smallest random severity.
    pub severity_min: f64,
    /// Largest random severity.
    pub severity_max: f64,
    /// The network.
    pub network: NetworkSpec,
}

impl Default for RiskSpec {
    fn default() -> Self {
        let p = RiskParams::default();
        RiskSpec {
            mineral: String::new(),
            scenarios: p.scenarios,
            seed: p.seed,
            country: None,
            threshold: p.threshold,
            stockpile_days: p.stockpile_days,
            spare_capacity: p.spare_capacity,
            p_cut_base: p.p_cut_base,
            p_cut_governance: p.p_cut_governance,
            p_ban_base: p.p_ban_base,
            p_ban_governance: p.p_ban_governance,
            p_ban_history: p.p_ban_history,
            default_governance_risk: p.default_governance_risk,
            severity_min: p.severity_min,
            severity_max: p.severity_max,
            network: NetworkSpec::default(),
        }
    }
}

/// A risk spec resolved and its network built, ready for [`PreparedRisk::monte_carlo`].
#[derive(Debug, Clone)]
pub struct PreparedRisk {
    /// Mineral.
    pub mineral: MineralId,
    /// The consumer whose contributions are shown.
    pub focus: Option<CountryCode>,
    /// The network.
    pub network: Network,
    /// Parameters.
    pub params: RiskParams,
    /// Countries with restriction history (from the named scenarios).
    pub history: BTreeSet<CountryCode>,
    /// The basis of the network, when the request chose one ([`RiskSpec::prepare_on`]).
    pub basis: Option<String>,
}

impl RiskSpec {
    /// The parameters, checked by [`RiskParams::check`] (the first one out of range named as
    /// its field) after the number of scenarios, which this request type limits.
    pub fn params(&self) -> Result<RiskParams, FieldError> {
        if self.scenarios == 0 || self.scenarios > MAX_SCENARIOS {
            return Err(FieldError::new(
                "scenarios",
                format!("{}: expected 1 to {MAX_SCENARIOS}", self.scenarios),
            ));
        }
        let params = RiskParams {
            scenarios: self.scenarios,
            seed: self.seed,
            p_cut_base: self.p_cut_base,
            p_cut_governance: self.p_cut_governance,
            p_ban_base: self.p_ban_base,
            p_ban_governance: self.p_ban_governance,
            p_ban_history: self.p_ban_history,
            default_governance_risk: self.default_governance_risk,
            severity_min: self.severity_min,
            severity_max: self.severity_max,
            threshold: self.threshold,
            stockpile_days: self.stockpile_days,
            spare_capacity: self.spare_capacity,
            ..RiskParams::default()
        };
        params.check()?;
        Ok(params)
    }

    /// Resolves names, checks the parameters and builds the network (from `flows` when
    /// given). India and the United States (and the focus country) are always consumers.
    pub fn prepare(
        &self,
        ds: &Dataset,
        scenarios: &Scenarios,
        flows: Option<&[MineralFlow]>,
    ) -> Result<PreparedRisk, FieldError> {
        let data = flows.map_or(NetworkData::Pooled, NetworkData::Flows);
        let mut prepared = self.prepare_on(ds, scenarios, data)?;
        prepared.basis = None;
        Ok(prepared)
    }

    /// As [`RiskSpec::prepare`] on the network `data` chooses; the result names its basis.
    pub fn prepare_on(
        &self,
        ds: &Dataset,
        scenarios: &Scenarios,
        data: NetworkData,
    ) -> Result<PreparedRisk, FieldError> {
        if self.mineral.trim().is_empty() {
            return Err(FieldError::new("mineral", "missing: expected a mineral id or alias"));
        }
        let mineral = resolve_mineral(ds, "mineral", &self.mineral)?;
        let focus = self
            .country
            .as_deref()
            .map(|c| resolve_country(ds, "country", c))
            .transpose()?;
        let params = self.params()?;
        let mut nominal = vec![CountryCode::INDIA, CountryCode::USA];
        nominal.extend(focus);
        let built = self.network.build_on(ds, &mineral, &nominal, data)?;
        Ok(PreparedRisk {
            mineral,
            focus,
            network: built.network,
            params,
            history: scenarios.restricting_countries(),
            basis: Some(built.basis),
        })
    }
}

impl PreparedRisk {
    /// The Monte Carlo run of this request: governance risks of the network's year from the
    /// dataset, restriction history from the named scenarios.
    pub fn monte_carlo<'a>(&'a self, ds: &Dataset) -> Result<MonteCarlo<'a>, FieldError> {
        let governance = |c: CountryCode| ds.governance_risk(c, self.network.year).map(|(_, r)| r);
        MonteCarlo::new(&self.network, self.params.clone(), &governance, &self.history).map_err(|e| match e {
            NetworkError::Parameter(field) => field,
            other => FieldError::new("scenarios", other.to_string()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_field() {
        let ds = critmin_data::load_embedded().unwrap();
        let sc = Scenarios::embedded().unwrap();
        let risk = RiskSpec {
            mineral: "cobalt".into(),
            scenarios: MAX_SCENARIOS + 1,
            ..RiskSpec::default()
        };
        assert_eq!(risk.prepare(&ds, &sc, None).unwrap_err().field, "scenarios");
        let risk = RiskSpec {
            mineral: "cobalt".into(),
            p_ban_history: 1.5,
            ..RiskSpec::default()
        };
        assert_eq!(risk.prepare(&ds, &sc, None).unwrap_err().field, "p_ban_history");
        let risk = RiskSpec {
            mineral: "cobalt".into(),
            severity_min: 0.9,
            severity_max: 0.5,
            ..RiskSpec::default()
        };
        let e = risk.prepare(&ds, &sc, None).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.message.as_str()),
            ("severity_min", "0.9 is above severity_max 0.5")
        );
        let risk = RiskSpec {
            mineral: "cobalt".into(),
            stockpile_days: -1.0,
            ..RiskSpec::default()
        };
        assert_eq!(risk.prepare(&ds, &sc, None).unwrap_err().field, "stockpile_days");
        assert_eq!(
            RiskSpec::default().prepare(&ds, &sc, None).unwrap_err().field,
            "mineral"
        );
    }

    #[test]
    fn a_prepared_request_runs_with_its_parameters() {
        let ds = critmin_data::load_embedded().unwrap();
        let spec = RiskSpec {
            mineral: "cobalt".into(),
            scenarios: 500,
            seed: 7,
            ..RiskSpec::default()
        };
        let prepared = spec.prepare(&ds, &Scenarios::embedded().unwrap(), None).unwrap();
        let result = prepared.monte_carlo(&ds).unwrap().run(&|_| {});
        assert_eq!((result.scenarios, result.params.seed), (500, 7));
        assert_eq!(result.params, spec.params().unwrap());
    }
}
