//! The stage-layered network of one mineral: (country, stage) nodes and contained-tonne edges.
//!
//! Layers run upstream to downstream (mining, processing, manufacturing, then consumption).
//! Edges only join a layer to the next one. A node's baseline output is the sum of its
//! outgoing edges and its baseline input requirement the sum of its incoming edges, so the
//! network is mass-balanced by construction: every tonne leaving a layer arrives at the next.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use critmin_model::{ChainStage, CountryCode, MineralFlow, MineralId};

use crate::NetworkError;

/// What a layer of the network is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LayerKind {
    /// Producers at one chain stage.
    Stage(ChainStage),
    /// Final consumers: the end of the chain.
    Consumption,
}

impl LayerKind {
    /// Short id: the chain-stage id (`mining`, `processing`, `manufacturing`) or `consumption`.
    pub fn id(self) -> &'static str {
        match self {
            LayerKind::Stage(s) => s.id(),
            LayerKind::Consumption => "consumption",
        }
    }

    /// Parses [`LayerKind::id`].
    pub fn from_id(s: &str) -> Option<LayerKind> {
        if s.eq_ignore_ascii_case("consumption") {
            return Some(LayerKind::Consumption);
        }
        ChainStage::from_id(&s.to_ascii_lowercase()).map(LayerKind::Stage)
    }
}

impl fmt::Display for LayerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Where a consumer's baseline consumption comes from. Every result names it.
#[derive(Debug, Clone, PartialEq)]
pub enum ConsumptionBasis {
    /// Apparent (or reported) consumption read from a USGS MCS 2025 salient-statistics file.
    UsgsSalient {
        /// File name under `data/raw/usgs_mcs2025/`.
        file: String,
        /// 1-based line of the row used.
        line: u64,
        /// Column used.
        column: String,
        /// Year of the row.
        year: u16,
    },
    /// Given by the user (`--consumption ISO3:TONNES`).
    User,
    /// Proxy: a share of world output of the last stage equal to the country's own share of
    /// that output (the world consumes what it produces; each producer consumes in proportion).
    OutputShareProxy,
    /// Nominal: a vanishing demand (one millionth of world output) added so that the percent
    /// shortfall of a country without consumption data can be read; tonnes are not meaningful.
    Nominal,
    /// Imports at the last stage of the trade flows the network was built from.
    TradeFlows,
    /// Production of the last traded stage minus its net exports (real trade plus the dataset's
    /// production series).
    ProductionMinusNetExports,
}

impl ConsumptionBasis {
    /// Short label for tables (`usgs-salient`, `user`, `output-share-proxy`, `nominal`, `trade-flows`,
    /// `production-net-exports`).
    pub fn label(&self) -> &'static str {
        match self {
            ConsumptionBasis::UsgsSalient { .. } => "usgs-salient",
            ConsumptionBasis::User => "user",
            ConsumptionBasis::OutputShareProxy => "output-share-proxy",
            ConsumptionBasis::Nominal => "nominal",
            ConsumptionBasis::TradeFlows => "trade-flows",
            ConsumptionBasis::ProductionMinusNetExports => "production-net-exports",
        }
    }
}

impl fmt::Display for ConsumptionBasis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConsumptionBasis::UsgsSalient {
                file,
                line,
                column,
                year,
            } => {
                write!(
                    f,
                    "USGS MCS 2025 salient statistics, {file}:{line} column {column} ({year})"
                )
            }
            ConsumptionBasis::User => f.write_str("user input (--consumption)"),
            ConsumptionBasis::OutputShareProxy => {
                f.write_str("proxy: world output of the last stage split by output share")
            }
            ConsumptionBasis::Nominal => f.write_str("nominal demand (percent only; no consumption data)"),
            ConsumptionBasis::TradeFlows => f.write_str("imports at the last traded stage"),
            ConsumptionBasis::ProductionMinusNetExports => {
                f.write_str("production of the last traded stage − its net exports")
            }
        }
    }
}

/// One (country, layer) node.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Country (or `ROW`, the source's residual).
    pub country: CountryCode,
    /// Index of its layer in [`Network::layers`].
    pub layer: usize,
    /// For consumers: where the consumption figure comes from.
    pub basis: Option<ConsumptionBasis>,
}

/// One layer: its kind and where its figures come from.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    /// Kind of the layer.
    pub kind: LayerKind,
    /// Source of the layer's figures (series key, trade flows, or consumption rule).
    pub source: String,
    /// Unit of the source figures before conversion to tonnes.
    pub source_unit: String,
}

/// A directed edge from a node of one layer to a node of the next, before any shock.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    /// Supplier node index.
    pub from: u32,
    /// Buyer node index.
    pub to: u32,
    /// Baseline flow, tonnes of contained material per year.
    pub tonnes: f64,
}

