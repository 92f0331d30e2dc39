//! The planner through the API, on SQLite and on a throwaway PostgreSQL: roles (401/403),
//! 400 naming the field, project import validated like `critmin projects import` (nothing
//! stored on error), the outlook equal to the library's, the stock model, and optimize jobs
//! on a small instance whose optimum is worked out by hand, stored as portfolios (the
//! infeasible one with its explanation). Then `/outlook` in headless Chromium: the numbers on
//! the page equal the API's, no console message, a screenshot.

#[cfg(unix)]
mod support;

use std::time::{Duration, Instant};

use critmin_app::plan::{OutlookSpec, StockSpec, parse_project_text};
use critmin_server::ServerConfig;
use critmin_server::planner::outlook_document;
use critmin_server::test_client::{Answer, Client, TestServer};
use critmin_store::Role;
use critmin_store::test_postgres::ThrowawayPostgres;
use serde_json::{Value, json};

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
            body_limit: 256 * 1024,
            ..ServerConfig::default()
        };
        Running(TestServer::start(url, config, async |state| state))
    }

    /// (public id, secret) of a new key.
    fn key(&self, role: Role) -> (String, String) {
        let k = self.runtime.block_on(self.store.create_key(role, "test")).unwrap();
        (k.key.id, k.secret)
    }

    fn projects(&self) -> i64 {
        self.runtime.block_on(self.store.count_projects()).unwrap()
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

/// Equal JSON, numbers within 1e-12 relative (serde_json may parse the last digit one unit off).
fn assert_json_close(a: &Value, b: &Value, path: &str) {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!((x - y).abs() <= 1e-12 * x.abs().max(1.0), "{path}: {x} vs {y}");
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{path}: lengths");
            for (i, (x, y)) in x.iter().zip(y).enumerate() {
                assert_json_close(x, y, &format!("{path}[{i}]"));
            }
        }
        (Value::Object(x), Value::Object(y)) => {
            let (kx, ky): (Vec<&String>, Vec<&String>) = (x.keys().collect(), y.keys().collect());
            assert_eq!(kx, ky, "{path}: keys");
            for (k, v) in x {
                assert_json_close(v, &y[k], &format!("{path}.{k}"));
            }
        }
        _ => assert_eq!(a, b, "{path}"),
    }
}

const HEADER: &str = "id,name,mineral,stage,country,operator,owner_countries,partner_countries,status,capacity_t,start_year,ramp_up_years,capex_usd,unit_cost_usd_per_t,offtake_premium_usd_per_t,offtakes,probability,lead_time_years,as_of_year,source\n";

/// The hand-checkable instance: two certain projects in India, where no lithium is mined
/// today. HC-A sells up to 400 t at a premium of 100 USD/t; backing HC-B costs 50,000 USD
/// for 300 t.
fn hand_projects_csv() -> String {
    format!(
        "{HEADER}HC-A,Offtake mine,lithium,mine,IND,,IND:1,,operating,400,2025,0,,,100,,1,,2025,test instance\n\
         HC-B,Backable mine,lithium,mine,IND,,IND:1,,operating,300,2025,0,50000,,,,1,,2025,test instance\n"
    )
}

/// An optimize request for buyer USA, 1,000 t of lithium in 2030, no supplier risk
/// (disruption scale 0: market tonnes cost nothing), and at least `floor` of the requirement
/// from India.
fn optimize_request(floor: f64, projects: Value) -> Value {
    let mut r = json!({
        "kind": "optimize",
        "buyer": "USA",
        "mineral": "lithium",
        "stage": "mine",
        "year": 2030,
        "requirement_t": 1000,
        "budget_usd": 1_000_000,
        "disruption_scale": 0,
        "partner_floors": [{"partners": "IND", "min_share": floor}],
        "time_limit_s": 30,
    });
    let map = r.as_object_mut().unwrap();
    for (k, v) in projects.as_object().unwrap() {
        map.insert(k.clone(), v.clone());
    }
    r
}

