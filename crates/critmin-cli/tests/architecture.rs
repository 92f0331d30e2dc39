//! ARCHITECTURE.md kept true: every crate has its section and its row in "Dependency order",
//! no crate depends on one in its own row or below, a crate whose Boundary line names the crates
//! it depends on depends on no other, the domain libraries whose Boundary says "no serde" do not
//! depend on it, only `critmin-data` embeds files from `data/`, and only `critmin-data` reads
//! CSV tables (everyone else goes through its `CsvTable`).
//! Lives with the CLI because the CLI sits on top of every crate it checks.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn crate_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("crates"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| root().join("crates").join(name).join("Cargo.toml").is_file())
        .collect();
    names.sort();
    names
}

/// The rows of the "Dependency order" block: crates on one row are siblings.
fn dependency_rows(architecture: &str) -> Vec<Vec<String>> {
    let section = architecture
        .split("## Dependency order")
        .nth(1)
        .expect("ARCHITECTURE.md has a `## Dependency order` section");
    section
        .lines()
        .skip_while(|line| !line.starts_with("    critmin-"))
        .take_while(|line| line.starts_with("    critmin-"))
        .map(|line| line.split(',').map(|name| name.trim().to_string()).collect())
        .collect()
}

/// The crates named in the `[dependencies]` table of a manifest.
fn dependencies(manifest: &str) -> Vec<String> {
    let mut in_dependencies = false;
    let mut found = Vec::new();
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_dependencies = line == "[dependencies]";
            continue;
        }
        let name: String = line
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        if in_dependencies && !name.is_empty() {
            found.push(name);
        }
    }
    found
}

/// The `critmin-*` crates named in the `[dependencies]` table of a manifest.
fn normal_dependencies(manifest: &str) -> Vec<String> {
    dependencies(manifest)
        .into_iter()
        .filter(|name| name.starts_with("critmin-"))
        .collect()
}

/// The `### `crates/NAME`` section of ARCHITECTURE.md, up to the next heading.
fn section<'a>(architecture: &'a str, name: &str) -> Option<&'a str> {
    let start = architecture.find(&format!("### `crates/{name}`"))?;
    let body = &architecture[start + 4..];
    let end = body.find("\n### ").or_else(|| body.find("\n## ")).unwrap_or(body.len());
    Some(&body[..end])
}

/// The `critmin-*` crates a section's Boundary line allows as dependencies: those named in its
/// "depends on …" clauses (up to the next `;` or `.`). `None` when the line names none
/// (`depends on libraries only`, or no clause at all).
fn boundary_dependencies(section: &str) -> Option<Vec<String>> {
    let boundary = &section[section.find("**Boundary:**")?..];
    let boundary = boundary.split("\n\n").next().unwrap_or(boundary).replace('\n', " ");
    let mut named = Vec::new();
    for clause in boundary.split("depends ").skip(1) {
        let clause = clause.split([';', '.']).next().unwrap_or(clause);
        for quoted in clause.split('`').skip(1).step_by(2) {
            if quoted.starts_with("critmin-") {
                named.push(quoted.to_string());
            }
        }
    }
    (!named.is_empty()).then_some(named)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_crate_has_a_section_and_a_row() {
    let architecture = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let rows = dependency_rows(&architecture);
    let mut missing = Vec::new();
    for name in crate_names() {
        if !architecture.contains(&format!("### `crates/{name}`")) {
            missing.push(format!("{name}: no `### `crates/{name}`` section"));
        }
        if !rows.iter().flatten().any(|n| *n == name) {
            missing.push(format!("{name}: not in the dependency order"));
        }
    }
    for name in rows.iter().flatten() {
        if !crate_names().contains(name) {
            missing.push(format!("{name}: in the dependency order but not a crate"));
        }
    }
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md is out of date:\n{}",
        missing.join("\n")
    );
}

