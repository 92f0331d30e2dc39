//! The "Outlook and options" section: IEA demand scenarios against IEA's projected supply
//! (one inline SVG chart per mineral, with units, legend and source), India's published
//! pipeline, and the optimizer's recommended portfolio for the report's countries on the
//! shipped illustrative projects (clearly labelled as such).

use crate::plan::{CapSpec, PortfolioSpec};
use critmin_metrics::PartnerSet;
use critmin_model::{CountryCode, Dataset, MineralId};
use critmin_planner::demand::{IEA_MINERALS, IEA_SOURCE, iea_demand, iea_supply_projection};
#[cfg(feature = "solver")]
use critmin_planner::optimize::optimize;
use critmin_planner::pipeline::{PipelineCategory, india_pipeline};
use critmin_planner::portfolio::Floor;
use critmin_planner::projects::example_projects;

/// What a chart line shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChartLineKind {
    /// Demand under one IEA scenario (`STEPS`, `APS`, `NZE`).
    Demand(String),
    /// The IEA's projected mining supply.
    MiningSupply,
    /// The IEA's projected refining supply.
    RefiningSupply,
}

/// One line of a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartLine {
    /// Legend label.
    pub label: String,
    /// (year, kt) points.
    pub points: Vec<(u16, f64)>,
    /// What the line shows.
    pub kind: ChartLineKind,
}

/// A supply–demand chart for one mineral.
#[derive(Debug, Clone, PartialEq)]
pub struct SupplyDemandChart {
    /// Mineral name.
    pub mineral: String,
    /// Lines.
    pub lines: Vec<ChartLine>,
}

/// The optimizer's portfolio for one buyer.
#[derive(Debug, Clone, PartialEq)]
pub struct PortfolioView {
    /// Buyer.
    pub buyer: String,
    /// Inputs in words.
    pub inputs: String,
    /// Chosen actions (action, project, country, tonnes, cost).
    pub chosen: Vec<(String, String, String, f64, f64)>,
    /// Summary line (objective, gap, time, risk, spent) or why there is none.
    pub summary: String,
    /// Binding shadow prices in words.
    pub shadow_prices: Vec<String>,
}

/// The whole section.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OutlookSection {
    /// Citation of the IEA demand and supply projections.
    pub source: String,
    /// Charts, one per IEA mineral.
    pub charts: Vec<SupplyDemandChart>,
    /// India's pipeline: (category, count) and the auction results (id, item, date, status).
    pub pipeline_counts: Vec<(String, usize)>,
    /// Awarded blocks and ventures.
    pub pipeline_items: Vec<(String, String, String, String)>,
    /// Portfolios.
    pub portfolios: Vec<PortfolioView>,
    /// Problems building the section (shown, never hidden).
    pub problems: Vec<String>,
}

/// Builds the section for `countries` with `partners` as the partner floor group.
pub fn build_outlook(ds: &Dataset, countries: &[CountryCode], partners: &PartnerSet) -> OutlookSection {
    let mut section = OutlookSection {
        source: IEA_SOURCE.to_owned(),
        ..OutlookSection::default()
    };
    match iea_demand() {
        Ok(demand) => {
            for (iea_name, id) in IEA_MINERALS {
                let mineral = MineralId(id.to_owned());
                let mut lines = Vec::new();
                for scenario in ["STEPS", "APS", "NZE"] {
                    if let Some(d) = demand.iter().find(|d| d.mineral == mineral && d.scenario == *scenario) {
                        lines.push(ChartLine {
                            label: format!("demand {scenario}"),
                            points: d.points.iter().map(|p| (p.year, p.value)).collect(),
                            kind: ChartLineKind::Demand(scenario.to_owned()),
                        });
                    }
                }
                for (stage, label, kind) in [
                    ("mine", "supply: mining", ChartLineKind::MiningSupply),
                    ("refined", "supply: refining", ChartLineKind::RefiningSupply),
                ] {
                    if let Ok(points) = iea_supply_projection(&mineral, stage)
                        && !points.is_empty()
                    {
                        lines.push(ChartLine {
                            label: format!("{label} (IEA base case)"),
                            points: points.iter().map(|p| (p.year, p.value)).collect(),
                            kind,
                        });
                    }
                }
                section.charts.push(SupplyDemandChart {
                    mineral: iea_name.to_owned(),
                    lines,
                });
            }
        }
        Err(e) => section.problems.push(format!("IEA demand: {e}")),
    }
    match india_pipeline() {
        Ok(entries) => {
            for e in &entries {
                let name = e.category.id().replace('_', " ");
                match section.pipeline_counts.iter_mut().find(|(c, _)| *c == name) {
                    Some(entry) => entry.1 += 1,
                    None => section.pipeline_counts.push((name, 1)),
                }
                if matches!(
                    e.category,
                    PipelineCategory::AuctionResult | PipelineCategory::OverseasVenture
                ) {
                    section
                        .pipeline_items
                        .push((e.id.clone(), e.item.clone(), e.date.clone(), e.status.clone()));
                }
            }
        }
        Err(e) => section.problems.push(format!("India pipeline: {e}")),
    }
    let projects = match example_projects(ds) {
        Ok(p) => p,
        Err(e) => {
            section.problems.push(format!("illustrative projects: {e}"));
            Vec::new()
        }
    };
    let floor_countries: Vec<CountryCode> = ds
        .countries
        .iter()
        .map(|c| c.code)
        .filter(|c| partners.contains(*c, ds))
        .collect();
    for &buyer in countries {
        let inputs = "lithium (mine stage) in 2030; requirement 10,000 t Li (illustrative); budget 500 M USD; \
                      no supplier country above 65 %; at least 30 % from partners; value of shortfall 50,000 USD/t; \
                      disruption scale 0.1";
        // The report's question, through the same spec as `critmin plan optimize`; the
        // partner floor is the report's partner set, added to the composed request.
        let mut spec = PortfolioSpec::new(buyer.to_string(), 10_000.0, 5e8);
        spec.caps = vec![CapSpec {
            country: None,
            max_share: 0.65,
        }];
        spec.time_limit_s = Some(10.0);
        let problem = spec
            .request(ds, &projects)
            .map_err(|e| e.to_string())
            .and_then(|mut request| {
                request.floors.push(Floor {
                    name: "partners".into(),
                    countries: floor_countries.clone(),
                    min_share: 0.3,
                });
                PortfolioSpec::problem(&request, ds).map_err(|e| e.to_string())
            })
            .map(|(problem, _)| problem);
        let view = portfolio_view(buyer.to_string(), inputs.to_owned(), problem, &spec);
        section.portfolios.push(view);
    }
    section
}

