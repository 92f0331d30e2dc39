//! `critmin risk`: Monte Carlo supply-at-risk on a mineral's stage network.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use critmin_app::stress::{RiskDocument, RiskSpec};
use critmin_model::Dataset;
use critmin_network::{Draws, MonteCarlo, RiskParams, RiskResult, Scenarios, montecarlo::BINS};

use super::shock::{NetworkArgs, flag_error};
use crate::output::{Format, Table, emit, quantity};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Mineral id or alias.
    #[arg(long)]
    mineral: String,
    /// Number of random scenarios.
    #[arg(long, default_value_t = RiskSpec::default().scenarios)]
    scenarios: u64,
    /// Seed: the same seed gives the same result whatever the number of threads.
    #[arg(long, default_value_t = RiskSpec::default().seed)]
    seed: u64,
    /// Show the source-country contributions of this consumer (ISO3); it is added as a
    /// consumer with nominal demand when it has no consumption figure.
    #[arg(long)]
    country: Option<String>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Shortfall threshold, as a fraction of consumption, for the exceedance probability.
    #[arg(long, default_value_t = RiskSpec::default().threshold)]
    threshold: f64,
    /// Days of baseline input every buyer holds in stock.
    #[arg(long, default_value_t = RiskSpec::default().stockpile_days, value_name = "DAYS")]
    stockpile_days: f64,
    /// Headroom of every mine, as a fraction of its output, that buyers can re-source from.
    #[arg(long, default_value_t = RiskSpec::default().spare_capacity, value_name = "FRACTION")]
    spare_capacity: f64,
    /// Yearly probability of a capacity cut for every supplier.
    #[arg(long, default_value_t = RiskSpec::default().p_cut_base)]
    p_cut_base: f64,
    /// Added cut probability at the weakest governance (WGI risk 10).
    #[arg(long, default_value_t = RiskSpec::default().p_cut_governance)]
    p_cut_governance: f64,
    /// Yearly probability of an export restriction for every supplier.
    #[arg(long, default_value_t = RiskSpec::default().p_ban_base)]
    p_ban_base: f64,
    /// Added restriction probability at the weakest governance.
    #[arg(long, default_value_t = RiskSpec::default().p_ban_governance)]
    p_ban_governance: f64,
    /// Added restriction probability for a country with restriction history (named scenarios).
    #[arg(long, default_value_t = RiskSpec::default().p_ban_history)]
    p_ban_history: f64,
    /// Governance risk (0–10) assumed for a country without WGI data.
    #[arg(long, default_value_t = RiskSpec::default().default_governance_risk)]
    default_governance_risk: f64,
    /// Smallest random severity.
    #[arg(long, default_value_t = RiskSpec::default().severity_min)]
    severity_min: f64,
    /// Largest random severity.
    #[arg(long, default_value_t = RiskSpec::default().severity_max)]
    severity_max: f64,
    #[command(flatten)]
    network: NetworkArgs,
    /// Write the network, the draws and the shortfalls of the first N scenarios to DIR
    /// (for the numpy peer of `bench/montecarlo`).
    #[arg(long, value_name = "DIR", hide = true)]
    export_bench: Option<PathBuf>,
    /// Scenarios exported with --export-bench.
    #[arg(long, default_value_t = 200, hide = true)]
    export_scenarios: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// The request of the flags: every parameter flag maps onto its field of the one spec the
/// server reads from JSON too, so both are checked by the same rules.
impl From<&Args> for RiskSpec {
    fn from(args: &Args) -> RiskSpec {
        RiskSpec {
            mineral: args.mineral.clone(),
            scenarios: args.scenarios,
            seed: args.seed,
            country: args.country.clone(),
            threshold: args.threshold,
            stockpile_days: args.stockpile_days,
            spare_capacity: args.spare_capacity,
            p_cut_base: args.p_cut_base,
            p_cut_governance: args.p_cut_governance,
            p_ban_base: args.p_ban_base,
            p_ban_governance: args.p_ban_governance,
            p_ban_history: args.p_ban_history,
            default_governance_risk: args.default_governance_risk,
            severity_min: args.severity_min,
            severity_max: args.severity_max,
            network: args.network.spec(),
        }
    }
}

