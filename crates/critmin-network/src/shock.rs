//! Deterministic shocks: capacity cuts and export restrictions, and their per-node results.

use std::fmt;

use critmin_model::{CountryCode, Group, MineralId};

use crate::NetworkError;
use crate::network::{ConsumptionBasis, LayerKind, Network};
use crate::propagate::{Convergence, Outcome, Workspace, propagate};

/// Who an export restriction applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination {
    /// Every foreign buyer.
    All,
    /// One country.
    Country(CountryCode),
    /// The members of a group (`feoc`, `us-fta`, `quad`, ...).
    Group(Group),
}

impl fmt::Display for Destination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Destination::All => f.write_str("all"),
            Destination::Country(c) => write!(f, "{c}"),
            Destination::Group(g) => f.write_str(g.id()),
        }
    }
}

impl std::str::FromStr for Destination {
    type Err = String;

    fn from_str(s: &str) -> Result<Destination, String> {
        if s.eq_ignore_ascii_case("all") {
            return Ok(Destination::All);
        }
        if let Ok(g) = s.to_ascii_lowercase().parse::<Group>() {
            return Ok(Destination::Group(g));
        }
        match s.to_ascii_uppercase().parse::<CountryCode>() {
            Ok(c) if !c.is_pseudo() => Ok(Destination::Country(c)),
            _ => Err(format!(
                "`all`, an ISO3 country code or a group id ({})",
                Group::ALL.iter().map(|g| g.id()).collect::<Vec<_>>().join(", ")
            )),
        }
    }
}

/// A capacity cut: a share of one node's output is lost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cut {
    /// Country.
    pub country: CountryCode,
    /// Stage.
    pub stage: LayerKind,
    /// Fraction of output lost, 0–1.
    pub fraction: f64,
}

/// An export restriction: a share of one node's exports to some destinations is withheld.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Restriction {
    /// Exporting country.
    pub country: CountryCode,
    /// Stage of the restricted exports.
    pub stage: LayerKind,
    /// Who it applies to.
    pub destination: Destination,
    /// Fraction of the affected exports withheld, 0–1 (1 = full ban; a licence regime is less).
    pub severity: f64,
}

/// Any mix of cuts and restrictions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Shock {
    /// Capacity cuts.
    pub cuts: Vec<Cut>,
    /// Export restrictions.
    pub restrictions: Vec<Restriction>,
}

fn check_fraction(what: &str, v: f64) -> Result<f64, NetworkError> {
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(NetworkError::Shock(format!(
            "{what} {v}: expected a fraction between 0 and 1"
        )))
    }
}

/// The node of `country` at the producing `stage` of `net`; the error says which stages the
/// network has, or that the country has no node there.
pub fn producing_node(net: &Network, country: CountryCode, stage: LayerKind) -> Result<usize, NetworkError> {
    let Some(l) = net.layer_of(stage).filter(|_| stage != LayerKind::Consumption) else {
        let stages: Vec<&str> = net
            .layers
            .iter()
            .filter(|l| l.kind != LayerKind::Consumption)
            .map(|l| l.kind.id())
            .collect();
        return Err(NetworkError::Shock(format!(
            "stage `{stage}` is not a producing stage of the {} network; expected one of: {}",
            net.mineral,
            stages.join(", ")
        )));
    };
    net.node(country, l).ok_or_else(|| {
        NetworkError::Shock(format!(
            "{country} has no {stage} node in the {} network ({} data)",
            net.mineral, net.year
        ))
    })
}

/// Writes `shock` into the workspace: cuts per node (several cuts on one node compound as
/// 1 − Π(1 − f)) and allowed fractions per edge (the strictest restriction wins; domestic
/// edges are never restricted). `in_group` answers group membership for destinations.
pub fn apply_shock(
    net: &Network,
    shock: &Shock,
    ws: &mut Workspace,
    in_group: &dyn Fn(CountryCode, Group) -> bool,
) -> Result<(), NetworkError> {
    ws.clear_shock();
    for c in &shock.cuts {
        let f = check_fraction("cut fraction", c.fraction)?;
        let n = producing_node(net, c.country, c.stage)?;
        ws.cut[n] = 1.0 - (1.0 - ws.cut[n]) * (1.0 - f);
    }
    for r in &shock.restrictions {
        let s = check_fraction("restriction severity", r.severity)?;
        let n = producing_node(net, r.country, r.stage)?;
        for k in net.out_edges(n) {
            let buyer = net.nodes[net.edges[k].to as usize].country;
            if buyer == r.country {
                continue;
            }
            let hit = match r.destination {
                Destination::All => true,
                Destination::Country(c) => buyer == c,
                Destination::Group(g) => in_group(buyer, g),
            };
            if hit {
                ws.allowed[k] = ws.allowed[k].min(1.0 - s);
            }
        }
    }
    ws.mark_restrictions(net);
    Ok(())
}

