//! Hostile names in Chromium: payloads that would run script if a page forgot to escape them
//! are stored through the real API in every user-supplied name (dataset, saved scenario,
//! imported project, trade upload, ledger organisation name, extraction site and attestation
//! statement) and sent as query parameters and path segments; then every dashboard page is
//! opened in headless Chromium through chromedriver (fantoccini). Each payload would set
//! `window.__xss`; the test checks that it is never set, that no injected element (an `img`
//! with `src=x`, an `onerror` or `onmouseover` attribute, a script mentioning `__xss`) exists,
//! and that a reflected name is shown as text. Ledger ids (organisations, lots, forms) admit
//! no markup at all: the API refuses them (422, nothing stored), which the test checks too.
//!
//! Without `/usr/bin/chromedriver` the test says loudly that it skipped, except on CI (`CI`
//! set), where it fails.

#![cfg(unix)]

mod support;

use std::time::Duration;

use critmin_ledger::SignedEntry;
use critmin_ledger::entry::{Payload, Signer, to_hex};
use critmin_server::ServerConfig;
use critmin_server::ledger::LedgerService;
use critmin_server::test_client::{Answer, Client, TestServer};
use critmin_store::Role;
use ed25519_dalek::SigningKey;
use fantoccini::ClientBuilder;
use serde_json::{Value, json};
use support::start_driver;

/// Each would set `window.__xss` if it reached the page as markup: breaking out of a
/// double-quoted attribute, a script element, a single-quoted attribute, a script block.
const PAYLOADS: [&str; 4] = [
    "\"><img src=x onerror=window.__xss=1>",
    "<script>window.__xss=1</script>",
    "' onmouseover='window.__xss=1' x='",
    "</script><script>window.__xss=1</script>",
];

/// Finds what an unescaped payload would have left: the marker, an injected element or
/// handler, or a script that mentions the marker.
const PROBE: &str = r#"
return {
  marker: window.__xss === undefined ? null : String(window.__xss),
  injected: document.querySelectorAll('img[src="x"], [onerror], [onmouseover]').length,
  scripts: Array.from(document.scripts).filter(function (s) { return s.textContent.indexOf('__xss') >= 0; }).length,
  text: document.body ? document.body.innerText : '',
  cut: document.getElementById('cut') ? document.getElementById('cut').value : null,
};
"#;

fn expect(answer: &Answer, status: u16, what: &str) {
    assert_eq!(answer.status, status, "{what}: {}", answer.body);
}

