//! The dashboard's outlook page (`/outlook`): a mineral and scenario picker, the risked
//! supply against demand by year (inline SVG with unit, legend and source), the concentration
//! of the future supply mix, and the latest portfolios of the optimizer.
//!
//! The numbers come from the same function as `GET /api/v1/outlook`
//! ([`crate::planner::compute_outlook`]) and carry their raw value in `data-*` attributes, so
//! the browser test checks the page against the API.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use critmin_planner::demand::{IEA_MINERALS, IEA_SCENARIOS, IEA_SOURCE};
use serde::Deserialize;

use critmin_html::chart::{Line, LineChart, Margins, nice_max};
use critmin_html::format::pct;
use critmin_html::palette::{SCENARIOS, SUPPLY};
use critmin_html::{Markup, Swatch, html, legend};

use super::page;
use crate::AppState;
use crate::error::ApiError;
use crate::planner::{OutlookDocument, OutlookQuery, compute_outlook, portfolio_view};

/// Portfolios shown on the page.
const LATEST: i64 = 8;

/// Dashboard routes of the planner.
pub fn routes() -> Router<AppState> {
    Router::new().route("/outlook", get(outlook_page))
}

/// The page's picker.
#[derive(Debug, Deserialize)]
pub struct OutlookPageQuery {
    mineral: Option<String>,
    scenario: Option<String>,
}

async fn outlook_page(State(state): State<AppState>, Query(q): Query<OutlookPageQuery>) -> Result<Response, ApiError> {
    let mineral = q.mineral.unwrap_or_else(|| "lithium".to_owned());
    let scenario = q.scenario.filter(|s| !s.is_empty());
    let query = OutlookQuery {
        mineral: mineral.clone(),
        scenario: scenario.clone(),
        stage: None,
        from: None,
        to: None,
        partners: None,
        examples: None,
        stored: None,
    };
    let doc = compute_outlook(&state.dataset, &query, &[]);
    let portfolios = state.store.list_portfolios(LATEST).await?;
    let portfolios = portfolio_table(portfolios)?;
    let body = html! {
        h1 { "Outlook and optimizer" }
        section {
            form method="get" action="/outlook" {
                label { "Mineral " select name="mineral" onchange="this.form.submit()" {
                    @for (name, id) in IEA_MINERALS { option value=(id) selected[*id == mineral] { (name) } }
                } }
                label { "Demand scenario " select name="scenario" onchange="this.form.submit()" {
                    option value="" selected[scenario.is_none()] { "all (STEPS, APS, NZE)" }
                    @for sc in IEA_SCENARIOS {
                        option value=(sc) selected[scenario.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(sc))] { (sc) }
                    }
                } }
                button type="submit" { "Show" }
            }
            @match &doc {
                Ok(doc) => (chart(doc)),
                Err(e) => p.err id="outlook-error" { "No outlook: " (e.message()) },
            }
        }
        @if let Ok(doc) = &doc { (mix_table(doc)) }
        (portfolios)
    };
    let html = page("Outlook and optimizer", body);
    Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response())
}

fn number(v: f64) -> String {
    if v.abs() >= 100.0 {
        let n = v.round() as i64;
        let digits = n.unsigned_abs().to_string();
        let mut out = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(ch);
        }
        if n < 0 { format!("−{out}") } else { out }
    } else {
        format!("{v:.1}")
    }
}

