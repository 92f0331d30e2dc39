//! A deterministic shock as a request: a named scenario and/or cuts and restrictions on one
//! mineral, resolved against the dataset and run on its network, with every error naming the
//! field at fault (`cuts[1]`, `scenario`, `network.consumption[0]`).
//!
//! The text forms are the command line's: a cut is `ISO3:STAGE:FRACTION`, a restriction
//! `ISO3:STAGE[:DEST[:SEVERITY]]` (DEST = `all`, an ISO3 code or a group id; SEVERITY = share
//! withheld, default 1).

use critmin_model::{ChainStage, CountryCode, Dataset, MineralFlow, MineralId};
use critmin_network::disruption::non_negative;
use critmin_network::{
    Convergence, Cut, Destination, LayerKind, Network, Restriction, Scenarios, Shock, ShockResult, producing_node,
    run_shock,
};
use serde::{Deserialize, Serialize};

use super::network::{NetworkData, NetworkSpec};
use crate::FieldError;
use crate::field::{resolve_country, resolve_mineral};

/// A deterministic shock: a named scenario and/or cuts and restrictions on one mineral.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShockSpec {
    /// Mineral id or alias; default: the scenario's mineral when it has only one.
    pub mineral: Option<String>,
    /// Named scenario (`drc-cobalt-2025`, ...).
    pub scenario: Option<String>,
    /// Severity replacing every row's severity of the named scenario (0–1).
    pub severity: Option<f64>,
    /// Capacity cuts, `ISO3:STAGE:FRACTION`.
    pub cuts: Vec<String>,
    /// Export restrictions, `ISO3:STAGE[:DEST[:SEVERITY]]`.
    pub bans: Vec<String>,
    /// Days of baseline input every buyer holds in stock.
    pub stockpile_days: f64,
    /// Headroom of every mine as a fraction of its output (0 = running at capacity).
    pub spare_capacity: f64,
    /// Countries always shown as consumers (nominal demand when they have no data).
    pub countries: Vec<String>,
    /// The network.
    pub network: NetworkSpec,
}

impl Default for ShockSpec {
    fn default() -> Self {
        ShockSpec {
            mineral: None,
            scenario: None,
            severity: None,
            cuts: Vec::new(),
            bans: Vec::new(),
            stockpile_days: 0.0,
            spare_capacity: 0.0,
            countries: vec!["IND".to_owned(), "USA".to_owned()],
            network: NetworkSpec::default(),
        }
    }
}

fn parse_stage(field: &str, spec: &str, s: &str) -> Result<LayerKind, FieldError> {
    match LayerKind::from_id(s) {
        Some(k @ LayerKind::Stage(c)) if c != ChainStage::Reserves => Ok(k),
        _ => Err(FieldError::new(
            field,
            format!("`{spec}`: stage `{s}`; expected mining, processing or manufacturing"),
        )),
    }
}

fn parse_fraction(field: &str, spec: &str, s: &str) -> Result<f64, FieldError> {
    s.parse::<f64>()
        .ok()
        .filter(|v| (0.0..=1.0).contains(v))
        .ok_or_else(|| FieldError::new(field, format!("`{spec}`: `{s}`; expected a fraction between 0 and 1")))
}

/// Parses a cut `ISO3:STAGE:FRACTION`; errors name `field`.
pub fn parse_cut(ds: &Dataset, field: &str, spec: &str) -> Result<Cut, FieldError> {
    let parts: Vec<&str> = spec.split(':').collect();
    let [c, stage, f] = parts.as_slice() else {
        return Err(FieldError::new(
            field,
            format!("`{spec}`: expected ISO3:STAGE:FRACTION"),
        ));
    };
    Ok(Cut {
        country: resolve_country(ds, field, c)?,
        stage: parse_stage(field, spec, stage)?,
        fraction: parse_fraction(field, spec, f)?,
    })
}