#[test]
fn dependencies_only_point_up_the_order() {
    let architecture = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let rows = dependency_rows(&architecture);
    let row_of = |name: &str| rows.iter().position(|row| row.iter().any(|n| n == name));
    let mut wrong = Vec::new();
    for name in crate_names() {
        let manifest = std::fs::read_to_string(root().join("crates").join(&name).join("Cargo.toml")).unwrap();
        let Some(own) = row_of(&name) else { continue };
        for dependency in normal_dependencies(&manifest) {
            match row_of(&dependency) {
                Some(row) if row < own => {}
                Some(_) => wrong.push(format!("{name} depends on {dependency}, which is not above it")),
                None => wrong.push(format!("{name} depends on {dependency}, which the order does not list")),
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "dependencies against ARCHITECTURE.md's order:\n{}",
        wrong.join("\n")
    );
}

/// The libraries whose Boundary line says "no serde": requests and documents are serialized at
/// the edges (`critmin-app` and the shells), never in the domain crates.
const WITHOUT_SERDE: &[&str] = &["critmin-model", "critmin-metrics", "critmin-network", "critmin-planner"];

#[test]
fn domain_libraries_do_not_depend_on_serde() {
    let mut wrong = Vec::new();
    for name in WITHOUT_SERDE {
        let manifest = std::fs::read_to_string(root().join("crates").join(name).join("Cargo.toml")).unwrap();
        if dependencies(&manifest).iter().any(|d| d == "serde") {
            wrong.push(*name);
        }
    }
    assert!(
        wrong.is_empty(),
        "serde belongs at the edges (critmin-app, the shells), not in {wrong:?}"
    );
}

#[test]
fn dependencies_stay_within_the_boundary_line() {
    let architecture = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let mut wrong = Vec::new();
    for name in crate_names() {
        let Some(allowed) = section(&architecture, &name).and_then(boundary_dependencies) else {
            continue;
        };
        let manifest = std::fs::read_to_string(root().join("crates").join(&name).join("Cargo.toml")).unwrap();
        for dependency in normal_dependencies(&manifest) {
            if !allowed.contains(&dependency) {
                wrong.push(format!(
                    "{name} depends on {dependency}; its Boundary line allows {allowed:?}"
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "dependencies against ARCHITECTURE.md's Boundary lines:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn boundary_lines_are_read_as_written() {
    // The ledger's line names its two dependencies; a line that names none allows any.
    let architecture = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let ledger = section(&architecture, "critmin-ledger").and_then(boundary_dependencies);
    assert_eq!(
        ledger,
        Some(vec!["critmin-model".to_string(), "critmin-merkle".to_string()])
    );
    assert_eq!(
        boundary_dependencies("**Boundary:** no IO; depends on libraries only."),
        None
    );
}

#[test]
fn only_the_data_crate_embeds_data_files() {
    let mut files = Vec::new();
    for name in crate_names() {
        rust_files(&root().join("crates").join(&name).join("src"), &mut files);
    }
    let mut embedding = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let embeds = text
            .lines()
            .any(|line| (line.contains("include_str!(") || line.contains("include_bytes!(")) && line.contains("data/"));
        let relative = file.strip_prefix(root()).unwrap().to_string_lossy().replace('\\', "/");
        let relative = relative.trim_start_matches("./").to_string();
        if embeds && !relative.starts_with("crates/critmin-data/") {
            embedding.push(relative);
        }
    }
    embedding.sort();
    assert!(
        embedding.is_empty(),
        "only critmin-data may embed files from data/ (add the file to critmin_data::tables): {embedding:?}"
    );
}

/// Files outside `critmin-data` allowed to build a CSV reader, each with its reason.
const OTHER_CSV_READERS: &[(&str, &str)] = &[
    (
        "crates/critmin-trade/src/comtrade.rs",
        "streams multi-gigabyte Comtrade files in parallel byte chunks; not a table",
    ),
    (
        "crates/critmin-app/src/plan/projects.rs",
        "serde-deserializes project text that was already validated through CsvTable",
    ),
];

#[test]
fn only_the_data_crate_reads_csv_tables() {
    let mut files = Vec::new();
    for name in crate_names() {
        rust_files(&root().join("crates").join(&name).join("src"), &mut files);
    }
    let mut reading = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let relative = file.strip_prefix(root()).unwrap().to_string_lossy().replace('\\', "/");
        let relative = relative.trim_start_matches("./").to_string();
        let reads = text
            .lines()
            .any(|line| line.contains("csv::Reader") || line.contains("csv::ReaderBuilder"));
        let allowed =
            relative.starts_with("crates/critmin-data/") || OTHER_CSV_READERS.iter().any(|(f, _)| *f == relative);
        if reads && !allowed {
            reading.push(relative);
        }
    }
    reading.sort();
    assert!(
        reading.is_empty(),
        "only critmin-data reads CSV tables; read through critmin_data::CsvTable instead: {reading:?}"
    );
}

/// Crates whose Boundary line lists every critmin crate they may use.
const ONLY: [(&str, &[&str]); 2] = [
    // The HTML kit: markup only, no critmin crate.
    ("critmin-html", &[]),
    // The report renders the document critmin-app builds; it computes nothing.
    ("critmin-report", &["critmin-app", "critmin-html"]),
];

#[test]
fn the_kit_and_the_report_use_only_what_their_boundary_allows() {
    let mut wrong = Vec::new();
    for (name, allowed) in ONLY {
        let manifest = std::fs::read_to_string(root().join("crates").join(name).join("Cargo.toml")).unwrap();
        for dependency in normal_dependencies(&manifest) {
            if !allowed.contains(&dependency.as_str()) {
                wrong.push(format!("{name} depends on {dependency}"));
            }
        }
        assert!(
            !manifest.contains("[features]"),
            "{name} has features of its own: the solver belongs to critmin-app"
        );
    }
    assert!(
        wrong.is_empty(),
        "against the Boundary lines of ARCHITECTURE.md:\n{}",
        wrong.join("\n")
    );
}
