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
//!    from, over unrestricted edges, that still have spare supply (unsold supply, then
//!    headroom: extra output a mine can add, zero by default), in proportion to its
//!    baseline flows from them; a supplier asked for more than its spare grants the same
//!    fraction to everyone. Repeat until the tonnage moved in an iteration is below the
//!    tolerance (relative to the layer's baseline flow) or the iteration cap is reached.
//! 4. **Reserves**: a buyer draws on its stock (stockpile days × daily baseline input) to
//!    cover what is still missing; the rest is its shortfall, which lowers its own output at
//!    the next layer (step 1), so its buyers are cut in proportion.
//!
//! Mass balance, per layer and in total: the supply lost by suppliers (capacity cut + input
//! loss + stranded, i.e. unsold, − extra output from headroom) equals the buyers' shortfalls +
//! stock drawn. The two sides
//! are accumulated separately and their difference is reported as `mass_balance_error`
//! (relative to the total baseline flow).
//!
//! Limits, stated so results are read right: baseline flows run at capacity unless headroom
//! is given (only mines can use it), buyers only re-source from suppliers they already buy from, and
//! buyers never swap suppliers to free supply for others (no trade diversion). A restriction
//! aimed at one destination therefore lands fully on that destination unless some supplier is
//! left with unsold supply, which makes destination-specific results upper bounds on the harm.
//!
//! The hot loop works in a preallocated [`Workspace`]: no allocation per scenario. It is
//! sparse in the edges: a buyer's inputs are tracked as a deficit against its baseline, and
//! only suppliers that are disrupted (cut, short of inputs, or restricted) walk their edges;
//! re-sourcing walks only the edges of suppliers with spare supply. Node loops stay dense.

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
        Convergence {
            tolerance: 1e-12,
            max_iterations: 100,
        }
    }
}

/// Totals of one propagation.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Outcome {
    /// Re-sourcing iterations summed over layers.
    pub iterations: u32,
    /// Whether every layer met the tolerance before the cap.
    pub converged: bool,
    /// Supply lost by suppliers, all layers: capacity cut + input loss + unsold − headroom
    /// used, tonnes.
    pub lost_supply: f64,
    /// Extra output drawn from producers' headroom, all layers, tonnes.
    pub headroom_used: f64,
    /// Stock drawn by buyers, all layers, tonnes.
    pub stock_drawn: f64,
    /// Shortfalls of buyers, all layers, tonnes.
    pub shortfall: f64,
    /// |lost supply − (shortfall + stock drawn)| / total baseline flow.
    pub mass_balance_error: f64,
}