/// Parses a restriction `ISO3:STAGE[:DEST[:SEVERITY]]`; errors name `field`.
pub fn parse_ban(ds: &Dataset, field: &str, spec: &str) -> Result<Restriction, FieldError> {
    let parts: Vec<&str> = spec.split(':').collect();
    if !(2..=4).contains(&parts.len()) {
        return Err(FieldError::new(
            field,
            format!("`{spec}`: expected ISO3:STAGE[:DEST[:SEVERITY]]"),
        ));
    }
    let destination = match parts.get(2) {
        None => Destination::All,
        Some(d) => d
            .parse::<Destination>()
            .map_err(|e| FieldError::new(field, format!("`{spec}`: destination `{d}`; expected {e}")))?,
    };
    if let Destination::Country(c) = destination {
        resolve_country(ds, field, c.as_str())?;
    }
    Ok(Restriction {
        country: resolve_country(ds, field, parts[0])?,
        stage: parse_stage(field, spec, parts[1])?,
        destination,
        severity: parts.get(3).map_or(Ok(1.0), |s| parse_fraction(field, spec, s))?,
    })
}

/// A shock spec with its names resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedShock {
    /// Mineral.
    pub mineral: MineralId,
    /// Named scenario, as given.
    pub scenario: Option<String>,
    /// The shock: the scenario's rows, then the cuts and restrictions given.
    pub shock: Shock,
    /// Countries always shown as consumers.
    pub focus: Vec<CountryCode>,
    /// Stockpile days.
    pub stockpile_days: f64,
    /// Mine headroom.
    pub spare_capacity: f64,
}

/// A shock that ran: the request resolved, its network and its result.
#[derive(Debug, Clone)]
pub struct ShockRun {
    /// The resolved request.
    pub request: ResolvedShock,
    /// The network it ran on.
    pub network: Network,
    /// The result.
    pub result: ShockResult,
    /// Convergence settings.
    pub convergence: Convergence,
    /// The basis of the network, when the request chose one ([`ShockSpec::run_on`]).
    pub basis: Option<String>,
}

