//! The ledger explorer (`/ledger`) in headless Debian Chromium: the page opens without a
//! console message, shows the latest checkpoint and a published lot's provenance bars whose
//! shares equal `/api/v1/ledger/provenance`, hides an unpublished lot, and a screenshot goes to
//! `target/test-artifacts/dashboard-ledger.png`. Without `/usr/bin/chromium` the test prints a
//! note and passes, except on CI (`CI` set), where it fails.

#![cfg(unix)]

mod support;

use std::net::SocketAddr;
use std::path::Path;

use critmin_ledger::Ledger;
use critmin_ledger::entry::{Payload, Signer, to_hex};
use critmin_server::ledger::LedgerService;
use critmin_server::test_client::Client;
use critmin_server::{AppState, ServerConfig};
use critmin_store::{SqlLogStore, Store};
use ed25519_dalek::SigningKey;
use serde_json::{Value, json};
use support::{attr, browse, chromium, screenshot, tags_with};

fn payload(v: Value) -> Payload {
    serde_json::from_value(v).unwrap()
}

/// A log with two mines (COD, AUS), a refiner blending their ore into a published cathode
/// lot, and an unpublished ore lot.
fn write_log(log: SqlLogStore, operator: &SigningKey) {
    let mut ledger = Ledger::open(log).unwrap();
    let origin = "browser-log";
    let mut op = Signer::new(origin, "operator", operator.clone(), 0);
    let register = |op: &mut Signer, org: &str, role: &str, country: &str, key: &SigningKey| {
        op.sign(
            payload(
                json!({"type": "register_org", "org": org, "role": role, "name": org, "country": country,
                "key": to_hex(&key.verifying_key().to_bytes())}),
            ),
            1_700_000_000,
        )
    };
    let keys: Vec<SigningKey> = (0..3).map(|i| SigningKey::from_bytes(&[20 + i; 32])).collect();
    let mut entries = vec![register(&mut op, "operator", "operator", "USA", operator)];
    entries.push(register(&mut op, "kolwezi", "member", "COD", &keys[0]));
    entries.push(register(&mut op, "murrin", "member", "AUS", &keys[1]));
    entries.push(register(&mut op, "refiner", "member", "FIN", &keys[2]));
    let mut cod = Signer::new(origin, "kolwezi", keys[0].clone(), 0);
    let mut aus = Signer::new(origin, "murrin", keys[1].clone(), 0);
    let mut refiner = Signer::new(origin, "refiner", keys[2].clone(), 0);
    let lot = |id: &str, mass: u64, ppm: u32, country: &str| json!({"id": id, "form": "ore", "mass_g": mass, "grades": [{"element": "cobalt", "ppm": ppm}], "country": country});
    entries.push(cod.sign(
        payload(json!({"type": "extract", "lot": lot("ore-cod", 3_000_000, 20_000, "COD"), "site": "Kolwezi"})),
        1_700_000_100,
    ));
    entries.push(aus.sign(
        payload(json!({"type": "extract", "lot": lot("ore-aus", 1_000_000, 20_000, "AUS"), "site": "Murrin Murrin"})),
        1_700_000_100,
    ));
    entries.push(aus.sign(
        payload(
            json!({"type": "extract", "lot": lot("ore-secret", 1_000_000, 20_000, "AUS"), "site": "Murrin Murrin"}),
        ),
        1_700_000_100,
    ));
    entries.push(cod.sign(
        payload(json!({"type": "transfer", "lot": "ore-cod", "to": "refiner"})),
        1_700_000_200,
    ));
    entries.push(aus.sign(
        payload(json!({"type": "transfer", "lot": "ore-aus", "to": "refiner"})),
        1_700_000_200,
    ));
    entries.push(refiner.sign(
        payload(json!({"type": "transform",
            "inputs": [{"lot": "ore-cod", "mass_g": 3_000_000}, {"lot": "ore-aus", "mass_g": 1_000_000}],
            "outputs": [{"id": "cathode-1", "form": "cathode", "mass_g": 80_000, "grades": [{"element": "cobalt", "ppm": 1_000_000}], "country": "FIN"}],
            "tolerance_ppm": 0, "model": "mass_balance"})),
        1_700_000_300,
    ));
    entries.push(op.sign(payload(json!({"type": "publish", "lot": "cathode-1"})), 1_700_000_400));
    for e in entries {
        ledger.append(e).expect("a valid entry");
    }
    ledger.checkpoint(operator, 1_700_000_500).unwrap();
}

fn start(dir: &Path) -> (tokio::runtime::Runtime, SocketAddr) {
    let url = format!("sqlite:{}", dir.join("critmin.db").display());
    let operator = SigningKey::from_bytes(&[3; 32]);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let addr = runtime.block_on(async {
        let store = Store::connect(&url).await.unwrap();
        let log = SqlLogStore::open(&store).await.unwrap();
        let key = operator.clone();
        tokio::task::spawn_blocking(move || write_log(log, &key)).await.unwrap();
        let ledger = LedgerService::open(&store, Some(operator)).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state =
            AppState::new(critmin_data::load_embedded().unwrap(), store, ServerConfig::default()).with_ledger(ledger);
        tokio::spawn(critmin_server::serve(listener, state, std::future::pending()));
        addr
    });
    (runtime, addr)
}

#[test]
fn the_ledger_page_opens_clean_and_shows_the_apis_shares() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (_runtime, addr) = start(dir.path());
    let base = format!("http://{addr}");
    let api = Client::new(addr);

    let dom = browse(
        chromium,
        &["--dump-dom".into()],
        &format!("{base}/ledger?lot=cathode-1"),
    );
    let latest = api.get("/api/v1/ledger/checkpoints/latest", None).unwrap().json();
    assert!(
        dom.contains(&format!("data-size=\"{}\"", latest["size"])),
        "checkpoint size not shown"
    );
    assert!(
        dom.contains(latest["root"].as_str().unwrap()),
        "checkpoint root not shown"
    );
    assert!(dom.contains("href=\"/ledger\""), "no nav link to the ledger");
    assert!(!dom.contains("ore-secret"), "an unpublished lot is shown to the public");

    // The bars equal the API's shares by origin country: 3/4 COD, 1/4 AUS.
    let prov = api.get("/api/v1/ledger/provenance?lot=cathode-1", None).unwrap().json();
    let bars = tags_with(&dom, "data-country=", "</rect>");
    assert_eq!(bars.len(), 2, "{bars:?}");
    for bar in bars {
        let country = attr(bar, "data-country").unwrap();
        let shown: f64 = attr(bar, "data-share").unwrap().parse().unwrap();
        let api_share = prov["shares"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["measure"] == format!("origin {country}"))
            .unwrap()["share"]
            .as_f64()
            .unwrap();
        assert!(
            (shown - api_share).abs() < 1e-12,
            "{country}: page {shown}, API {api_share}"
        );
        let expected = if country == "COD" { 0.75 } else { 0.25 };
        assert!((shown - expected).abs() < 1e-12, "{country}: {shown}");
    }
    assert!(
        dom.contains("provenance-legend") && dom.contains("% of mass"),
        "legend or unit missing"
    );
    screenshot(chromium, &format!("{base}/ledger?lot=cathode-1"), "ledger");
}
