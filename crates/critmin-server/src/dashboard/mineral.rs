//! The mineral page (`/minerals/{id}`): the mine → refining Sankey and the top suppliers of
//! every series of the mineral as bars.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use critmin_html::chart::{Bar, share_bars};
use critmin_html::format::pct;
use critmin_html::palette::{FEOC, OTHER, REST};
use critmin_html::{Markup, Swatch, html, legend};
use critmin_model::{ChainStage, CountryCode, Dataset, Group, Mineral, Series};

use super::{basis_label, mineral_options, page};
use crate::AppState;
use crate::error::ApiError;
use crate::records;

/// The mineral page's route.
pub fn routes() -> Router<AppState> {
    Router::new().route("/minerals/{id}", get(mineral_page))
}

async fn mineral_page(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let key = format!("mineral|{id}");
    let st = state.clone();
    state
        .pages
        .get_or_try(&key, move || render_mineral(&st, &id).map(Bytes::from))
        .map(super::html_response)
}

fn chain_stage(ds: &Dataset, s: &Series) -> Option<ChainStage> {
    ds.stage(&s.key.stage).map(|st| st.chain_stage)
}

/// A country name short enough for a chart label.
fn short_name(name: &str, code: &str) -> String {
    if name.chars().count() > 18 {
        code.to_owned()
    } else {
        name.to_owned()
    }
}

fn render_mineral(state: &AppState, id: &str) -> Result<String, ApiError> {
    let ds = &state.dataset;
    let mineral = records::mineral(ds, "id", id)?;
    let series: Vec<&Series> = ds.find_series(Some(&mineral.id), None, None, None).collect();
    let body = html! {
        h1 { (mineral.name) " (" (mineral.element) "): shares by stage" }
        section {
            form method="get" onsubmit="location.href='/minerals/'+encodeURIComponent(this.m.value);return false" {
                label { "Mineral " select name="m" id="mineral" onchange="location.href='/minerals/'+encodeURIComponent(this.value)" {
                    (mineral_options(ds, mineral.id.as_str()))
                } }
                button type="submit" { "Show" } " " a href={ "/?mineral=" (mineral.id.as_str()) } { "On the map →" }
            }
            p.src { "Critical lists: " (mineral.critical_lists.join(", ")) "." }
        }
        (sankey_section(ds, mineral, &series))
        section {
            h2 { "Shares by stage" }
            (legend(None, None, &[
                Swatch::new(FEOC, "FEOC-covered (CHN, RUS, PRK, IRN)"),
                Swatch::new(OTHER, "other named suppliers"),
                Swatch::new(REST, "rest (smaller suppliers, residual, uncovered)"),
            ], None))
            @for s in &series {
                @if let Ok(doc) = critmin_app::supply::series_supply(ds, s) { (stage_bars(ds, &doc)) }
            }
        }
    };
    Ok(page(&mineral.name, body))
}

/// Horizontal bars of one series' top suppliers.
fn stage_bars(ds: &Dataset, doc: &records::SupplyDocument) -> Markup {
    let top: Vec<&records::ShareRecord> = doc.shares.iter().filter(|r| r.rank.is_some()).take(6).collect();
    let shown: f64 = top.iter().filter_map(|r| r.share).sum();
    let mut bars: Vec<Bar> = top
        .iter()
        .map(|r| {
            let feoc = r
                .country
                .parse::<CountryCode>()
                .is_ok_and(|c| ds.in_group(c, Group::Feoc));
            Bar {
                label: short_name(&r.country_name, &r.country),
                share: r.share.unwrap_or(0.0),
                colour: if feoc { FEOC } else { OTHER },
                code: r.country.clone(),
            }
        })
        .collect();
    bars.push(Bar {
        label: "rest".into(),
        share: (1.0 - shown).max(0.0),
        colour: REST,
        code: "REST".into(),
    });
    let basis = basis_label(&doc.total_basis);
    html! {
        div.stage data-series={ (doc.mineral) "/" (doc.stage) "/" (doc.year) "/" (doc.source) } {
            h3 style="font-size:14px;margin:10px 0 2px" {
                (doc.stage) " " (doc.year) " — " (doc.source) " (" (doc.unit) "; share of the " (basis) ")"
            }
            (share_bars(&bars, basis))
            p.src { "Source: " (doc.source_detail) " [" (doc.files.join(", ")) "]." }
        }
    }
}

/// One side of the Sankey: the five largest suppliers and the rest, as (code, label, share).
fn sankey_nodes(doc: &records::SupplyDocument) -> Vec<(String, String, f64)> {
    let mut v: Vec<(String, String, f64)> = doc
        .shares
        .iter()
        .filter(|r| r.rank.is_some())
        .take(5)
        .map(|r| {
            (
                r.country.clone(),
                short_name(&r.country_name, &r.country),
                r.share.unwrap_or(0.0),
            )
        })
        .collect();
    let shown: f64 = v.iter().map(|n| n.2).sum();
    v.push(("REST".into(), "rest of world".into(), (1.0 - shown).max(0.0)));
    v
}

/// One drawn band of the Sankey.
struct Band {
    path: String,
    rect: (f64, f64, f64),
    colour: &'static str,
    code: String,
    label: String,
    share: f64,
    text_x: f64,
    text_y: f64,
}

