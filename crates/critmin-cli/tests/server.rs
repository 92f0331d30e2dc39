//! `critmin serve` and `critmin keys` as real processes: the server is killed with SIGKILL
//! during a burst of writes, restarted on the same database, and every write it had
//! acknowledged is there. Run on SQLite and on a throwaway PostgreSQL.

mod support;

use support::Server;

use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use critmin_server::test_client::Client;
use critmin_store::test_postgres::ThrowawayPostgres;
use serde_json::json;

fn create_key(dir: &std::path::Path, db: &str, role: &str) -> String {
    let run = support::critmin(dir, &["keys", "create", "--role", role, "--db", db]).success();
    let key = run.stdout.trim().to_owned();
    assert!(key.starts_with("cmk_") && !key.contains('\n'), "{key:?}");
    key
}

fn upload(name: &str) -> String {
    json!({"name": name, "files": [{"name": "extra.csv", "content":
        "mineral,stage,country_iso3,year,value,unit,source,note\nlithium,mine,AUS,2031,1200,t Li content,USER-TEST,\n"}]})
    .to_string()
}

/// How the server is stopped during the burst.
#[derive(Clone, Copy, PartialEq)]
enum Stop {
    /// SIGKILL: no chance to finish anything.
    Kill,
    /// SIGTERM: graceful shutdown; in-flight writes finish and the process exits 0.
    Term,
}

fn kill_during_burst(db: &str) {
    stop_during_burst(db, Stop::Kill);
}

fn stop_during_burst(db: &str, how: Stop) {
    let dir = support::tmp();
    let key = create_key(dir.path(), db, "analyst");
    let viewer = create_key(dir.path(), db, "viewer");
    let mut server = Server::start(dir.path(), db, &[]);
    let client = Client::new(server.addr);
    let acked = Mutex::new(Vec::<String>::new());
    let stop = AtomicBool::new(false);
    std::thread::scope(|s| {
        for t in 0..4 {
            let (client, key, acked, stop) = (client.clone(), &key, &acked, &stop);
            s.spawn(move || {
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) {
                    i += 1;
                    // After the kill, requests fail to connect or lose their answer: not
                    // acknowledged, so not counted.
                    let Ok(answer) = client.post_json("/api/v1/datasets", Some(key), &upload(&format!("t{t}-{i}")))
                    else {
                        continue;
                    };
                    if answer.status == 201 {
                        acked
                            .lock()
                            .unwrap()
                            .push(answer.json()["id"].as_str().unwrap().to_owned());
                    }
                }
            });
        }
        // Kill once a burst of writes has been acknowledged (bounded wait, not a timing check).
        let deadline = Instant::now() + Duration::from_secs(120);
        while acked.lock().unwrap().len() < 40 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        match how {
            Stop::Kill => {
                server.child.kill().expect("SIGKILL");
                server.child.wait().unwrap();
            }
            Stop::Term => {
                let sent = Command::new("kill")
                    .args(["-TERM", &server.child.id().to_string()])
                    .status()
                    .unwrap();
                assert!(sent.success());
                let status = server.child.wait().unwrap();
                assert!(status.success(), "critmin serve exited with {status:?} after SIGTERM");
            }
        }
        stop.store(true, Ordering::Relaxed);
    });
    let acked = acked.into_inner().unwrap();
    assert!(
        acked.len() >= 40,
        "only {} writes acknowledged before the kill",
        acked.len()
    );

    let restarted = Server::start(dir.path(), db, &[]);
    let list = Client::new(restarted.addr)
        .get("/api/v1/datasets", Some(&viewer))
        .unwrap();
    assert_eq!(list.status, 200, "{}", list.body);
    let stored: Vec<String> = list
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect();
    let lost: Vec<&String> = acked.iter().filter(|id| !stored.contains(id)).collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged writes lost: {lost:?}",
        lost.len(),
        acked.len()
    );
    // Writes in flight at the kill may or may not be there, but nothing else is.
    assert!(
        stored.len() >= acked.len() && stored.len() <= acked.len() + 4,
        "{} stored, {} acked",
        stored.len(),
        acked.len()
    );
    eprintln!(
        "kill -9 during a burst: {} acknowledged, {} stored, none lost",
        acked.len(),
        stored.len()
    );
}

#[test]
fn kill_9_loses_no_acknowledged_write_on_sqlite() {
    let dir = support::tmp();
    kill_during_burst(&format!("sqlite:{}", dir.path().join("critmin.db").display()));
}

#[test]
fn kill_9_loses_no_acknowledged_write_on_postgres() {
    let Some(pg) = ThrowawayPostgres::start().expect("starting PostgreSQL") else {
        return;
    };
    kill_during_burst(pg.url());
}

#[cfg(unix)]
#[test]
fn sigterm_finishes_in_flight_writes_and_exits_cleanly() {
    let dir = support::tmp();
    stop_during_burst(
        &format!("sqlite:{}", dir.path().join("critmin.db").display()),
        Stop::Term,
    );
}

#[test]
fn keys_create_rejects_an_unknown_role_and_a_bad_url() {
    let dir = support::tmp();
    let run = support::critmin(dir.path(), &["keys", "create", "--role", "root", "--db", "sqlite:k.db"]).fails_with(2);
    assert!(run.stderr.contains("unknown role"), "{}", run.stderr);
    let run = support::critmin(dir.path(), &["keys", "create", "--role", "viewer", "--db", "mysql://x"]).fails_with(1);
    assert!(run.stderr.contains("unsupported database URL"), "{}", run.stderr);
}
