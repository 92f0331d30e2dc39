//! Figures two editions both give and disagree on: the revisions a newer release made (MCS
//! 2026 revised DRC cobalt 2024 from the estimated 220,000 t of MCS 2025 to 226,000 t).

use std::collections::HashMap;

use super::{ImportedEdition, ImportedRow};

/// One figure given by both editions with different values (or present in one as a number
/// and in the other as a flag).
#[derive(Debug, Clone, PartialEq)]
pub struct Revision {
    /// Mineral id.
    pub mineral: String,
    /// Stage id.
    pub stage: String,
    /// Country code.
    pub country_iso3: String,
    /// Year.
    pub year: u16,
    /// The older edition's value (`None`: a flag or blank there).
    pub from: Option<f64>,
    /// The newer edition's value.
    pub to: Option<f64>,
    /// Unit of the newer edition (the older one's when they differ is in `unit_from`).
    pub unit: String,
    /// The older edition's unit, when it differs (then the figures are not comparable as is).
    pub unit_from: Option<String>,
    /// File and line in the older edition.
    pub from_at: (String, u64),
    /// File and line in the newer edition.
    pub to_at: (String, u64),
}

fn rows(edition: &ImportedEdition) -> impl Iterator<Item = &ImportedRow> {
    edition
        .production
        .iter()
        .chain(&edition.reserves)
        .chain(&edition.refining)
}

/// The figures of `from` that `to` gives differently, in `to`'s row order. Rows only one
/// edition has are not revisions (new years, new minerals, dropped tables).
pub fn revisions(from: &ImportedEdition, to: &ImportedEdition) -> Vec<Revision> {
    let older: HashMap<(&str, &str, &str, u16), &ImportedRow> = rows(from)
        .map(|r| {
            (
                (r.mineral.as_str(), r.stage.as_str(), r.country_iso3.as_str(), r.year),
                r,
            )
        })
        .collect();
    rows(to)
        .filter_map(|new| {
            let old = older.get(&(
                new.mineral.as_str(),
                new.stage.as_str(),
                new.country_iso3.as_str(),
                new.year,
            ))?;
            (old.value != new.value || old.unit != new.unit).then(|| Revision {
                mineral: new.mineral.clone(),
                stage: new.stage.clone(),
                country_iso3: new.country_iso3.clone(),
                year: new.year,
                from: old.value,
                to: new.value,
                unit: new.unit.clone(),
                unit_from: (old.unit != new.unit).then(|| old.unit.clone()),
                from_at: (old.file.clone(), old.line),
                to_at: (new.file.clone(), new.line),
            })
        })
        .collect()
}
