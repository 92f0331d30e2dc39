//! Monte Carlo supply-at-risk on a network: the disruptions of [`crate::disruption`],
//! propagated, aggregated as they stream.
//!
//! **Reproducibility.** Each scenario's draws depend only on (seed, index). Scenarios are cut
//! into fixed chunks of [`CHUNK`]; each chunk is aggregated on one thread and the chunk
//! results are merged in chunk order, so the result is bit-for-bit the same whatever the
//! number of threads.
//!
//! **Aggregation** (never storing scenarios): per consumer, sums of shortfall, a count of
//! scenarios above the threshold, and a histogram of the shortfall fraction with
//! [`BINS`] bins of 0.1 % of consumption plus an exact zero bin (count and sum per bin).
//! VaR95 is the upper edge of the bin holding the 95th percentile (exact to 0.1 percentage
//! point); CVaR95 is the mean of the worst 5 % using each bin's mean. Each source country's
//! contribution to a consumer's mean shortfall splits every scenario's shortfall over the
//! disrupted countries in proportion to the supply they removed directly (cut + unsold);
//! contributions add up to the mean shortfall.

use std::collections::BTreeSet;

use critmin_model::CountryCode;
use rayon::prelude::*;

use crate::NetworkError;
use crate::disruption::{Draws, RiskParams, SourceRisk, draw_into};
use crate::network::{ConsumptionBasis, Network};
use crate::propagate::{Workspace, propagate};

/// Scenarios per chunk (fixed, so results do not depend on the thread count).
pub const CHUNK: u64 = 2048;
/// Histogram bins over the shortfall fraction 0–1 (resolution 0.1 % of consumption).
pub const BINS: usize = 1000;
const BATCH_CHUNKS: u64 = 8;

/// A prepared Monte Carlo run over one network.
#[derive(Debug, Clone)]
pub struct MonteCarlo<'a> {
    net: &'a Network,
    params: RiskParams,
    sources: Vec<SourceRisk>,
    node_source: Vec<u32>,
    edge_foreign: Vec<bool>,
    consumers: Vec<usize>,
}

