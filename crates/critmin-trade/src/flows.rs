//! Trade flows from one or more files of different HS revisions, the rule that picks one
//! revision per (mineral, stage), and the flags of known data problems.
//!
//! The shipped flows are two BACI files: HS 1992 for 1995–2024 and HS 2017 for 2024 with the
//! refined forms HS 1992 has no code for. The two files are reconciled separately by CEPII and
//! differ figure by figure on the codes they share, so a (mineral, stage) is analysed on the
//! first part that has a mapped code for it, on every year: no code and year is ever read from
//! both, and a series does not change its code set in its last year.

use std::collections::{BTreeMap, BTreeSet};

use critmin_model::{ChainStage, MineralId};

use crate::hs::{HsMap, HsMapping, HsRevision};
use crate::table::TradeTable;

/// One trade table and the HS revision its product codes are in.
#[derive(Debug)]
pub struct TradePart {
    /// The table.
    pub table: TradeTable,
    /// Its HS revision.
    pub revision: HsRevision,
    /// Where it came from, for the reader (e.g. `BACI V202601 HS92 (shipped)`).
    pub label: String,
}

/// The trade flows an analysis reads: parts in order of preference.
#[derive(Debug, Default)]
pub struct TradeFlows {
    /// Parts; for each (mineral, stage) the first part with a mapped code is used alone.
    pub parts: Vec<TradePart>,
}

/// The codes a (mineral, stage) is analysed on: one part, its mapped products.
#[derive(Debug, Clone)]
pub(crate) struct Selection {
    pub(crate) part: usize,
    /// Product → the mapping row for this mineral and stage (one per product).
    pub(crate) products: BTreeMap<u32, HsMapping>,
}

/// (mineral, stage) → the part and codes it is analysed on.
pub(crate) fn select(flows: &TradeFlows, map: &HsMap) -> BTreeMap<(MineralId, ChainStage), Selection> {
    let mut out: BTreeMap<(MineralId, ChainStage), Selection> = BTreeMap::new();
    for (index, part) in flows.parts.iter().enumerate() {
        let products: BTreeSet<u32> = part.table.groups().iter().map(|g| g.product).collect();
        for product in products {
            for mapping in map.lookup(product, part.revision) {
                let selection = out
                    .entry((mapping.mineral.clone(), mapping.stage))
                    .or_insert_with(|| Selection {
                        part: index,
                        products: BTreeMap::new(),
                    });
                if selection.part == index {
                    selection.products.insert(product, mapping.clone());
                }
            }
        }
    }
    out
}

/// A known limit of the data a result is built on; every row built on one carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TradeFlag {
    /// A code covers other materials too: tonnages are upper bounds.
    Lumped,
    /// Contained tonnes use an assumed grade (the HS map's `factor_basis` says "assumed").
    AssumedFactor,
    /// Cobalt hydroxide is declared under 282200 one year and 810510 the next: both are summed.
    CobaltCodesSummed,
    /// China's 260300 imports in 2021–2022 are about 30 % below China customs in BACI.
    ChinaCopperConcentrateLow,
    /// Papua New Guinea → North Korea 260300 quantities 2019–2022 (7.8–20.8 Mt at US$3–14 a
    /// tonne) cannot be copper concentrate; they swamp world tonnages of the code.
    PngPrkCopperConcentrateQuantity,
    /// 711510 tonnages (platinum gauze) cannot be platinum-group metal: use values.
    PlatinumGauzeTonnage,
    /// HS 1992 811230 (germanium) collapses from 2007, when HS 2007 moved germanium to 8112.92.
    GermaniumHs92Collapse,
}

impl TradeFlag {
    /// Every flag, in order.
    pub const ALL: [TradeFlag; 7] = [
        TradeFlag::Lumped,
        TradeFlag::AssumedFactor,
        TradeFlag::CobaltCodesSummed,
        TradeFlag::ChinaCopperConcentrateLow,
        TradeFlag::PngPrkCopperConcentrateQuantity,
        TradeFlag::PlatinumGauzeTonnage,
        TradeFlag::GermaniumHs92Collapse,
    ];

