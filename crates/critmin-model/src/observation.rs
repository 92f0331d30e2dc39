//! One published figure and where it came from.

use std::fmt;
use std::sync::Arc;

use crate::{CountryCode, MineralId, StageId};

/// Short code of a source edition, the first word of a `source` cell
/// (e.g. `USGS-MCS2025`, `IEA-CMD-2025`, `WB-WGI-2024`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceCode(pub String);

impl SourceCode {
    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SourceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A bound or flag the source attaches to a figure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Qualifier {
    /// The true value is larger than the figure (`>`).
    GreaterThan,
    /// The true value is smaller than the figure (`<`).
    LessThan,
    /// Net exporter (USGS `E`); the import-reliance figure is left empty.
    NetExporter,
    /// A qualitative statement (e.g. `substantial`) standing in for a number.
    Text(String),
}

impl Qualifier {
    /// Reads a qualifier as the data files write it.
    pub fn parse(s: &str) -> Option<Qualifier> {
        match s.trim() {
            "" => None,
            ">" => Some(Qualifier::GreaterThan),
            "<" => Some(Qualifier::LessThan),
            "E" => Some(Qualifier::NetExporter),
            other => Some(Qualifier::Text(other.to_owned())),
        }
    }

    /// The qualifier as the data files write it.
    pub fn as_str(&self) -> &str {
        match self {
            Qualifier::GreaterThan => ">",
            Qualifier::LessThan => "<",
            Qualifier::NetExporter => "E",
            Qualifier::Text(t) => t,
        }
    }
}

/// Where a row came from: the file (embedded name or user path) and its line number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    /// File name or path.
    pub file: Arc<str>,
    /// 1-based line number of the record (the header is line 1).
    pub line: u64,
}

impl fmt::Display for Provenance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// One published quantity: a country's figure for a mineral, stage and year.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// Mineral series id.
    pub mineral: MineralId,
    /// Stage id as published.
    pub stage: StageId,
    /// Country, or `WLD` / `ROW`.
    pub country: CountryCode,
    /// Reference year.
    pub year: u16,
    /// The figure; `None` when the source lists the country without a number (never zero).
    pub value: Option<f64>,
    /// Half a unit of the last significant digit of the published figure: how far rounding
    /// alone can move it. Zero when the value is missing.
    pub rounding: f64,
    /// Bound attached to the figure (`qualifier:>` in the note).
    pub qualifier: Option<Qualifier>,
    /// Unit, including the content basis (`t Li content`).
    pub unit: String,
    /// Source edition code.
    pub source: SourceCode,
    /// Full `source` cell: edition, table and column used.
    pub source_detail: String,
    /// The source's note (`W`, `NA`, estimates, ...).
    pub note: String,
    /// File and line.
    pub provenance: Provenance,
}