/// `text` percent-encoded for a query value or a path segment.
fn encoded(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn payload(v: Value) -> Payload {
    serde_json::from_value(v).expect("a payload")
}

fn entries(list: &[&SignedEntry]) -> String {
    json!({"entries": list.iter().map(|e| to_hex(&e.encode())).collect::<Vec<_>>()}).to_string()
}

/// Stores every payload in every name the API accepts, and checks that ledger ids refuse them.
fn store_hostile_names(server: &TestServer, api: &Client, operator: &SigningKey) {
    let key = |role, org: Option<&str>| {
        let created = match org {
            Some(org) => server
                .runtime
                .block_on(server.store.create_ledger_key(role, "xss", org)),
            None => server.runtime.block_on(server.store.create_key(role, "xss")),
        };
        created.unwrap().secret
    };
    let analyst = key(Role::Analyst, None);
    let operator_key = key(Role::Analyst, Some("operator"));
    let mine_key = key(Role::Analyst, Some("mine"));
    let mut op = Signer::new("xss-log", "operator", operator.clone(), 0);
    let register = op.sign(
        payload(
            json!({"type": "register_org", "org": "operator", "role": "operator", "name": PAYLOADS[0],
            "country": "USA", "key": to_hex(&operator.verifying_key().to_bytes())}),
        ),
        1_700_000_000,
    );
    expect(
        &api.post_json("/api/v1/ledger/entries", Some(&operator_key), &entries(&[&register]))
            .unwrap(),
        201,
        "the operator with a hostile name",
    );
    let mine = SigningKey::from_bytes(&[42; 32]);
    let mut miner = Signer::new("xss-log", "mine", mine.clone(), 0);
    let mine_org = op.sign(
        payload(
            json!({"type": "register_org", "org": "mine", "role": "member", "name": PAYLOADS[1],
            "country": "COD", "key": to_hex(&mine.verifying_key().to_bytes())}),
        ),
        1_700_000_000,
    );
    let ore = miner.sign(
        payload(
            json!({"type": "extract", "lot": {"id": "ore-1", "form": "ore", "mass_g": 1_000_000,
            "grades": [{"element": "cobalt", "ppm": 20_000}], "country": "COD"}, "site": PAYLOADS[2]}),
        ),
        1_700_000_100,
    );
    expect(
        &api.post_json("/api/v1/ledger/entries", Some(&operator_key), &entries(&[&mine_org]))
            .unwrap(),
        201,
        "an organisation with a hostile name",
    );
    expect(
        &api.post_json("/api/v1/ledger/entries", Some(&mine_key), &entries(&[&ore]))
            .unwrap(),
        201,
        "a lot extracted at a hostile site",
    );
    let publish = op.sign(payload(json!({"type": "publish", "lot": "ore-1"})), 1_700_000_200);
    expect(
        &api.post_json("/api/v1/ledger/entries", Some(&operator_key), &entries(&[&publish]))
            .unwrap(),
        201,
        "publishing the lot",
    );
    // Ids admit no markup: the API refuses a hostile organisation id, lot id or form.
    for (what, entry) in [
        (
            "organisation id",
            json!({"type": "register_org", "org": PAYLOADS[0], "role": "member", "name": "x", "country": "COD",
                "key": to_hex(&mine.verifying_key().to_bytes())}),
        ),
        (
            "lot id",
            json!({"type": "extract", "lot": {"id": PAYLOADS[1], "form": "ore", "mass_g": 1,
                "grades": [{"element": "cobalt", "ppm": 1}], "country": "COD"}, "site": "s"}),
        ),
        (
            "lot form",
            json!({"type": "extract", "lot": {"id": "ore-2", "form": PAYLOADS[3], "mass_g": 1,
                "grades": [{"element": "cobalt", "ppm": 1}], "country": "COD"}, "site": "s"}),
        ),
    ] {
        let mut signer = Signer::new("xss-log", "mine", mine.clone(), miner.next_seq);
        let signed = signer.sign(payload(entry), 1_700_000_300);
        expect(
            &api.post_json("/api/v1/ledger/entries", Some(&mine_key), &entries(&[&signed]))
                .unwrap(),
            422,
            what,
        );
    }

    for (i, name) in PAYLOADS.iter().enumerate() {
        let dataset = json!({"name": name, "files": [{"name": "my_production.csv",
            "content": format!("mineral,stage,country_iso3,year,value,unit,source,note\nlithium,mine,AUS,2031,{},t Li content,USER-TEST,\n", 100 + i)}]});
        expect(
            &api.post_json("/api/v1/datasets", Some(&analyst), &dataset.to_string())
                .unwrap(),
            201,
            "a dataset with a hostile name",
        );
        let scenario = json!({"name": name, "spec": {"mineral": "cobalt", "cuts": ["COD:mining:0.5"]}});
        expect(
            &api.post_json("/api/v1/scenarios", Some(&analyst), &scenario.to_string())
                .unwrap(),
            201,
            "a saved scenario with a hostile name",
        );
        let trade =
            json!({"name": name, "content": "t,i,j,k,v,q\n2022,156,699,283691,60,10\n2022,36,699,283691,30,5\n"});
        expect(
            &api.post_json("/api/v1/trade", Some(&analyst), &trade.to_string())
                .unwrap(),
            201,
            "a trade upload with a hostile name",
        );
        let csv_name = format!("\"{}\"", name.replace('"', "\"\""));
        let projects = format!(
            "id,name,mineral,stage,country,operator,owner_countries,partner_countries,status,capacity_t,start_year,ramp_up_years,capex_usd,unit_cost_usd_per_t,offtake_premium_usd_per_t,offtakes,probability,lead_time_years,as_of_year,source\n\
             XSS-{i},{csv_name},lithium,mine,IND,,IND:1,,operating,400,2025,0,,,100,,1,,2025,{csv_name}\n"
        );
        expect(
            &api.post_typed("/api/v1/projects", Some(&analyst), "text/csv", &projects)
                .unwrap(),
            201,
            "a project with a hostile name",
        );
    }
}

#[test]
fn hostile_names_and_parameters_run_no_script_on_any_page() {
    let Some((_driver, port)) = start_driver() else { return };
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("critmin.db").display());
    let operator = SigningKey::from_bytes(&[7; 32]);
    let config = ServerConfig {
        body_timeout: Duration::from_secs(5),
        ..ServerConfig::default()
    };
    let ledger_key = operator.clone();
    let server = TestServer::start(&url, config, async move |state| {
        let ledger = LedgerService::open(&state.store, Some(ledger_key))
            .await
            .expect("ledger");
        state.with_ledger(ledger)
    });
    let api = Client::new(server.addr);
    store_hostile_names(&server, &api, &operator);

    let base = format!("http://{}", server.addr);
    // (path, text the page must show as text, expected value of the cut field)
    let mut pages: Vec<(String, Option<&str>, Option<&str>)> = [
        "/",
        "/minerals/lithium",
        "/exposure/IND",
        "/exposure/USA",
        "/scenarios",
        "/outlook",
        "/ledger",
        "/ledger?lot=ore-1",
    ]
    .iter()
    .map(|p| (p.to_string(), None, None))
    .collect();
    for p in PAYLOADS {
        let q = encoded(p);
        pages.push((format!("/ledger?lot={q}"), Some(p), None));
        pages.push((
            format!("/scenarios?mineral=cobalt&scenario=custom&cut={q}&ban={q}&stockpile_days=0"),
            None,
            Some(p),
        ));
        pages.push((format!("/scenarios?scenario={q}"), None, None));
        pages.push((format!("/scenarios?mineral={q}"), None, None));
        pages.push((format!("/outlook?mineral={q}&scenario={q}"), None, None));
        pages.push((format!("/exposure/IND?partners={q}"), None, None));
        pages.push((format!("/?mineral={q}&stage={q}"), None, None));
        pages.push((format!("/minerals/{q}"), None, None));
    }

    server.runtime.block_on(async {
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
        for (path, shown, cut) in &pages {
            browser.goto(&format!("{base}{path}")).await.unwrap();
            let found = browser.execute(PROBE, vec![]).await.unwrap();
            assert_eq!(found["marker"], Value::Null, "{path}: a payload ran");
            assert_eq!(found["injected"], 0, "{path}: an injected element or handler exists");
            assert_eq!(found["scripts"], 0, "{path}: an injected script element exists");
            if let Some(text) = shown {
                let body = found["text"].as_str().unwrap_or("");
                assert!(body.contains(text), "{path}: the name is not shown as text");
            }
            if let Some(value) = cut {
                assert_eq!(found["cut"].as_str(), Some(*value), "{path}: the cut field");
            }
        }
        browser.close().await.unwrap();
    });
}
