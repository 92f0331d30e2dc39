//! The "Outlook and options" section: IEA demand scenarios against IEA's projected supply
//! (one inline SVG chart per mineral, with units, legend and source), India's published
//! pipeline, and the optimizer's recommended portfolio for the report's countries on the
//! shipped illustrative projects (clearly labelled as such).

use std::fmt::Write as _;

use critmin_app::plan::{CapSpec, PortfolioSpec};
use critmin_metrics::PartnerSet;
use critmin_model::{CountryCode, Dataset, MineralId};
use critmin_planner::demand::{IEA_MINERALS, IEA_SOURCE, iea_demand, iea_supply_projection};
#[cfg(feature = "solver")]
use critmin_planner::optimize::optimize;
use critmin_planner::pipeline::{PipelineCategory, india_pipeline};
use critmin_planner::portfolio::Floor;
use critmin_planner::projects::example_projects;

/// One line of a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartLine {
    /// Legend label.
    pub label: String,
    /// (year, kt) points.
    pub points: Vec<(u16, f64)>,
    /// Dashed (supply) or solid (demand).
    pub dashed: bool,
    /// Colour.
    pub colour: &'static str,
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

const DEMAND_COLOURS: [&str; 3] = ["#1b6ca8", "#e07b00", "#2a9d4b"];

