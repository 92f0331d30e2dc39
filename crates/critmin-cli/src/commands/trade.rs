//! `critmin trade ...`: bilateral trade files (CEPII BACI, UN Comtrade): generate, import (with
//! the columnar cache), HHI per (year, product), an importer's dependence per mineral and
//! stage, and the contained-tonne mineral flows.

use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::ValueEnum;
use critmin_model::Dataset;
use critmin_trade::{
    Basis, CacheStatus, Columns, ComtradeFlow, CountryTable, GenerateOptions, HhiFilter, HsMap, HsRevision, Import,
    ImportOptions, Side, cached_concentration, default_cache_dir, dependence_rows, generate_file, hhi_rows, import,
    importer_codes, mineral_flows, needed_columns, parse_products, product_concentration,
};
use serde::Serialize;

use crate::output::{Format, Table, emit, pct, quantity};

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

/// Which Comtrade flow to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FlowArg {
    /// Imports as declared by the importers (flowCode M).
    Import,
    /// Exports as declared by the exporters (flowCode X).
    Export,
}

#[derive(Debug, clap::Args)]
pub(crate) struct InputArgs {
    /// BACI (`t,i,j,k,v,q`) or UN Comtrade bulk CSV, plain or zipped.
    file: PathBuf,
    /// Country code file (BACI's country_codes_V*.csv) replacing the shipped table.
    #[arg(long, value_name = "FILE")]
    codes: Option<PathBuf>,
    /// Cache directory (default `$XDG_CACHE_HOME/critmin/trade`).
    #[arg(long, value_name = "DIR")]
    cache: Option<PathBuf>,
    /// Parse the file without reading or writing the cache.
    #[arg(long)]
    no_cache: bool,
    /// Accepted years, e.g. `1995-2024` (default 1962-2100).
    #[arg(long, value_parser = parse_years)]
    years: Option<RangeInclusive<u16>>,
    /// Comtrade files: which reported flow to keep.
    #[arg(long, value_enum, default_value_t = FlowArg::Import)]
    comtrade_flow: FlowArg,
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

/// HS revision of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum RevisionArg {
    /// HS 1992 (BACI HS92).
    Hs1992,
    /// HS 2017 (BACI HS17).
    Hs2017,
    /// HS 2022 (BACI HS22).
    Hs2022,
}

