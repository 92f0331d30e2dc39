//! The scenario runner page `/scenarios` in headless Chromium: the page opens without a
//! console message, the shortfalls it shows (table and map) are the numbers of
//! `POST /api/v1/shocks` for the same picks, and a screenshot is saved under the target
//! directory (`target/test-artifacts/dashboard-scenarios*.png`).
//!
//! Without `/usr/bin/chromium` the test prints a note and passes, except on CI (`CI` set).

#![cfg(unix)]

mod support;

use std::net::SocketAddr;
use std::path::Path;

use critmin_server::test_client::Client;
use critmin_server::{AppState, ServerConfig};
use critmin_store::Store;
use serde_json::Value;
use support::{attr, browse, chromium, screenshot, tags_with};

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

/// The number shown, as the page formats it (thousands separators, 0–3 decimals), against
/// the API's value: equal within the rounding of the decimals shown.
fn assert_shown(shown: &str, api: f64, what: &str) {
    let decimals = shown.split_once('.').map_or(0, |(_, f)| f.len());
    let parsed: f64 = shown
        .replace(',', "")
        .parse()
        .unwrap_or_else(|_| panic!("{what}: `{shown}`"));
    let tolerance = 0.5 * 10f64.powi(-(decimals as i32)) + 1e-9;
    assert!((parsed - api).abs() <= tolerance, "{what}: page {shown} vs API {api}");
}

/// Equal within the rounding of serde_json's parser (it may land one unit in the last place
/// away; the page's attributes are parsed exactly).
fn assert_close(page: f64, api: f64, what: &str) {
    assert!(
        (page - api).abs() <= 1e-12 * page.abs().max(api.abs()).max(1.0),
        "{what}: page {page} vs API {api}"
    );
}

/// Text of the cell with class `class` in `row`.
fn cell<'a>(row: &'a str, class: &str) -> &'a str {
    let at = row
        .find(&format!("class=\"{class}\""))
        .unwrap_or_else(|| panic!("no .{class} in {row}"));
    let open = at + row[at..].find('>').unwrap() + 1;
    let close = open + row[open..].find('<').unwrap();
    row[open..close].trim()
}

fn check_page(chromium: &Path, base: &str, api: &Client, query: &str, spec: &str) -> usize {
    let dom = browse(chromium, &["--dump-dom".into()], &format!("{base}/scenarios{query}"));
    let answer = api.post_json("/api/v1/shocks", None, spec).unwrap();
    assert_eq!(answer.status, 200, "{spec}: {}", answer.body);
    let doc: Value = answer.json();
    // Summary and totals.
    let summary = tags_with(&dom, "id=\"summary\"", ">")[0];
    assert_eq!(attr(summary, "data-mineral"), doc["mineral"].as_str());
    let total: f64 = attr(summary, "data-shortfall-t").unwrap().parse().unwrap();
    assert_close(total, doc["shortfall_t"].as_f64().unwrap(), "total shortfall");
    let needle = "id=\"total-shortfall\">";
    let shown = &dom[dom.find(needle).unwrap() + needle.len()..];
    assert_shown(shown[..shown.find(' ').unwrap()].trim(), total, "total shortfall");
    // Table: one row per node with an input, in the API's order, same numbers.
    let rows = tags_with(&dom, "<tr data-stage=", "</tr>");
    let nodes = doc["nodes"].as_array().unwrap();
    assert_eq!(rows.len(), nodes.len());
    for (row, n) in rows.iter().zip(nodes) {
        assert_eq!(attr(row, "data-stage"), n["stage"].as_str());
        assert_eq!(attr(row, "data-country"), n["country"].as_str());
        let short = n["shortfall_t"].as_f64().unwrap();
        let exact: f64 = attr(row, "data-shortfall-t").unwrap().parse().unwrap();
        assert_close(exact, short, row);
        assert_shown(cell(row, "n shortfall"), short, "shortfall t");
        if let Some(p) = n["shortfall_pct"].as_f64() {
            assert_eq!(cell(row, "n pct"), format!("{p:.1}%"), "{row}");
        }
    }
    // Map: every consumer is coloured with its shortfall percent.
    let mut on_map = 0;
    for n in nodes.iter().filter(|n| n["stage"] == "consumption") {
        let code = n["country"].as_str().unwrap();
        let Some(path) = tags_with(&dom, &format!("data-code=\"{code}\""), ">")
            .into_iter()
            .next()
        else {
            continue; // ROW and countries too small for the 1:110m map
        };
        let p: f64 = attr(path, "data-shortfall-pct").unwrap().parse().unwrap();
        assert_close(p, n["shortfall_pct"].as_f64().unwrap_or(0.0), code);
        on_map += 1;
    }
    assert!(on_map >= 2, "only {on_map} consumers on the map");
    // Units, legend and source are on the page.
    for text in [
        "Unit: percent of each country",
        "Shortfall (% of consumption):",
        "Sources: ",
        "Tonnes of contained",
    ] {
        assert!(dom.contains(text), "page lacks `{text}`");
    }
    rows.len()
}

#[test]
fn the_scenario_runner_shows_the_apis_shortfalls() {
    let Some(chromium) = chromium() else { return };
    let (_runtime, addr, _dir) = start();
    let base = format!("http://{addr}");
    let api = Client::new(addr);

    // A named scenario picked in the form (the GET form's submission is this URL).
    let rows = check_page(
        chromium,
        &base,
        &api,
        "?mineral=cobalt&scenario=drc-cobalt-2025&cut=&ban=&stockpile_days=0",
        r#"{"mineral":"cobalt","scenario":"drc-cobalt-2025"}"#,
    );
    assert!(rows > 5);
    // A custom cut and ban with a stockpile.
    check_page(
        chromium,
        &base,
        &api,
        "?mineral=nickel&scenario=custom&cut=IDN%3Amining%3A0.3&ban=CHN%3Aprocessing%3Aall%3A0.5&stockpile_days=30",
        r#"{"mineral":"nickel","cuts":["IDN:mining:0.3"],"bans":["CHN:processing:all:0.5"],"stockpile_days":30}"#,
    );
    // The nav links the page; a refused request shows the field at fault, with a 400.
    let overview = browse(chromium, &["--dump-dom".into()], &format!("{base}/"));
    assert!(
        overview.contains("href=\"/scenarios\""),
        "nav lacks the scenario runner"
    );
    let bad = api
        .get("/scenarios?mineral=cobalt&scenario=custom&cut=COD%3Amining%3A7", None)
        .unwrap();
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("data-field=\"cuts[0]\""), "{}", bad.body);

    let png = screenshot(
        chromium,
        &format!("{base}/scenarios?scenario=drc-cobalt-2025"),
        "scenarios",
    );
    eprintln!("screenshot: {}", png.display());
    screenshot(
        chromium,
        &format!("{base}/scenarios?mineral=nickel&scenario=custom&cut=IDN%3Amining%3A0.3&stockpile_days=30"),
        "scenarios-custom",
    );
}
