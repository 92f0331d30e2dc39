//! The scenario runner page, `/scenarios`: pick a mineral and a named scenario, or give a
//! custom cut or export restriction, and see the shortfall of every consuming country on the
//! world map (percent of its consumption) and of every country and stage in a table (tonnes
//! and percent), with units, legend and sources.
//!
//! The page is a plain GET form; the shock is computed by the same function as
//! `POST /api/v1/shocks` ([`crate::stress::shock_document`]) and every number carries its raw
//! value in a `data-*` attribute, so the browser test checks the page against the API.

use std::fmt::Write;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use critmin_app::stress::{ShockDocument, ShockSpec};
use critmin_model::CountryCode;
use critmin_report::worldmap;
use serde::Deserialize;

use crate::AppState;
use crate::dashboard::{esc, html, mineral_options, page, thousands};
use crate::error::ApiError;

/// Shortfall bins of the map (lower edges, percent of consumption) and their colours
/// (sequential oranges; no shortfall is pale green).
const BINS: [f64; 6] = [0.0, 1.0, 5.0, 10.0, 25.0, 50.0];
const COLOURS: [&str; 6] = ["#fee6ce", "#fdd0a2", "#fdae6b", "#fd8d3c", "#e6550d", "#a63603"];
const NONE_COLOUR: &str = "#e5f5e0";
const NOT_CONSUMER: &str = "#ececec";

/// The default when nothing is picked.
const DEFAULT_SCENARIO: &str = "drc-cobalt-2025";

/// The runner's pickers.
#[derive(Debug, Default, Deserialize)]
pub struct ScenarioQuery {
    /// Mineral id or alias (default: the scenario's).
    pub mineral: Option<String>,
    /// Named scenario, or `custom`.
    pub scenario: Option<String>,
    /// Custom cut `ISO3:STAGE:FRACTION`.
    pub cut: Option<String>,
    /// Custom restriction `ISO3:STAGE[:DEST[:SEVERITY]]`.
    pub ban: Option<String>,
    /// Stockpile days.
    pub stockpile_days: Option<f64>,
}

impl ScenarioQuery {
    /// The shock request the pickers describe.
    pub fn spec(&self) -> ShockSpec {
        let text = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
        let (cut, ban) = (text(&self.cut), text(&self.ban));
        let scenario = match text(&self.scenario) {
            Some(s) if s == "custom" => None,
            Some(s) => Some(s),
            None if cut.is_none() && ban.is_none() => Some(DEFAULT_SCENARIO.to_owned()),
            None => None,
        };
        ShockSpec {
            mineral: text(&self.mineral),
            scenario,
            cuts: cut.into_iter().collect(),
            bans: ban.into_iter().collect(),
            stockpile_days: self.stockpile_days.unwrap_or(0.0),
            ..ShockSpec::default()
        }
    }
}

/// Dashboard route of the runner.
pub fn routes() -> Router<AppState> {
    Router::new().route("/scenarios", get(scenarios_page))
}

/// Why a page was not cached: a server fault, or a request the library refused (the page
/// with the reason, answered 400).
enum Refused {
    Api(ApiError),
    Page(Bytes),
}

async fn scenarios_page(State(state): State<AppState>, Query(q): Query<ScenarioQuery>) -> Result<Response, ApiError> {
    let spec = q.spec();
    let key = format!("scenarios|{spec:?}");
    let st = state.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        st.pages.get_or_try(&key, || {
            let scenarios = st.stress.scenarios().map_err(Refused::Api)?;
            match crate::stress::shock_document(&st.dataset, scenarios, &spec) {
                Ok(doc) => Ok(Bytes::from(render(&st, scenarios, &spec, Ok(&doc)))),
                Err(e) => Err(Refused::Page(Bytes::from(render(&st, scenarios, &spec, Err(&e))))),
            }
        })
    })
    .await
    .map_err(|e| ApiError::internal(&e))?;
    match outcome {
        Ok(bytes) => Ok(html(bytes)),
        Err(Refused::Page(bytes)) => Ok((StatusCode::BAD_REQUEST, html(bytes)).into_response()),
        Err(Refused::Api(e)) => Err(e),
    }
}