#[derive(Debug, clap::Args)]
pub(crate) struct MapArgs {
    /// HS revision of the file, for the HS-to-mineral map.
    #[arg(long, value_enum, default_value_t = RevisionArg::Hs2022)]
    hs_revision: RevisionArg,
    /// HS-to-mineral map replacing the shipped data/hs_minerals.csv (same columns).
    #[arg(long, value_name = "FILE")]
    hs_map: Option<PathBuf>,
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

fn parse_years(text: &str) -> Result<RangeInclusive<u16>, String> {
    let bad = || format!("`{text}`: expected a year (2022) or a range (2015-2024)");
    let (a, b) = text.split_once('-').unwrap_or((text, text));
    let a: u16 = a.trim().parse().map_err(|_| bad())?;
    let b: u16 = b.trim().parse().map_err(|_| bad())?;
    if a > b {
        return Err(bad());
    }
    Ok(a..=b)
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

/// The import options given on the command line.
fn import_options(input: &InputArgs, columns: Columns) -> Result<ImportOptions> {
    let mut options = ImportOptions {
        columns,
        ..ImportOptions::default()
    };
    if let Some(path) = &input.codes {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        options.countries = CountryTable::parse(&path.display().to_string(), &text).map_err(|problems| {
            anyhow::anyhow!(
                "{} problem(s) in the code file:\n{}",
                problems.len(),
                problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n")
            )
        })?;
        options.use_archive_codes = false;
    }
    if let Some(years) = &input.years {
        options.years = years.clone();
    }
    options.comtrade_flow = match input.comtrade_flow {
        FlowArg::Import => ComtradeFlow::Imports,
        FlowArg::Export => ComtradeFlow::Exports,
    };
    options.cache_dir = if input.no_cache {
        None
    } else {
        input.cache.clone().or_else(default_cache_dir)
    };
    Ok(options)
}

/// Imports the input file with the options given on the command line; reports the cache
/// outcome on stderr.
fn load(input: &InputArgs, columns: Columns) -> Result<(Import, f64)> {
    let options = import_options(input, columns)?;
    let started = Instant::now();
    let imported = import(&input.file, &options)?;
    let seconds = started.elapsed().as_secs_f64();
    match &imported.cache {
        CacheStatus::Hit(path) => eprintln!("trade: read from cache {}", path.display()),
        CacheStatus::Built { path, previous } => {
            eprintln!(
                "trade: parsed {} ({}); cache written to {}",
                input.file.display(),
                previous.describe(),
                path.display()
            )
        }
        CacheStatus::NotWritten(why) => eprintln!("trade: parsed {}; {why}", input.file.display()),
        CacheStatus::Disabled => {}
    }
    Ok((imported, seconds))
}

fn hs_map(args: &MapArgs) -> Result<(HsMap, String, HsRevision)> {
    let revision = match args.hs_revision {
        RevisionArg::Hs1992 => HsRevision::Hs1992,
        RevisionArg::Hs2017 => HsRevision::Hs2017,
        RevisionArg::Hs2022 => HsRevision::Hs2022,
    };
    match &args.hs_map {
        None => Ok((
            HsMap::embedded(),
            critmin_trade::EMBEDDED_HS_MAP_NAME.to_owned(),
            revision,
        )),
        Some(path) => {
            let name = path.display().to_string();
            let text = std::fs::read_to_string(path).with_context(|| format!("reading {name}"))?;
            let map = HsMap::parse(&name, &text).map_err(|problems| {
                anyhow::anyhow!(
                    "{} problem(s) in the HS map:\n{}",
                    problems.len(),
                    problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n")
                )
            })?;
            Ok((map, name, revision))
        }
    }
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
    let years = t.years();
    let record = ImportRecord {
        file: args.input.file.display().to_string(),
        source: t.source().id(),
        rows: t.len(),
        groups: t.groups().len(),
        years: match (years.first(), years.last()) {
            (Some(a), Some(b)) if a == b => a.to_string(),
            (Some(a), Some(b)) => format!("{a}-{b}"),
            _ => String::new(),
        },
        products: t.product_count(),
        rows_missing_q: t.rows_missing_quantity(),
        skipped_rows: imported.skipped.total(),
        skipped: imported
            .skipped
            .by_reason
            .iter()
            .map(|(why, n)| format!("{n} {why}"))
            .collect::<Vec<_>>()
            .join("; "),
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

fn dataset_and_map(data_dir: Option<&Path>, map: &MapArgs) -> Result<(Dataset, HsMap, HsRevision)> {
    let ds = crate::load_dataset(data_dir)?;
    let (map, name, revision) = hs_map(map)?;
    check_map_minerals(&map, &name, &ds)?;
    Ok((ds, map, revision))
}

/// Refuses a map that names minerals the dataset does not know.
fn check_map_minerals(map: &HsMap, name: &str, ds: &Dataset) -> Result<()> {
    let unknown = map.unknown_minerals(name, ds);
    if !unknown.is_empty() {
        bail!(
            "the HS map names minerals the dataset does not know:\n{}",
            unknown.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n")
        );
    }
    Ok(())
}

/// The contained-tonne flows of an imported file; the counts of rows left out go to stderr.
fn extract_flows(input: &InputArgs, map: &HsMap, revision: HsRevision) -> Result<critmin_trade::FlowExtraction> {
    let (imported, _) = load(input, Columns::ALL)?;
    let extraction = mineral_flows(&imported.table, map, revision);
    eprintln!(
        "trade: {} flows from {} rows; left out: {} rows without quantity, {} rows with a country lacking ISO3",
        extraction.flows.len(),
        extraction.rows_used,
        extraction.rows_missing_quantity,
        extraction.rows_without_iso3
    );
    Ok(extraction)
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

/// The contained-tonne flows of a BACI or UN Comtrade file under the shipped HS map (HS 2022),
/// through the same cache as `critmin trade`: what `critmin shock --trade` and `critmin risk
/// --trade` build their network from. The counts of rows left out go to stderr.
pub(crate) fn flows_of_file(file: &Path, ds: &Dataset) -> Result<Vec<critmin_model::MineralFlow>> {
    let input = InputArgs {
        file: file.to_owned(),
        codes: None,
        cache: None,
        no_cache: false,
        years: None,
        comtrade_flow: FlowArg::Import,
    };
    let map = HsMap::embedded();
    check_map_minerals(&map, critmin_trade::EMBEDDED_HS_MAP_NAME, ds)?;
    Ok(extract_flows(&input, &map, HsRevision::Hs2022)?.flows)
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
