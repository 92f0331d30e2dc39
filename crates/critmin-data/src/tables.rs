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
