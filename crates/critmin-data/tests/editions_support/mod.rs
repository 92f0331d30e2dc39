//! Shared by the edition tests: the raw releases and the maps, read from the repository.
#![allow(dead_code)]

use std::path::PathBuf;

use critmin_data::Problem;
use critmin_data::editions::{ImportedEdition, Maps, SourceFile, import_usgs_mcs};

pub(crate) fn raw(path: &str) -> Vec<u8> {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/raw")
        .join(path);
    std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

pub(crate) fn maps() -> Maps {
    let mut problems = Vec::new();
    let maps = Maps::embedded(&mut problems);
    assert!(problems.is_empty(), "{problems:#?}");
    maps.expect("maps")
}

pub(crate) fn import(files: &[(&str, &[u8])]) -> Result<ImportedEdition, Vec<Problem>> {
    let files: Vec<SourceFile<'_>> = files.iter().map(|(name, bytes)| SourceFile { name, bytes }).collect();
    import_usgs_mcs(&files, &maps())
}

pub(crate) fn messages(problems: &[Problem]) -> Vec<String> {
    problems.iter().map(ToString::to_string).collect()
}