pub(crate) fn run(ds: &Dataset, args: &Args) -> Result<()> {
    let spec = RiskSpec::from(args);
    let input = args.network.input(ds)?;
    let scenarios = Scenarios::embedded()?;
    let prepared = match input.named() {
        Some(data) => spec.prepare_on(ds, &scenarios, data),
        None => spec.prepare(ds, &scenarios, input.unnamed_flows()),
    }
    .map_err(flag_error)?;
    let (net, params, focus) = (&prepared.network, &prepared.params, prepared.focus);
    let mc = prepared.monte_carlo(ds).map_err(flag_error)?;
    if let Some(dir) = &args.export_bench {
        export_bench(net, &mc, dir, args.export_scenarios.min(args.scenarios), params)?;
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
        .context("starting the worker threads")?;
    let threads = pool.current_num_threads();
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(args.scenarios);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} scenarios ({elapsed_precise}, eta {eta})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let result: RiskResult = pool.install(|| {
        mc.run(&|done| {
            if let Some(b) = &bar {
                b.set_position(done);
            }
        })
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let doc = RiskDocument::new(&result, net, focus, threads).with_basis(prepared.basis.clone());
    if args.format == Format::Json {
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &doc)?;
        writeln!(out)?;
        return Ok(());
    }
    let records = &doc.consumers;
    let focus_rows = &doc.focus;
    emit(args.format, records, || {
        let mut t = Table::new(&[
            "country",
            "consumption t>",
            "basis",
            "mean t>",
            "mean>",
            "VaR95>",
            "CVaR95>",
            "P(>thr)>",
            "top sources of the mean",
        ]);
        t.title = Some(format!(
            "Supply at risk, {} ({}): {} scenarios, seed {}, {} thread(s)",
            result.mineral, result.year, result.scenarios, args.seed, threads
        ));
        for (r, c) in records.iter().zip(&result.consumers) {
            t.row(vec![
                r.country.clone(),
                quantity(r.consumption_t),
                c.basis.as_ref().map_or_else(String::new, |b| b.label().to_owned()),
                quantity(r.mean_shortfall_t),
                format!("{:.2}%", r.mean_shortfall_pct),
                format!("{:.1}%", r.var95_pct),
                format!("{:.1}%", r.cvar95_pct),
                format!("{:.3}", r.p_exceed),
                r.top_sources.clone(),
            ]);
        }
        if let Some((country, rows)) = &focus_rows {
            t.footer.push(format!("Contributions to {country}'s mean shortfall:"));
            for c in rows {
                t.footer.push(format!(
                    "  {}  {} t  {:.1}%",
                    c.country,
                    quantity(c.tonnes),
                    100.0 * c.share_of_mean_shortfall
                ));
            }
        }
        t.footer.push(format!(
            "threshold {:.0}% of consumption; VaR/CVaR from a {BINS}-bin histogram (resolution {:.1} % of consumption); \
             mean {:.2} re-sourcing iterations; max mass_balance_error {:.1e}; {} scenario(s) at the iteration cap",
            100.0 * params.threshold,
            100.0 / BINS as f64,
            result.mean_iterations,
            result.max_mass_balance_error,
            result.non_converged
        ));
        t.footer.push(
            "Probabilities: cut = p_cut_base + p_cut_governance × WGI risk/10; restriction = p_ban_base + \
             p_ban_governance × WGI risk/10 + p_ban_history × (restricted before); see --help to override."
                .to_owned(),
        );
        if let Some(basis) = &doc.basis {
            t.footer.push(format!("basis: {basis}"));
        }
        t.footer.extend(net.notes.iter().cloned());
        t
    })
}

/// Writes the network, the first `n` scenarios' draws and their consumer shortfalls, so a
/// peer implementation can check it computes the same numbers.
fn export_bench(
    net: &critmin_network::Network,
    mc: &MonteCarlo<'_>,
    dir: &std::path::Path,
    n: u64,
    params: &RiskParams,
) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let source_index: Vec<i64> = net
        .nodes
        .iter()
        .map(|node| {
            mc.sources()
                .iter()
                .position(|s| s.country == node.country)
                .map_or(-1, |i| i as i64)
        })
        .collect();
    let mut ws = mc.workspace();
    let mut draws = Draws::default();
    let mut cuts = Vec::new();
    let mut bans = Vec::new();
    let mut shortfalls = Vec::new();
    for i in 0..n {
        mc.run_one(i, &mut draws, &mut ws);
        cuts.push(draws.cut.clone());
        bans.push(draws.ban.clone());
        shortfalls.push(mc.consumers().iter().map(|&c| ws.shortfall[c]).collect::<Vec<f64>>());
    }
    let doc = serde_json::json!({
        "layers": net.layers.len(),
        "node_layer": net.nodes.iter().map(|n| n.layer).collect::<Vec<_>>(),
        "node_country": net.nodes.iter().map(|n| n.country.to_string()).collect::<Vec<_>>(),
        "node_source": source_index,
        "edge_from": net.edges.iter().map(|e| e.from).collect::<Vec<_>>(),
        "edge_to": net.edges.iter().map(|e| e.to).collect::<Vec<_>>(),
        "edge_tonnes": net.edges.iter().map(|e| e.tonnes).collect::<Vec<_>>(),
        "stock": ws.stock,
        "headroom": ws.headroom,
        "consumers": mc.consumers(),
        "tolerance": params.convergence.tolerance,
        "max_iterations": params.convergence.max_iterations,
        "cut": cuts,
        "ban": bans,
        "shortfall": shortfalls,
    });
    let path = dir.join("montecarlo.json");
    std::fs::write(&path, serde_json::to_vec(&doc)?).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
