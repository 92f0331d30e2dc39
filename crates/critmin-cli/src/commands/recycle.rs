//! `critmin recycle stock`: the dynamic stock model by cohort (in-use stock, end-of-life
//! outflow and the secondary supply it can give).

use anyhow::{Result, bail};
use clap::Subcommand;
use critmin_app::plan::StockSpec;
use serde::Serialize;

use crate::output::{Format, Table, quantity};

#[derive(Debug, Subcommand)]
pub(crate) enum RecycleCommand {
    /// Stock and outflow by year from an inflow series (inflow-driven) or the inflow a stock
    /// series needs (stock-driven), with secondary supply = outflow × collection × recovery.
    Stock(StockArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct StockArgs {
    /// Inflow per year, comma-separated (inflow-driven model), e.g. 1,2,3,4,5.
    #[arg(long, value_delimiter = ',', allow_hyphen_values = true, conflicts_with = "stock")]
    inflow: Vec<f64>,
    /// Stock per year, comma-separated (stock-driven model: the inflow is computed).
    #[arg(long, value_delimiter = ',', allow_hyphen_values = true)]
    stock: Vec<f64>,
    /// Lifetime: fixed:YEARS, normal:MEAN:SD, lognormal:MEAN:SD (of the lifetime itself) or
    /// weibull:SHAPE:SCALE.
    #[arg(long)]
    lifetime: String,
    /// When in its year inflow enters: start, middle or end (end = ODYM's convention).
    #[arg(long, default_value = "end")]
    convention: String,
    /// First year, to label the output (years count from it).
    #[arg(long, default_value_t = 0)]
    first_year: i32,
    /// Collection rate of end-of-life material (0–1).
    #[arg(long, default_value_t = 1.0)]
    collection: f64,
    /// Recovery rate of the recycling process (0–1).
    #[arg(long, default_value_t = 1.0)]
    recovery: f64,
    /// Output format (JSON gives the arrays `year`, `inflow`, `stock`, `outflow`,
    /// `stock_change`, `secondary_supply`).
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(Serialize)]
struct StockRecord {
    year: i32,
    inflow: f64,
    stock: f64,
    outflow: f64,
    stock_change: f64,
    secondary_supply: f64,
}

pub(crate) fn run(cmd: &RecycleCommand) -> Result<()> {
    let RecycleCommand::Stock(args) = cmd;
    let spec = StockSpec {
        inflow: (!args.inflow.is_empty()).then(|| args.inflow.clone()),
        stock: (!args.stock.is_empty()).then(|| args.stock.clone()),
        lifetime: args.lifetime.clone(),
        convention: args.convention.clone(),
        first_year: args.first_year,
        collection: args.collection,
        recovery: args.recovery,
    };
    if spec.inflow.is_none() && spec.stock.is_none() {
        bail!("give either --inflow or --stock (comma-separated values, one per year)");
    }
    let doc = critmin_app::recycle::stock(&spec).map_err(super::plan::spec_error)?;
    match args.format {
        Format::Json => {
            println!("{}", serde_json::to_string_pretty(&doc)?);
        }
        format => {
            let records: Vec<StockRecord> = (0..doc.stock.len())
                .map(|t| StockRecord {
                    year: doc.year[t],
                    inflow: doc.inflow[t],
                    stock: doc.stock[t],
                    outflow: doc.outflow[t],
                    stock_change: doc.stock_change[t],
                    secondary_supply: doc.secondary_supply[t],
                })
                .collect();
            crate::output::emit(format, &records, || {
                let mut table = Table::new(&["year>", "inflow>", "stock>", "outflow>", "secondary>"]);
                table.title = Some(format!(
                    "{} stock model, lifetime {}, inflow at the {} of the year",
                    doc.model, doc.lifetime, doc.convention
                ));
                for r in &records {
                    table.row(vec![
                        r.year.to_string(),
                        quantity(r.inflow),
                        quantity(r.stock),
                        quantity(r.outflow),
                        quantity(r.secondary_supply),
                    ]);
                }
                table.footer.push(format!(
                    "secondary supply = outflow × collection {} × recovery {}",
                    args.collection, args.recovery
                ));
                table
            })?;
        }
    }
    Ok(())
}
