//! The dashboard: server-rendered HTML pages with inline SVG charts and inline CSS, so the
//! page needs nothing but this server and paints on arrival. The only script is the
//! pickers' `onchange` submit; without it, the "Show" button does the same.
//!
//! Every number shown comes from the same functions as the API ([`crate::records`]), and
//! carries the raw value in a `data-*` attribute, so the browser test can check the page
//! against the API. Every chart states its unit, has a legend and names its source.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use critmin_metrics::SupplyShares;
use critmin_model::{ChainStage, CountryCode, Dataset, Group, Mineral, Series};
use critmin_report::{Report, ReportOptions, build_report, worldmap};
use serde::Deserialize;
use std::fmt::Write;

use crate::AppState;
use crate::error::ApiError;
use crate::records;

/// Share bins of the map (lower edges) and their colours (sequential blues).
const SHARE_BINS: [f64; 6] = [0.0, 0.01, 0.05, 0.10, 0.25, 0.50];
const SHARE_COLOURS: [&str; 6] = ["#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];
const NO_DATA: &str = "#ececec";
const WITHHELD: &str = "#bdbdbd";
/// HHI classes (lower edges; the DOJ/FTC thresholds 1,500 and 2,500 are edges) and colours.
const HHI_EDGES: [f64; 6] = [0.0, 1000.0, 1500.0, 2500.0, 5000.0, 7500.0];
const HHI_COLOURS: [&str; 6] = ["#edf8e9", "#c7e9c0", "#fee391", "#fdae6b", "#f16913", "#a63603"];
const FEOC_COLOUR: &str = "#c0392b";
const OTHER_COLOUR: &str = "#3182bd";
const PARTNER_COLOUR: &str = "#31a354";
const DOMESTIC_COLOUR: &str = "#756bb1";
const REST_COLOUR: &str = "#bdbdbd";

const CSS: &str = r#"
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#16324f;color:#fff;padding:10px 20px;display:flex;gap:20px;align-items:baseline;flex-wrap:wrap}
header a{color:#cfe3ff;text-decoration:none}header a:hover{text-decoration:underline}
header strong{font-size:18px;margin-right:12px}
main{padding:16px 20px;max-width:1280px}
section{background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px 16px;margin:0 0 16px}
h1{font-size:20px;margin:4px 0 12px}h2{font-size:16px;margin:4px 0 8px}
table{border-collapse:collapse;font-size:13px}td,th{padding:3px 8px;border-bottom:1px solid #eee;text-align:left}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.heat td.c{text-align:center;min-width:110px}.heat td.c a{color:inherit;text-decoration:none}.dark{color:#fff}
.legend{display:flex;gap:10px;flex-wrap:wrap;font-size:12px;margin:6px 0}.legend span{display:inline-flex;align-items:center;gap:4px}
.sw{display:inline-block;width:14px;height:14px;border:1px solid #999}
.src{font-size:12px;color:#555;margin-top:6px}
form{display:flex;gap:10px;align-items:center;flex-wrap:wrap;margin-bottom:8px}
.grid{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:16px}
svg{max-width:100%;height:auto}
"#;

/// Dashboard routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(overview))
        .route("/minerals/{id}", get(mineral_page))
        .route("/exposure", get(|| async { Redirect::to("/exposure/IND") }))
        .route("/exposure/{country}", get(exposure_page))
}

pub(crate) fn html(bytes: Bytes) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], bytes).into_response()
}

/// The report (heat table and sources), built on first use.
fn report(state: &AppState) -> &Report {
    state
        .report
        .get_or_init(|| build_report(&state.dataset, &ReportOptions::default()))
}

/// Escapes text for HTML content and attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A share as shown: one decimal percent (the browser test compares with this rounding).
pub fn pct(f: f64) -> String {
    format!("{:.1}%", f * 100.0)
}

fn share_colour(share: f64) -> &'static str {
    SHARE_COLOURS[SHARE_BINS.iter().rposition(|&e| share >= e).unwrap_or(0)]
}

