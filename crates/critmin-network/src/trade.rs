//! The stage network of a mineral on real trade: bilateral flows between countries plus each
//! country's own production kept at home.
//!
//! Rule (trade network with domestic use):
//! - **Layers**: the chain stages present in the flows, upstream first, then consumption. A flow
//!   at stage s runs from the exporter's stage-s node to the importer's node at the next layer
//!   (as in [`Network::from_flows`]).
//! - **Domestic edges**: where the production of a traded stage is known (`production`), a
//!   country's output kept at home is `max(P − X, 0)` (P its production, X its exports at that
//!   stage) and runs from its stage node to its own node at the next layer. Its use at the next
//!   layer is then `P − X + M` = production − net exports (M its imports), the apparent use.
//!   Domestic edges are never restricted by an export ban.
//! - **Exports above production** (re-exports, or a production figure on another basis than the
//!   traded forms): no domestic edge; the exports stand as the country's own output, so a ban
//!   upstream of a re-exporter does not reach its buyers (counted in the notes).
//! - **Stages without production data**: trade only, as in [`Network::from_flows`]: a country's
//!   use at the next layer is its imports (noted).
//! - Production of stages with no flows, and the source's residual (`ROW`), are left out.

use std::collections::{BTreeMap, BTreeSet};

use critmin_model::{ChainStage, CountryCode, MineralFlow, MineralId};

use crate::NetworkError;
use crate::network::{ConsumptionBasis, Edge, Layer, LayerKind, Network, Node};

/// One stage's production per country, in the tonnes the flows are counted in.
#[derive(Debug, Clone, PartialEq)]
pub struct StageProduction {
    /// The chain stage.
    pub stage: ChainStage,
    /// Where the figures come from (series key and year), for the notes.
    pub source: String,
    /// Production per country, tonnes (named countries only).
    pub tonnes: BTreeMap<CountryCode, f64>,
}

