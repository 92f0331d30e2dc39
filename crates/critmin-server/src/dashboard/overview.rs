//! The overview (`/`): a mineral and stage picker, the world map of the picked series'
//! shares, its suppliers, and the concentration heat table of every mineral and stage.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::{Redirect, Response};
use axum::routing::get;
use critmin_app::report::{HeatTable, build_heat_table};
use critmin_html::format::{pct, thousands};
use critmin_html::palette::{NO_DATA, WITHHELD, hhi_colour, share_colour};
use critmin_html::worldmap::{self, CountryFill, MapLabel};
use critmin_html::{Markup, hhi_legend, html, legend, share_legend};
use critmin_metrics::SupplyShares;
use critmin_model::{CountryCode, Dataset, Series};
use serde::Deserialize;

use super::{basis_label, mineral_options, page};
use crate::AppState;
use crate::error::ApiError;
use crate::records;

/// The overview's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(overview))
        .route("/exposure", get(|| async { Redirect::to("/exposure/IND") }))
}

/// The heat table and its sources, built on first use.
fn heat_table(state: &AppState) -> &HeatTable {
    state.report.get_or_init(|| build_heat_table(&state.dataset))
}

/// Overview picker.
#[derive(Debug, Deserialize)]
pub struct OverviewQuery {
    mineral: Option<String>,
    stage: Option<String>,
}

async fn overview(State(state): State<AppState>, Query(q): Query<OverviewQuery>) -> Result<Response, ApiError> {
    let key = format!("overview|{:?}|{:?}", q.mineral, q.stage);
    let st = state.clone();
    state
        .pages
        .get_or_try(&key, move || {
            render_overview(&st, q.mineral.as_deref(), q.stage.as_deref()).map(Bytes::from)
        })
        .map(super::html_response)
}

fn render_overview(state: &AppState, mineral: Option<&str>, stage: Option<&str>) -> Result<String, ApiError> {
    let ds = &state.dataset;
    let mineral = records::mineral(ds, "mineral", mineral.unwrap_or("lithium"))?;
    let query = |stage: Option<&str>| records::SupplyQuery {
        mineral: mineral.id.to_string(),
        stage: stage.map(str::to_owned),
        year: None,
        source: None,
    };
    let series = match critmin_app::supply::select_series(ds, &query(stage)) {
        Ok(s) => s,
        // A stage the mineral lacks: fall back to its default rather than an error page.
        Err(_) => critmin_app::supply::select_series(ds, &query(None)).map_err(records::supply_error)?,
    };
    let doc = critmin_app::supply::series_supply(ds, series).map_err(records::supply_error)?;
    let mut stages: Vec<String> = ds
        .find_series(Some(&mineral.id), None, None, None)
        .map(|s| s.key.stage.to_string())
        .collect();
    stages.sort();
    stages.dedup();
    let basis = basis_label(&doc.total_basis);
    let body = html! {
        h1 { "Who supplies " (mineral.name) ": world map and concentration" }
        section {
            form method="get" action="/" {
                label { "Mineral " select name="mineral" id="mineral" onchange="this.form.submit()" { (mineral_options(ds, mineral.id.as_str())) } }
                label { "Stage " select name="stage" id="stage" onchange="this.form.submit()" {
                    @for s in &stages { option value=(s) selected[*s == doc.stage] { (s) } }
                } }
                button type="submit" { "Show" } " " a href={ "/minerals/" (mineral.id.as_str()) } { "Mineral detail →" }
            }
            div.grid {
                div {
                    h2 id="map-title" data-series={ (doc.mineral) "/" (doc.stage) "/" (doc.year) "/" (doc.source) } {
                        (mineral.name) " — " (doc.stage) " " (doc.year) " (" (doc.source) "): share of the " (basis)
                    }
                    (map(ds, series))
                    (legend(None, Some("Share of total (%):"), &share_legend("withheld", "not listed"), None))
                    p.src {
                        "Unit: " (doc.unit) " (total " (thousands(doc.total)) " " (doc.unit) "). Source: " (doc.source_detail)
                        " [" (doc.files.join(", ")) "]. HHI " (format!("{:.0}", doc.hhi)) "–" (format!("{:.0}", doc.hhi_upper))
                        "; uncovered " (pct(doc.uncovered_share)) "."
                    }
                }
                div {
                    h2 { "Suppliers" }
                    table id="suppliers" {
                        thead { tr { th.n { "#" } th { "Country" } th.n { "Value" } th.n { "Share" } } }
                        tbody {
                            @for r in doc.shares.iter().filter(|r| r.rank.is_some()).take(12) {
                                tr data-country=(r.country) data-share=(r.share.unwrap_or(0.0)) {
                                    td.n { (r.rank.unwrap_or(0)) }
                                    td { (r.country_name) }
                                    td.n { (r.value.map_or_else(String::new, thousands)) }
                                    td class="n share" { (r.share.map_or_else(String::new, pct)) }
                                }
                            }
                        }
                    }
                    p.src {
                        "Value in " (doc.unit) "; share of the " (basis) ". Same figures: "
                        a href={ "/api/v1/supply?mineral=" (doc.mineral) "&stage=" (doc.stage) "&year=" (doc.year) "&source=" (doc.source) } { "API" } "."
                    }
                }
            }
        }
        (heat_section(heat_table(state)))
    };
    Ok(page(&format!("{} supply", mineral.name), body))
}

