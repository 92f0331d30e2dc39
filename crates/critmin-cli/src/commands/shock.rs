//! `critmin shock`: a deterministic shock propagated through a mineral's stage network.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use critmin_app::FieldError;
use critmin_app::scenarios::ScenarioRowRecord;
use critmin_app::stress::{self, NetworkData, NetworkSpec, ShockDocument, ShockSpec, TradeYear};
use critmin_model::{Dataset, MineralFlow};
use critmin_network::{Scenarios, parse_flows};

use crate::output::{Format, Table, emit, quantity};

/// Which network to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum NetworkArg {
    /// Real trade: the shipped CEPII BACI V202601 flows of one year (contained tonnes) with each
    /// country's production kept at home; the pooled-market estimate for a mineral without flows.
    Trade,
    /// The pooled-market estimate from the dataset's production series.
    Pooled,
}

/// The data a network is built from, held while the command runs.
pub(crate) enum NetworkInput {
    /// No `--network`: the pooled estimate or the `--flows`/`--trade` file, without a basis line.
    Unnamed(Option<Vec<MineralFlow>>),
    /// `--network pooled`.
    Pooled,
    /// `--network trade`: one year of the shipped flows.
    Trade {
        /// `BACI V202601`.
        release: String,
        /// The trade year.
        year: u16,
        /// Flows of that year, every mineral.
        flows: Vec<MineralFlow>,
    },
}

impl NetworkInput {
    /// The network data of a named basis (`None` without `--network`).
    pub(crate) fn named(&self) -> Option<NetworkData<'_>> {
        match self {
            NetworkInput::Unnamed(_) => None,
            NetworkInput::Pooled => Some(NetworkData::Pooled),
            NetworkInput::Trade { release, year, flows } => Some(NetworkData::Trade(TradeYear {
                release,
                year: *year,
                flows,
            })),
        }
    }

    /// The flows of `--flows`/`--trade`, without `--network`.
    pub(crate) fn unnamed_flows(&self) -> Option<&[MineralFlow]> {
        match self {
            NetworkInput::Unnamed(flows) => flows.as_deref(),
            _ => None,
        }
    }
}

/// Options shared by `shock` and `risk` that choose the network.
#[derive(Debug, clap::Args)]
pub(crate) struct NetworkArgs {
    /// The network: `trade` (the shipped BACI flows of `--year`, default the latest year, with
    /// each country's use = production − net exports) or `pooled` (the pooled-market estimate).
    /// Without it: the pooled-market estimate, or the --flows/--trade file; the document then
    /// names no basis.
    #[arg(long, value_enum, value_name = "trade|pooled", conflicts_with_all = ["flows", "trade"])]
    network: Option<NetworkArg>,
    /// Consumption of a country, tonnes per year (ISO3:TONNES; repeat). Overrides data and proxies.
    #[arg(long = "consumption", value_name = "ISO3:TONNES")]
    consumption: Vec<String>,
    /// Source edition of the production series (IEA-CMD-2025, USGS-MCS2025). Default: the one
    /// covering most stages.
    #[arg(long, value_name = "CODE")]
    source: Option<String>,
    /// Year of the production series (or of the flows; with `--network trade`, the trade year,
    /// default the latest in the shipped flows). Default: the latest covering most stages.
    #[arg(long)]
    year: Option<u16>,
    /// Build the network from trade flows in this CSV instead of the pooled-market estimate
    /// (header: year,exporter,importer,mineral,stage,contained_tonnes,value_kusd,lumped).
    #[arg(long, value_name = "FILE", conflicts_with = "trade")]
    flows: Option<PathBuf>,
    /// Build the network from a CEPII BACI or UN Comtrade file (plain or zipped): imported and
    /// cached as by `critmin trade`, mapped to contained tonnes by the shipped HS map.
    #[arg(long, value_name = "FILE")]
    trade: Option<PathBuf>,
}

impl NetworkArgs {
    /// The network part of a spec (the same for `shock`, `risk` and the server).
    pub(crate) fn spec(&self) -> NetworkSpec {
        NetworkSpec {
            source: self.source.clone(),
            year: self.year,
            consumption: self.consumption.clone(),
        }
    }

