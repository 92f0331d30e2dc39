//! The dashboard in headless Debian Chromium against a running server: each page opens
//! without a console message or script error, a picked mineral's numbers on the page equal
//! the API's, and a screenshot of each page goes to `target/test-artifacts/dashboard-*.png`.
//!
//! Picking a mineral: the pickers are plain GET forms, so choosing cobalt and stage
//! `refined` is the navigation to `/?mineral=cobalt&stage=refined` that the form submits;
//! the test loads those URLs.
//!
//! Without `/usr/bin/chromium` the test prints a note and passes, except on CI (`CI` set),
//! where it fails. Console detection: see `crates/critmin-cli/tests/report_browser.rs` (with
//! `--enable-logging=stderr --v=0`, every console message of the page is a `CONSOLE` line).

#![cfg(unix)]

mod support;

use std::net::SocketAddr;

use critmin_server::test_client::Client;
use critmin_server::{AppState, ServerConfig};
use critmin_store::Store;
use serde_json::Value;
use support::{attr, browse, chromium, screenshot, tags_with};

/// The page's exact value against the API's (serde_json may parse the last digit one unit off).
fn assert_close(shown: &str, api: f64) {
    let shown: f64 = shown.parse().unwrap();
    assert!(
        (shown - api).abs() <= 1e-12 * api.abs().max(1.0),
        "page {shown} vs API {api}"
    );
}

fn pct(f: f64) -> String {
    format!("{:.1}%", f * 100.0)
}

/// Text content of the element starting at `tag` whose class contains `class`.
fn cell_text<'a>(row: &'a str, class: &str) -> &'a str {
    let at = row
        .find(&format!("class=\"{class}"))
        .unwrap_or_else(|| panic!("no .{class} in {row}"));
    let open = at + row[at..].find('>').unwrap() + 1;
    let close = open + row[open..].find('<').unwrap_or(row.len() - open);
    row[open..close].trim()
}

fn start() -> (tokio::runtime::Runtime, SocketAddr, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("critmin.db").display());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let addr = runtime.block_on(async {
        let store = Store::connect(&url).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = AppState::new(critmin_data::load_embedded().unwrap(), store, ServerConfig::default());
        tokio::spawn(critmin_server::serve(listener, state, std::future::pending()));
        addr
    });
    (runtime, addr, dir)
}

