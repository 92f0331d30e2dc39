//! `critmin shock`: a deterministic shock propagated through a mineral's stage network.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use critmin_model::{ChainStage, CountryCode, Dataset, MineralId};
use critmin_network::{
    Convergence, Cut, Destination, LayerKind, Network, PooledOptions, Restriction, Scenarios, Shock, parse_flows,
    pooled_market, run_shock,
};
use serde::Serialize;

use crate::output::{Format, Table, emit, quantity};

/// Options shared by `shock` and `risk` that choose the network.
#[derive(Debug, clap::Args)]
pub(crate) struct NetworkArgs {
    /// Consumption of a country, tonnes per year (ISO3:TONNES; repeat). Overrides data and proxies.
    #[arg(long = "consumption", value_name = "ISO3:TONNES")]
    consumption: Vec<String>,
    /// Source edition of the production series (IEA-CMD-2025, USGS-MCS2025). Default: the one
    /// covering most stages.
    #[arg(long, value_name = "CODE")]
    source: Option<String>,
    /// Year of the production series (or of the flows). Default: the latest covering most stages.
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
    /// Builds the network of `mineral`; `focus` countries are added as consumers when they
    /// have no consumption figure (nominal demand, percent only).
    pub(crate) fn network(&self, ds: &Dataset, mineral: &MineralId, focus: &[CountryCode]) -> Result<Network> {
        let from_file = match (&self.flows, &self.trade) {
            (Some(path), _) => {
                let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
                Some((path, parse_flows(&path.display().to_string(), &text)?))
            }
            (None, Some(path)) => Some((path, super::trade::flows_of_file(path, ds)?)),
            (None, None) => None,
        };
        if let Some((path, flows)) = from_file {
            let year = match self.year {
                Some(y) => y,
                None => flows
                    .iter()
                    .filter(|f| &f.mineral == mineral)
                    .map(|f| f.year)
                    .max()
                    .with_context(|| format!("{} has no flows of {mineral}", path.display()))?,
            };
            return Ok(Network::from_flows(&flows, mineral, year)?);
        }
        let mut consumption = Vec::new();
        for spec in &self.consumption {
            let (c, t) = spec
                .split_once(':')
                .with_context(|| format!("--consumption `{spec}`: expected ISO3:TONNES"))?;
            let t: f64 = t
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite() && *v >= 0.0)
                .with_context(|| format!("--consumption `{spec}`: expected a number of tonnes ≥ 0 after the colon"))?;
            consumption.push((super::country(ds, c)?, t));
        }
        let opts = PooledOptions {
            source: self.source.clone(),
            year: self.year,
            consumption,
            usgs_us_consumption: true,
            nominal: focus.to_vec(),
        };
        Ok(pooled_market(ds, mineral, &opts)?)
    }
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

#[derive(Serialize)]
struct ScenarioRecord {
    scenario: String,
    mineral: String,
    kind: &'static str,
    country: String,
    stage: String,
    destination: String,
    severity: f64,
    start: String,
    source: String,
    citation: String,
    note: String,
    line: u64,
}

#[derive(Serialize)]
struct NodeRecord {
    mineral: String,
    year: u16,
    stage: String,
    country: String,
    baseline_input_t: f64,
    received_t: f64,
    stock_drawn_t: f64,
    shortfall_t: f64,
    shortfall_pct: Option<f64>,
    baseline_output_t: f64,
    output_t: f64,
    unsold_t: f64,
    headroom_used_t: f64,
    consumption_basis: Option<String>,
    iterations: u32,
    mass_balance_error: f64,
}

#[derive(Serialize)]
struct ShockDocument<'a> {
    mineral: String,
    year: u16,
    scenario: Option<String>,
    cuts: Vec<String>,
    restrictions: Vec<String>,
    stockpile_days: f64,
    spare_capacity: f64,
    iterations: u32,
    converged: bool,
    tolerance: f64,
    max_iterations_per_stage: u32,
    lost_supply_t: f64,
    shortfall_t: f64,
    stock_drawn_t: f64,
    headroom_used_t: f64,
    mass_balance_error: f64,
    layers: Vec<String>,
    notes: &'a [String],
    nodes: &'a [NodeRecord],
}

fn parse_stage(s: &str, spec: &str) -> Result<LayerKind> {
    match LayerKind::from_id(s) {
        Some(k @ LayerKind::Stage(c)) if c != ChainStage::Reserves => Ok(k),
        _ => bail!("`{spec}`: stage `{s}`; expected mining, processing or manufacturing"),
    }
}

fn parse_fraction(s: &str, spec: &str) -> Result<f64> {
    s.parse::<f64>()
        .ok()
        .filter(|v| (0.0..=1.0).contains(v))
        .with_context(|| format!("`{spec}`: `{s}`; expected a fraction between 0 and 1"))
}

fn parse_cut(ds: &Dataset, spec: &str) -> Result<Cut> {
    let parts: Vec<&str> = spec.split(':').collect();
    let [c, stage, f] = parts.as_slice() else {
        bail!("--cut `{spec}`: expected ISO3:STAGE:FRACTION")
    };
    Ok(Cut {
        country: super::country(ds, c)?,
        stage: parse_stage(stage, spec)?,
        fraction: parse_fraction(f, spec)?,
    })
}

