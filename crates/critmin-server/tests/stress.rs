//! Shocks, Monte Carlo jobs, saved scenarios and trade metrics over a real socket, on SQLite
//! and on a throwaway PostgreSQL: 401/403 and nothing stored, 400 naming the field, a named
//! scenario through the API equal to `critmin_network` called directly, a risk job with
//! progress whose result equals the library's, and a trade upload whose HHI and dependence
//! equal the library's.

use std::time::{Duration, Instant};

use critmin_app::stress::{RiskDocument, RiskSpec, ShockDocument, ShockSpec};
use critmin_model::CountryCode;
use critmin_network::{Convergence, PooledOptions, Scenarios, pooled_market, run_shock};
use critmin_server::ServerConfig;
use critmin_server::test_client::{Answer, Client, TestServer};
use critmin_store::Role;
use critmin_store::test_postgres::ThrowawayPostgres;
use critmin_trade::{Basis, HhiFilter, HsMap, HsRevision, ImportOptions, Side};
use serde_json::{Value, json};

const BODY_LIMIT: usize = 64 * 1024;

const SMALL: &str = "t,i,j,k,v,q
2022,156,699,283691,60,10
2022,36,699,283691,30,5
2022,152,699,283691,10,NA
2022,156,842,283691,100,20
2022,699,842,850760,50,2
2023,156,699,283691,80,16
";

/// The test server ([`TestServer`]), with this file's helpers.
struct Running(TestServer);

impl std::ops::Deref for Running {
    type Target = TestServer;
    fn deref(&self) -> &TestServer {
        &self.0
    }
}

impl Running {
    fn start(url: &str) -> Running {
        let config = ServerConfig {
            body_limit: BODY_LIMIT,
            ..ServerConfig::default()
        };
        Running(TestServer::start(url, config, async |state| state))
    }

    fn key(&self, role: Role) -> String {
        self.runtime
            .block_on(self.store.create_key(role, "test"))
            .unwrap()
            .secret
    }

    /// (saved scenarios, scenario results, trade files) in the store.
    fn counts(&self) -> (i64, i64, i64) {
        self.runtime.block_on(async {
            (
                self.store.count_scenarios().await.unwrap(),
                self.store.count_scenario_results().await.unwrap(),
                self.store.count_trade().await.unwrap(),
            )
        })
    }
}

fn expect(answer: &Answer, status: u16) -> Value {
    assert_eq!(answer.status, status, "body: {}", answer.body);
    if answer.body.is_empty() {
        Value::Null
    } else {
        answer.json()
    }
}

/// A value as a client sees it: serialized, then parsed (serde_json's parser may land one
/// unit in the last place away from the exact f64, the same way for the same text).
fn reparse<T: serde::Serialize>(v: &T) -> Value {
    serde_json::from_str(&serde_json::to_string(v).unwrap()).unwrap()
}

/// Equal within the rounding of one JSON round trip.
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1.0)
}

fn field(v: &Value) -> &str {
    v["error"]["field"].as_str().unwrap_or("")
}

/// The drc-cobalt-2025 shock computed with the library's own functions, no spec in between.
fn drc_cobalt_direct(ds: &critmin_model::Dataset) -> critmin_network::ShockResult {
    let scenarios = Scenarios::embedded().unwrap();
    let shock = scenarios.shock("drc-cobalt-2025", "cobalt", None);
    let mineral = ds.mineral("cobalt").unwrap().id.clone();
    let options = PooledOptions {
        usgs_us_consumption: true,
        nominal: vec![CountryCode::INDIA, CountryCode::USA],
        ..PooledOptions::default()
    };
    let net = pooled_market(ds, &mineral, &options).unwrap();
    run_shock(&net, &shock, 0.0, 0.0, Convergence::default(), &|c, g| {
        ds.in_group(c, g)
    })
    .unwrap()
}

