//! The exposure page (`/exposure/{country}`): each mineral's import reliance and, per stage,
//! the concentration of world supply and the domestic, partner and FEOC shares.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use critmin_html::chart::stacked_bar;
use critmin_html::format::pct;
use critmin_html::palette::{DOMESTIC, FEOC, PARTNER, REST};
use critmin_html::{Swatch, html, legend};
use critmin_model::CountryCode;
use serde::Deserialize;

use super::page;
use crate::AppState;
use crate::error::ApiError;
use crate::records;

/// The exposure page's route.
pub fn routes() -> Router<AppState> {
    Router::new().route("/exposure/{country}", get(exposure_page))
}

/// Partner definition of the exposure page.
#[derive(Debug, Deserialize)]
pub struct ExposurePageQuery {
    partners: Option<String>,
}

async fn exposure_page(
    State(state): State<AppState>,
    Path(country): Path<String>,
    Query(q): Query<ExposurePageQuery>,
) -> Result<Response, ApiError> {
    let key = format!("exposure|{}|{:?}", country.to_ascii_uppercase(), q.partners);
    let st = state.clone();
    state
        .pages
        .get_or_try(&key, move || {
            render_exposure(&st, &country, q.partners.as_deref().unwrap_or("msp")).map(Bytes::from)
        })
        .map(super::html_response)
}

/// `text` as one query-string value.
fn url_encoded(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

fn render_exposure(state: &AppState, country: &str, partners_text: &str) -> Result<String, ApiError> {
    let ds = &state.dataset;
    let query = records::ExposureQuery {
        country: country.to_owned(),
        partners: partners_text.to_owned(),
    };
    let doc = critmin_app::exposure::exposure(ds, &query).map_err(records::field_error)?;
    // The document names the country it resolved; read it back rather than resolve it twice.
    let code: CountryCode = doc.country.parse().map_err(|_| ApiError::internal(&doc.country))?;
    // India and the US first, then every other country with import-reliance data.
    let mut choices = vec![CountryCode::INDIA, CountryCode::USA];
    for r in &ds.import_reliance {
        if !choices.contains(&r.country) {
            choices.push(r.country);
        }
    }
    if !choices.contains(&code) {
        choices.push(code);
    }
    let name_of = |c: &CountryCode| ds.country(*c).map_or_else(|| c.to_string(), |x| x.name.clone());
    let cell = |v: Option<f64>| v.map_or_else(|| "–".to_owned(), pct);
    let body = html! {
        h1 { "Exposure of " (doc.country_name) " (" (doc.country) ")" }
        section {
            form method="get" onsubmit="location.href='/exposure/'+encodeURIComponent(this.c.value)+'?partners='+encodeURIComponent(this.partners.value);return false" {
                label { "Country " select name="c" id="country" onchange="this.form.requestSubmit()" {
                    @for c in &choices { option value=(c) selected[*c == code] { (name_of(c)) } }
                } }
                label { "Partners " input name="partners" value=(partners_text) size="14"; }
                button type="submit" { "Show" }
            }
            (legend(None, Some("Share of world supply at the stage:"), &[
                Swatch::new(DOMESTIC, "domestic"),
                Swatch::new(PARTNER, format!("partners ({partners_text})")),
                Swatch::new(FEOC, "FEOC-covered"),
                Swatch::new(REST, "other / unattributed"),
            ], None))
            div.scroll { table id="exposure" {
                thead { tr {
                    th { "Mineral" } th.n { "Import reliance" } th { "Stage" } th.n { "HHI" } th { "Top supplier" }
                    th.n { "Domestic" } th.n { "Partners" } th.n { "FEOC" } th { "Split (0–100% of world supply)" }
                } }
                tbody {
                    @for r in &doc.records {
                        @let reliance = match (r.import_reliance_pct, &r.import_reliance_qualifier) {
                            (Some(v), Some(q)) => format!("{q}{v:.0}%"),
                            (Some(v), None) => format!("{v:.0}%"),
                            (None, Some(q)) => q.clone(),
                            (None, None) => "–".to_owned(),
                        };
                        tr data-mineral=(r.mineral) data-stage=(r.stage.as_deref().unwrap_or(""))
                            data-feoc=(r.feoc_share.map_or_else(String::new, |v| v.to_string()))
                            data-partner=(r.partner_share.map_or_else(String::new, |v| v.to_string()))
                            data-hhi=(r.hhi.map_or_else(String::new, |v| v.to_string())) {
                            td { (r.mineral_name) }
                            td.n { (reliance) }
                            td {
                                @match (&r.stage, r.year, &r.source) {
                                    (Some(s), Some(y), Some(src)) => { (s) " " (y) " · " (src) }
                                    _ => { "no supply series" }
                                }
                            }
                            td.n { (r.hhi.map_or_else(|| "–".to_owned(), |v| format!("{v:.0}"))) }
                            td { @if let (Some(c), Some(s)) = (&r.top_country, r.top_share) { (c) " " (pct(s)) } }
                            td.n { (cell(r.domestic_share)) }
                            td class="n partner" { (cell(r.partner_share)) }
                            td class="n feoc" { (cell(r.feoc_share)) }
                            td {
                                @if let (Some(d), Some(p), Some(f)) = (r.domestic_share, r.partner_share, r.feoc_share) {
                                    (stacked_bar(&[(d, DOMESTIC), (p, PARTNER), (f, FEOC), ((1.0 - d - p - f).max(0.0), REST)], 200.0, 12.0))
                                }
                            }
                        }
                    }
                }
            } }
            p.src {
                "Import reliance: USGS MCS 2025 net import reliance for the US (percent of apparent consumption); for other countries the reliance figures in import_reliance.csv (see data/SOURCES.md). Stage shares: the production series named in each row. HHI on 0–10,000 (lower bound). Same figures: "
                a href={ "/api/v1/exposure/" (doc.country) "?partners=" (url_encoded(partners_text)) } { "API" } "."
            }
        }
    };
    Ok(page(&format!("Exposure of {}", doc.country_name), body))
}
