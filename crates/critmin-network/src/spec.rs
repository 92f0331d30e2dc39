//! Requests for shocks and Monte Carlo runs as data: what `critmin shock` / `critmin risk` take
//! on the command line and what the server takes as JSON, parsed into this crate's types in
//! one place, with a [`SpecError`] that names the field at fault (`cuts[1]`, `mineral`,
//! `p_cut_base`, ...). Both shells build from these, so a request means the same in both.
//!
//! The text forms are the command line's: a cut is `ISO3:STAGE:FRACTION`, a restriction
//! `ISO3:STAGE[:DEST[:SEVERITY]]` (DEST = `all`, an ISO3 code or a group id; SEVERITY = share
//! withheld, default 1), a consumption figure `ISO3:TONNES`.
//!
//! The documents ([`ShockDocument`], [`RiskDocument`]) are the JSON answers both shells
//! print: one serialization of a result, so the API and `--format json` cannot drift apart.
//!
//! This module is the crate's serialization edge: serde derives live here and nowhere else.

use std::collections::BTreeSet;

use critmin_model::{ChainStage, CountryCode, Dataset, FieldError, MineralFlow, MineralId};
use serde::{Deserialize, Serialize};

use crate::montecarlo::{BINS, RiskParams, RiskResult};
use crate::network::{LayerKind, Network};
use crate::pooled::{PooledOptions, pooled_market};
use crate::propagate::Convergence;
use crate::scenario::Scenarios;
use crate::shock::{Cut, Destination, Restriction, Shock, ShockResult, run_shock};

/// Most Monte Carlo scenarios one request may ask for.
pub const MAX_SCENARIOS: u64 = 1_000_000;

/// A request that cannot be run, and the field to blame (the model's one `FieldError`).
pub type SpecError = FieldError;

/// Which network to build: the pooled-market estimate from the dataset's production series
/// (or, when the caller passes trade flows, the network of those flows).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
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

/// A deterministic shock: a named scenario and/or cuts and restrictions on one mineral.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
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

/// A Monte Carlo supply-at-risk run on one mineral. Missing fields take the defaults of
/// [`RiskParams`] (documented in [`crate::montecarlo`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RiskSpec {
    /// Mineral id or alias (required).
    pub mineral: String,
    /// Number of random scenarios, 1 to [`MAX_SCENARIOS`].
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

/// Resolves a mineral id or alias ([`Dataset::resolve_mineral`]), naming `field` when unknown.
pub fn resolve_mineral(ds: &Dataset, field: &str, name: &str) -> Result<MineralId, SpecError> {
    ds.resolve_mineral(name)
        .map(|m| m.id.clone())
        .map_err(|e| SpecError::new(field, e.to_string()))
}

/// Resolves an ISO3 country code ([`Dataset::resolve_country`]), naming `field` when unknown.
pub fn resolve_country(ds: &Dataset, field: &str, code: &str) -> Result<CountryCode, SpecError> {
    ds.resolve_country(code)
        .map_err(|e| SpecError::new(field, e.to_string()))
}

fn parse_stage(field: &str, spec: &str, s: &str) -> Result<LayerKind, SpecError> {
    match LayerKind::from_id(s) {
        Some(k @ LayerKind::Stage(c)) if c != ChainStage::Reserves => Ok(k),
        _ => Err(SpecError::new(
            field,
            format!("`{spec}`: stage `{s}`; expected mining, processing or manufacturing"),
        )),
    }
}

fn parse_fraction(field: &str, spec: &str, s: &str) -> Result<f64, SpecError> {
    s.parse::<f64>()
        .ok()
        .filter(|v| (0.0..=1.0).contains(v))
        .ok_or_else(|| SpecError::new(field, format!("`{spec}`: `{s}`; expected a fraction between 0 and 1")))
}

