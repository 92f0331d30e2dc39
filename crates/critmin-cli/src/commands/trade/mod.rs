//! `critmin trade ...`: bilateral trade files (CEPII BACI, UN Comtrade): generate, import (with
//! the columnar cache), HHI per (year, product), an importer's dependence per mineral and
//! stage, and the contained-tonne mineral flows.

use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use clap::ValueEnum;
use critmin_app::trade::TradeReport;
use critmin_trade::{
    Basis, CacheStatus, Columns, GenerateOptions, HhiFilter, Side, cached_concentration, dependence_rows,
    generate_file, hhi_rows, importer_codes, needed_columns, parse_products, product_concentration,
};
use serde::Serialize;

use crate::output::{Format, Table, emit, pct, quantity};

mod input;

pub(crate) use input::flows_of_file;
use input::{InputArgs, MapArgs, dataset_and_map, extract_flows, hs_map, import_options, load, parse_years};

/// Trade subcommands.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum TradeCommand {
    /// Write a synthetic BACI-format CSV (heavy-tailed exporters, ~230 countries with real BACI
    /// codes, thousands of HS6 products including the mineral codes, several years).
    Generate(GenerateArgs),
    /// Import (validate, group and cache) a BACI or UN Comtrade file and print a summary.
    Import(ImportArgs),
    /// HHI per (year, product): exporter (default) or importer shares of value or quantity.
    Hhi(HhiArgs),
    /// An importer's dependence per (year, mineral, stage): top supplier, partner and FEOC
    /// shares, after mapping HS6 codes to minerals.
    Dependence(DependenceArgs),
    /// Bilateral contained-tonne flows per (year, exporter, importer, mineral, stage).
    Flows(FlowsArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct GenerateArgs {
    /// Number of data rows.
    #[arg(long)]
    rows: u64,
    /// Seed (same seed and options, same bytes).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output CSV file.
    #[arg(long)]
    out: PathBuf,
    /// Years, e.g. `2015-2024` or `2022`.
    #[arg(long, default_value = "2015-2024", value_parser = parse_years)]
    years: RangeInclusive<u16>,
    /// Number of distinct HS6 products.
    #[arg(long, default_value_t = 5000)]
    products: usize,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ImportArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// Whose shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SideArg {
    /// Exporters' shares (supply concentration).
    Exporter,
    /// Importers' shares (demand concentration).
    Importer,
}

/// Shares of what.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum BasisArg {
    /// Traded value v.
    Value,
    /// Traded quantity q (rows without q are left out and counted).
    Quantity,
}

#[derive(Debug, clap::Args)]
pub(crate) struct HhiArgs {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    map: MapArgs,
    /// Whose shares.
    #[arg(long, value_enum, default_value_t = SideArg::Exporter)]
    side: SideArg,
    /// Shares of value (default) or quantity.
    #[arg(long, value_enum, default_value_t = BasisArg::Value)]
    by: BasisArg,
    /// Only these HS6 codes (comma-separated).
    #[arg(long, value_delimiter = ',')]
    product: Vec<String>,
    /// Only this year.
    #[arg(long)]
    year: Option<u16>,
    /// Only the codes mapped to a mineral.
    #[arg(long)]
    minerals_only: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(Debug, clap::Args)]
pub(crate) struct DependenceArgs {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    map: MapArgs,
    /// The importing country: ISO3 (e.g. IND) or its numeric trade code (e.g. 699).
    #[arg(long)]
    importer: String,
    /// Partner group(s) joined with `+` (msp, quad, g7, eu27, oecd, ipef, us-fta, us-cma,
    /// ira-fta, feoc) and/or ISO3 codes.
    #[arg(long, default_value = "msp", value_name = "GROUP")]
    partners: String,
    /// Shares of value (default) or of contained tonnes.
    #[arg(long, value_enum, default_value_t = BasisArg::Value)]
    by: BasisArg,
    /// Only this mineral.
    #[arg(long)]
    mineral: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(Debug, clap::Args)]