impl<'a> MonteCarlo<'a> {
    /// Prepares a run: probabilities per supplying country from `governance` (WGI risk 0–10
    /// by country) and `history` (countries with past restrictions).
    pub fn new(
        net: &'a Network,
        params: RiskParams,
        governance: &dyn Fn(CountryCode) -> Option<f64>,
        history: &BTreeSet<CountryCode>,
    ) -> Result<MonteCarlo<'a>, NetworkError> {
        params.check()?;
        let cl = net.consumption_layer();
        let supplying: BTreeSet<CountryCode> = net.nodes.iter().filter(|n| n.layer < cl).map(|n| n.country).collect();
        let sources: Vec<SourceRisk> = supplying
            .iter()
            .map(|&c| SourceRisk::new(c, &params, governance, history))
            .collect();
        let node_source = net
            .nodes
            .iter()
            .map(|n| {
                sources
                    .iter()
                    .position(|s| s.country == n.country)
                    .map_or(u32::MAX, |i| i as u32)
            })
            .collect();
        let edge_foreign = net
            .edges
            .iter()
            .map(|e| net.nodes[e.from as usize].country != net.nodes[e.to as usize].country)
            .collect();
        let consumers = net.layer_nodes(cl).collect();
        Ok(MonteCarlo {
            net,
            params,
            sources,
            node_source,
            edge_foreign,
            consumers,
        })
    }

    /// The supplying countries and their probabilities, in draw order.
    pub fn sources(&self) -> &[SourceRisk] {
        &self.sources
    }

    /// Consumer node indices, in result order.
    pub fn consumers(&self) -> &[usize] {
        &self.consumers
    }

    /// The draws of scenario `index` (depends only on the seed and the index).
    pub fn draw(&self, index: u64, draws: &mut Draws) {
        draw_into(&self.params, &self.sources, index, draws);
    }

    /// Writes `draws` into the workspace: cuts per node, and allowed fractions on the foreign
    /// edges of restricting countries. Only the edges of the previous and the new restricting
    /// nodes are touched.
    pub fn apply(&self, draws: &Draws, ws: &mut Workspace) {
        for &n in &ws.restricted_nodes {
            let n = n as usize;
            for k in self.net.out_edges(n) {
                ws.allowed[k] = 1.0;
            }
            ws.restricted[n] = false;
        }
        ws.restricted_nodes.clear();
        for (n, &s) in self.node_source.iter().enumerate() {
            if s == u32::MAX {
                continue;
            }
            ws.cut[n] = draws.cut[s as usize];
            let ban = draws.ban[s as usize];
            if ban > 0.0 {
                for k in self.net.out_edges(n) {
                    if self.edge_foreign[k] {
                        ws.allowed[k] = 1.0 - ban;
                    }
                }
                ws.restricted[n] = true;
                ws.restricted_nodes.push(n as u32);
            }
        }
    }

    /// A workspace for this run (stocks set).
    pub fn workspace(&self) -> Workspace {
        let mut ws = Workspace::new(self.net);
        ws.set_stockpile_days(self.net, self.params.stockpile_days);
        ws.set_spare_capacity(self.net, self.params.spare_capacity);
        ws
    }

    /// Runs scenario `index` in `ws` and returns the consumers' shortfalls via the workspace.
    pub fn run_one(&self, index: u64, draws: &mut Draws, ws: &mut Workspace) -> crate::propagate::Outcome {
        self.draw(index, draws);
        self.apply(draws, ws);
        propagate(self.net, ws, self.params.convergence)
    }

    fn scratch(&self) -> Scratch {
        let n = self.sources.len();
        Scratch {
            ws: self.workspace(),
            draws: Draws::default(),
            loss: vec![0.0; n],
            hit: Vec::with_capacity(n),
            fractions: vec![0.0; self.consumers.len() * CHUNK as usize],
        }
    }

    fn run_chunk(&self, chunk: u64, scratch: &mut Scratch) -> Accumulator {
        let Scratch {
            ws,
            draws,
            loss,
            hit,
            fractions,
        } = scratch;
        let c = self.consumers.len();
        let s = self.sources.len();
        let mut acc = Accumulator::new(c, s);
        let start = chunk * CHUNK;
        let end = (start + CHUNK).min(self.params.scenarios);
        let stride = CHUNK as usize;
        for index in start..end {
            let slot = (index - start) as usize;
            let outcome = self.run_one(index, draws, ws);
            acc.scenarios += 1;
            acc.iterations += u64::from(outcome.iterations);
            acc.max_mass_balance_error = acc.max_mass_balance_error.max(outcome.mass_balance_error);
            acc.non_converged += u64::from(!outcome.converged);
            loss.fill(0.0);
            for (n, &src) in self.node_source.iter().enumerate() {
                if src != u32::MAX {
                    loss[src as usize] += ws.cut_loss[n] + ws.stranded[n];
                }
            }
            hit.clear();
            hit.extend(loss.iter().enumerate().filter(|(_, l)| **l > 0.0).map(|(j, &l)| (j, l)));
            let total_loss: f64 = hit.iter().map(|(_, l)| l).sum();
            // Each disrupted source's weight in this scenario's shortfalls.
            for (_, l) in hit.iter_mut() {
                *l /= total_loss;
            }
            for (i, &n) in self.consumers.iter().enumerate() {
                let need = self.net.baseline_input(n);
                let short = ws.shortfall[n];
                let frac = if need > 0.0 {
                    (short / need).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                acc.sum[i] += short;
                if frac > self.params.threshold {
                    acc.exceed[i] += 1;
                }
                // Histogram updates are deferred to the end of the chunk, consumer by
                // consumer, so each consumer's bins stay in cache.
                fractions[i * stride + slot] = if frac <= 1e-12 { 0.0 } else { frac };
                if frac > 1e-12 {
                    let row = &mut acc.contrib[i * s..(i + 1) * s];
                    for &(j, w) in hit.iter() {
                        row[j] += short * w;
                    }
                }
            }
        }
        let n = (end - start) as usize;
        for i in 0..c {
            let counts = &mut acc.count[i * BINS..(i + 1) * BINS];
            let sums = &mut acc.bin_sum[i * BINS..(i + 1) * BINS];
            for &frac in &fractions[i * stride..i * stride + n] {
                if frac <= 0.0 {
                    acc.zero[i] += 1;
                } else {
                    let b = ((frac * BINS as f64) as usize).min(BINS - 1);
                    counts[b] += 1;
                    sums[b] += frac;
                }
            }
        }
        acc
    }

    /// Runs every scenario on the current rayon pool; `progress` is told how many scenarios
    /// are done after each batch.
    pub fn run(&self, progress: &(dyn Fn(u64) + Sync)) -> RiskResult {
        let chunks = self.params.scenarios.div_ceil(CHUNK);
        let mut total = Accumulator::new(self.consumers.len(), self.sources.len());
        let mut batch_start = 0;
        while batch_start < chunks {
            let batch_end = (batch_start + BATCH_CHUNKS).min(chunks);
            let parts: Vec<Accumulator> = (batch_start..batch_end)
                .into_par_iter()
                .map_init(|| self.scratch(), |scratch, chunk| self.run_chunk(chunk, scratch))
                .collect();
            for p in &parts {
                total.merge(p);
            }
            progress(total.scenarios);
            batch_start = batch_end;
        }
        self.finish(&total)
    }

    fn finish(&self, acc: &Accumulator) -> RiskResult {
        let n = acc.scenarios.max(1) as f64;
        let s = self.sources.len();
        let consumers = self
            .consumers
            .iter()
            .enumerate()
            .map(|(i, &node)| {
                let need = self.net.baseline_input(node);
                let counts = &acc.count[i * BINS..(i + 1) * BINS];
                let sums = &acc.bin_sum[i * BINS..(i + 1) * BINS];
                let (var, cvar) = tail(acc.zero[i], counts, sums, acc.scenarios);
                let mut contributions: Vec<(CountryCode, f64)> = (0..s)
                    .map(|j| (self.sources[j].country, acc.contrib[i * s + j] / n))
                    .filter(|(_, v)| *v > 0.0)
                    .collect();
                contributions.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                let mean = acc.sum[i] / n;
                ConsumerRisk {
                    country: self.net.nodes[node].country,
                    basis: self.net.nodes[node].basis.clone(),
                    consumption: need,
                    mean_shortfall: mean,
                    mean_shortfall_pct: if need > 0.0 { 100.0 * mean / need } else { 0.0 },
                    var95_pct: 100.0 * var,
                    var95: var * need,
                    cvar95_pct: 100.0 * cvar,
                    cvar95: cvar * need,
                    p_exceed: acc.exceed[i] as f64 / n,
                    contributions,
                }
            })
            .collect();
        RiskResult {
            mineral: self.net.mineral.to_string(),
            year: self.net.year,
            scenarios: acc.scenarios,
            params: self.params.clone(),
            sources: self.sources.clone(),
            consumers,
            mean_iterations: acc.iterations as f64 / n,
            max_mass_balance_error: acc.max_mass_balance_error,
            non_converged: acc.non_converged,
        }
    }
}

