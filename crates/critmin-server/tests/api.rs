//! The API over a real socket, on SQLite and on a throwaway PostgreSQL: authentication and
//! roles, body limits, malformed bodies, slow clients, rejected requests that change nothing,
//! concurrent writers, and a job whose result equals the synchronous endpoint's.

use std::time::{Duration, Instant};

use critmin_server::ServerConfig;
use critmin_server::test_client::{Answer, Client, TestServer};
use critmin_store::Role;
use critmin_store::test_postgres::ThrowawayPostgres;
use serde_json::{Value, json};

const BODY_LIMIT: usize = 64 * 1024;
const HEADER: &str = "mineral,stage,country_iso3,year,value,unit,source,note\n";

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
            body_timeout: Duration::from_secs(1),
            header_timeout: Duration::from_secs(1),
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

    fn datasets(&self) -> i64 {
        self.runtime.block_on(self.store.count_datasets()).unwrap()
    }
}

fn upload(name: &str, value: &str) -> String {
    json!({
        "name": name,
        "files": [{
            "name": "my_production.csv",
            "content": format!("{HEADER}lithium,mine,AUS,2031,{value},t Li content,USER-TEST,\nlithium,mine,CHL,2031,800,t Li content,USER-TEST,\n"),
        }]
    })
    .to_string()
}

fn expect(answer: &Answer, status: u16) -> Value {
    assert_eq!(answer.status, status, "body: {}", answer.body);
    if answer.body.is_empty() {
        Value::Null
    } else {
        answer.json()
    }
}

