//! ARCHITECTURE.md kept true: every crate has its section and its row in "Dependency order",
//! no crate depends on one in its own row or below, and only `critmin-data` embeds files from
//! `data/`.
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

/// The `critmin-*` crates named in the `[dependencies]` table of a manifest.
fn normal_dependencies(manifest: &str) -> Vec<String> {
    let mut in_dependencies = false;
    let mut found = Vec::new();
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_dependencies = line == "[dependencies]";
            continue;
        }
        if in_dependencies && line.starts_with("critmin-") {
            let name: String = line
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            found.push(name);
        }
    }
    found
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
