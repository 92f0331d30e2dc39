//! `critmin`: critical-mineral supply chains from the command line.
//!
//! A thin shell: it parses arguments, loads the dataset (embedded, or with a `--data DIR`
//! overlay), calls the library crates and renders their results. No formula lives here.

mod commands;
mod output;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};
use critmin_model::Dataset;

use crate::output::Format;

/// Critical-mineral supply chains: who supplies each stage, how concentrated it is, and how
/// exposed a country is. Runs on the embedded USGS MCS 2025, IEA 2025 and WGI 2024 data; no
/// download needed.
#[derive(Debug, Parser)]
#[command(name = "critmin", version)]
struct Cli {
    /// Directory of CSV files laid over the embedded data: a file named like an embedded one
    /// (production.csv, countries.csv, ...) replaces it, any other CSV of a known shape is added.
    #[arg(long, global = true, value_name = "DIR", env = "CRITMIN_DATA")]
    data: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List the minerals: stages and units available, and critical-list memberships.
    Minerals {
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Country shares of one series (mineral, stage, year, source).
    Supply(commands::supply::Args),
    /// Concentration of every series: HHI bounds, top-3 share, FEOC share.
    Concentration(commands::concentration::Args),
    /// A country's exposure: import reliance, concentration of the stages it depends on,
    /// partner versus FEOC share.
    Exposure(commands::exposure::Args),
    /// A country's imports per mineral, stage and year from real bilateral flows (shipped CEPII
    /// BACI V202601): suppliers and shares, partner and FEOC shares, HHI, change on the year.
    Dependence(commands::dependence::Args),
    /// Concentration of world trade in a mineral per stage and year (HHI, top-3, top country,
    /// FEOC share), exporters' or importers' side, from real bilateral flows.
    Trend(commands::trend::Args),
    /// Write the self-contained HTML report and print a short summary (the main job).
    Report(commands::report::Args),
    /// Propagate a shock (named scenario, capacity cuts, export restrictions) through a
    /// mineral's stage network: shortfall per country and stage.
    Shock(commands::shock::Args),
    /// Monte Carlo supply-at-risk: mean shortfall, VaR95, CVaR95 and the sources driving them.
    Risk(commands::risk::Args),
    /// Check, import and export data files.
    #[command(subcommand)]
    Data(commands::data::DataCommand),
    /// Chain-of-custody ledger: signed entries, provenance, claims, proofs, offline bundles.
    Ledger(commands::ledger::LedgerArgs),
    /// Bilateral trade (CEPII BACI, UN Comtrade): generate, import, HHI per (year, product),
    /// dependence per mineral and stage, mineral flows.
    #[command(subcommand)]
    Trade(commands::trade::TradeCommand),
    /// Plan: risked supply outlook against demand, and the diversification optimizer.
    #[command(subcommand)]
    Plan(commands::plan::PlanCommand),
    /// Projects: India's published pipeline and the user's project files.
    #[command(subcommand)]
    Projects(commands::projects::ProjectsCommand),
    /// Recycling: the dynamic stock model by cohort and the secondary supply it gives.
    #[command(subcommand)]
    Recycle(commands::recycle::RecycleCommand),
    /// Serve the HTTP JSON API (/api/v1, OpenAPI at /api/v1/openapi.json) and the dashboard (/).
    Serve(commands::serve::Args),
    /// Create or revoke API keys for the server.
    #[command(subcommand)]
    Keys(commands::keys::KeysCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    let data_dir = cli.data.as_deref();
    // Commands that work on files of their own (trade, ledger, stock model, keys) never pay for
    // loading and validating the dataset.
    let dataset = || load_dataset(data_dir);
    match cli.command {
        Command::Minerals { format } => commands::minerals::run(&dataset()?, format)?,
        Command::Supply(args) => commands::supply::run(&dataset()?, &args)?,
        Command::Concentration(args) => commands::concentration::run(&dataset()?, &args)?,
        Command::Exposure(args) => commands::exposure::run(&dataset()?, &args)?,
        Command::Dependence(args) => commands::dependence::run(&dataset()?, &args)?,
        Command::Trend(args) => commands::trend::run(&dataset()?, &args)?,
        Command::Report(args) => commands::report::run(&dataset()?, &args)?,
        Command::Shock(args) => commands::shock::run(&dataset()?, &args)?,
        Command::Risk(args) => commands::risk::run(&dataset()?, &args)?,
        Command::Plan(cmd) => commands::plan::run(&dataset()?, &cmd, data_dir)?,
        Command::Projects(cmd) => return commands::projects::run(&dataset()?, &cmd, data_dir),
        Command::Serve(args) => commands::serve::run(dataset()?, &args)?,
        Command::Data(cmd) => return commands::data::run(&cmd, data_dir),
        Command::Ledger(args) => return commands::ledger::run(&args),
        Command::Trade(cmd) => commands::trade::run(&cmd, data_dir)?,
        Command::Recycle(cmd) => commands::recycle::run(&cmd)?,
        Command::Keys(cmd) => commands::keys::run(&cmd)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The embedded dataset, or the embedded dataset with `dir` laid over it.
pub(crate) fn load_dataset(dir: Option<&std::path::Path>) -> Result<Dataset> {
    Ok(match dir {
        None => critmin_data::load_embedded()?,
        Some(dir) => critmin_data::load_with_overlay(dir)?.0,
    })
}