/// Mine → refining Sankey: mining countries on the left, refining countries on the right,
/// both as shares of their stage's world total. The data has no country-to-country flows, so
/// the links meet at the world total in the middle.
fn sankey_section(ds: &Dataset, mineral: &Mineral, series: &[&Series]) -> Markup {
    // Prefer one source for both stages (IEA gives mine and refined), else the API's picks.
    let pick = |stage: ChainStage, source: Option<&str>| {
        series
            .iter()
            .filter(|s| chain_stage(ds, s) == Some(stage) && !ds.stage(&s.key.stage).is_some_and(|st| st.capacity))
            .filter(|s| source.is_none_or(|src| s.key.source.as_str() == src))
            .max_by_key(|s| (s.key.year, s.countries.len()))
            .copied()
    };
    let processing = pick(ChainStage::Processing, None);
    let mining = processing
        .and_then(|p| pick(ChainStage::Mining, Some(p.key.source.as_str())))
        .or_else(|| pick(ChainStage::Mining, None));
    let (Some(mining), Some(processing)) = (mining, processing) else {
        return html! {
            section { h2 { "Mine → refining" } p { "No mining and processing series for " (mineral.name) " in the data." } }
        };
    };
    let (Ok(mine), Ok(refine)) = (
        critmin_app::supply::series_supply(ds, mining),
        critmin_app::supply::series_supply(ds, processing),
    ) else {
        return html! {};
    };
    let (w, h) = (900.0, 360.0);
    let gap = 6.0;
    let usable = h - 40.0 - gap * 5.0;
    let colour = |code: &str| {
        let c: Option<CountryCode> = code.parse().ok();
        if c.is_some_and(|c| ds.in_group(c, Group::Feoc)) {
            FEOC
        } else if code == "REST" {
            REST
        } else {
            OTHER
        }
    };
    let mid_x = w / 2.0 - 10.0;
    let side = |nodes: Vec<(String, String, f64)>, x: f64, anchor_left: bool| -> Vec<Band> {
        let (mut y, mut mid_y) = (20.0, 20.0);
        nodes
            .into_iter()
            .map(|(code, label, share)| {
                let hgt = share * usable;
                let (x0, x1) = if anchor_left { (x + 14.0, mid_x) } else { (mid_x + 20.0, x) };
                let (ya, yb) = if anchor_left { (y, mid_y) } else { (mid_y, y) };
                let cx = (x0 + x1) / 2.0;
                let band = Band {
                    path: format!(
                        "M{x0:.1},{ya:.1} C{cx:.1},{ya:.1} {cx:.1},{yb:.1} {x1:.1},{yb:.1} L{x1:.1},{:.1} C{cx:.1},{:.1} {cx:.1},{:.1} {x0:.1},{:.1} Z",
                        yb + hgt,
                        yb + hgt,
                        ya + hgt,
                        ya + hgt
                    ),
                    rect: (x, y, hgt.max(1.0)),
                    colour: colour(&code),
                    code,
                    label,
                    share,
                    text_x: if anchor_left { x - 4.0 } else { x + 18.0 },
                    text_y: y + hgt / 2.0 + 4.0,
                };
                y += hgt + gap;
                mid_y += hgt;
                band
            })
            .collect()
    };
    let sides = [
        ("mining", "end", side(sankey_nodes(&mine), 180.0, true)),
        ("processing", "start", side(sankey_nodes(&refine), w - 194.0, false)),
    ];
    let f1 = |v: f64| format!("{v:.1}");
    html! {
        section id="sankey" {
            h2 { "Mine → refining by country: " (mineral.name) " (% of each stage's world total)" }
            svg viewBox={ "0 0 " (w) " " (h) } role="img" aria-label="Sankey of mining and refining shares" xmlns="http://www.w3.org/2000/svg" {
                @for (stage, anchor, bands) in &sides {
                    @for b in bands {
                        path d=(b.path) fill=(b.colour) opacity="0.35" {}
                        rect x=(f1(b.rect.0)) y=(f1(b.rect.1)) width="14" height=(f1(b.rect.2)) fill=(b.colour) {}
                        text class="node" data-stage=(stage) data-country=(b.code) data-share=(b.share) x=(f1(b.text_x)) y=(f1(b.text_y))
                            font-size="12" text-anchor=(anchor) { (b.label) " " (pct(b.share)) }
                    }
                }
                rect x=(f1(mid_x)) y="20" width="20" height=(f1(usable)) fill="#555" {}
                text x=(f1(mid_x + 10.0)) y="14" font-size="12" text-anchor="middle" { "world total" }
                text x="90" y="14" font-size="12" text-anchor="middle" { "mining: " (mine.stage) " " (mine.year) }
                text x=(f1(w - 110.0)) y="14" font-size="12" text-anchor="middle" { "refining: " (refine.stage) " " (refine.year) }
            }
            (legend(None, None, &[
                Swatch::new(FEOC, "FEOC-covered"),
                Swatch::new(OTHER, "other top-5 suppliers"),
                Swatch::new(REST, "rest of world"),
            ], None))
            p.src {
                "Band height = share of the stage's world total (mining in " (mine.unit) ", refining in " (refine.unit)
                "). The sources publish production by country, not country-to-country flows, so the bands meet at the world total. Sources: "
                (mine.source_detail) " [" (mine.files.join(", ")) "]; " (refine.source_detail) " [" (refine.files.join(", ")) "]."
            }
        }
    }
}
