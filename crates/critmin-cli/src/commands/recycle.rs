//! `critmin recycle stock`: the dynamic stock model by cohort (in-use stock, end-of-life
//! outflow and the secondary supply it can give).

use anyhow::{Result, bail};
use clap::Subcommand;
use critmin_planner::compose::{StockOutcome, StockSpec};
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

#[derive(Serialize)]
struct StockDocument<'a> {
    model: &'static str,
    lifetime: String,
    convention: &'static str,
    collection: f64,
    recovery: f64,
    year: Vec<i32>,
    inflow: &'a [f64],
    stock: &'a [f64],
    outflow: &'a [f64],
    stock_change: Vec<f64>,
    secondary_supply: Vec<f64>,
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
    let StockOutcome {
        model,
        lifetime,
        convention,
        years,
        result,
        stock_change: change,
        secondary_supply: secondary,
    } = spec.run().map_err(super::plan::spec_error)?;
    match args.format {
        Format::Json => {
            let document = StockDocument {
                model,
                lifetime: lifetime.to_string(),
                convention: convention.name(),
                collection: args.collection,
                recovery: args.recovery,
                year: years,
                inflow: &result.inflow,
                stock: &result.stock,
                outflow: &result.outflow,
                stock_change: change,
                secondary_supply: secondary,
            };
            println!("{}", serde_json::to_string_pretty(&document)?);
        }
        format => {
            let records: Vec<StockRecord> = (0..result.stock.len())
                .map(|t| StockRecord {
                    year: years[t],
                    inflow: result.inflow[t],
                    stock: result.stock[t],
                    outflow: result.outflow[t],
                    stock_change: change[t],
                    secondary_supply: secondary[t],
                })
                .collect();
            crate::output::emit(format, &records, || {
                let mut table = Table::new(&["year>", "inflow>", "stock>", "outflow>", "secondary>"]);
                table.title = Some(format!(
                    "{model} stock model, lifetime {lifetime}, inflow at the {} of the year",
                    convention.name()
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