/// The stage network of one mineral.
///
/// Nodes are stored layer by layer; edges are sorted by supplier (a compressed row layout)
/// and indexed by buyer, so that the propagation walks them without allocation.
#[derive(Debug, Clone)]
pub struct Network {
    /// The mineral.
    pub mineral: MineralId,
    /// Year of the data.
    pub year: u16,
    /// Layers, upstream first; the last is [`LayerKind::Consumption`].
    pub layers: Vec<Layer>,
    /// Nodes, grouped by layer in layer order.
    pub nodes: Vec<Node>,
    /// Edges, sorted by supplier node.
    pub edges: Vec<Edge>,
    /// How the network was built, its assumptions and anything left out.
    pub notes: Vec<String>,
    layer_start: Vec<usize>,
    out_start: Vec<usize>,
    in_start: Vec<usize>,
    in_edges: Vec<u32>,
    output: Vec<f64>,
    input: Vec<f64>,
    layer_flow: Vec<f64>,
    total_flow: f64,
}

impl Network {
    /// Assembles a network from nodes (grouped by layer) and edges; checks the structure.
    pub fn from_parts(
        mineral: MineralId,
        year: u16,
        layers: Vec<Layer>,
        nodes: Vec<Node>,
        mut edges: Vec<Edge>,
        notes: Vec<String>,
    ) -> Result<Network, NetworkError> {
        if layers.len() < 2 || layers.last().map(|l| l.kind) != Some(LayerKind::Consumption) {
            return Err(NetworkError::Structure(
                "a network needs at least one producing layer and a final consumption layer".into(),
            ));
        }
        let mut layer_start = vec![0usize; layers.len() + 1];
        for (i, n) in nodes.iter().enumerate() {
            if n.layer >= layers.len() || (i > 0 && n.layer < nodes[i - 1].layer) {
                return Err(NetworkError::Structure(format!("node {i} is out of layer order")));
            }
        }
        for l in 0..layers.len() {
            layer_start[l + 1] = layer_start[l] + nodes.iter().filter(|n| n.layer == l).count();
        }
        for e in &edges {
            let (f, t) = (e.from as usize, e.to as usize);
            if f >= nodes.len() || t >= nodes.len() {
                return Err(NetworkError::Structure("edge to an unknown node".into()));
            }
            if nodes[t].layer != nodes[f].layer + 1 {
                return Err(NetworkError::Structure(format!(
                    "edge {} → {} does not join a layer to the next",
                    nodes[f].country, nodes[t].country
                )));
            }
            if !(e.tonnes.is_finite() && e.tonnes > 0.0) {
                return Err(NetworkError::Structure(format!(
                    "edge {} → {} has flow {}; expected a positive number of tonnes",
                    nodes[f].country, nodes[t].country, e.tonnes
                )));
            }
        }
        edges.sort_by_key(|e| (e.from, e.to));
        let mut out_start = vec![0usize; nodes.len() + 1];
        let mut in_start = vec![0usize; nodes.len() + 1];
        let mut output = vec![0.0; nodes.len()];
        let mut input = vec![0.0; nodes.len()];
        for e in &edges {
            out_start[e.from as usize + 1] += 1;
            in_start[e.to as usize + 1] += 1;
            output[e.from as usize] += e.tonnes;
            input[e.to as usize] += e.tonnes;
        }
        for i in 0..nodes.len() {
            out_start[i + 1] += out_start[i];
            in_start[i + 1] += in_start[i];
        }
        let mut layer_flow = vec![0.0; layers.len()];
        for e in &edges {
            layer_flow[nodes[e.from as usize].layer] += e.tonnes;
        }
        let total_flow = layer_flow.iter().sum();
        let mut in_edges = vec![0u32; edges.len()];
        let mut fill = in_start.clone();
        for (k, e) in edges.iter().enumerate() {
            in_edges[fill[e.to as usize]] = k as u32;
            fill[e.to as usize] += 1;
        }
        Ok(Network {
            mineral,
            year,
            layers,
            nodes,
            edges,
            notes,
            layer_start,
            out_start,
            in_start,
            in_edges,
            output,
            input,
            layer_flow,
            total_flow,
        })
    }

    /// Node indices of layer `l`.
    pub fn layer_nodes(&self, l: usize) -> std::ops::Range<usize> {
        self.layer_start[l]..self.layer_start[l + 1]
    }

    /// Index of the consumption layer.
    pub fn consumption_layer(&self) -> usize {
        self.layers.len() - 1
    }

    /// Edge indices leaving node `n` (a contiguous range of [`Network::edges`]).
    pub fn out_edges(&self, n: usize) -> std::ops::Range<usize> {
        self.out_start[n]..self.out_start[n + 1]
    }

    /// Edge indices arriving at node `n`.
    pub fn in_edges(&self, n: usize) -> &[u32] {
        &self.in_edges[self.in_start[n]..self.in_start[n + 1]]
    }

