//! The report's document: everything `critmin report` shows, computed here so the report
//! crate only renders it. Tables from `critmin-metrics` ([`tables`]), the named scenarios and
//! the Monte Carlo supply at risk from `critmin-network` ([`stress`]), and the demand outlook,
//! India's pipeline and the optimizer's portfolio from `critmin-planner` ([`outlook`]; the
//! portfolio needs the `solver` feature, and says so without it).

pub mod outlook;
pub mod stress;
pub mod tables;

use critmin_metrics::{PartnerSet, SeriesFilter, concentration_overview};
use critmin_model::{CountryCode, Dataset, Group};

pub use outlook::{ChartLine, ChartLineKind, OutlookSection, PortfolioView, SupplyDemandChart, build_outlook};
pub use stress::{RiskRow, StressRow, StressTests, build_stress_tests};
pub use tables::{
    CountryExposure, ExposureRow, HeatCell, HeatRow, MapSeries, MapShare, ShiftRow, SourceEntry, StageCell,
};

/// What to put in the report.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// Countries whose exposure is shown (India and the US by default).
    pub countries: Vec<CountryCode>,
    /// Partner definition for the exposure tables (MSP by default).
    pub partners: PartnerSet,
    /// Text naming the partner definition, as the user gave it.
    pub partners_label: String,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            countries: vec![CountryCode::INDIA, CountryCode::USA],
            partners: PartnerSet::from_groups([Group::Msp]),
            partners_label: "MSP".to_owned(),
        }
    }
}

/// Everything the report shows.
#[derive(Debug, Clone)]
pub struct Report {
    /// Short findings, one sentence each.
    pub findings: Vec<String>,
    /// Series for the map picker, in mineral order.
    pub maps: Vec<MapSeries>,
    /// Id of the series shown first.
    pub default_map: String,
    /// Heat table rows.
    pub heat: Vec<HeatRow>,
    /// IEA mine-to-refinery shift.
    pub shift: Vec<ShiftRow>,
    /// One exposure table per chosen country.
    pub exposures: Vec<CountryExposure>,
    /// Sources of the data (the renderer adds those of its own drawing, such as the map).
    pub sources: Vec<SourceEntry>,
    /// Series left out (no usable total), with the reason.
    pub left_out: Vec<String>,
    /// Data-quality notes worth reading, one per series that has one.
    pub quality_notes: Vec<String>,
    /// Stress tests: named scenarios and supply at risk.
    pub stress: StressTests,
    /// Outlook and options (demand scenarios, pipeline, recommended portfolios).
    pub outlook: OutlookSection,
}

/// Builds the report from the dataset.
pub fn build_report(ds: &Dataset, options: &ReportOptions) -> Report {
    let (all, failed) = concentration_overview(ds, &SeriesFilter::default());
    let (maps, default_map) = tables::maps(ds, &all);
    Report {
        findings: tables::findings(ds, &all, &options.countries),
        maps,
        default_map,
        heat: tables::heat(ds, &all),
        shift: tables::shift(ds, &all),
        exposures: tables::exposures(ds, &options.countries, &options.partners, &options.partners_label),
        sources: tables::sources(ds, &all),
        left_out: tables::left_out(&failed),
        quality_notes: tables::quality_notes(&all),
        stress: build_stress_tests(ds, &options.countries),
        outlook: build_outlook(ds, &options.countries, &options.partners),
    }
}

/// The concentration heat table and the sources behind it: the part of the report the
/// dashboard's overview shows.
#[derive(Debug, Clone)]
pub struct HeatTable {
    /// Heat table rows.
    pub heat: Vec<HeatRow>,
    /// Sources of the data.
    pub sources: Vec<SourceEntry>,
}

/// Builds the heat table alone (no Monte Carlo, no optimizer), as [`build_report`] does.
pub fn build_heat_table(ds: &Dataset) -> HeatTable {
    let (all, _) = concentration_overview(ds, &SeriesFilter::default());
    HeatTable {
        heat: tables::heat(ds, &all),
        sources: tables::sources(ds, &all),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_heat_table_alone_equals_the_reports() {
        let ds = critmin_data::load_embedded().unwrap();
        let (all, _) = concentration_overview(&ds, &SeriesFilter::default());
        let table = build_heat_table(&ds);
        assert_eq!(table.heat.len(), tables::heat(&ds, &all).len());
        assert!(table.heat.len() > 10);
        assert!(table.sources.iter().any(|s| s.code == "USGS-MCS2025"));
    }
}
