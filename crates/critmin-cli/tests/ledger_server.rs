//! The ledger behind the real `critmin serve`, on SQLite and on a throwaway PostgreSQL: the log
//! is created with `critmin ledger --db`, keys are bound to organisations with `critmin keys
//! create --org`, four threads append signed entries while the server is killed with SIGKILL
//! at random points three times and restarted; afterwards every acknowledged entry is in the log
//! at its index, byte for byte, every checkpoint is consistent with every earlier one, and
//! `critmin ledger verify` accepts a bundle downloaded from the API.

mod support;

use support::Server;

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, RwLock};
use std::time::{Duration, Instant};

use critmin_ledger::entry::{Payload, Signer, from_hex, to_hex};
use critmin_merkle::case::ProofCase;
use critmin_server::test_client::Client;
use critmin_store::test_postgres::ThrowawayPostgres;
use ed25519_dalek::SigningKey;
use serde_json::{Value, json};

const MEMBERS: usize = 4;
const KILLS: usize = 3;

fn ledger(dir: &Path, db: &str, args: &[&str]) -> support::Run {
    let mut all = vec!["ledger", "--dir", "ledger", "--db", db];
    all.extend_from_slice(args);
    support::critmin(dir, &all)
}

fn api_key(dir: &Path, db: &str, role: &str, org: &str) -> String {
    let run = support::critmin(dir, &["keys", "create", "--role", role, "--org", org, "--db", db]).success();
    run.stdout.trim().to_owned()
}

fn load_key(dir: &Path, org: &str) -> SigningKey {
    let text = std::fs::read_to_string(dir.join(format!("ledger/keys/{org}.key"))).unwrap();
    SigningKey::from_bytes(&from_hex(text.trim()).unwrap().try_into().unwrap())
}

