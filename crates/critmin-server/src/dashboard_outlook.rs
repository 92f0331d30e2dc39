//! The dashboard's outlook page (`/outlook`): a mineral and scenario picker, the risked
//! supply against demand by year (inline SVG with unit, legend and source), the concentration
//! of the future supply mix, and the latest portfolios of the optimizer.
//!
//! The numbers come from the same function as `GET /api/v1/outlook`
//! ([`crate::planner::compute_outlook`]) and carry their raw value in `data-*` attributes, so
//! the browser test checks the page against the API.

use std::fmt::Write as _;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use critmin_planner::demand::{IEA_MINERALS, IEA_SCENARIOS, IEA_SOURCE};
use serde::Deserialize;

use crate::AppState;
use crate::dashboard::{esc, page, pct};
use crate::error::ApiError;
use crate::planner::{OutlookDocument, OutlookQuery, compute_outlook, portfolio_view};

const SUPPLY_COLOUR: &str = "#16324f";
const SCENARIO_COLOURS: [&str; 3] = ["#1b6ca8", "#e07b00", "#2a9d4b"];
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
    let mut body = String::new();
    let _ = write!(
        body,
        "<h1>Outlook and optimizer</h1><section><form method=\"get\" action=\"/outlook\">\
         <label>Mineral <select name=\"mineral\" onchange=\"this.form.submit()\">{}</select></label>\
         <label>Demand scenario <select name=\"scenario\" onchange=\"this.form.submit()\">{}</select></label>\
         <button type=\"submit\">Show</button></form>",
        mineral_options(&mineral),
        scenario_options(scenario.as_deref())
    );
    match &doc {
        Ok(doc) => {
            body.push_str(&chart(doc));
            body.push_str("</section>");
            body.push_str(&mix_table(doc));
        }
        Err(e) => {
            let _ = write!(
                body,
                "<p class=\"err\" id=\"outlook-error\">No outlook: {}</p></section>",
                esc(e.message())
            );
        }
    }
    body.push_str(&portfolio_table(portfolios)?);
    let html = page("Outlook and optimizer", &body);
    Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response())
}

fn mineral_options(selected: &str) -> String {
    IEA_MINERALS
        .iter()
        .map(|(name, id)| {
            format!(
                "<option value=\"{id}\"{}>{}</option>",
                if *id == selected { " selected" } else { "" },
                esc(name)
            )
        })
        .collect()
}

fn scenario_options(selected: Option<&str>) -> String {
    let mut s = format!(
        "<option value=\"\"{}>all (STEPS, APS, NZE)</option>",
        if selected.is_none() { " selected" } else { "" }
    );
    for sc in IEA_SCENARIOS {
        let _ = write!(
            s,
            "<option value=\"{sc}\"{}>{sc}</option>",
            if selected.is_some_and(|x| x.eq_ignore_ascii_case(sc)) {
                " selected"
            } else {
                ""
            }
        );
    }
    s
}

/// A "nice" axis maximum (1, 2 or 5 × 10^k) at or above `v`.
fn nice_max(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return 1.0;
    }
    let base = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * base)
        .find(|m| *m >= v)
        .unwrap_or(10.0 * base)
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

