//! The critmin report: one self-contained HTML file (inline SVG and CSS, a few lines of inline
//! script, no network) and a short terminal summary, rendered from the report document that
//! `critmin_app::report::build_report` computes.
//!
//! Contents: key findings; a world choropleth of supply shares for every mineral and stage
//! (one map, a picker, server-side colouring of the default series so it reads without
//! script); the mineral × stage concentration heat table; the IEA mine-to-refinery shift; the
//! exposure of the chosen countries (India and the US by default); stress tests; the outlook
//! and options; and the sources.
//!
//! Boundary: renders through `critmin-html` only; computes nothing, knows nothing of files,
//! terminals or the command line (the caller writes the HTML where it wants).

mod outlook;
mod page;
mod stress;
mod summary;

pub use page::to_html;
pub use summary::summary;
