//! `critmin dependence --country ISO3`: where a country's imports of each mineral came from, year
//! by year, from real bilateral flows (the shipped CEPII BACI V202601 files, or `--trade FILE`).
//! Also the trade input both this command and `critmin trend` read ([`TradeInput`]).

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::ValueEnum;
use critmin_app::FieldError;
use critmin_app::dependence::{DependenceQuery, dependence};
use critmin_model::Dataset;
use critmin_trade::{
    CacheStatus, CountryTable, HsMap, HsRevision, ImportOptions, TradeFlows, TradePart, default_cache_dir, import,
    import_embedded,
};

use crate::output::{Format, Table, emit, pct, quantity};

/// HS revision of a `--trade` file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum RevisionArg {
    /// HS 1992 (BACI HS92).
    Hs1992,
    /// HS 2017 (BACI HS17).
    Hs2017,
    /// HS 2022 (BACI HS22).
    Hs2022,
}

/// Where the flows come from: the shipped files, or the user's.
#[derive(Debug, clap::Args)]
pub(crate) struct TradeInput {
    /// A BACI or UN Comtrade file (CSV or zip) replacing the shipped CEPII BACI V202601 flows.
    #[arg(long, value_name = "FILE")]
    trade: Option<PathBuf>,
    /// HS revision of the --trade file (default: from its name, `BACI_HS92_...` → hs1992, else
    /// hs2022).
    #[arg(long, value_enum, requires = "trade")]
    hs_revision: Option<RevisionArg>,
    /// HS-to-mineral map replacing the shipped data/hs_minerals.csv (same columns).
    #[arg(long, value_name = "FILE")]
    hs_map: Option<PathBuf>,
    /// Cache directory (default `$XDG_CACHE_HOME/critmin/trade`).
    #[arg(long, value_name = "DIR")]
    cache: Option<PathBuf>,
    /// Parse the flows without reading or writing the cache.
    #[arg(long)]
    no_cache: bool,
}

fn revision_from_name(path: &std::path::Path) -> HsRevision {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_uppercase())
        .unwrap_or_default();
    if name.contains("HS92") {
        HsRevision::Hs1992
    } else if name.contains("HS17") {
        HsRevision::Hs2017
    } else {
        HsRevision::Hs2022
    }
}

fn report_cache(what: &str, status: &CacheStatus) {
    match status {
        CacheStatus::Hit(path) => eprintln!("trade: {what} read from cache {}", path.display()),
        CacheStatus::Built { path, previous } => eprintln!(
            "trade: {what} parsed ({}); cache written to {}",
            previous.describe(),
            path.display()
        ),
        CacheStatus::NotWritten(why) => eprintln!("trade: {what} parsed; {why}"),
        CacheStatus::Disabled => {}
    }
}

impl TradeInput {
    /// The flows and the HS map, reporting the cache outcome and the time taken on stderr.
    pub(crate) fn load(&self) -> Result<(TradeFlows, HsMap)> {
        let started = Instant::now();
        let cache_dir = if self.no_cache {
            None
        } else {
            self.cache.clone().or_else(default_cache_dir)
        };
        let flows = match &self.trade {
            None => {
                let embedded = import_embedded(cache_dir)?;
                for (part, status) in embedded.flows.parts.iter().zip(&embedded.cache) {
                    report_cache(&part.label, status);
                }
                embedded.flows
            }
            Some(path) => {
                let options = ImportOptions {
                    countries: CountryTable::embedded(),
                    cache_dir,
                    ..ImportOptions::default()
                };
                let imported = import(path, &options)?;
                report_cache(&path.display().to_string(), &imported.cache);
                let revision = match self.hs_revision {
                    Some(RevisionArg::Hs1992) => HsRevision::Hs1992,
                    Some(RevisionArg::Hs2017) => HsRevision::Hs2017,
                    Some(RevisionArg::Hs2022) => HsRevision::Hs2022,
                    None => revision_from_name(path),
                };
                TradeFlows {
                    parts: vec![TradePart {
                        table: imported.table,
                        revision,
                        label: format!("{} ({})", path.display(), revision.id()),
                    }],
                }
            }
        };
        let map = match &self.hs_map {
            None => HsMap::embedded(),
            Some(path) => {
                let name = path.display().to_string();
                let text = std::fs::read_to_string(path).with_context(|| format!("reading {name}"))?;
                HsMap::parse(&name, &text).map_err(|problems| {
                    anyhow::anyhow!(
                        "{} problem(s) in the HS map:\n{}",
                        problems.len(),
                        problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n")
                    )
                })?
            }
        };
        eprintln!("trade: flows ready in {:.3} s", started.elapsed().as_secs_f64());
        Ok((flows, map))
    }
}

/// Shares of contained tonnes or of value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum BasisArg {
    /// Contained tonnes (q × the HS map's factor); rows without q are left out and counted.
    Quantity,
    /// Value in USD.
    Value,
}