/// The world map of one series' shares, coloured server-side.
fn map(ds: &Dataset, series: &Series) -> Markup {
    let shares = SupplyShares::from_series(series).ok();
    worldmap::world_map(Some("map"), MapLabel::Text("World map of supply shares"), |shape| {
        let code: Option<CountryCode> = shape.code.parse().ok();
        let share = code.and_then(|c| shares.as_ref().and_then(|sh| sh.share_of(c)));
        let withheld = code.is_some_and(|c| shares.as_ref().is_some_and(|sh| sh.missing.contains(&c)));
        let (fill, label) = match (share, withheld) {
            (Some(v), _) => (share_colour(v), pct(v)),
            (None, true) => (WITHHELD, "withheld".to_owned()),
            (None, false) => (NO_DATA, "not listed".to_owned()),
        };
        let name = code.and_then(|c| ds.country(c)).map_or(shape.name, |c| c.name.as_str());
        CountryFill {
            fill,
            title: format!("{name}: {label}"),
            value: None,
        }
    })
}

fn heat_section(table: &HeatTable) -> Markup {
    let sources: Vec<&str> = table
        .sources
        .iter()
        .map(|s| s.citation.as_str())
        .chain([worldmap::CITATION])
        .collect();
    html! {
        section {
            h2 { "Concentration by mineral and stage (HHI, 0–10,000)" }
            div.scroll { table.heat id="heat" {
                thead { tr { th { "Mineral" } th { "Reserves" } th { "Mining" } th { "Processing" } } }
                tbody {
                    @for row in &table.heat {
                        tr {
                            td { a href={ "/minerals/" (row.mineral) } { (row.name) } }
                            @for cell in &row.cells {
                                @match cell {
                                    None => td.c { "–" },
                                    Some(c) => {
                                        @let (colour, dark) = hhi_colour(c.hhi);
                                        @let top = c.top.as_ref().map_or_else(String::new, |(code, share)| format!("{code} {}", pct(*share)));
                                        td class={ "c" @if dark { " dark" } } style={ "background:" (colour) } data-series=(c.series_id) data-hhi=(c.hhi)
                                            title={ (c.label) " · top " (top) " · top-3 " (pct(c.top3)) " · FEOC " (pct(c.feoc)) } {
                                            a href={ "/?mineral=" (row.mineral) "&stage=" (c.series_id.split('/').nth(1).unwrap_or("")) } {
                                                b.hhi { (format!("{:.0}", c.hhi)) } br; small { (top) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            } }
            (legend(None, Some("HHI (lower bound):"), &hhi_legend(), None))
            p.src {
                "HHI = Σ share² × 10,000 over named suppliers (residual left out: a lower bound). DOJ/FTC bands: below 1,500 unconcentrated, 1,500–2,500 moderately, above 2,500 highly concentrated. Each cell shows the largest supplier. Sources: "
                (sources.join("; ")) ". Same figures: " a href="/api/v1/concentration" { "API" } "."
            }
        }
    }
}
