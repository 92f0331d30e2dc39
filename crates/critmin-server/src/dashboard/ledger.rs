//! The dashboard's ledger explorer at `/ledger`: the latest signed checkpoint, the recent
//! entries and the lots the public may read, and a lot's provenance shares (`?lot=ID`) as an
//! inline SVG chart with units, legend and source. The page is public: it shows what the
//! ledger's read rules let the public see, computed by the same functions as the API
//! ([`crate::ledger`]), each number with its raw value in a `data-*` attribute for the browser
//! test.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use critmin_app::ledger::{ShareRow, View};
use critmin_ledger::Viewer;
use critmin_ledger::rules::Date;
use critmin_model::Group;
use serde::Deserialize;

use critmin_html::format::pct;
use critmin_html::palette::CATEGORIES;
use critmin_html::{Markup, Swatch, html, legend};

use super::page;
use crate::AppState;
use crate::error::ApiError;
use crate::ledger::{entries_for, provenance_view};

/// Entries shown in the "recent entries" table.
const RECENT: usize = 20;

/// Dashboard routes of the ledger.
pub fn routes() -> Router<AppState> {
    Router::new().route("/ledger", get(ledger_page))
}

/// The lot whose provenance is shown.
#[derive(Debug, Deserialize)]
pub struct LedgerPageQuery {
    /// Lot id.
    pub lot: Option<String>,
}

/// A ledger timestamp (unix seconds) as `YYYY-MM-DD HH:MM UTC`.
fn utc(ts: i64) -> String {
    let secs = ts.rem_euclid(86_400);
    format!("{} {:02}:{:02} UTC", Date::from_unix(ts), secs / 3600, secs % 3600 / 60)
}

async fn ledger_page(State(state): State<AppState>, Query(q): Query<LedgerPageQuery>) -> Result<Response, ApiError> {
    let Some(service) = state.ledger.clone() else {
        let body = html! {
            h1 { "Ledger explorer" }
            section { p { "This server keeps no chain-of-custody ledger. Start it with " code { "critmin serve --ledger-key FILE" } "." } }
        };
        return Ok(super::html_response(Bytes::from(page("Ledger", body))));
    };
    let viewer = Viewer::Public;
    let body = service.with(|l| -> Result<Markup, ApiError> {
        let recent = entries_for(l, &viewer, 0, RECENT, None, true)?.0;
        let mut public: Vec<&critmin_ledger::provenance::LotNode> =
            l.state().graph().lots().filter(|n| l.state().is_public(&n.spec.id)).collect();
        public.sort_by(|a, b| a.spec.id.cmp(&b.spec.id));
        // Provenance of the chosen lot.
        let chosen = q
            .lot
            .clone()
            .or_else(|| public.first().map(|n| n.spec.id.as_str().to_owned()));
        let provenance = chosen.map(|lot| {
            match provenance_view(&state, l, &viewer, &lot, View::Physical, Group::UsFtaOrCmaForIra) {
                Ok(p) => provenance_chart(&lot, &p.shares, l.size()),
                Err(_) => html! { h2 { "Provenance of " (lot) } p { "No public lot with this id." } },
            }
        });
        Ok(html! {
            h1 { "Ledger explorer" }
            section id="checkpoint" {
                h2 { "Latest signed checkpoint" }
                @match l.latest_checkpoint() {
                    Some(c) => {
                        @let root = critmin_ledger::entry::to_hex(&c.root);
                        table {
                            tr { th { "Log" } td { (c.origin) } }
                            tr { th { "Entries covered" } td.n data-size=(c.size) { (c.size) } }
                            tr { th { "Root hash (SHA-256)" } td { code data-root=(root) { (root) } } }
                            tr { th { "Signed" } td { (utc(c.timestamp)) } }
                            tr { th { "Operator key" } td { code { (critmin_ledger::entry::to_hex(&c.key)) } } }
                        }
                        p.src {
                            "Log size now: " span data-log-size=(l.size()) { (l.size()) } " entries. Check any later checkpoint against this one with "
                            code { "/api/v1/ledger/proofs/consistency?first=" (c.size) } "."
                        }
                    }
                    None => p { "No checkpoint yet." }
                }
            }
            section id="entries" {
                h2 { "Recent public entries" }
                @if recent.entries.is_empty() {
                    p { "No entry is public yet: the public sees the entries about lots the operator marked public." }
                } @else {
                    div.scroll { table {
                        tr { th.n { "#" } th { "Kind" } th { "Organisation" } th { "Time" } th { "Lots" } }
                        @for e in &recent.entries {
                            tr data-index=(e.index) {
                                td.n { (e.index) } td { (e.kind) } td { (e.body.org.as_str()) } td { (utc(e.body.timestamp)) }
                                td {
                                    @for (i, lot) in e.body.payload.lots().into_iter().enumerate() {
                                        @if i > 0 { ", " }
                                        a href={ "/ledger?lot=" (url_encoded(lot.as_str())) } { (lot.as_str()) }
                                    }
                                }
                            }
                        }
                    } }
                }
                p.src { "Source: the ledger's signed entries (" code { "/api/v1/ledger/entries" } ")." }
            }
            section id="lots" {
                h2 { "Public lots" }
                @if public.is_empty() {
                    p { "The operator has marked no lot public." }
                } @else {
                    div.scroll { table {
                        tr { th { "Lot" } th { "Form" } th.n { "Mass (kg)" } th { "Country" } }
                        @for n in &public {
                            tr {
                                td { a href={ "/ledger?lot=" (url_encoded(n.spec.id.as_str())) } { (n.spec.id.as_str()) } }
                                td { (n.spec.form) }
                                td.n { (format!("{:.3}", n.spec.mass_g as f64 / 1000.0)) }
                                td { (n.spec.country) }
                            }
                        }
                    } }
                }
            }
            @if let Some(chart) = provenance { section id="provenance" { (chart) } }
        })
    })??;
    Ok(super::html_response(Bytes::from(page("Ledger", body))))
}