/// The supply-vs-demand chart: risked supply (solid, dark) and each scenario's demand.
fn chart(doc: &OutlookDocument) -> String {
    let (w, h, left, right, top, bottom) = (760.0, 320.0, 92.0, 20.0, 28.0, 34.0);
    let Some((first, last)) = doc.years.first().zip(doc.years.last()) else {
        return "<p>No years.</p>".into();
    };
    let (y0, y1) = (
        f64::from(first.year),
        f64::from(last.year).max(f64::from(first.year) + 1.0),
    );
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
    let y_max = nice_max(peak);
    let sx = |year: f64| left + (year - y0) / (y1 - y0) * (w - left - right);
    let sy = |v: f64| top + (1.0 - v / y_max) * (h - top - bottom);
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg id=\"outlook-chart\" viewBox=\"0 0 {w} {}\" role=\"img\" aria-label=\"Risked supply and demand of {} by year, {}\">",
        h + 4.0,
        esc(&doc.mineral),
        esc(&doc.unit)
    );
    let _ = write!(
        s,
        "<text x=\"{left}\" y=\"16\" font-size=\"13\" font-weight=\"600\">{} {} — {} per year</text>",
        esc(&doc.mineral),
        esc(&doc.stage),
        esc(&doc.unit)
    );
    for k in 0..=4 {
        let v = y_max * f64::from(k) / 4.0;
        let y = sy(v);
        let _ = write!(
            s,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#ddd\"/>\
             <text x=\"{}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#555\">{}</text>",
            w - right,
            left - 6.0,
            y + 4.0,
            number(v)
        );
    }
    let step = if doc.years.len() > 12 { 5 } else { 1 };
    for y in doc
        .years
        .iter()
        .filter(|y| y.year.is_multiple_of(step) || y.year == first.year)
    {
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#555\">{}</text>",
            sx(f64::from(y.year)),
            h - bottom + 16.0,
            y.year
        );
    }
    let _ = write!(
        s,
        "<text x=\"14\" y=\"{:.1}\" font-size=\"11\" fill=\"#555\" transform=\"rotate(-90 14 {:.1})\" text-anchor=\"middle\">{}</text>",
        (top + h - bottom) / 2.0,
        (top + h - bottom) / 2.0,
        esc(&doc.unit)
    );
    let mut line = |label: &str, colour: &str, dashed: bool, points: Vec<(u16, f64)>| {
        let path: Vec<String> = points
            .iter()
            .map(|(y, v)| format!("{:.1},{:.1}", sx(f64::from(*y)), sy(*v)))
            .collect();
        let _ = write!(
            s,
            "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"{} points=\"{}\"><title>{}</title></polyline>",
            if dashed { " stroke-dasharray=\"5 3\"" } else { "" },
            path.join(" "),
            esc(label)
        );
        for (y, v) in points {
            let _ = write!(
                s,
                "<circle class=\"pt\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\" fill=\"{colour}\" data-series=\"{}\" data-year=\"{y}\" data-value=\"{v}\"><title>{} {y}: {} {}</title></circle>",
                sx(f64::from(y)),
                sy(v),
                esc(label),
                esc(label),
                number(v),
                esc(&doc.unit)
            );
        }
    };
    line(
        "supply",
        SUPPLY_COLOUR,
        false,
        doc.years.iter().map(|y| (y.year, y.total)).collect(),
    );
    for (i, sc) in scenarios.iter().enumerate() {
        let points = doc
            .years
            .iter()
            .filter_map(|y| {
                y.balance
                    .iter()
                    .find(|b| &b.scenario == sc)
                    .and_then(|b| b.demand)
                    .map(|d| (y.year, d))
            })
            .collect();
        line(sc, SCENARIO_COLOURS[i % SCENARIO_COLOURS.len()], true, points);
    }
    s.push_str("</svg>");
    // Legend and source, as HTML under the chart.
    let mut legend = format!(
        "<div class=\"legend\" id=\"outlook-legend\"><span><i class=\"sw\" style=\"background:{SUPPLY_COLOUR}\"></i>risked supply (current + projects × probability + secondary)</span>"
    );
    for (i, sc) in scenarios.iter().enumerate() {
        let _ = write!(
            legend,
            "<span><i class=\"sw\" style=\"background:{}\"></i>demand {} (dashed)</span>",
            SCENARIO_COLOURS[i % SCENARIO_COLOURS.len()],
            esc(sc)
        );
    }
    legend.push_str("</div>");
    let _ = write!(
        s,
        "{legend}<p class=\"src\">Unit: {}. Supply: {} held at its latest level, plus projects counted ({}); \
         demand: {IEA_SOURCE}, interpolated between published years, never extrapolated.{}</p>",
        esc(&doc.unit),
        esc(&doc.current_source),
        if doc.projects_counted.is_empty() {
            "none".to_owned()
        } else {
            esc(&doc.projects_counted.join(", "))
        },
        doc.scenarios_skipped
            .iter()
            .map(|x| format!(" Not balanced: {}.", esc(x)))
            .collect::<String>()
    );
    s
}

