//! Reference tables that other crates parse, embedded here so that `critmin-data` is the one
//! crate that embeds files (ARCHITECTURE.md). They are not part of the overlayable dataset
//! ([`crate::EMBEDDED_FILES`]): each crate that reads one owns its parser and its rules.

use crate::EmbeddedFile;

macro_rules! table {
    ($name:literal, $path:literal) => {
        EmbeddedFile {
            name: $name,
            text: include_str!(concat!("../../../data/", $path)),
        }
    };
}

/// Named stress scenarios with their sources (critmin-network).
pub const SCENARIOS: EmbeddedFile = table!("scenarios.csv", "scenarios.csv");
/// Which USGS salient statistic is each mineral's US consumption (critmin-network).
pub const US_CONSUMPTION: EmbeddedFile = table!("us_consumption.csv", "us_consumption.csv");
/// The USGS MCS 2025 salient-statistics files `US_CONSUMPTION` may name, as published.
pub const USGS_MCS2025_SALIENT: [EmbeddedFile; 8] = [
    table!(
        "mcs2025-antim_salient.csv",
        "raw/usgs_mcs2025/mcs2025-antim_salient.csv"
    ),
    table!(
        "mcs2025-cobal_salient.csv",
        "raw/usgs_mcs2025/mcs2025-cobal_salient.csv"
    ),
    table!(
        "mcs2025-galli_salient.csv",
        "raw/usgs_mcs2025/mcs2025-galli_salient.csv"
    ),
    table!(
        "mcs2025-germa_salient.csv",
        "raw/usgs_mcs2025/mcs2025-germa_salient.csv"
    ),
    table!(
        "mcs2025-graph_salient.csv",
        "raw/usgs_mcs2025/mcs2025-graph_salient.csv"
    ),
    table!(
        "mcs2025-lithium_salient.csv",
        "raw/usgs_mcs2025/mcs2025-lithium_salient.csv"
    ),
    table!(
        "mcs2025-nicke_salient.csv",
        "raw/usgs_mcs2025/mcs2025-nicke_salient.csv"
    ),
    table!(
        "mcs2025-rareee_salient.csv",
        "raw/usgs_mcs2025/mcs2025-rareee_salient.csv"
    ),
];
/// India's published project pipeline (critmin-planner).
pub const INDIA_PIPELINE: EmbeddedFile = table!("india_pipeline.csv", "india_pipeline.csv");
/// Default probability, lead time and ramp-up by project status (critmin-planner).
pub const PLANNER_STATUS_DEFAULTS: EmbeddedFile = table!("planner_status_defaults.csv", "planner_status_defaults.csv");
/// Illustrative example projects, labelled as such (critmin-planner).
pub const PLANNER_EXAMPLE_PROJECTS: EmbeddedFile =
    table!("planner_example_projects.csv", "planner_example_projects.csv");
/// The IEA Critical Minerals Data Explorer 2025 extract, as downloaded (critmin-planner's demand).
pub const IEA_EXTRACT_2025: EmbeddedFile = table!(
    "iea_cm_data_explorer_2025_extract.json",
    "raw/iea/iea_cm_data_explorer_2025_extract.json"
);
/// BACI's country codes with their ISO3 (critmin-trade).
pub const BACI_COUNTRY_CODES: EmbeddedFile = table!("baci_country_codes.csv", "baci_country_codes.csv");
/// HS6 codes → mineral, stage and contained-element factor (critmin-trade).
pub const HS_MINERALS: EmbeddedFile = table!("hs_minerals.csv", "hs_minerals.csv");
/// USGS commodity labels → critmin mineral, stage and unit, per release (the edition importers).
pub const USGS_COMMODITY_MAP: EmbeddedFile = table!("usgs_commodity_map.csv", "usgs_commodity_map.csv");
/// USGS country labels that are not a `countries.csv` name → ISO3 (the edition importers).
pub const USGS_COUNTRY_NAMES: EmbeddedFile = table!("usgs_country_names.csv", "usgs_country_names.csv");
/// USGS net-import-reliance labels → critmin mineral ids (the edition importers).
pub const USGS_RELIANCE_MAP: EmbeddedFile = table!("usgs_reliance_map.csv", "usgs_reliance_map.csv");

/// A binary reference file compiled into the program (a zip archive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmbeddedBytes {
    /// File name, as in `data/`.
    pub name: &'static str,
    /// Contents.
    pub bytes: &'static [u8],
}

/// The BACI release the shipped trade files come from (CEPII, Etalab Open Licence 2.0; see
/// `data/trade/README.md` for the attribution).
pub const BACI_RELEASE: &str = "V202601";
/// CEPII BACI V202601, HS 1992, every exporter–importer pair 1995–2024 for 53 HS6 codes of
/// critical minerals: one CSV (`t,i,j,k,v,q`) in a zip (critmin-trade).
pub const BACI_HS92_FLOWS: EmbeddedBytes = EmbeddedBytes {
    name: "BACI_HS92_V202601_critical_minerals_1995_2024.csv.zip",
    bytes: include_bytes!("../../../data/trade/BACI_HS92_V202601_critical_minerals_1995_2024.csv.zip"),
};
/// CEPII BACI V202601, HS 2017, every pair of 2024 for 30 codes, with the refined forms the
/// HS 1992 file lacks (critmin-trade).
pub const BACI_HS17_FLOWS_2024: EmbeddedFile = table!(
    "BACI_HS17_V202601_2024_30codes.csv",
    "trade/BACI_HS17_V202601_2024_30codes.csv"
);
/// CEPII's country code table of release V202601 (critmin-trade).
pub const BACI_COUNTRY_CODES_V202601: EmbeddedFile =
    table!("BACI_country_codes_V202601.csv", "trade/BACI_country_codes_V202601.csv");
/// CEPII's descriptions of the 53 HS 1992 codes of the shipped flows (critmin-trade).
pub const BACI_HS92_PRODUCT_CODES: EmbeddedFile =
    table!("BACI_HS92_product_codes.csv", "trade/BACI_HS92_product_codes.csv");