/// `text` as one query-string value.
fn url_encoded(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// One element's bar: its y, its name, and its segments (x, width, origin country, share).
type ElementBar<'a> = (f64, &'a str, Vec<(f64, f64, &'a str, f64)>);

/// One stacked bar per element: the shares of contained element by origin country, with a
/// legend, the unit and the source, and a table of every measure.
fn provenance_chart(lot: &str, rows: &[ShareRow], log_size: u64) -> Markup {
    let mut elements: Vec<&str> = Vec::new();
    for r in rows {
        if !elements.contains(&r.element.as_str()) {
            elements.push(&r.element);
        }
    }
    // Countries in order of first appearance (each element lists them largest first).
    let mut countries: Vec<&str> = Vec::new();
    for r in rows {
        if let Some(c) = r.measure.strip_prefix("origin ")
            && !countries.contains(&c)
        {
            countries.push(c);
        }
    }
    let colour = |c: &str| {
        let i = countries.iter().position(|x| *x == c).unwrap_or(0);
        CATEGORIES[i % CATEGORIES.len()]
    };
    let (left, width, bar, gap) = (110.0, 560.0, 26.0, 14.0);
    let height = 30.0 + elements.len() as f64 * (bar + gap) + 24.0;
    let axis_y = 30.0 + elements.len() as f64 * (bar + gap) + 4.0;
    // Each element's origin segments, placed left to right.
    let bars: Vec<ElementBar<'_>> = elements
        .iter()
        .enumerate()
        .map(|(k, element)| {
            let y = 30.0 + k as f64 * (bar + gap);
            let mut x = left;
            let segments = rows
                .iter()
                .filter(|r| r.element == *element)
                .filter_map(|r| {
                    let c = r.measure.strip_prefix("origin ")?;
                    let at = x;
                    x += r.share * width;
                    Some((at, r.share * width, c, r.share))
                })
                .collect();
            (y, *element, segments)
        })
        .collect();
    let swatches: Vec<Swatch> = countries.iter().map(|c| Swatch::new(colour(c), *c)).collect();
    html! {
        h2 { "Provenance of " (lot) }
        svg id="provenance-chart" viewBox={ "0 0 " (left + width + 20.0) " " (height) } width=(left + width + 20.0) height=(height)
            role="img" aria-label={ "Origin shares of " (lot) } {
            text x=(left) y="16" font-size="12" { "Share of contained element by origin country (% of mass)" }
            @for (y, element, segments) in &bars {
                text x=(left - 6.0) y=(y + bar * 0.65) font-size="12" text-anchor="end" { (element) }
                @for (x, w, c, share) in segments {
                    rect x=(format!("{x:.2}")) y=(y) width=(format!("{w:.2}")) height=(bar) fill=(colour(c))
                        data-element=(element) data-country=(c) data-share=(share) { title { (element) " " (c) ": " (pct(*share)) } }
                }
            }
            @for (t, label) in [(0.0, "0%"), (0.5, "50%"), (1.0, "100%")] {
                text x=(left + t * width) y=(axis_y + 12.0) font-size="11" text-anchor="middle" { (label) }
            }
        }
        (legend(Some("provenance-legend"), None, &swatches, None))
        div.scroll { table id="provenance-table" {
            tr { th { "Element" } th.n { "Contained (kg)" } th { "Measure" } th.n { "Share" } th { "Exact" } }
            @for r in rows {
                tr {
                    td { (r.element) } td.n { (format!("{:.3}", r.contained_kg)) } td { (r.measure) }
                    td.n data-share=(r.share) { (pct(r.share)) } td { (r.exact) }
                }
            }
        } }
        p.src {
            "Unit: percent of the lot's contained mass of each element. Source: the ledger's signed entries (log of " (log_size)
            " entries), exact shares computed through the lot graph (physical view); the same figures as "
            code { "/api/v1/ledger/provenance?lot=" (lot) } " and " code { "critmin ledger provenance" } "."
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc(1_700_000_000), "2023-11-14 22:13 UTC");
    }

    #[test]
    fn the_chart_has_a_bar_per_origin_and_a_legend() {
        let row = |m: &str, s: f64| ShareRow {
            element: "cobalt".into(),
            contained_kg: 20.0,
            measure: m.into(),
            share: s,
            exact: String::new(),
        };
        let svg = provenance_chart(
            "c-1",
            &[row("origin COD", 0.75), row("origin AUS", 0.25), row("recycled", 0.0)],
            9,
        )
        .into_string();
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains("data-country=\"AUS\""));
        assert!(svg.contains("provenance-legend"));
        assert!(svg.contains("% of mass"));
    }
}