fn shortfall_colour(pct: f64) -> &'static str {
    if pct <= 0.0 {
        return NONE_COLOUR;
    }
    COLOURS[BINS.iter().rposition(|&e| pct >= e).unwrap_or(0)]
}

fn render(
    state: &AppState,
    scenarios: &critmin_network::Scenarios,
    spec: &ShockSpec,
    doc: Result<&ShockDocument, &critmin_app::FieldError>,
) -> String {
    let ds = &state.dataset;
    let selected_mineral = match doc {
        Ok(d) => d.mineral.clone(),
        Err(_) => spec.mineral.clone().unwrap_or_default(),
    };
    let selected_scenario = spec.scenario.clone().unwrap_or_else(|| "custom".to_owned());
    let mut b = String::from("<h1>Scenario runner: shortfalls after a supply shock</h1><section>");
    let _ = write!(
        b,
        "<form method=\"get\" action=\"/scenarios\" id=\"runner\">\
         <label>Mineral <select name=\"mineral\" id=\"mineral\"><option value=\"\">(the scenario's)</option>{}</select></label>\
         <label>Scenario <select name=\"scenario\" id=\"scenario\">{}<option value=\"custom\"{}>custom: cut or ban below</option></select></label>\
         <label>Cut <input name=\"cut\" id=\"cut\" size=\"18\" placeholder=\"COD:mining:0.5\" value=\"{}\"></label>\
         <label>Ban <input name=\"ban\" id=\"ban\" size=\"22\" placeholder=\"CHN:processing:all:0.5\" value=\"{}\"></label>\
         <label>Stockpile days <input name=\"stockpile_days\" id=\"stockpile_days\" type=\"number\" min=\"0\" step=\"any\" size=\"5\" value=\"{}\"></label>\
         <button type=\"submit\">Run</button></form>",
        mineral_options(ds, &selected_mineral),
        scenarios
            .names()
            .iter()
            .map(|n| format!(
                "<option value=\"{0}\"{1}>{0} ({2})</option>",
                esc(n),
                if n.eq_ignore_ascii_case(&selected_scenario) {
                    " selected"
                } else {
                    ""
                },
                esc(&scenarios.minerals_of(n).join(", "))
            ))
            .collect::<String>(),
        if selected_scenario == "custom" { " selected" } else { "" },
        esc(spec.cuts.first().map_or("", String::as_str)),
        esc(spec.bans.first().map_or("", String::as_str)),
        spec.stockpile_days
    );
    b.push_str(
        "<p class=\"src\">A named scenario applies its published measures (with the modelling severity its note explains); \
         a custom cut is <code>ISO3:STAGE:FRACTION</code>, a ban <code>ISO3:STAGE[:DEST[:SEVERITY]]</code> \
         (stage mining, processing or manufacturing; DEST all, an ISO3 code or a group such as feoc). \
         Same computation: <code>POST /api/v1/shocks</code>.</p></section>",
    );
    let doc = match doc {
        Ok(doc) => doc,
        Err(e) => {
            let _ = write!(
                b,
                "<section id=\"error\" data-field=\"{}\"><h2>Cannot run this shock</h2><p><strong>{}</strong>: {}</p></section>",
                esc(&e.field),
                esc(&e.field),
                esc(&e.message)
            );
            return page("Scenario runner", &b);
        }
    };
    let mineral_name = ds
        .mineral(&doc.mineral)
        .map_or_else(|| doc.mineral.clone(), |m| m.name.clone());
    let _ = write!(
        b,
        "<section id=\"summary\" data-mineral=\"{}\" data-year=\"{}\" data-lost-supply-t=\"{}\" data-shortfall-t=\"{}\" \
         data-stock-drawn-t=\"{}\" data-mass-balance-error=\"{}\"><h2>{} ({} data): {}</h2>\
         <p>Lost supply <b>{} t</b> = shortfall <b id=\"total-shortfall\">{} t</b> + stock drawn <b>{} t</b> \
         (mass-balance error {:.1e}; {} re-sourcing iteration(s){}). Stockpile {} days.</p>",
        esc(&doc.mineral),
        doc.year,
        doc.lost_supply_t,
        doc.shortfall_t,
        doc.stock_drawn_t,
        doc.mass_balance_error,
        esc(&mineral_name),
        doc.year,
        esc(&doc
            .cuts
            .iter()
            .map(|c| format!("cut {c}"))
            .chain(doc.restrictions.iter().map(|r| format!("restriction {r}")))
            .collect::<Vec<_>>()
            .join("; ")),
        thousands(doc.lost_supply_t),
        thousands(doc.shortfall_t),
        thousands(doc.stock_drawn_t),
        doc.mass_balance_error,
        doc.iterations,
        if doc.converged { "" } else { ", iteration cap reached" },
        doc.stockpile_days
    );
    if let Some(name) = &doc.scenario {
        b.push_str("<ul class=\"src\" id=\"citations\">");
        for r in scenarios.rows_of(name).filter(|r| r.mineral == doc.mineral) {
            let _ = write!(
                b,
                "<li>{} {} {} ({}), severity {} — {}: {}. {}</li>",
                esc(&r.country.to_string()),
                esc(r.stage.id()),
                match r.kind {
                    critmin_network::ScenarioKind::Cut => "cut",
                    critmin_network::ScenarioKind::Ban => "export restriction",
                },
                esc(&r.start),
                r.severity,
                esc(&r.source),
                esc(&r.citation),
                esc(&r.note)
            );
        }
        b.push_str("</ul>");
    }
    b.push_str("</section>");

    // Map: consumers' shortfall, percent of consumption.
    let consumers: Vec<&critmin_app::stress::NodeRecord> =
        doc.nodes.iter().filter(|n| n.stage == "consumption").collect();
    b.push_str("<section id=\"map-section\"><h2>Shortfall of each consuming country (% of its consumption)</h2><div style=\"max-width:900px\">");
    let (w, h) = worldmap::VIEW_BOX;
    let _ = write!(
        b,
        "<svg id=\"map\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"World map of shortfalls\" xmlns=\"http://www.w3.org/2000/svg\">"
    );
    for shape in worldmap::shapes().filter(|sh| sh.code.starts_with('_')) {
        let _ = match shape.code {
            "_SPHERE" => write!(b, "<path d=\"{}\" fill=\"#f4f8fb\" stroke=\"#ccc\"/>", shape.path),
            _ => write!(
                b,
                "<path d=\"{}\" fill=\"none\" stroke=\"#e3e3e3\" stroke-width=\"0.5\"/>",
                shape.path
            ),
        };
    }
    for shape in worldmap::shapes().filter(|sh| !sh.code.starts_with('_')) {
        let code: Option<CountryCode> = shape.code.parse().ok();
        let node = consumers
            .iter()
            .find(|n| Some(n.country.as_str()) == code.as_ref().map(CountryCode::as_str));
        let (fill, label, data) = match node {
            Some(n) => {
                let p = n.shortfall_pct.unwrap_or(0.0);
                (
                    shortfall_colour(p),
                    format!("shortfall {} t = {p:.1}% of consumption", thousands(n.shortfall_t)),
                    format!(" data-shortfall-pct=\"{p}\""),
                )
            }
            None => (NOT_CONSUMER, "not a consumer in this network".to_owned(), String::new()),
        };
        let name = code.and_then(|c| ds.country(c)).map_or(shape.name, |c| c.name.as_str());
        let _ = write!(
            b,
            "<path d=\"{}\" fill=\"{fill}\" stroke=\"#fff\" stroke-width=\"0.4\" data-code=\"{}\"{data}><title>{}: {label}</title></path>",
            shape.path,
            shape.code,
            esc(name)
        );
    }
    b.push_str("</svg><div class=\"legend\"><span>Shortfall (% of consumption):</span>");
    let _ = write!(
        b,
        "<span><i class=\"sw\" style=\"background:{NONE_COLOUR}\"></i>none</span>"
    );
    for (i, edge) in BINS.iter().enumerate() {
        let label = match BINS.get(i + 1) {
            Some(next) => format!("{}–{next}%", if i == 0 { "&gt;0".to_owned() } else { edge.to_string() }),
            None => format!("≥{edge}%"),
        };
        let _ = write!(
            b,
            "<span><i class=\"sw\" style=\"background:{}\"></i>{label}</span>",
            COLOURS[i]
        );
    }
    let _ = write!(
        b,
        "<span><i class=\"sw\" style=\"background:{NOT_CONSUMER}\"></i>not a consumer in the network</span></div>"
    );
    let _ = write!(
        b,
        "<p class=\"src\">Unit: percent of each country's consumption (tonnes of contained {}, year {}). Consumption basis per country in the table; \
         countries without data are shown with a nominal demand (percent only). Sources: {}.</p></div></section>",
        esc(&mineral_name),
        doc.year,
        esc(&doc.layers.join("; "))
    );

    // Table: every node with a baseline input.
    b.push_str(
        "<section><h2>Shortfalls by country and stage</h2><table id=\"shortfalls\"><thead><tr><th>Stage</th><th>Country</th>\
         <th class=\"n\">Need (t)</th><th class=\"n\">Received (t)</th><th class=\"n\">Stock drawn (t)</th>\
         <th class=\"n\">Shortfall (t)</th><th class=\"n\">Shortfall (%)</th><th>Consumption basis</th></tr></thead><tbody>",
    );
    for n in &doc.nodes {
        let name = n
            .country
            .parse::<CountryCode>()
            .ok()
            .and_then(|c| ds.country(c))
            .map_or_else(|| n.country.clone(), |c| c.name.clone());
        let _ = write!(
            b,
            "<tr data-stage=\"{}\" data-country=\"{}\" data-need-t=\"{}\" data-shortfall-t=\"{}\" data-shortfall-pct=\"{}\">\
             <td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n shortfall\">{}</td><td class=\"n pct\">{}</td><td>{}</td></tr>",
            esc(&n.stage),
            esc(&n.country),
            n.baseline_input_t,
            n.shortfall_t,
            n.shortfall_pct.map_or_else(String::new, |p| p.to_string()),
            esc(&n.stage),
            esc(&name),
            thousands(n.baseline_input_t),
            thousands(n.received_t),
            thousands(n.stock_drawn_t),
            thousands(n.shortfall_t),
            n.shortfall_pct.map_or_else(String::new, |p| format!("{p:.1}%")),
            esc(n.consumption_basis.as_deref().unwrap_or(""))
        );
    }
    let _ = write!(
        b,
        "</tbody></table><p class=\"src\">Tonnes of contained {} per year; shortfall = need − received − stock drawn. \
         Notes: {}</p></section>",
        esc(&mineral_name),
        esc(&doc.notes.join(" "))
    );
    page(&format!("Scenario runner: {mineral_name}"), &b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pickers_build_the_spec() {
        let empty = ScenarioQuery::default().spec();
        assert_eq!(empty.scenario.as_deref(), Some(DEFAULT_SCENARIO));
        let custom = ScenarioQuery {
            mineral: Some("cobalt".into()),
            scenario: Some("custom".into()),
            cut: Some(" COD:mining:0.5 ".into()),
            ban: Some(String::new()),
            stockpile_days: Some(10.0),
        }
        .spec();
        assert_eq!(custom.scenario, None);
        assert_eq!(custom.cuts, vec!["COD:mining:0.5".to_owned()]);
        assert!(custom.bans.is_empty());
        assert!((custom.stockpile_days - 10.0).abs() < 1e-12);
        assert_eq!(shortfall_colour(0.0), NONE_COLOUR);
        assert_eq!(shortfall_colour(0.5), COLOURS[0]);
        assert_eq!(shortfall_colour(64.0), COLOURS[5]);
    }
}
