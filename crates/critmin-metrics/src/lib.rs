//! critmin metrics: the formulas that turn supply figures into concentration and risk
//! indicators.
//!
//! Modules, each a set of documented functions with the formula and its source:
//!
//! - [`concentration`] — HHI on 0–10,000 (`10,000 · Σ s_i²`), top-k share
//!   (`CR_k = Σ_{i≤k} s_(i)`), effective number of suppliers (`10,000 / HHI`), and
//!   [`Concentration`]: lower/upper HHI bounds when part of the total is an uncovered
//!   remainder `r` (lower: `r` contributes 0; upper: `r` is one supplier, `+ 10,000 · r²`);
//!   DOJ/FTC bands 1,500 / 2,500. Sources: Herfindahl (1950), Hirschman (1945); DOJ/FTC
//!   Horizontal Merger Guidelines (2010) §5.3; Adelman (1969).
//! - [`shares`] — [`SupplyShares`] of one [`critmin_model::Series`]: the total (published
//!   world total, or the sum of rows when the world total is missing or smaller than the
//!   named countries), `share_c = v_c / total`, remainder `r = max(0, 1 − Σ share_c)`, and
//!   structured data-quality notes (world vs rows beyond rounding, missing values, bounds,
//!   coverage). Source: project DESIGN ("Data"), `data/SOURCES.md` §1.
//! - [`governance`] — governance-weighted HHI `HHI_WGI = Σ s_i² · g_i` (0–10, `g_i` the WGI
//!   risk `clamp((2.5 − mean₆) · 2, 0, 10)`), as lower/upper bounds for the remainder and
//!   unscored countries. Source: Blengini et al. (2017), EUR 28654 EN, doi:10.2760/73303.
//! - [`partner`] — a buyer's partner lens: domestic / partner / FEOC-covered / other shares
//!   and the grouped HHI `10,000 · (d² + p² + (1 − d − p)²)`. Source: project DESIGN
//!   ("Partner lens"); covered nations of 10 U.S.C. § 4872.
//! - [`reliance`] — USGS net import reliance `(I − E − ΔS) / AC × 100` with
//!   `AC = P + I − E − ΔS` (or a published AC), and EU import reliance
//!   `(I − E) / (P + I − E)` bounded to [0, 1]. Sources: USGS Mineral Commodity Summaries
//!   2025 (doi:10.3133/mcs2025); Blengini et al. (2017).
//! - [`geopolrisk`](mod@geopolrisk) — `GeoPolRisk = HHI × WTA`, `WTA = Σ F_i g_i / (Σ F_i + P)` (HHI and
//!   `g_i` on 0–1). Sources: Gemechu et al. (2016), doi:10.1111/jiec.12279; Helbig et al.
//!   (2016); geopolrisk-py.
//! - [`supply_risk`](mod@supply_risk) — EU JRC supply risk
//!   `SR = [HHI_WGI,t(GS) · IR/2 + HHI_WGI,t(EU) · (1 − IR/2)] · (1 − EOL_RIR) · SI_SR`, with
//!   every input the dataset lacks a documented parameter whose default is echoed in the
//!   result; threshold SR ≥ 1.0 (with EI ≥ 2.8, not computed here). Source: Blengini et al.
//!   (2017).
//!
//! - [`overview`] — every series' shares, concentration and FEOC share at once, with the
//!   series that cannot be computed listed with the reason (never as zeros).
//! - [`exposure`] — a country's exposure per mineral: its published import reliance and, for
//!   mining and processing, world concentration with domestic / partner / FEOC shares.
//!
//! Boundary: this crate is pure computation over `critmin-model` types and plain numbers. It
//! knows nothing of files, CLI, HTTP or serialization, does no IO and prints nothing. Bad
//! input (NaN, negative quantities, shares above 1, empty supply) gives a typed error, never a
//! panic; missing values are never treated as zero.
//!
//! Conventions: shares are fractions of one total (0.25 = 25 %); HHI is on 0–10,000 unless a
//! function says otherwise (HHI_WGI on 0–10, GeoPolRisk's HHI on 0–1). [`METHODS_VERSION`]
//! identifies the version of these methods for results that must carry their basis.

pub mod concentration;
pub mod exposure;
pub mod geopolrisk;
pub mod governance;
pub mod overview;
pub mod partner;
pub mod reliance;
pub mod shares;
pub mod supply_risk;

#[cfg(test)]
mod test_support;

pub use concentration::{Concentration, ConcentrationBand, ShareError, effective_number, hhi, top_k_share};
pub use exposure::{CountryExposure, MineralExposure, RELIANCE_METRICS, StageExposure, country_exposure};
pub use geopolrisk::{GeoPolRisk, GeoPolRiskError, geopolrisk};
pub use governance::{GovernanceHhi, ScoredShare, governance_hhi};
pub use overview::{NotComputable, SeriesConcentration, SeriesFilter, concentration_overview, series_concentration};
pub use partner::{ClassifiedShare, PartnerLens, PartnerSet, PartnerSetError, SupplierClass, feoc_share, partner_lens};
pub use reliance::{NetImportReliance, NirInputs, RelianceError, eu_import_reliance, net_import_reliance};
pub use shares::{CountryShare, QualityNote, QualityNoteKind, SharesError, SupplyShares, TotalBasis};
pub use supply_risk::{SupplyRisk, SupplyRiskError, SupplyRiskParams, supply_risk};

/// Version of the methods implemented here (the crate version). Results shown to users should
/// state it with their source, year, stage and unit (project DESIGN, "Data").
pub const METHODS_VERSION: &str = concat!("critmin-metrics ", env!("CARGO_PKG_VERSION"));