/// Parses a cut `ISO3:STAGE:FRACTION`; errors name `field`.
pub fn parse_cut(ds: &Dataset, field: &str, spec: &str) -> Result<Cut, SpecError> {
    let parts: Vec<&str> = spec.split(':').collect();
    let [c, stage, f] = parts.as_slice() else {
        return Err(SpecError::new(field, format!("`{spec}`: expected ISO3:STAGE:FRACTION")));
    };
    Ok(Cut {
        country: resolve_country(ds, field, c)?,
        stage: parse_stage(field, spec, stage)?,
        fraction: parse_fraction(field, spec, f)?,
    })
}

/// Parses a restriction `ISO3:STAGE[:DEST[:SEVERITY]]`; errors name `field`.
pub fn parse_ban(ds: &Dataset, field: &str, spec: &str) -> Result<Restriction, SpecError> {
    let parts: Vec<&str> = spec.split(':').collect();
    if !(2..=4).contains(&parts.len()) {
        return Err(SpecError::new(
            field,
            format!("`{spec}`: expected ISO3:STAGE[:DEST[:SEVERITY]]"),
        ));
    }
    let destination = match parts.get(2) {
        None => Destination::All,
        Some(d) => d
            .parse::<Destination>()
            .map_err(|e| SpecError::new(field, format!("`{spec}`: destination `{d}`; expected {e}")))?,
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

fn non_negative(field: &str, v: f64, what: &str) -> Result<f64, SpecError> {
    if v.is_finite() && v >= 0.0 {
        Ok(v)
    } else {
        Err(SpecError::new(field, format!("{v}: expected {what} ≥ 0")))
    }
}

impl NetworkSpec {
    /// The pooled-market options: consumption overrides resolved, `focus` countries added as
    /// nominal consumers. Errors name `network.…` fields.
    pub fn pooled_options(&self, ds: &Dataset, focus: &[CountryCode]) -> Result<PooledOptions, SpecError> {
        let mut consumption = Vec::new();
        for (i, spec) in self.consumption.iter().enumerate() {
            let field = format!("network.consumption[{i}]");
            let (c, t) = spec
                .split_once(':')
                .ok_or_else(|| SpecError::new(&field, format!("`{spec}`: expected ISO3:TONNES")))?;
            let t: f64 = t
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| {
                    SpecError::new(
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
    ) -> Result<Network, SpecError> {
        if let Some(flows) = flows {
            let year = match self.year {
                Some(y) => y,
                None => flows
                    .iter()
                    .filter(|f| &f.mineral == mineral)
                    .map(|f| f.year)
                    .max()
                    .ok_or_else(|| SpecError::new("mineral", format!("the trade flows have no flows of {mineral}")))?,
            };
            return Network::from_flows(flows, mineral, year)
                .map_err(|e| SpecError::new("network.year", e.to_string()));
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
            SpecError::new(field, e.to_string())
        })
    }
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
}

impl ShockSpec {
    /// Resolves names against the dataset and the named scenarios (no network yet).
    pub fn resolve(&self, ds: &Dataset, scenarios: &Scenarios) -> Result<ResolvedShock, SpecError> {
        let unknown = |name: &str| {
            SpecError::new(
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
                    return Err(SpecError::new(
                        "mineral",
                        format!(
                            "scenario `{name}` covers several minerals ({}); choose one",
                            many.join(", ")
                        ),
                    ));
                }
            },
            (None, None) => {
                return Err(SpecError::new(
                    "mineral",
                    "give a mineral, and a scenario name or cuts/bans",
                ));
            }
        };
        let mineral = resolve_mineral(ds, "mineral", &mineral_name)?;
        if let Some(s) = self.severity
            && !(0.0..=1.0).contains(&s)
        {
            return Err(SpecError::new(
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
                return Err(SpecError::new(
                    "scenario",
                    format!(
                        "scenario `{name}` has no row for {mineral}; it covers: {}",
                        scenarios.minerals_of(name).join(", ")
                    ),
                ));
            }
        } else if self.severity.is_some() {
            return Err(SpecError::new("severity", "a severity override needs a named scenario"));
        }
        for (i, spec) in self.cuts.iter().enumerate() {
            shock.cuts.push(parse_cut(ds, &format!("cuts[{i}]"), spec)?);
        }
        for (i, spec) in self.bans.iter().enumerate() {
            shock.restrictions.push(parse_ban(ds, &format!("bans[{i}]"), spec)?);
        }
        if shock.cuts.is_empty() && shock.restrictions.is_empty() {
            return Err(SpecError::new("cuts", "no shock: give a scenario name, cuts or bans"));
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
    /// restriction hits a node of it, and propagates the shock.
    pub fn run(
        &self,
        ds: &Dataset,
        scenarios: &Scenarios,
        flows: Option<&[MineralFlow]>,
    ) -> Result<ShockRun, SpecError> {
        let request = self.resolve(ds, scenarios)?;
        let network = self.network.build(ds, &request.mineral, &request.focus, flows)?;
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
            let layer = network.layer_of(stage).ok_or_else(|| {
                let stages: Vec<&str> = network
                    .layers
                    .iter()
                    .filter(|l| l.kind != LayerKind::Consumption)
                    .map(|l| l.kind.id())
                    .collect();
                SpecError::new(
                    &field,
                    format!(
                        "stage `{stage}` is not a producing stage of the {} network; expected one of: {}",
                        network.mineral,
                        stages.join(", ")
                    ),
                )
            })?;
            if network.node(country, layer).is_none() {
                return Err(SpecError::new(
                    &field,
                    format!(
                        "{country} has no {stage} node in the {} network ({} data)",
                        network.mineral, network.year
                    ),
                ));
            }
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
        .map_err(|e| SpecError::new("cuts", e.to_string()))?;
        Ok(ShockRun {
            request,
            network,
            result,
            convergence,
        })
    }
}

/// A risk spec resolved and its network built, ready for [`crate::MonteCarlo::new`].
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
}

impl RiskSpec {
    /// The parameters, each checked with its field named.
    pub fn params(&self) -> Result<RiskParams, SpecError> {
        if self.scenarios == 0 || self.scenarios > MAX_SCENARIOS {
            return Err(SpecError::new(
                "scenarios",
                format!("{}: expected 1 to {MAX_SCENARIOS}", self.scenarios),
            ));
        }
        for (name, v) in [
            ("threshold", self.threshold),
            ("p_cut_base", self.p_cut_base),
            ("p_cut_governance", self.p_cut_governance),
            ("p_ban_base", self.p_ban_base),
            ("p_ban_governance", self.p_ban_governance),
            ("p_ban_history", self.p_ban_history),
            ("severity_min", self.severity_min),
            ("severity_max", self.severity_max),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return Err(SpecError::new(
                    name,
                    format!("{v}: expected a fraction between 0 and 1"),
                ));
            }
        }
        if self.severity_min > self.severity_max {
            return Err(SpecError::new(
                "severity_min",
                format!("{} is above severity_max {}", self.severity_min, self.severity_max),
            ));
        }
        if !(0.0..=10.0).contains(&self.default_governance_risk) {
            return Err(SpecError::new(
                "default_governance_risk",
                format!("{}: expected 0 to 10", self.default_governance_risk),
            ));
        }
        Ok(RiskParams {
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
            stockpile_days: non_negative("stockpile_days", self.stockpile_days, "a number of days")?,
            spare_capacity: non_negative("spare_capacity", self.spare_capacity, "a fraction")?,
            ..RiskParams::default()
        })
    }

    /// Resolves names, checks the parameters and builds the network (from `flows` when
    /// given). India and the United States (and the focus country) are always consumers.
    pub fn prepare(
        &self,
        ds: &Dataset,
        scenarios: &Scenarios,
        flows: Option<&[MineralFlow]>,
    ) -> Result<PreparedRisk, SpecError> {
        if self.mineral.trim().is_empty() {
            return Err(SpecError::new("mineral", "missing: expected a mineral id or alias"));
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
        let network = self.network.build(ds, &mineral, &nominal, flows)?;
        Ok(PreparedRisk {
            mineral,
            focus,
            network,
            params,
            history: scenarios.restricting_countries(),
        })
    }
}

/// One node of a shock result, as both shells print it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeRecord {
    /// Mineral id.
    pub mineral: String,
    /// Data year.
    pub year: u16,
    /// Stage (`mining`, `processing`, `manufacturing`, `consumption`).
    pub stage: String,
    /// ISO3 code (or `ROW`).
    pub country: String,
    /// Baseline input (consumers: consumption), tonnes.
    pub baseline_input_t: f64,
    /// Input received after the shock, tonnes.
    pub received_t: f64,
    /// Stock drawn, tonnes.
    pub stock_drawn_t: f64,
    /// Shortfall, tonnes.
    pub shortfall_t: f64,
    /// Shortfall, percent of the baseline input.
    pub shortfall_pct: Option<f64>,
    /// Baseline output, tonnes.
    pub baseline_output_t: f64,
    /// Output after the shock, tonnes.
    pub output_t: f64,
    /// Supply it could not sell, tonnes.
    pub unsold_t: f64,
    /// Headroom used, tonnes.
    pub headroom_used_t: f64,
    /// Basis of a consumer's consumption figure.
    pub consumption_basis: Option<String>,
    /// Re-sourcing iterations of the whole propagation.
    pub iterations: u32,
    /// Mass-balance error of the whole propagation.
    pub mass_balance_error: f64,
}

/// The result of a deterministic shock, per country and stage, with its totals and mass
/// balance: `critmin shock --format json` and `POST /api/v1/shocks` answer this.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShockDocument {
    /// Mineral id.
    pub mineral: String,
    /// Data year.
    pub year: u16,
    /// Named scenario, when one was used.
    pub scenario: Option<String>,
    /// Cuts applied, `ISO3:STAGE:FRACTION`.
    pub cuts: Vec<String>,
    /// Restrictions applied, `ISO3:STAGE:DEST:SEVERITY`.
    pub restrictions: Vec<String>,
    /// Stockpile days.
    pub stockpile_days: f64,
    /// Mine headroom.
    pub spare_capacity: f64,
    /// Re-sourcing iterations.
    pub iterations: u32,
    /// Whether every layer converged.
    pub converged: bool,
    /// Convergence tolerance.
    pub tolerance: f64,
    /// Iteration cap per stage.
    pub max_iterations_per_stage: u32,
    /// Supply lost, tonnes.
    pub lost_supply_t: f64,
    /// Shortfalls, tonnes.
    pub shortfall_t: f64,
    /// Stock drawn, tonnes.
    pub stock_drawn_t: f64,
    /// Headroom used, tonnes.
    pub headroom_used_t: f64,
    /// |lost supply − (shortfall + stock drawn)| / total baseline flow.
    pub mass_balance_error: f64,
    /// Each layer with its source and unit.
    pub layers: Vec<String>,
    /// Notes on the network's data.
    pub notes: Vec<String>,
    /// Nodes with a baseline input, layer by layer.
    pub nodes: Vec<NodeRecord>,
}

/// `ISO3:STAGE:FRACTION` of a cut.
pub fn describe_cut(c: &Cut) -> String {
    format!("{}:{}:{}", c.country, c.stage, c.fraction)
}

/// `ISO3:STAGE:DEST:SEVERITY` of a restriction.
pub fn describe_ban(r: &Restriction) -> String {
    format!("{}:{}:{}:{}", r.country, r.stage, r.destination, r.severity)
}

impl ShockDocument {
    /// The document of a run.
    pub fn new(run: &ShockRun) -> ShockDocument {
        let result = &run.result;
        let o = result.outcome;
        let nodes = result
            .nodes
            .iter()
            .filter(|n| n.baseline_input > 0.0)
            .map(|n| NodeRecord {
                mineral: result.mineral.to_string(),
                year: result.year,
                stage: n.stage.to_string(),
                country: n.country.to_string(),
                baseline_input_t: n.baseline_input,
                received_t: n.received,
                stock_drawn_t: n.stock_drawn,
                shortfall_t: n.shortfall,
                shortfall_pct: n.shortfall_pct,
                baseline_output_t: n.baseline_output,
                output_t: n.output,
                unsold_t: n.stranded,
                headroom_used_t: n.headroom_used,
                consumption_basis: n.basis.as_ref().map(ToString::to_string),
                iterations: o.iterations,
                mass_balance_error: o.mass_balance_error,
            })
            .collect();
        ShockDocument {
            mineral: result.mineral.to_string(),
            year: result.year,
            scenario: run.request.scenario.clone(),
            cuts: run.request.shock.cuts.iter().map(describe_cut).collect(),
            restrictions: run.request.shock.restrictions.iter().map(describe_ban).collect(),
            stockpile_days: run.request.stockpile_days,
            spare_capacity: run.request.spare_capacity,
            iterations: o.iterations,
            converged: o.converged,
            tolerance: run.convergence.tolerance,
            max_iterations_per_stage: run.convergence.max_iterations,
            lost_supply_t: o.lost_supply,
            shortfall_t: o.shortfall,
            stock_drawn_t: o.stock_drawn,
            headroom_used_t: o.headroom_used,
            mass_balance_error: o.mass_balance_error,
            layers: run
                .network
                .layers
                .iter()
                .map(|l| format!("{}: {} ({})", l.kind, l.source, l.source_unit))
                .collect(),
            notes: run.network.notes.clone(),
            nodes,
        }
    }
}

/// Supply at risk of one consumer, as both shells print it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskRecord {
    /// Mineral id.
    pub mineral: String,
    /// Data year.
    pub year: u16,
    /// Consumer.
    pub country: String,
    /// Consumption, tonnes per year.
    pub consumption_t: f64,
    /// Basis of the consumption figure.
    pub consumption_basis: String,
    /// Mean shortfall, tonnes.
    pub mean_shortfall_t: f64,
    /// Mean shortfall, percent of consumption.
    pub mean_shortfall_pct: f64,
    /// VaR95, tonnes.
    pub var95_t: f64,
    /// VaR95, percent.
    pub var95_pct: f64,
    /// CVaR95, tonnes.
    pub cvar95_t: f64,
    /// CVaR95, percent.
    pub cvar95_pct: f64,
    /// Probability that the shortfall exceeds the threshold.
    pub p_exceed: f64,
    /// The threshold (fraction of consumption).
    pub threshold: f64,
    /// The three largest sources of the mean shortfall.
    pub top_sources: String,
    /// Scenarios run.
    pub scenarios: u64,
    /// Seed.
    pub seed: u64,
}

/// One source country's contribution to a consumer's mean shortfall.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    /// Source country.
    pub country: String,
    /// Tonnes of the mean shortfall.
    pub tonnes: f64,
    /// Share of the mean shortfall.
    pub share_of_mean_shortfall: f64,
}

/// A supplying country's disruption probabilities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceRecord {
    /// Country.
    pub country: String,
    /// WGI governance risk used (absent: the default).
    pub governance_risk: Option<f64>,
    /// Whether it restricted exports in a named scenario.
    pub restriction_history: bool,
    /// Yearly cut probability.
    pub p_cut: f64,
    /// Yearly restriction probability.
    pub p_ban: f64,
}

