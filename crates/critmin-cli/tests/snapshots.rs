//! Byte-for-byte snapshots of the JSON every read-only command prints on the embedded data
//! (`tests/snapshots/commands.txt` lists them). They pin behaviour while the shells are
//! rewritten over one use-case layer: a refactor that changes an output fails here.
//!
//! A deliberate change: `CRITMIN_BLESS=1 cargo test -p critmin-cli --test snapshots` rewrites
//! the files; review the diff before committing. Never blessed on CI.

mod support;

use std::path::{Path, PathBuf};

use support::{critmin, tmp};

struct Case {
    name: String,
    args: Vec<String>,
}

struct Spec {
    cases: Vec<Case>,
    redacted_keys: Vec<String>,
}

fn snapshot_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots")
}

fn read_spec() -> Spec {
    let text = std::fs::read_to_string(snapshot_dir().join("commands.txt")).unwrap();
    let mut spec = Spec {
        cases: Vec::new(),
        redacted_keys: Vec::new(),
    };
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if let Some(key) = line.strip_prefix("# redact ") {
            spec.redacted_keys.push(key.trim().to_string());
            continue;
        }
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (name, args) = line
            .split_once(':')
            .unwrap_or_else(|| panic!("commands.txt:{}: expected `name: args`, got {line:?}", number + 1));
        spec.cases.push(Case {
            name: name.trim().to_string(),
            args: args.split_whitespace().map(String::from).collect(),
        });
    }
    spec
}

/// Replaces the scalar value of every `"key":` member in the printed text by `"<redacted>"`,
/// leaving every other byte as printed (key order and number formatting are part of the output).
fn redact(printed: &str, keys: &[String]) -> String {
    let mut out = printed.to_string();
    for key in keys {
        let needle = format!("\"{key}\":");
        let mut from = 0;
        while let Some(found) = out[from..].find(&needle) {
            let value_start = from + found + needle.len();
            let rest = &out[value_start..];
            let skipped = rest.len() - rest.trim_start_matches(' ').len();
            let start = value_start + skipped;
            let len = out[start..].find([',', '}', ']', '\n']).unwrap_or(out.len() - start);
            out.replace_range(start..start + len, "\"<redacted>\"");
            from = start;
        }
    }
    out
}

#[test]
fn every_command_prints_its_snapshot() {
    let spec = read_spec();
    assert!(spec.cases.len() >= 15, "commands.txt lists too few commands");
    let dir = tmp();
    let trade_file = snapshot_dir().join("baci_small.csv");
    let trade_file = trade_file.to_str().unwrap();
    let bless = std::env::var_os("CRITMIN_BLESS").is_some() && std::env::var_os("CI").is_none();
    let mut differences = Vec::new();
    for case in &spec.cases {
        let args: Vec<&str> = case
            .args
            .iter()
            .map(|a| if a == "{trade}" { trade_file } else { a.as_str() })
            .collect();
        let run = critmin(dir.path(), &args).success();
        run.json(); // it is JSON at all
        let printed = redact(&run.stdout, &spec.redacted_keys);
        let path = snapshot_dir().join(format!("{}.json", case.name));
        if bless {
            std::fs::write(&path, &printed).unwrap();
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(expected) if expected == printed => {}
            Ok(expected) => differences.push(format!(
                "{}: `critmin {}` differs from {} (first difference at line {})",
                case.name,
                case.args.join(" "),
                path.display(),
                expected
                    .lines()
                    .zip(printed.lines())
                    .position(|(a, b)| a != b)
                    .map_or(expected.lines().count().min(printed.lines().count()) + 1, |i| i + 1)
            )),
            Err(e) => differences.push(format!("{}: {}: {e}", case.name, path.display())),
        }
    }
    assert!(
        differences.is_empty(),
        "{} of {} snapshots differ (CRITMIN_BLESS=1 rewrites them after a deliberate change):\n{}",
        differences.len(),
        spec.cases.len(),
        differences.join("\n")
    );
}
