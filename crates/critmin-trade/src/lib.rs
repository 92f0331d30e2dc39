//! Bilateral trade data for critmin: CEPII BACI and UN Comtrade import, the HS6-to-mineral map,
//! trade concentration and dependence, and the contained-tonne flows the stage network reads.
//!
//! - [`import()`]: streaming, parallel, validating import of a BACI or Comtrade CSV (plain or
//!   zipped) into a [`TradeTable`]; all or nothing; cached as columns keyed by file identity
//!   ([`cache`]).
//! - [`CountryTable`]: BACI's numeric country codes → ISO3 (shipped, or the user's code file).
//! - [`HsMap`]: HS6 → (mineral, chain stage, contained-element factor, lumped flag).
//! - [`product_concentration`]: exporter or importer HHI per (year, product).
//! - [`importer_dependence`], [`mineral_flows`]: per mineral and stage after the HS mapping.
//! - [`import_embedded`]: the shipped BACI V202601 flows (HS 1992 1995–2024, HS 2017 2024) as
//!   [`TradeFlows`], cached by release and content hash.
//! - [`country_sourcing`], [`world_concentration`]: an importer's suppliers per (mineral, stage,
//!   year) and the concentration of world trade, one HS revision per (mineral, stage), each row
//!   with its [`TradeFlag`]s.
//! - [`generate()`]: synthetic BACI-format data for tests and benchmarks.
//! - [`rows`]: the HHI and dependence rows both shells print (the crate's only serde types).
//!
//! Boundary: no printing and no command-line parsing; files are read (and the cache and the
//! generator's output written) here, and nothing else touches the disk.

pub mod cache;
mod codes;
mod comtrade;
mod dependence;
mod embedded;
mod flows;
mod generate;
mod hhi;
mod hs;
mod import;
mod parse;
pub mod rows;
mod sourcing;
mod table;

pub use codes::{CountryTable, EMBEDDED_COUNTRY_CODES, EMBEDDED_COUNTRY_CODES_NAME, MAX_COUNTRY_CODE, TradeCountry};
pub use comtrade::ComtradeSkips;
pub use dependence::{Dependence, FlowExtraction, importer_dependence, mineral_flows};
pub use embedded::{EMBEDDED_RELEASE, EmbeddedFlows, embedded_release_countries, import_embedded};
pub use flows::{TradeFlag, TradeFlows, TradePart};
pub use generate::{GenerateError, GenerateOptions, GenerateSummary, generate, generate_file};
pub use hhi::{Basis, ProductConcentration, Side, needed_columns, product_concentration};
pub use hs::{EMBEDDED_HS_MAP, EMBEDDED_HS_MAP_NAME, HsMap, HsMapping, HsRevision};
pub use import::{
    CacheStatus, DEFAULT_YEARS, Import, ImportError, ImportOptions, bytes_identity, cached_concentration,
    default_cache_dir, file_identity, import, import_bytes,
};
pub use rows::{
    DependenceRow, HhiFilter, HhiRow, QueryError, dependence_rows, hhi_rows, importer_codes, parse_products,
};
pub use sourcing::{
    FlowFilter, Sourcing, WorldConcentration, YearChange, country_sourcing, latest_year, world_concentration,
    year_flows,
};
pub use table::{Columns, ComtradeFlow, ProductYear, TradeSource, TradeTable, hs6_text};