impl ShockSpec {
    /// Resolves names against the dataset and the named scenarios (no network yet).
    pub fn resolve(&self, ds: &Dataset, scenarios: &Scenarios) -> Result<ResolvedShock, FieldError> {
        let unknown = |name: &str| {
            FieldError::new(
                "scenario",
                format!(
                    "unknown scenario `{name}`; expected one of: {}",
                    scenarios.names().join(", ")
                ),
            )
        };
        let mineral_name = match (&self.mineral, &self.scenario) {
            (Some(m), _) => m.clone(),
            (None, Some(name)) => match scenarios.minerals_of(name).as_slice() {
                [] => return Err(unknown(name)),
                [one] => (*one).to_owned(),
                many => {
                    return Err(FieldError::new(
                        "mineral",
                        format!(
                            "scenario `{name}` covers several minerals ({}); choose one",
                            many.join(", ")
                        ),
                    ));
                }
            },
            (None, None) => {
                return Err(FieldError::new(
                    "mineral",
                    "give a mineral, and a scenario name or cuts/bans",
                ));
            }
        };
        let mineral = resolve_mineral(ds, "mineral", &mineral_name)?;
        if let Some(s) = self.severity
            && !(0.0..=1.0).contains(&s)
        {
            return Err(FieldError::new(
                "severity",
                format!("{s}: expected a fraction between 0 and 1"),
            ));
        }
        let mut shock = Shock::default();
        if let Some(name) = &self.scenario {
            if scenarios.rows_of(name).next().is_none() {
                return Err(unknown(name));
            }
            shock = scenarios.shock(name, mineral.as_str(), self.severity);
            if shock.cuts.is_empty() && shock.restrictions.is_empty() {
                return Err(FieldError::new(
                    "scenario",
                    format!(
                        "scenario `{name}` has no row for {mineral}; it covers: {}",
                        scenarios.minerals_of(name).join(", ")
                    ),
                ));
            }
        } else if self.severity.is_some() {
            return Err(FieldError::new(
                "severity",
                "a severity override needs a named scenario",
            ));
        }
        for (i, spec) in self.cuts.iter().enumerate() {
            shock.cuts.push(parse_cut(ds, &format!("cuts[{i}]"), spec)?);
        }
        for (i, spec) in self.bans.iter().enumerate() {
            shock.restrictions.push(parse_ban(ds, &format!("bans[{i}]"), spec)?);
        }
        if shock.cuts.is_empty() && shock.restrictions.is_empty() {
            return Err(FieldError::new("cuts", "no shock: give a scenario name, cuts or bans"));
        }
        let focus = self
            .countries
            .iter()
            .enumerate()
            .map(|(i, c)| resolve_country(ds, &format!("countries[{i}]"), c))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ResolvedShock {
            mineral,
            scenario: self.scenario.clone(),
            shock,
            focus,
            stockpile_days: non_negative("stockpile_days", self.stockpile_days, "a number of days")?,
            spare_capacity: non_negative("spare_capacity", self.spare_capacity, "a fraction")?,
        })
    }

    /// Resolves, builds the network (from `flows` when given), checks that every cut and
    /// restriction hits a node of it, and propagates the shock. The run names no basis (the
    /// documents of this call stay as they were before bases existed).
    pub fn run(
        &self,
        ds: &Dataset,
        scenarios: &Scenarios,
        flows: Option<&[MineralFlow]>,
    ) -> Result<ShockRun, FieldError> {
        let request = self.resolve(ds, scenarios)?;
        let network = self.network.build(ds, &request.mineral, &request.focus, flows)?;
        self.propagate(ds, request, network, None)
    }

    /// As [`ShockSpec::run`] on the network `data` chooses; the run names its basis.
    pub fn run_on(&self, ds: &Dataset, scenarios: &Scenarios, data: NetworkData) -> Result<ShockRun, FieldError> {
        let request = self.resolve(ds, scenarios)?;
        let mut built = self.network.build_on(ds, &request.mineral, &request.focus, data)?;
        if matches!(data, NetworkData::Trade(_)) && built.basis != super::network::POOLED_BASIS {
            let mut fitted = request.clone();
            match self.drop_untraded_rows(&mut fitted, &mut built.network) {
                Some(()) => return self.propagate(ds, fitted, built.network, Some(built.basis)),
                // No row of the scenario is at a traded stage: trade is missing for this shock,
                // so it runs on the pooled-market estimate, and says so.
                None => {
                    let stages: Vec<&str> = built.network.layers.iter().map(|l| l.kind.id()).collect();
                    built = self
                        .network
                        .build_on(ds, &request.mineral, &request.focus, NetworkData::Pooled)?;
                    built.network.notes.insert(
                        0,
                        format!(
                            "No row of scenario `{}` is at a stage of the trade network of {} ({}): the \
                             pooled-market estimate instead.",
                            self.scenario.as_deref().unwrap_or_default(),
                            request.mineral,
                            stages.join(", ")
                        ),
                    );
                }
            }
        }
        self.propagate(ds, request, built.network, Some(built.basis))
    }

    /// On real trade, a named scenario's rows at a stage the flows do not have (graphite's
    /// processed forms are not in the shipped codes) are left out and named in the notes; the
    /// cuts and bans given by hand still must hit the network. `None` when nothing is left.
    fn drop_untraded_rows(&self, request: &mut ResolvedShock, network: &mut Network) -> Option<()> {
        let Some(name) = &self.scenario else { return Some(()) };
        let scenario_cuts = request.shock.cuts.len() - self.cuts.len();
        let scenario_bans = request.shock.restrictions.len() - self.bans.len();
        let traded = |stage: LayerKind| network.layer_of(stage).is_some();
        let mut dropped = Vec::new();
        let mut index = 0;
        request.shock.cuts.retain(|c| {
            index += 1;
            let keep = index > scenario_cuts || traded(c.stage);
            if !keep {
                dropped.push(super::describe_cut(c));
            }
            keep
        });
        index = 0;
        request.shock.restrictions.retain(|r| {
            index += 1;
            let keep = index > scenario_bans || traded(r.stage);
            if !keep {
                dropped.push(super::describe_ban(r));
            }
            keep
        });
        if dropped.is_empty() {
            return Some(());
        }
        if request.shock.cuts.is_empty() && request.shock.restrictions.is_empty() {
            return None;
        }
        network.notes.push(format!(
            "Rows of scenario `{name}` left out, their stage not being in the trade flows: {}.",
            dropped.join(", ")
        ));
        Some(())
    }

    fn propagate(
        &self,
        ds: &Dataset,
        request: ResolvedShock,
        network: Network,
        basis: Option<String>,
    ) -> Result<ShockRun, FieldError> {
        // Name the component that misses the network, before propagating.
        let scenario_rows = if self.scenario.is_some() {
            request.shock.cuts.len() - self.cuts.len()
        } else {
            0
        };
        let scenario_bans = if self.scenario.is_some() {
            request.shock.restrictions.len() - self.bans.len()
        } else {
            0
        };
        let targets = request
            .shock
            .cuts
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let field = if i < scenario_rows {
                    "scenario".to_owned()
                } else {
                    format!("cuts[{}]", i - scenario_rows)
                };
                (field, c.country, c.stage)
            })
            .chain(request.shock.restrictions.iter().enumerate().map(|(i, r)| {
                let field = if i < scenario_bans {
                    "scenario".to_owned()
                } else {
                    format!("bans[{}]", i - scenario_bans)
                };
                (field, r.country, r.stage)
            }));
        for (field, country, stage) in targets {
            producing_node(&network, country, stage).map_err(|e| FieldError::new(&field, e.to_string()))?;
        }
        let convergence = Convergence::default();
        let result = run_shock(
            &network,
            &request.shock,
            request.stockpile_days,
            request.spare_capacity,
            convergence,
            &|c, g| ds.in_group(c, g),
        )
        .map_err(|e| FieldError::new("cuts", e.to_string()))?;
        Ok(ShockRun {
            request,
            network,
            result,
            convergence,
            basis,
        })
    }
}

