//! The dashboard's ledger explorer at `/ledger`: the latest signed checkpoint, the recent
//! entries and the lots the public may read, and a lot's provenance shares (`?lot=ID`) as an
//! inline SVG chart with units, legend and source. The page is public: it shows what the
//! ledger's read rules let the public see, computed by the same functions as the API
//! ([`crate::ledger`]), each number with its raw value in a `data-*` attribute for the browser
//! test.

use std::fmt::Write;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use critmin_app::ledger::{ShareRow, View};
use critmin_ledger::Viewer;
use critmin_model::Group;
use serde::Deserialize;

use crate::AppState;
use crate::dashboard::{esc, html, page, pct};
use crate::error::ApiError;
use crate::ledger::{entries_for, provenance_view};

/// Colours of the origin countries in the provenance chart, in order of share.
const ORIGIN_COLOURS: [&str; 8] = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
];
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

fn utc(ts: i64) -> String {
    // Days to civil date (Howard Hinnant's algorithm), seconds to h:m.
    let days = ts.div_euclid(86_400);
    let secs = ts.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02} UTC", secs / 3600, secs % 3600 / 60)
}

async fn ledger_page(State(state): State<AppState>, Query(q): Query<LedgerPageQuery>) -> Result<Response, ApiError> {
    let Some(service) = state.ledger.clone() else {
        let body = "<h1>Ledger explorer</h1><section><p>This server keeps no chain-of-custody ledger. \
                    Start it with <code>critmin serve --ledger-key FILE</code>.</p></section>";
        return Ok(html(Bytes::from(page("Ledger", body))));
    };
    let viewer = Viewer::Public;
    let body = service.with(|l| -> Result<String, ApiError> {
        let mut b = String::from("<h1>Ledger explorer</h1>");
        // Latest checkpoint.
        b.push_str("<section id=\"checkpoint\"><h2>Latest signed checkpoint</h2>");
        match l.latest_checkpoint() {
            Some(c) => {
                let _ = write!(
                    b,
                    "<table><tr><th>Log</th><td>{}</td></tr>\
                     <tr><th>Entries covered</th><td class=\"n\" data-size=\"{}\">{}</td></tr>\
                     <tr><th>Root hash (SHA-256)</th><td><code data-root=\"{root}\">{root}</code></td></tr>\
                     <tr><th>Signed</th><td>{}</td></tr>\
                     <tr><th>Operator key</th><td><code>{}</code></td></tr></table>\
                     <p class=\"src\">Log size now: <span data-log-size=\"{}\">{}</span> entries. Check any later \
                     checkpoint against this one with <code>/api/v1/ledger/proofs/consistency?first={}</code>.</p>",
                    esc(&c.origin),
                    c.size,
                    c.size,
                    utc(c.timestamp),
                    critmin_ledger::entry::to_hex(&c.key),
                    l.size(),
                    l.size(),
                    c.size,
                    root = critmin_ledger::entry::to_hex(&c.root),
                );
            }
            None => b.push_str("<p>No checkpoint yet.</p>"),
        }
        b.push_str("</section>");

        // Recent entries the public may read.
        let recent = entries_for(l, &viewer, 0, RECENT, None, true)?.0;
        b.push_str("<section id=\"entries\"><h2>Recent public entries</h2>");
        if recent.entries.is_empty() {
            b.push_str("<p>No entry is public yet: the public sees the entries about lots the operator marked public.</p>");
        } else {
            b.push_str("<table><tr><th class=\"n\">#</th><th>Kind</th><th>Organisation</th><th>Time</th><th>Lots</th></tr>");
            for e in &recent.entries {
                let lots: Vec<String> = e
                    .body
                    .payload
                    .lots()
                    .into_iter()
                    .map(|l| format!("<a href=\"/ledger?lot={0}\">{0}</a>", esc(l.as_str())))
                    .collect();
                let _ = write!(
                    b,
                    "<tr data-index=\"{}\"><td class=\"n\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    e.index,
                    e.index,
                    e.kind,
                    esc(e.body.org.as_str()),
                    utc(e.body.timestamp),
                    lots.join(", ")
                );
            }
            b.push_str("</table>");
        }
        b.push_str("<p class=\"src\">Source: the ledger's signed entries (<code>/api/v1/ledger/entries</code>).</p></section>");

        // Public lots.
        let mut public: Vec<&critmin_ledger::provenance::LotNode> =
            l.state().graph().lots().filter(|n| l.state().is_public(&n.spec.id)).collect();
        public.sort_by(|a, b| a.spec.id.cmp(&b.spec.id));
        b.push_str("<section id=\"lots\"><h2>Public lots</h2>");
        if public.is_empty() {
            b.push_str("<p>The operator has marked no lot public.</p>");
        } else {
            b.push_str("<table><tr><th>Lot</th><th>Form</th><th class=\"n\">Mass (kg)</th><th>Country</th></tr>");
            for n in &public {
                let _ = write!(
                    b,
                    "<tr><td><a href=\"/ledger?lot={id}\">{id}</a></td><td>{}</td><td class=\"n\">{:.3}</td><td>{}</td></tr>",
                    esc(&n.spec.form),
                    n.spec.mass_g as f64 / 1000.0,
                    n.spec.country,
                    id = esc(n.spec.id.as_str()),
                );
            }
            b.push_str("</table>");
        }
        b.push_str("</section>");

        // Provenance of the chosen lot.
        let chosen = q
            .lot
            .clone()
            .or_else(|| public.first().map(|n| n.spec.id.as_str().to_owned()));
        if let Some(lot) = chosen {
            b.push_str("<section id=\"provenance\">");
            match provenance_view(&state, l, &viewer, &lot, View::Physical, Group::UsFtaOrCmaForIra) {
                Ok(p) => b.push_str(&provenance_chart(&lot, &p.shares, l.size())),
                Err(_) => {
                    let _ = write!(
                        b,
                        "<h2>Provenance of {}</h2><p>No public lot with this id.</p>",
                        esc(&lot)
                    );
                }
            }
            b.push_str("</section>");
        }
        Ok(b)
    })??;
    Ok(html(Bytes::from(page("Ledger", &body))))
}

