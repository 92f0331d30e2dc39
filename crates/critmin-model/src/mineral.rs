//! Minerals and value-chain stages.

use std::fmt;

/// Identifier of a mineral series, e.g. `lithium`, `graphite_natural`, `rare_earths_magnet`.
///
/// Ids are the lower-case names used in the data files. Different sources may describe the
/// same element on different bases (USGS `rare_earths` in REO versus IEA `rare_earths_magnet`),
/// and each basis keeps its own id, so that figures on different bases are never added.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MineralId(pub String);

impl MineralId {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MineralId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A mineral (or mineral product) that has its own series.
#[derive(Debug, Clone, PartialEq)]
pub struct Mineral {
    /// Series id.
    pub id: MineralId,
    /// Human-readable name.
    pub name: String,
    /// Chemical symbol of the element the series is about (`REE`/`PGM` for groups).
    pub element: String,
    /// Other ids users and other tables use for it (e.g. `chromite` for `chromium`).
    pub aliases: Vec<String>,
    /// Names under which the published critical-mineral lists include it.
    pub critical_list_names: Vec<String>,
    /// Ids of the critical lists (`IN-2023`, `US-2022`, `EU-2023`) it belongs to.
    pub critical_lists: Vec<String>,
    /// Free-text note.
    pub note: String,
}

impl Mineral {
    /// Whether `name` is this mineral's id or one of its aliases (case-insensitive).
    pub fn answers_to(&self, name: &str) -> bool {
        self.id.0.eq_ignore_ascii_case(name) || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
    }
}

/// Identifier of a stage as the source names it (`mine`, `refinery`, `refined`, `smelter`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StageId(pub String);

impl StageId {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a stage sits in the value chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChainStage {
    /// Economic reserves in the ground.
    Reserves,
    /// Extraction: mine production.
    Mining,
    /// Refining, smelting and other first processing.
    Processing,
    /// Downstream products that embody the mineral (magnets, battery cells). Only trade data
    /// reaches this stage; no embedded production series does.
    Manufacturing,
}

impl ChainStage {
    /// Every chain stage, upstream first.
    pub const ALL: [ChainStage; 4] = [
        ChainStage::Reserves,
        ChainStage::Mining,
        ChainStage::Processing,
        ChainStage::Manufacturing,
    ];

    /// Short identifier (`reserves`, `mining`, `processing`, `manufacturing`).
    pub fn id(self) -> &'static str {
        match self {
            ChainStage::Reserves => "reserves",
            ChainStage::Mining => "mining",
            ChainStage::Processing => "processing",
            ChainStage::Manufacturing => "manufacturing",
        }
    }

    /// Parses [`ChainStage::id`].
    pub fn from_id(s: &str) -> Option<ChainStage> {
        ChainStage::ALL.into_iter().find(|c| c.id() == s)
    }
}

/// A stage as the data names it, with its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    /// The source's stage id.
    pub id: StageId,
    /// Its place in the value chain.
    pub chain_stage: ChainStage,
    /// `true` when the series measures capacity, not output.
    pub capacity: bool,
    /// Human-readable name.
    pub name: String,
}