    /// Baseline output of node `n` (sum of its outgoing edges), tonnes.
    pub fn baseline_output(&self, n: usize) -> f64 {
        self.output[n]
    }

    /// Baseline input requirement of node `n` (sum of its incoming edges), tonnes; for a
    /// consumer, its consumption.
    pub fn baseline_input(&self, n: usize) -> f64 {
        self.input[n]
    }

    /// The layer of the given kind.
    pub fn layer_of(&self, kind: LayerKind) -> Option<usize> {
        self.layers.iter().position(|l| l.kind == kind)
    }

    /// The node of `country` in layer `l`.
    pub fn node(&self, country: CountryCode, l: usize) -> Option<usize> {
        self.layer_nodes(l).find(|&n| self.nodes[n].country == country)
    }

    /// Distinct countries of the network, sorted by code.
    pub fn countries(&self) -> Vec<CountryCode> {
        let set: BTreeSet<CountryCode> = self.nodes.iter().map(|n| n.country).collect();
        set.into_iter().collect()
    }

    /// Sum of all baseline edge flows, tonnes.
    pub fn total_flow(&self) -> f64 {
        self.total_flow
    }

    /// Sum of the baseline flows leaving layer `l`, tonnes.
    pub fn layer_flow(&self, l: usize) -> f64 {
        self.layer_flow[l]
    }

    /// Builds the network from bilateral trade flows of one mineral and year.
    ///
    /// Rule (trade-only network): the layers are the chain stages present in the flows plus
    /// consumption. A flow at stage s runs from the exporter's stage-s node to the importer's
    /// node at the next stage present (or to its consumption node after the last one).
    /// Domestic production and use do not appear in trade data, so each country's exports at
    /// a stage are assumed to be made from its imports at the stage above, in proportion
    /// (a country with no imports at the stage above is a primary source there). Flows of
    /// other minerals or years are ignored; lumped flows are kept and noted.
    pub fn from_flows(flows: &[MineralFlow], mineral: &MineralId, year: u16) -> Result<Network, NetworkError> {
        let selected: Vec<&MineralFlow> = flows
            .iter()
            .filter(|f| &f.mineral == mineral && f.year == year && f.contained_tonnes > 0.0)
            .collect();
        if selected.is_empty() {
            return Err(NetworkError::NoData(format!("no trade flows of {mineral} in {year}")));
        }
        let stages: BTreeSet<ChainStage> = selected.iter().map(|f| f.stage).collect();
        let mut kinds: Vec<LayerKind> = stages.iter().map(|&s| LayerKind::Stage(s)).collect();
        kinds.push(LayerKind::Consumption);
        let mut members: Vec<BTreeSet<CountryCode>> = vec![BTreeSet::new(); kinds.len()];
        let mut flows_by_key: BTreeMap<(usize, CountryCode, CountryCode), f64> = BTreeMap::new();
        let mut lumped = 0usize;
        for f in &selected {
            if f.exporter == f.importer {
                return Err(NetworkError::Structure(format!(
                    "flow of {mineral} from {} to itself; trade flows cross borders",
                    f.exporter
                )));
            }
            let l = kinds.iter().position(|k| *k == LayerKind::Stage(f.stage)).unwrap_or(0);
            members[l].insert(f.exporter);
            members[l + 1].insert(f.importer);
            *flows_by_key.entry((l, f.exporter, f.importer)).or_default() += f.contained_tonnes;
            lumped += usize::from(f.lumped);
        }
        let mut nodes = Vec::new();
        let mut index: BTreeMap<(usize, CountryCode), u32> = BTreeMap::new();
        for (l, set) in members.iter().enumerate() {
            for &c in set {
                index.insert((l, c), nodes.len() as u32);
                let basis = (l + 1 == kinds.len()).then_some(ConsumptionBasis::TradeFlows);
                nodes.push(Node {
                    country: c,
                    layer: l,
                    basis,
                });
            }
        }
        let edges = flows_by_key
            .iter()
            .map(|(&(l, from, to), &t)| Edge {
                from: index[&(l, from)],
                to: index[&(l + 1, to)],
                tonnes: t,
            })
            .collect();
        let layers = kinds
            .iter()
            .map(|&kind| Layer {
                kind,
                source: "trade flows".into(),
                source_unit: "t contained".into(),
            })
            .collect();
        let mut notes = vec![
            "Network from trade flows: domestic production and use are not in trade data; a country's exports \
             at a stage are assumed to be made from its imports at the stage above, in proportion."
                .to_owned(),
        ];
        if lumped > 0 {
            notes.push(format!(
                "{lumped} flow(s) come from HS codes that lump several minerals together: their tonnages are upper bounds."
            ));
        }
        Network::from_parts(mineral.clone(), year, layers, nodes, edges, notes)
    }
}
