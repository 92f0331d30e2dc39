//! The default dataset, compiled into the binary so `critmin` needs no download.
//!
//! The files are the project's `data/` directory, copied from the shared research data with
//! `SOURCES.md` (their provenance) and `raw/` (the published originals, for audit; not
//! embedded). `minerals.csv` and `stages.csv` are the project's own reference tables.

/// An embedded file: its name and its text.
#[derive(Debug, Clone, Copy)]
pub struct EmbeddedFile {
    /// File name, as in `data/`.
    pub name: &'static str,
    /// Contents.
    pub text: &'static str,
}

macro_rules! embed {
    ($($name:literal),* $(,)?) => {
        &[$(EmbeddedFile { name: $name, text: include_str!(concat!("../../../data/", $name)) }),*]
    };
}

/// Every embedded data file, reference tables first.
pub static EMBEDDED_FILES: &[EmbeddedFile] = embed!(
    "countries.csv",
    "minerals.csv",
    "stages.csv",
    "critical_lists.csv",
    "governance.csv",
    "import_reliance.csv",
    "production.csv",
    "reserves.csv",
    "refining.csv",
    "iea_supply_2024.csv",
    "india_pipeline.csv",
    "SOURCES.md",
);

/// The embedded file with this name.
pub fn embedded_file(name: &str) -> Option<&'static EmbeddedFile> {
    EMBEDDED_FILES.iter().find(|f| f.name == name)
}