fn hhi_colour(hhi: f64) -> (&'static str, bool) {
    let i = HHI_EDGES.iter().rposition(|&e| hhi >= e).unwrap_or(0);
    (HHI_COLOURS[i], i >= 4)
}

pub(crate) fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{} · critmin</title><link rel=\"icon\" href=\"data:,\"><style>{CSS}</style></head><body><header><strong>critmin</strong>\
         <a href=\"/\">Overview</a><a href=\"/minerals/lithium\">Mineral detail</a><a href=\"/exposure/IND\">Exposure: India</a>\
         <a href=\"/exposure/USA\">Exposure: United States</a><a href=\"/scenarios\">Scenarios</a><a href=\"/outlook\">Outlook</a><a href=\"/ledger\">Ledger</a><a href=\"/api/v1/openapi.json\">API (OpenAPI)</a></header>\
         <main>{body}</main></body></html>",
        esc(title)
    )
}

pub(crate) fn mineral_options(ds: &Dataset, selected: &str) -> String {
    ds.minerals
        .iter()
        .map(|m| {
            format!(
                "<option value=\"{}\"{}>{}</option>",
                esc(m.id.as_str()),
                if m.id.as_str() == selected { " selected" } else { "" },
                esc(&m.name)
            )
        })
        .collect()
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
        .map(html)
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
    let mut b = String::new();
    let _ = write!(
        b,
        "<h1>Who supplies {}: world map and concentration</h1><section><form method=\"get\" action=\"/\">\
         <label>Mineral <select name=\"mineral\" id=\"mineral\" onchange=\"this.form.submit()\">{}</select></label>\
         <label>Stage <select name=\"stage\" id=\"stage\" onchange=\"this.form.submit()\">{}</select></label>\
         <button type=\"submit\">Show</button> <a href=\"/minerals/{}\">Mineral detail →</a></form>",
        esc(&mineral.name),
        mineral_options(ds, mineral.id.as_str()),
        stages
            .iter()
            .map(|s| format!(
                "<option value=\"{0}\"{1}>{0}</option>",
                esc(s),
                if *s == doc.stage { " selected" } else { "" }
            ))
            .collect::<String>(),
        esc(mineral.id.as_str())
    );
    let _ = write!(
        b,
        "<div class=\"grid\"><div><h2 id=\"map-title\" data-series=\"{}/{}/{}/{}\">{} — {} {} ({}): share of the {}</h2>",
        esc(&doc.mineral),
        esc(&doc.stage),
        doc.year,
        esc(&doc.source),
        esc(&mineral.name),
        esc(&doc.stage),
        doc.year,
        esc(&doc.source),
        esc(basis_label(&doc.total_basis))
    );
    b.push_str(&map_svg(ds, series));
    b.push_str("<div class=\"legend\"><span>Share of total (%):</span>");
    for (i, edge) in SHARE_BINS.iter().enumerate() {
        let label = match SHARE_BINS.get(i + 1) {
            Some(next) => format!("{}–{}%", edge * 100.0, next * 100.0),
            None => format!("≥{}%", edge * 100.0),
        };
        let _ = write!(
            b,
            "<span><i class=\"sw\" style=\"background:{}\"></i>{label}</span>",
            SHARE_COLOURS[i]
        );
    }
    let _ = write!(
        b,
        "<span><i class=\"sw\" style=\"background:{WITHHELD}\"></i>withheld</span><span><i class=\"sw\" style=\"background:{NO_DATA}\"></i>not listed</span></div>"
    );
    let _ = write!(
        b,
        "<p class=\"src\">Unit: {} (total {} {}). Source: {} [{}]. HHI {:.0}–{:.0}; uncovered {}.</p></div>",
        esc(&doc.unit),
        thousands(doc.total),
        esc(&doc.unit),
        esc(&doc.source_detail),
        esc(&doc.files.join(", ")),
        doc.hhi,
        doc.hhi_upper,
        pct(doc.uncovered_share)
    );
    b.push_str(
        "<div><h2>Suppliers</h2><table id=\"suppliers\"><thead><tr><th class=\"n\">#</th><th>Country</th>\
         <th class=\"n\">Value</th><th class=\"n\">Share</th></tr></thead><tbody>",
    );
    for r in doc.shares.iter().filter(|r| r.rank.is_some()).take(12) {
        let _ = write!(
            b,
            "<tr data-country=\"{}\" data-share=\"{}\"><td class=\"n\">{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n share\">{}</td></tr>",
            esc(&r.country),
            r.share.unwrap_or(0.0),
            r.rank.unwrap_or(0),
            esc(&r.country_name),
            r.value.map_or_else(String::new, thousands),
            r.share.map_or_else(String::new, pct)
        );
    }
    let _ = write!(
        b,
        "</tbody></table><p class=\"src\">Value in {}; share of the {}. Same figures: <a href=\"/api/v1/supply?mineral={}&amp;stage={}&amp;year={}&amp;source={}\">API</a>.</p></div></div></section>",
        esc(&doc.unit),
        esc(basis_label(&doc.total_basis)),
        esc(&doc.mineral),
        esc(&doc.stage),
        doc.year,
        esc(&doc.source)
    );
    b.push_str(&heat_table(report(state)));
    Ok(page(&format!("{} supply", mineral.name), &b))
}

