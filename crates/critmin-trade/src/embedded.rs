//! The shipped flows (CEPII BACI V202601, `critmin_data::tables`): imported with no argument,
//! through the same import as a user's file, and cached by release and content hash.

use std::path::PathBuf;

use critmin_data::tables::{BACI_COUNTRY_CODES_V202601, BACI_HS17_FLOWS_2024, BACI_HS92_FLOWS, BACI_RELEASE};

use crate::codes::CountryTable;
use crate::flows::{TradeFlows, TradePart};
use crate::hs::HsRevision;
use crate::import::{CacheStatus, ImportError, ImportOptions, import_bytes};

/// The release of the shipped flows.
pub const EMBEDDED_RELEASE: &str = BACI_RELEASE;

/// CEPII's country code table of the shipped release.
pub fn embedded_release_countries() -> CountryTable {
    // The shipped file is checked by a test; a failure here is a build defect.
    CountryTable::parse(BACI_COUNTRY_CODES_V202601.name, BACI_COUNTRY_CODES_V202601.text)
        .unwrap_or_else(|problems| panic!("shipped {} is invalid: {problems:?}", BACI_COUNTRY_CODES_V202601.name))
}

/// The shipped flows as [`TradeFlows`] (HS 1992 1995–2024 first, then HS 2017 2024 for the
/// (mineral, stage) pairs HS 1992 has no code for), with what the cache did for each part.
#[derive(Debug)]
pub struct EmbeddedFlows {
    /// The flows.
    pub flows: TradeFlows,
    /// Cache outcome per part, in part order.
    pub cache: Vec<CacheStatus>,
}

/// Imports the shipped flows. With `cache_dir`, the first call parses them and writes the
/// columnar cache there; later calls read it.
pub fn import_embedded(cache_dir: Option<PathBuf>) -> Result<EmbeddedFlows, ImportError> {
    let options = ImportOptions {
        countries: embedded_release_countries(),
        use_archive_codes: false,
        cache_dir,
        ..ImportOptions::default()
    };
    let hs92 = import_bytes(BACI_HS92_FLOWS.name, BACI_RELEASE, BACI_HS92_FLOWS.bytes, &options)?;
    let hs17 = import_bytes(
        BACI_HS17_FLOWS_2024.name,
        BACI_RELEASE,
        BACI_HS17_FLOWS_2024.text.as_bytes(),
        &options,
    )?;
    Ok(EmbeddedFlows {
        cache: vec![hs92.cache, hs17.cache],
        flows: TradeFlows {
            parts: vec![
                TradePart {
                    table: hs92.table,
                    revision: HsRevision::Hs1992,
                    label: format!("CEPII BACI {BACI_RELEASE} HS92 1995-2024 (shipped)"),
                },
                TradePart {
                    table: hs17.table,
                    revision: HsRevision::Hs2017,
                    label: format!("CEPII BACI {BACI_RELEASE} HS17 2024 (shipped)"),
                },
            ],
        },
    })
}