pub(crate) struct FlowsArgs {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    map: MapArgs,
    /// Only this mineral.
    #[arg(long)]
    mineral: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub(crate) fn run(cmd: &TradeCommand, data_dir: Option<&Path>) -> Result<()> {
    match cmd {
        TradeCommand::Generate(args) => generate(args),
        TradeCommand::Import(args) => import_command(args),
        TradeCommand::Hhi(args) => hhi(args),
        TradeCommand::Dependence(args) => dependence(args, data_dir),
        TradeCommand::Flows(args) => flows(args, data_dir),
    }
}

fn generate(args: &GenerateArgs) -> Result<()> {
    let started = Instant::now();
    let options = GenerateOptions {
        rows: args.rows,
        seed: args.seed,
        years: args.years.clone(),
        products: args.products,
    };
    let summary = generate_file(&options, &args.out).with_context(|| format!("generating {}", args.out.display()))?;
    eprintln!(
        "wrote {} rows ({:.1} MB, {} countries, {} products) to {} in {:.2} s",
        summary.rows,
        summary.bytes as f64 / 1e6,
        summary.countries,
        summary.products,
        args.out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

#[derive(Serialize)]
struct ImportRecord {
    file: String,
    source: &'static str,
    rows: usize,
    groups: usize,
    years: String,
    products: usize,
    rows_missing_q: usize,
    skipped_rows: u64,
    skipped: String,
    cache: String,
    seconds: f64,
    column_mb: f64,
}

fn import_command(args: &ImportArgs) -> Result<()> {
    let (imported, seconds) = load(&args.input, Columns::ALL)?;
    let t = &imported.table;
    let report = TradeReport::of(&imported);
    let record = ImportRecord {
        file: args.input.file.display().to_string(),
        source: t.source().id(),
        rows: report.rows,
        groups: report.groups,
        years: report.years,
        products: report.products,
        rows_missing_q: report.rows_missing_q,
        skipped_rows: imported.skipped.total(),
        skipped: report.skipped.join("; "),
        cache: match &imported.cache {
            CacheStatus::Hit(_) => "hit".into(),
            CacheStatus::Built { .. } => "built".into(),
            CacheStatus::NotWritten(_) => "not written".into(),
            CacheStatus::Disabled => "disabled".into(),
        },
        seconds,
        column_mb: t.column_bytes() as f64 / 1e6,
    };
    let records = [record];
    emit(args.format, &records, || {
        let r = &records[0];
        let mut table = Table::new(&["field", "value"]);
        for (k, v) in [
            ("file", r.file.clone()),
            ("source", r.source.to_owned()),
            ("rows", quantity(r.rows as f64)),
            ("(year, product) groups", quantity(r.groups as f64)),
            ("years", r.years.clone()),
            ("products", quantity(r.products as f64)),
            ("rows without quantity", quantity(r.rows_missing_q as f64)),
            ("rows skipped (Comtrade)", format!("{} {}", r.skipped_rows, r.skipped)),
            ("cache", r.cache.clone()),
            ("seconds", format!("{:.3}", r.seconds)),
            ("columns in memory", format!("{:.1} MB", r.column_mb)),
        ] {
            table.row(vec![k.to_owned(), v]);
        }
        table
    })
}

fn hhi(args: &HhiArgs) -> Result<()> {
    let side = match args.side {
        SideArg::Exporter => Side::Exporter,
        SideArg::Importer => Side::Importer,
    };
    let basis = match args.by {
        BasisArg::Value => Basis::Value,
        BasisArg::Quantity => Basis::Quantity,
    };
    let (map, _, revision) = hs_map(&args.map)?;
    let options = import_options(&args.input, needed_columns(side, basis))?;
    // On a valid cache the two needed columns stream through; otherwise import, then compute.
    let (results, countries) = match cached_concentration(&args.input.file, &options, side, basis) {
        Some((results, path)) => {
            eprintln!("trade: read from cache {}", path.display());
            (results, options.countries)
        }
        None => {
            let (imported, _) = load(&args.input, needed_columns(side, basis))?;
            let results = product_concentration(&imported.table, side, basis);
            (results, imported.table.countries().clone())
        }
    };
    let filter = HhiFilter {
        products: parse_products(&args.product).map_err(|e| anyhow::anyhow!("--{e}"))?,
        year: args.year,
        minerals_only: args.minerals_only,
    };
    let records = hhi_rows(results, &countries, &map, revision, side, basis, &filter);
    emit(args.format, &records, || {
        let mut t = Table::new(&[
            "t",
            "k",
            "hhi>",
            "countries>",
            "top",
            "top share>",
            "total>",
            "minerals",
        ]);
        for r in &records {
            t.row(vec![
                r.t.to_string(),
                r.k.clone(),
                r.hhi.map_or("n/a".into(), |h| format!("{h:.0}")),
                r.n_countries.to_string(),
                r.top_country.clone().unwrap_or_default(),
                r.top_share.map(pct).unwrap_or_default(),
                quantity(r.total),
                if r.lumped {
                    format!("{} (lumped code)", r.minerals)
                } else {
                    r.minerals.clone()
                },
            ]);
        }
        t.footer.push(format!(
            "{} shares of {}; HHI on 0-10,000. Total in {}.",
            if side == Side::Exporter { "exporter" } else { "importer" },
            if basis == Basis::Value { "value" } else { "quantity" },
            if basis == Basis::Value {
                "thousands of USD"
            } else {
                "tonnes (rows without q left out)"
            }
        ));
        t
    })
}

fn dependence(args: &DependenceArgs, data_dir: Option<&Path>) -> Result<()> {
    let (ds, map, revision) = dataset_and_map(data_dir, &args.map)?;
    let mineral = args.mineral.as_deref().map(|m| super::mineral(&ds, m)).transpose()?;
    let partners = super::partners(&ds, &args.partners)?;
    let (imported, _) = load(&args.input, Columns::ALL)?;
    let basis = match args.by {
        BasisArg::Value => Basis::Value,
        BasisArg::Quantity => Basis::Quantity,
    };
    let records = dependence_rows(
        &imported.table,
        &map,
        revision,
        &ds,
        &args.importer,
        &partners,
        basis,
        mineral.map(|m| &m.id),
    )
    .map_err(|e| anyhow::anyhow!("--{e}"))?;
    let (_, importer) = importer_codes(&imported.table, &args.importer).map_err(|e| anyhow::anyhow!("--{e}"))?;
    emit(args.format, &records, || {
        let mut t = Table::new(&[
            "year",
            "mineral",
            "stage",
            "hs codes",
            "value k$>",
            "contained t>",
            "top",
            "top share>",
            "partners>",
            "feoc>",
        ]);
        t.title = Some(format!(
            "{importer}: imports by mineral and stage (partners: {partners})"
        ));
        for r in &records {
            t.row(vec![
                r.year.to_string(),
                r.mineral.clone(),
                r.stage.to_owned(),
                if r.lumped {
                    format!("{} (lumped)", r.hs_codes)
                } else {
                    r.hs_codes.clone()
                },
                quantity(r.value_kusd),
                quantity(r.contained_t),
                r.top_supplier.clone().unwrap_or_default(),
                r.top_share.map(pct).unwrap_or_default(),
                r.partner_share.map(pct).unwrap_or_default(),
                r.feoc_share.map(pct).unwrap_or_default(),
            ]);
        }
        t.footer.push(
            "Shares of value unless --by quantity; lumped codes cover other materials too, so their tonnage is an upper bound."
                .into(),
        );
        t
    })
}

#[derive(Serialize)]
struct FlowRecord {
    year: u16,
    exporter: String,
    importer: String,
    mineral: String,
    stage: &'static str,
    contained_tonnes: f64,
    value_kusd: f64,
    lumped: bool,
}

fn flows(args: &FlowsArgs, data_dir: Option<&Path>) -> Result<()> {
    let (ds, map, revision) = dataset_and_map(data_dir, &args.map)?;
    let mineral = args.mineral.as_deref().map(|m| super::mineral(&ds, m)).transpose()?;
    let extraction = extract_flows(&args.input, &map, revision)?;
    let records: Vec<FlowRecord> = extraction
        .flows
        .into_iter()
        .filter(|f| mineral.is_none_or(|m| m.id == f.mineral))
        .map(|f| FlowRecord {
            year: f.year,
            exporter: f.exporter.to_string(),
            importer: f.importer.to_string(),
            mineral: f.mineral.to_string(),
            stage: f.stage.id(),
            contained_tonnes: f.contained_tonnes,
            value_kusd: f.value_kusd,
            lumped: f.lumped,
        })
        .collect();
    emit(args.format, &records, || {
        let mut t = Table::new(&[
            "year",
            "exporter",
            "importer",
            "mineral",
            "stage",
            "contained t>",
            "value k$>",
            "lumped",
        ]);
        for r in &records {
            t.row(vec![
                r.year.to_string(),
                r.exporter.clone(),
                r.importer.clone(),
                r.mineral.clone(),
                r.stage.to_owned(),
                quantity(r.contained_tonnes),
                quantity(r.value_kusd),
                if r.lumped { "yes".into() } else { String::new() },
            ]);
        }
        t
    })
}
