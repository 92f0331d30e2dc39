//! The ledger over HTTP on SQLite and on a throwaway PostgreSQL: a generated access matrix over
//! every kind of write (each kind of entry, through `POST /api/v1/ledger/entries`) × {no key,
//! wrong signature, replay, foreign organisation, foreign signing key, viewer key, wrong role
//! (an auditor writing a transfer, a member registering an organisation, …), valid}, checking
//! the status and that the log size does not change on a rejection; malformed bodies naming
//! the field; a batch with one bad entry storing nothing; the read rules for the public,
//! members and auditors; checkpoints consistent with each other; and an offline bundle that
//! verifies.

use std::collections::HashMap;
use std::time::Duration;

use critmin_ledger::entry::{Payload, Signer, to_hex};
use critmin_ledger::{SignedEntry, bundle};
use critmin_merkle::case::ProofCase;
use critmin_server::ledger::LedgerService;
use critmin_server::test_client::{Answer, Client, TestServer};
use critmin_server::{AppState, ServerConfig};
use critmin_store::test_postgres::ThrowawayPostgres;
use critmin_store::{Role, Store};
use ed25519_dalek::SigningKey;
use serde_json::{Value, json};

const ORIGIN: &str = "http-test-log";
const ENTRIES: &str = "/api/v1/ledger/entries";

/// The test server ([`TestServer`]), with this file's helpers.
struct Running(TestServer);

impl std::ops::Deref for Running {
    type Target = TestServer;
    fn deref(&self) -> &TestServer {
        &self.0
    }
}

impl Running {
    fn start(url: &str, operator: &SigningKey) -> Running {
        let config = ServerConfig {
            body_timeout: Duration::from_secs(2),
            ..ServerConfig::default()
        };
        let operator = operator.clone();
        Running(TestServer::start(url, config, async move |state| {
            let ledger = LedgerService::open(&state.store, Some(operator)).await.expect("ledger");
            state.with_ledger(ledger)
        }))
    }

    fn key(&self, role: Role, org: Option<&str>) -> String {
        let created = match org {
            Some(org) => self.runtime.block_on(self.store.create_ledger_key(role, "test", org)),
            None => self.runtime.block_on(self.store.create_key(role, "test")),
        };
        created.unwrap().secret
    }

    /// The log size as the database holds it.
    fn stored(&self) -> i64 {
        self.runtime.block_on(self.store.ledger_entry_count()).unwrap()
    }
}

fn payload(v: Value) -> Payload {
    serde_json::from_value(v).expect("a payload")
}

fn body(entries: &[&SignedEntry]) -> String {
    json!({"entries": entries.iter().map(|e| to_hex(&e.encode())).collect::<Vec<_>>()}).to_string()
}

fn post(c: &Client, key: Option<&str>, entries: &[&SignedEntry]) -> Answer {
    c.post_json(ENTRIES, key, &body(entries)).unwrap()
}

fn lot(id: &str, mass_g: u64, cobalt_ppm: u32, country: &str, form: &str) -> Value {
    json!({"id": id, "form": form, "mass_g": mass_g, "grades": [{"element": "cobalt", "ppm": cobalt_ppm}], "country": country})
}

/// The organisations of the test, their signers and API keys.
struct World {
    signers: HashMap<&'static str, Signer>,
    keys: HashMap<&'static str, String>,
    viewer_keys: HashMap<&'static str, String>,
}

impl World {
    fn signer(&self, org: &str) -> Signer {
        self.signers[org].clone()
    }
}

