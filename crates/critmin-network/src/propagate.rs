//! Shock propagation: proportional trade allocation with reserves, stage by stage, to a fixed
//! point (after Marchand et al. 2016, ERL 11:095009, and Burkholz & Schweitzer 2019, ERL
//! 14:114013).
//!
//! For each layer, upstream first:
//! 1. **Available supply** of a supplier node: baseline output × min(1 − cut, input ratio),
//!    where the input ratio is (inputs received + stock drawn) / baseline input (1 for a node
//!    without inputs). A capacity cut and a shortage of inputs do not add up: output is
//!    limited by whichever binds.
//! 2. **Proportional allocation**: each supplier offers every buyer its baseline flow times the
//!    edge's allowed fraction (1 − severity of an export restriction on that edge; domestic
//!    edges are never restricted) and, when it has less than the total asked, cuts every buyer
//!    in the same proportion. What it cannot sell (restricted exports) stays as spare.
//! 3. **Re-sourcing to a fixed point**: a buyer with a gap asks the suppliers it already buys
//!    from, over unrestricted edges, that still have spare supply, in proportion to its
//!    baseline flows from them; a supplier asked for more than its spare grants the same
//!    fraction to everyone. Repeat until the tonnage moved in an iteration is below the
//!    tolerance (relative to the layer's baseline flow) or the iteration cap is reached.
//! 4. **Reserves**: a buyer draws on its stock (stockpile days × daily baseline input) to
//!    cover what is still missing; the rest is its shortfall, which lowers its own output at
//!    the next layer (step 1), so its buyers are cut in proportion.
//!
//! Mass balance, per layer and in total: the supply lost by suppliers (capacity cut + input
//! loss + stranded, i.e. unsold) equals the buyers' shortfalls + stock drawn. The two sides
//! are accumulated separately and their difference is reported as `mass_balance_error`
//! (relative to the total baseline flow).
//!
//! The hot loop works in a preallocated [`Workspace`]: no allocation per scenario.

use crate::network::Network;

/// Convergence settings of the re-sourcing fixed point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Convergence {
    /// Stop when the tonnage moved in one iteration is at most this fraction of the layer's
    /// baseline flow.
    pub tolerance: f64,
    /// Iteration cap per layer.
    pub max_iterations: u32,
}

impl Default for Convergence {
    fn default() -> Self {
        Convergence { tolerance: 1e-12, max_iterations: 100 }
    }
}

/// Totals of one propagation.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Outcome {
    /// Re-sourcing iterations summed over layers.
    pub iterations: u32,
    /// Whether every layer met the tolerance before the cap.
    pub converged: bool,
    /// Supply lost by suppliers, all layers: capacity cut + input loss + stranded, tonnes.
    pub lost_supply: f64,
    /// Stock drawn by buyers, all layers, tonnes.
    pub stock_drawn: f64,
    /// Shortfalls of buyers, all layers, tonnes.
    pub shortfall: f64,
    /// |lost supply − (shortfall + stock drawn)| / total baseline flow.
    pub mass_balance_error: f64,
}

/// Preallocated buffers for one propagation; reuse it across scenarios on one thread.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// Capacity cut per node (fraction 0–1). Set before [`propagate`].
    pub cut: Vec<f64>,
    /// Allowed fraction per edge (1 − export-restriction severity). Set before [`propagate`].
    pub allowed: Vec<f64>,
    /// Stock per node, tonnes. Set before [`propagate`].
    pub stock: Vec<f64>,
    /// Flow per edge after propagation, tonnes.
    pub flow: Vec<f64>,
    /// Inputs received per node, tonnes.
    pub received: Vec<f64>,
    /// Stock drawn per node, tonnes.
    pub drawn: Vec<f64>,
    /// Shortfall per node (baseline input − received − drawn), tonnes.
    pub shortfall: Vec<f64>,
    /// Available supply (output) per node, tonnes.
    pub output: Vec<f64>,
    /// Output lost to the node's own capacity cut, tonnes.
    pub cut_loss: Vec<f64>,
    /// Output lost to a shortage of inputs, tonnes.
    pub input_loss: Vec<f64>,
    /// Available supply the node could not sell (restricted or no buyer), tonnes.
    pub stranded: Vec<f64>,
    request: Vec<f64>,
    asked: Vec<f64>,
}

impl Workspace {
    /// Buffers sized for `net`, with no shock (no cut, nothing restricted, no stock).
    pub fn new(net: &Network) -> Workspace {
        let n = net.nodes.len();
        let e = net.edges.len();
        Workspace {
            cut: vec![0.0; n],
            allowed: vec![1.0; e],
            stock: vec![0.0; n],
            flow: vec![0.0; e],
            received: vec![0.0; n],
            drawn: vec![0.0; n],
            shortfall: vec![0.0; n],
            output: vec![0.0; n],
            cut_loss: vec![0.0; n],
            input_loss: vec![0.0; n],
            stranded: vec![0.0; n],
            request: vec![0.0; e],
            asked: vec![0.0; n],
        }
    }

    /// Clears the shock inputs (cuts, restrictions); stocks are kept.
    pub fn clear_shock(&mut self) {
        self.cut.fill(0.0);
        self.allowed.fill(1.0);
    }