    /// What the network is built from: `--network`, else `--flows`/`--trade`, else nothing
    /// (the pooled-market estimate). The shipped flows go through the trade cache.
    pub(crate) fn input(&self, ds: &Dataset) -> Result<NetworkInput> {
        match self.network {
            None => Ok(NetworkInput::Unnamed(self.flows(ds)?)),
            Some(NetworkArg::Pooled) => Ok(NetworkInput::Pooled),
            Some(NetworkArg::Trade) => {
                let embedded = critmin_trade::import_embedded(critmin_trade::default_cache_dir())?;
                let years = embedded
                    .flows
                    .parts
                    .iter()
                    .flat_map(|p| p.table.groups().iter().map(|g| g.year))
                    .collect::<std::collections::BTreeSet<u16>>();
                let year = match self.year {
                    None => critmin_trade::latest_year(&embedded.flows).context("the shipped flows are empty")?,
                    Some(y) if years.contains(&y) => y,
                    Some(y) => anyhow::bail!(
                        "--year: {y}: the shipped BACI {} flows cover {}–{}",
                        critmin_trade::EMBEDDED_RELEASE,
                        years.first().copied().unwrap_or_default(),
                        years.last().copied().unwrap_or_default()
                    ),
                };
                let extraction =
                    critmin_trade::year_flows(&embedded.flows, &critmin_trade::HsMap::embedded(), None, year);
                eprintln!(
                    "trade: {} flows of {year}; left out: {} rows without quantity, {} rows with a country lacking ISO3",
                    extraction.flows.len(),
                    extraction.rows_missing_quantity,
                    extraction.rows_without_iso3
                );
                Ok(NetworkInput::Trade {
                    release: format!("BACI {}", critmin_trade::EMBEDDED_RELEASE),
                    year,
                    flows: extraction.flows,
                })
            }
        }
    }

    /// The trade flows of `--flows` or `--trade`, when given.
    pub(crate) fn flows(&self, ds: &Dataset) -> Result<Option<Vec<MineralFlow>>> {
        match (&self.flows, &self.trade) {
            (Some(path), _) => {
                let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
                Ok(Some(parse_flows(&path.display().to_string(), &text)?))
            }
            (None, Some(path)) => Ok(Some(super::trade::flows_of_file(path, ds)?)),
            (None, None) => Ok(None),
        }
    }
}

