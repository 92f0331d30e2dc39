//! `critmin plan outlook|optimize`: the risked supply outlook against demand scenarios, and
//! the diversification portfolio for a buyer.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use critmin_app::outlook::outlook_document;
use critmin_app::plan::{CapSpec, ComposeError, FloorSpec, OutlookSpec, PortfolioSpec};
use critmin_app::portfolio::{PortfolioError, PreparedPortfolio};
use critmin_data::read_text;
use critmin_model::Dataset;
use critmin_planner::demand::parse_user_demand;
use critmin_planner::mps::to_mps;
use critmin_planner::portfolio::build_model;

use super::projects::{ProjectSources, load_projects};
use crate::output::{Format, Table, emit, pct, quantity};

#[derive(Debug, Subcommand)]
pub(crate) enum PlanCommand {
    /// Risked supply per year (current + projects × probability + secondary) against the
    /// demand scenarios, with the concentration of the future mix by location and ownership.
    Outlook(OutlookArgs),
    /// Choose the projects to back and the offtakes to sign within a budget, minimising the
    /// buyer's expected shortfall plus cost, under caps and partner floors (MILP, HiGHS).
    Optimize(OptimizeArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct OutlookArgs {
    /// Mineral (id or alias).
    #[arg(long)]
    mineral: String,
    /// Stage whose supply is projected (mine, refined, …).
    #[arg(long, default_value = "mine")]
    stage: String,
    /// Only this demand scenario (STEPS, APS, NZE or a user scenario name).
    #[arg(long)]
    scenario: Option<String>,
    /// User demand scenarios (CSV: scenario,country,mineral,year,value,unit,source).
    #[arg(long, value_name = "FILE")]
    demand: Option<PathBuf>,
    /// First year.
    #[arg(long, default_value_t = 2025)]
    from: u16,
    /// Last year.
    #[arg(long, default_value_t = 2040)]
    to: u16,
    /// Partner group(s) for the partner share (see `critmin exposure --help`).
    #[arg(long, default_value = "msp", value_name = "GROUP")]
    partners: String,
    #[command(flatten)]
    sources: ProjectSources,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

fn run_outlook(ds: &Dataset, args: &OutlookArgs, data_dir: Option<&Path>) -> Result<()> {
    let projects = load_projects(ds, &args.sources, data_dir)?;
    let mut user_demand = Vec::new();
    if let Some(file) = &args.demand {
        let text = read_text(file)?;
        user_demand.extend(parse_user_demand(&file.display().to_string(), &text, ds)?);
    }
    let spec = OutlookSpec {
        mineral: args.mineral.clone(),
        stage: args.stage.clone(),
        scenario: args.scenario.clone(),
        from: args.from,
        to: args.to,
        partners: args.partners.clone(),
    };
    let result = spec.run(ds, &projects, user_demand).map_err(spec_error)?;
    let document = outlook_document(&result);
    let records = document.flat_rows();
    if args.format == Format::Json {
        println!("{}", serde_json::to_string_pretty(&document)?);
        return Ok(());
    }
    emit(args.format, &records, || {
        let mut table = Table::new(&[
            "year>",
            "scenario",
            "supply>",
            "of which projects>",
            "demand>",
            "deficit>",
            "HHI loc>",
            "HHI own>",
            "partner>",
            "FEOC>",
        ]);
        table.title = Some(format!(
            "Risked supply outlook: {} {} ({}), current supply {}",
            result.mineral, result.stage, result.unit, result.current_source
        ));
        let opt = |v: Option<f64>| v.map_or_else(|| "–".to_owned(), quantity);
        for r in &records {
            table.row(vec![
                r.year.to_string(),
                r.scenario.clone().unwrap_or_default(),
                quantity(r.total),
                quantity(r.projects),
                opt(r.demand),
                opt(r.deficit),
                format!("{:.0}", r.hhi_location),
                format!("{:.0}", r.hhi_ownership),
                pct(r.partner_share_location),
                pct(r.feoc_share_location),
            ]);
        }
        for s in &result.scenarios_skipped {
            table.footer.push(format!("not balanced: {s}"));
        }
        if !result.projects_without_capacity.is_empty() {
            table.footer.push(format!(
                "capacity not published (not counted): {}",
                result.projects_without_capacity.join(", ")
            ));
        }
        table.footer.push(
            "deficit = demand − risked supply (positive = shortfall); demand interpolated linearly between published years"
                .into(),
        );
        for a in &result.assumptions {
            table.footer.push(format!("assumption: {a}"));
        }
        table
    })
}

#[derive(Debug, clap::Args)]
pub(crate) struct OptimizeArgs {
    /// Buyer: an ISO3 code, several joined with `+` (USA+IND), or a group id (quad, msp, …).
    #[arg(long)]
    buyer: String,
    /// Budget in USD.
    #[arg(long)]
    budget: f64,
    /// The buyer's requirement in the target year, tonnes contained.
    #[arg(long = "requirement-t", value_name = "TONNES")]
    requirement_t: f64,
    /// Mineral (id or alias).
    #[arg(long, default_value = "lithium")]
    mineral: String,
    /// Stage bought (mine, refined, …).
    #[arg(long, default_value = "mine")]
    stage: String,
    /// Target year.
    #[arg(long, default_value_t = 2030)]
    year: u16,
    /// Cap on a supplier country's share: `0.65` (every country) or `CHN:0.5` (repeatable).
    #[arg(long = "cap", value_name = "[ISO3:]SHARE")]
    caps: Vec<String>,
    /// Floor on the share from partners: `GROUP:SHARE`, e.g. `msp:0.3` or `quad+CHL:0.4`
    /// (repeatable).
    #[arg(long = "partner-floor", value_name = "GROUP:SHARE")]
    floors: Vec<String>,
    /// Value of a tonne of shortfall in the objective, USD per tonne (critmin default, an
    /// assumption: set it for your mineral).
    #[arg(long, default_value_t = 50_000.0, value_name = "USD")]
    value_of_shortfall: f64,
    /// Annual disruption probability of a supplier with the weakest governance score (a
    /// country's risk is this × its WGI-derived risk score / 10; critmin default, an assumption).
    #[arg(long, default_value_t = 0.1)]
    disruption_scale: f64,
    /// Solver time limit in seconds.
    #[arg(long, value_name = "SECONDS")]
    time_limit: Option<f64>,
    /// Minimise the CVaR of the shortfall over this many Monte Carlo scenarios of supplier
    /// disruption (the disruption model of `critmin risk`, same seed scheme) instead of the
    /// expected shortfall; 0 = expected shortfall. Each scenario adds a column and a row.
    #[arg(long, default_value_t = 0, value_name = "N")]
    risk_scenarios: u64,
    /// Seed of the disruption scenarios.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// CVaR level α: the mean of the worst (1 − α) share of scenarios is minimised.
    #[arg(long, default_value_t = 0.95, value_name = "ALPHA")]
    cvar_alpha: f64,
    /// Relative MIP gap at which to stop (0.01 = 1 %).
    #[arg(long, default_value_t = 1e-4)]
    gap: f64,
    /// Also write the model in free MPS format to this file.
    #[arg(long, value_name = "FILE")]
    write_mps: Option<PathBuf>,
    #[command(flatten)]
    sources: ProjectSources,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

fn run_optimize(ds: &Dataset, args: &OptimizeArgs, data_dir: Option<&Path>) -> Result<()> {
    let mut spec = PortfolioSpec::new(args.buyer.clone(), args.requirement_t, args.budget);
    spec.mineral = args.mineral.clone();
    spec.stage = args.stage.clone();
    spec.year = args.year;
    spec.caps = args
        .caps
        .iter()
        .map(|c| c.parse::<CapSpec>().map_err(anyhow::Error::msg))
        .collect::<Result<_>>()?;
    spec.partner_floors = args
        .floors
        .iter()
        .map(|f| f.parse::<FloorSpec>().map_err(anyhow::Error::msg))
        .collect::<Result<_>>()?;
    spec.value_of_shortfall_usd_per_t = args.value_of_shortfall;
    spec.disruption_scale = args.disruption_scale;
    spec.time_limit_s = args.time_limit;
    spec.gap = args.gap;
    spec.risk_scenarios = args.risk_scenarios;
    spec.seed = args.seed;
    spec.cvar_alpha = args.cvar_alpha;
    let projects = load_projects(ds, &args.sources, data_dir)?;
    let prepared = PreparedPortfolio::new(ds, &spec, &projects).map_err(portfolio_error)?;
    if let Some(path) = &args.write_mps {
        std::fs::write(path, to_mps(&build_model(&prepared.problem)))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    let doc = prepared.solve(&spec.solve_options())?;
    if let Some(explanation) = &doc.explanation {
        bail!("{explanation}");
    }
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&doc)?),
        Format::Csv => emit(Format::Csv, &doc.chosen, || Table::new(&[]))?,
        Format::Table => {
            let mut table = Table::new(&["action", "project", "country", "tonnes>", "cost (USD)>"]);
            table.title = Some(format!(
                "Portfolio for {} — {} {} in {}: requirement {} t, budget {} USD",
                doc.buyer,
                doc.mineral,
                doc.stage,
                doc.year,
                quantity(doc.requirement_t),
                quantity(doc.budget_usd)
            ));
            for c in &doc.chosen {
                table.row(vec![
                    c.action.clone(),
                    c.id.clone(),
                    c.country.clone(),
                    quantity(c.tonnes),
                    quantity(c.cost_usd),
                ]);
            }
            for m in &doc.market {
                table.row(vec![
                    "market".into(),
                    String::new(),
                    m.country.clone(),
                    quantity(m.value),
                    String::new(),
                ]);
            }
            // A solved document has every figure; "n/a" only guards the type.
            let shown = |v: Option<f64>| v.map_or_else(|| "n/a".to_owned(), quantity);
            table.footer.push(format!(
                "status {}, objective {} USD, gap {:.4}%, solve {:.3} s; {} {} t; spent {} USD; unmet {} t",
                doc.status,
                shown(doc.objective_usd),
                doc.mip_gap.unwrap_or(f64::NAN) * 100.0,
                doc.solve_seconds.unwrap_or(f64::NAN),
                doc.risk_measure.as_deref().unwrap_or("n/a"),
                shown(doc.risk_t),
                shown(doc.cost_usd),
                shown(doc.unmet_t)
            ));
            for s in &doc.shadow_prices {
                table.footer.push(format!(
                    "shadow price {}{}: {} USD per {}",
                    s.constraint,
                    if s.binding { " (binding)" } else { "" },
                    quantity(s.usd_per_unit),
                    s.unit
                ));
            }
            for n in &doc.notes {
                table.footer.push(format!("note: {n}"));
            }
            for a in &doc.assumptions {
                table.footer.push(format!("assumption: {a}"));
            }
            table.write(&mut std::io::stdout().lock())?;
        }
    }
    Ok(())
}

/// A spec error in the CLI's words: the flag, then what is wrong.
fn portfolio_error(e: PortfolioError) -> anyhow::Error {
    match e {
        PortfolioError::Compose(e) => spec_error(e),
        PortfolioError::Scenarios(e) => e.into(),
    }
}

pub(crate) fn spec_error(e: ComposeError) -> anyhow::Error {
    match &e {
        ComposeError::Invalid(critmin_model::FieldError { field, message }) => {
            let head = field.split(['[', '.']).next().unwrap_or(field);
            let flag = match head {
                "requirement_t" => "requirement-t",
                "budget_usd" => "budget",
                "caps" => "cap",
                "partner_floors" => "partner-floor",
                "value_of_shortfall_usd_per_t" => "value-of-shortfall",
                "time_limit_s" => "time-limit",
                other => other,
            };
            anyhow::anyhow!("--{}: {message}", flag.replace('_', "-"))
        }
        _ => e.into(),
    }
}

pub(crate) fn run(ds: &Dataset, cmd: &PlanCommand, data_dir: Option<&Path>) -> Result<()> {
    match cmd {
        PlanCommand::Outlook(args) => run_outlook(ds, args, data_dir),
        PlanCommand::Optimize(args) => run_optimize(ds, args, data_dir),
    }
}
