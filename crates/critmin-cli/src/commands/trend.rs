//! `critmin trend --mineral M`: concentration of world trade in a mineral year by year (HHI,
//! top-3 share, top country, FEOC share), exporters' or importers' side, from real flows.

use anyhow::Result;
use clap::ValueEnum;
use critmin_app::trend::{TrendQuery, trend};
use critmin_model::Dataset;

use super::dependence::{BasisArg, TradeInput, flag_error, footer, top_three};
use crate::output::{Format, Table, emit, pct, quantity};

/// Whose shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SideArg {
    /// Exporters' shares (supply concentration).
    Exporter,
    /// Importers' shares (demand concentration).
    Importer,
}

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Mineral id or alias, e.g. graphite.
    #[arg(long)]
    mineral: String,
    /// Only this chain stage: mining, processing or manufacturing.
    #[arg(long)]
    stage: Option<String>,
    /// Whose shares.
    #[arg(long, value_enum, default_value_t = SideArg::Exporter)]
    side: SideArg,
    /// Shares of value (default) or of contained tonnes.
    #[arg(long, value_enum, default_value_t = BasisArg::Value)]
    by: BasisArg,
    /// Only this year.
    #[arg(long, conflicts_with_all = ["from", "to"])]
    year: Option<u16>,
    /// First year.
    #[arg(long)]
    from: Option<u16>,
    /// Last year.
    #[arg(long)]
    to: Option<u16>,
    #[command(flatten)]
    input: TradeInput,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub(crate) fn run(ds: &Dataset, args: &Args) -> Result<()> {
    let query = TrendQuery {
        mineral: args.mineral.clone(),
        stage: args.stage.clone(),
        side: match args.side {
            SideArg::Exporter => "exporter",
            SideArg::Importer => "importer",
        }
        .to_owned(),
        by: args.by.id().to_owned(),
        year: args.year,
        from: args.from,
        to: args.to,
    };
    let (flows, map) = args.input.load()?;
    let doc = trend(ds, &flows, &map, &query).map_err(flag_error)?;
    match args.format {
        // CSV rows are flat (top three as `ISO3:share;...`); the closure draws only tables.
        Format::Csv => emit(args.format, &doc.csv_rows(), || Table::new(&[])),
        _ => emit(args.format, &doc.rows, || {
            let by_value = doc.basis == "value";
            let mut t = Table::new(&[
                "stage",
                "year",
                if by_value { "world USD m>" } else { "world t>" },
                "countries>",
                "HHI>",
                "top-3>",
                "top three",
                "FEOC>",
                "flags",
            ]);
            t.title = Some(format!(
                "World trade in {} ({}): {} concentration by {}",
                doc.mineral_name,
                doc.mineral,
                doc.side,
                if by_value { "value (USD)" } else { "contained tonnes" }
            ));
            for r in &doc.rows {
                let assumed = r.flags.iter().any(|f| f == "assumed_factor");
                t.row(vec![
                    r.stage.clone(),
                    r.year.to_string(),
                    if by_value {
                        format!("{:.1}", r.world_total / 1e6)
                    } else {
                        format!("{}{}", quantity(r.world_total), if assumed { "*" } else { "" })
                    },
                    r.n_countries.to_string(),
                    r.hhi.map_or_else(String::new, |h| format!("{h:.0}")),
                    r.top3_share.map_or_else(String::new, pct),
                    top_three(&r.top3),
                    r.feoc_share.map_or_else(String::new, pct),
                    r.flags
                        .iter()
                        .filter(|f| *f != "assumed_factor")
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(" "),
                ]);
            }
            let flags: Vec<_> = if by_value {
                // On the value basis no figure depends on a grade.
                doc.flags.iter().filter(|f| f.id != "assumed_factor").cloned().collect()
            } else {
                doc.flags.clone()
            };
            footer(&mut t, &doc.trade, &flags);
            t
        }),
    }
}