/// Builds the section for `countries` with `partners` as the partner floor group.
pub fn build_outlook(ds: &Dataset, countries: &[CountryCode], partners: &PartnerSet) -> OutlookSection {
    let mut section = OutlookSection::default();
    match iea_demand() {
        Ok(demand) => {
            for (iea_name, id) in IEA_MINERALS {
                let mineral = MineralId(id.to_owned());
                let mut lines = Vec::new();
                for (k, scenario) in ["STEPS", "APS", "NZE"].iter().enumerate() {
                    if let Some(d) = demand.iter().find(|d| d.mineral == mineral && d.scenario == *scenario) {
                        lines.push(ChartLine {
                            label: format!("demand {scenario}"),
                            points: d.points.iter().map(|p| (p.year, p.value)).collect(),
                            dashed: false,
                            colour: DEMAND_COLOURS[k],
                        });
                    }
                }
                for (stage, label, colour) in [
                    ("mine", "supply: mining", "#555"),
                    ("refined", "supply: refining", "#b02a6b"),
                ] {
                    if let Ok(points) = iea_supply_projection(&mineral, stage)
                        && !points.is_empty()
                    {
                        lines.push(ChartLine {
                            label: format!("{label} (IEA base case)"),
                            points: points.iter().map(|p| (p.year, p.value)).collect(),
                            dashed: true,
                            colour,
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

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A "nice" axis maximum (1, 2 or 5 × 10^k) at or above `v`.
fn nice_max(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return 1.0;
    }
    let exp = v.log10().floor();
    let base = 10f64.powf(exp);
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * base)
        .find(|m| *m >= v)
        .unwrap_or(10.0 * base)
}

impl SupplyDemandChart {
    /// The chart as inline SVG (years 2024–2050 on x, kt on y).
    pub fn to_svg(&self) -> String {
        let (w, h, left, right, top, bottom) = (420.0, 230.0, 58.0, 20.0, 24.0, 34.0);
        let (x0, x1) = (2024.0, 2050.0);
        let max = self
            .lines
            .iter()
            .flat_map(|l| l.points.iter().map(|p| p.1))
            .fold(0.0, f64::max);
        let y_max = nice_max(max * 1.05);
        let sx = |year: f64| left + (year - x0) / (x1 - x0) * (w - left - right);
        let sy = |v: f64| top + (1.0 - v / y_max) * (h - top - bottom);
        let mut s = String::new();
        let _ = write!(
            s,
            "<svg class=\"chart\" viewBox=\"0 0 {w} {}\" role=\"img\" aria-label=\"{} demand scenarios and projected supply, kt\">",
            h + 58.0,
            esc(&self.mineral)
        );
        let _ = write!(
            s,
            "<text x=\"{left}\" y=\"14\" class=\"ct\">{} — kt contained per year</text>",
            esc(&self.mineral)
        );
        for k in 0..=4 {
            let v = y_max * f64::from(k) / 4.0;
            let y = sy(v);
            let _ = write!(
                s,
                "<line x1=\"{left}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#ddd\"/><text x=\"{}\" y=\"{:.1}\" class=\"ax\" text-anchor=\"end\">{}</text>",
                w - right,
                left - 4.0,
                y + 3.0,
                if v >= 100.0 {
                    format!("{v:.0}")
                } else {
                    format!("{v:.1}")
                }
            );
        }
        for year in [2024, 2030, 2035, 2040, 2045, 2050] {
            let x = sx(f64::from(year));
            let _ = write!(
                s,
                "<text x=\"{x:.1}\" y=\"{:.1}\" class=\"ax\" text-anchor=\"middle\">{year}</text>",
                h - bottom + 14.0
            );
        }
        for line in &self.lines {
            let path: Vec<String> = line
                .points
                .iter()
                .map(|(y, v)| format!("{:.1},{:.1}", sx(f64::from(*y)), sy(*v)))
                .collect();
            let _ = write!(
                s,
                "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{} points=\"{}\"><title>{}</title></polyline>",
                line.colour,
                if line.dashed { " stroke-dasharray=\"5 3\"" } else { "" },
                path.join(" "),
                esc(&line.label)
            );
        }
        // Legend below the plot.
        for (i, line) in self.lines.iter().enumerate() {
            let x = left + (i % 2) as f64 * 180.0;
            let y = h + 4.0 + (i / 2) as f64 * 16.0;
            let _ = write!(
                s,
                "<line x1=\"{x}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\" stroke=\"{}\" stroke-width=\"2\"{}/><text x=\"{}\" y=\"{}\" class=\"lg\">{}</text>",
                x + 16.0,
                line.colour,
                if line.dashed { " stroke-dasharray=\"5 3\"" } else { "" },
                x + 20.0,
                y + 4.0,
                esc(&line.label)
            );
        }
        s.push_str("</svg>");
        s
    }
}

impl OutlookSection {
    /// Writes the section's HTML.
    pub fn write_html(&self, h: &mut String) -> std::fmt::Result {
        h.push_str("<section id=\"outlook\"><h2>Outlook and options</h2>");
        h.push_str(
            "<style>.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));gap:12px}\
             .charts figure{margin:0;background:#fff;border:1px solid var(--line);padding:6px}\
             svg.chart{width:100%;height:auto}svg.chart .ct{font-size:12px;font-weight:600}\
             svg.chart .ax{font-size:10px;fill:#5b6475}svg.chart .lg{font-size:10px}</style>",
        );
        h.push_str(
            "<p>Demand for each mineral under the IEA's three scenarios (STEPS: stated policies; APS: announced \
             pledges; NZE: net zero by 2050) against the IEA's projected supply from existing and announced projects. \
             Where a demand line runs above the supply lines, announced projects do not cover the scenario. \
             Graphite demand counts all graphite while the supply lines are natural graphite mined and battery-grade \
             graphite refined; rare earths are the magnet rare earths (Nd, Pr, Dy, Tb).</p><div class=\"charts\">",
        );
        for chart in &self.charts {
            write!(h, "<figure>{}</figure>", chart.to_svg())?;
        }
        write!(
            h,
            "</div><p class=\"note\">Source: {}; data/raw/iea/iea_cm_data_explorer_2025_extract.json (totalDemand and \
             supply totals). Points are the published years; lines between them are straight (critmin interpolates \
             linearly, never beyond the published years).</p>",
            esc(IEA_SOURCE)
        )?;
        h.push_str("<h3>India's pipeline</h3><p>From <code>india_pipeline.csv</code>: ");
        let counts: Vec<String> = self
            .pipeline_counts
            .iter()
            .map(|(c, n)| format!("{n} {}", esc(c)))
            .collect();
        h.push_str(&counts.join(", "));
        h.push_str(
            ". The published record gives blocks, auction premiums, hectares and budgets but no production \
             capacity for any block or venture: capacity not published, so none is counted as supply.</p>\
             <table><thead><tr><th>id</th><th>block or venture</th><th>date</th><th>status</th></tr></thead><tbody>",
        );
        for (id, item, date, status) in &self.pipeline_items {
            write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(id),
                esc(item),
                esc(date),
                esc(status)
            )?;
        }
        h.push_str("</tbody></table>");
        h.push_str(
            "<h3>Recommended portfolio (illustrative projects)</h3><p><strong>Illustrative:</strong> the candidate \
             projects are the shipped examples in <code>planner_example_projects.csv</code>, with invented \
             capacities and costs that show how the optimizer works; they are not real projects and this is not \
             advice. Run <code>critmin plan optimize</code> with your own projects (<code>critmin projects \
             import</code>). Each buyer sources like the world market today (pooled-market estimate), so two \
             buyers with the same candidates and constraints get the same portfolio until buyer-specific \
             sourcing (bilateral trade data) is loaded.</p>",
        );
        for p in &self.portfolios {
            write!(
                h,
                "<h4>{}</h4><p class=\"note\">{}</p><table><thead><tr><th>action</th><th>project</th><th>country</th>\
                 <th>tonnes</th><th>cost (USD)</th></tr></thead><tbody>",
                esc(&p.buyer),
                esc(&p.inputs)
            )?;
            if p.chosen.is_empty() {
                h.push_str("<tr><td colspan=\"5\">no project backed and no offtake signed</td></tr>");
            }
            for (action, id, country, tonnes, cost) in &p.chosen {
                write!(
                    h,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{tonnes:.0}</td><td class=\"num\">{cost:.0}</td></tr>",
                    esc(action),
                    esc(id),
                    esc(country)
                )?;
            }
            write!(h, "</tbody></table><p class=\"note\">{}", esc(&p.summary))?;
            if !p.shadow_prices.is_empty() {
                write!(
                    h,
                    ". Binding constraints (shadow prices): {}",
                    esc(&p.shadow_prices.join("; "))
                )?;
            }
            h.push_str("</p>");
        }
        for problem in &self.problems {
            write!(h, "<p class=\"note\">Not shown: {}</p>", esc(problem))?;
        }
        h.push_str("</section>");
        Ok(())
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
            assert!(p.summary.starts_with("optimal"), "{}", p.summary);
        }
        let mut html = String::new();
        section.write_html(&mut html).unwrap();
        assert!(html.contains("capacity not published"));
        assert!(html.contains("kt contained per year"));
        assert_eq!(html.matches("<svg").count(), 6);
    }

    #[test]
    fn nice_axis_maxima() {
        assert!((nice_max(0.9) - 1.0).abs() < 1e-12);
        assert!((nice_max(130.0) - 200.0).abs() < 1e-9);
        assert!((nice_max(4_100.0) - 5_000.0).abs() < 1e-9);
    }
}
