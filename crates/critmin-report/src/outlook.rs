//! The "Outlook and options" section: IEA demand scenarios against IEA's projected supply (one
//! chart per mineral), India's pipeline, and the optimizer's recommended portfolios.

use critmin_app::report::{ChartLineKind, OutlookSection, SupplyDemandChart};
use critmin_html::chart::{Line, LineChart, Margins, nice_max};
use critmin_html::palette::{SCENARIOS, SUPPLY_MINING, SUPPLY_REFINING};
use critmin_html::table;
use critmin_html::{Markup, html};

/// The chart of one mineral (years 2024–2050 on x, kt on y, legend under the plot).
fn chart(c: &SupplyDemandChart) -> Markup {
    let max = c
        .lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.1))
        .fold(0.0, f64::max);
    let lines = c
        .lines
        .iter()
        .map(|l| {
            let (colour, dashed) = match &l.kind {
                ChartLineKind::Demand(scenario) => {
                    let i = ["STEPS", "APS", "NZE"].iter().position(|s| s == scenario).unwrap_or(0);
                    (SCENARIOS[i % SCENARIOS.len()], false)
                }
                ChartLineKind::MiningSupply => (SUPPLY_MINING, true),
                ChartLineKind::RefiningSupply => (SUPPLY_REFINING, true),
            };
            Line {
                label: l.label.clone(),
                colour,
                dashed,
                points: l.points.clone(),
            }
        })
        .collect();
    LineChart {
        id: None,
        size: (420.0, 230.0),
        margins: Margins {
            left: 58.0,
            right: 20.0,
            top: 24.0,
            bottom: 34.0,
        },
        title: format!("{} — kt contained per year", c.mineral),
        aria_label: format!("{} demand scenarios and projected supply, kt", c.mineral),
        years: (2024.0, 2050.0),
        x_ticks: vec![2024, 2030, 2035, 2040, 2045, 2050],
        y_max: nice_max(max * 1.05),
        number: |v| {
            if v >= 100.0 {
                format!("{v:.0}")
            } else {
                format!("{v:.1}")
            }
        },
        unit: None,
        markers: false,
        legend: true,
        lines,
    }
    .render()
}

/// The section.
pub(crate) fn section(o: &OutlookSection) -> Markup {
    let counts: Vec<String> = o.pipeline_counts.iter().map(|(c, n)| format!("{n} {c}")).collect();
    html! {
        section id="outlook" {
            h2 { "Outlook and options" }
            p { "Demand for each mineral under the IEA's three scenarios (STEPS: stated policies; APS: announced pledges; NZE: net zero by 2050) against the IEA's projected supply from existing and announced projects. Where a demand line runs above the supply lines, announced projects do not cover the scenario. Graphite demand counts all graphite while the supply lines are natural graphite mined and battery-grade graphite refined; rare earths are the magnet rare earths (Nd, Pr, Dy, Tb)." }
            div.charts { @for c in &o.charts { figure { (chart(c)) } } }
            p.note { "Source: " (o.source) "; data/raw/iea/iea_cm_data_explorer_2025_extract.json (totalDemand and supply totals). Points are the published years; lines between them are straight (critmin interpolates linearly, never beyond the published years)." }
            h3 { "India's pipeline" }
            p {
                "From " code { "india_pipeline.csv" } ": " (counts.join(", "))
                ". The published record gives blocks, auction premiums, hectares and budgets but no production capacity for any block or venture: capacity not published, so none is counted as supply."
            }
            div.scroll { table {
                (table::head(&[table::text("id"), table::text("block or venture"), table::text("date"), table::text("status")], "num"))
                tbody { @for (id, item, date, status) in &o.pipeline_items { tr { td { (id) } td { (item) } td { (date) } td { (status) } } } }
            } }
            h3 { "Recommended portfolio (illustrative projects)" }
            p {
                strong { "Illustrative:" } " the candidate projects are the shipped examples in " code { "planner_example_projects.csv" }
                ", with invented capacities and costs that show how the optimizer works; they are not real projects and this is not advice. Run "
                code { "critmin plan optimize" } " with your own projects (" code { "critmin projects import" }
                "). Each buyer sources like the world market today (pooled-market estimate), so two buyers with the same candidates and constraints get the same portfolio until buyer-specific sourcing (bilateral trade data) is loaded."
            }
            @for p in &o.portfolios {
                h4 { (p.buyer) }
                p.note { (p.inputs) }
                div.scroll { table {
                    (table::head(&[table::text("action"), table::text("project"), table::text("country"), table::text("tonnes"), table::text("cost (USD)")], "num"))
                    tbody {
                        @if p.chosen.is_empty() { tr { td colspan="5" { "no project backed and no offtake signed" } } }
                        @for (action, id, country, tonnes, cost) in &p.chosen {
                            tr { td { (action) } td { (id) } td { (country) } td.num { (format!("{tonnes:.0}")) } td.num { (format!("{cost:.0}")) } }
                        }
                    }
                } }
                p.note {
                    (p.summary)
                    @if !p.shadow_prices.is_empty() { ". Binding constraints (shadow prices): " (p.shadow_prices.join("; ")) }
                }
            }
            @for problem in &o.problems { p.note { "Not shown: " (problem) } }
        }
    }
}
