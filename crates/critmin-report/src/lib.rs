//! The critmin report: one self-contained HTML file (inline SVG and CSS, a few lines of inline
//! script, no network) and a short terminal summary, built from the dataset and the metrics.
//!
//! Contents: key findings; a world choropleth of supply shares for every mineral and stage
//! (one map, a picker, server-side colouring of the default series so it reads without
//! script); the mineral × stage concentration heat table; the IEA mine-to-refinery shift; the
//! exposure of the chosen countries (India and the US by default); and the sources.
//!
//! Boundary: builds on `critmin-metrics` for every number; knows nothing of files, terminals
//! or the command line (the caller writes the HTML where it wants).

mod build;
mod html;
mod outlook;
mod stress;
mod summary;
pub mod worldmap;

pub use build::{
    ExposureRow, HeatCell, HeatRow, MapSeries, MapShare, Report, ReportOptions, ShiftRow, SourceEntry, StageCell,
    build_report,
};
pub use outlook::{ChartLine, OutlookSection, PortfolioView, SupplyDemandChart, build_outlook};
pub use stress::{RiskRow, StressRow, StressTests, build_stress_tests};