fn wait_for_job(client: &Client, key: &str, job: &Value) -> Value {
    let url = job["status_url"].as_str().unwrap().to_owned();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let j = expect(&client.get(&url, Some(key)).unwrap(), 200);
        if j["status"] == "succeeded" || j["status"] == "failed" {
            return j;
        }
        assert!(Instant::now() < deadline, "job did not finish: {j}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Posts a job as `analyst`, waits for it as `viewer` and returns its result.
fn run_job(client: &Client, analyst: &str, viewer: &str, body: &Value) -> Value {
    let job = expect(
        &client
            .post_json("/api/v1/jobs", Some(analyst), &body.to_string())
            .unwrap(),
        202,
    );
    let done = wait_for_job(client, viewer, &job);
    assert_eq!(done["status"], "succeeded", "{done}");
    expect(
        &client.get(done["result_url"].as_str().unwrap(), Some(viewer)).unwrap(),
        200,
    )
}

fn scenario(url: &str) {
    let server = Running::start(url);
    let client = Client::new(server.addr);
    let ds = critmin_data::load_embedded().unwrap();
    let (analyst_id, analyst) = server.key(Role::Analyst);
    let (_, viewer) = server.key(Role::Viewer);

    // Every route is in the OpenAPI document.
    let openapi = expect(&client.get("/api/v1/openapi.json", None).unwrap(), 200);
    for path in [
        "/api/v1/projects",
        "/api/v1/projects/{id}",
        "/api/v1/outlook",
        "/api/v1/recycle/stock",
        "/api/v1/portfolios",
        "/api/v1/portfolios/{id}",
    ] {
        assert!(openapi["paths"].get(path).is_some(), "OpenAPI lacks {path}");
    }
    let schemas = &openapi["components"]["schemas"];
    assert!(
        schemas["PortfolioSpec"]["properties"].get("budget_usd").is_some(),
        "OpenAPI lacks the optimize job's fields"
    );

    // Public reads: India's pipeline, never with an invented capacity.
    let list = expect(&client.get("/api/v1/projects", None).unwrap(), 200);
    assert_eq!(list["stored_included"], false);
    let pipeline = list["projects"].as_array().unwrap();
    assert!(!pipeline.is_empty());
    assert!(
        pipeline
            .iter()
            .all(|p| p["origin"] == "india_pipeline" && p["capacity_t"].is_null())
    );
    let first_id = pipeline[0]["id"].as_str().unwrap().to_owned();
    let one = expect(&client.get(&format!("/api/v1/projects/{first_id}"), None).unwrap(), 200);
    assert_eq!(one["id"], first_id.as_str());

    // The outlook through the API equals the library's, number for number.
    let api = expect(
        &client
            .get("/api/v1/outlook?mineral=lithium&scenario=STEPS", None)
            .unwrap(),
        200,
    );
    let mut spec = OutlookSpec::new("lithium");
    spec.scenario = Some("STEPS".into());
    let lib = serde_json::to_value(outlook_document(&spec.run(&ds, &[], Vec::new()).unwrap())).unwrap();
    assert_json_close(&api, &lib, "outlook");
    assert_eq!(api["years"].as_array().unwrap().len(), 16);
    assert_eq!(api["years"][0]["balance"][0]["scenario"], "STEPS");
    for (query, field) in [
        ("mineral=unobtainium", "mineral"),
        ("mineral=lithium&scenario=XYZ", "scenario"),
        ("mineral=lithium&from=2040&to=2030", "to"),
        ("mineral=lithium&partners=nowhere", "partners"),
        ("mineral=lithium&from=soon", "from"),
    ] {
        let e = expect(&client.get(&format!("/api/v1/outlook?{query}"), None).unwrap(), 400);
        assert_eq!(e["error"]["field"], field, "{query}: {e}");
    }
    expect(
        &client.get("/api/v1/outlook?mineral=lithium&stored=true", None).unwrap(),
        401,
    );

    // The stock model: no key; equal to the library; mass balance; fields named.
    let body = json!({"inflow": [10, 20, 30, 0, 0, 5], "lifetime": "fixed:2", "first_year": 2020, "collection": 0.5});
    let stock = expect(
        &client
            .post_json("/api/v1/recycle/stock", None, &body.to_string())
            .unwrap(),
        200,
    );
    let lib: StockSpec = serde_json::from_value(body).unwrap();
    let lib = lib.run().unwrap();
    assert_eq!(stock["year"], json!([2020, 2021, 2022, 2023, 2024, 2025]));
    for (k, want) in [
        ("stock", &lib.result.stock),
        ("outflow", &lib.result.outflow),
        ("secondary_supply", &lib.secondary_supply),
    ] {
        assert_json_close(&stock[k], &json!(want), k);
    }
    for t in 0..6 {
        let f = |k: &str| stock[k][t].as_f64().unwrap();
        assert!((f("inflow") - f("outflow") - f("stock_change")).abs() < 1e-9);
        assert!((f("secondary_supply") - 0.5 * f("outflow")).abs() < 1e-12);
    }
    for (body, field) in [
        (json!({"inflow": [1], "lifetime": 5}), "lifetime"),
        (json!({"inflow": [1], "lifetime": "gamma:1"}), "lifetime"),
        (json!({"inflow": [1, "x"], "lifetime": "fixed:2"}), "inflow[1]"),
        (json!({"inflow": [1], "lifetime": "fixed:2", "recovery": 3}), "recovery"),
        (json!({"inflow": vec![1.0; 1001], "lifetime": "fixed:2"}), "inflow"),
        (json!({"inflow": [1], "stock": [1], "lifetime": "fixed:2"}), "inflow"),
    ] {
        let e = expect(
            &client
                .post_json("/api/v1/recycle/stock", None, &body.to_string())
                .unwrap(),
            400,
        );
        assert_eq!(e["error"]["field"], field, "{e}");
    }

    // Imports: 401 without a key (even malformed), 403 for a viewer; nothing stored.
    let csv = hand_projects_csv();
    expect(
        &client.post_typed("/api/v1/projects", None, "text/csv", &csv).unwrap(),
        401,
    );
    expect(&client.post_json("/api/v1/projects", None, "{oops").unwrap(), 401);
    expect(
        &client
            .post_typed("/api/v1/projects", Some(&viewer), "text/csv", &csv)
            .unwrap(),
        403,
    );
    assert_eq!(server.projects(), 0);
    // Validation as `projects import`: every problem names its row and column; nothing stored.
    let bad_csv = format!(
        "{HEADER}OK-1,Fine,lithium,mine,AUS,,,,operating,10,2026,0,,,,,,,2025,x\n\
         BAD-1,Bad,lithium,mine,XXX,,,,operating,lots,2026,0,,,,,,,2025,x\n"
    );
    let e = expect(
        &client
            .post_typed("/api/v1/projects", Some(&analyst), "text/csv", &bad_csv)
            .unwrap(),
        422,
    );
    assert_eq!(e["error"]["field"], "projects[1].country", "{e}");
    let problems = e["error"]["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 2, "{e}");
    assert_eq!(
        (problems[1]["line"].as_u64(), problems[1]["column"].as_str()),
        (Some(3), Some("capacity_t"))
    );
    assert!(
        problems[1]["message"]
            .as_str()
            .unwrap()
            .starts_with("projects[1].capacity_t")
    );
    let rows = json!({"projects": [
        {"id": "J-1", "mineral": "lithium", "stage": "mine", "country": "AUS", "status": "operating", "capacity_t": 5, "start_year": 2026},
        {"id": "J-2", "mineral": "lithium", "stage": "mine", "country": "AUS", "status": "sometime", "capacity_t": 5, "start_year": 2026},
    ]});
    let e = expect(
        &client
            .post_json("/api/v1/projects", Some(&analyst), &rows.to_string())
            .unwrap(),
        422,
    );
    assert_eq!(e["error"]["field"], "projects[1].status", "{e}");
    // Malformed JSON: 400 naming the field.
    let e = expect(
        &client
            .post_json("/api/v1/projects", Some(&analyst), r#"{"projects":[{"id":["a"]}]}"#)
            .unwrap(),
        400,
    );
    assert_eq!(e["error"]["field"], "projects[0].id", "{e}");
    let e = expect(
        &client
            .post_json(
                "/api/v1/projects",
                Some(&analyst),
                r#"{"projects":[{"id":"a","mineral":"lithium","stage":"mine","country":"AUS","status":"operating","colour":"red"}]}"#,
            )
            .unwrap(),
        400,
    );
    assert!(e["error"]["message"].as_str().unwrap().contains("colour"), "{e}");
    expect(
        &client
            .post_typed("/api/v1/projects", Some(&analyst), "text/plain", &csv)
            .unwrap(),
        415,
    );
    let e = expect(
        &client
            .post_json("/api/v1/projects", Some(&analyst), r#"{"projects":[]}"#)
            .unwrap(),
        400,
    );
    assert_eq!(e["error"]["field"], "projects");
    let too_many: Vec<Value> = (0..1001).map(|i| json!({"id": format!("M{i}"), "mineral": "lithium", "stage": "mine", "country": "AUS", "status": "operating"})).collect();
    let e = expect(
        &client
            .post_json(
                "/api/v1/projects",
                Some(&analyst),
                &json!({"projects": too_many}).to_string(),
            )
            .unwrap(),
        400,
    );
    assert_eq!(e["error"]["field"], "projects");
    assert_eq!(server.projects(), 0);

    // An accepted import (CSV), then JSON; an id already stored or shipped: 409, nothing stored.
    let created = expect(
        &client
            .post_typed("/api/v1/projects", Some(&analyst), "text/csv", &csv)
            .unwrap(),
        201,
    );
    assert_eq!(created["projects"].as_array().unwrap().len(), 2);
    assert_eq!(created["projects"][0]["capacity_t"], 400.0);
    assert_eq!(created["projects"][1]["capex_usd"], 50000.0);
    // A later import (a later time) lists after the first.
    std::thread::sleep(Duration::from_millis(20));
    let one = json!({"projects": [{"id": "J-1", "name": "Json mine", "mineral": "lithium", "stage": "mine",
        "country": "AUS", "status": "feasibility", "capacity_t": "250", "start_year": 2029, "source": "test"}]});
    let j = expect(
        &client
            .post_json("/api/v1/projects", Some(&analyst), &one.to_string())
            .unwrap(),
        201,
    );
    assert!(j["projects"][0]["probability"].as_f64().is_some());
    let dup = format!(
        "{HEADER}NEW-1,x,lithium,mine,AUS,,,,operating,1,2026,0,,,,,,,2025,x\nHC-A,again,lithium,mine,AUS,,,,operating,1,2026,0,,,,,,,2025,x\n"
    );
    let e = expect(
        &client
            .post_typed("/api/v1/projects", Some(&analyst), "text/csv", &dup)
            .unwrap(),
        409,
    );
    assert_eq!(e["error"]["field"], "projects[1].id");
    let shipped = format!("{HEADER}{first_id},x,lithium,mine,AUS,,,,operating,1,2026,0,,,,,,,2025,x\n");
    let e = expect(
        &client
            .post_typed("/api/v1/projects", Some(&analyst), "text/csv", &shipped)
            .unwrap(),
        409,
    );
    assert_eq!(e["error"]["field"], "projects[0].id");
    assert_eq!(server.projects(), 3);

    // Stored projects need a viewer key to read; the outlook can count them.
    let list = expect(&client.get("/api/v1/projects", Some(&viewer)).unwrap(), 200);
    assert_eq!(list["stored_included"], true);
    let stored: Vec<&str> = list["projects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["origin"] == "stored")
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(stored, ["HC-A", "HC-B", "J-1"]);
    expect(&client.get("/api/v1/projects/HC-A", None).unwrap(), 401);
    let a = expect(&client.get("/api/v1/projects/HC-A", Some(&viewer)).unwrap(), 200);
    assert_eq!(
        (a["location"].as_str(), a["capacity_t"].as_f64()),
        (Some("IND"), Some(400.0))
    );
    expect(&client.get("/api/v1/projects/NOPE", Some(&viewer)).unwrap(), 404);
    let with_stored = expect(
        &client
            .get("/api/v1/outlook?mineral=lithium&stored=true", Some(&viewer))
            .unwrap(),
        200,
    );
    let mut projects = parse_project_text("p", "p.csv", &csv, &ds).unwrap();
    projects.extend(
        parse_project_text(
            "p",
            "p.csv",
            &format!("{HEADER}J-1,Json mine,lithium,mine,AUS,,,,feasibility,250,2029,,,,,,,,,test\n"),
            &ds,
        )
        .unwrap(),
    );
    let lib = serde_json::to_value(outlook_document(
        &OutlookSpec::new("lithium").run(&ds, &projects, Vec::new()).unwrap(),
    ))
    .unwrap();
    assert_json_close(&with_stored, &lib, "outlook with stored projects");
    assert_eq!(with_stored["projects_counted"], json!(["HC-A", "HC-B", "J-1"]));

    // Optimize jobs: roles, fields named before anything is stored.
    let good = optimize_request(0.5, json!({"project_ids": ["HC-A", "HC-B"]}));
    expect(&client.post_json("/api/v1/jobs", None, &good.to_string()).unwrap(), 401);
    expect(
        &client
            .post_json("/api/v1/jobs", Some(&viewer), &good.to_string())
            .unwrap(),
        403,
    );
    let mut bad = good.clone();
    bad["caps"] = json!([{"country": "XXX", "max_share": 0.5}]);
    let e = expect(
        &client
            .post_json("/api/v1/jobs", Some(&analyst), &bad.to_string())
            .unwrap(),
        400,
    );
    assert_eq!(e["error"]["field"], "caps[0].country");
    let mut bad = good.clone();
    bad["requirement_t"] = json!("lots");
    let e = expect(
        &client
            .post_json("/api/v1/jobs", Some(&analyst), &bad.to_string())
            .unwrap(),
        400,
    );
    assert_eq!(e["error"]["field"], "requirement_t");
    let mut bad = good.clone();
    bad["project_ids"] = json!(["HC-A", "GHOST"]);
    let e = expect(
        &client
            .post_json("/api/v1/jobs", Some(&analyst), &bad.to_string())
            .unwrap(),
        400,
    );
    assert_eq!(e["error"]["field"], "project_ids[1]");
    let mut bad = good.clone();
    bad["projects"] = json!([{"id": "X", "mineral": "lithium", "stage": "mine", "country": "IND", "status": "operating", "capacity_t": -1}]);
    let e = expect(
        &client
            .post_json("/api/v1/jobs", Some(&analyst), &bad.to_string())
            .unwrap(),
        422,
    );
    assert_eq!(e["error"]["field"], "projects[0].capacity_t");
    expect(&client.get("/api/v1/portfolios", None).unwrap(), 401);
    assert_eq!(
        expect(&client.get("/api/v1/portfolios", Some(&viewer)).unwrap(), 200),
        json!([])
    );

    // The known optimum. At least 500 t must come from India, which only HC-A (≤ 400 t) and
    // HC-B (300 t) supply, so HC-B is backed (50,000 USD) and 200 t are bought from HC-A at
    // 100 USD/t (20,000 USD); the market supplies the other 500 t at no risk cost. Optimum:
    // 70,000 USD.
    let job = expect(
        &client
            .post_json("/api/v1/jobs", Some(&analyst), &good.to_string())
            .unwrap(),
        202,
    );
    assert_eq!(job["kind"], "optimize");
    let done = wait_for_job(&client, &viewer, &job);
    assert_eq!(done["status"], "succeeded", "{done}");
    let result = expect(
        &client.get(done["result_url"].as_str().unwrap(), Some(&viewer)).unwrap(),
        200,
    );
    assert_eq!(result["status"], "optimal", "{result}");
    let objective = result["objective_usd"].as_f64().unwrap();
    assert!((objective - 70_000.0).abs() < 1e-6 * 70_000.0, "{result}");
    let chosen: Vec<(String, String, f64)> = result["chosen"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_owned(),
                c["action"].as_str().unwrap().to_owned(),
                c["tonnes"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(chosen.len(), 2, "{chosen:?}");
    let find = |id: &str| chosen.iter().find(|c| c.0 == id).unwrap();
    assert!(
        find("HC-B").1.contains("back") && (find("HC-B").2 - 300.0).abs() < 1e-6,
        "{chosen:?}"
    );
    assert!(
        find("HC-A").1.contains("offtake") && (find("HC-A").2 - 200.0).abs() < 1e-6,
        "{chosen:?}"
    );
    assert!(result["unmet_t"].as_f64().unwrap().abs() < 1e-6);
    let portfolio_id = result["portfolio_id"].as_str().unwrap().to_owned();
    let p = expect(
        &client
            .get(&format!("/api/v1/portfolios/{portfolio_id}"), Some(&viewer))
            .unwrap(),
        200,
    );
    assert_eq!(p["status"], "optimal");
    assert_eq!(p["job_id"], job["id"]);
    assert_eq!(p["created_by"], analyst_id.as_str());
    assert_json_close(&p["result"]["chosen"], &result["chosen"], "stored chosen");
    // The stored request holds the stored projects' rows, not just their ids.
    assert_eq!(p["spec"]["projects"].as_array().unwrap().len(), 2);
    assert_eq!(p["spec"]["projects"][0]["id"], "HC-A");

    // An infeasible instance (80 % from India, at most 700 t there), with inline projects:
    // stored with its explanation.
    let rows = json!({"projects": [
        {"id": "IN-A", "mineral": "lithium", "stage": "mine", "country": "IND", "status": "operating", "capacity_t": 400,
         "start_year": 2025, "offtake_premium_usd_per_t": 100, "probability": 1},
        {"id": "IN-B", "mineral": "lithium", "stage": "mine", "country": "IND", "status": "operating", "capacity_t": 300,
         "start_year": 2025, "capex_usd": 50000, "probability": 1},
    ]});
    let result = run_job(&client, &analyst, &viewer, &optimize_request(0.8, rows));
    assert_eq!(result["status"], "infeasible", "{result}");
    assert!(result["objective_usd"].is_null());
    let explanation = result["explanation"].as_str().unwrap();
    assert!(
        explanation.contains("no portfolio meets every constraint") && explanation.contains("floor_IND"),
        "{explanation}"
    );
    let violation = &result["violations"][0];
    assert_eq!(violation["constraint"], "floor_IND");
    assert!(
        (violation["amount"].as_f64().unwrap() - 100.0).abs() < 1e-6,
        "{violation}"
    );
    let latest = expect(&client.get("/api/v1/portfolios", Some(&viewer)).unwrap(), 200);
    let latest = latest.as_array().unwrap();
    assert_eq!(latest.len(), 2);
    assert_eq!(latest[0]["id"], result["portfolio_id"]);
    assert_eq!(latest[0]["status"], "infeasible");
    assert_eq!(latest[0]["explanation"].as_str(), Some(explanation));
    assert_eq!(latest[1]["id"], portfolio_id.as_str());
    expect(&client.get("/api/v1/portfolios/nope", Some(&viewer)).unwrap(), 404);

    // The CVaR portfolio: the same request as the CLI's `plan-optimize-cvar` snapshot gives the
    // same portfolio, market, shadow prices and notes (both shells join network and planner
    // through critmin-app).
    let cvar = json!({
        "kind": "optimize", "buyer": "USA+IND", "budget_usd": 2_000_000_000u64, "requirement_t": 20000,
        "risk_scenarios": 500, "seed": 3, "examples": true, "caps": [{"country": "CHN", "max_share": 0.5}],
    });
    let bad = cvar
        .as_object()
        .unwrap()
        .clone()
        .into_iter()
        .chain([("cvar_alpha".to_owned(), json!(1))]);
    let bad: serde_json::Map<String, Value> = bad.collect();
    let rejected = expect(
        &client
            .post_json("/api/v1/jobs", Some(&analyst), &Value::Object(bad).to_string())
            .unwrap(),
        400,
    );
    assert_eq!(rejected["error"]["field"], "cvar_alpha", "{rejected}");
    let result = run_job(&client, &analyst, &viewer, &cvar);
    let cli_file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../critmin-cli/tests/snapshots/plan-optimize-cvar.json"
    );
    let cli: Value = serde_json::from_str(&std::fs::read_to_string(cli_file).unwrap()).unwrap();
    for field in [
        "status",
        "risk_measure",
        "chosen",
        "market",
        "shares",
        "shadow_prices",
        "notes",
    ] {
        assert_json_close(&result[field], &cli[field], field);
    }
    for field in ["objective_usd", "risk_t", "cost_usd", "unmet_t"] {
        assert_json_close(&result[field], &cli[field], field);
    }
}

#[test]
fn planner_api_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    scenario(&format!("sqlite:{}", dir.path().join("critmin.db").display()));
}

#[test]
fn planner_api_on_postgres() {
    let Some(pg) = ThrowawayPostgres::start().expect("starting PostgreSQL") else {
        return;
    };
    scenario(pg.url());
}

// ---------------------------------------------------------------------------------------------
// `/outlook` in headless Chromium (see `dashboard_browser.rs` for the method: `--dump-dom`,
// console lines on stderr with `--enable-logging=stderr --v=0`).

#[cfg(unix)]
mod browser {
    use super::support::{attr, browse, chromium, screenshot};
    use super::*;

    /// The start tag of the element whose start tag contains every one of `markers`.
    fn tag_with<'a>(dom: &'a str, markers: &[&str]) -> Option<&'a str> {
        dom.match_indices('<')
            .map(|(i, _)| &dom[i..i + dom[i..].find('>').unwrap_or(0) + 1])
            .find(|t| markers.iter().all(|m| t.contains(m)))
    }

    /// Text of the element starting with `tag` (up to the next `<`).
    fn text_after<'a>(dom: &'a str, tag: &str) -> &'a str {
        let at = dom.find(tag).unwrap() + tag.len();
        dom[at..at + dom[at..].find('<').unwrap()].trim()
    }

    fn close(shown: &str, api: f64) {
        let shown: f64 = shown.parse().unwrap();
        assert!(
            (shown - api).abs() <= 1e-12 * api.abs().max(1.0),
            "page {shown} vs API {api}"
        );
    }

    #[test]
    fn outlook_page_shows_the_apis_numbers() {
        let Some(chromium) = chromium() else { return };
        let dir = tempfile::tempdir().unwrap();
        let server = Running::start(&format!("sqlite:{}", dir.path().join("critmin.db").display()));
        let client = Client::new(server.addr);
        let (_, analyst) = server.key(Role::Analyst);
        let base = format!("http://{}", server.addr);

        // Before any optimizer run the page says so.
        let dom = browse(chromium, &["--dump-dom".into()], &format!("{base}/outlook"));
        assert!(dom.contains("id=\"no-portfolios\""));
        assert!(dom.contains("<a href=\"/outlook\">Outlook</a>"), "nav link missing");

        // One portfolio, for the latest-portfolios table.
        let rows = json!({"projects": [
            {"id": "B-A", "mineral": "lithium", "stage": "mine", "country": "IND", "status": "operating", "capacity_t": 400,
             "start_year": 2025, "offtake_premium_usd_per_t": 100, "probability": 1},
            {"id": "B-B", "mineral": "lithium", "stage": "mine", "country": "IND", "status": "operating", "capacity_t": 300,
             "start_year": 2025, "capex_usd": 50000, "probability": 1},
        ]});
        let job = expect(
            &client
                .post_json("/api/v1/jobs", Some(&analyst), &optimize_request(0.5, rows).to_string())
                .unwrap(),
            202,
        );
        let done = wait_for_job(&client, &analyst, &job);
        let result = expect(
            &client
                .get(done["result_url"].as_str().unwrap(), Some(&analyst))
                .unwrap(),
            200,
        );

        // Cobalt, APS picked: every point and every mix cell equals /api/v1/outlook.
        let dom = browse(
            chromium,
            &["--dump-dom".into()],
            &format!("{base}/outlook?mineral=cobalt&scenario=APS"),
        );
        assert!(dom.contains("<option value=\"cobalt\" selected"), "cobalt not picked");
        assert!(dom.contains("<option value=\"APS\" selected"), "APS not picked");
        assert!(dom.contains("<form method=\"get\" action=\"/outlook\">"));
        let api = expect(
            &client.get("/api/v1/outlook?mineral=cobalt&scenario=APS", None).unwrap(),
            200,
        );
        let years = api["years"].as_array().unwrap();
        assert!(!years.is_empty());
        let mut demand_points = 0;
        for y in years {
            let year = y["year"].to_string();
            let year_attr = format!("data-year=\"{year}\"");
            let supply = tag_with(&dom, &["data-series=\"supply\"", &year_attr]).expect("supply point");
            close(attr(supply, "data-value").unwrap(), y["total"].as_f64().unwrap());
            if let Some(d) = y["balance"][0]["demand"].as_f64() {
                let point = tag_with(&dom, &["data-series=\"APS\"", &year_attr]).expect("demand point");
                close(attr(point, "data-value").unwrap(), d);
                demand_points += 1;
            }
            let row = format!("<tr data-year=\"{year}\">");
            let at = dom.find(&row).unwrap_or_else(|| panic!("no mix row for {year}"));
            let row_dom = &dom[at..at + dom[at..].find("</tr>").unwrap()];
            let mix = &y["location_mix"];
            for (k, v) in [
                ("hhi", &mix["hhi"]),
                ("top3", &mix["top3_share"]),
                ("partner", &mix["partner_share"]),
                ("feoc", &mix["feoc_share"]),
            ] {
                let cell = tag_with(row_dom, &[&format!("data-k=\"{k}\"")]).unwrap();
                close(attr(cell, "data-value").unwrap(), v.as_f64().unwrap());
            }
            let top3 = tag_with(row_dom, &["data-k=\"top3\""]).unwrap();
            assert_eq!(
                text_after(row_dom, top3),
                format!("{:.1}%", mix["top3_share"].as_f64().unwrap() * 100.0)
            );
        }
        assert!(demand_points >= 2, "APS demand not drawn");
        // Unit, legend and source are on the page.
        let unit = api["unit"].as_str().unwrap();
        assert!(dom.contains(&format!("Unit: {unit}")), "unit missing");
        assert!(dom.contains("id=\"outlook-legend\"") && dom.contains("demand APS"));
        assert!(dom.contains("IEA (2025), Critical Minerals Dataset"));
        // The latest portfolio, with the API's objective.
        let pid = result["portfolio_id"].as_str().unwrap();
        let row = tag_with(&dom, &[&format!("data-id=\"{pid}\"")]).expect("portfolio row");
        assert!(row.starts_with("<tr"));
        let at = dom.find(row).unwrap();
        let row_dom = &dom[at..at + dom[at..].find("</tr>").unwrap()];
        let objective = tag_with(row_dom, &["data-k=\"objective\""]).unwrap();
        close(
            attr(objective, "data-value").unwrap(),
            result["objective_usd"].as_f64().unwrap(),
        );

        // A screenshot for people.
        screenshot(chromium, &format!("{base}/outlook?mineral=lithium"), "outlook");
    }
}
