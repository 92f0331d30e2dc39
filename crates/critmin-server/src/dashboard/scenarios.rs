//! The scenario runner page, `/scenarios`: pick a mineral and a named scenario, or give a
//! custom cut or export restriction, and see the shortfall of every consuming country on the
//! world map (percent of its consumption) and of every country and stage in a table (tonnes
//! and percent), with units, legend and sources.
//!
//! The page is a plain GET form; the shock is computed by the same function as
//! `POST /api/v1/shocks` ([`crate::stress::shock_document`]) and every number carries its raw
//! value in a `data-*` attribute, so the browser test checks the page against the API.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use critmin_app::stress::ShockDocument;
use critmin_app::stress::ShockSpec;
use critmin_html::format::thousands;
use critmin_html::palette::{
    NO_DATA as NOT_A_CONSUMER, NO_SHORTFALL, SHORTFALL_BINS, SHORTFALL_COLOURS, shortfall_colour,
};
use critmin_html::worldmap::{self, CountryFill, MapLabel, MapValue};
use critmin_html::{Swatch, html, legend};
use critmin_model::CountryCode;
use serde::Deserialize;

use super::{html_response, mineral_options, page};
use crate::AppState;
use crate::error::ApiError;

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
        Ok(bytes) => Ok(html_response(bytes)),
        Err(Refused::Page(bytes)) => Ok((StatusCode::BAD_REQUEST, html_response(bytes)).into_response()),
        Err(Refused::Api(e)) => Err(e),
    }
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
    let form = html! {
        h1 { "Scenario runner: shortfalls after a supply shock" }
        section {
            form method="get" action="/scenarios" id="runner" {
                label { "Mineral " select name="mineral" id="mineral" {
                    option value="" { "(the scenario's)" } (mineral_options(ds, &selected_mineral))
                } }
                label { "Scenario " select name="scenario" id="scenario" {
                    @for n in scenarios.names() {
                        option value=(n) selected[n.eq_ignore_ascii_case(&selected_scenario)] {
                            (n) " (" (scenarios.minerals_of(n).join(", ")) ")"
                        }
                    }
                    option value="custom" selected[selected_scenario == "custom"] { "custom: cut or ban below" }
                } }
                label { "Cut " input name="cut" id="cut" size="18" placeholder="COD:mining:0.5" value=(spec.cuts.first().map_or("", String::as_str)); }
                label { "Ban " input name="ban" id="ban" size="22" placeholder="CHN:processing:all:0.5" value=(spec.bans.first().map_or("", String::as_str)); }
                label { "Stockpile days " input name="stockpile_days" id="stockpile_days" type="number" min="0" step="any" size="5" value=(spec.stockpile_days); }
                button type="submit" { "Run" }
            }
            p.src {
                "A named scenario applies its published measures (with the modelling severity its note explains); a custom cut is "
                code { "ISO3:STAGE:FRACTION" } ", a ban " code { "ISO3:STAGE[:DEST[:SEVERITY]]" }
                " (stage mining, processing or manufacturing; DEST all, an ISO3 code or a group such as feoc). Same computation: "
                code { "POST /api/v1/shocks" } "."
            }
        }
    };
    let doc = match doc {
        Ok(doc) => doc,
        Err(e) => {
            let body = html! {
                (form)
                section id="error" data-field=(e.field) {
                    h2 { "Cannot run this shock" }
                    p { strong { (e.field) } ": " (e.message) }
                }
            };
            return page("Scenario runner", body);
        }
    };
    let mineral_name = ds
        .mineral(&doc.mineral)
        .map_or_else(|| doc.mineral.clone(), |m| m.name.clone());
    let measures = doc
        .cuts
        .iter()
        .map(|c| format!("cut {c}"))
        .chain(doc.restrictions.iter().map(|r| format!("restriction {r}")))
        .collect::<Vec<_>>()
        .join("; ");
    let consumers: Vec<&critmin_app::stress::NodeRecord> =
        doc.nodes.iter().filter(|n| n.stage == "consumption").collect();
    let map = worldmap::world_map(Some("map"), MapLabel::Text("World map of shortfalls"), |shape| {
        let code: Option<CountryCode> = shape.code.parse().ok();
        let node = consumers
            .iter()
            .find(|n| Some(n.country.as_str()) == code.as_ref().map(CountryCode::as_str));
        let name = code.and_then(|c| ds.country(c)).map_or(shape.name, |c| c.name.as_str());
        match node {
            Some(n) => {
                let p = n.shortfall_pct.unwrap_or(0.0);
                CountryFill {
                    fill: shortfall_colour(p),
                    title: format!(
                        "{name}: shortfall {} t = {p:.1}% of consumption",
                        thousands(n.shortfall_t)
                    ),
                    value: Some(MapValue::ShortfallPct(p)),
                }
            }
            None => CountryFill {
                fill: NOT_A_CONSUMER,
                title: format!("{name}: not a consumer in this network"),
                value: None,
            },
        }
    });
    let mut swatches = vec![Swatch::new(NO_SHORTFALL, "none")];
    for (i, edge) in SHORTFALL_BINS.iter().enumerate() {
        let label = match SHORTFALL_BINS.get(i + 1) {
            Some(next) if i == 0 => format!(">0–{next}%"),
            Some(next) => format!("{edge}–{next}%"),
            None => format!("≥{edge}%"),
        };
        swatches.push(Swatch::new(SHORTFALL_COLOURS[i], label));
    }
    swatches.push(Swatch::new(NOT_A_CONSUMER, "not a consumer in the network"));
    let body = html! {
        (form)
        section id="summary" data-mineral=(doc.mineral) data-year=(doc.year) data-lost-supply-t=(doc.lost_supply_t)
            data-shortfall-t=(doc.shortfall_t) data-stock-drawn-t=(doc.stock_drawn_t) data-mass-balance-error=(doc.mass_balance_error) {
            h2 { (mineral_name) " (" (doc.year) " data): " (measures) }
            p {
                "Lost supply " b { (thousands(doc.lost_supply_t)) " t" } " = shortfall " b id="total-shortfall" { (thousands(doc.shortfall_t)) " t" }
                " + stock drawn " b { (thousands(doc.stock_drawn_t)) " t" } " (mass-balance error " (format!("{:.1e}", doc.mass_balance_error))
                "; " (doc.iterations) " re-sourcing iteration(s)" @if !doc.converged { ", iteration cap reached" } "). Stockpile "
                (doc.stockpile_days) " days."
            }
            @if let Some(name) = &doc.scenario {
                ul.src id="citations" {
                    @for r in scenarios.rows_of(name).filter(|r| r.mineral == doc.mineral) {
                        li {
                            (r.country) " " (r.stage.id()) " "
                            (match r.kind { critmin_network::ScenarioKind::Cut => "cut", critmin_network::ScenarioKind::Ban => "export restriction" })
                            " (" (r.start) "), severity " (r.severity) " — " (r.source) ": " (r.citation) ". " (r.note)
                        }
                    }
                }
            }
        }
        section id="map-section" {
            h2 { "Shortfall of each consuming country (% of its consumption)" }
            div style="max-width:900px" {
                (map)
                (legend(None, Some("Shortfall (% of consumption):"), &swatches, None))
                p.src {
                    "Unit: percent of each country's consumption (tonnes of contained " (mineral_name) ", year " (doc.year)
                    "). Consumption basis per country in the table; countries without data are shown with a nominal demand (percent only). Sources: "
                    (doc.layers.join("; ")) "."
                }
            }
        }
        section {
            h2 { "Shortfalls by country and stage" }
            div.scroll { table id="shortfalls" {
                thead { tr {
                    th { "Stage" } th { "Country" } th.n { "Need (t)" } th.n { "Received (t)" } th.n { "Stock drawn (t)" }
                    th.n { "Shortfall (t)" } th.n { "Shortfall (%)" } th { "Consumption basis" }
                } }
                tbody {
                    @for n in &doc.nodes {
                        @let name = n.country.parse::<CountryCode>().ok().and_then(|c| ds.country(c))
                            .map_or_else(|| n.country.clone(), |c| c.name.clone());
                        tr data-stage=(n.stage) data-country=(n.country) data-need-t=(n.baseline_input_t) data-shortfall-t=(n.shortfall_t)
                            data-shortfall-pct=(n.shortfall_pct.map_or_else(String::new, |p| p.to_string())) {
                            td { (n.stage) } td { (name) }
                            td.n { (thousands(n.baseline_input_t)) } td.n { (thousands(n.received_t)) } td.n { (thousands(n.stock_drawn_t)) }
                            td class="n shortfall" { (thousands(n.shortfall_t)) }
                            td class="n pct" { (n.shortfall_pct.map_or_else(String::new, |p| format!("{p:.1}%"))) }
                            td { (n.consumption_basis.as_deref().unwrap_or("")) }
                        }
                    }
                }
            } }
            p.src {
                "Tonnes of contained " (mineral_name) " per year; shortfall = need − received − stock drawn. Notes: " (doc.notes.join(" "))
            }
        }
    };
    page(&format!("Scenario runner: {mineral_name}"), body)
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
    }
}
