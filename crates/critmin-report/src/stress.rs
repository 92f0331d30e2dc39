//! The "stress tests" section: named historical scenarios and the Monte Carlo supply at risk.

use critmin_app::report::StressTests;
use critmin_html::table;
use critmin_html::{Markup, html};

/// The section.
pub(crate) fn section(s: &StressTests) -> Markup {
    let tonnes = |basis: &str, t: f64| {
        if basis == "nominal" {
            "—".to_owned()
        } else {
            format!("{t:.1}")
        }
    };
    html! {
        section id="stress" {
            h2 { "Stress tests" }
            p.note {
                "Named historical export restrictions, propagated through each mineral's pooled-market stage network (mine → processing → consumption, contained tonnes per year) by proportional trade allocation with reserves (Marchand et al. 2016; Burkholz & Schweitzer 2019). No stockpile is assumed. Severities of licence regimes are modelling assumptions (see each scenario's note in "
                code { "data/scenarios.csv" } ")."
            }
            div.scroll { table {
                (table::head(&[table::text("Scenario"), table::text("Mineral"), table::text("Shock"), table::text("Country"), table::text("Shortfall"),
                    table::text("Shortfall (t/yr)"), table::text("Consumption (t/yr)"), table::text("Consumption basis"), table::text("Network data")], "num"))
                tbody {
                    @for r in &s.scenarios {
                        tr {
                            td { (r.scenario) br; span.note { (r.source) } }
                            td { (r.mineral) } td { (r.shock) } td { (r.country) }
                            td.num { (format!("{:.1}", r.shortfall_pct)) " %" }
                            td.num { (tonnes(&r.basis, r.shortfall_t)) }
                            td.num { (tonnes(&r.basis, r.consumption_t)) }
                            td { (r.basis) }
                            td.note { (r.network) }
                        }
                    }
                }
            } }
            h3 { "Supply at risk (Monte Carlo)" }
            p.note {
                (s.risk_scenarios) " random years per mineral (seed " (s.risk_seed) "): each supplying country may suffer a capacity cut (2 % + 3 % × WGI risk/10) or restrict exports (1 % × WGI risk/10, + 10 % if it restricted before), severity uniform 25–100 %. Documented defaults, not calibrated frequencies; "
                code { "critmin risk --help" } " overrides every one. VaR/CVaR from a " (s.histogram_bins)
                "-bin histogram (0.1 % of consumption). Shortfall in percent of the country's consumption; P(>10 %) is the probability that the shortfall exceeds 10 %."
            }
            div.scroll { table {
                (table::head(&[table::text("Mineral"), table::text("Country"), table::text("Mean"), table::text("VaR95"), table::text("CVaR95"),
                    table::text("P(>10 %)"), table::text("Main sources of the mean shortfall"), table::text("Consumption basis")], "num"))
                tbody {
                    @for r in &s.risk {
                        tr {
                            td { (r.mineral) } td { (r.country) }
                            td.num { (format!("{:.2}", r.mean_pct)) " %" }
                            td.num { (format!("{:.1}", r.var95_pct)) " %" }
                            td.num { (format!("{:.1}", r.cvar95_pct)) " %" }
                            td.num { (format!("{:.3}", r.p_exceed)) }
                            td { (r.top_sources) } td { (r.basis) }
                        }
                    }
                }
            } }
            h3 { "Consumption basis" }
            ul.note {
                li { strong { "usgs-salient" } ": US apparent or reported consumption from the USGS MCS 2025 salient-statistics file named in " code { "data/us_consumption.csv" } "." }
                li { strong { "output-share-proxy" } ": world consumption equals world output of the last stage, split by each producer's output share. A producer is then self-supplied by construction, so a 0 % shortfall on this basis says nothing about its real exposure (e.g. the US for IEA battery-grade graphite and magnet rare earths, whose US consumption is not in the embedded data on the same basis)." }
                li { strong { "nominal" } ": no consumption figure in the embedded data (India for every mineral); the country buys from the pool with a vanishing demand, so only the percentage is meaningful. Give a figure with " code { "critmin shock --consumption IND:TONNES" } "." }
            }
            @if !s.citations.is_empty() {
                h3 { "Scenario sources" }
                ul.note { @for c in &s.citations { li { (c) } } }
            }
            @if !s.left_out.is_empty() {
                h3 { "Not computed" }
                ul.note { @for c in &s.left_out { li { (c) } } }
            }
        }
    }
}