/// The concentration of the future mix, by year.
fn mix_table(doc: &OutlookDocument) -> String {
    let mut s = String::from(
        "<section><h2>Concentration of the future supply mix</h2>\
         <table id=\"mix\"><thead><tr><th class=\"n\">year</th><th class=\"n\">supply</th><th class=\"n\">HHI (location)</th>\
         <th class=\"n\">top-3 share</th><th class=\"n\">partner share (MSP)</th><th class=\"n\">FEOC share</th>\
         <th class=\"n\">HHI (ownership)</th><th>largest supplier</th></tr></thead><tbody>",
    );
    for y in &doc.years {
        let top = y
            .by_location
            .first()
            .map(|c| format!("{} {}", c.country, pct(c.quantity / y.total.max(f64::MIN_POSITIVE))))
            .unwrap_or_default();
        let _ = write!(
            s,
            "<tr data-year=\"{}\"><td class=\"n\">{}</td><td class=\"n\" data-k=\"total\" data-value=\"{}\">{}</td>\
             <td class=\"n\" data-k=\"hhi\" data-value=\"{}\">{:.0}</td><td class=\"n\" data-k=\"top3\" data-value=\"{}\">{}</td>\
             <td class=\"n\" data-k=\"partner\" data-value=\"{}\">{}</td><td class=\"n\" data-k=\"feoc\" data-value=\"{}\">{}</td>\
             <td class=\"n\" data-k=\"hhi_own\" data-value=\"{}\">{:.0}</td><td>{}</td></tr>",
            y.year,
            y.year,
            y.total,
            number(y.total),
            y.location_mix.hhi,
            y.location_mix.hhi,
            y.location_mix.top3_share,
            pct(y.location_mix.top3_share),
            y.location_mix.partner_share,
            pct(y.location_mix.partner_share),
            y.location_mix.feoc_share,
            pct(y.location_mix.feoc_share),
            y.ownership_mix.hhi,
            y.ownership_mix.hhi,
            esc(&top)
        );
    }
    let _ = write!(
        s,
        "</tbody></table><p class=\"src\">Supply in {}; HHI on 0–10,000 (lower bound: the source's residual left out); \
         shares of the risked supply. Source: {}; partner and FEOC groups as documented in SOURCES.md §3.7.</p></section>",
        esc(&doc.unit),
        esc(&doc.current_source)
    );
    s
}

/// The latest portfolios of the optimizer.
fn portfolio_table(list: Vec<critmin_store::PortfolioRecord>) -> Result<String, ApiError> {
    let mut s = String::from(
        "<section><h2>Latest portfolios</h2><p class=\"src\">Optimizer runs started with <code>POST /api/v1/jobs</code> \
         (<code>{\"kind\":\"optimize\",…}</code>); full results at <code>/api/v1/portfolios/{id}</code> (key with role viewer).</p>",
    );
    if list.is_empty() {
        s.push_str("<p id=\"no-portfolios\">No portfolio yet.</p></section>");
        return Ok(s);
    }
    s.push_str(
        "<table id=\"portfolios\"><thead><tr><th>id</th><th>buyer</th><th>mineral</th><th>status</th>\
         <th class=\"n\">objective (USD)</th><th>explanation</th></tr></thead><tbody>",
    );
    for r in list {
        let v = portfolio_view(r, false)?;
        let _ = write!(
            s,
            "<tr data-id=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td data-k=\"status\">{}</td><td class=\"n\" data-k=\"objective\" data-value=\"{}\">{}</td><td>{}</td></tr>",
            esc(&v.id),
            esc(&v.id[..v.id.len().min(8)]),
            esc(&v.buyer),
            esc(&v.mineral),
            esc(&v.status),
            v.objective_usd.map_or(String::new(), |o| o.to_string()),
            v.objective_usd.map_or("–".to_owned(), number),
            esc(v.explanation.as_deref().map_or("", |e| e.lines().next().unwrap_or("")))
        );
    }
    s.push_str("</tbody></table></section>");
    Ok(s)
}