/// VaR95 and CVaR95 (fractions) from the zero count and the histogram.
fn tail(zero: u64, counts: &[u32], sums: &[f64], n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 0.0);
    }
    // Worst 5 %: k scenarios (at least one).
    let k = ((n as f64) * 0.05).ceil().max(1.0) as u64;
    let rank = n - k; // scenarios strictly below the 95th percentile
    let var = if zero > rank {
        0.0
    } else {
        let mut cum = zero;
        let mut edge = 0.0;
        for (b, &c) in counts.iter().enumerate() {
            cum += u64::from(c);
            if cum > rank {
                edge = (b + 1) as f64 / BINS as f64;
                break;
            }
        }
        edge
    };
    let mut need = k;
    let mut sum = 0.0;
    for b in (0..BINS).rev() {
        if need == 0 {
            break;
        }
        let c = u64::from(counts[b]);
        if c == 0 {
            continue;
        }
        let take = c.min(need);
        sum += sums[b] / c as f64 * take as f64;
        need -= take;
    }
    (var, sum / k as f64)
}

/// Per-worker buffers, allocated once per worker.
struct Scratch {
    ws: Workspace,
    draws: Draws,
    loss: Vec<f64>,
    hit: Vec<(usize, f64)>,
    /// Shortfall fraction per (consumer, scenario of the chunk), consumer-major.
    fractions: Vec<f64>,
}

