//! `critmin serve --trade FILE` as a real process: the stress and trade endpoints answer what
//! the matching CLI commands print (`shock`, `risk`, `trade hhi`, `trade dependence`), and a
//! saved scenario survives a restart.

mod support;

use std::time::{Duration, Instant};

use critmin_server::test_client::Client;
use serde_json::{Value, json};
use support::{Server, critmin, critmin_with, tmp};

const SMALL: &str = "t,i,j,k,v,q
2022,156,699,283691,60,10
2022,36,699,283691,30,5
2022,152,699,283691,10,NA
2022,156,842,283691,100,20
2022,699,842,850760,50,2
2023,156,699,283691,80,16
";

fn get(client: &Client, path: &str, key: Option<&str>, status: u16) -> Value {
    let a = client.get(path, key).unwrap();
    assert_eq!(a.status, status, "GET {path}: {}", a.body);
    a.json()
}

fn post(client: &Client, path: &str, key: Option<&str>, body: &str, status: u16) -> Value {
    let a = client.post_json(path, key, body).unwrap();
    assert_eq!(a.status, status, "POST {path}: {}", a.body);
    a.json()
}

#[test]
fn serve_answers_what_the_commands_print() {
    let dir = tmp();
    std::fs::write(dir.path().join("small.csv"), SMALL).unwrap();
    let db = format!("sqlite:{}", dir.path().join("critmin.db").display());
    let server = Server::start(dir.path(), &db, &["--trade", "small.csv"]);
    let client = Client::new(server.addr);
    let analyst = critmin(dir.path(), &["keys", "create", "--role", "analyst", "--db", &db])
        .success()
        .stdout
        .trim()
        .to_owned();
    let cache = dir.path().join("cache").display().to_string();
    let env = [("XDG_CACHE_HOME", cache.as_str())];

    // The file given on the command line is listed and public.
    let list = get(&client, "/api/v1/trade", None, 200);
    assert_eq!(list[0]["id"], "file-1");
    assert_eq!(list[0]["name"], "small.csv");
    assert_eq!(list[0]["report"]["rows"], 6);
    // Its HHI and dependence rows are those of `critmin trade`.
    let api = get(&client, "/api/v1/trade/file-1/hhi?t=2022", None, 200);
    let cli = critmin_with(
        dir.path(),
        &["trade", "hhi", "small.csv", "--year", "2022", "--format", "json"],
        &env,
    )
    .success()
    .json();
    assert_eq!(api, cli);
    assert_eq!(api.as_array().unwrap().len(), 2);
    let api = get(&client, "/api/v1/trade/file-1/hhi?by=quantity&side=importer", None, 200);
    let cli = critmin_with(
        dir.path(),
        &[
            "trade",
            "hhi",
            "small.csv",
            "--by",
            "quantity",
            "--side",
            "importer",
            "--format",
            "json",
        ],
        &env,
    )
    .success()
    .json();
    assert_eq!(api, cli);
    let api = get(&client, "/api/v1/trade/file-1/dependence?importer=IND", None, 200);
    let cli = critmin_with(
        dir.path(),
        &[
            "trade",
            "dependence",
            "small.csv",
            "--importer",
            "IND",
            "--format",
            "json",
        ],
        &env,
    )
    .success()
    .json();
    assert_eq!(api, cli);
    assert!(!api.as_array().unwrap().is_empty());

    // A deterministic shock: the API's document is `critmin shock --format json`.
    let api = post(
        &client,
        "/api/v1/shocks",
        None,
        r#"{"scenario":"drc-cobalt-2025","stockpile_days":15,"countries":["IND","USA","JPN"]}"#,
        200,
    );
    let cli = critmin(
        dir.path(),
        &[
            "shock",
            "--scenario",
            "drc-cobalt-2025",
            "--stockpile-days",
            "15",
            "--country",
            "IND,USA,JPN",
            "--format",
            "json",
        ],
    )
    .success()
    .json();
    assert_eq!(api, cli);
    let e = post(
        &client,
        "/api/v1/shocks",
        None,
        r#"{"mineral":"cobalt","cuts":["COD:drilling:1"]}"#,
        400,
    );
    assert_eq!(e["error"]["field"], "cuts[0]");

    // A risk job: its result is `critmin risk --format json` (thread count aside).
    let job = post(
        &client,
        "/api/v1/jobs",
        Some(&analyst),
        &json!({"kind": "risk", "mineral": "nickel", "scenarios": 3000, "seed": 5, "country": "IND"}).to_string(),
        202,
    );
    let url = job["status_url"].as_str().unwrap().to_owned();
    let deadline = Instant::now() + Duration::from_secs(300);
    let finished = loop {
        let j = get(&client, &url, Some(&analyst), 200);
        if j["status"] == "succeeded" || j["status"] == "failed" {
            break j;
        }
        assert!(Instant::now() < deadline, "job did not finish: {j}");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(finished["status"], "succeeded", "{finished}");
    assert_eq!(finished["progress"]["done"], 3000);
    let mut api = get(&client, finished["result_url"].as_str().unwrap(), Some(&analyst), 200);
    let mut cli = critmin(
        dir.path(),
        &[
            "risk",
            "--mineral",
            "nickel",
            "--scenarios",
            "3000",
            "--seed",
            "5",
            "--country",
            "IND",
            "--format",
            "json",
        ],
    )
    .success()
    .json();
    api["threads"] = json!(0);
    cli["threads"] = json!(0);
    assert_eq!(api, cli);

    // A saved scenario is there after a restart, with its result.
    let saved = post(
        &client,
        "/api/v1/scenarios",
        Some(&analyst),
        r#"{"name":"Indonesia ore ban","spec":{"scenario":"indonesia-nickel-ore-2020"}}"#,
        201,
    );
    let id = saved["scenario"]["id"].as_str().unwrap().to_owned();
    drop(server);
    let server = Server::start(dir.path(), &db, &[]);
    let client = Client::new(server.addr);
    let one = get(&client, &format!("/api/v1/scenarios/{id}"), Some(&analyst), 200);
    assert_eq!(one["name"], "Indonesia ore ban");
    assert_eq!(one["results"][0]["result"], saved["result"]);
    // Without --trade the file is gone from the list.
    assert_eq!(get(&client, "/api/v1/trade", None, 200), json!([]));
    // A --trade file that does not parse stops the server with the reason.
    std::fs::write(dir.path().join("bad.csv"), "t,i,j,k,v,q\n2022,156,699,2836X1,60,10\n").unwrap();
    let run = critmin_with(
        dir.path(),
        &["serve", "--bind", "127.0.0.1:0", "--db", &db, "--trade", "bad.csv"],
        &env,
    )
    .fails_with(1);
    assert!(run.stderr.contains("--trade bad.csv"), "{}", run.stderr);
    assert!(run.stderr.contains(":2:"), "{}", run.stderr);
}
