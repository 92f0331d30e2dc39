//! Byte-for-byte snapshots of the read-only endpoints on the embedded data
//! (`tests/snapshots/requests.txt` lists them): the documents come from `critmin-app`, shared
//! with the CLI, and a refactor that changes what a client receives fails here.
//!
//! A deliberate change: `CRITMIN_BLESS=1 cargo test -p critmin-server --test snapshots`
//! rewrites the files; review the diff before committing. Never blessed on CI.

use std::path::{Path, PathBuf};

use critmin_server::ServerConfig;
use critmin_server::test_client::{Client, TestServer};

fn snapshot_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots")
}

/// `(name, path)` for each line of `requests.txt`.
fn requests() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(snapshot_dir().join("requests.txt")).unwrap();
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|(number, line)| {
            let (name, path) = line
                .split_once(':')
                .unwrap_or_else(|| panic!("requests.txt:{}: expected `name: path`, got {line:?}", number + 1));
            (name.trim().to_string(), path.trim().to_string())
        })
        .collect()
}

#[test]
fn every_public_endpoint_answers_its_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("critmin.db").display());
    let server = TestServer::start(&url, ServerConfig::default(), async |state| state);
    let client = Client::new(server.addr);
    let bless = std::env::var_os("CRITMIN_BLESS").is_some() && std::env::var_os("CI").is_none();
    let requests = requests();
    assert!(requests.len() >= 5, "requests.txt lists too few requests");
    let mut differences = Vec::new();
    for (name, path) in &requests {
        let answer = match path.strip_prefix("POST ") {
            Some(rest) => {
                let (path, body) = rest.split_once(' ').expect("`POST path JSON`");
                client.post_json(path, None, body).unwrap()
            }
            None => client.get(path, None).unwrap(),
        };
        assert_eq!(answer.status, 200, "{path}: {}", answer.body);
        let file = snapshot_dir().join(format!("{name}.json"));
        if bless {
            std::fs::write(&file, &answer.body).unwrap();
            continue;
        }
        match std::fs::read_to_string(&file) {
            Ok(expected) if expected == answer.body => {}
            Ok(expected) => differences.push(format!(
                "{name}: {path} differs from {} (first difference at byte {})",
                file.display(),
                expected
                    .bytes()
                    .zip(answer.body.bytes())
                    .position(|(a, b)| a != b)
                    .unwrap_or(expected.len().min(answer.body.len()))
            )),
            Err(e) => differences.push(format!("{name}: {}: {e}", file.display())),
        }
    }
    assert!(
        differences.is_empty(),
        "{} of {} snapshots differ (CRITMIN_BLESS=1 rewrites them after a deliberate change):\n{}",
        differences.len(),
        requests.len(),
        differences.join("\n")
    );
}
