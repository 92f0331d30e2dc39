//! The contract between trade data and everything that consumes it (the stage network, the
//! shocks, the planner): one bilateral flow of one mineral at one chain stage, already
//! converted from traded product mass to contained element.

use crate::{ChainStage, CountryCode, MineralId};

/// One year's shipments of a mineral from one country to another at one chain stage.
///
/// Produced by the trade crate after the HS-code mapping; consumed by the network crate. The
/// tonnage is *contained element* (product tonnes × the mapping's contained-element factor),
/// so flows of ore, chemicals and metal of one mineral add up.
#[derive(Debug, Clone, PartialEq)]
pub struct MineralFlow {
    /// Calendar year of the shipments.
    pub year: u16,
    /// Exporting country.
    pub exporter: CountryCode,
    /// Importing country.
    pub importer: CountryCode,
    /// Mineral carried.
    pub mineral: MineralId,
    /// Chain stage of the traded form (ore is mining, refined chemicals and metal are
    /// processing, magnets and cells are manufacturing).
    pub stage: ChainStage,
    /// Contained element, metric tonnes.
    pub contained_tonnes: f64,
    /// Traded value, thousands of current US dollars.
    pub value_kusd: f64,
    /// `true` when at least one HS code behind this flow lumps several minerals together, so
    /// the tonnage is an upper bound for this mineral.
    pub lumped: bool,
}