#[derive(Debug, Clone)]
struct Accumulator {
    scenarios: u64,
    iterations: u64,
    non_converged: u64,
    max_mass_balance_error: f64,
    sum: Vec<f64>,
    exceed: Vec<u64>,
    zero: Vec<u64>,
    count: Vec<u32>,
    bin_sum: Vec<f64>,
    contrib: Vec<f64>,
}

impl Accumulator {
    fn new(consumers: usize, sources: usize) -> Accumulator {
        Accumulator {
            scenarios: 0,
            iterations: 0,
            non_converged: 0,
            max_mass_balance_error: 0.0,
            sum: vec![0.0; consumers],
            exceed: vec![0; consumers],
            zero: vec![0; consumers],
            count: vec![0; consumers * BINS],
            bin_sum: vec![0.0; consumers * BINS],
            contrib: vec![0.0; consumers * sources],
        }
    }

    fn merge(&mut self, o: &Accumulator) {
        self.scenarios += o.scenarios;
        self.iterations += o.iterations;
        self.non_converged += o.non_converged;
        self.max_mass_balance_error = self.max_mass_balance_error.max(o.max_mass_balance_error);
        let add = |a: &mut [f64], b: &[f64]| a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        add(&mut self.sum, &o.sum);
        add(&mut self.bin_sum, &o.bin_sum);
        add(&mut self.contrib, &o.contrib);
        self.exceed.iter_mut().zip(&o.exceed).for_each(|(x, y)| *x += y);
        self.zero.iter_mut().zip(&o.zero).for_each(|(x, y)| *x += y);
        self.count.iter_mut().zip(&o.count).for_each(|(x, y)| *x += y);
    }
}

/// Supply-at-risk of one consumer.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsumerRisk {
    /// Country.
    pub country: CountryCode,
    /// Basis of its consumption figure.
    pub basis: Option<ConsumptionBasis>,
    /// Baseline consumption, tonnes per year.
    pub consumption: f64,
    /// Mean shortfall, tonnes.
    pub mean_shortfall: f64,
    /// Mean shortfall, percent of consumption.
    pub mean_shortfall_pct: f64,
    /// 95 % value at risk, percent of consumption.
    pub var95_pct: f64,
    /// 95 % value at risk, tonnes.
    pub var95: f64,
    /// 95 % conditional value at risk (mean of the worst 5 %), percent.
    pub cvar95_pct: f64,
    /// CVaR95, tonnes.
    pub cvar95: f64,
    /// Probability that the shortfall exceeds the threshold.
    pub p_exceed: f64,
    /// Contribution of each source country to the mean shortfall, tonnes, largest first.
    pub contributions: Vec<(CountryCode, f64)>,
}

/// The Monte Carlo result.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskResult {
    /// Mineral.
    pub mineral: String,
    /// Data year.
    pub year: u16,
    /// Scenarios run.
    pub scenarios: u64,
    /// Parameters used.
    pub params: RiskParams,
    /// Supplying countries and their probabilities.
    pub sources: Vec<SourceRisk>,
    /// One row per consumer.
    pub consumers: Vec<ConsumerRisk>,
    /// Mean re-sourcing iterations per scenario.
    pub mean_iterations: f64,
    /// Largest mass-balance error of any scenario.
    pub max_mass_balance_error: f64,
    /// Scenarios that hit the iteration cap.
    pub non_converged: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn tail_of_a_known_sample() {
        // 100 scenarios: 90 zero, 10 at 0.5005 (bin 500).
        let mut counts = vec![0u32; BINS];
        let mut sums = vec![0.0; BINS];
        counts[500] = 10;
        sums[500] = 10.0 * 0.5005;
        let (var, cvar) = tail(90, &counts, &sums, 100);
        assert_relative_eq!(var, 0.501);
        assert_relative_eq!(cvar, 0.5005);
        counts[500] = 4;
        sums[500] = 4.0 * 0.5005;
        let (var, cvar) = tail(96, &counts, &sums, 100);
        // Worst 5: 4 at 0.5005 and one zero.
        assert_relative_eq!(var, 0.0);
        assert_relative_eq!(cvar, 4.0 * 0.5005 / 5.0);
    }
}