#[cfg(test)]
mod tests {
    use critmin_network::{PooledOptions, pooled_market};

    use super::*;
    use crate::stress::ShockDocument;

    fn ds() -> Dataset {
        critmin_data::load_embedded().unwrap()
    }

    #[test]
    fn errors_name_the_field() {
        let ds = ds();
        let sc = Scenarios::embedded().unwrap();
        let bad_cut = ShockSpec {
            mineral: Some("cobalt".into()),
            cuts: vec!["COD:mining:0.5".into(), "COD:mining:2".into()],
            ..ShockSpec::default()
        };
        assert_eq!(bad_cut.resolve(&ds, &sc).unwrap_err().field, "cuts[1]");
        let bad_ban = ShockSpec {
            mineral: Some("cobalt".into()),
            bans: vec!["XXX:mining".into()],
            ..ShockSpec::default()
        };
        assert_eq!(bad_ban.resolve(&ds, &sc).unwrap_err().field, "bans[0]");
        let unknown = ShockSpec {
            scenario: Some("no-such".into()),
            ..ShockSpec::default()
        };
        assert_eq!(unknown.resolve(&ds, &sc).unwrap_err().field, "scenario");
        let nothing = ShockSpec {
            mineral: Some("cobalt".into()),
            ..ShockSpec::default()
        };
        assert_eq!(nothing.resolve(&ds, &sc).unwrap_err().field, "cuts");
        let consumption = ShockSpec {
            scenario: Some("drc-cobalt-2025".into()),
            network: NetworkSpec {
                consumption: vec!["USA:lots".into()],
                ..NetworkSpec::default()
            },
            ..ShockSpec::default()
        };
        assert_eq!(
            consumption.run(&ds, &sc, None).unwrap_err().field,
            "network.consumption[0]"
        );
    }

    #[test]
    fn a_named_scenario_equals_the_shock_built_by_hand() {
        let ds = ds();
        let sc = Scenarios::embedded().unwrap();
        let spec = ShockSpec {
            scenario: Some("drc-cobalt-2025".into()),
            ..ShockSpec::default()
        };
        let run = spec.run(&ds, &sc, None).unwrap();
        assert_eq!(run.request.mineral.as_str(), "cobalt");
        let shock = sc.shock("drc-cobalt-2025", "cobalt", None);
        let net = pooled_market(
            &ds,
            &run.request.mineral,
            &PooledOptions {
                usgs_us_consumption: true,
                nominal: vec![CountryCode::INDIA, CountryCode::USA],
                ..PooledOptions::default()
            },
        )
        .unwrap();
        let direct = run_shock(&net, &shock, 0.0, 0.0, Convergence::default(), &|c, g| {
            ds.in_group(c, g)
        })
        .unwrap();
        assert_eq!(run.result, direct);
        let doc = ShockDocument::new(&run);
        assert!(doc.mass_balance_error < 1e-9);
        assert!(doc.shortfall_t > 0.0);
    }

    #[test]
    fn a_node_outside_the_network_is_named() {
        let ds = ds();
        let sc = Scenarios::embedded().unwrap();
        let spec = ShockSpec {
            mineral: Some("cobalt".into()),
            cuts: vec!["COD:mining:0.5".into(), "ISL:mining:0.5".into()],
            ..ShockSpec::default()
        };
        let e = spec.run(&ds, &sc, None).unwrap_err();
        assert_eq!(e.field, "cuts[1]", "{e}");
    }
}