/// What the shares are of, for people.
fn basis_label(id: &str) -> &str {
    match id {
        "published-world" => "published world total",
        "sum-of-rows" => "sum of the country rows",
        other => other,
    }
}

/// A country name short enough for a chart label.
fn short_name(name: &str, code: &str) -> String {
    if name.chars().count() > 18 {
        code.to_owned()
    } else {
        name.to_owned()
    }
}

pub(crate) fn thousands(v: f64) -> String {
    let decimals = if v.abs() >= 100.0 {
        0
    } else if v.abs() >= 1.0 {
        1
    } else {
        3
    };
    let text = format!("{v:.decimals$}");
    let (int, frac) = text
        .split_once('.')
        .map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// The world map of one series' shares, coloured server-side.
fn map_svg(ds: &Dataset, series: &Series) -> String {
    let shares = SupplyShares::from_series(series).ok();
    let (w, h) = worldmap::VIEW_BOX;
    let mut s = format!(
        "<svg id=\"map\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"World map of supply shares\" xmlns=\"http://www.w3.org/2000/svg\">"
    );
    // Globe and graticule first (their codes sort after the countries'), countries on top.
    for shape in worldmap::shapes().filter(|sh| sh.code.starts_with('_')) {
        let _ = match shape.code {
            "_SPHERE" => write!(s, "<path d=\"{}\" fill=\"#f4f8fb\" stroke=\"#ccc\"/>", shape.path),
            _ => write!(
                s,
                "<path d=\"{}\" fill=\"none\" stroke=\"#e3e3e3\" stroke-width=\"0.5\"/>",
                shape.path
            ),
        };
    }
    for shape in worldmap::shapes().filter(|sh| !sh.code.starts_with('_')) {
        let code: Option<CountryCode> = shape.code.parse().ok();
        let share = code.and_then(|c| shares.as_ref().and_then(|sh| sh.share_of(c)));
        let withheld = code.is_some_and(|c| shares.as_ref().is_some_and(|sh| sh.missing.contains(&c)));
        let (fill, label) = match (share, withheld) {
            (Some(v), _) => (share_colour(v), pct(v)),
            (None, true) => (WITHHELD, "withheld".to_owned()),
            (None, false) => (NO_DATA, "not listed".to_owned()),
        };
        let name = code.and_then(|c| ds.country(c)).map_or(shape.name, |c| c.name.as_str());
        let _ = write!(
            s,
            "<path d=\"{}\" fill=\"{fill}\" stroke=\"#fff\" stroke-width=\"0.4\" data-code=\"{}\"><title>{}: {label}</title></path>",
            shape.path,
            shape.code,
            esc(name)
        );
    }
    s.push_str("</svg>");
    s
}

fn heat_table(report: &Report) -> String {
    let mut b = String::from(
        "<section><h2>Concentration by mineral and stage (HHI, 0–10,000)</h2><table class=\"heat\" id=\"heat\"><thead><tr><th>Mineral</th>\
         <th>Reserves</th><th>Mining</th><th>Processing</th></tr></thead><tbody>",
    );
    for row in &report.heat {
        let _ = write!(
            b,
            "<tr><td><a href=\"/minerals/{}\">{}</a></td>",
            esc(&row.mineral),
            esc(&row.name)
        );
        for cell in &row.cells {
            match cell {
                None => b.push_str("<td class=\"c\">–</td>"),
                Some(c) => {
                    let (colour, dark) = hhi_colour(c.hhi);
                    let top = c
                        .top
                        .as_ref()
                        .map_or_else(String::new, |(code, share)| format!("{code} {}", pct(*share)));
                    let _ = write!(
                        b,
                        "<td class=\"c{}\" style=\"background:{colour}\" data-series=\"{}\" data-hhi=\"{}\" title=\"{} · top {} · top-3 {} · FEOC {}\"><a href=\"/?mineral={}&amp;stage={}\"><b class=\"hhi\">{:.0}</b><br><small>{}</small></a></td>",
                        if dark { " dark" } else { "" },
                        esc(&c.series_id),
                        c.hhi,
                        esc(&c.label),
                        esc(&top),
                        pct(c.top3),
                        pct(c.feoc),
                        esc(&row.mineral),
                        esc(c.series_id.split('/').nth(1).unwrap_or("")),
                        c.hhi,
                        esc(&top)
                    );
                }
            }
        }
        b.push_str("</tr>");
    }
    b.push_str("</tbody></table><div class=\"legend\"><span>HHI (lower bound):</span>");
    for (i, edge) in HHI_EDGES.iter().enumerate() {
        let label = match HHI_EDGES.get(i + 1) {
            Some(next) => format!("{edge:.0}–{next:.0}"),
            None => format!("≥{edge:.0}"),
        };
        let _ = write!(
            b,
            "<span><i class=\"sw\" style=\"background:{}\"></i>{label}</span>",
            HHI_COLOURS[i]
        );
    }
    b.push_str(
        "</div><p class=\"src\">HHI = Σ share² × 10,000 over named suppliers (residual left out: a lower bound). \
         DOJ/FTC bands: below 1,500 unconcentrated, 1,500–2,500 moderately, above 2,500 highly concentrated. \
         Each cell shows the largest supplier. Sources: ",
    );
    let sources: Vec<String> = report.sources.iter().map(|s| esc(&s.citation)).collect();
    b.push_str(&sources.join("; "));
    b.push_str(". Same figures: <a href=\"/api/v1/concentration\">API</a>.</p></section>");
    b
}

async fn mineral_page(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let key = format!("mineral|{id}");
    let st = state.clone();
    state
        .pages
        .get_or_try(&key, move || render_mineral(&st, &id).map(Bytes::from))
        .map(html)
}

fn chain_stage(ds: &Dataset, s: &Series) -> Option<ChainStage> {
    ds.stage(&s.key.stage).map(|st| st.chain_stage)
}

fn render_mineral(state: &AppState, id: &str) -> Result<String, ApiError> {
    let ds = &state.dataset;
    let mineral = records::mineral(ds, "id", id)?;
    let mut b = format!(
        "<h1>{} ({}): shares by stage</h1><section><form method=\"get\" onsubmit=\"location.href='/minerals/'+this.m.value;return false\">\
         <label>Mineral <select name=\"m\" id=\"mineral\" onchange=\"location.href='/minerals/'+this.value\">{}</select></label>\
         <button type=\"submit\">Show</button> <a href=\"/?mineral={}\">On the map →</a></form>\
         <p class=\"src\">Critical lists: {}.</p></section>",
        esc(&mineral.name),
        esc(&mineral.element),
        mineral_options(ds, mineral.id.as_str()),
        esc(mineral.id.as_str()),
        esc(&mineral.critical_lists.join(", "))
    );
    let series: Vec<&Series> = ds.find_series(Some(&mineral.id), None, None, None).collect();
    b.push_str(&sankey_section(ds, mineral, &series));
    b.push_str("<section><h2>Shares by stage</h2>");
    let _ = write!(
        b,
        "<div class=\"legend\"><span><i class=\"sw\" style=\"background:{FEOC_COLOUR}\"></i>FEOC-covered (CHN, RUS, PRK, IRN)</span>\
         <span><i class=\"sw\" style=\"background:{OTHER_COLOUR}\"></i>other named suppliers</span>\
         <span><i class=\"sw\" style=\"background:{REST_COLOUR}\"></i>rest (smaller suppliers, residual, uncovered)</span></div>"
    );
    for s in &series {
        let Ok(doc) = critmin_app::supply::series_supply(ds, s) else {
            continue;
        };
        b.push_str(&stage_bars(ds, &doc));
    }
    b.push_str("</section>");
    Ok(page(&mineral.name, &b))
}

/// Horizontal bars of one series' top suppliers.
fn stage_bars(ds: &Dataset, doc: &records::SupplyDocument) -> String {
    let top: Vec<&records::ShareRecord> = doc.shares.iter().filter(|r| r.rank.is_some()).take(6).collect();
    let shown: f64 = top.iter().filter_map(|r| r.share).sum();
    let rest = (1.0 - shown).max(0.0);
    let bar_h = 18;
    let height = (top.len() + 1) * (bar_h + 4) + 24;
    let id = format!("{}/{}/{}/{}", doc.mineral, doc.stage, doc.year, doc.source);
    let mut s = format!(
        "<div class=\"stage\" data-series=\"{}\"><h3 style=\"font-size:14px;margin:10px 0 2px\">{} {} — {} ({}; share of the {})</h3>\
         <svg viewBox=\"0 0 640 {height}\" width=\"640\" role=\"img\" aria-label=\"Top suppliers\" xmlns=\"http://www.w3.org/2000/svg\">",
        esc(&id),
        esc(&doc.stage),
        doc.year,
        esc(&doc.source),
        esc(&doc.unit),
        esc(basis_label(&doc.total_basis))
    );
    let scale = 420.0;
    let mut y = 4;
    let mut row = |s: &mut String, label: &str, share: f64, colour: &str, code: &str| {
        let _ = write!(
            s,
            "<text x=\"150\" y=\"{}\" text-anchor=\"end\" font-size=\"12\">{}</text><rect x=\"156\" y=\"{y}\" width=\"{:.1}\" height=\"{bar_h}\" fill=\"{colour}\"/>\
             <text class=\"bar-share\" data-country=\"{}\" data-share=\"{share}\" x=\"{:.1}\" y=\"{}\" font-size=\"12\">{}</text>",
            y + 13,
            esc(label),
            share * scale,
            esc(code),
            160.0 + share * scale,
            y + 13,
            pct(share)
        );
        y += bar_h + 4;
    };
    for r in &top {
        let code: Option<CountryCode> = r.country.parse().ok();
        let feoc = code.is_some_and(|c| ds.in_group(c, Group::Feoc));
        row(
            &mut s,
            &short_name(&r.country_name, &r.country),
            r.share.unwrap_or(0.0),
            if feoc { FEOC_COLOUR } else { OTHER_COLOUR },
            &r.country,
        );
    }
    row(&mut s, "rest", rest, REST_COLOUR, "REST");
    let _ = write!(
        s,
        "<text x=\"156\" y=\"{}\" font-size=\"11\" fill=\"#555\">0%</text><text x=\"{:.0}\" y=\"{}\" font-size=\"11\" fill=\"#555\" text-anchor=\"end\">100% of the {}</text></svg>\
         <p class=\"src\">Source: {} [{}].</p></div>",
        y + 14,
        156.0 + scale,
        y + 14,
        esc(basis_label(&doc.total_basis)),
        esc(&doc.source_detail),
        esc(&doc.files.join(", "))
    );
    s
}

/// Mine → refining Sankey: mining countries on the left, refining countries on the right,
/// both as shares of their stage's world total. The data has no country-to-country flows, so
/// the links meet at the world total in the middle.
fn sankey_section(ds: &Dataset, mineral: &Mineral, series: &[&Series]) -> String {
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
        return format!(
            "<section><h2>Mine → refining</h2><p>No mining and processing series for {} in the data.</p></section>",
            esc(&mineral.name)
        );
    };
    let (Ok(mine), Ok(refine)) = (
        critmin_app::supply::series_supply(ds, mining),
        critmin_app::supply::series_supply(ds, processing),
    ) else {
        return String::new();
    };
    let (w, h) = (900.0, 360.0);
    let mut s = format!(
        "<section id=\"sankey\"><h2>Mine → refining by country: {} (% of each stage's world total)</h2>\
         <svg viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"Sankey of mining and refining shares\" xmlns=\"http://www.w3.org/2000/svg\">",
        esc(&mineral.name)
    );
    let nodes = |doc: &records::SupplyDocument| {
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
    };
    let (left, right) = (nodes(&mine), nodes(&refine));
    let gap = 6.0;
    let usable = h - 40.0 - gap * 5.0;
    let colour = |code: &str| {
        let c: Option<CountryCode> = code.parse().ok();
        if c.is_some_and(|c| ds.in_group(c, Group::Feoc)) {
            FEOC_COLOUR
        } else if code == "REST" {
            REST_COLOUR
        } else {
            OTHER_COLOUR
        }
    };
    let mid_x = w / 2.0 - 10.0;
    let mut mid_y = 20.0;
    let mut draw_side = |s: &mut String, side: &[(String, String, f64)], x: f64, anchor_left: bool, stage: &str| {
        let mut y = 20.0;
        for (code, name, share) in side {
            let hgt = share * usable;
            let (x0, x1) = if anchor_left {
                (x + 14.0, mid_x)
            } else {
                (mid_x + 20.0, x)
            };
            let (ya, yb) = if anchor_left { (y, mid_y) } else { (mid_y, y) };
            let _ = write!(
                s,
                "<path d=\"M{x0:.1},{:.1} C{:.1},{:.1} {:.1},{:.1} {x1:.1},{:.1} L{x1:.1},{:.1} C{:.1},{:.1} {:.1},{:.1} {x0:.1},{:.1} Z\" fill=\"{}\" opacity=\"0.35\"/>",
                ya,
                (x0 + x1) / 2.0,
                ya,
                (x0 + x1) / 2.0,
                yb,
                yb,
                yb + hgt,
                (x0 + x1) / 2.0,
                yb + hgt,
                (x0 + x1) / 2.0,
                ya + hgt,
                ya + hgt,
                colour(code)
            );
            let _ = write!(
                s,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"14\" height=\"{:.1}\" fill=\"{}\"/><text class=\"node\" data-stage=\"{stage}\" data-country=\"{}\" data-share=\"{share}\" x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"{}\">{} {}</text>",
                hgt.max(1.0),
                colour(code),
                esc(code),
                if anchor_left { x - 4.0 } else { x + 18.0 },
                y + hgt / 2.0 + 4.0,
                if anchor_left { "end" } else { "start" },
                esc(name),
                pct(*share)
            );
            y += hgt + gap;
            mid_y += hgt;
        }
        mid_y = 20.0;
    };
    draw_side(&mut s, &left, 180.0, true, "mining");
    draw_side(&mut s, &right, w - 194.0, false, "processing");
    let _ = write!(
        s,
        "<rect x=\"{mid_x:.1}\" y=\"20\" width=\"20\" height=\"{usable:.1}\" fill=\"#555\"/><text x=\"{:.1}\" y=\"14\" font-size=\"12\" text-anchor=\"middle\">world total</text>\
         <text x=\"90\" y=\"14\" font-size=\"12\" text-anchor=\"middle\">mining: {} {}</text><text x=\"{:.1}\" y=\"14\" font-size=\"12\" text-anchor=\"middle\">refining: {} {}</text></svg>",
        mid_x + 10.0,
        esc(&mine.stage),
        mine.year,
        w - 110.0,
        esc(&refine.stage),
        refine.year
    );
    let _ = write!(
        s,
        "<div class=\"legend\"><span><i class=\"sw\" style=\"background:{FEOC_COLOUR}\"></i>FEOC-covered</span><span><i class=\"sw\" style=\"background:{OTHER_COLOUR}\"></i>other top-5 suppliers</span>\
         <span><i class=\"sw\" style=\"background:{REST_COLOUR}\"></i>rest of world</span></div>\
         <p class=\"src\">Band height = share of the stage's world total (mining in {}, refining in {}). The sources publish \
         production by country, not country-to-country flows, so the bands meet at the world total. Sources: {} [{}]; {} [{}].</p></section>",
        esc(&mine.unit),
        esc(&refine.unit),
        esc(&mine.source_detail),
        esc(&mine.files.join(", ")),
        esc(&refine.source_detail),
        esc(&refine.files.join(", "))
    );
    s
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
        .map(html)
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
    let options: String = choices
        .iter()
        .map(|c| {
            let name = ds.country(*c).map_or_else(|| c.to_string(), |x| x.name.clone());
            format!(
                "<option value=\"{c}\"{}>{}</option>",
                if *c == code { " selected" } else { "" },
                esc(&name)
            )
        })
        .collect();
    let mut b = format!(
        "<h1>Exposure of {} ({})</h1><section><form method=\"get\" onsubmit=\"location.href='/exposure/'+this.c.value+'?partners='+encodeURIComponent(this.partners.value);return false\">\
         <label>Country <select name=\"c\" id=\"country\" onchange=\"this.form.requestSubmit()\">{options}</select></label>\
         <label>Partners <input name=\"partners\" value=\"{}\" size=\"14\"></label><button type=\"submit\">Show</button></form>",
        esc(&doc.country_name),
        esc(&doc.country),
        esc(partners_text)
    );
    let _ = write!(
        b,
        "<div class=\"legend\"><span>Share of world supply at the stage:</span><span><i class=\"sw\" style=\"background:{DOMESTIC_COLOUR}\"></i>domestic</span>\
         <span><i class=\"sw\" style=\"background:{PARTNER_COLOUR}\"></i>partners ({})</span><span><i class=\"sw\" style=\"background:{FEOC_COLOUR}\"></i>FEOC-covered</span>\
         <span><i class=\"sw\" style=\"background:{REST_COLOUR}\"></i>other / unattributed</span></div>",
        esc(partners_text)
    );
    b.push_str(
        "<table id=\"exposure\"><thead><tr><th>Mineral</th><th class=\"n\">Import reliance</th><th>Stage</th><th class=\"n\">HHI</th>\
         <th>Top supplier</th><th class=\"n\">Domestic</th><th class=\"n\">Partners</th><th class=\"n\">FEOC</th><th>Split (0–100% of world supply)</th></tr></thead><tbody>",
    );
    for r in &doc.records {
        let reliance = match (r.import_reliance_pct, &r.import_reliance_qualifier) {
            (Some(v), Some(q)) => format!("{q}{v:.0}%"),
            (Some(v), None) => format!("{v:.0}%"),
            (None, Some(q)) => q.clone(),
            (None, None) => "–".to_owned(),
        };
        let cell = |v: Option<f64>| v.map_or_else(|| "–".to_owned(), pct);
        let split = match (r.domestic_share, r.partner_share, r.feoc_share) {
            (Some(d), Some(p), Some(f)) => {
                let other = (1.0 - d - p - f).max(0.0);
                let mut x = 0.0;
                let mut svg = String::from(
                    "<svg viewBox=\"0 0 200 12\" width=\"200\" height=\"12\" xmlns=\"http://www.w3.org/2000/svg\">",
                );
                for (v, c) in [
                    (d, DOMESTIC_COLOUR),
                    (p, PARTNER_COLOUR),
                    (f, FEOC_COLOUR),
                    (other, REST_COLOUR),
                ] {
                    let _ = write!(
                        svg,
                        "<rect x=\"{:.1}\" y=\"0\" width=\"{:.1}\" height=\"12\" fill=\"{c}\"/>",
                        x * 200.0,
                        v * 200.0
                    );
                    x += v;
                }
                svg.push_str("</svg>");
                svg
            }
            _ => String::new(),
        };
        let _ = write!(
            b,
            "<tr data-mineral=\"{}\" data-stage=\"{}\" data-feoc=\"{}\" data-partner=\"{}\" data-hhi=\"{}\"><td>{}</td><td class=\"n\">{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td>\
             <td class=\"n\">{}</td><td class=\"n partner\">{}</td><td class=\"n feoc\">{}</td><td>{split}</td></tr>",
            esc(&r.mineral),
            esc(r.stage.as_deref().unwrap_or("")),
            r.feoc_share.map_or_else(String::new, |v| v.to_string()),
            r.partner_share.map_or_else(String::new, |v| v.to_string()),
            r.hhi.map_or_else(String::new, |v| v.to_string()),
            esc(&r.mineral_name),
            esc(&reliance),
            esc(&match (&r.stage, r.year, &r.source) {
                (Some(s), Some(y), Some(src)) => format!("{s} {y} · {src}"),
                _ => "no supply series".to_owned(),
            }),
            r.hhi.map_or_else(|| "–".to_owned(), |v| format!("{v:.0}")),
            esc(&match (&r.top_country, r.top_share) {
                (Some(c), Some(s)) => format!("{c} {}", pct(s)),
                _ => String::new(),
            }),
            cell(r.domestic_share),
            cell(r.partner_share),
            cell(r.feoc_share)
        );
    }
    let _ = write!(
        b,
        "</tbody></table><p class=\"src\">Import reliance: USGS MCS 2025 net import reliance for the US (percent of apparent consumption); \
         for other countries the reliance figures in import_reliance.csv (see data/SOURCES.md). Stage shares: the production series named in \
         each row. HHI on 0–10,000 (lower bound). Same figures: <a href=\"/api/v1/exposure/{}?partners={}\">API</a>.</p></section>",
        esc(&doc.country),
        esc(partners_text)
    );
    Ok(page(&format!("Exposure of {}", doc.country_name), &b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_formatted_for_people() {
        assert_eq!(thousands(1_234_567.0), "1,234,567");
        assert_eq!(thousands(12.34), "12.3");
        assert_eq!(thousands(-1500.0), "-1,500");
        assert_eq!(pct(0.4567), "45.7%");
        assert_eq!(esc("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }

    #[test]
    fn colours_follow_the_bins() {
        assert_eq!(share_colour(0.0), SHARE_COLOURS[0]);
        assert_eq!(share_colour(0.6), SHARE_COLOURS[5]);
        assert_eq!(hhi_colour(2000.0), (HHI_COLOURS[2], false));
        assert_eq!(hhi_colour(8000.0), (HHI_COLOURS[5], true));
    }
}
