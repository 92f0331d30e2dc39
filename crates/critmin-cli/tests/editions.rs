//! `critmin data import-edition` through the real binary: the USGS MCS 2026 release as
//! published becomes a data directory whose series sit beside the embedded MCS 2025 ones, and a
//! file that is not a release file imports nothing.

mod support;

use std::path::PathBuf;

use support::critmin;

fn release(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/raw/usgs_mcs2026")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn mcs2026_becomes_a_data_directory_beside_the_embedded_edition() {
    let dir = tempfile::tempdir().unwrap();
    let file = release("MCS2026_Commodities_Data.csv");
    let run = critmin(
        dir.path(),
        &[
            "data",
            "import-edition",
            "usgs-mcs",
            &file,
            "--into",
            "d",
            "--format",
            "json",
        ],
    )
    .success();
    let doc = run.json();
    assert_eq!(doc["import"]["edition"], "USGS-MCS2026");
    let written: Vec<&str> = doc["written"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(
        written.iter().any(|w| w.ends_with("usgs_mcs2026_production.csv")),
        "{written:?}"
    );
    // Minerals without an id in minerals.csv are counted, not written.
    assert!(
        doc["left_out"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["mineral"] == "beryllium")
    );

    // DRC cobalt 2024 as revised in MCS 2026 (226,000 t; MCS 2025 printed 220,000 t), beside
    // the embedded edition's figure.
    let supply = |source: &str| {
        critmin(
            dir.path(),
            &[
                "--data", "d", "supply", "cobalt", "--stage", "mine", "--year", "2024", "--source", source, "--format",
                "json",
            ],
        )
        .success()
        .json()
    };
    let drc = |doc: &serde_json::Value| {
        doc["shares"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["country"] == "COD")
            .map(|r| r["value"].clone())
            .unwrap()
    };
    assert_eq!(drc(&supply("USGS-MCS2026")), serde_json::json!(226_000.0));
    assert_eq!(drc(&supply("USGS-MCS2025")), serde_json::json!(220_000.0));
}

#[test]
fn a_file_that_is_not_a_release_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.csv"), "a,b\n1,2\n").unwrap();
    let run = critmin(
        dir.path(),
        &["data", "import-edition", "usgs-mcs", "notes.csv", "--into", "d"],
    )
    .fails_with(1);
    assert!(run.stderr.contains("notes.csv"), "{}", run.stderr);
    assert!(run.stderr.contains("nothing was imported"), "{}", run.stderr);
    assert!(!dir.path().join("d").exists());
    let run = critmin(dir.path(), &["data", "import-edition", "usgs-xyz", "notes.csv"]).fails_with(1);
    assert!(run.stderr.contains("expected usgs-mcs"), "{}", run.stderr);
}