impl BasisArg {
    pub(crate) fn id(self) -> &'static str {
        match self {
            BasisArg::Quantity => "quantity",
            BasisArg::Value => "value",
        }
    }
}

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The importing country (ISO 3166-1 alpha-3), e.g. IND or USA.
    #[arg(long)]
    country: String,
    /// Only this mineral (id or alias), e.g. graphite.
    #[arg(long)]
    mineral: Option<String>,
    /// Only this chain stage: mining, processing or manufacturing.
    #[arg(long)]
    stage: Option<String>,
    /// Only this year.
    #[arg(long, conflicts_with_all = ["from", "to"])]
    year: Option<u16>,
    /// First year.
    #[arg(long)]
    from: Option<u16>,
    /// Last year.
    #[arg(long)]
    to: Option<u16>,
    /// Partner group(s), joined with `+` (msp, quad, g7, eu27, oecd, ipef, us-fta, us-cma,
    /// ira-fta, feoc), and/or ISO3 codes.
    #[arg(long, default_value = "msp", value_name = "GROUP")]
    partners: String,
    /// Shares of contained tonnes (default) or of value.
    #[arg(long, value_enum, default_value_t = BasisArg::Quantity)]
    by: BasisArg,
    #[command(flatten)]
    input: TradeInput,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// A field error as the command line names it (`--mineral: ...`).
pub(crate) fn flag_error(e: FieldError) -> anyhow::Error {
    anyhow::anyhow!("--{}: {}", e.field, e.message)
}

/// `CHN 52.0%, MDG 32.7%, MOZ 11.6%`.
pub(crate) fn top_three(shares: &[critmin_app::trade_flows::CountryShare]) -> String {
    shares
        .iter()
        .take(3)
        .map(|s| format!("{} {}", s.country, pct(s.share)))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn run(ds: &Dataset, args: &Args) -> Result<()> {
    let query = DependenceQuery {
        country: args.country.clone(),
        mineral: args.mineral.clone(),
        stage: args.stage.clone(),
        year: args.year,
        from: args.from,
        to: args.to,
        partners: args.partners.clone(),
        by: args.by.id().to_owned(),
    };
    let (flows, map) = args.input.load()?;
    let doc = dependence(ds, &flows, &map, &query).map_err(flag_error)?;
    let assumed = |flags: &[String]| flags.iter().any(|f| f == "assumed_factor");
    match args.format {
        // CSV rows are flat (suppliers as `ISO3:share;...`); the closure draws only tables.
        Format::Csv => emit(args.format, &doc.csv_rows(), || Table::new(&[])),
        _ => emit(args.format, &doc.rows, || {
            let mut t = Table::new(&[
                "mineral",
                "stage",
                "year",
                "imports t>",
                "USD m>",
                "top suppliers",
                "partners>",
                "FEOC>",
                "HHI>",
                "Δ t>",
                "flags",
            ]);
            t.title = Some(format!(
                "Imports of {} ({}) by supplier; shares by {}; partners: {}",
                doc.country_name,
                doc.country,
                if doc.basis == "quantity" {
                    "contained tonnes"
                } else {
                    "value (USD)"
                },
                doc.partners
            ));
            for r in &doc.rows {
                let star = if assumed(&r.flags) { "*" } else { "" };
                t.row(vec![
                    r.mineral.clone(),
                    r.stage.clone(),
                    r.year.to_string(),
                    format!("{}{star}", quantity(r.imports_t)),
                    format!("{:.1}", r.imports_usd / 1e6),
                    top_three(&r.suppliers),
                    r.partner_share.map_or_else(String::new, pct),
                    r.feoc_share.map_or_else(String::new, pct),
                    r.hhi.map_or_else(String::new, |h| format!("{h:.0}")),
                    r.change
                        .as_ref()
                        .and_then(|c| c.imports_t)
                        .map_or_else(String::new, |c| format!("{:+.0}%", c * 100.0)),
                    r.flags
                        .iter()
                        .filter(|f| *f != "assumed_factor")
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(" "),
                ]);
            }
            footer(&mut t, &doc.trade, &doc.flags);
            t
        }),
    }
}

/// The sources read, the assumed-grade mark and the notes of the flags shown.
pub(crate) fn footer(t: &mut Table, trade: &[String], flags: &[critmin_app::trade_flows::FlagNote]) {
    t.footer.push(format!(
        "Source: {} (CEPII BACI, Etalab Open Licence 2.0); one HS revision per mineral and stage.",
        trade.join("; ")
    ));
    if flags.iter().any(|f| f.id == "assumed_factor") {
        t.footer
            .push("* contained tonnes from an assumed grade (data/hs_minerals.csv factor_basis), not measured.".into());
    }
    for f in flags.iter().filter(|f| f.id != "assumed_factor") {
        t.footer.push(format!("{}: {}", f.id, f.note));
    }
}