/// A spec error as the command line words it: the flag, then what is wrong.
pub(crate) fn flag_error(e: FieldError) -> anyhow::Error {
    let name = e.field.trim_start_matches("network.");
    let name = name.split('[').next().unwrap_or(name);
    let flag = match name {
        "cuts" => "cut".to_owned(),
        "bans" => "ban".to_owned(),
        "countries" => "country".to_owned(),
        other => other.replace('_', "-"),
    };
    anyhow::anyhow!("--{flag}: {}", e.message)
}

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// List the named scenarios with their sources and exit.
    #[arg(long)]
    list: bool,
    /// Mineral id or alias (default: the scenario's mineral when it has only one).
    #[arg(long)]
    mineral: Option<String>,
    /// Named historical scenario (see `--list`).
    #[arg(long, value_name = "NAME")]
    scenario: Option<String>,
    /// Read the scenarios from this CSV (same columns as the embedded scenarios.csv) instead.
    #[arg(long, value_name = "FILE")]
    scenario_file: Option<PathBuf>,
    /// Override the severity of every row of the scenario (0–1).
    #[arg(long, value_name = "FRACTION")]
    severity: Option<f64>,
    /// Capacity cut: ISO3:STAGE:FRACTION (stage: mining, processing, manufacturing; repeat).
    #[arg(long = "cut", value_name = "ISO3:STAGE:FRACTION")]
    cuts: Vec<String>,
    /// Export restriction: ISO3:STAGE[:DEST[:SEVERITY]], DEST = all (default), an ISO3 code or
    /// a group (feoc, us-fta, quad, msp, ...), SEVERITY = share withheld (default 1 = ban).
    #[arg(long = "ban", value_name = "ISO3:STAGE[:DEST[:SEVERITY]]")]
    bans: Vec<String>,
    /// Days of baseline input every buyer holds in stock.
    #[arg(long, default_value_t = 0.0, value_name = "DAYS")]
    stockpile_days: f64,
    /// Headroom of every mine, as a fraction of its output, that buyers can re-source from
    /// (default 0: the baseline runs at capacity).
    #[arg(long, default_value_t = 0.0, value_name = "FRACTION")]
    spare_capacity: f64,
    /// Countries always shown as consumers (nominal demand when they have no data).
    #[arg(long = "country", value_delimiter = ',', default_values_t = ["IND".to_owned(), "USA".to_owned()])]
    countries: Vec<String>,
    #[command(flatten)]
    network: NetworkArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub(crate) fn run(ds: &Dataset, args: &Args) -> Result<()> {
    let scenarios = match &args.scenario_file {
        None => Scenarios::embedded()?,
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
            critmin_network::parse_scenarios(&path.display().to_string(), &text)?
        }
    };
    if args.list {
        return list(&scenarios, args.format);
    }
    let spec = ShockSpec {
        mineral: args.mineral.clone(),
        scenario: args.scenario.clone(),
        severity: args.severity,
        cuts: args.cuts.clone(),
        bans: args.bans.clone(),
        stockpile_days: args.stockpile_days,
        spare_capacity: args.spare_capacity,
        countries: args.countries.clone(),
        network: args.network.spec(),
    };
    let input = args.network.input(ds)?;
    let shock_run = match input.named() {
        Some(data) => spec.run_on(ds, &scenarios, data),
        None => spec.run(ds, &scenarios, input.unnamed_flows()),
    }
    .map_err(flag_error)?;
    let doc = ShockDocument::new(&shock_run);
    let (net, result, shock) = (&shock_run.network, &shock_run.result, &shock_run.request.shock);
    let o = result.outcome;
    let records = &doc.nodes;
    if args.format == Format::Json {
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &doc)?;
        writeln!(out)?;
        return Ok(());
    }
    emit(args.format, records, || {
        let mut t = Table::new(&[
            "stage",
            "country",
            "need t>",
            "received t>",
            "stock drawn t>",
            "shortfall t>",
            "shortfall>",
            "consumption basis",
        ]);
        t.title = Some(format!(
            "Shock on {} ({}): {}",
            result.mineral,
            result.year,
            shock
                .cuts
                .iter()
                .map(stress::describe_cut)
                .chain(shock.restrictions.iter().map(stress::describe_ban))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        for r in records {
            t.row(vec![
                r.stage.clone(),
                r.country.clone(),
                quantity(r.baseline_input_t),
                quantity(r.received_t),
                quantity(r.stock_drawn_t),
                quantity(r.shortfall_t),
                r.shortfall_pct.map_or_else(String::new, |p| format!("{p:.1}%")),
                result
                    .nodes
                    .iter()
                    .find(|n| n.country.as_str() == r.country && n.stage.id() == r.stage)
                    .and_then(|n| n.basis.as_ref())
                    .map_or_else(String::new, |b| b.label().to_owned()),
            ]);
        }
        t.footer.push(format!(
            "lost supply {} t = shortfall {} t + stock drawn {} t; mass_balance_error {:.1e}; {} re-sourcing iteration(s){}; stockpile {} days",
            quantity(o.lost_supply),
            quantity(o.shortfall),
            quantity(o.stock_drawn),
            o.mass_balance_error,
            o.iterations,
            if o.converged { "" } else { " (iteration cap reached)" },
            args.stockpile_days
        ));
        if args.spare_capacity > 0.0 {
            t.footer.push(format!(
                "mine headroom {:.0}% of output; {} t of it used (lost supply is net of it)",
                100.0 * args.spare_capacity,
                quantity(o.headroom_used)
            ));
        }
        for l in &net.layers {
            t.footer
                .push(format!("layer {}: {} ({})", l.kind, l.source, l.source_unit));
        }
        if let Some(basis) = &doc.basis {
            t.footer.push(format!("basis: {basis}"));
        }
        t.footer.extend(net.notes.iter().cloned());
        t
    })
}

fn list(scenarios: &Scenarios, format: Format) -> Result<()> {
    let records: Vec<ScenarioRowRecord> = scenarios.rows.iter().map(ScenarioRowRecord::standalone).collect();
    emit(format, &records, || {
        let mut t = Table::new(&[
            "scenario",
            "mineral",
            "kind",
            "country",
            "stage",
            "dest",
            "severity>",
            "start",
            "source",
        ]);
        for r in &records {
            t.row(vec![
                r.scenario.clone().unwrap_or_default(),
                r.mineral.clone(),
                r.kind.to_owned(),
                r.country.clone(),
                r.stage.clone(),
                r.destination.clone(),
                format!("{}", r.severity),
                r.start.clone(),
                r.source.clone(),
            ]);
        }
        t.footer.push(format!(
            "Scenarios from the embedded {}; citations and severity notes with --format json.",
            scenarios.file
        ));
        t
    })
}