fn parse_ban(ds: &Dataset, spec: &str) -> Result<Restriction> {
    let parts: Vec<&str> = spec.split(':').collect();
    if !(2..=4).contains(&parts.len()) {
        bail!("--ban `{spec}`: expected ISO3:STAGE[:DEST[:SEVERITY]]");
    }
    let destination = match parts.get(2) {
        None => Destination::All,
        Some(d) => d
            .parse::<Destination>()
            .map_err(|e| anyhow::anyhow!("--ban `{spec}`: destination `{d}`; expected {e}"))?,
    };
    if let Destination::Country(c) = destination {
        super::country(ds, c.as_str())?;
    }
    Ok(Restriction {
        country: super::country(ds, parts[0])?,
        stage: parse_stage(parts[1], spec)?,
        destination,
        severity: parts.get(3).map_or(Ok(1.0), |s| parse_fraction(s, spec))?,
    })
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
    let mineral_name = match (&args.mineral, &args.scenario) {
        (Some(m), _) => m.clone(),
        (None, Some(name)) => match scenarios.minerals_of(name).as_slice() {
            [] => bail!(
                "unknown scenario `{name}`; expected one of: {}",
                scenarios.names().join(", ")
            ),
            [one] => (*one).to_owned(),
            many => bail!(
                "scenario `{name}` covers several minerals ({}); choose one with --mineral",
                many.join(", ")
            ),
        },
        (None, None) => bail!("give --mineral, and --scenario NAME or --cut/--ban (see --help)"),
    };
    let mineral = super::mineral(ds, &mineral_name)?;
    let mut shock = Shock::default();
    if let Some(name) = &args.scenario {
        if scenarios.rows_of(name).next().is_none() {
            bail!(
                "unknown scenario `{name}`; expected one of: {}",
                scenarios.names().join(", ")
            );
        }
        shock = scenarios.shock(name, mineral.id.as_str(), args.severity);
        if shock.cuts.is_empty() && shock.restrictions.is_empty() {
            bail!(
                "scenario `{name}` has no row for {}; it covers: {}",
                mineral.id,
                scenarios.minerals_of(name).join(", ")
            );
        }
    }
    for spec in &args.cuts {
        shock.cuts.push(parse_cut(ds, spec)?);
    }
    for spec in &args.bans {
        shock.restrictions.push(parse_ban(ds, spec)?);
    }
    if shock.cuts.is_empty() && shock.restrictions.is_empty() {
        bail!("no shock: give --scenario NAME, --cut or --ban");
    }
    let focus = args
        .countries
        .iter()
        .map(|c| super::country(ds, c))
        .collect::<Result<Vec<_>>>()?;
    let net = args.network.network(ds, &mineral.id, &focus)?;
    let convergence = Convergence::default();
    let result = run_shock(
        &net,
        &shock,
        args.stockpile_days,
        args.spare_capacity,
        convergence,
        &|c, g| ds.in_group(c, g),
    )?;
    let o = result.outcome;
    let records: Vec<NodeRecord> = result
        .nodes
        .iter()
        .filter(|n| n.baseline_input > 0.0)
        .map(|n| NodeRecord {
            mineral: result.mineral.to_string(),
            year: result.year,
            stage: n.stage.to_string(),
            country: n.country.to_string(),
            baseline_input_t: n.baseline_input,
            received_t: n.received,
            stock_drawn_t: n.stock_drawn,
            shortfall_t: n.shortfall,
            shortfall_pct: n.shortfall_pct,
            baseline_output_t: n.baseline_output,
            output_t: n.output,
            unsold_t: n.stranded,
            headroom_used_t: n.headroom_used,
            consumption_basis: n.basis.as_ref().map(ToString::to_string),
            iterations: o.iterations,
            mass_balance_error: o.mass_balance_error,
        })
        .collect();
    let describe_cut = |c: &Cut| format!("{}:{}:{}", c.country, c.stage, c.fraction);
    let describe_ban = |r: &Restriction| format!("{}:{}:{}:{}", r.country, r.stage, r.destination, r.severity);
    if args.format == Format::Json {
        let doc = ShockDocument {
            mineral: result.mineral.to_string(),
            year: result.year,
            scenario: args.scenario.clone(),
            cuts: shock.cuts.iter().map(describe_cut).collect(),
            restrictions: shock.restrictions.iter().map(describe_ban).collect(),
            stockpile_days: args.stockpile_days,
            spare_capacity: args.spare_capacity,
            iterations: o.iterations,
            converged: o.converged,
            tolerance: convergence.tolerance,
            max_iterations_per_stage: convergence.max_iterations,
            lost_supply_t: o.lost_supply,
            shortfall_t: o.shortfall,
            stock_drawn_t: o.stock_drawn,
            headroom_used_t: o.headroom_used,
            mass_balance_error: o.mass_balance_error,
            layers: net
                .layers
                .iter()
                .map(|l| format!("{}: {} ({})", l.kind, l.source, l.source_unit))
                .collect(),
            notes: &net.notes,
            nodes: &records,
        };
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &doc)?;
        writeln!(out)?;
        return Ok(());
    }
    emit(args.format, &records, || {
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
                .map(describe_cut)
                .chain(shock.restrictions.iter().map(describe_ban))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        for r in &records {
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
        t.footer.extend(net.notes.iter().cloned());
        t
    })
}

fn list(scenarios: &Scenarios, format: Format) -> Result<()> {
    let records: Vec<ScenarioRecord> = scenarios
        .rows
        .iter()
        .map(|r| ScenarioRecord {
            scenario: r.scenario.clone(),
            mineral: r.mineral.clone(),
            kind: match r.kind {
                critmin_network::ScenarioKind::Cut => "cut",
                critmin_network::ScenarioKind::Ban => "ban",
            },
            country: r.country.to_string(),
            stage: r.stage.to_string(),
            destination: r.destination.to_string(),
            severity: r.severity,
            start: r.start.clone(),
            source: r.source.clone(),
            citation: r.citation.clone(),
            note: r.note.clone(),
            line: r.line,
        })
        .collect();
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
                r.scenario.clone(),
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
