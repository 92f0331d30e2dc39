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
    /// Write the self-contained HTML report and print a short summary (the main job).
    Report(commands::report::Args),
    /// Check, import and export data files.
    #[command(subcommand)]
    Data(commands::data::DataCommand),
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
    if let Command::Data(cmd) = &cli.command {
        return commands::data::run(cmd, cli.data.as_deref());
    }
    if let Command::Keys(cmd) = &cli.command {
        commands::keys::run(cmd)?;
        return Ok(ExitCode::SUCCESS);
    }
    let dataset = load_dataset(cli.data.as_deref())?;
    match cli.command {
        Command::Minerals { format } => commands::minerals::run(&dataset, format)?,
        Command::Supply(args) => commands::supply::run(&dataset, &args)?,
        Command::Concentration(args) => commands::concentration::run(&dataset, &args)?,
        Command::Exposure(args) => commands::exposure::run(&dataset, &args)?,
        Command::Report(args) => commands::report::run(&dataset, &args)?,
        Command::Serve(args) => commands::serve::run(dataset, &args)?,
        Command::Data(_) | Command::Keys(_) => unreachable!("handled above"),
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
