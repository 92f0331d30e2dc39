//! Interaction in a real browser: chromedriver (Debian's `chromium-driver`) drives headless
//! Chromium through WebDriver (fantoccini). On the overview page the test picks a mineral and
//! then a stage in the pickers, as a person would; each pick reloads the page, and the
//! supplier table must then equal `/api/v1/supply` for that pick. Screenshot:
//! `target/test-artifacts/dashboard-picked.png`.
//!
//! Without `/usr/bin/chromedriver` the test says loudly that it skipped, except on CI (`CI`
//! set), where it fails: `.ci/run` installs `chromium-driver`.

#![cfg(unix)]

mod support;

use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

use critmin_server::test_client::Client as ApiClient;
use critmin_server::{AppState, ServerConfig};
use critmin_store::Store;
use fantoccini::{ClientBuilder, Locator};
use serde_json::json;
use support::start_driver;

async fn start_server() -> (SocketAddr, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&format!("sqlite:{}", dir.path().join("critmin.db").display()))
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = AppState::new(critmin_data::load_embedded().unwrap(), store, ServerConfig::default());
    tokio::spawn(critmin_server::serve(listener, state, std::future::pending()));
    (addr, dir)
}

/// The supplier table as (country, shown share) pairs.
async fn supplier_rows(browser: &fantoccini::Client) -> Vec<(String, String)> {
    let mut rows = Vec::new();
    for row in browser.find_all(Locator::Css("#suppliers tbody tr")).await.unwrap() {
        let country = row.attr("data-country").await.unwrap().unwrap();
        let share = row.find(Locator::Css("td.share")).await.unwrap().text().await.unwrap();
        rows.push((country, share));
    }
    rows
}

/// Waits until the page's URL contains `needle` (the picker's form submission).
async fn wait_for_url(browser: &fantoccini::Client, needle: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let url = browser.current_url().await.unwrap();
        if url.as_str().contains(needle) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the page did not navigate to {needle}; at {url}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn expected_rows(api: &ApiClient, query: &str) -> Vec<(String, String)> {
    let supply = api.get(&format!("/api/v1/supply?{query}"), None).unwrap().json();
    supply["shares"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| !s["rank"].is_null())
        .take(12)
        .map(|s| {
            (
                s["country"].as_str().unwrap().to_owned(),
                format!("{:.1}%", s["share"].as_f64().unwrap() * 100.0),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn picking_a_mineral_and_a_stage_shows_the_apis_numbers() {
    let Some((_driver, port)) = start_driver() else { return };
    let (addr, _dir) = start_server().await;
    let base = format!("http://{addr}");
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({"binary": "/usr/bin/chromium",
               "args": ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=1300,1600",
                        "--disable-background-networking", "--disable-component-update", "--no-first-run"]}),
    );
    let browser = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a WebDriver session");

    browser.goto(&format!("{base}/")).await.unwrap();
    // Pick cobalt: the picker submits on change.
    let mineral = browser.find(Locator::Id("mineral")).await.unwrap();
    mineral.select_by_value("cobalt").await.unwrap();
    wait_for_url(&browser, "mineral=cobalt").await;
    let title = browser.find(Locator::Id("map-title")).await.unwrap();
    let series = title.attr("data-series").await.unwrap().unwrap();
    assert!(series.starts_with("cobalt/mine/"), "{series}");
    let api = ApiClient::new(addr);
    assert_eq!(
        supplier_rows(&browser).await,
        expected_rows(&api, "mineral=cobalt&stage=mine")
    );

    // Then the refined stage.
    let stage = browser.find(Locator::Id("stage")).await.unwrap();
    stage.select_by_value("refined").await.unwrap();
    wait_for_url(&browser, "stage=refined").await;
    let rows = supplier_rows(&browser).await;
    assert_eq!(rows, expected_rows(&api, "mineral=cobalt&stage=refined"));
    assert_eq!(rows[0].0, "CHN");

    let png = browser.screenshot().await.unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/test-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("dashboard-picked.png"), &png).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    browser.close().await.unwrap();
}