/// A small xorshift generator: the kill points, reproducible from the printed seed.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn kill_during_appends(db: &str) {
    let tmp = support::tmp();
    let dir = tmp.path();
    ledger(dir, db, &["init", "--origin", "crash-log"]).success();
    for m in 0..MEMBERS {
        let org = format!("m{m}");
        ledger(
            dir,
            db,
            &[
                "org",
                "add",
                org.as_str(),
                "--role",
                "member",
                "--name",
                org.as_str(),
                "--country",
                "AUS",
            ],
        )
        .success();
    }
    let keys: Vec<String> = (0..MEMBERS)
        .map(|m| api_key(dir, db, "analyst", &format!("m{m}")))
        .collect();
    let operator_reader = api_key(dir, db, "viewer", "operator");
    let origin = "crash-log";

    let mut server = Server::start(dir, db, &["--ledger-key", "ledger/keys/operator.key"]);
    // The log has one writer: the CLI is locked out while the server holds it.
    let locked = ledger(dir, db, &["show"]).fails_with(1);
    assert!(locked.stderr.contains("another process"), "{}", locked.stderr);

    let addr = RwLock::new(server.addr);
    let acked = Mutex::new(Vec::<(u64, String)>::new());
    let seen_checkpoints = Mutex::new(Vec::<(u64, String)>::new());
    let done = AtomicBool::new(false);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("kill points seeded with {seed}");
    let mut rng = Rng(seed);
    std::thread::scope(|s| {
        for (m, key) in keys.iter().enumerate() {
            let (addr, acked, seen, done) = (&addr, &acked, &seen_checkpoints, &done);
            let mut signer = Signer::new(origin, &format!("m{m}"), load_key(dir, &format!("m{m}")), 0);
            s.spawn(move || {
                let mut i = 0u64;
                while !done.load(Ordering::Relaxed) {
                    i += 1;
                    let entry = signer.sign(
                        serde_json::from_value::<Payload>(json!({"type": "extract", "site": "pit",
                            "lot": {"id": format!("m{m}-lot{i}"), "form": "ore", "mass_g": 1000 + i,
                                "grades": [{"element": "nickel", "ppm": 15_000}], "country": "AUS"}}))
                        .unwrap(),
                        1_700_000_000 + i as i64,
                    );
                    let hex = to_hex(&entry.encode());
                    let body = json!({"entries": [hex]}).to_string();
                    // Send until the answer is known: 201 (acknowledged now) or 409 (stored
                    // before a kill, its answer lost). A lost answer is never counted.
                    loop {
                        let client = Client::new(*addr.read().unwrap());
                        match client.post_json("/api/v1/ledger/entries", Some(key), &body) {
                            Ok(a) if a.status == 201 => {
                                let v = a.json();
                                acked
                                    .lock()
                                    .unwrap()
                                    .push((v["indices"][0].as_u64().unwrap(), hex.clone()));
                                if let Some(c) = v["checkpoint"].as_object() {
                                    seen.lock()
                                        .unwrap()
                                        .push((c["size"].as_u64().unwrap(), c["root"].as_str().unwrap().to_owned()));
                                }
                                break;
                            }
                            Ok(a) if a.status == 409 => break,
                            Ok(a) if a.status >= 500 => std::thread::sleep(Duration::from_millis(20)),
                            Ok(a) => panic!("unexpected answer {}: {}", a.status, a.body),
                            Err(_) if done.load(Ordering::Relaxed) => return,
                            Err(_) => std::thread::sleep(Duration::from_millis(20)),
                        }
                    }
                }
            });
        }
        let deadline = Instant::now() + Duration::from_secs(240);
        for round in 0..KILLS {
            let target = acked.lock().unwrap().len() + 10 + rng.below(40) as usize;
            while acked.lock().unwrap().len() < target && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(2));
            }
            // A random extra pause, so the kill lands anywhere in a request.
            std::thread::sleep(Duration::from_micros(rng.below(5_000)));
            server.child.kill().expect("SIGKILL");
            server.child.wait().unwrap();
            eprintln!(
                "kill {}: {} acknowledged so far",
                round + 1,
                acked.lock().unwrap().len()
            );
            server = Server::start(dir, db, &["--ledger-key", "ledger/keys/operator.key"]);
            *addr.write().unwrap() = server.addr;
        }
        let target = acked.lock().unwrap().len() + 10;
        while acked.lock().unwrap().len() < target && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(2));
        }
        done.store(true, Ordering::Relaxed);
    });

    let c = Client::new(server.addr);
    let acked = acked.into_inner().unwrap();
    assert!(acked.len() >= KILLS * 10, "only {} appends acknowledged", acked.len());
    // Every acknowledged entry is in the log at its index, unaltered.
    let mut log: Vec<String> = Vec::new();
    loop {
        let page = c
            .get(
                &format!("/api/v1/ledger/entries?from={}&limit=1000", log.len()),
                Some(&operator_reader),
            )
            .unwrap();
        assert_eq!(page.status, 200, "{}", page.body);
        let v: Value = page.json();
        let entries = v["entries"].as_array().unwrap();
        if entries.is_empty() {
            break;
        }
        for e in entries {
            assert_eq!(e["index"].as_u64().unwrap(), log.len() as u64);
            log.push(e["entry"].as_str().unwrap().to_owned());
        }
    }
    for (index, hex) in &acked {
        assert_eq!(
            log.get(*index as usize),
            Some(hex),
            "acknowledged entry {index} lost or altered"
        );
    }
    // Checkpoints: each consistent with the one before (hence with every earlier one), and
    // every checkpoint a client was shown is among them.
    let cps: Vec<Value> = c
        .get("/api/v1/ledger/checkpoints", None)
        .unwrap()
        .json()
        .as_array()
        .unwrap()
        .clone();
    for pair in cps.windows(2) {
        let (m, n) = (pair[0]["size"].as_u64().unwrap(), pair[1]["size"].as_u64().unwrap());
        assert!(m <= n, "checkpoint sizes go back from {m} to {n}");
        if m == n {
            assert_eq!(pair[0]["root"], pair[1]["root"]);
            continue;
        }
        let proof = c
            .get(&format!("/api/v1/ledger/proofs/consistency?first={m}&second={n}"), None)
            .unwrap();
        let case = ProofCase::parse(proof.body.as_bytes()).unwrap();
        let ProofCase::Consistency { root1, root2, .. } = &case else {
            panic!("{}", proof.body)
        };
        assert_eq!(to_hex(root1), pair[0]["root"].as_str().unwrap());
        assert_eq!(to_hex(root2), pair[1]["root"].as_str().unwrap());
        case.verify().expect("consistent checkpoints");
    }
    for (size, root) in seen_checkpoints.into_inner().unwrap() {
        assert!(
            cps.iter().any(|c| c["size"] == size && c["root"] == root.as_str()),
            "checkpoint of size {size} shown to a client is not stored"
        );
    }
    eprintln!(
        "{KILLS} kills during appends: {} acknowledged, log of {} entries, {} checkpoints, none lost",
        acked.len(),
        log.len(),
        cps.len()
    );

    // A bundle downloaded from the API verifies offline with the pinned log key.
    let reader = api_key(dir, db, "viewer", "m0");
    let b = c.get("/api/v1/ledger/bundle?lot=m0-lot1", Some(&reader)).unwrap();
    assert_eq!(b.status, 200, "{}", b.body);
    std::fs::write(dir.join("bundle.json"), &b.body).unwrap();
    let log_key = cps.last().unwrap()["key"].as_str().unwrap().to_owned();
    let run = support::critmin(dir, &["ledger", "verify", "bundle.json", "--log-key", log_key.as_str()]).success();
    assert!(run.stdout.starts_with("valid: lot m0-lot1"), "{}", run.stdout);
    // An altered bundle does not.
    let tampered = b.body.replacen("m0-lot1", "m0-lot2", 1);
    std::fs::write(dir.join("tampered.json"), tampered).unwrap();
    support::critmin(
        dir,
        &["ledger", "verify", "tampered.json", "--log-key", log_key.as_str()],
    )
    .fails_with(1);
    drop(server);
    // With the server gone, the CLI reads the same log from the database.
    let shown = ledger(dir, db, &["show", "--format", "json"]).success().json();
    assert_eq!(shown.as_array().unwrap().len(), log.len());
}

#[test]
fn kill_9_during_ledger_appends_loses_nothing_on_sqlite() {
    let dir = support::tmp();
    kill_during_appends(&format!("sqlite:{}", dir.path().join("critmin.db").display()));
}

#[test]
fn kill_9_during_ledger_appends_loses_nothing_on_postgres() {
    let Some(pg) = ThrowawayPostgres::start().expect("starting PostgreSQL") else {
        return;
    };
    kill_during_appends(pg.url());
}