#[test]
fn every_page_opens_clean_and_shows_the_apis_numbers() {
    let Some(chromium) = chromium() else { return };
    let (_runtime, addr, _dir) = start();
    let base = format!("http://{addr}");
    let api = Client::new(addr);
    let get = |path: &str| -> Value {
        let a = api.get(path, None).unwrap();
        assert_eq!(a.status, 200, "{path}: {}", a.body);
        a.json()
    };

    // Overview, cobalt picked at the refined stage: the supplier table equals /api/v1/supply.
    let dom = browse(
        chromium,
        &["--dump-dom".into()],
        &format!("{base}/?mineral=cobalt&stage=refined"),
    );
    let supply = get("/api/v1/supply?mineral=cobalt&stage=refined");
    assert!(dom.contains("<option value=\"cobalt\" selected"), "cobalt not picked");
    // The picker is the GET form whose submission is the URL loaded above.
    assert!(
        dom.contains("<form method=\"get\" action=\"/\">"),
        "the picker form changed"
    );
    assert!(dom.contains("<select name=\"mineral\"") && dom.contains("<select name=\"stage\""));
    assert!(dom.contains("<option value=\"refined\" selected"), "stage not picked");
    let title = tags_with(&dom, "id=\"map-title\"", "</h2>");
    let series_id = format!(
        "cobalt/refined/{}/{}",
        supply["year"],
        supply["source"].as_str().unwrap()
    );
    assert_eq!(attr(title[0], "data-series"), Some(series_id.as_str()));
    let rows = tags_with(&dom, "<tr data-country=", "</tr>");
    let named: Vec<&Value> = supply["shares"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| !s["rank"].is_null())
        .collect();
    assert_eq!(rows.len(), named.len().min(12));
    for (row, s) in rows.iter().zip(&named) {
        assert_eq!(attr(row, "data-country"), s["country"].as_str());
        let share = s["share"].as_f64().unwrap();
        assert_close(attr(row, "data-share").unwrap(), share);
        assert_eq!(cell_text(row, "n share"), pct(share), "{row}");
    }
    // The map colours the named suppliers (a country path carries its share in its tooltip).
    let top = named[0]["country"].as_str().unwrap();
    assert!(dom.contains(&format!("data-code=\"{top}\"><title>")), "map lacks {top}");
    // The heat table's HHI equal /api/v1/concentration's, cell by cell.
    let conc = get("/api/v1/concentration");
    let by_id: std::collections::HashMap<String, f64> = conc["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                format!(
                    "{}/{}/{}/{}",
                    r["mineral"].as_str().unwrap(),
                    r["stage"].as_str().unwrap(),
                    r["year"],
                    r["source"].as_str().unwrap()
                ),
                r["hhi"].as_f64().unwrap(),
            )
        })
        .collect();
    let cells = tags_with(&dom, "data-hhi=", "</td>");
    assert!(cells.len() > 30, "only {} heat cells", cells.len());
    for cell in cells {
        let id = attr(cell, "data-series").unwrap();
        let hhi = by_id.get(id).unwrap_or_else(|| panic!("heat cell {id} not in the API"));
        let shown = &cell[cell.find("class=\"hhi\">").unwrap() + 12..];
        assert_eq!(&shown[..shown.find('<').unwrap()], format!("{hhi:.0}"), "{id}");
    }
    screenshot(chromium, &format!("{base}/?mineral=cobalt&stage=refined"), "overview");

    // Mineral detail, lithium picked: every stage chart's bars equal the API's shares.
    let dom = browse(chromium, &["--dump-dom".into()], &format!("{base}/minerals/lithium"));
    let charts = tags_with(&dom, "class=\"stage\" data-series=", ">");
    assert!(charts.len() >= 3, "only {} stage charts", charts.len());
    let bars = tags_with(&dom, "class=\"bar-share\"", "</text>");
    let first_id = attr(charts[0], "data-series").unwrap().to_owned();
    let parts: Vec<&str> = first_id.split('/').collect();
    let supply = get(&format!(
        "/api/v1/supply?mineral=lithium&stage={}&year={}&source={}",
        parts[1], parts[2], parts[3]
    ));
    let first = &supply["shares"][0];
    assert_eq!(attr(bars[0], "data-country"), first["country"].as_str());
    assert!(bars[0].ends_with(&pct(first["share"].as_f64().unwrap())), "{}", bars[0]);
    assert!(dom.contains("id=\"sankey\""), "no Sankey");
    let nodes = tags_with(&dom, "class=\"node\" data-stage=\"processing\"", "</text>");
    assert!(!nodes.is_empty());
    screenshot(chromium, &format!("{base}/minerals/lithium"), "mineral");

    // Exposure of India and of the US: the rows equal /api/v1/exposure.
    for country in ["IND", "USA"] {
        let dom = browse(chromium, &["--dump-dom".into()], &format!("{base}/exposure/{country}"));
        let exposure = get(&format!("/api/v1/exposure/{country}"));
        let rows = tags_with(&dom, "<tr data-mineral=", "</tr>");
        let records = exposure["records"].as_array().unwrap();
        assert_eq!(rows.len(), records.len());
        for (row, r) in rows.iter().zip(records) {
            assert_eq!(attr(row, "data-mineral"), r["mineral"].as_str());
            if let Some(f) = r["feoc_share"].as_f64() {
                assert_close(attr(row, "data-feoc").unwrap(), f);
                assert_eq!(cell_text(row, "n feoc"), pct(f));
                assert_eq!(cell_text(row, "n partner"), pct(r["partner_share"].as_f64().unwrap()));
            }
        }
        screenshot(
            chromium,
            &format!("{base}/exposure/{country}"),
            &format!("exposure-{country}"),
        );
    }
}