/// The supply-vs-demand chart: risked supply (solid, dark) and each scenario's demand, with
/// its legend, unit and source under it.
fn chart(doc: &OutlookDocument) -> Markup {
    let Some((first, last)) = doc.years.first().zip(doc.years.last()) else {
        return html! { p { "No years." } };
    };
    let scenarios: Vec<String> = doc
        .years
        .iter()
        .flat_map(|y| y.balance.iter().map(|b| b.scenario.clone()))
        .fold(Vec::new(), |mut acc, s| {
            if !acc.contains(&s) {
                acc.push(s);
            }
            acc
        });
    let peak = doc
        .years
        .iter()
        .flat_map(|y| std::iter::once(y.total).chain(y.balance.iter().filter_map(|b| b.demand)))
        .fold(0.0, f64::max);
    let step = if doc.years.len() > 12 { 5 } else { 1 };
    let mut lines = vec![Line {
        label: "supply".into(),
        colour: SUPPLY,
        dashed: false,
        points: doc.years.iter().map(|y| (y.year, y.total)).collect(),
    }];
    for (i, sc) in scenarios.iter().enumerate() {
        lines.push(Line {
            label: sc.clone(),
            colour: SCENARIOS[i % SCENARIOS.len()],
            dashed: true,
            points: doc
                .years
                .iter()
                .filter_map(|y| {
                    y.balance
                        .iter()
                        .find(|b| &b.scenario == sc)
                        .and_then(|b| b.demand)
                        .map(|d| (y.year, d))
                })
                .collect(),
        });
    }
    let svg = LineChart {
        id: Some("outlook-chart"),
        size: (760.0, 320.0),
        margins: Margins {
            left: 92.0,
            right: 20.0,
            top: 28.0,
            bottom: 34.0,
        },
        title: format!("{} {} — {} per year", doc.mineral, doc.stage, doc.unit),
        aria_label: format!("Risked supply and demand of {} by year, {}", doc.mineral, doc.unit),
        years: (
            f64::from(first.year),
            f64::from(last.year).max(f64::from(first.year) + 1.0),
        ),
        x_ticks: doc
            .years
            .iter()
            .map(|y| y.year)
            .filter(|y| y.is_multiple_of(step) || *y == first.year)
            .collect(),
        y_max: nice_max(peak),
        number,
        unit: Some(doc.unit.clone()),
        markers: true,
        legend: false,
        lines,
    }
    .render();
    let mut swatches = vec![Swatch::new(
        SUPPLY,
        "risked supply (current + projects × probability + secondary)",
    )];
    for (i, sc) in scenarios.iter().enumerate() {
        swatches.push(Swatch::new(
            SCENARIOS[i % SCENARIOS.len()],
            format!("demand {sc} (dashed)"),
        ));
    }
    html! {
        (svg)
        (legend(Some("outlook-legend"), None, &swatches, None))
        p.src {
            "Unit: " (doc.unit) ". Supply: " (doc.current_source) " held at its latest level, plus projects counted ("
            @if doc.projects_counted.is_empty() { "none" } @else { (doc.projects_counted.join(", ")) }
            "); demand: " (IEA_SOURCE) ", interpolated between published years, never extrapolated."
            @for x in &doc.scenarios_skipped { " Not balanced: " (x) "." }
        }
    }
}

/// The concentration of the future mix, by year.
fn mix_table(doc: &OutlookDocument) -> Markup {
    html! {
        section {
            h2 { "Concentration of the future supply mix" }
            div.scroll { table id="mix" {
                thead { tr {
                    th.n { "year" } th.n { "supply" } th.n { "HHI (location)" } th.n { "top-3 share" } th.n { "partner share (MSP)" }
                    th.n { "FEOC share" } th.n { "HHI (ownership)" } th { "largest supplier" }
                } }
                tbody {
                    @for y in &doc.years {
                        @let top = y.by_location.first()
                            .map(|c| format!("{} {}", c.country, pct(c.quantity / y.total.max(f64::MIN_POSITIVE))))
                            .unwrap_or_default();
                        @let mix = &y.location_mix;
                        tr data-year=(y.year) {
                            td.n { (y.year) }
                            td.n data-k="total" data-value=(y.total) { (number(y.total)) }
                            td.n data-k="hhi" data-value=(mix.hhi) { (format!("{:.0}", mix.hhi)) }
                            td.n data-k="top3" data-value=(mix.top3_share) { (pct(mix.top3_share)) }
                            td.n data-k="partner" data-value=(mix.partner_share) { (pct(mix.partner_share)) }
                            td.n data-k="feoc" data-value=(mix.feoc_share) { (pct(mix.feoc_share)) }
                            td.n data-k="hhi_own" data-value=(y.ownership_mix.hhi) { (format!("{:.0}", y.ownership_mix.hhi)) }
                            td { (top) }
                        }
                    }
                }
            } }
            p.src {
                "Supply in " (doc.unit) "; HHI on 0–10,000 (lower bound: the source's residual left out); shares of the risked supply. Source: "
                (doc.current_source) "; partner and FEOC groups as documented in SOURCES.md §3.7."
            }
        }
    }
}

/// The latest portfolios of the optimizer.
fn portfolio_table(list: Vec<critmin_store::PortfolioRecord>) -> Result<Markup, ApiError> {
    let views = list
        .into_iter()
        .map(|r| portfolio_view(r, false))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(html! {
        section {
            h2 { "Latest portfolios" }
            p.src {
                "Optimizer runs started with " code { "POST /api/v1/jobs" } " (" code { "{\"kind\":\"optimize\",…}" }
                "); full results at " code { "/api/v1/portfolios/{id}" } " (key with role viewer)."
            }
            @if views.is_empty() {
                p id="no-portfolios" { "No portfolio yet." }
            } @else {
                div.scroll { table id="portfolios" {
                    thead { tr {
                        th { "id" } th { "buyer" } th { "mineral" } th { "status" } th.n { "objective (USD)" } th { "explanation" }
                    } }
                    tbody {
                        @for v in &views {
                            tr data-id=(v.id) {
                                td { (v.id.chars().take(8).collect::<String>()) }
                                td { (v.buyer) } td { (v.mineral) }
                                td data-k="status" { (v.status) }
                                td.n data-k="objective" data-value=(v.objective_usd.map_or(String::new(), |o| o.to_string())) {
                                    (v.objective_usd.map_or("–".to_owned(), number))
                                }
                                td { (v.explanation.as_deref().map_or("", |e| e.lines().next().unwrap_or(""))) }
                            }
                        }
                    }
                } }
            }
        }
    })
}