/// The Monte Carlo result: `critmin risk --format json` and the result of a `risk` job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskDocument {
    /// Mineral id.
    pub mineral: String,
    /// Data year.
    pub year: u16,
    /// Scenarios run.
    pub scenarios: u64,
    /// Seed.
    pub seed: u64,
    /// Worker threads used (the result does not depend on it).
    pub threads: usize,
    /// Histogram bins behind VaR and CVaR.
    pub histogram_bins: usize,
    /// Their resolution, percent of consumption.
    pub histogram_resolution_pct: f64,
    /// Mean re-sourcing iterations.
    pub mean_iterations: f64,
    /// Largest mass-balance error of any scenario.
    pub max_mass_balance_error: f64,
    /// Scenarios at the iteration cap.
    pub non_converged: u64,
    /// The parameters used.
    pub parameters: RiskParameters,
    /// Supplying countries.
    pub sources: Vec<SourceRecord>,
    /// One row per consumer.
    pub consumers: Vec<RiskRecord>,
    /// The focus country and its contributions.
    pub focus: Option<(String, Vec<Contribution>)>,
    /// Notes on the network's data.
    pub notes: Vec<String>,
}

/// The parameters of a run as printed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskParameters {
    /// Base cut probability.
    pub p_cut_base: f64,
    /// Governance cut probability.
    pub p_cut_governance: f64,
    /// Base restriction probability.
    pub p_ban_base: f64,
    /// Governance restriction probability.
    pub p_ban_governance: f64,
    /// History restriction probability.
    pub p_ban_history: f64,
    /// Default governance risk.
    pub default_governance_risk: f64,
    /// Smallest severity.
    pub severity_min: f64,
    /// Largest severity.
    pub severity_max: f64,
    /// Threshold.
    pub threshold: f64,
    /// Stockpile days.
    pub stockpile_days: f64,
    /// Mine headroom.
    pub spare_capacity: f64,
}