    /// Sets every node's stock to `days` of its baseline input.
    pub fn set_stockpile_days(&mut self, net: &Network, days: f64) {
        for (n, s) in self.stock.iter_mut().enumerate() {
            *s = net.baseline_input(n) * days / 365.0;
        }
    }
}

/// Propagates the shock held in `ws` (cuts, allowed fractions, stocks) through `net`.
pub fn propagate(net: &Network, ws: &mut Workspace, conv: Convergence) -> Outcome {
    let Workspace {
        cut,
        allowed,
        stock,
        flow,
        received,
        drawn,
        shortfall,
        output,
        cut_loss,
        input_loss,
        stranded,
        request,
        asked,
    } = ws;
    received.fill(0.0);
    drawn.fill(0.0);
    shortfall.fill(0.0);
    let mut outcome = Outcome { converged: true, ..Outcome::default() };
    let edges = &net.edges;
    for l in 0..net.consumption_layer() {
        let suppliers = net.layer_nodes(l);
        let buyers = net.layer_nodes(l + 1);
        let mut layer_flow = 0.0;
        // 1–2. Available supply and proportional allocation.
        for n in suppliers.clone() {
            let base = net.baseline_output(n);
            let c = cut[n].clamp(0.0, 1.0);
            let need = net.baseline_input(n);
            let ratio = if need > 0.0 { ((received[n] + drawn[n]) / need).min(1.0) } else { 1.0 };
            let avail = base * (1.0 - c).min(ratio);
            cut_loss[n] = base * c;
            input_loss[n] = base * (1.0 - c) - avail;
            output[n] = avail;
            let range = net.out_edges(n);
            let mut offered = 0.0;
            for k in range.clone() {
                offered += edges[k].tonnes * allowed[k];
            }
            let scale = if offered > avail { avail / offered } else { 1.0 };
            let mut sold = 0.0;
            for k in range {
                let x = edges[k].tonnes * allowed[k] * scale;
                flow[k] = x;
                received[edges[k].to as usize] += x;
                sold += x;
                layer_flow += edges[k].tonnes;
            }
            stranded[n] = avail - sold;
        }
        // 3. Re-sourcing from suppliers with spare supply, to a fixed point.
        let threshold = conv.tolerance * layer_flow;
        let mut iterations = 0;
        loop {
            if iterations >= conv.max_iterations {
                outcome.converged = false;
                break;
            }
            for n in suppliers.clone() {
                asked[n] = 0.0;
            }
            let mut any = false;
            for d in buyers.clone() {
                let gap = net.baseline_input(d) - received[d];
                if gap <= threshold {
                    continue;
                }
                let mut weight = 0.0;
                for &k in net.in_edges(d) {
                    let k = k as usize;
                    let s = edges[k].from as usize;
                    if allowed[k] >= 1.0 && stranded[s] > threshold {
                        weight += edges[k].tonnes;
                    }
                }
                if weight <= 0.0 {
                    continue;
                }
                for &k in net.in_edges(d) {
                    let k = k as usize;
                    let s = edges[k].from as usize;
                    if allowed[k] >= 1.0 && stranded[s] > threshold {
                        let q = gap * edges[k].tonnes / weight;
                        request[k] = q;
                        asked[s] += q;
                        any = true;
                    } else {
                        request[k] = 0.0;
                    }
                }
            }
            if !any {
                break;
            }
            iterations += 1;
            let mut moved = 0.0;
            for d in buyers.clone() {
                let gap = net.baseline_input(d) - received[d];
                if gap <= threshold {
                    continue;
                }
                for &k in net.in_edges(d) {
                    let k = k as usize;
                    let q = request[k];
                    if q <= 0.0 {
                        continue;
                    }
                    request[k] = 0.0;
                    let s = edges[k].from as usize;
                    let grant = if asked[s] > stranded[s] { stranded[s] / asked[s] } else { 1.0 };
                    let add = q * grant;
                    flow[k] += add;
                    received[d] += add;
                    moved += add;
                }
            }
            // Spare supply falls by what each supplier granted (done after the buyer pass so
            // every buyer saw the same grant fractions).
            for n in suppliers.clone() {
                if asked[n] > 0.0 {
                    let granted = asked[n].min(stranded[n]);
                    stranded[n] -= granted;
                    if stranded[n] < 0.0 {
                        stranded[n] = 0.0;
                    }
                }
            }
            if moved <= threshold {
                break;
            }
        }
        outcome.iterations += iterations;
        // 4. Reserves, then shortfall.
        for d in buyers {
            let gap = (net.baseline_input(d) - received[d]).max(0.0);
            let take = gap.min(stock[d]);
            drawn[d] = take;
            shortfall[d] = gap - take;
        }
    }
    let mut lost = 0.0;
    let mut covered = 0.0;
    for n in 0..net.nodes.len() {
        if net.nodes[n].layer < net.consumption_layer() {
            lost += cut_loss[n] + input_loss[n] + stranded[n];
        } else {
            output[n] = 0.0;
            cut_loss[n] = 0.0;
            input_loss[n] = 0.0;
            stranded[n] = 0.0;
        }
        covered += drawn[n] + shortfall[n];
        outcome.stock_drawn += drawn[n];
        outcome.shortfall += shortfall[n];
    }
    outcome.lost_supply = lost;
    let total = net.total_flow();
    outcome.mass_balance_error = if total > 0.0 { (lost - covered).abs() / total } else { 0.0 };
    outcome
}