    /// Stable id, as printed.
    pub fn id(self) -> &'static str {
        match self {
            TradeFlag::Lumped => "lumped",
            TradeFlag::AssumedFactor => "assumed_factor",
            TradeFlag::CobaltCodesSummed => "cobalt_codes_summed",
            TradeFlag::ChinaCopperConcentrateLow => "china_260300_2021_2022_low",
            TradeFlag::PngPrkCopperConcentrateQuantity => "png_prk_260300_2019_2022_quantity",
            TradeFlag::PlatinumGauzeTonnage => "platinum_gauze_tonnage",
            TradeFlag::GermaniumHs92Collapse => "germanium_hs92_after_2006",
        }
    }

    /// What it means for the reader.
    pub fn note(self) -> &'static str {
        match self {
            TradeFlag::Lumped => {
                "a code covers other materials too (or waste, scrap and articles): tonnages are upper bounds"
            }
            TradeFlag::AssumedFactor => {
                "contained tonnes use an assumed ore or intermediate grade (data/hs_minerals.csv factor_basis), \
                 not a measured one; shares within one code do not depend on it"
            }
            TradeFlag::CobaltCodesSummed => {
                "DRC cobalt hydroxide is declared under 282200 or 810510 from year to year; both codes are summed \
                 (same 35 % Co factor, assumed)"
            }
            TradeFlag::ChinaCopperConcentrateLow => {
                "BACI's China imports of 260300 in 2021-2022 are about 30 % below China customs (2023 agrees)"
            }
            TradeFlag::PngPrkCopperConcentrateQuantity => {
                "BACI's Papua New Guinea -> North Korea 260300 rows of 2019-2022 declare 7.8-20.8 Mt at US$3-14 a \
                 tonne (likely kilograms read as tonnes): tonnages and quantity shares of the code in those years \
                 are distorted; values are not"
            }
            TradeFlag::PlatinumGauzeTonnage => {
                "711510 tonnages (platinum gauze) are not platinum-group metal at their unit values: read values, \
                 not tonnes"
            }
            TradeFlag::GermaniumHs92Collapse => {
                "HS 1992 811230 has no usable germanium series after 2006 (HS 2007 moved germanium to 8112.92)"
            }
        }
    }

    /// Flags that hold for a code in a year; `importers` are the importers whose imports the
    /// figure is built on (`None`: every importer, world trade).
    pub(crate) fn of_code(mapping: &HsMapping, year: u16, importers: Option<&[u16]>, out: &mut BTreeSet<TradeFlag>) {
        let imports_of = |code: u16| importers.is_none_or(|codes| codes.contains(&code));
        if mapping.lumped {
            out.insert(TradeFlag::Lumped);
        }
        if mapping.factor_basis.to_ascii_lowercase().contains("assumed") {
            out.insert(TradeFlag::AssumedFactor);
        }
        match mapping.hs6 {
            // Only HS 1992 has 810510 as the code the hydroxide moves to; it is always read with
            // 282200 (same mineral and stage).
            810510 => {
                out.insert(TradeFlag::CobaltCodesSummed);
            }
            260300 => {
                if imports_of(CHINA) && (2021..=2022).contains(&year) {
                    out.insert(TradeFlag::ChinaCopperConcentrateLow);
                }
                if imports_of(NORTH_KOREA) && (2019..=2022).contains(&year) {
                    out.insert(TradeFlag::PngPrkCopperConcentrateQuantity);
                }
            }
            711510 => {
                out.insert(TradeFlag::PlatinumGauzeTonnage);
            }
            811230 if year >= 2007 => {
                out.insert(TradeFlag::GermaniumHs92Collapse);
            }
            _ => {}
        }
    }
}

/// BACI's numeric code for China.
const CHINA: u16 = 156;
/// BACI's numeric code for North Korea.
const NORTH_KOREA: u16 = 408;