fn wait_for_job(client: &Client, url: &str, key: &str) -> (Value, Vec<(i64, i64)>) {
    let deadline = Instant::now() + Duration::from_secs(300);
    let mut seen = Vec::new();
    loop {
        let j = expect(&client.get(url, Some(key)).unwrap(), 200);
        seen.push((
            j["progress"]["done"].as_i64().unwrap(),
            j["progress"]["total"].as_i64().unwrap(),
        ));
        if j["status"] == "succeeded" || j["status"] == "failed" {
            return (j, seen);
        }
        assert!(Instant::now() < deadline, "job did not finish: {j}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn scenario(url: &str) {
    let server = Running::start(url);
    let client = Client::new(server.addr);
    let analyst = server.key(Role::Analyst);
    let viewer = server.key(Role::Viewer);
    let ds = critmin_data::load_embedded().unwrap();

    // Every new route is in the OpenAPI document.
    let openapi = expect(&client.get("/api/v1/openapi.json", None).unwrap(), 200);
    for path in [
        "/api/v1/scenarios",
        "/api/v1/scenarios/{id}",
        "/api/v1/scenarios/{id}/run",
        "/api/v1/shocks",
        "/api/v1/trade",
        "/api/v1/trade/{id}/hhi",
        "/api/v1/trade/{id}/dependence",
    ] {
        assert!(openapi["paths"].get(path).is_some(), "OpenAPI lacks {path}");
    }

    // The named scenarios are public.
    let list = expect(&client.get("/api/v1/scenarios", None).unwrap(), 200);
    let named = list["named"].as_array().unwrap();
    let drc = named
        .iter()
        .find(|s| s["name"] == "drc-cobalt-2025")
        .expect("drc-cobalt-2025 listed");
    assert_eq!(drc["minerals"], json!(["cobalt"]));
    assert_eq!(drc["rows"][0]["country"], "COD");
    assert_eq!(list["saved"], json!([]));

    // A named scenario through the API equals the library called directly.
    let direct = drc_cobalt_direct(&ds);
    let shock = expect(
        &client
            .post_json("/api/v1/shocks", None, r#"{"scenario":"drc-cobalt-2025"}"#)
            .unwrap(),
        200,
    );
    let run = expect(
        &client
            .post_json("/api/v1/scenarios/drc-cobalt-2025/run", None, "")
            .unwrap(),
        200,
    );
    assert_eq!(run["result"], shock);
    assert!(run["result_id"].is_null());
    let doc: ShockDocument = serde_json::from_value(shock.clone()).unwrap();
    assert_eq!(doc.mineral, "cobalt");
    assert_eq!(doc.year, direct.year);
    assert!(close(doc.shortfall_t, direct.outcome.shortfall));
    assert!(close(doc.lost_supply_t, direct.outcome.lost_supply));
    assert!(close(doc.mass_balance_error, direct.outcome.mass_balance_error));
    assert!(doc.mass_balance_error < 1e-9);
    let with_input: Vec<_> = direct.nodes.iter().filter(|n| n.baseline_input > 0.0).collect();
    assert_eq!(doc.nodes.len(), with_input.len());
    for (api, lib) in doc.nodes.iter().zip(&with_input) {
        assert_eq!(api.country, lib.country.to_string());
        assert_eq!(api.stage, lib.stage.to_string());
        assert!(close(api.shortfall_t, lib.shortfall), "{} {}", api.country, api.stage);
        assert!(close(api.stock_drawn_t, lib.stock_drawn));
        assert!(close(
            api.shortfall_pct.unwrap_or(0.0),
            lib.shortfall_pct.unwrap_or(0.0)
        ));
    }
    assert!(
        doc.nodes
            .iter()
            .any(|n| n.stage == "consumption" && n.country == "USA" && n.shortfall_t > 0.0)
    );
    // ... and the same document as the spec path the CLI takes.
    let spec = ShockSpec {
        scenario: Some("drc-cobalt-2025".into()),
        ..ShockSpec::default()
    };
    let lib_doc = ShockDocument::new(&spec.run(&ds, &Scenarios::embedded().unwrap(), None).unwrap());
    assert_eq!(shock, reparse(&lib_doc));

    // A bad spec: 400 naming the field, on every route that takes one.
    let cases: [(&str, &str, &str); 6] = [
        (
            "/api/v1/shocks",
            r#"{"mineral":"cobalt","cuts":["COD:mining:2"]}"#,
            "cuts[0]",
        ),
        (
            "/api/v1/shocks",
            r#"{"mineral":"cobalt","bans":["XXX:mining"]}"#,
            "bans[0]",
        ),
        ("/api/v1/shocks", r#"{"scenario":"no-such-scenario"}"#, "scenario"),
        (
            "/api/v1/shocks",
            r#"{"mineral":"cobalt","cuts":"COD:mining:0.5"}"#,
            "cuts",
        ),
        (
            "/api/v1/shocks",
            r#"{"mineral":"cobalt","cuts":["ISL:mining:0.5"]}"#,
            "cuts[0]",
        ),
        (
            "/api/v1/shocks",
            r#"{"mineral":"cobalt","cuts":["COD:mining:0.5"],"oops":1}"#,
            "",
        ),
    ];
    for (path, body, want) in cases {
        let e = expect(&client.post_json(path, None, body).unwrap(), 400);
        if want.is_empty() {
            assert!(e["error"]["message"].as_str().unwrap().contains("oops"), "{e}");
        } else {
            assert_eq!(field(&e), want, "{body}: {e}");
        }
    }

    // Saving a scenario: 401 without a key (even with a malformed body), 403 for a viewer,
    // 400 naming the field for a shock that cannot run; nothing stored by any of them.
    let good = json!({"name": "DRC cobalt halved", "spec": {"mineral": "cobalt", "cuts": ["COD:mining:0.5"], "stockpile_days": 20}})
        .to_string();
    assert_eq!(
        expect(&client.post_json("/api/v1/scenarios", None, "{not json").unwrap(), 401)["error"]["code"],
        "unauthorized"
    );
    expect(&client.post_json("/api/v1/scenarios", None, &good).unwrap(), 401);
    expect(
        &client.post_json("/api/v1/scenarios", Some(&viewer), &good).unwrap(),
        403,
    );
    let e = expect(
        &client
            .post_json(
                "/api/v1/scenarios",
                Some(&analyst),
                r#"{"name":"bad","spec":{"mineral":"cobalt","cuts":["COD:mining:1.5"]}}"#,
            )
            .unwrap(),
        400,
    );
    assert_eq!(field(&e), "spec.cuts[0]", "{e}");
    let e = expect(
        &client
            .post_json(
                "/api/v1/scenarios",
                Some(&analyst),
                r#"{"name":"bad","spec":{"mineral":"cobalt","stockpile_days":"x"}}"#,
            )
            .unwrap(),
        400,
    );
    assert_eq!(field(&e), "spec.stockpile_days", "{e}");
    let e = expect(
        &client
            .post_json(
                "/api/v1/scenarios",
                Some(&analyst),
                r#"{"name":"","spec":{"scenario":"drc-cobalt-2025"}}"#,
            )
            .unwrap(),
        400,
    );
    assert_eq!(field(&e), "name");
    assert_eq!(server.counts(), (0, 0, 0));

    // Saved: 201 with the result of the validating run, stored with it.
    let saved = expect(
        &client.post_json("/api/v1/scenarios", Some(&analyst), &good).unwrap(),
        201,
    );
    let id = saved["scenario"]["id"].as_str().unwrap().to_owned();
    assert_eq!(saved["scenario"]["mineral"], "cobalt");
    let custom = ShockSpec {
        mineral: Some("cobalt".into()),
        cuts: vec!["COD:mining:0.5".into()],
        stockpile_days: 20.0,
        ..ShockSpec::default()
    };
    let custom_doc = ShockDocument::new(&custom.run(&ds, &Scenarios::embedded().unwrap(), None).unwrap());
    assert_eq!(saved["result"], reparse(&custom_doc));
    assert_eq!(server.counts(), (1, 1, 0));
    // Listed for a viewer, not without a key; read needs a viewer.
    let list = expect(&client.get("/api/v1/scenarios", Some(&viewer)).unwrap(), 200);
    assert_eq!(list["saved"][0]["id"], id.as_str());
    let list = expect(&client.get("/api/v1/scenarios", None).unwrap(), 200);
    assert_eq!(list["saved"], json!([]));
    expect(&client.get(&format!("/api/v1/scenarios/{id}"), None).unwrap(), 401);
    let one = expect(
        &client.get(&format!("/api/v1/scenarios/{id}"), Some(&viewer)).unwrap(),
        200,
    );
    assert_eq!(one["spec"]["cuts"], json!(["COD:mining:0.5"]));
    assert_eq!(one["results"].as_array().unwrap().len(), 1);
    assert_eq!(one["results"][0]["result"], saved["result"]);
    expect(&client.get("/api/v1/scenarios/nope", Some(&viewer)).unwrap(), 404);
    // Running a saved scenario stores its result; it needs an analyst.
    let run_url = format!("/api/v1/scenarios/{id}/run");
    expect(&client.post_json(&run_url, None, "").unwrap(), 401);
    expect(&client.post_json(&run_url, Some(&viewer), "").unwrap(), 403);
    assert_eq!(server.counts(), (1, 1, 0));
    let ran = expect(&client.post_json(&run_url, Some(&analyst), "").unwrap(), 201);
    assert_eq!(ran["result"], saved["result"]);
    assert!(ran["result_id"].is_string());
    assert_eq!(server.counts(), (1, 2, 0));

    // A shock job gives the shock document.
    let job = expect(
        &client
            .post_json(
                "/api/v1/jobs",
                Some(&analyst),
                r#"{"kind":"shock","scenario":"drc-cobalt-2025"}"#,
            )
            .unwrap(),
        202,
    );
    let (finished, _) = wait_for_job(&client, job["status_url"].as_str().unwrap(), &viewer);
    assert_eq!(finished["status"], "succeeded", "{finished}");
    let result = expect(
        &client
            .get(finished["result_url"].as_str().unwrap(), Some(&viewer))
            .unwrap(),
        200,
    );
    assert_eq!(result, shock);

    // A risk job: refused with the field named when a parameter is out of range; otherwise
    // it runs with progress to a result equal to the library's.
    let e = expect(
        &client
            .post_json(
                "/api/v1/jobs",
                Some(&analyst),
                r#"{"kind":"risk","mineral":"cobalt","scenarios":1000001}"#,
            )
            .unwrap(),
        400,
    );
    assert_eq!(field(&e), "scenarios", "{e}");
    let e = expect(
        &client
            .post_json(
                "/api/v1/jobs",
                Some(&analyst),
                r#"{"kind":"risk","mineral":"cobalt","p_cut_base":2}"#,
            )
            .unwrap(),
        400,
    );
    assert_eq!(field(&e), "p_cut_base", "{e}");
    // A type error inside a job's spec names its field too (not only the spec's own checks).
    let e = expect(
        &client
            .post_json(
                "/api/v1/jobs",
                Some(&analyst),
                r#"{"kind":"risk","mineral":"cobalt","seed":"seven"}"#,
            )
            .unwrap(),
        400,
    );
    assert_eq!(field(&e), "seed", "{e}");
    expect(
        &client
            .post_json("/api/v1/jobs", Some(&viewer), r#"{"kind":"risk","mineral":"cobalt"}"#)
            .unwrap(),
        403,
    );
    let scenarios = 40_000;
    let job = expect(
        &client
            .post_json(
                "/api/v1/jobs",
                Some(&analyst),
                &json!({"kind": "risk", "mineral": "cobalt", "scenarios": scenarios, "seed": 7, "country": "IND",
                    "stockpile_days": 10})
                .to_string(),
            )
            .unwrap(),
        202,
    );
    assert_eq!(job["kind"], "risk");
    let (finished, seen) = wait_for_job(&client, job["status_url"].as_str().unwrap(), &viewer);
    assert_eq!(finished["status"], "succeeded", "{finished}");
    // Progress counts scenarios: the total is only known from the Monte Carlo's reports.
    assert_eq!(finished["progress"]["total"], scenarios);
    assert_eq!(finished["progress"]["done"], scenarios);
    assert_eq!(finished["progress"]["fraction"], 1.0);
    assert!(
        seen.windows(2).all(|w| w[0].0 <= w[1].0),
        "progress went backwards: {seen:?}"
    );
    let result = expect(
        &client
            .get(finished["result_url"].as_str().unwrap(), Some(&viewer))
            .unwrap(),
        200,
    );
    let spec = RiskSpec {
        mineral: "cobalt".into(),
        scenarios,
        seed: 7,
        country: Some("IND".into()),
        stockpile_days: 10.0,
        ..RiskSpec::default()
    };
    let prepared = spec.prepare(&ds, &Scenarios::embedded().unwrap(), None).unwrap();
    let mc = prepared.monte_carlo(&ds).unwrap();
    let lib = RiskDocument::new(&mc.run(&|_| {}), &prepared.network, prepared.focus, 1);
    let mut result = result;
    result["threads"] = json!(1); // the result does not depend on the thread count
    assert_eq!(result, reparse(&lib));
    assert!(lib.consumers.iter().any(|c| c.country == "IND"));
    assert_eq!(lib.focus.as_ref().map(|f| f.0.as_str()), Some("IND"));

    // Trade: 401/403 and nothing stored; a bad file is 422 with file and line, nothing stored;
    // a body over the limit is 413.
    let upload = json!({"name": "small.csv", "content": SMALL}).to_string();
    expect(&client.post_json("/api/v1/trade", None, &upload).unwrap(), 401);
    expect(&client.post_json("/api/v1/trade", Some(&viewer), &upload).unwrap(), 403);
    let bad =
        json!({"name": "bad.csv", "content": "t,i,j,k,v,q\n2022,156,699,283691,60,10\n2022,156,699,28369X,1,1\n"})
            .to_string();
    let e = expect(&client.post_json("/api/v1/trade", Some(&analyst), &bad).unwrap(), 422);
    let problems = e["error"]["problems"].as_array().unwrap();
    assert_eq!(problems[0]["file"], "bad.csv", "{e}");
    assert_eq!(problems[0]["line"], 3, "{e}");
    let big =
        json!({"name": "big.csv", "content": format!("t,i,j,k,v,q\n{}", "2022,156,699,283691,60,10\n".repeat(3000))})
            .to_string();
    assert!(big.len() > BODY_LIMIT);
    expect(&client.post_json("/api/v1/trade", Some(&analyst), &big).unwrap(), 413);
    let e = expect(
        &client
            .post_json("/api/v1/trade", Some(&analyst), r#"{"name":"x.csv","content":7}"#)
            .unwrap(),
        400,
    );
    assert_eq!(field(&e), "content");
    assert_eq!(server.counts().2, 0);
    // The CSV itself (text/csv): also validated with the name from the query, also limited.
    let csv = |name: &str, key: Option<&str>, body: &str| {
        let mut head = format!(
            "POST /api/v1/trade?name={name} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: text/csv\r\nContent-Length: {}\r\n",
            body.len()
        );
        if let Some(k) = key {
            head.push_str(&format!("Authorization: Bearer {k}\r\n"));
        }
        head.push_str("\r\n");
        head.push_str(body);
        client.raw(head.as_bytes(), &[]).unwrap()
    };
    expect(&csv("small.csv", None, SMALL), 401);
    let e = expect(
        &csv("raw.csv", Some(&analyst), "t,i,j,k,v,q\n2022,156,699,28369X,5,1\n"),
        422,
    );
    assert_eq!(e["error"]["problems"][0]["file"], "raw.csv", "{e}");
    assert_eq!(e["error"]["problems"][0]["line"], 2, "{e}");
    let big_csv = format!("t,i,j,k,v,q\n{}", "2022,156,699,283691,60,10\n".repeat(3000));
    expect(&csv("big.csv", Some(&analyst), &big_csv), 413);
    assert_eq!(server.counts().2, 0);
    let raw = expect(&csv("raw.csv", Some(&analyst), SMALL), 201);
    assert_eq!(raw["name"], "raw.csv");
    assert_eq!(raw["report"]["rows"], 6);
    assert_eq!(server.counts().2, 1);
    let stored = expect(
        &client.post_json("/api/v1/trade", Some(&analyst), &upload).unwrap(),
        201,
    );
    assert_eq!(stored["report"]["rows"], 6);
    assert_eq!(stored["source"], "baci");
    let trade_id = stored["id"].as_str().unwrap().to_owned();
    assert_eq!(server.counts().2, 2);
    expect(&client.get("/api/v1/trade", None).unwrap(), 200)
        .as_array()
        .unwrap()
        .iter()
        .for_each(|t| assert_ne!(t["id"], trade_id.as_str(), "an upload listed without a key"));
    let listed = expect(&client.get("/api/v1/trade", Some(&viewer)).unwrap(), 200);
    assert!(listed.as_array().unwrap().iter().any(|t| t["id"] == trade_id.as_str()));
    expect(
        &client.get(&format!("/api/v1/trade/{trade_id}/hhi"), None).unwrap(),
        401,
    );

    // HHI and dependence equal the library on the same file.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("small.csv");
    std::fs::write(&path, SMALL).unwrap();
    let table = critmin_trade::import(&path, &ImportOptions::default()).unwrap().table;
    let map = HsMap::embedded();
    for (query, side, basis, year) in [
        ("", Side::Exporter, Basis::Value, None),
        ("?by=quantity&t=2022", Side::Exporter, Basis::Quantity, Some(2022)),
        ("?side=importer&t=2023", Side::Importer, Basis::Value, Some(2023)),
    ] {
        let api = expect(
            &client
                .get(&format!("/api/v1/trade/{trade_id}/hhi{query}"), Some(&viewer))
                .unwrap(),
            200,
        );
        let filter = HhiFilter {
            year,
            ..HhiFilter::default()
        };
        let lib = critmin_trade::hhi_rows(
            critmin_trade::product_concentration(&table, side, basis),
            table.countries(),
            &map,
            HsRevision::Hs2022,
            side,
            basis,
            &filter,
        );
        assert!(!lib.is_empty());
        assert_eq!(api, reparse(&lib), "{query}");
    }
    let only = expect(
        &client
            .get(&format!("/api/v1/trade/{trade_id}/hhi?k=850760"), Some(&viewer))
            .unwrap(),
        200,
    );
    assert_eq!(only.as_array().unwrap().len(), 1);
    assert_eq!(only[0]["lumped"], true);
    let e = expect(
        &client
            .get(&format!("/api/v1/trade/{trade_id}/hhi?by=weight"), Some(&viewer))
            .unwrap(),
        400,
    );
    assert_eq!(field(&e), "by");
    let e = expect(
        &client
            .get(&format!("/api/v1/trade/{trade_id}/hhi?k=12"), Some(&viewer))
            .unwrap(),
        400,
    );
    assert_eq!(field(&e), "k");
    let api = expect(
        &client
            .get(
                &format!("/api/v1/trade/{trade_id}/dependence?importer=IND&mineral=lithium"),
                Some(&viewer),
            )
            .unwrap(),
        200,
    );
    let partners = critmin_metrics::PartnerSet::from_groups([critmin_model::Group::Msp]);
    let lithium = ds.mineral("lithium").unwrap().id.clone();
    let lib = critmin_trade::dependence_rows(
        &table,
        &map,
        HsRevision::Hs2022,
        &ds,
        "IND",
        &partners,
        Basis::Value,
        Some(&lithium),
    )
    .unwrap();
    assert!(!lib.is_empty());
    assert_eq!(api, reparse(&lib));
    let e = expect(
        &client
            .get(
                &format!("/api/v1/trade/{trade_id}/dependence?importer=XYZ"),
                Some(&viewer),
            )
            .unwrap(),
        400,
    );
    assert_eq!(field(&e), "importer");
    expect(&client.get("/api/v1/trade/nope/hhi", Some(&viewer)).unwrap(), 404);
    assert_eq!(server.counts(), (1, 2, 2));
}

#[test]
fn stress_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    scenario(&format!("sqlite:{}", dir.path().join("critmin.db").display()));
}

#[test]
fn stress_on_postgres() {
    let Some(pg) = ThrowawayPostgres::start().expect("starting PostgreSQL") else {
        return;
    };
    scenario(pg.url());
}