/// The `k` largest sources of a consumer's mean shortfall, `ISO3 NN%`.
pub fn top_sources(c: &crate::ConsumerRisk, k: usize) -> String {
    if c.mean_shortfall <= 0.0 {
        return String::new();
    }
    c.contributions
        .iter()
        .take(k)
        .map(|(s, v)| format!("{s} {:.0}%", 100.0 * v / c.mean_shortfall))
        .collect::<Vec<_>>()
        .join(", ")
}

impl RiskDocument {
    /// The document of a run on `network` with `threads` worker threads.
    pub fn new(result: &RiskResult, network: &Network, focus: Option<CountryCode>, threads: usize) -> RiskDocument {
        let params = &result.params;
        let consumers = result
            .consumers
            .iter()
            .map(|c| RiskRecord {
                mineral: result.mineral.clone(),
                year: result.year,
                country: c.country.to_string(),
                consumption_t: c.consumption,
                consumption_basis: c.basis.as_ref().map_or_else(String::new, ToString::to_string),
                mean_shortfall_t: c.mean_shortfall,
                mean_shortfall_pct: c.mean_shortfall_pct,
                var95_t: c.var95,
                var95_pct: c.var95_pct,
                cvar95_t: c.cvar95,
                cvar95_pct: c.cvar95_pct,
                p_exceed: c.p_exceed,
                threshold: params.threshold,
                top_sources: top_sources(c, 3),
                scenarios: result.scenarios,
                seed: params.seed,
            })
            .collect();
        let focus = focus
            .and_then(|f| result.consumers.iter().find(|c| c.country == f))
            .map(|c| {
                (
                    c.country.to_string(),
                    c.contributions
                        .iter()
                        .map(|(s, v)| Contribution {
                            country: s.to_string(),
                            tonnes: *v,
                            share_of_mean_shortfall: if c.mean_shortfall > 0.0 {
                                v / c.mean_shortfall
                            } else {
                                0.0
                            },
                        })
                        .collect(),
                )
            });
        RiskDocument {
            mineral: result.mineral.clone(),
            year: result.year,
            scenarios: result.scenarios,
            seed: params.seed,
            threads,
            histogram_bins: BINS,
            histogram_resolution_pct: 100.0 / BINS as f64,
            mean_iterations: result.mean_iterations,
            max_mass_balance_error: result.max_mass_balance_error,
            non_converged: result.non_converged,
            parameters: RiskParameters {
                p_cut_base: params.p_cut_base,
                p_cut_governance: params.p_cut_governance,
                p_ban_base: params.p_ban_base,
                p_ban_governance: params.p_ban_governance,
                p_ban_history: params.p_ban_history,
                default_governance_risk: params.default_governance_risk,
                severity_min: params.severity_min,
                severity_max: params.severity_max,
                threshold: params.threshold,
                stockpile_days: params.stockpile_days,
                spare_capacity: params.spare_capacity,
            },
            sources: result
                .sources
                .iter()
                .map(|s| SourceRecord {
                    country: s.country.to_string(),
                    governance_risk: s.governance_risk,
                    restriction_history: s.history,
                    p_cut: s.p_cut,
                    p_ban: s.p_ban,
                })
                .collect(),
            consumers,
            focus,
            notes: network.notes.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(
            RiskSpec::default().prepare(&ds, &sc, None).unwrap_err().field,
            "mineral"
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
