//! The import-edition use case on the raw USGS releases: the tables it writes load as a
//! dataset overlay where their ids are known, and its coverage document says how far MCS 2026
//! is from replacing the embedded 2025 tables.

use std::path::PathBuf;

use critmin_app::editions::{EditionFile, EditionSource, ImportEditionSpec, import_edition};

fn raw(path: &str) -> EditionFile {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/raw")
        .join(path);
    EditionFile {
        name: file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        bytes: std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display())),
    }
}

fn mcs2026() -> ImportEditionSpec {
    ImportEditionSpec {
        source: EditionSource::parse("source", "usgs-mcs").expect("usgs-mcs"),
        files: vec![
            raw("usgs_mcs2026/MCS2026_Commodities_Data.csv"),
            raw("usgs_mcs2026/MCS2026_T6_Critical_Minerals_End_Use.csv"),
        ],
    }
}

#[test]
fn mcs2026_import_document_and_its_distance_from_the_embedded_tables() {
    let dataset = critmin_data::load_embedded().expect("embedded dataset");
    let import = import_edition(&mcs2026(), &dataset).unwrap_or_else(|d| panic!("{:#?}", d.problems));
    let doc = &import.document;
    assert_eq!(doc.edition, "USGS-MCS2026");
    let names: Vec<&str> = import.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "production.csv",
            "reserves.csv",
            "refining.csv",
            "import_reliance.csv",
            "critical_lists.csv"
        ]
    );
    assert_eq!(doc.coverage.years, [2024, 2025]);
    // Minerals with a production series (mine or processing) in MCS 2026.
    assert_eq!(
        doc.coverage.minerals_with_production.len(),
        86,
        "{:?}",
        doc.coverage.minerals_with_production
    );
    // Gained over the embedded 2025 tables, e.g. the US-list members without any series today.
    for gained in [
        "beryllium",
        "fluorspar",
        "lead",
        "magnesium",
        "potash",
        "silver",
        "strontium",
        "zirconium_concentrates",
    ] {
        assert!(
            doc.coverage.gained.iter().any(|g| g == gained),
            "{gained}: {:?}",
            doc.coverage.gained
        );
    }
    assert_eq!(doc.coverage.gained.len(), 53, "{:?}", doc.coverage.gained);
    assert_eq!(doc.coverage.unknown_to_dataset, doc.coverage.gained);
    // What the embedded USGS tables have and MCS 2026 does not publish.
    assert_eq!(
        doc.coverage.missing,
        ["germanium/refinery", "indium/reserves", "tellurium/reserves"],
        "{:?}",
        doc.coverage.missing
    );
    let serialized = serde_json::to_value(doc).expect("document serializes");
    assert!(serialized["not_imported"].as_array().is_some_and(|a| !a.is_empty()));
}

#[test]
fn the_tables_of_known_minerals_load_over_the_embedded_dataset() {
    let dataset = critmin_data::load_embedded().expect("embedded dataset");
    let import = import_edition(&mcs2026(), &dataset).unwrap_or_else(|d| panic!("{:#?}", d.problems));
    // Keep the rows of minerals the dataset knows; the loader then accepts every one of them
    // (ids, stages, countries, one unit per series, no duplicate keys).
    let known: Vec<&str> = dataset.minerals.iter().map(|m| m.id.0.as_str()).collect();
    let mut inputs = critmin_data::embedded_inputs();
    for table in import
        .tables
        .iter()
        .filter(|t| !matches!(t.name.as_str(), "critical_lists.csv" | "import_reliance.csv"))
    {
        let text: String = table
            .text
            .lines()
            .enumerate()
            .filter(|(i, line)| *i == 0 || known.iter().any(|m| line.starts_with(&format!("{m},"))))
            .map(|(_, line)| format!("{line}\n"))
            .collect();
        inputs.retain(|f| f.name != table.name);
        inputs.push(critmin_data::InputFile {
            name: table.name.clone(),
            text,
        });
    }
    let loaded = critmin_data::load(&inputs).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        loaded
            .series
            .iter()
            .any(|s| s.key.source.as_str() == "USGS-MCS2026" && s.key.year == 2025)
    );
}

#[test]
fn a_refused_import_lists_its_problems_and_imports_nothing() {
    let mut spec = mcs2026();
    spec.files[0].bytes.truncate(5000);
    let dataset = critmin_data::load_embedded().expect("embedded dataset");
    let refused = import_edition(&spec, &dataset).expect_err("a cut file is refused");
    assert_eq!(refused.imported_rows, 0);
    assert_eq!(refused.problems.len(), 1);
    assert_eq!(refused.problems[0].file, "MCS2026_Commodities_Data.csv");
    assert!(
        refused.problems[0]
            .message
            .contains("a last line ending with a line break")
    );
    assert!(EditionSource::parse("source", "bgs").is_err());
}