/// Builds the network of `mineral` in `year` from `flows` and the production of the traded
/// stages (see the module rule). `label` names the flows in the layers (e.g. `BACI V202601
/// 2024`).
pub fn trade_network(
    flows: &[MineralFlow],
    mineral: &MineralId,
    year: u16,
    production: &[StageProduction],
    label: &str,
) -> Result<Network, NetworkError> {
    let selected: Vec<&MineralFlow> = flows
        .iter()
        .filter(|f| &f.mineral == mineral && f.year == year && f.contained_tonnes > 0.0)
        .collect();
    if selected.is_empty() {
        return Err(NetworkError::NoData(format!("no trade flows of {mineral} in {year}")));
    }
    let stages: Vec<ChainStage> = selected
        .iter()
        .map(|f| f.stage)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let layer_of = |s: ChainStage| stages.iter().position(|&t| t == s).unwrap_or(0);
    let consumption = stages.len();
    // (layer, from, to) → tonnes: trade edges first, then domestic edges (from == to).
    let mut edges_by_key: BTreeMap<(usize, CountryCode, CountryCode), f64> = BTreeMap::new();
    let mut exports: BTreeMap<(usize, CountryCode), f64> = BTreeMap::new();
    let mut lumped = 0usize;
    for f in &selected {
        if f.exporter == f.importer {
            return Err(NetworkError::Structure(format!(
                "flow of {mineral} from {} to itself; trade flows cross borders",
                f.exporter
            )));
        }
        let l = layer_of(f.stage);
        *edges_by_key.entry((l, f.exporter, f.importer)).or_default() += f.contained_tonnes;
        *exports.entry((l, f.exporter)).or_default() += f.contained_tonnes;
        lumped += usize::from(f.lumped);
    }
    let mut notes = vec![format!(
        "Network from trade flows ({label}), contained tonnes: each country's use of a stage's output = its production − \
         its net exports (production kept at home + imports); production from the dataset's series named below."
    )];
    let mut with_production = BTreeSet::new();
    for p in production {
        let Some(l) = stages.iter().position(|&s| s == p.stage) else {
            continue;
        };
        with_production.insert(l);
        let mut above = Vec::new();
        for (&c, &t) in p.tonnes.iter().filter(|(c, t)| !c.is_pseudo() && **t > 0.0) {
            let x = exports.get(&(l, c)).copied().unwrap_or(0.0);
            if t > x {
                *edges_by_key.entry((l, c, c)).or_default() += t - x;
            } else {
                above.push(c.to_string());
            }
        }
        notes.push(format!(
            "{}: production from {} kept at home = production − exports.",
            p.stage.id(),
            p.source
        ));
        if !above.is_empty() {
            notes.push(format!(
                "{}: exports at or above production (re-exports, or production on another basis) for {}: their exports \
                 stand as their own output, so a ban upstream of them does not reach their buyers.",
                p.stage.id(),
                above.join(", ")
            ));
        }
    }
    for (l, s) in stages.iter().enumerate() {
        if !with_production.contains(&l) {
            notes.push(format!(
                "{}: no production series: trade only, each country's use of it is its imports (domestic supply not \
                 counted, so percent shortfalls of producers are upper bounds).",
                s.id()
            ));
        }
    }
    if lumped > 0 {
        notes.push(format!(
            "{lumped} flow(s) come from HS codes that lump several minerals together: their tonnages are upper bounds."
        ));
    }
    let mut members: Vec<BTreeSet<CountryCode>> = vec![BTreeSet::new(); consumption + 1];
    for &(l, from, to) in edges_by_key.keys() {
        members[l].insert(from);
        members[l + 1].insert(to);
    }
    let mut nodes = Vec::new();
    let mut index: BTreeMap<(usize, CountryCode), u32> = BTreeMap::new();
    for (l, set) in members.iter().enumerate() {
        for &c in set {
            index.insert((l, c), nodes.len() as u32);
            let basis = (l == consumption).then(|| {
                if with_production.contains(&(l - 1)) {
                    ConsumptionBasis::ProductionMinusNetExports
                } else {
                    ConsumptionBasis::TradeFlows
                }
            });
            nodes.push(Node {
                country: c,
                layer: l,
                basis,
            });
        }
    }
    let edges = edges_by_key
        .iter()
        .map(|(&(l, from, to), &t)| Edge {
            from: index[&(l, from)],
            to: index[&(l + 1, to)],
            tonnes: t,
        })
        .collect();
    let mut layers: Vec<Layer> = stages
        .iter()
        .map(|&s| Layer {
            kind: LayerKind::Stage(s),
            source: format!("trade flows {label}"),
            source_unit: "t contained".into(),
        })
        .collect();
    layers.push(Layer {
        kind: LayerKind::Consumption,
        source: if with_production.contains(&(consumption - 1)) {
            "production − net exports of the last traded stage".into()
        } else {
            "imports of the last traded stage (no production series)".into()
        },
        source_unit: "t contained".into(),
    });
    Network::from_parts(mineral.clone(), year, layers, nodes, edges, notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flow(exporter: &str, importer: &str, stage: ChainStage, t: f64) -> MineralFlow {
        MineralFlow {
            year: 2024,
            exporter: exporter.parse().unwrap(),
            importer: importer.parse().unwrap(),
            mineral: MineralId("m".into()),
            stage,
            contained_tonnes: t,
            value_kusd: 1.0,
            lumped: false,
        }
    }

    #[test]
    fn use_is_production_minus_net_exports() {
        let flows = [
            flow("CHN", "USA", ChainStage::Processing, 60.0),
            flow("JPN", "USA", ChainStage::Processing, 40.0),
            flow("USA", "JPN", ChainStage::Processing, 5.0),
        ];
        let production = [StageProduction {
            stage: ChainStage::Processing,
            source: "test".into(),
            tonnes: BTreeMap::from([
                ("CHN".parse().unwrap(), 500.0),
                ("USA".parse().unwrap(), 20.0),
                ("JPN".parse().unwrap(), 30.0),
            ]),
        }];
        let net = trade_network(&flows, &MineralId("m".into()), 2024, &production, "test").unwrap();
        let cl = net.consumption_layer();
        let use_of = |c: &str| net.baseline_input(net.node(c.parse().unwrap(), cl).unwrap());
        // USA: 20 − 5 + 100; CHN: 500 − 60; JPN exports 40 ≥ production 30: imports 5 only.
        assert!((use_of("USA") - 115.0).abs() < 1e-9);
        assert!((use_of("CHN") - 440.0).abs() < 1e-9);
        assert!((use_of("JPN") - 5.0).abs() < 1e-9);
        assert!(net.notes.iter().any(|n| n.contains("JPN")), "{:?}", net.notes);
    }
}