/// The optimizer's answer for one buyer, as the report shows it.
#[cfg(feature = "solver")]
fn portfolio_view(
    buyer: String,
    inputs: String,
    problem: Result<critmin_planner::portfolio::PortfolioProblem, String>,
    spec: &PortfolioSpec,
) -> PortfolioView {
    match problem.and_then(|p| optimize(&p, &spec.solve_options()).map_err(|e| e.to_string())) {
        Ok(s) => PortfolioView {
            buyer: buyer.clone(),
            inputs: inputs.clone(),
            chosen: s
                .chosen
                .iter()
                .map(|c| {
                    (
                        c.action.to_owned(),
                        c.id.clone(),
                        c.country.to_string(),
                        c.tonnes,
                        c.cost_usd,
                    )
                })
                .collect(),
            summary: format!(
                "{}: objective {:.0} USD; {} {:.0} t; spent {:.0} USD; unmet {:.0} t; MIP gap {:.3} %; solved in {:.3} s",
                s.status.id(),
                s.objective_usd,
                s.risk_measure,
                s.risk_t,
                s.cost_usd,
                s.unmet_t,
                s.mip_gap * 100.0,
                s.solve_seconds
            ),
            shadow_prices: s
                .shadow_prices
                .iter()
                .filter(|p| p.binding)
                .map(|p| format!("{}: {:.2} USD per {}", p.constraint, p.per_unit, p.unit))
                .collect(),
        },
        Err(e) => PortfolioView {
            buyer: buyer.clone(),
            inputs: inputs.clone(),
            chosen: Vec::new(),
            summary: format!("no portfolio: {e}"),
            shadow_prices: Vec::new(),
        },
    }
}

/// Without the `solver` feature the report says there is no optimizer instead of a portfolio.
#[cfg(not(feature = "solver"))]
fn portfolio_view(
    buyer: String,
    inputs: String,
    problem: Result<critmin_planner::portfolio::PortfolioProblem, String>,
    _spec: &PortfolioSpec,
) -> PortfolioView {
    let summary = match problem {
        Ok(_) => "no portfolio: this build of critmin has no optimizer (cargo feature `solver` off)".to_owned(),
        Err(e) => format!("no portfolio: {e}"),
    };
    PortfolioView {
        buyer,
        inputs,
        chosen: Vec::new(),
        summary,
        shadow_prices: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_has_six_charts_and_both_portfolios() {
        let ds = critmin_data::load_embedded().unwrap();
        let section = build_outlook(
            &ds,
            &[CountryCode::INDIA, CountryCode::USA],
            &PartnerSet::from_groups([critmin_model::Group::Msp]),
        );
        assert!(section.problems.is_empty(), "{:?}", section.problems);
        assert_eq!(section.charts.len(), 6);
        assert!(section.charts.iter().all(|c| c.lines.len() == 5));
        assert_eq!(section.portfolios.len(), 2);
        for p in &section.portfolios {
            let expected = if cfg!(feature = "solver") {
                "optimal"
            } else {
                "no portfolio: this build of critmin has no optimizer"
            };
            assert!(p.summary.starts_with(expected), "{}", p.summary);
        }
        assert!(
            section
                .pipeline_counts
                .iter()
                .any(|(c, n)| c == "auction result" && *n > 0)
        );
    }
}
