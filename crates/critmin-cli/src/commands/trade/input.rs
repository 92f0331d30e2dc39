//! Reading a trade file as the flags say: the input and map flags shared by the `trade`
//! subcommands, the import through the columnar cache (its outcome on stderr), the HS map, and
//! the contained-tonne flows `critmin shock --trade` and `critmin risk --trade` build on.

use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::ValueEnum;
use critmin_model::Dataset;
use critmin_trade::{
    CacheStatus, Columns, ComtradeFlow, CountryTable, HsMap, HsRevision, Import, ImportOptions, default_cache_dir,
    import, mineral_flows,
};

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
    pub(super) file: PathBuf,
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

pub(super) fn parse_years(text: &str) -> Result<RangeInclusive<u16>, String> {
    let bad = || format!("`{text}`: expected a year (2022) or a range (2015-2024)");
    let (a, b) = text.split_once('-').unwrap_or((text, text));
    let a: u16 = a.trim().parse().map_err(|_| bad())?;
    let b: u16 = b.trim().parse().map_err(|_| bad())?;
    if a > b {
        return Err(bad());
    }
    Ok(a..=b)
}

/// The import options given on the command line.
pub(super) fn import_options(input: &InputArgs, columns: Columns) -> Result<ImportOptions> {
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
pub(super) fn load(input: &InputArgs, columns: Columns) -> Result<(Import, f64)> {
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

pub(super) fn hs_map(args: &MapArgs) -> Result<(HsMap, String, HsRevision)> {
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

pub(super) fn dataset_and_map(data_dir: Option<&Path>, map: &MapArgs) -> Result<(Dataset, HsMap, HsRevision)> {
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
pub(super) fn extract_flows(
    input: &InputArgs,
    map: &HsMap,
    revision: HsRevision,
) -> Result<critmin_trade::FlowExtraction> {
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
