//! The dashboard: server-rendered HTML pages with inline SVG charts and inline CSS, so a page
//! needs nothing but this server and paints on arrival. The only script is the pickers'
//! `onchange` submit; without it, the "Show" button does the same.
//!
//! Every page is written with `critmin-html` (maud), which escapes every value it is given;
//! no page builds HTML with `format!`. Every number shown comes from the same functions as the
//! API, and carries the raw value in a `data-*` attribute, so the browser tests can check the
//! page against the API. Every chart states its unit, has a legend and names its source.
//!
//! Pages: [`overview`] (`/`: world map, suppliers, heat table), [`mineral`]
//! (`/minerals/{id}`: Sankey and stage bars), [`exposure`] (`/exposure/{country}`),
//! [`scenarios`] (`/scenarios`), [`outlook`] (`/outlook`) and [`ledger`] (`/ledger`).

pub mod exposure;
pub mod ledger;
pub mod mineral;
pub mod outlook;
pub mod overview;
pub mod scenarios;

use axum::Router;
use axum::body::Bytes;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use critmin_html::{Markup, html};
use critmin_model::Dataset;

use crate::AppState;

const CSS: &str = r#"
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#16324f;color:#fff;padding:10px 20px;display:flex;gap:6px 20px;align-items:baseline;flex-wrap:wrap}
header a{color:#cfe3ff;text-decoration:none}header a:hover{text-decoration:underline}
header strong{font-size:18px;margin-right:12px}
main{padding:16px 20px;max-width:1280px}
section{background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px 16px;margin:0 0 16px}
h1{font-size:20px;margin:4px 0 12px}h2{font-size:16px;margin:4px 0 8px}
table{border-collapse:collapse;font-size:13px}td,th{padding:3px 8px;border-bottom:1px solid #eee;text-align:left}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.heat td.c{text-align:center;min-width:110px}.heat td.c a{color:inherit;text-decoration:none}.dark{color:#fff}
.src{font-size:12px;color:#555;margin-top:6px}
.scroll{overflow-x:auto}
form{display:flex;gap:10px;align-items:center;flex-wrap:wrap;margin-bottom:8px}
.grid{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:16px}
@media (max-width:700px){.grid{grid-template-columns:minmax(0,1fr)}main{padding:10px 8px}section{padding:10px}}
"#;

/// Every dashboard route.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(overview::routes())
        .merge(mineral::routes())
        .merge(exposure::routes())
        .merge(ledger::routes())
        .merge(scenarios::routes())
        .merge(outlook::routes())
}

/// A rendered page as an HTML response.
pub(crate) fn html_response(bytes: Bytes) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], bytes).into_response()
}

/// A whole dashboard page: the shell with the navigation, and `body` in `<main>`.
pub(crate) fn page(title: &str, body: Markup) -> String {
    let body = html! {
        header {
            strong { "critmin" }
            a href="/" { "Overview" }
            a href="/minerals/lithium" { "Mineral detail" }
            a href="/exposure/IND" { "Exposure: India" }
            a href="/exposure/USA" { "Exposure: United States" }
            a href="/scenarios" { "Scenarios" }
            a href="/outlook" { "Outlook" }
            a href="/ledger" { "Ledger" }
            a href="/api/v1/openapi.json" { "API (OpenAPI)" }
        }
        main { (body) }
    };
    critmin_html::page(&format!("{title} · critmin"), &[CSS], body).into_string()
}

/// One `<option>` per mineral of the dataset, `selected` picked.
pub(crate) fn mineral_options(ds: &Dataset, selected: &str) -> Markup {
    html! {
        @for m in &ds.minerals {
            option value=(m.id.as_str()) selected[m.id.as_str() == selected] { (m.name) }
        }
    }
}

/// What the shares are of, for people.
pub(crate) fn basis_label(id: &str) -> &str {
    match id {
        "published-world" => "published world total",
        "sum-of-rows" => "sum of the country rows",
        other => other,
    }
}