fn scenario(url: &str) {
    let server = Running::start(url);
    let client = Client::new(server.addr);
    let admin = server.key(Role::Admin);
    let analyst = server.key(Role::Analyst);
    let viewer = server.key(Role::Viewer);

    // Probes and public reads need no key.
    assert_eq!(client.get("/healthz", None).unwrap().status, 200);
    assert_eq!(client.get("/readyz", None).unwrap().status, 200);
    let minerals = expect(&client.get("/api/v1/minerals", None).unwrap(), 200);
    assert!(minerals.as_array().unwrap().iter().any(|m| m["id"] == "lithium"));
    let openapi = expect(&client.get("/api/v1/openapi.json", None).unwrap(), 200);
    for path in [
        "/api/v1/concentration",
        "/api/v1/exposure/{country}",
        "/api/v1/datasets",
        "/api/v1/jobs/{id}",
    ] {
        assert!(openapi["paths"].get(path).is_some(), "OpenAPI lacks {path}");
    }
    let bad = expect(
        &client.get("/api/v1/concentration?mineral=unobtainium", None).unwrap(),
        400,
    );
    assert_eq!(bad["error"]["field"], "mineral");
    assert_eq!(
        expect(&client.get("/api/v1/exposure/XXX", None).unwrap(), 400)["error"]["field"],
        "country"
    );
    assert_eq!(
        expect(&client.get("/api/v1/nothing", None).unwrap(), 404)["error"]["code"],
        "not_found"
    );

    // Unauthenticated write: 401, even with a malformed body; nothing stored.
    let e = expect(
        &client.post_json("/api/v1/datasets", None, &upload("a", "1")).unwrap(),
        401,
    );
    assert_eq!(e["error"]["code"], "unauthorized");
    expect(&client.post_json("/api/v1/datasets", None, "{not json").unwrap(), 401);
    expect(
        &client
            .post_json("/api/v1/datasets", Some("cmk_forged"), &upload("a", "1"))
            .unwrap(),
        401,
    );
    assert_eq!(server.datasets(), 0);

    // Viewer write: 403; analyst creating keys: 403; nothing stored.
    let e = expect(
        &client
            .post_json("/api/v1/datasets", Some(&viewer), &upload("a", "1"))
            .unwrap(),
        403,
    );
    assert_eq!(e["error"]["code"], "forbidden");
    expect(
        &client
            .post_json("/api/v1/keys", Some(&analyst), r#"{"role":"admin"}"#)
            .unwrap(),
        403,
    );
    expect(
        &client
            .post_json("/api/v1/jobs", Some(&viewer), r#"{"kind":"concentration-overview"}"#)
            .unwrap(),
        403,
    );
    assert_eq!(server.datasets(), 0);

    // Oversized: 413 from the declared length, before the body is sent...
    let head = format!(
        "POST /api/v1/datasets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {analyst}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        BODY_LIMIT * 100
    );
    let e = expect(&client.raw(head.as_bytes(), &[]).unwrap(), 413);
    assert_eq!(e["error"]["code"], "body_too_large");
    // ... and from a chunked body as soon as it passes the limit.
    let head = format!(
        "POST /api/v1/datasets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {analyst}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    let chunk = format!("{:x}\r\n{}\r\n", 16 * 1024, "x".repeat(16 * 1024)).into_bytes();
    let later: Vec<(Duration, Vec<u8>)> = (0..8).map(|_| (Duration::ZERO, chunk.clone())).collect();
    expect(&client.raw(head.as_bytes(), &later).unwrap(), 413);
    assert_eq!(server.datasets(), 0);

    // Malformed bodies: 400 naming the field; bad data: 422 naming file, line and column.
    let e = expect(
        &client
            .post_json(
                "/api/v1/datasets",
                Some(&analyst),
                r#"{"name":"x","files":[{"name":"a.csv","content":5}]}"#,
            )
            .unwrap(),
        400,
    );
    assert_eq!(e["error"]["field"], "files[0].content");
    let e = expect(
        &client
            .post_json("/api/v1/datasets", Some(&analyst), r#"{"name":"x"}"#)
            .unwrap(),
        400,
    );
    assert!(e["error"]["message"].as_str().unwrap().contains("files"), "{e}");
    let e = expect(
        &client
            .post_json(
                "/api/v1/datasets",
                Some(&analyst),
                r#"{"name":"x","files":[],"extra":1}"#,
            )
            .unwrap(),
        400,
    );
    assert!(e["error"]["message"].as_str().unwrap().contains("extra"), "{e}");
    let e = expect(
        &client
            .post_json("/api/v1/datasets", Some(&analyst), r#"{"name":"x","files":[}"#)
            .unwrap(),
        400,
    );
    assert!(e["error"].get("field").is_none());
    let e = expect(
        &client
            .post_json("/api/v1/datasets", Some(&analyst), &upload("bad", "-5"))
            .unwrap(),
        422,
    );
    let problem = &e["error"]["problems"][0];
    assert_eq!(
        (problem["file"].as_str(), problem["line"].as_u64()),
        (Some("my_production.csv"), Some(2))
    );
    assert_eq!(problem["column"], "value");
    let e = expect(
        &client
            .post_json("/api/v1/jobs", Some(&analyst), r#"{"kind":"monte-carlo"}"#)
            .unwrap(),
        400,
    );
    assert!(e["error"]["message"].as_str().unwrap().contains("monte-carlo"), "{e}");
    // A slow client: headers, then nothing for longer than the body timeout.
    let head = format!(
        "POST /api/v1/datasets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {analyst}\r\nContent-Type: application/json\r\nContent-Length: 50\r\nConnection: close\r\n\r\n{{\"name\":"
    );
    let answer = client
        .raw(head.as_bytes(), &[(Duration::from_millis(2500), b"\"late\"".to_vec())])
        .unwrap();
    expect(&answer, 408);
    assert_eq!(server.datasets(), 0);
    // A client that stalls inside its headers is disconnected without an answer (or a 408).
    let answer = client.raw(
        b"GET /api/v1/minerals HTTP/1.1\r\nHost: x\r\n",
        &[(Duration::from_millis(2500), b"Connection: close\r\n\r\n".to_vec())],
    );
    assert!(
        answer.as_ref().map_or(true, |a| a.status == 408),
        "a stalled client got an answer: {:?}",
        answer.map(|a| a.status)
    );

    // An accepted write is readable with its report.
    let created = expect(
        &client
            .post_json("/api/v1/datasets", Some(&analyst), &upload("first", "1200"))
            .unwrap(),
        201,
    );
    let id = created["id"].as_str().unwrap().to_owned();
    let read = expect(
        &client.get(&format!("/api/v1/datasets/{id}"), Some(&viewer)).unwrap(),
        200,
    );
    assert_eq!(read["report"], created["report"]);
    assert_eq!(read["report"]["files"][0]["action"], "adds");
    expect(&client.get(&format!("/api/v1/datasets/{id}"), None).unwrap(), 401);

    // Concurrent writers: every acknowledged write is stored, none twice.
    let acked: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..6)
            .map(|t| {
                let client = client.clone();
                let key = analyst.clone();
                s.spawn(move || {
                    (0..5)
                        .map(|i| {
                            let a = client
                                .post_json("/api/v1/datasets", Some(&key), &upload(&format!("w{t}-{i}"), "1200"))
                                .unwrap();
                            expect(&a, 201)["id"].as_str().unwrap().to_owned()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    let listed = expect(&client.get("/api/v1/datasets", Some(&viewer)).unwrap(), 200);
    let listed: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(listed.len(), 31);
    assert!(acked.iter().all(|id| listed.contains(&id.as_str())));

    // Admin creates a key that works.
    let k = expect(
        &client
            .post_json("/api/v1/keys", Some(&admin), r#"{"role":"viewer","label":"x"}"#)
            .unwrap(),
        201,
    );
    expect(
        &client
            .get("/api/v1/datasets", Some(k["secret"].as_str().unwrap()))
            .unwrap(),
        200,
    );

    // A job: 202 with a status URL, progress to the end, a result equal to the endpoint's.
    let job = expect(
        &client
            .post_json("/api/v1/jobs", Some(&analyst), r#"{"kind":"concentration-overview"}"#)
            .unwrap(),
        202,
    );
    let status_url = job["status_url"].as_str().unwrap().to_owned();
    let deadline = Instant::now() + Duration::from_secs(120);
    let finished = loop {
        let j = expect(&client.get(&status_url, Some(&viewer)).unwrap(), 200);
        if j["status"] == "succeeded" || j["status"] == "failed" {
            break j;
        }
        assert!(Instant::now() < deadline, "job did not finish: {j}");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(finished["status"], "succeeded", "{finished}");
    assert_eq!(finished["progress"]["done"], finished["progress"]["total"]);
    assert_eq!(
        finished["progress"]["total"].as_u64().unwrap() as usize,
        minerals.as_array().unwrap().len()
    );
    let result = expect(
        &client
            .get(finished["result_url"].as_str().unwrap(), Some(&viewer))
            .unwrap(),
        200,
    );
    let direct = expect(&client.get("/api/v1/concentration", None).unwrap(), 200);
    let sorted = |v: &Value| {
        let mut rows: Vec<String> = v["series"].as_array().unwrap().iter().map(Value::to_string).collect();
        rows.sort();
        rows
    };
    assert_eq!(sorted(&result), sorted(&direct));
    // A job on the stored dataset sees its added series.
    let job = expect(
        &client
            .post_json(
                "/api/v1/jobs",
                Some(&analyst),
                &json!({"kind": "concentration-overview", "dataset": id, "year": 2031}).to_string(),
            )
            .unwrap(),
        202,
    );
    let url = job["status_url"].as_str().unwrap().to_owned();
    let deadline = Instant::now() + Duration::from_secs(120);
    let finished = loop {
        let j = expect(&client.get(&url, Some(&viewer)).unwrap(), 200);
        if j["status"] != "queued" && j["status"] != "running" {
            break j;
        }
        assert!(Instant::now() < deadline, "job did not finish: {j}");
        std::thread::sleep(Duration::from_millis(50));
    };
    let result = expect(
        &client
            .get(finished["result_url"].as_str().unwrap(), Some(&viewer))
            .unwrap(),
        200,
    );
    let series = result["series"].as_array().unwrap();
    assert_eq!(series.len(), 1, "{result}");
    assert_eq!(series[0]["top_country"], "AUS");
    let e = expect(
        &client
            .post_json(
                "/api/v1/jobs",
                Some(&analyst),
                r#"{"kind":"concentration-overview","dataset":"nope"}"#,
            )
            .unwrap(),
        400,
    );
    assert_eq!(e["error"]["field"], "dataset");
}

#[test]
fn api_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    scenario(&format!("sqlite:{}", dir.path().join("critmin.db").display()));
}

#[test]
fn api_on_postgres() {
    let Some(pg) = ThrowawayPostgres::start().expect("starting PostgreSQL") else {
        return;
    };
    scenario(pg.url());
}
