//! `GET /api/v1/dependence/{country}` and `GET /api/v1/trend` on the shipped BACI flows: the
//! rows equal what `critmin dependence|trend --format json` prints for the same request (the
//! CLI's snapshots, which `critmin-cli/tests/snapshots.rs` keeps equal to the binary's output),
//! bad parameters get a 400 naming the field, and the flows go through the columnar cache in
//! the directory the state was given (a temporary one here, never the user's).

use std::path::{Path, PathBuf};
use std::time::Instant;

use critmin_server::ServerConfig;
use critmin_server::test_client::{Client, TestServer};
use serde_json::Value;

fn cli_snapshot(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../critmin-cli/tests/snapshots/{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn start(dir: &Path, cache_dir: Option<PathBuf>) -> TestServer {
    let url = format!("sqlite:{}", dir.join("critmin.db").display());
    TestServer::start(&url, ServerConfig::default(), async move |state| {
        state.with_trade_cache(cache_dir)
    })
}

fn files_in(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| entries.count())
}

#[test]
fn the_documents_hold_the_rows_the_cli_prints() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path(), None);
    let client = Client::new(server.addr);
    for (path, snapshot) in [
        ("/api/v1/dependence/IND?mineral=graphite", "dependence-ind-graphite"),
        (
            "/api/v1/dependence/usa?mineral=cobalt&from=2022&to=2024&partners=quad&by=value",
            "dependence-usa-cobalt-value",
        ),
        ("/api/v1/trend?mineral=graphite", "trend-graphite"),
        (
            "/api/v1/trend?mineral=rare_earths&stage=processing&side=importer&by=quantity&from=2020",
            "trend-rare-earths-importer",
        ),
    ] {
        let answer = client.get(path, None).unwrap();
        assert_eq!(answer.status, 200, "{path}: {}", answer.body);
        let doc = answer.json();
        let rows = doc["rows"].as_array().unwrap_or_else(|| panic!("{path}: no rows"));
        assert!(!rows.is_empty(), "{path}: no rows");
        assert_eq!(
            doc["rows"],
            cli_snapshot(snapshot),
            "{path} differs from the CLI's {snapshot}"
        );
        assert!(doc["trade"].as_array().is_some_and(|t| !t.is_empty()), "{path}");
    }
}

#[test]
fn bad_parameters_name_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path(), None);
    let client = Client::new(server.addr);
    for (path, field) in [
        ("/api/v1/dependence/XXX", "country"),
        ("/api/v1/dependence/IND?mineral=unobtainium", "mineral"),
        ("/api/v1/dependence/IND?stage=smelting", "stage"),
        ("/api/v1/dependence/IND?year=2020&from=2019", "year"),
        ("/api/v1/dependence/IND?from=2024&to=2020", "from"),
        ("/api/v1/dependence/IND?year=twenty", "year"),
        ("/api/v1/dependence/IND?partners=nowhere", "partners"),
        ("/api/v1/dependence/IND?by=weight", "by"),
        ("/api/v1/trend", "mineral"),
        ("/api/v1/trend?mineral=unobtainium", "mineral"),
        ("/api/v1/trend?mineral=graphite&side=both", "side"),
        ("/api/v1/trend?mineral=graphite&by=weight", "by"),
        ("/api/v1/trend?mineral=graphite&to=1900", "to"),
    ] {
        let answer = client.get(path, None).unwrap();
        assert_eq!(answer.status, 400, "{path}: {}", answer.body);
        assert_eq!(answer.json()["error"]["field"], field, "{path}: {}", answer.body);
    }
}

#[test]
fn the_flows_are_imported_once_through_the_given_cache() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("trade-cache");
    let server = start(dir.path(), Some(cache.clone()));
    let client = Client::new(server.addr);
    assert_eq!(files_in(&cache), 0, "nothing is imported before it is asked for");
    let started = Instant::now();
    let first = client.get("/api/v1/trend?mineral=cobalt", None).unwrap();
    let first_took = started.elapsed();
    assert_eq!(first.status, 200, "{}", first.body);
    let written = files_in(&cache);
    assert!(written >= 2, "one cache file per shipped part, found {written}");
    let started = Instant::now();
    let second = client
        .get("/api/v1/dependence/IND?mineral=cobalt&year=2024", None)
        .unwrap();
    let second_took = started.elapsed();
    assert_eq!(second.status, 200, "{}", second.body);
    assert_eq!(files_in(&cache), written, "the flows are imported once");
    eprintln!("first request {first_took:?} (import, cache written), second {second_took:?}");

    // A second server on the same cache reads it and answers the same.
    drop(server);
    let again = start(dir.path(), Some(cache.clone()));
    let answer = Client::new(again.addr)
        .get("/api/v1/trend?mineral=cobalt", None)
        .unwrap();
    assert_eq!(answer.body, first.body);
}