/// One stacked bar per element: the shares of contained element by origin country, with a
/// legend, the unit and the source, and a table of every measure.
fn provenance_chart(lot: &str, rows: &[ShareRow], log_size: u64) -> String {
    let mut out = format!("<h2>Provenance of {}</h2>", esc(lot));
    let mut elements: Vec<&str> = Vec::new();
    for r in rows {
        if !elements.contains(&r.element.as_str()) {
            elements.push(&r.element);
        }
    }
    // Countries in order of first appearance (each element lists them largest first).
    let mut countries: Vec<String> = Vec::new();
    for r in rows {
        if let Some(c) = r.measure.strip_prefix("origin ")
            && !countries.iter().any(|x| x == c)
        {
            countries.push(c.to_owned());
        }
    }
    let colour = |c: &str| {
        let i = countries.iter().position(|x| x == c).unwrap_or(0);
        ORIGIN_COLOURS[i % ORIGIN_COLOURS.len()]
    };
    let (left, width, bar, gap) = (110.0, 560.0, 26.0, 14.0);
    let height = 30.0 + elements.len() as f64 * (bar + gap) + 24.0;
    let _ = write!(
        out,
        "<svg id=\"provenance-chart\" viewBox=\"0 0 {w} {height}\" width=\"{w}\" height=\"{height}\" role=\"img\" \
         aria-label=\"Origin shares of {lot_esc}\"><text x=\"{left}\" y=\"16\" font-size=\"12\">Share of contained element by origin country (% of mass)</text>",
        w = left + width + 20.0,
        lot_esc = esc(lot),
    );
    for (k, element) in elements.iter().enumerate() {
        let y = 30.0 + k as f64 * (bar + gap);
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\">{}</text>",
            left - 6.0,
            y + bar * 0.65,
            esc(element)
        );
        let mut x = left;
        for r in rows.iter().filter(|r| r.element == *element) {
            let Some(c) = r.measure.strip_prefix("origin ") else {
                continue;
            };
            let w = r.share * width;
            let _ = write!(
                out,
                "<rect x=\"{x:.2}\" y=\"{y}\" width=\"{w:.2}\" height=\"{bar}\" fill=\"{}\" data-element=\"{}\" data-country=\"{c}\" \
                 data-share=\"{}\"><title>{} {c}: {}</title></rect>",
                colour(c),
                esc(element),
                r.share,
                esc(element),
                pct(r.share)
            );
            x += w;
        }
    }
    // Axis: 0, 50, 100 %.
    let axis_y = 30.0 + elements.len() as f64 * (bar + gap) + 4.0;
    for (t, label) in [(0.0, "0%"), (0.5, "50%"), (1.0, "100%")] {
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{label}</text>",
            left + t * width,
            axis_y + 12.0
        );
    }
    out.push_str("</svg><div class=\"legend\" id=\"provenance-legend\">");
    for c in &countries {
        let _ = write!(
            out,
            "<span><i class=\"sw\" style=\"background:{}\"></i>{c}</span>",
            colour(c)
        );
    }
    out.push_str("</div><table id=\"provenance-table\"><tr><th>Element</th><th class=\"n\">Contained (kg)</th><th>Measure</th><th class=\"n\">Share</th><th>Exact</th></tr>");
    for r in rows {
        let _ = write!(
            out,
            "<tr><td>{}</td><td class=\"n\">{:.3}</td><td>{}</td><td class=\"n\" data-share=\"{}\">{}</td><td>{}</td></tr>",
            esc(&r.element),
            r.contained_kg,
            esc(&r.measure),
            r.share,
            pct(r.share),
            esc(&r.exact)
        );
    }
    let _ = write!(
        out,
        "</table><p class=\"src\">Unit: percent of the lot's contained mass of each element. Source: the ledger's signed \
         entries (log of {log_size} entries), exact shares computed through the lot graph (physical view); the same \
         figures as <code>/api/v1/ledger/provenance?lot={}</code> and <code>critmin ledger provenance</code>.</p>",
        esc(lot)
    );
    out
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
        );
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains("data-country=\"AUS\""));
        assert!(svg.contains("provenance-legend"));
        assert!(svg.contains("% of mass"));
    }
}