/// The result at one node.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeResult {
    /// Country.
    pub country: CountryCode,
    /// Stage.
    pub stage: LayerKind,
    /// Baseline input requirement (for a consumer: consumption), tonnes.
    pub baseline_input: f64,
    /// Inputs received after the shock, tonnes.
    pub received: f64,
    /// Stock drawn, tonnes.
    pub stock_drawn: f64,
    /// Shortfall, tonnes.
    pub shortfall: f64,
    /// Shortfall as a percent of the baseline input (`None` without inputs).
    pub shortfall_pct: Option<f64>,
    /// Baseline output, tonnes (0 for consumers).
    pub baseline_output: f64,
    /// Output after the shock (including headroom used), tonnes.
    pub output: f64,
    /// Extra output from headroom, tonnes.
    pub headroom_used: f64,
    /// Supply it could not sell (restricted exports), tonnes.
    pub stranded: f64,
    /// For consumers: the basis of the consumption figure.
    pub basis: Option<ConsumptionBasis>,
}

/// The full result of a deterministic shock.
#[derive(Debug, Clone, PartialEq)]
pub struct ShockResult {
    /// Mineral.
    pub mineral: MineralId,
    /// Data year.
    pub year: u16,
    /// One row per node, layer by layer.
    pub nodes: Vec<NodeResult>,
    /// Totals, iterations and mass balance.
    pub outcome: Outcome,
    /// Stockpile days used.
    pub stockpile_days: f64,
    /// Mine headroom used (fraction of baseline output).
    pub spare_capacity: f64,
    /// Convergence settings used.
    pub convergence: Convergence,
}

/// Applies `shock` to `net` with a uniform stockpile of `stockpile_days` at every buyer and a
/// headroom of `spare_capacity` (fraction of baseline output) at every mine, and propagates it.
pub fn run_shock(
    net: &Network,
    shock: &Shock,
    stockpile_days: f64,
    spare_capacity: f64,
    convergence: Convergence,
    in_group: &dyn Fn(CountryCode, Group) -> bool,
) -> Result<ShockResult, NetworkError> {
    if !(stockpile_days.is_finite() && stockpile_days >= 0.0) {
        return Err(NetworkError::Shock(format!(
            "stockpile days {stockpile_days}: expected a number ≥ 0"
        )));
    }
    if !(spare_capacity.is_finite() && spare_capacity >= 0.0) {
        return Err(NetworkError::Shock(format!(
            "spare capacity {spare_capacity}: expected a fraction ≥ 0"
        )));
    }
    let mut ws = Workspace::new(net);
    ws.set_stockpile_days(net, stockpile_days);
    ws.set_spare_capacity(net, spare_capacity);
    apply_shock(net, shock, &mut ws, in_group)?;
    let outcome = propagate(net, &mut ws, convergence);
    let nodes = net
        .nodes
        .iter()
        .enumerate()
        .map(|(n, node)| {
            let need = net.baseline_input(n);
            NodeResult {
                country: node.country,
                stage: net.layers[node.layer].kind,
                baseline_input: need,
                received: ws.received[n],
                stock_drawn: ws.drawn[n],
                shortfall: ws.shortfall[n],
                shortfall_pct: (need > 0.0).then(|| 100.0 * ws.shortfall[n] / need),
                baseline_output: net.baseline_output(n),
                output: ws.output[n],
                headroom_used: ws.headroom_used[n],
                stranded: ws.stranded[n],
                basis: node.basis.clone(),
            }
        })
        .collect();
    Ok(ShockResult {
        mineral: net.mineral.clone(),
        year: net.year,
        nodes,
        outcome,
        stockpile_days,
        spare_capacity,
        convergence,
    })
}