/// Preallocated buffers for one propagation; reuse it across scenarios on one thread.
///
/// Inputs: `cut`, `allowed` (with `restricted` kept in step: call [`Workspace::mark_restrictions`]
/// after writing `allowed` directly) and `stock`. Outputs: the other public vectors.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// Capacity cut per node (fraction 0–1).
    pub cut: Vec<f64>,
    /// Allowed fraction per edge (1 − export-restriction severity).
    pub allowed: Vec<f64>,
    /// Per node: whether any of its outgoing edges has an allowed fraction below 1.
    pub restricted: Vec<bool>,
    /// Nodes currently marked restricted (so a shock can be undone without a full pass).
    pub restricted_nodes: Vec<u32>,
    /// Stock per node, tonnes.
    pub stock: Vec<f64>,
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
    /// Headroom per node: output it can add beyond its baseline when buyers re-source from
    /// it, tonnes (scaled by 1 − its cut). Meant for nodes without inputs (mines); see
    /// [`Workspace::set_spare_capacity`]. Set before [`propagate`].
    pub headroom: Vec<f64>,
    /// Headroom actually used, tonnes.
    pub headroom_used: Vec<f64>,
    spare: Vec<f64>,
    deficit: Vec<f64>,
    weight: Vec<f64>,
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
            restricted: vec![false; n],
            restricted_nodes: Vec::with_capacity(n),
            stock: vec![0.0; n],
            received: vec![0.0; n],
            drawn: vec![0.0; n],
            shortfall: vec![0.0; n],
            output: vec![0.0; n],
            cut_loss: vec![0.0; n],
            input_loss: vec![0.0; n],
            stranded: vec![0.0; n],
            headroom: vec![0.0; n],
            headroom_used: vec![0.0; n],
            spare: vec![0.0; n],
            deficit: vec![0.0; n],
            weight: vec![0.0; n],
            asked: vec![0.0; n],
        }
    }

    /// Clears the shock inputs (cuts, restrictions); stocks are kept.
    pub fn clear_shock(&mut self) {
        self.cut.fill(0.0);
        self.allowed.fill(1.0);
        self.restricted.fill(false);
        self.restricted_nodes.clear();
    }

    /// Recomputes `restricted` and `restricted_nodes` from `allowed` (one pass over the edges).
    pub fn mark_restrictions(&mut self, net: &Network) {
        self.restricted_nodes.clear();
        for n in 0..net.nodes.len() {
            let r = net.out_edges(n).any(|k| self.allowed[k] < 1.0);
            self.restricted[n] = r;
            if r {
                self.restricted_nodes.push(n as u32);
            }
        }
    }

    /// Gives every producing node without inputs (mines, primary producers) a headroom of
    /// `fraction` of its baseline output; other nodes get none (more output would need more
    /// inputs).
    pub fn set_spare_capacity(&mut self, net: &Network, fraction: f64) {
        let cl = net.consumption_layer();
        for (n, h) in self.headroom.iter_mut().enumerate() {
            let primary = net.nodes[n].layer < cl && net.baseline_input(n) <= 0.0;
            *h = if primary {
                net.baseline_output(n) * fraction
            } else {
                0.0
            };
        }
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
        restricted,
        restricted_nodes: _,
        stock,
        received,
        drawn,
        shortfall,
        output,
        cut_loss,
        input_loss,
        stranded,
        headroom,
        headroom_used,
        spare,
        deficit,
        weight,
        asked,
    } = ws;
    deficit.fill(0.0);
    drawn.fill(0.0);
    shortfall.fill(0.0);
    let mut outcome = Outcome {
        converged: true,
        ..Outcome::default()
    };
    let edges = &net.edges;
    for l in 0..net.consumption_layer() {
        let suppliers = net.layer_nodes(l);
        let buyers = net.layer_nodes(l + 1);
        let threshold = conv.tolerance * net.layer_flow(l);
        let mut any_spare = false; // some supplier has supply left unsold
        // 1–2. Available supply and proportional allocation (only disrupted suppliers walk
        // their edges; the others ship their baseline).
        for n in suppliers.clone() {
            let base = net.baseline_output(n);
            let c = cut[n].clamp(0.0, 1.0);
            let need = net.baseline_input(n);
            let ratio = if need > 0.0 {
                ((need - deficit[n] + drawn[n]) / need).min(1.0)
            } else {
                1.0
            };
            let avail = base * (1.0 - c).min(ratio);
            cut_loss[n] = base * c;
            input_loss[n] = base * (1.0 - c) - avail;
            output[n] = avail;
            let range = net.out_edges(n);
            if c <= 0.0 && ratio >= 1.0 && !restricted[n] {
                stranded[n] = 0.0;
            } else if restricted[n] {
                let mut offered = 0.0;
                for k in range.clone() {
                    offered += edges[k].tonnes * allowed[k];
                }
                let scale = if offered > avail { avail / offered } else { 1.0 };
                let mut sold = 0.0;
                for k in range {
                    let x = edges[k].tonnes * allowed[k] * scale;
                    deficit[edges[k].to as usize] += edges[k].tonnes - x;
                    sold += x;
                }
                stranded[n] = avail - sold;
            } else {
                // Unrestricted: everything is offered (the baseline output, ≥ avail), so every
                // buyer is cut by the same fraction and nothing is left unsold.
                let short = 1.0 - avail / base;
                for k in range {
                    deficit[edges[k].to as usize] += edges[k].tonnes * short;
                }
                stranded[n] = 0.0;
            }
            // Supply available for re-sourcing: what is unsold, then the node's headroom.
            spare[n] = stranded[n] + headroom[n] * (1.0 - c);
            any_spare |= spare[n] > threshold;
        }
        let any_gap = buyers.clone().any(|d| deficit[d] > threshold);
        // 3. Re-sourcing from suppliers with spare supply, to a fixed point.
        let mut iterations = 0;
        if any_spare && any_gap {
            loop {
                if iterations >= conv.max_iterations {
                    outcome.converged = false;
                    break;
                }
                for d in buyers.clone() {
                    weight[d] = 0.0;
                }
                for s in suppliers.clone() {
                    if spare[s] > threshold {
                        for k in net.out_edges(s) {
                            let d = edges[k].to as usize;
                            if allowed[k] >= 1.0 && deficit[d] > threshold {
                                weight[d] += edges[k].tonnes;
                            }
                        }
                    }
                }
                // Each buyer's request per tonne of baseline flow: its gap over the eligible
                // baseline flows (kept in `weight`, a multiplication per edge below).
                for d in buyers.clone() {
                    weight[d] = if weight[d] > 0.0 { deficit[d] / weight[d] } else { 0.0 };
                }
                // Requests and grants in one pass per supplier: a buyer's request depends only
                // on its `weight`, fixed above, so granting supplier s before computing the
                // requests to the next one changes nothing (each deficit receives the same
                // subtractions in the same supplier order) and s's edges are walked while hot.
                let mut any = false;
                let mut moved = 0.0;
                let mut saturated = false;
                for s in suppliers.clone() {
                    asked[s] = 0.0;
                    if spare[s] <= threshold {
                        continue;
                    }
                    let mut total = 0.0;
                    for k in net.out_edges(s) {
                        let d = edges[k].to as usize;
                        if allowed[k] >= 1.0 && weight[d] > 0.0 {
                            total += edges[k].tonnes * weight[d];
                        }
                    }
                    asked[s] = total;
                    if total <= 0.0 {
                        continue;
                    }
                    any = true;
                    let grant = if total > spare[s] {
                        saturated = true;
                        spare[s] / total
                    } else {
                        1.0
                    };
                    for k in net.out_edges(s) {
                        let d = edges[k].to as usize;
                        if allowed[k] >= 1.0 && weight[d] > 0.0 {
                            let add = edges[k].tonnes * weight[d] * grant;
                            deficit[d] -= add;
                            moved += add;
                        }
                    }
                    spare[s] = (spare[s] - total.min(spare[s])).max(0.0);
                }
                if !any {
                    break;
                }
                iterations += 1;
                // When no supplier ran out, every buyer that asked got its whole gap and the
                // others still have nobody to ask: the next pass would find no request.
                if moved <= threshold || !saturated {
                    break;
                }
            }
        }
        outcome.iterations += iterations;
        // What re-sourcing took comes out of unsold supply first, then out of headroom.
        for n in suppliers.clone() {
            let room = headroom[n] * (1.0 - cut[n].clamp(0.0, 1.0));
            let used = (stranded[n] + room - spare[n]).max(0.0);
            let from_unsold = used.min(stranded[n]);
            stranded[n] -= from_unsold;
            headroom_used[n] = used - from_unsold;
            output[n] += headroom_used[n];
        }
        // 4. Reserves, then shortfall.
        for d in buyers {
            let gap = deficit[d].max(0.0);
            let take = gap.min(stock[d]);
            drawn[d] = take;
            shortfall[d] = gap - take;
        }
    }
    let mut lost = 0.0;
    let mut covered = 0.0;
    for n in 0..net.nodes.len() {
        received[n] = net.baseline_input(n) - deficit[n];
        if net.nodes[n].layer < net.consumption_layer() {
            lost += cut_loss[n] + input_loss[n] + stranded[n] - headroom_used[n];
            outcome.headroom_used += headroom_used[n];
        } else {
            headroom_used[n] = 0.0;
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
    outcome.mass_balance_error = if total > 0.0 {
        (lost - covered).abs() / total
    } else {
        0.0
    };
    outcome
}