/// One write kind: who may write it, who may not, and a valid payload for the current log.
struct Kind {
    name: &'static str,
    writer: &'static str,
    wrong_role: (&'static str, Payload),
    valid: Payload,
}

fn kinds(fresh: &SigningKey) -> Vec<Kind> {
    let auditor_transfer = (
        "auditor",
        payload(json!({"type": "transfer", "lot": "ore-2", "to": "refiner"})),
    );
    vec![
        Kind {
            name: "register_org",
            writer: "operator",
            wrong_role: (
                "mine",
                payload(
                    json!({"type": "register_org", "org": "late", "role": "member", "name": "Late",
                    "country": "AUS", "key": to_hex(&SigningKey::from_bytes(&[77; 32]).verifying_key().to_bytes())}),
                ),
            ),
            valid: payload(
                json!({"type": "register_org", "org": "smelter", "role": "member", "name": "Smelter",
                "country": "FIN", "key": to_hex(&SigningKey::from_bytes(&[66; 32]).verifying_key().to_bytes())}),
            ),
        },
        Kind {
            name: "add_key",
            writer: "mine",
            wrong_role: auditor_transfer.clone(),
            valid: payload(json!({"type": "add_key", "key": to_hex(&fresh.verifying_key().to_bytes())})),
        },
        Kind {
            name: "revoke_key",
            writer: "mine",
            wrong_role: auditor_transfer.clone(),
            valid: payload(json!({"type": "revoke_key", "key": to_hex(&fresh.verifying_key().to_bytes())})),
        },
        Kind {
            name: "extract",
            writer: "mine",
            wrong_role: (
                "auditor",
                payload(json!({"type": "extract", "lot": lot("ore-x", 1000, 20_000, "COD", "ore"), "site": "x"})),
            ),
            valid: payload(
                json!({"type": "extract", "lot": lot("ore-3", 2_000_000, 10_000, "AUS", "ore"), "site": "Murrin Murrin"}),
            ),
        },
        Kind {
            name: "transfer",
            writer: "mine",
            wrong_role: auditor_transfer.clone(),
            valid: payload(json!({"type": "transfer", "lot": "ore-1", "to": "refiner"})),
        },
        Kind {
            name: "transform",
            writer: "refiner",
            wrong_role: (
                "auditor",
                payload(
                    json!({"type": "transform", "inputs": [{"lot": "ore-1", "mass_g": 1_000_000}],
                    "outputs": [lot("conc-x", 100_000, 200_000, "FIN", "concentrate")],
                    "tolerance_ppm": 0, "model": "identity_preserved"}),
                ),
            ),
            valid: payload(
                json!({"type": "transform", "inputs": [{"lot": "ore-1", "mass_g": 1_000_000}],
                "outputs": [lot("conc-1", 100_000, 200_000, "FIN", "concentrate")],
                "tolerance_ppm": 0, "model": "identity_preserved"}),
            ),
        },
        Kind {
            name: "recycle",
            writer: "refiner",
            wrong_role: (
                "auditor",
                payload(
                    json!({"type": "recycle", "feed": [{"description": "scrap", "mass_g": 1000,
                    "grades": [{"element": "cobalt", "ppm": 100_000}]}],
                    "outputs": [lot("rec-x", 1000, 100_000, "USA", "black-mass")], "tolerance_ppm": 0, "post_consumer": true}),
                ),
            ),
            valid: payload(
                json!({"type": "recycle", "feed": [{"description": "batteries", "mass_g": 1000,
                "grades": [{"element": "cobalt", "ppm": 100_000}]}],
                "outputs": [lot("rec-1", 1000, 100_000, "USA", "black-mass")], "tolerance_ppm": 0, "post_consumer": true}),
            ),
        },
        Kind {
            name: "attest",
            writer: "auditor",
            wrong_role: (
                "mine",
                payload(json!({"type": "attest", "subject": 1, "verdict": true, "statement": "self-attested"})),
            ),
            valid: payload(json!({"type": "attest", "subject": 1, "verdict": true, "statement": "site visited"})),
        },
        Kind {
            name: "publish",
            writer: "operator",
            wrong_role: ("refiner", payload(json!({"type": "publish", "lot": "conc-1"}))),
            valid: payload(json!({"type": "publish", "lot": "conc-1"})),
        },
    ]
}

fn expect(a: &Answer, status: u16, what: &str) {
    assert_eq!(a.status, status, "{what}: {}", a.body);
}

/// The operator's self-registration, three organisations and their keys, two ore lots.
fn bootstrap(server: &Running, c: &Client, operator: &SigningKey) -> World {
    let mut signers = HashMap::new();
    let mut keys = HashMap::new();
    let mut viewer_keys = HashMap::new();
    let mut op = Signer::new(ORIGIN, "operator", operator.clone(), 0);
    keys.insert("operator", server.key(Role::Analyst, Some("operator")));
    let first = op.sign(
        payload(
            json!({"type": "register_org", "org": "operator", "role": "operator", "name": "Log operator",
            "country": "USA", "key": to_hex(&operator.verifying_key().to_bytes())}),
        ),
        1_700_000_000,
    );
    expect(
        &post(c, Some(&keys["operator"]), &[&first]),
        201,
        "the operator registers itself",
    );
    let mut registrations = Vec::new();
    for (i, (org, role, country)) in [
        ("mine", "member", "COD"),
        ("refiner", "member", "FIN"),
        ("auditor", "auditor", "CHE"),
    ]
    .into_iter()
    .enumerate()
    {
        let key = SigningKey::from_bytes(&[10 + i as u8; 32]);
        registrations.push(op.sign(
            payload(
                json!({"type": "register_org", "org": org, "role": role, "name": org, "country": country,
                "key": to_hex(&key.verifying_key().to_bytes())}),
            ),
            1_700_000_000,
        ));
        signers.insert(org, Signer::new(ORIGIN, org, key, 0));
        keys.insert(org, server.key(Role::Analyst, Some(org)));
        viewer_keys.insert(org, server.key(Role::Viewer, Some(org)));
    }
    viewer_keys.insert("operator", server.key(Role::Viewer, Some("operator")));
    let refs: Vec<&SignedEntry> = registrations.iter().collect();
    let a = post(c, Some(&keys["operator"]), &refs);
    expect(&a, 201, "registrations");
    assert_eq!(a.json()["indices"], json!([1, 2, 3]));
    signers.insert("operator", op);
    let mine = signers.get_mut("mine").unwrap();
    let ores = [
        mine.sign(
            payload(
                json!({"type": "extract", "lot": lot("ore-1", 1_000_000, 20_000, "COD", "ore"), "site": "Kolwezi"}),
            ),
            1_700_000_100,
        ),
        mine.sign(
            payload(
                json!({"type": "extract", "lot": lot("ore-2", 1_000_000, 20_000, "COD", "ore"), "site": "Kolwezi"}),
            ),
            1_700_000_100,
        ),
    ];
    expect(
        &post(c, Some(&keys["mine"]), &[&ores[0], &ores[1]]),
        201,
        "two ore lots",
    );
    World {
        signers,
        keys,
        viewer_keys,
    }
}

fn scenario(url: &str) {
    let operator = SigningKey::from_bytes(&[1; 32]);
    let server = Running::start(url, &operator);
    let c = Client::new(server.addr);
    let mut world = bootstrap(&server, &c, &operator);
    assert_eq!(server.stored(), 6);

    // The generated matrix: every kind × every case.
    let fresh = SigningKey::from_bytes(&[55; 32]);
    let mut cells = 0;
    for kind in kinds(&fresh) {
        let writer = kind.writer;
        let other = if writer == "mine" { "refiner" } else { "mine" };
        let mut s = world.signer(writer);
        let valid = s.sign(kind.valid.clone(), 1_700_000_200);
        let mut forged = valid.clone();
        forged.signature[7] ^= 1;
        let mut w = world.signer(kind.wrong_role.0);
        let wrong_role = w.sign(kind.wrong_role.1.clone(), 1_700_000_200);
        // Signed as the writer, with another organisation's registered key.
        let other_key = world.signer(other).key;
        let mut impostor = Signer::new(ORIGIN, writer, other_key, s.next_seq - 1);
        let foreign_key = impostor.sign(kind.valid.clone(), 1_700_000_200);
        let cases: Vec<(&str, Option<&str>, &SignedEntry, u16)> = vec![
            ("no key", None, &valid, 401),
            ("wrong signature", Some(&world.keys[writer]), &forged, 401),
            ("foreign organisation", Some(&world.keys[other]), &valid, 403),
            ("foreign key", Some(&world.keys[writer]), &foreign_key, 403),
            ("viewer key", Some(&world.viewer_keys[writer]), &valid, 403),
            ("wrong role", Some(&world.keys[kind.wrong_role.0]), &wrong_role, 403),
        ];
        for (case, key, entry, status) in cases {
            let before = server.stored();
            let a = post(&c, key, &[entry]);
            expect(&a, status, &format!("{} / {case}", kind.name));
            assert_eq!(
                server.stored(),
                before,
                "{} / {case}: a rejected write stored something",
                kind.name
            );
            cells += 1;
        }
        let before = server.stored();
        let a = post(&c, Some(&world.keys[writer]), &[&valid]);
        expect(&a, 201, &format!("{} / valid", kind.name));
        assert_eq!(a.json()["indices"], json!([before]));
        assert_eq!(server.stored(), before + 1);
        world.signers.insert(writer, s);
        // The same entry again is a replay.
        let a = post(&c, Some(&world.keys[writer]), &[&valid]);
        expect(&a, 409, &format!("{} / replay", kind.name));
        assert_eq!(a.json()["error"]["code"], "replay");
        assert_eq!(server.stored(), before + 1, "{} / replay stored something", kind.name);
        cells += 2;
    }
    assert_eq!(cells, 9 * 8);

    // Invalid content: 422 (mass balance), 400 naming the field (malformed), 401 for a key
    // that is not bound to any organisation but 403 for its writes.
    let before = server.stored();
    let mut refiner = world.signer("refiner");
    let off_balance = refiner.sign(
        payload(json!({"type": "transform", "inputs": [{"lot": "conc-1", "mass_g": 100_000}],
            "outputs": [lot("cathode-1", 50_000, 200_000, "FIN", "cathode")], "tolerance_ppm": 1000, "model": "segregated"})),
        1_700_000_300,
    );
    let a = post(&c, Some(&world.keys["refiner"]), &[&off_balance]);
    expect(&a, 422, "mass balance");
    assert_eq!(a.json()["error"]["code"], "mass_balance");
    assert_eq!(a.json()["error"]["field"], "entries[0]");
    for (text, field) in [
        (r#"{"entries": [12]}"#, "entries[0]"),
        (r#"{"entries": ["zz"]}"#, "entries[0]"),
        (r#"{"entries": []}"#, "entries"),
        (r#"{"entry": []}"#, "entry"),
    ] {
        let a = c.post_json(ENTRIES, Some(&world.keys["refiner"]), text).unwrap();
        expect(&a, 400, text);
        assert!(
            a.json()["error"]["field"].as_str().is_some_and(|f| f.contains(field)),
            "{text}: {}",
            a.body
        );
    }
    let unbound = server.key(Role::Admin, None);
    let a = post(&c, Some(&unbound), &[&off_balance]);
    expect(&a, 403, "a key bound to no organisation");
    // A batch whose second entry is rejected stores neither.
    let mut refiner = world.signer("refiner");
    let good = refiner.sign(
        payload(json!({"type": "transfer", "lot": "conc-1", "to": "mine"})),
        1_700_000_300,
    );
    let bad = refiner.sign(
        payload(json!({"type": "transfer", "lot": "ore-2", "to": "mine"})),
        1_700_000_300,
    );
    let a = post(&c, Some(&world.keys["refiner"]), &[&good, &bad]);
    expect(&a, 403, "a batch with an entry about a lot not in custody");
    assert_eq!(a.json()["error"]["field"], "entries[1]");
    assert_eq!(server.stored(), before, "a rejected batch stored something");

    // Reads: the public sees checkpoints and the published lot only.
    let public_lot = c.get("/api/v1/ledger/lots/conc-1", None).unwrap();
    expect(&public_lot, 200, "the published lot, publicly");
    assert_eq!(public_lot.json()["owner"], "refiner");
    assert_eq!(public_lot.json()["public"], true);
    expect(
        &c.get("/api/v1/ledger/lots/ore-2", None).unwrap(),
        404,
        "an unpublished lot, publicly",
    );
    expect(
        &c.get("/api/v1/ledger/lots/ore-2", Some(&world.viewer_keys["refiner"]))
            .unwrap(),
        404,
        "another member's lot",
    );
    expect(
        &c.get("/api/v1/ledger/lots/ore-2", Some(&world.viewer_keys["mine"]))
            .unwrap(),
        200,
        "the mine's own lot",
    );
    let public_entries = c.get("/api/v1/ledger/entries?limit=1000", None).unwrap().json();
    let size = server.stored() as u64;
    assert_eq!(public_entries["size"], size);
    let public_list = public_entries["entries"].as_array().unwrap();
    assert!(!public_list.is_empty());
    for e in public_list {
        let lots = e["body"]["payload"].to_string();
        assert!(
            lots.contains("conc-1") || lots.contains("ore-1"),
            "a public entry not about conc-1's chain: {e}"
        );
    }
    let auditor_list = c
        .get("/api/v1/ledger/entries?limit=1000", Some(&world.viewer_keys["auditor"]))
        .unwrap()
        .json();
    assert_eq!(auditor_list["entries"].as_array().unwrap().len() as u64, size);
    expect(
        &c.get("/api/v1/ledger/entries/5", None).unwrap(),
        404,
        "an entry hidden from the public",
    );
    let e = c
        .get("/api/v1/ledger/entries/5", Some(&world.viewer_keys["mine"]))
        .unwrap();
    expect(&e, 200, "the mine's own entry");
    assert_eq!(e.json()["kind"], "extract");
    expect(
        &c.get("/api/v1/ledger/entries?limit=0", None).unwrap(),
        400,
        "a limit of 0",
    );

    // Provenance and claims of the published lot.
    let p = c.get("/api/v1/ledger/provenance?lot=conc-1", None).unwrap();
    expect(&p, 200, "provenance");
    let shares = p.json()["shares"].clone();
    let cod = shares
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["measure"] == "origin COD")
        .expect("a COD share");
    assert_eq!(cod["exact"], "1");
    expect(
        &c.get("/api/v1/ledger/provenance?lot=conc-1&view=sideways", None)
            .unwrap(),
        400,
        "an unknown view",
    );
    let claim = c
        .get(
            "/api/v1/ledger/claims?lot=conc-1&rule=us-30d-critical-minerals&date=2025-06-01",
            None,
        )
        .unwrap();
    expect(&claim, 200, "a claim");
    assert!(["pass", "fail", "not_applicable"].contains(&claim.json()["verdict"].as_str().unwrap()));
    expect(
        &c.get("/api/v1/ledger/claims?lot=conc-1&rule=nope", None).unwrap(),
        400,
        "an unknown rule",
    );

    // Checkpoints: one per accepted batch, each consistent with every earlier one.
    let cps = c.get("/api/v1/ledger/checkpoints", None).unwrap().json();
    let cps = cps.as_array().unwrap();
    assert!(cps.len() >= 12, "{} checkpoints", cps.len());
    let latest = c.get("/api/v1/ledger/checkpoints/latest", None).unwrap().json();
    assert_eq!(&latest, cps.last().unwrap());
    assert_eq!(latest["size"], size);
    let hash = |v: &Value| -> [u8; 32] {
        critmin_ledger::entry::from_hex(v.as_str().unwrap())
            .unwrap()
            .try_into()
            .unwrap()
    };
    for pair in cps.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let (m, n) = (a["size"].as_u64().unwrap(), b["size"].as_u64().unwrap());
        assert!(m <= n);
        let proof = c
            .get(&format!("/api/v1/ledger/proofs/consistency?first={m}&second={n}"), None)
            .unwrap();
        let ProofCase::Consistency { root1, root2, .. } = ProofCase::parse(proof.body.as_bytes()).unwrap() else {
            panic!("not a consistency proof: {}", proof.body);
        };
        // The proof is about the two checkpoints' roots, and it holds.
        assert_eq!(root1, hash(&a["root"]).to_vec());
        assert_eq!(root2, hash(&b["root"]).to_vec());
        ProofCase::parse(proof.body.as_bytes())
            .unwrap()
            .verify()
            .expect("consistent checkpoints");
    }

    // The offline bundle of the published lot verifies with the pinned operator key.
    let b = c.get("/api/v1/ledger/bundle?lot=conc-1", None).unwrap();
    expect(&b, 200, "the bundle");
    let parsed = bundle::parse(b.body.as_bytes()).expect("a bundle");
    let report = bundle::verify(&parsed, Some(&operator.verifying_key().to_bytes())).expect("a valid bundle");
    assert_eq!(report.lot.as_str(), "conc-1");
    expect(
        &c.get("/api/v1/ledger/bundle?lot=ore-2", None).unwrap(),
        404,
        "a hidden lot's bundle",
    );
    let inc = c.get("/api/v1/ledger/proofs/inclusion?index=0", None).unwrap();
    expect(&inc, 404, "the operator's registration is not public");
    let inc = c
        .get(
            "/api/v1/ledger/proofs/inclusion?index=0",
            Some(&world.viewer_keys["auditor"]),
        )
        .unwrap();
    expect(&inc, 200, "an auditor's inclusion proof");
    let case = ProofCase::parse(inc.body.as_bytes()).unwrap();
    assert!(matches!(case, ProofCase::Inclusion { leaf_index: 0, tree_size, .. } if tree_size == size));
    case.verify().expect("a valid inclusion proof");

    // The OpenAPI document lists every ledger route.
    let doc = c.get("/api/v1/openapi.json", None).unwrap().json();
    for path in [
        "/api/v1/ledger/entries",
        "/api/v1/ledger/entries/{index}",
        "/api/v1/ledger/checkpoints",
        "/api/v1/ledger/checkpoints/latest",
        "/api/v1/ledger/lots/{lot}",
        "/api/v1/ledger/provenance",
        "/api/v1/ledger/claims",
        "/api/v1/ledger/bundle",
        "/api/v1/ledger/proofs/inclusion",
        "/api/v1/ledger/proofs/consistency",
    ] {
        assert!(
            doc["paths"][path].is_object(),
            "{path} missing from the OpenAPI document"
        );
    }

    // The dashboard page shows the latest checkpoint and the published lot's provenance.
    let page = c.get("/ledger?lot=conc-1", None).unwrap();
    expect(&page, 200, "the ledger page");
    assert!(page.body.contains(&format!("data-size=\"{size}\"")));
    assert!(page.body.contains("data-country=\"COD\""));
    assert!(!page.body.contains("ore-2"), "the page shows an unpublished lot");

    // A restart replays the same log from the database.
    let root = latest["root"].clone();
    drop(server);
    let server = Running::start(url, &operator);
    let c = Client::new(server.addr);
    let again = c.get("/api/v1/ledger/checkpoints/latest", None).unwrap().json();
    assert_eq!(again["root"], root);
    assert_eq!(
        c.get(
            "/api/v1/ledger/entries?limit=1000",
            Some(&world.viewer_keys["operator"])
        )
        .unwrap()
        .json()["entries"]
            .as_array()
            .unwrap()
            .len() as u64,
        size
    );
}

#[test]
fn sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    scenario(&format!("sqlite:{}", dir.path().join("critmin.db").display()));
}

#[test]
fn postgres_throwaway_server() {
    let Some(pg) = ThrowawayPostgres::start().expect("starting PostgreSQL") else {
        return;
    };
    scenario(pg.url());
}

#[test]
fn a_server_without_a_ledger_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("critmin.db").display());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (addr, stop) = runtime.block_on(async {
        let store = Store::connect(&url).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = AppState::new(critmin_data::load_embedded().unwrap(), store, ServerConfig::default());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(critmin_server::serve(listener, state, async {
            let _ = stopped.await;
        }));
        (addr, stop)
    });
    let c = Client::new(addr);
    let a = c.get("/api/v1/ledger/checkpoints", None).unwrap();
    assert_eq!(a.status, 404);
    assert!(a.body.contains("--ledger-key"));
    let page = c.get("/ledger", None).unwrap();
    assert_eq!(page.status, 200);
    assert!(page.body.contains("keeps no chain-of-custody ledger"));
    let _ = stop.send(());
}
